//! `SlotproofMmcs` against Plonky3's `MerkleTreeMmcs` on the same permutation: for random
//! batches of matrices on the height ladder (powers of two and not, one matrix or many, every
//! cap height that fits), the commitment, every single opening and proof, and multi-openings
//! with their pruned proofs must be equal, and serialise to the same bytes. Verification
//! accepts honest openings and refuses tampered ones; heights off the ladder are refused
//! with Plonky3's error.

mod common;

use common::{bytes, random_matrix};
use p3_commit::{BatchOpeningRef, ExtensionMmcs, Mmcs};
use p3_field::extension::BinomialExtensionField;
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField64};
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeError;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_plonky3::config::{babybear, goldilocks, koalabear};
use slotproof_plonky3::mmcs::CommitError;

/// Heights on the ladder of `max`: `ceil(max / 2^k)` for a random subset of `k`, the tallest
/// always present, each height given one to three matrices, shuffled.
fn ladder_batch<F: PrimeField64>(rng: &mut SplitMix64, max: usize, max_width: usize) -> Vec<RowMajorMatrix<F>> {
    let mut heights = vec![max];
    let mut h = max;
    while h > 1 {
        h = h.div_ceil(2);
        if rng.next_u64().is_multiple_of(2) {
            heights.push(h);
        }
    }
    let mut batch = Vec::new();
    for h in heights {
        for _ in 0..1 + rng.next_u64() % 3 {
            let width = 1 + (rng.next_u64() as usize) % max_width;
            batch.push(random_matrix(rng, h, width));
        }
    }
    // Fisher–Yates: the scheme must sort by height itself and keep the given order within one.
    for i in (1..batch.len()).rev() {
        let j = (rng.next_u64() as usize) % (i + 1);
        batch.swap(i, j);
    }
    batch
}

/// Commits `batch` with both schemes at `cap_height` and compares everything a prover sends.
macro_rules! compare_batch {
    ($field:ident, $rng:expr, $batch:expr, $cap_height:expr) => {
        'compare: {
            let rng: &mut SplitMix64 = $rng;
            let batch: Vec<RowMajorMatrix<$field::Val>> = $batch;
            let cap_height: usize = $cap_height;
            let perm = perms::$field();
            let ours = $field::SlotMmcs::new(perm.clone(), cap_height);
            let stock = $field::ValMmcs::new($field::Hash::new(perm.clone()), $field::Compress::new(perm), cap_height);
            let shape: Vec<_> = batch.iter().map(|m| (m.height(), m.width())).collect();
            let dims: Vec<_> = batch.iter().map(|m| m.dimensions()).collect();
            let max_height = shape.iter().map(|s| s.0).max().unwrap();

            let (our_cap, our_tree) = match ours.try_commit(batch.clone()) {
                Ok(committed) => committed,
                Err(CommitError::CapNotPowerOfTwo { .. }) => {
                    // A cap on a padded layer: Plonky3 refuses it too (by panicking).
                    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stock.commit(batch)));
                    assert!(refused.is_err(), "{shape:?} cap {cap_height}: stock accepted a cap we refused");
                    break 'compare;
                }
                Err(e) => panic!("{shape:?}: {e}"),
            };
            let (stock_cap, stock_tree) = stock.commit(batch);
            assert_eq!(our_cap, stock_cap, "{shape:?} cap {cap_height}: commitments differ");
            assert_eq!(ours.get_matrix_heights(&our_tree), stock.get_matrix_heights(&stock_tree));

            for _ in 0..6 {
                let index = (rng.next_u64() as usize) % max_height;
                let a = ours.open_batch(index, &our_tree);
                let b = stock.open_batch(index, &stock_tree);
                assert_eq!(a.opened_values, b.opened_values, "{shape:?}: rows at {index} differ");
                assert_eq!(a.opening_proof, b.opening_proof, "{shape:?} cap {cap_height}: path of {index} differs");
                assert_eq!(bytes(&a.opening_proof), bytes(&b.opening_proof));
                // Our proof checks under our scheme's verify and under stock Plonky3's.
                ours.verify_batch(&our_cap, &dims, index, (&a).into()).expect("our opening verifies");
                stock
                    .verify_batch(&stock_cap, &dims, index, BatchOpeningRef::new(&a.opened_values, &a.opening_proof))
                    .expect("stock Plonky3 verifies our opening");

                // Negative controls: one value, one sibling. Plonky3 checks a matrix's rows on the
                // way up to the cap; rows of a matrix injected inside a cap of height > 0 are not
                // bound by a single opening (stock behaviour, which the scheme must keep), so
                // above cap 0 the changed value is in a tallest matrix.
                let mut bad_rows = a.opened_values.clone();
                let checked: Vec<usize> =
                    (0..shape.len()).filter(|&m| cap_height == 0 || shape[m].0 == max_height).collect();
                let m = checked[(rng.next_u64() as usize) % checked.len()];
                let c = (rng.next_u64() as usize) % bad_rows[m].len();
                bad_rows[m][c] += $field::Val::ONE;
                assert!(
                    stock
                        .verify_batch(&stock_cap, &dims, index, BatchOpeningRef::new(&bad_rows, &a.opening_proof))
                        .is_err(),
                    "{shape:?}: a changed value at matrix {m} column {c} verified"
                );
                if !a.opening_proof.is_empty() {
                    let mut bad_path = a.opening_proof.clone();
                    let s = (rng.next_u64() as usize) % bad_path.len();
                    bad_path[s][0] += $field::Val::ONE;
                    assert!(
                        ours.verify_batch(&our_cap, &dims, index, BatchOpeningRef::new(&a.opened_values, &bad_path))
                            .is_err(),
                        "{shape:?}: a changed sibling {s} verified"
                    );
                }
            }

            // Multi-openings: random index sets with repeats, and the whole tree.
            let sets: Vec<Vec<usize>> = vec![
                (0..1 + rng.next_u64() % 9).map(|_| (rng.next_u64() as usize) % max_height).collect(),
                (0..max_height.min(64)).collect(),
            ];
            for indices in sets {
                let (our_rows, our_proof) = ours.open_multi_batch(&indices, &our_tree);
                let (stock_rows, stock_proof) = stock.open_multi_batch(&indices, &stock_tree);
                assert_eq!(our_rows, stock_rows, "{shape:?}: multi-opened rows differ at {indices:?}");
                assert_eq!(
                    bytes(&our_proof),
                    bytes(&stock_proof),
                    "{shape:?} cap {cap_height}: pruned proofs differ at {indices:?}"
                );
                stock
                    .verify_multi_batch(&stock_cap, &dims, &indices, &our_rows, &our_proof)
                    .expect("stock Plonky3 verifies our multi-opening");
                let mut bad = our_rows.clone();
                let q = (rng.next_u64() as usize) % bad.len();
                let tallest = shape.iter().position(|s| s.0 == max_height).unwrap();
                bad[q][tallest][0] += $field::Val::ONE;
                assert!(
                    ours.verify_multi_batch(&our_cap, &dims, &indices, &bad, &our_proof).is_err(),
                    "{shape:?}: a changed value in query {q} verified"
                );
            }
        }
    };
}

/// One test per field: many random ladders, power-of-two tallest heights and not.
macro_rules! equals_stock {
    ($test:ident, $field:ident) => {
        #[test]
        fn $test() {
            let mut rng = SplitMix64::new(test_seed(stringify!($test)));
            let mut maxima: Vec<usize> = vec![1, 2, 3, 5, 8, 13, 64, 100, 1 << 10];
            maxima.extend((0..6).map(|_| 1 + (rng.next_u64() as usize) % 300));
            for max in maxima {
                let batch = ladder_batch::<$field::Val>(&mut rng, max, 37);
                let depth = max.next_power_of_two().trailing_zeros() as usize;
                for cap_height in [0, 1, depth.min(3), depth + 2] {
                    compare_batch!($field, &mut rng, batch.clone(), cap_height);
                }
            }
            // One batch whose leaves span many lanes and staging blocks: 2^13 rows, widths
            // both sides of the sponge rate.
            let mut batch = vec![random_matrix(&mut rng, 1 << 13, 19), random_matrix(&mut rng, 1 << 13, 8)];
            batch.push(random_matrix(&mut rng, 1 << 11, 3));
            compare_batch!($field, &mut rng, batch, 0);
        }
    };
}

// The permutation the standard configurations use (Plonky3's default constants), cloned per
// scheme so both hash with one instance's constants.
mod perms {
    pub fn babybear() -> slotproof_plonky3::config::babybear::Perm {
        p3_baby_bear::default_babybear_poseidon2_16()
    }
    pub fn koalabear() -> slotproof_plonky3::config::koalabear::Perm {
        p3_koala_bear::default_koalabear_poseidon2_16()
    }
    pub fn goldilocks() -> slotproof_plonky3::config::goldilocks::Perm {
        p3_goldilocks::default_goldilocks_poseidon2_8()
    }
}

equals_stock!(babybear_equals_merkle_tree_mmcs, babybear);
equals_stock!(koalabear_equals_merkle_tree_mmcs, koalabear);
equals_stock!(goldilocks_equals_merkle_tree_mmcs, goldilocks);

/// FRI commits to challenge-field matrices through `ExtensionMmcs`, which flattens them to
/// base-field rows: the wrapped scheme must still equal the wrapped stock one, on the
/// bit-reversed views the PCS hands over.
#[test]
fn extension_field_commitments_equal_stock() {
    type Challenge = BinomialExtensionField<babybear::Val, 4>;
    let mut rng = SplitMix64::new(test_seed("extension_field_commitments_equal_stock"));
    let ours = ExtensionMmcs::<babybear::Val, Challenge, _>::new(babybear::slotproof_mmcs());
    let stock = ExtensionMmcs::<babybear::Val, Challenge, _>::new(babybear::stock_mmcs());
    for log_h in [0, 3, 9] {
        let width = 1 + (rng.next_u64() as usize) % 5;
        let values: Vec<Challenge> = (0..(width << log_h))
            .map(|_| Challenge::from_basis_coefficients_fn(|_| babybear::Val::from_u64(rng.next_u64() % (1 << 31))))
            .collect();
        let m = RowMajorMatrix::new(values, width);
        let (a, ta) = ours.commit_matrix(m.clone().bit_reverse_rows());
        let (b, tb) = stock.commit_matrix(m.bit_reverse_rows());
        assert_eq!(a, b, "2^{log_h} × {width} extension commitment");
        let index = (rng.next_u64() as usize) % (1 << log_h);
        let (oa, pa) = ours.open_batch(index, &ta).unpack();
        let (ob, pb) = stock.open_batch(index, &tb).unpack();
        assert_eq!((oa, bytes(&pa)), (ob, bytes(&pb)));
    }
}

/// Heights off the ladder, and an empty batch, are refused with Plonky3's errors naming the
/// height; `commit` itself (whose trait has no error path) panics with the same words.
#[test]
fn heights_off_the_ladder_are_refused() {
    let mut rng = SplitMix64::new(test_seed("heights_off_the_ladder_are_refused"));
    let mmcs = babybear::slotproof_mmcs();
    let batch = vec![random_matrix::<babybear::Val>(&mut rng, 8, 2), random_matrix(&mut rng, 3, 2)];
    match mmcs.try_commit(batch) {
        Err(CommitError::Heights(MerkleTreeError::IncompatibleHeights {
            height: 3,
            max_height: 8,
            expected_height: 4,
            ..
        })) => {}
        other => panic!("height 3 beside 8 gave {:?}", other.map(|(cap, _)| cap)),
    }
    let empty: Vec<RowMajorMatrix<babybear::Val>> = vec![RowMajorMatrix::new(vec![], 4)];
    assert!(matches!(mmcs.try_commit(empty), Err(CommitError::Heights(MerkleTreeError::EmptyBatch))));
    let panicked = std::panic::catch_unwind(|| {
        let batch = vec![
            random_matrix::<babybear::Val>(&mut SplitMix64::new(1), 6, 1),
            random_matrix(&mut SplitMix64::new(2), 4, 1),
        ];
        babybear::slotproof_mmcs().commit(batch)
    });
    let message = panicked.err().and_then(|p| p.downcast_ref::<String>().cloned()).expect("commit panicked");
    assert!(message.contains("height 4 incompatible with tallest height 6"), "panic said: {message}");
}

/// Negative control for the comparison: swapping two matrices of one height changes the
/// commitment (their rows are concatenated in the order given), and our scheme sees it.
#[test]
fn the_comparison_sees_matrix_order() {
    let mut rng = SplitMix64::new(test_seed("the_comparison_sees_matrix_order"));
    let a = random_matrix::<koalabear::Val>(&mut rng, 16, 3);
    let b = random_matrix::<koalabear::Val>(&mut rng, 16, 5);
    let mmcs = koalabear::slotproof_mmcs();
    let (ab, _) = mmcs.commit(vec![a.clone(), b.clone()]);
    let (ba, _) = mmcs.commit(vec![b, a]);
    assert_ne!(ab, ba, "matrix order did not change the commitment");
    let (stock_ab, _) = koalabear::stock_mmcs().commit(vec![random_matrix::<koalabear::Val>(&mut rng, 16, 3)]);
    assert_ne!(ab, stock_ab);
}
