//! Shared pieces of the benches: Plonky3's own trace commitment (the anchor every ratio is
//! taken against) and the inputs, so that every bench compares like with like in one run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use p3_baby_bear::{BabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_commit::Mmcs;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::Field;
use p3_goldilocks::{Goldilocks, Poseidon2Goldilocks, default_goldilocks_poseidon2_8};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_16};
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use slotproof_core::sample::random_trace;
use slotproof_core::{RowMajor, TraceField};

/// Plonky3's trace commitment with the standard Poseidon2 configuration: exactly what
/// `TwoAdicFriPcs::commit` does (`coset_lde_batch` → `bit_reverse_rows` → `MerkleTreeMmcs`).
pub trait Plonky3Commit: TraceField {
    /// The Plonky3 commitment machinery, built once and reused across iterations (as a
    /// prover does, so its twiddle cache is warm).
    type Committer: Sync;
    /// Builds it.
    fn committer() -> Self::Committer;
    /// Commits and returns the root as canonical integers.
    fn p3_commit(c: &Self::Committer, trace: RowMajorMatrix<Self>, log_blowup: usize) -> Vec<u64>;
}

macro_rules! plonky3_commit {
    ($F:ty, $Perm:ty, $perm:expr, $W:literal, $R:literal, $D:literal) => {
        impl Plonky3Commit for $F {
            type Committer = (
                Radix2DitParallel<$F>,
                MerkleTreeMmcs<
                    <$F as Field>::Packing,
                    <$F as Field>::Packing,
                    PaddingFreeSponge<$Perm, $W, $R, $D>,
                    TruncatedPermutation<$Perm, 2, $D, $W>,
                    2,
                    $D,
                >,
            );
            fn committer() -> Self::Committer {
                let perm = $perm;
                (
                    Radix2DitParallel::default(),
                    MerkleTreeMmcs::new(PaddingFreeSponge::new(perm.clone()), TruncatedPermutation::new(perm), 0),
                )
            }
            fn p3_commit(c: &Self::Committer, trace: RowMajorMatrix<Self>, log_blowup: usize) -> Vec<u64> {
                let lde =
                    c.0.coset_lde_batch(trace, log_blowup, <$F>::GENERATOR).bit_reverse_rows().to_row_major_matrix();
                let (cap, _) = c.1.commit(vec![lde]);
                cap.roots()[0].iter().map(|x| x.canonical()).collect()
            }
        }
    };
}

plonky3_commit!(BabyBear, Poseidon2BabyBear<16>, default_babybear_poseidon2_16(), 16, 8, 8);
plonky3_commit!(KoalaBear, Poseidon2KoalaBear<16>, default_koalabear_poseidon2_16(), 16, 8, 8);
plonky3_commit!(Goldilocks, Poseidon2Goldilocks<8>, default_goldilocks_poseidon2_8(), 8, 4, 4);

/// A random trace of `2^log_rows × cols`, the same for the same seed.
pub fn trace<F: TraceField>(log_rows: usize, cols: usize, seed: u64) -> RowMajor<F> {
    random_trace(F::ID, 1 << log_rows, cols, seed).map(|&v| F::from_canonical(v))
}

/// The same trace as Plonky3's matrix type.
pub fn p3_matrix<F: TraceField>(m: &RowMajor<F>) -> RowMajorMatrix<F> {
    RowMajorMatrix::new(m.values().to_vec(), m.width())
}

/// log2 heights benched for the 31-bit fields (64 columns); Goldilocks runs at 2^18 × 32.
pub const LOG_ROWS_31: [usize; 3] = [16, 18, 20];

/// `SLOTPROOF_BENCH_QUICK` is set: run only the smallest size (CI smoke runs).
pub fn quick() -> bool {
    std::env::var_os("SLOTPROOF_BENCH_QUICK").is_some()
}

/// Interleaved runs behind each `ratio` line.
pub const RATIO_RUNS: u32 = 3;

/// A criterion group sized for multi-second kernels on 2 cores.
pub fn bench_group<'a>(c: &'a mut Criterion, name: &str, measurement: Duration) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measurement);
    g
}

/// Wall time of `f(input)`; dropping the output is not timed.
pub fn timed<I, O>(input: I, f: impl FnOnce(I) -> O) -> Duration {
    let t = Instant::now();
    let out = black_box(f(input));
    let elapsed = t.elapsed();
    drop(out);
    elapsed
}

/// Prints `ratio <name>: <plonky3 / ours>x` from the summed times of [`RATIO_RUNS`] runs of
/// each, taken alternately so that drift in the machine's speed hits both sides alike.
pub fn print_ratio(name: &str, ours: Duration, theirs: Duration) {
    print_ratio_against(name, "plonky3", ours, theirs);
}

/// [`print_ratio`] against a named anchor (`arkworks` for the MSM).
pub fn print_ratio_against(name: &str, anchor: &str, ours: Duration, theirs: Duration) {
    println!(
        "ratio {name}: {:.2}x  (slotproof {:.1} ms, {anchor} {:.1} ms, mean of {RATIO_RUNS} interleaved runs)",
        theirs.as_secs_f64() / ours.as_secs_f64(),
        ours.as_secs_f64() * 1e3 / f64::from(RATIO_RUNS),
        theirs.as_secs_f64() * 1e3 / f64::from(RATIO_RUNS)
    );
}

/// Resets the kernel's peak-RSS counter for this process (Linux: `5` to `/proc/self/clear_refs`),
/// so [`peak_rss_bytes`] afterwards reports the peak of what ran since. Returns false where the
/// counter cannot be reset (then the peak is the process's lifetime peak).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident set size (`VmHWM`) of this process, bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `f` and returns its result with the peak resident memory reached while it ran, MiB.
pub fn with_peak_rss<T>(f: impl FnOnce() -> T) -> (T, Option<f64>) {
    let ok = reset_peak_rss();
    let out = f();
    (out, peak_rss_bytes().filter(|_| ok).map(|b| b as f64 / (1 << 20) as f64))
}
