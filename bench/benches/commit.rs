#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Trace commitment: slotproof's fused CPU commit against Plonky3's `coset_lde_batch` +
//! `MerkleTreeMmcs::commit` on the same trace, same blowup (2), same Poseidon2 configuration,
//! in one run. Each pair ends with a line `ratio <name>: <Plonky3 time / ours>` (> 1: we win),
//! after checking that both produced the same root.
//!
//! `SLOTPROOF_BENCH_QUICK=1` runs only the smallest size (for CI smoke runs).

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use slotproof_bench::{
    LOG_ROWS_31, Plonky3Commit, RATIO_RUNS, bench_group, p3_matrix, print_ratio, quick, timed, trace, with_peak_rss,
};
use slotproof_core::cpu::{CpuCommit, CpuCommitter};

const LOG_BLOWUP: usize = 1;

fn pair<F: CpuCommit + Plonky3Commit>(c: &mut Criterion, log_rows: usize, cols: usize) {
    let name = format!("commit/{}/2^{log_rows}x{cols}", F::ID);
    let input = trace::<F>(log_rows, cols, 7);
    // Peak memory of one-off commits, measured first, while nothing else is held: the process
    // peak while each runs, minus nothing (the input trace is included on both sides).
    let (_, ours_peak) = with_peak_rss(|| F::commit_cpu(input.clone(), LOG_BLOWUP, &|_| {}).unwrap());
    let (_, theirs_peak) = with_peak_rss(|| F::p3_commit(&F::committer(), p3_matrix(&input), LOG_BLOWUP));
    if let (Some(a), Some(b)) = (ours_peak, theirs_peak) {
        println!("peak-memory {name}: slotproof {a:.0} MiB, plonky3 {b:.0} MiB (process peak while running)");
    }
    // Both sides keep their reusable state across iterations, as a prover committing shard
    // after shard does: Plonky3's DFT its twiddle cache, ours the twiddles, scale tables and
    // coset buffer (see `CpuCommitter`).
    let committer = F::committer();
    let ours = CpuCommitter::<F>::new();
    let ours_root = F::commit_cpu_with(&ours, input.clone(), LOG_BLOWUP, &|_| {}).unwrap().root;
    assert_eq!(ours_root, F::p3_commit(&committer, p3_matrix(&input), LOG_BLOWUP), "{name}: roots differ");

    let mut group = bench_group(c, &name, Duration::from_secs(8));
    group.bench_function("slotproof-fused", |b| {
        b.iter_batched(
            || input.clone(),
            |m| F::commit_cpu_with(&ours, m, LOG_BLOWUP, &|_| {}).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("plonky3", |b| {
        b.iter_batched(|| p3_matrix(&input), |m| F::p3_commit(&committer, m, LOG_BLOWUP), BatchSize::PerIteration)
    });
    group.finish();
    let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RATIO_RUNS {
        a += timed(input.clone(), |m| F::commit_cpu_with(&ours, m, LOG_BLOWUP, &|_| {}).unwrap());
        b += timed(p3_matrix(&input), |m| F::p3_commit(&committer, m, LOG_BLOWUP));
    }
    print_ratio(&name, a, b);
}

fn commit(c: &mut Criterion) {
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

criterion_group!(benches, commit);
criterion_main!(benches);
