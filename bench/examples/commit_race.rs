//! Quick head-to-head without criterion: `cargo run --release -p slotproof-bench --example
//! commit_race -- LOG_ROWS COLS [babybear|koalabear|goldilocks]`.

use std::time::Instant;

use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use slotproof_bench::{Plonky3Commit, p3_matrix, trace};
use slotproof_core::cpu::{CpuCommit, CpuCommitter};

fn race<F: CpuCommit + Plonky3Commit>(log_rows: usize, cols: usize) {
    let input = trace::<F>(log_rows, cols, 7);
    let committer = F::committer();
    let ours_state = CpuCommitter::<F>::new();
    let _ = F::p3_commit(&committer, p3_matrix(&input), 1);
    {
        use p3_dft::TwoAdicSubgroupDft;
        let dft = p3_dft::Radix2DitParallel::<F>::default();
        let _ = dft.coset_lde_batch(p3_matrix(&input), 1, F::GENERATOR);
        let m = p3_matrix(&input);
        let t = Instant::now();
        let l = dft.coset_lde_batch(m, 1, F::GENERATOR);
        println!("plonky3 coset_lde_batch alone: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        drop(l);
        let t = Instant::now();
        let l = slotproof_core::cpu::coset_lde_bitrev(&input, 1).unwrap();
        println!("slotproof coset_lde_bitrev alone: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        drop(l);
    }
    for _ in 0..3 {
        let m = input.clone();
        let t = Instant::now();
        let ours = F::commit_cpu_with(&ours_state, m, 1, &|_| {}).unwrap();
        let a = t.elapsed();
        let m = p3_matrix(&input);
        let t = Instant::now();
        let theirs = F::p3_commit(&committer, m, 1);
        let b = t.elapsed();
        assert_eq!(ours.root, theirs);
        println!(
            "{} 2^{log_rows}x{cols}: slotproof {:.1} ms (lde {:.1}, hash {:.1}, tree {:.1}), plonky3 {:.1} ms, ratio {:.2}x",
            F::ID,
            a.as_secs_f64() * 1e3,
            ours.timings.lde.as_secs_f64() * 1e3,
            ours.timings.leaf_hash.as_secs_f64() * 1e3,
            ours.timings.tree.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let log_rows = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(18);
    let cols = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(64);
    match args.get(3).map(String::as_str).unwrap_or("babybear") {
        "koalabear" => race::<KoalaBear>(log_rows, cols),
        "goldilocks" => race::<Goldilocks>(log_rows, cols),
        _ => race::<BabyBear>(log_rows, cols),
    }
}
