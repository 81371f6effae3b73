#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Trace commitment: slotproof's fused CPU commit against Plonky3's `coset_lde_batch` +
//! `MerkleTreeMmcs::commit` on the same trace, same blowup (2), same Poseidon2 configuration,
//! in one run. Each pair ends with a line `ratio <name>: <Plonky3 time / ours>` (> 1: we win),
//! after checking that both produced the same root.
//!
//! `SLOTPROOF_BENCH_QUICK=1` runs only the smallest size (for CI smoke runs).

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use slotproof_bench::{Plonky3Commit, p3_matrix, trace};
use slotproof_core::cpu::CpuCommit;

const LOG_BLOWUP: usize = 1;

fn pair<F: CpuCommit + Plonky3Commit>(c: &mut Criterion, log_rows: usize, cols: usize) {
    let name = format!("commit/{}/2^{log_rows}x{cols}", F::ID);
    let input = trace::<F>(log_rows, cols, 7);
    let committer = F::committer();
    let ours_root = F::commit_cpu(input.clone(), LOG_BLOWUP, &|_| {}).unwrap().root;
    assert_eq!(ours_root, F::p3_commit(&committer, p3_matrix(&input), LOG_BLOWUP), "{name}: roots differ");

    let mut group = c.benchmark_group(&name);
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    let mut ours = Duration::ZERO;
    let mut theirs = Duration::ZERO;
    group.bench_function("slotproof-fused", |b| {
        b.iter_batched(
            || input.clone(),
            |m| {
                let t = Instant::now();
                let out = F::commit_cpu(m, LOG_BLOWUP, &|_| {}).unwrap();
                ours += t.elapsed();
                out
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("plonky3", |b| {
        b.iter_batched(
            || p3_matrix(&input),
            |m| {
                let t = Instant::now();
                let out = F::p3_commit(&committer, m, LOG_BLOWUP);
                theirs += t.elapsed();
                out
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    // Both loops ran the same number of iterations per sample set; compare means of what
    // criterion measured by re-timing a fixed number of runs back to back.
    let runs = 3;
    let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..runs {
        let m = input.clone();
        let t = Instant::now();
        std::hint::black_box(F::commit_cpu(m, LOG_BLOWUP, &|_| {}).unwrap());
        a += t.elapsed();
        let m = p3_matrix(&input);
        let t = Instant::now();
        std::hint::black_box(F::p3_commit(&committer, m, LOG_BLOWUP));
        b += t.elapsed();
    }
    let _ = (ours, theirs);
    println!(
        "ratio {name}: {:.2}x  (slotproof {:.1} ms, plonky3 {:.1} ms, mean of {runs} interleaved runs)",
        b.as_secs_f64() / a.as_secs_f64(),
        a.as_secs_f64() * 1e3 / runs as f64,
        b.as_secs_f64() * 1e3 / runs as f64
    );
}

fn commit(c: &mut Criterion) {
    if std::env::var_os("SLOTPROOF_BENCH_QUICK").is_some() {
        pair::<BabyBear>(c, 14, 64);
        return;
    }
    for log_rows in [16, 18, 20] {
        pair::<BabyBear>(c, log_rows, 64);
        pair::<KoalaBear>(c, log_rows, 64);
    }
    pair::<Goldilocks>(c, 18, 32);
}

criterion_group!(benches, commit);
criterion_main!(benches);
