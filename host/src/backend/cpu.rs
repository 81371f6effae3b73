//! The CPU backend: the fused, cache-blocked commitment of [`slotproof_core::cpu`].

use std::time::Instant;

use slotproof_core::cpu::{CommitOutput, CpuCommit, CpuCommitter, check_shape};
use slotproof_core::field::{BabyBear, Goldilocks, KoalaBear};
use slotproof_core::sample::random_matrix;
use slotproof_core::{FieldId, RowMajor};

use super::{Backend, BackendError, Progress};
use crate::job::{CommitJob, CommitReport, StageMillis, TraceInput, peak_rss_bytes};

/// Runs on every core rayon is given, keeping twiddles and the coset buffer between jobs.
pub struct CpuBackend {
    threads: usize,
    babybear: CpuCommitter<BabyBear>,
    koalabear: CpuCommitter<KoalaBear>,
    goldilocks: CpuCommitter<Goldilocks>,
}

impl CpuBackend {
    /// A backend on rayon's global pool.
    pub fn new() -> Self {
        Self {
            threads: rayon::current_num_threads(),
            babybear: CpuCommitter::new(),
            koalabear: CpuCommitter::new(),
            goldilocks: CpuCommitter::new(),
        }
    }
}

impl Default for CpuBackend {
    fn default() -> Self {
        Self::new()
    }
}

fn run<F: CpuCommit>(
    committer: &CpuCommitter<F>,
    job: &CommitJob,
    progress: &dyn Progress,
) -> Result<(std::time::Duration, CommitOutput), BackendError> {
    let start = Instant::now();
    let m: RowMajor<F> = match &job.trace {
        TraceInput::File(f) => f.to_matrix::<F>()?,
        TraceInput::Generated { rows, cols, seed, .. } => random_matrix::<F>(*rows, *cols, *seed),
    };
    let load = start.elapsed();
    let out = F::commit_cpu_with(committer, m, job.log_blowup, &|done| progress.advance_to(done))?;
    Ok((load, out))
}

impl Backend for CpuBackend {
    fn name(&self) -> &'static str {
        "cpu"
    }

    fn describe(&self) -> String {
        format!("{} threads, {}", self.threads, simd_level())
    }

    fn commit(&self, job: &CommitJob, progress: &dyn Progress) -> Result<CommitReport, BackendError> {
        let field = job.trace.field();
        let (rows, cols) = job.trace.shape();
        // Refuse a bad shape before converting gigabytes of trace.
        check_shape(field, rows, cols, job.log_blowup)?;
        progress.start((rows as u64) << job.log_blowup);
        let (load, out) = match field {
            FieldId::BabyBear => run(&self.babybear, job, progress)?,
            FieldId::KoalaBear => run(&self.koalabear, job, progress)?,
            FieldId::Goldilocks => run(&self.goldilocks, job, progress)?,
        };
        Ok(CommitReport {
            field,
            rows,
            cols,
            log_blowup: job.log_blowup,
            backend: self.name().into(),
            root: out.root,
            timings_ms: StageMillis::new(load, &out.timings),
            trace: job.trace.describe(),
            peak_rss_bytes: peak_rss_bytes(),
        })
    }
}

/// The SIMD instruction set the CPU kernels were compiled for.
pub fn simd_level() -> &'static str {
    if cfg!(target_feature = "avx512f") {
        "AVX-512 fields"
    } else if cfg!(target_feature = "avx2") {
        "AVX2 fields (about 1.25x slower than AVX-512)"
    } else if cfg!(target_feature = "neon") {
        "NEON fields"
    } else {
        "scalar fields (portable build, about 9x slower: see README)"
    }
}
