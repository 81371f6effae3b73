//! `CardMmcs` on the simulated card (the device model, through the same driver a real card
//! runs): commitments, openings and pruned proofs equal Plonky3's `MerkleTreeMmcs`, the trees
//! really built and kept on the card (its counters say so), several trees resident at once
//! and their room given back; faults on the card never reach a commitment or a proof; and
//! uni-stark proofs through slotproof's DFT and the card are byte-identical to stock
//! Plonky3's and verified by it.

mod common;

use common::{bytes, random_matrix};
use p3_commit::Mmcs;
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_uni_stark::{Proof, prove, verify};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::Opcode;
use slotproof_host::backend::card::VerifyMode;
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, goldilocks, koalabear};
use slotproof_plonky3::{SlotproofDft, poseidon2_air};
use slotproof_sim::device::{FaultKind, FaultPlan, Trigger};

/// Commits `batch` on the card and with stock Plonky3 and compares the commitment, single
/// openings and a multi-opening with repeats.
macro_rules! compare_on_card {
    ($field:ident, $card:expr, $stock:expr, $rng:expr, $batch:expr) => {{
        let (card, stock, rng) = (&$card, &$stock, &mut *$rng);
        let batch: Vec<RowMajorMatrix<$field::Val>> = $batch;
        let shape: Vec<_> = batch.iter().map(|m| (m.height(), m.width())).collect();
        let dims: Vec<_> = batch.iter().map(|m| m.dimensions()).collect();
        let height = shape.iter().map(|s| s.0).max().unwrap();
        let (a, ta) = card.commit(batch.iter().map(|m| m.clone().bit_reverse_rows()).collect());
        let (b, tb) = stock.commit(batch.into_iter().map(|m| m.bit_reverse_rows()).collect());
        assert_eq!(a, b, "{shape:?}: the card's commitment differs");
        for _ in 0..4 {
            let index = (rng.next_u64() as usize) % height;
            let (oa, pa) = card.open_batch(index, &ta).unpack();
            let (ob, pb) = stock.open_batch(index, &tb).unpack();
            assert_eq!((&oa, bytes(&pa)), (&ob, bytes(&pb)), "{shape:?}: opening of row {index} differs");
            card.verify_batch(&a, &dims, index, p3_commit::BatchOpeningRef::new(&oa, &pa)).expect("verifies");
        }
        let indices: Vec<usize> = (0..12).map(|_| (rng.next_u64() as usize) % height).collect();
        let (ra, ma) = card.open_multi_batch(&indices, &ta);
        let (rb, mb) = stock.open_multi_batch(&indices, &tb);
        assert_eq!((&ra, bytes(&ma)), (&rb, bytes(&mb)), "{shape:?}: multi-opening of {indices:?} differs");
        stock.verify_multi_batch(&b, &dims, &indices, &ra, &ma).expect("stock verifies the card's multi-opening");
        ta
    }};
}

macro_rules! card_equals_stock {
    ($test:ident, $field:ident) => {
        #[test]
        fn $test() {
            let mut rng = SplitMix64::new(test_seed(stringify!($test)));
            for cap_height in [0, 2] {
                let cpu = $field::SlotMmcs::new($field::perm(), cap_height);
                // Small batches: wide rows cross several HASH_LEAVES batches.
                let card = $field::CardMmcs::on_sim(cpu, FaultPlan::none()).expect("sim card").with_batch_bytes(4096);
                let stock = $field::ValMmcs::new(
                    $field::Hash::new($field::perm()),
                    $field::Compress::new($field::perm()),
                    cap_height,
                );
                let free = card.free_tree_bytes();
                let mut kept = Vec::new();
                for log_h in [2usize, 5, 9] {
                    let width = 1 + (rng.next_u64() as usize) % 40;
                    let batch =
                        vec![random_matrix(&mut rng, 1 << log_h, width), random_matrix(&mut rng, 1 << log_h, 3)];
                    kept.push(compare_on_card!($field, card, stock, &mut rng, batch));
                }
                // Mixed heights go to the CPU, with the same result.
                let mixed = vec![random_matrix(&mut rng, 64, 5), random_matrix(&mut rng, 16, 2)];
                compare_on_card!($field, card, stock, &mut rng, mixed);
                let (on_card, cpu_shape, fell_back, paths, rebuilt) = card.stats().snapshot();
                assert_eq!((on_card, cpu_shape, fell_back, rebuilt), (3, 1, 0, 0), "cap {cap_height}");
                assert!(paths > 0);
                // Three trees resident at once; dropping them gives their room back.
                assert!(card.free_tree_bytes() < free);
                drop(kept);
                assert_eq!(card.free_tree_bytes(), free, "tree room not given back");
            }
        }
    };
}

card_equals_stock!(babybear_card_commitments_equal_stock, babybear);
card_equals_stock!(koalabear_card_commitments_equal_stock, koalabear);
card_equals_stock!(goldilocks_card_commitments_equal_stock, goldilocks);

/// A card whose outputs have a bit flipped (a compute fault its checksum vouches for) or
/// whose transfers fail: every commitment and opening still equals stock Plonky3's.
///
/// Where the fault lands decides whether it matters: a flipped sponge state the next batch
/// overwrites, or a leaf digest a path carries but the host recomputes, changes nothing. So
/// the cases that always matter (a flipped root, failed transfers) must send every commit to
/// the CPU, and the others must give the right answers. A flipped sponge state of the last
/// batch leaves a tree consistent with the wrong row, which sampling sees only when it samples
/// that row: the `HASH_LEAVES` case runs under full verification.
#[test]
fn card_faults_never_reach_a_commitment() {
    let mut rng = SplitMix64::new(test_seed("card_faults_never_reach_a_commitment"));
    let on = |op| Trigger::every().on_opcode(op);
    let cases = [
        ("flipped tree bit", FaultKind::FlipResultBit, on(Opcode::HashLeaves), VerifyMode::Full, false),
        ("flipped root bit", FaultKind::FlipResultBit, on(Opcode::ReadRoot), VerifyMode::Sample(8), true),
        ("flipped path bit", FaultKind::FlipResultBit, on(Opcode::ReadPaths), VerifyMode::Sample(8), false),
        ("failed transfers", FaultKind::FailedTransfer, Trigger::every(), VerifyMode::Sample(8), true),
    ];
    for (what, kind, trigger, verify, always_caught) in cases {
        let faults = FaultPlan::new(rng.next_u64()).with(kind, trigger);
        let sick =
            babybear::CardMmcs::on_sim(babybear::slotproof_mmcs(), faults).expect("sim card").with_verify(verify);
        let stock = babybear::stock_mmcs();
        for log_h in [3usize, 8] {
            let batch = vec![random_matrix::<babybear::Val>(&mut rng, 1 << log_h, 11)];
            compare_on_card!(babybear, sick, stock, &mut rng, batch);
        }
        let (on_card, _, fell_back, _, _) = sick.stats().snapshot();
        assert_eq!(on_card + fell_back, 2, "{what}");
        if always_caught {
            assert_eq!(fell_back, 2, "{what}: a commitment stayed on a card whose answer is always wrong");
        }
    }
}

/// Negative control for the card tests: the same batch committed twice on a healthy card is
/// kept on the card both times, and a different batch gives a different commitment.
#[test]
fn a_healthy_card_keeps_its_commitments() {
    let mut rng = SplitMix64::new(test_seed("a_healthy_card_keeps_its_commitments"));
    let card = koalabear::CardMmcs::on_sim(koalabear::slotproof_mmcs(), FaultPlan::none()).expect("sim card");
    let m = random_matrix::<koalabear::Val>(&mut rng, 32, 9);
    let (a, _) = card.commit(vec![m.clone()]);
    let (b, _) = card.commit(vec![m]);
    let (c, _) = card.commit(vec![random_matrix::<koalabear::Val>(&mut rng, 32, 9)]);
    assert_eq!(a, b);
    assert_ne!(a, c, "different rows, one commitment");
    assert_eq!(card.stats().snapshot().0, 3, "commitments left the card");
}

const FRI: FriOptions = FriOptions { log_blowup: 1, num_queries: 40, query_proof_of_work_bits: 0 };

/// Whole uni-stark proofs with the trees on the simulated card: the Fibonacci AIR and the
/// Poseidon2-permutation AIR at 2^12 rows, in the three fields; the bytes equal stock
/// Plonky3's, stock Plonky3 verifies them, and every commitment was the card's.
macro_rules! card_proofs {
    ($test:ident, $field:ident) => {
        #[test]
        fn $test() {
            let mut rng = SplitMix64::new(test_seed(stringify!($test)));
            let card = $field::CardMmcs::on_sim($field::slotproof_mmcs(), FaultPlan::none()).expect("sim card");
            let on_card = $field::config(SlotproofDft::default(), card.clone(), FRI);

            let starts: Vec<(u64, u64)> = (0..3).map(|_| (rng.next_u64() % 1000, rng.next_u64() % 1000)).collect();
            let (trace, pis) = FibonacciAir::trace::<$field::Val>(&starts, 1 << 10);
            let air = FibonacciAir { pairs: 3 };
            let ours = bytes(&prove(&on_card, &air, trace.clone(), &pis).expect("proves"));
            let stock = bytes(&prove(&$field::stock(FRI), &air, trace, &pis).expect("proves"));
            assert!(ours == stock, "Fibonacci proof through the card differs from stock Plonky3's");
            let received: Proof<$field::StockConfig> = postcard::from_bytes(&ours).expect("stock reads our bytes");
            verify(&$field::stock(FRI), &air, &received, &pis).expect("stock Plonky3 verifies");

            use poseidon2_air::$field as p2;
            let inputs = p2::random_inputs(1 << 12, || rng.next_u64());
            let trace = p2::trace::<1>(inputs, FRI.log_blowup);
            let air = p2::air::<1>();
            let ours = bytes(&prove(&on_card, &air, trace.clone(), &[]).expect("proves"));
            let stock = bytes(&prove(&$field::stock(FRI), &air, trace, &[]).expect("proves"));
            assert!(ours == stock, "Poseidon2 AIR proof through the card differs from stock Plonky3's");
            let received: Proof<$field::StockConfig> = postcard::from_bytes(&ours).expect("stock reads our bytes");
            verify(&$field::stock(FRI), &air, &received, &[]).expect("stock Plonky3 verifies");

            let (on_card, cpu_shape, fell_back, paths, rebuilt) = card.stats().snapshot();
            assert!(on_card >= 6, "only {on_card} commitments on the card");
            assert_eq!((cpu_shape, fell_back, rebuilt), (0, 0, 0));
            assert!(paths > 0);
        }
    };
}

card_proofs!(babybear_proofs_on_the_card_equal_stock, babybear);
card_proofs!(koalabear_proofs_on_the_card_equal_stock, koalabear);
card_proofs!(goldilocks_proofs_on_the_card_equal_stock, goldilocks);
