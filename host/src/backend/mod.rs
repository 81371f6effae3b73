//! Backends: where a commitment runs. All of them return the same root for the same job,
//! bit for bit; they differ only in speed, power and what hardware they need.

pub mod cpu;

use std::fmt;
use std::str::FromStr;

use crate::job::{CommitJob, CommitReport};

/// Progress of a long job: `total` units announced once, then the units done so far.
pub trait Progress: Sync {
    /// Announces the amount of work (LDE rows).
    fn start(&self, total: u64);
    /// Reports the units done so far.
    fn advance_to(&self, done: u64);
}

/// A progress sink that ignores everything (tests, `--quiet`).
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance_to(&self, _: u64) {}
}

/// Why a backend could not produce a commitment.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The trace file failed validation.
    #[error(transparent)]
    Trace(#[from] slotproof_core::trace::TraceError),
    /// The shape or blowup cannot be committed.
    #[error(transparent)]
    Shape(#[from] slotproof_core::cpu::CommitError),
}

impl BackendError {
    /// True when the user's input is at fault (exit status 2), not the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, BackendError::Trace(_) | BackendError::Shape(_))
    }
}

/// A place a commitment can run.
pub trait Backend: Send + Sync {
    /// Short name (`cpu`, `sim`, `fpga`).
    fn name(&self) -> &'static str;
    /// One line about what it runs on (threads, SIMD width, card).
    fn describe(&self) -> String;
    /// Runs the commitment.
    fn commit(&self, job: &CommitJob, progress: &dyn Progress) -> Result<CommitReport, BackendError>;
}

/// The `--backend` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// The best backend present (a card if one answers, else the CPU).
    Auto,
    /// The fused CPU commitment.
    Cpu,
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendKind::Auto => "auto",
            BackendKind::Cpu => "cpu",
        })
    }
}

impl FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(BackendKind::Auto),
            "cpu" => Ok(BackendKind::Cpu),
            other => Err(format!("unknown backend '{other}': expected auto or cpu")),
        }
    }
}

/// The backend for `kind`, and why it was chosen (for `auto`).
pub fn select(kind: BackendKind) -> (Box<dyn Backend>, String) {
    match kind {
        BackendKind::Cpu => (Box::new(cpu::CpuBackend::new()), "requested".into()),
        BackendKind::Auto => {
            (Box::new(cpu::CpuBackend::new()), "auto: no FPGA card backend in this build, using the CPU".into())
        }
    }
}
