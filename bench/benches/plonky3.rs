//! slotproof inside a stock Plonky3 prover, against stock Plonky3, in one run.
//!
//! - `p3-dft/coset_lde_batch/<field>/<size>`: `SlotproofDft` against `Radix2DitParallel`
//!   through Plonky3's `TwoAdicSubgroupDft` trait, blowup 2, the generator as shift: what
//!   `TwoAdicFriPcs::commit` calls for every trace and quotient. Both take the matrix by value
//!   and keep their twiddles across calls (each instance is reused).
//! - `uni-stark/prove/<field>/fibonacci <size>`: a whole uni-stark proof of the Fibonacci AIR
//!   with the standard Poseidon2 configuration (no grinding), the DFT the only difference. The two proofs
//!   are checked to be the same bytes before timing.
//!
//! Each group ends with `ratio <name>: <Plonky3 time / ours>x` (> 1: slotproof is faster),
//! from 3 interleaved runs. `SLOTPROOF_BENCH_QUICK=1` runs only the smallest shapes.

use std::time::Duration;

use criterion::{BatchSize, Criterion};
use p3_baby_bear::BabyBear;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_uni_stark::prove;
use slotproof_bench::{RATIO_RUNS as RUNS, bench_group, p3_matrix, print_ratio, quick, timed, trace};
use slotproof_core::TraceField;
use slotproof_plonky3::SlotproofDft;
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, koalabear};

const MEASURE: Duration = Duration::from_secs(6);

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

    let mut g = bench_group(c, &name, MEASURE);
    g.bench_function("SlotproofDft", |b| b.iter_batched(|| p3_matrix(&input), run_ours, BatchSize::PerIteration));
    g.bench_function("Radix2DitParallel", |b| b.iter_batched(|| p3_matrix(&input), run_stock, BatchSize::PerIteration));
    g.finish();
    let (mut o, mut p) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        o += timed(p3_matrix(&input), run_ours);
        p += timed(p3_matrix(&input), run_stock);
    }
    print_ratio(&name, o, p);
}

/// Blowup 2, 100 queries, no grinding: a parallel witness search makes proofs differ run to
/// run (so they could not be checked equal) and adds a random time to both sides.
const FRI: FriOptions = FriOptions { log_blowup: 1, num_queries: 100, query_proof_of_work_bits: 0 };

macro_rules! prove_pair {
    ($c:expr, $field:ident, $log_rows:expr, $pairs:expr) => {{
        let name = format!("uni-stark/prove/{}/fibonacci 2^{}x{}", stringify!($field), $log_rows, 2 * $pairs);
        let air = FibonacciAir { pairs: $pairs };
        let starts: Vec<(u64, u64)> = (0..$pairs as u64).map(|k| (k, 2 * k + 1)).collect();
        let (trace, pis) = FibonacciAir::trace::<$field::Val>(&starts, 1 << $log_rows);
        let ours = $field::config(SlotproofDft::default(), FRI);
        let stock = $field::config(Radix2DitParallel::default(), FRI);
        let run_ours = |t| prove(&ours, &air, t, &pis).expect("proves");
        let run_stock = |t| prove(&stock, &air, t, &pis).expect("proves");
        let (a, b) = (run_ours(trace.clone()), run_stock(trace.clone()));
        assert!(postcard::to_allocvec(&a).unwrap() == postcard::to_allocvec(&b).unwrap(), "{name}: proofs differ");

        let mut g = bench_group($c, &name, MEASURE);
        g.bench_function("SlotproofDft", |b| b.iter_batched(|| trace.clone(), run_ours, BatchSize::PerIteration));
        g.bench_function("Radix2DitParallel", |b| b.iter_batched(|| trace.clone(), run_stock, BatchSize::PerIteration));
        g.finish();
        let (mut o, mut p) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..RUNS {
            o += timed(trace.clone(), run_ours);
            p += timed(trace.clone(), run_stock);
        }
        print_ratio(&name, o, p);
    }};
}

fn plonky3(c: &mut Criterion) {
    if quick() {
        coset_lde::<BabyBear>(c, 14, 64);
        prove_pair!(c, babybear, 12, 8);
        return;
    }
    for log_rows in [16, 18, 20] {
        coset_lde::<BabyBear>(c, log_rows, 64);
    }
    coset_lde::<KoalaBear>(c, 20, 64);
    coset_lde::<Goldilocks>(c, 18, 32);
    prove_pair!(c, babybear, 16, 32);
    prove_pair!(c, koalabear, 18, 32);
}

// A plain `main` rather than `criterion_group!`, whose generated `pub fn` has no doc.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    plonky3(&mut c);
    c.final_summary();
}
