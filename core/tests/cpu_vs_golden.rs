//! Ladder step 2: the fast CPU kernels equal the golden models (and so Plonky3), bit for bit.
//!
//! The fused commit is also checked directly against Plonky3 at the sizes the golden
//! Poseidon2 is too slow for (tall and wide traces), and for determinism across thread counts.

mod common;

use common::Oracle;
use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use slotproof_core::cpu::{CommitError, CpuCommit, check_shape, coset_lde_bitrev};
use slotproof_core::golden::{self, Fp, lde::bit_reverse_rows};
use slotproof_core::sample::{SplitMix64, random_trace, test_seed};
use slotproof_core::{FieldId, RowMajor, TraceField};

fn typed<F: TraceField>(m: &RowMajor<u64>) -> RowMajor<F> {
    m.map(|&v| F::from_canonical(v))
}

fn no_progress(_: u64) {}

fn cpu_root<F: CpuCommit>(m: &RowMajor<u64>, log_blowup: usize) -> Vec<u64> {
    F::commit_cpu(typed::<F>(m), log_blowup, &no_progress).expect("commit").root
}

fn lde_matches_golden<F: Oracle + CpuCommit>(seed: u64) {
    let id = F::ID;
    let f = Fp::new(id);
    let mut rng = SplitMix64::new(seed);
    // 13 heights × 3 blowups × 4 widths = 156 cases per field.
    for log_h in 0..=12usize {
        for log_blowup in 1..=3 {
            for _ in 0..4 {
                let w = 1 + (rng.next_u64() % if log_h > 9 { 12 } else { 40 }) as usize;
                let trace = random_trace(id, 1 << log_h, w, rng.next_u64());
                let fast = coset_lde_bitrev(&typed::<F>(&trace), log_blowup).unwrap().map(|x| x.canonical());
                let spec = bit_reverse_rows(&golden::coset_lde_batch(f, &trace, log_blowup));
                assert_eq!(fast, spec, "{id}: LDE 2^{log_h}x{w} blowup 2^{log_blowup}");
            }
        }
    }
}

#[test]
fn cpu_lde_matches_golden() {
    let seed = test_seed("cpu_lde_matches_golden");
    lde_matches_golden::<BabyBear>(seed);
    lde_matches_golden::<KoalaBear>(seed);
    lde_matches_golden::<Goldilocks>(seed);
}

fn commit_matches_golden<F: Oracle + CpuCommit>(seed: u64) {
    let id = F::ID;
    let f = Fp::new(id);
    let mut rng = SplitMix64::new(seed);
    for case in 0..60 {
        let log_h = (case % 9) as usize;
        let log_blowup = 1 + (rng.next_u64() % 3) as usize;
        let w = match case % 4 {
            0 => 1,
            1 => 1 + (rng.next_u64() % 20) as usize,
            2 => 8 * (1 + (rng.next_u64() % 4) as usize) + 1,
            _ => 1 + (rng.next_u64() % 70) as usize,
        };
        let trace = random_trace(id, 1 << log_h, w, rng.next_u64());
        assert_eq!(
            cpu_root::<F>(&trace, log_blowup),
            golden::commit(f, &trace, log_blowup),
            "{id}: root 2^{log_h}x{w} blowup 2^{log_blowup}"
        );
    }
}

#[test]
fn cpu_commit_matches_golden() {
    let seed = test_seed("cpu_commit_matches_golden");
    commit_matches_golden::<BabyBear>(seed);
    commit_matches_golden::<KoalaBear>(seed);
    commit_matches_golden::<Goldilocks>(seed);
}

fn commit_matches_plonky3_large<F: Oracle + CpuCommit>(seed: u64) {
    let id = F::ID;
    let mut rng = SplitMix64::new(seed);
    // Tall and wide: both phases of the blocking, many blocks, widths past the rate.
    for (log_h, w, log_blowup) in [(14, 3, 1), (13, 64, 1), (12, 300, 1), (11, 77, 3), (10, 129, 2), (14, 17, 2)] {
        let trace = random_trace(id, 1 << log_h, w, rng.next_u64());
        assert_eq!(
            cpu_root::<F>(&trace, log_blowup),
            F::p3_mmcs_root(&trace, log_blowup),
            "{id}: root 2^{log_h}x{w} blowup 2^{log_blowup}"
        );
    }
}

#[test]
fn cpu_commit_matches_plonky3_on_large_traces() {
    let seed = test_seed("cpu_commit_matches_plonky3_on_large_traces");
    commit_matches_plonky3_large::<BabyBear>(seed);
    commit_matches_plonky3_large::<KoalaBear>(seed);
    commit_matches_plonky3_large::<Goldilocks>(seed);
}

#[test]
fn cpu_commit_is_deterministic_across_thread_counts() {
    let seed = test_seed("cpu_commit_is_deterministic_across_thread_counts");
    let trace = random_trace(FieldId::BabyBear, 1 << 12, 33, seed);
    let reference = cpu_root::<BabyBear>(&trace, 1);
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        for _ in 0..3 {
            assert_eq!(pool.install(|| cpu_root::<BabyBear>(&trace, 1)), reference, "{threads} threads");
        }
    }
}

#[test]
fn perturbed_element_changes_cpu_root() {
    let seed = test_seed("perturbed_element_changes_cpu_root");
    let mut rng = SplitMix64::new(seed);
    let trace = random_trace(FieldId::KoalaBear, 1 << 10, 20, seed);
    let reference = cpu_root::<KoalaBear>(&trace, 1);
    let mut bumped = trace.clone();
    let (r, c) = ((rng.next_u64() % 1024) as usize, (rng.next_u64() % 20) as usize);
    bumped.row_mut(r)[c] = (bumped.row(r)[c] + 1) % FieldId::KoalaBear.modulus();
    assert_ne!(cpu_root::<KoalaBear>(&bumped, 1), reference, "perturbed ({r}, {c})");
}

#[test]
fn bad_shapes_are_refused() {
    assert_eq!(check_shape(FieldId::BabyBear, 12, 4, 1), Err(CommitError::HeightNotPowerOfTwo { rows: 12 }));
    assert!(matches!(check_shape(FieldId::BabyBear, 0, 4, 1), Err(CommitError::Empty { .. })));
    assert!(matches!(
        check_shape(FieldId::KoalaBear, 1 << 22, 1, 3),
        Err(CommitError::BlowupTooLarge { needed: 25, two_adicity: 24, max_log_blowup: 2, .. })
    ));
    assert_eq!(check_shape(FieldId::KoalaBear, 1 << 22, 1, 2), Ok(22));
    let err = BabyBear::commit_cpu(RowMajor::new(vec![BabyBear::from_canonical(1); 6], 2).unwrap(), 1, &no_progress);
    assert_eq!(err.unwrap_err(), CommitError::HeightNotPowerOfTwo { rows: 3 });
}

#[test]
fn reused_committer_gives_the_same_roots() {
    use slotproof_core::cpu::CpuCommitter;
    let seed = test_seed("reused_committer_gives_the_same_roots");
    let mut rng = SplitMix64::new(seed);
    let committer = CpuCommitter::<BabyBear>::new();
    // Shapes that shrink and grow, so the pooled coset buffer is reused at other sizes and
    // its stale contents must never leak into a root.
    for (log_h, w, log_blowup) in [(10, 40, 1), (6, 3, 2), (11, 9, 1), (10, 40, 3), (4, 1, 1)] {
        let trace = random_trace(FieldId::BabyBear, 1 << log_h, w, rng.next_u64());
        let pooled =
            BabyBear::commit_cpu_with(&committer, typed::<BabyBear>(&trace), log_blowup, &no_progress).unwrap();
        assert_eq!(pooled.root, cpu_root::<BabyBear>(&trace, log_blowup), "2^{log_h}x{w}");
        assert_eq!(pooled.root, BabyBear::p3_mmcs_root(&trace, log_blowup), "2^{log_h}x{w} vs Plonky3");
    }
}
