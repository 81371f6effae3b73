//! A stock Plonky3 uni-stark prover on slotproof's kernels (`SlotproofDft` as its PCS's DFT,
//! `SlotproofMmcs` as its trace, quotient and FRI commitment scheme): the proof is byte for
//! byte the proof stock Plonky3 (`Radix2DitParallel`, `MerkleTreeMmcs`) makes with the same
//! configuration and challenger, and stock Plonky3's verifier accepts it. Two AIRs: Fibonacci
//! sequences, and Plonky3's Poseidon2-permutation AIR at 2^12 rows.

use std::borrow::Borrow;

use p3_dft::Radix2DitParallel;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;
use p3_symmetric::Permutation;
use p3_uni_stark::{Proof, prove, verify};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, goldilocks, koalabear};
use slotproof_plonky3::{SlotproofDft, poseidon2_air};

/// Small enough for CI, still a real FRI: blowup 2, 40 queries. No grinding: Plonky3 searches
/// for a proof-of-work witness in parallel and keeps whichever thread finds one first
/// (`find_any`), so two proofs with grinding differ in their witness, and from there in
/// everything after it, even from the same prover. At 0 bits the witness is fixed (zero).
const FRI: FriOptions = FriOptions { log_blowup: 1, num_queries: 40, query_proof_of_work_bits: 0 };

/// Proves `rows` rows of the sequences from `starts` with `$config` (a configuration of
/// `$field`), checks stock Plonky3 verifies it (and refuses a wrong public value), and
/// returns the proof's bytes.
macro_rules! proof_bytes {
    ($field:ident, $config:expr, $rows:expr, $starts:expr) => {{
        let config = $config;
        let air = FibonacciAir { pairs: $starts.len() };
        let (trace, pis) = FibonacciAir::trace::<$field::Val>($starts, $rows);
        let proof = prove(&config, &air, trace, &pis).expect("an honest trace proves");
        verify(&config, &air, &proof, &pis).expect("stock Plonky3 verifies the proof");
        let mut wrong = pis.clone();
        wrong[0] += $field::Val::ONE;
        assert!(verify(&config, &air, &proof, &wrong).is_err(), "a wrong public value was accepted");
        postcard::to_allocvec(&proof).expect("a proof serialises")
    }};
}

/// Random small starting values (the sequences leave the small integers quickly anyway).
fn starts(rng: &mut SplitMix64, pairs: usize) -> Vec<(u64, u64)> {
    (0..pairs).map(|_| (rng.next_u64() % 1000, rng.next_u64() % 1000)).collect()
}

fn same_bytes(what: &str, ours: Vec<u8>, stock: Vec<u8>) {
    assert!(!ours.is_empty());
    let first_difference = ours.iter().zip(&stock).position(|(a, b)| a != b);
    assert_eq!(
        (ours.len(), first_difference),
        (stock.len(), None),
        "{what}: the proof through slotproof differs from stock Plonky3's"
    );
}

/// One test per field: its shapes (log2 rows, sequences), each proved through slotproof and
/// stock, the bytes compared.
macro_rules! byte_identical {
    ($test:ident, $field:ident, $shapes:expr) => {
        #[test]
        fn $test() {
            let mut rng = SplitMix64::new(test_seed(stringify!($test)));
            for (log_rows, pairs) in $shapes {
                let s = starts(&mut rng, pairs);
                let what = format!("{} 2^{log_rows} × {}", stringify!($field), 2 * pairs);
                let ours = proof_bytes!($field, $field::slotproof(FRI), 1 << log_rows, &s);
                let stock = proof_bytes!($field, $field::stock(FRI), 1 << log_rows, &s);
                // Each kernel alone as well, so a difference would name its kernel.
                let dft_only = proof_bytes!(
                    $field,
                    $field::config(SlotproofDft::default(), $field::stock_mmcs(), FRI),
                    1 << log_rows,
                    &s
                );
                let mmcs_only = proof_bytes!(
                    $field,
                    $field::config(Radix2DitParallel::default(), $field::slotproof_mmcs(), FRI),
                    1 << log_rows,
                    &s
                );
                same_bytes(&format!("{what}, DFT alone"), dft_only, stock.clone());
                same_bytes(&format!("{what}, MMCS alone"), mmcs_only, stock.clone());
                same_bytes(&what, ours, stock);
            }
        }
    };
}

// Shapes: tiny traces, ones wider than the sponge's rate, and 2^12 rows.
byte_identical!(babybear_proofs_are_byte_identical, babybear, [(3, 1), (8, 5), (12, 3)]);
byte_identical!(koalabear_proofs_are_byte_identical, koalabear, [(4, 2), (12, 9)]);
byte_identical!(goldilocks_proofs_are_byte_identical, goldilocks, [(5, 1), (12, 4)]);

/// Negative control: the comparison sees a proof of a trace one starting value apart.
#[test]
fn the_comparison_sees_a_different_trace() {
    let mut rng = SplitMix64::new(test_seed("uni_stark_negative"));
    let s = starts(&mut rng, 2);
    let mut t = s.clone();
    t[1].1 += 1;
    let a = proof_bytes!(babybear, babybear::slotproof(FRI), 1 << 6, &s);
    let b = proof_bytes!(babybear, babybear::stock(FRI), 1 << 6, &t);
    assert_ne!(a, b, "proofs of different traces compared equal");
}

/// Permutations per row in the tests' Poseidon2 AIR: one, so 2^12 rows stay a few hundred
/// columns wide (the bench runs Plonky3's eight).
const PERMS_PER_ROW: usize = 1;

/// Plonky3's Poseidon2-permutation AIR, 2^12 rows of random inputs, proved through slotproof
/// and through stock Plonky3: the trace's outputs are the field's default Poseidon2 (so the
/// proof is of the permutation the configuration hashes with), stock Plonky3 verifies the
/// proof, refuses it with one opened value changed, and the bytes are the same.
macro_rules! poseidon2_proofs {
    ($test:ident, $field:ident, $perm:expr) => {
        #[test]
        fn $test() {
            use poseidon2_air::$field as p2;
            let mut rng = SplitMix64::new(test_seed(stringify!($test)));
            let log_rows = 12;
            let inputs = p2::random_inputs(PERMS_PER_ROW << log_rows, || rng.next_u64());
            let trace = p2::trace::<PERMS_PER_ROW>(inputs.clone(), FRI.log_blowup);
            assert_eq!(trace.height(), 1 << log_rows);

            // The AIR's last full round holds the permutation's output.
            let perm = $perm;
            for r in [0, 1, (rng.next_u64() as usize) % (1 << log_rows), (1 << log_rows) - 1] {
                let row = trace.row_slice(r).expect("row in range");
                let cols: &p2::Cols<p2::Val> = (*row).borrow();
                let out = cols.ending_full_rounds[p2::HALF_FULL_ROUNDS - 1].post;
                assert_eq!(cols.inputs, inputs[r], "row {r}: the trace's input");
                assert_eq!(out, perm.permute(inputs[r]), "row {r}: the AIR's output is not the default Poseidon2");
            }

            let air = p2::air::<PERMS_PER_ROW>();
            let ours = prove(&$field::slotproof(FRI), &air, trace.clone(), &[]).expect("an honest trace proves");
            let stock = prove(&$field::stock(FRI), &air, trace, &[]).expect("an honest trace proves");
            let our_bytes = postcard::to_allocvec(&ours).expect("a proof serialises");
            let stock_bytes = postcard::to_allocvec(&stock).expect("a proof serialises");
            same_bytes(&format!("{} Poseidon2 AIR 2^{log_rows}", stringify!($field)), our_bytes.clone(), stock_bytes);
            // Our proof, as bytes, read back as a stock proof and checked by stock Plonky3.
            let received: Proof<$field::StockConfig> = postcard::from_bytes(&our_bytes).expect("stock reads our bytes");
            verify(&$field::stock(FRI), &air, &received, &[]).expect("stock Plonky3 verifies the proof");

            let mut bad = received;
            let c = (rng.next_u64() as usize) % bad.opened_values.trace_local.len();
            bad.opened_values.trace_local[c] += $field::Challenge::ONE;
            assert!(verify(&$field::stock(FRI), &air, &bad, &[]).is_err(), "a changed opened value {c} verified");
        }
    };
}

poseidon2_proofs!(
    babybear_poseidon2_air_proofs_are_byte_identical,
    babybear,
    p3_baby_bear::default_babybear_poseidon2_16()
);
poseidon2_proofs!(
    koalabear_poseidon2_air_proofs_are_byte_identical,
    koalabear,
    p3_koala_bear::default_koalabear_poseidon2_16()
);
poseidon2_proofs!(
    goldilocks_poseidon2_air_proofs_are_byte_identical,
    goldilocks,
    p3_goldilocks::default_goldilocks_poseidon2_8()
);
