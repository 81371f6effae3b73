//! slotproof inside a stock Plonky3 prover, against stock Plonky3, in one run.
//!
//! - `p3-dft/coset_lde_batch/<field>/<size>`: `SlotproofDft` against `Radix2DitParallel`
//!   through Plonky3's `TwoAdicSubgroupDft` trait, blowup 2, the generator as shift: what
//!   `TwoAdicFriPcs::commit` calls for every trace and quotient. Both take the matrix by value
//!   and keep their twiddles across calls (each instance is reused).
//! - `p3-commit/commit/<field>/<size>`: `SlotproofMmcs` against `MerkleTreeMmcs` through
//!   Plonky3's `Mmcs` trait, committing a bit-reversed LDE-shaped matrix (what the PCS hands
//!   over), commitments checked equal.
//! - `uni-stark/prove/<field>/<air> <size>`: a whole uni-stark proof with the standard Poseidon2
//!   configuration (no grinding), on slotproof's kernels (`SlotproofDft`, `SlotproofMmcs`)
//!   against stock Plonky3's (`Radix2DitParallel`, `MerkleTreeMmcs`). The AIRs are Fibonacci
//!   and Plonky3's vectorized Poseidon2 permutation (8 permutations a row, its own benchmark's
//!   shape). The two proofs are checked to be the same bytes before timing.
//!
//! Each group ends with `ratio <name>: <Plonky3 time / ours>x` (> 1: slotproof is faster),
//! from 3 interleaved runs. `SLOTPROOF_BENCH_QUICK=1` runs only the smallest shapes.

use std::time::Duration;

use criterion::{BatchSize, Criterion};
use p3_baby_bear::BabyBear;
use p3_commit::Mmcs;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_uni_stark::prove;
use slotproof_bench::{RATIO_RUNS as RUNS, bench_group, p3_matrix, print_ratio, quick, timed, trace};
use slotproof_core::TraceField;
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, koalabear};
use slotproof_plonky3::{SlotproofDft, poseidon2_air};

const MEASURE: Duration = Duration::from_secs(6);

/// Times `ours` and `stock` on fresh inputs from `input` in one criterion group, then prints
/// their ratio from `RUNS` interleaved runs.
fn side_by_side<I, A, B>(
    c: &mut Criterion,
    name: &str,
    (our_name, stock_name): (&str, &str),
    input: impl Fn() -> I,
    ours: impl Fn(I) -> A + Copy,
    stock: impl Fn(I) -> B + Copy,
) {
    let mut g = bench_group(c, name, MEASURE);
    g.bench_function(our_name, |b| b.iter_batched(&input, ours, BatchSize::PerIteration));
    g.bench_function(stock_name, |b| b.iter_batched(&input, stock, BatchSize::PerIteration));
    g.finish();
    let (mut o, mut p) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        o += timed(input(), ours);
        p += timed(input(), stock);
    }
    print_ratio(name, o, p);
}

fn coset_lde<F: TraceField>(c: &mut Criterion, log_rows: usize, cols: usize) {
    let name = format!("p3-dft/coset_lde_batch/{}/2^{log_rows}x{cols}", F::ID);
    let input = trace::<F>(log_rows, cols, 11);
    let (ours, stock) = (SlotproofDft::<F>::default(), Radix2DitParallel::<F>::default());
    let run_ours = |m| ours.coset_lde_batch(m, 1, F::GENERATOR);
    let run_stock = |m| stock.coset_lde_batch(m, 1, F::GENERATOR);
    let a = run_ours(p3_matrix(&input)).bit_reverse_rows().to_row_major_matrix().values;
    assert!(
        a == run_stock(p3_matrix(&input)).bit_reverse_rows().to_row_major_matrix().values,
        "{name}: outputs differ"
    );

    side_by_side(c, &name, ("SlotproofDft", "Radix2DitParallel"), || p3_matrix(&input), run_ours, run_stock);
}

/// Blowup 2, 100 queries, no grinding: a parallel witness search makes proofs differ run to
/// run (so they could not be checked equal) and adds a random time to both sides.
const FRI: FriOptions = FriOptions { log_blowup: 1, num_queries: 100, query_proof_of_work_bits: 0 };

/// `SlotproofMmcs` against `MerkleTreeMmcs`: one bit-reversed matrix of `2^log_rows × cols`.
macro_rules! commit_pair {
    ($c:expr, $field:ident, $log_rows:expr, $cols:expr) => {{
        let name = format!("p3-commit/commit/{}/2^{}x{}", stringify!($field), $log_rows, $cols);
        let input = trace::<$field::Val>($log_rows, $cols, 13);
        let (ours, stock) = ($field::slotproof_mmcs(), $field::stock_mmcs());
        let run_ours = |m: p3_matrix::dense::RowMajorMatrix<$field::Val>| ours.commit_matrix(m.bit_reverse_rows()).0;
        let run_stock = |m: p3_matrix::dense::RowMajorMatrix<$field::Val>| stock.commit_matrix(m.bit_reverse_rows()).0;
        assert!(run_ours(p3_matrix(&input)) == run_stock(p3_matrix(&input)), "{name}: commitments differ");

        let mut g = bench_group($c, &name, MEASURE);
        g.bench_function("SlotproofMmcs", |b| b.iter_batched(|| p3_matrix(&input), run_ours, BatchSize::PerIteration));
        g.bench_function("MerkleTreeMmcs", |b| {
            b.iter_batched(|| p3_matrix(&input), run_stock, BatchSize::PerIteration)
        });
        g.finish();
        let (mut o, mut p) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..RUNS {
            o += timed(p3_matrix(&input), run_ours);
            p += timed(p3_matrix(&input), run_stock);
        }
        print_ratio(&name, o, p);
    }};
}

/// A whole proof of `$air` on `$trace` with public values `$pis`, both configurations.
macro_rules! prove_pair {
    ($c:expr, $field:ident, $label:expr, $air:expr, $trace:expr, $pis:expr) => {{
        let name = format!("uni-stark/prove/{}/{}", stringify!($field), $label);
        let (air, trace, pis) = ($air, $trace, $pis);
        let (ours, stock) = ($field::slotproof(FRI), $field::stock(FRI));
        let run_ours = |t| prove(&ours, &air, t, &pis).expect("proves");
        let run_stock = |t| prove(&stock, &air, t, &pis).expect("proves");
        let (a, b) = (run_ours(trace.clone()), run_stock(trace.clone()));
        assert!(postcard::to_allocvec(&a).unwrap() == postcard::to_allocvec(&b).unwrap(), "{name}: proofs differ");

        side_by_side($c, &name, ("slotproof", "Plonky3"), || trace.clone(), run_ours, run_stock);
    }};
}

/// The Fibonacci AIR at `2^log_rows × 2·pairs`.
macro_rules! prove_fibonacci {
    ($c:expr, $field:ident, $log_rows:expr, $pairs:expr) => {{
        let starts: Vec<(u64, u64)> = (0..$pairs as u64).map(|k| (k, 2 * k + 1)).collect();
        let (trace, pis) = FibonacciAir::trace::<$field::Val>(&starts, 1 << $log_rows);
        let label = format!("fibonacci 2^{}x{}", $log_rows, 2 * $pairs);
        prove_pair!($c, $field, label, FibonacciAir { pairs: $pairs }, trace, pis)
    }};
}

/// Permutations a row in the Poseidon2 AIR: Plonky3's own benchmark's vector length.
const PERMS_PER_ROW: usize = 8;

/// The Poseidon2-permutation AIR at `2^log_rows` rows (`8 · 2^log_rows` permutations).
macro_rules! prove_poseidon2 {
    ($c:expr, $field:ident, $log_rows:expr) => {{
        use poseidon2_air::$field as p2;
        let mut state = 0x5107_9400_u64;
        let inputs = p2::random_inputs(PERMS_PER_ROW << $log_rows, || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 1
        });
        let trace = p2::trace::<PERMS_PER_ROW>(inputs, FRI.log_blowup);
        let label = format!("poseidon2 2^{}x{}", $log_rows, trace.width());
        prove_pair!($c, $field, label, p2::air::<PERMS_PER_ROW>(), trace, Vec::<p2::Val>::new())
    }};
}

fn plonky3(c: &mut Criterion) {
    if quick() {
        coset_lde::<BabyBear>(c, 14, 64);
        commit_pair!(c, babybear, 14, 64);
        prove_fibonacci!(c, babybear, 12, 8);
        prove_poseidon2!(c, babybear, 9);
        return;
    }
    for log_rows in [16, 18, 20] {
        coset_lde::<BabyBear>(c, log_rows, 64);
    }
    coset_lde::<KoalaBear>(c, 20, 64);
    coset_lde::<Goldilocks>(c, 18, 32);
    commit_pair!(c, babybear, 18, 64);
    commit_pair!(c, koalabear, 20, 64);
    prove_fibonacci!(c, babybear, 16, 32);
    prove_fibonacci!(c, koalabear, 18, 32);
    prove_poseidon2!(c, babybear, 13);
    prove_poseidon2!(c, koalabear, 13);
}

// A plain `main` rather than `criterion_group!`, whose generated `pub fn` has no doc.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    plonky3(&mut c);
    c.final_summary();
}
