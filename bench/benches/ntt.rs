//! NTT alone: slotproof's cache-blocked DIF network against Plonky3's `Radix2DitParallel` on
//! the same columns, in one run.
//!
//! - `dft/<field>/<size>`: forward DFT of every column, rows left in bit-reversed order by
//!   both. `slotproof-dif` builds its twiddles inside the timed region; Plonky3's instance
//!   caches its twiddles and is reused across iterations, so `slotproof-dif (twiddles cached)`
//!   builds ours once outside it: that pair is the like-for-like one.
//! - `lde/<field>/<size>`: coset LDE, blowup 2, shift = the field's generator
//!   (`coset_lde_bitrev` against `coset_lde_batch`). Ours computes its twiddles on every call,
//!   Plonky3 reuses its cache.
//!
//! Both outputs are checked equal (bit-reversed storage) before timing. Each group ends with
//! `ratio <name>: <Plonky3 time / ours>x` (> 1: slotproof is faster), from 3 interleaved runs.
//!
//! `SLOTPROOF_BENCH_QUICK=1` runs only BabyBear 2^14×64 (for CI smoke runs).

use std::time::Duration;

use criterion::{BatchSize, Criterion};
use p3_baby_bear::BabyBear;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use slotproof_bench::{LOG_ROWS_31, RATIO_RUNS as RUNS, bench_group, p3_matrix, print_ratio, quick, timed, trace};
use slotproof_core::cpu::coset_lde_bitrev;
use slotproof_core::cpu::ntt::{DifTwiddles, dif_batch};
use slotproof_core::{RowMajor, TraceField};

const LOG_BLOWUP: usize = 1;
const MEASURE: Duration = Duration::from_secs(6);

fn dft<F: TraceField>(c: &mut Criterion, p3: &Radix2DitParallel<F>, input: &RowMajor<F>, size: &str) {
    let name = format!("dft/{}/{size}", F::ID);
    let (width, log_n) = (input.width(), input.height().ilog2() as usize);
    let ours = |mut v: Vec<F>| {
        dif_batch(&mut v, width, &DifTwiddles::new(log_n, false));
        v
    };
    let tw = DifTwiddles::new(log_n, false);
    let cached = |mut v: Vec<F>| {
        dif_batch(&mut v, width, &tw);
        v
    };
    let theirs = |m| p3.dft_batch(m);
    let expected = theirs(p3_matrix(input)).bit_reverse_rows().to_row_major_matrix().values;
    assert!(ours(input.values().to_vec()) == expected, "{name}: outputs differ");

    let mut g = bench_group(c, &name, MEASURE);
    g.bench_function("slotproof-dif", |b| b.iter_batched(|| input.values().to_vec(), ours, BatchSize::PerIteration));
    g.bench_function("slotproof-dif (twiddles cached)", |b| {
        b.iter_batched(|| input.values().to_vec(), cached, BatchSize::PerIteration)
    });
    g.bench_function("plonky3", |b| b.iter_batched(|| p3_matrix(input), theirs, BatchSize::PerIteration));
    g.finish();

    let (mut a, mut k, mut p) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        a += timed(input.values().to_vec(), ours);
        k += timed(input.values().to_vec(), cached);
        p += timed(p3_matrix(input), theirs);
    }
    print_ratio(&name, a, p);
    print_ratio(&format!("{name} (twiddles cached)"), k, p);
}

fn lde<F: TraceField>(c: &mut Criterion, p3: &Radix2DitParallel<F>, input: &RowMajor<F>, size: &str) {
    let name = format!("lde/{}/{size}", F::ID);
    let ours = |m: &RowMajor<F>| coset_lde_bitrev(m, LOG_BLOWUP).expect("a valid LDE shape");
    let theirs = |m| p3.coset_lde_batch(m, LOG_BLOWUP, F::GENERATOR);
    let expected = theirs(p3_matrix(input)).bit_reverse_rows().to_row_major_matrix().values;
    assert!(ours(input).values() == expected, "{name}: outputs differ");

    let mut g = bench_group(c, &name, MEASURE);
    // Ours copies the trace itself (it borrows it), Plonky3 takes it by value.
    g.bench_function("slotproof", |b| b.iter_batched(|| input, ours, BatchSize::PerIteration));
    g.bench_function("plonky3", |b| b.iter_batched(|| p3_matrix(input), theirs, BatchSize::PerIteration));
    g.finish();

    let (mut a, mut p) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        a += timed(input, ours);
        p += timed(p3_matrix(input), theirs);
    }
    print_ratio(&name, a, p);
}

fn pair<F: TraceField>(c: &mut Criterion, log_rows: usize, cols: usize) {
    let input = trace::<F>(log_rows, cols, 7);
    let p3 = Radix2DitParallel::<F>::default();
    let size = format!("2^{log_rows}x{cols}");
    dft(c, &p3, &input, &size);
    lde(c, &p3, &input, &size);
}

fn ntt(c: &mut Criterion) {
    if quick() {
        pair::<BabyBear>(c, 14, 64);
        return;
    }
    for log_rows in LOG_ROWS_31 {
        pair::<BabyBear>(c, log_rows, 64);
        pair::<KoalaBear>(c, log_rows, 64);
    }
    pair::<Goldilocks>(c, 18, 32);
}

// A plain `main` rather than `criterion_group!`, whose generated `pub fn` has no doc.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    ntt(&mut c);
    c.final_summary();
}
