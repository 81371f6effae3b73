//! A stock Plonky3 uni-stark prover with `SlotproofDft` as its PCS's DFT: the proof is
//! byte-for-byte the proof stock Plonky3 (`Radix2DitParallel`) makes with the same
//! configuration and challenger, and stock Plonky3's verifier accepts it.

use p3_dft::Radix2DitParallel;
use p3_field::PrimeCharacteristicRing;
use p3_uni_stark::{prove, verify};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_plonky3::SlotproofDft;
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, goldilocks, koalabear};

/// Small enough for CI, still a real FRI: blowup 2, 40 queries. No grinding: Plonky3 searches
/// for a proof-of-work witness in parallel and keeps whichever thread finds one first
/// (`find_any`), so two proofs with grinding differ in their witness, and from there in
/// everything after it, even from the same prover. At 0 bits the witness is fixed (zero).
const FRI: FriOptions = FriOptions { log_blowup: 1, num_queries: 40, query_proof_of_work_bits: 0 };

/// Proves `rows` rows of the sequences from `starts` with the field's standard configuration
/// and `$dft`, checks stock Plonky3 verifies it (and refuses a wrong public value), and
/// returns the proof's bytes.
macro_rules! proof_bytes {
    ($field:ident, $dft:expr, $rows:expr, $starts:expr) => {{
        let config = $field::config($dft, FRI);
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
                let ours = proof_bytes!($field, SlotproofDft::default(), 1 << log_rows, &s);
                let stock = proof_bytes!($field, Radix2DitParallel::default(), 1 << log_rows, &s);
                same_bytes(&format!("{} 2^{log_rows} × {}", stringify!($field), 2 * pairs), ours, stock);
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
    let a = proof_bytes!(babybear, SlotproofDft::default(), 1 << 6, &s);
    let b = proof_bytes!(babybear, Radix2DitParallel::default(), 1 << 6, &t);
    assert_ne!(a, b, "proofs of different traces compared equal");
}
