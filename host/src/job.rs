//! A commitment job and its report.

use std::time::Duration;

use serde::Serialize;
use slotproof_core::FieldId;
use slotproof_core::cpu::CommitTimings;
use slotproof_core::trace::TraceFile;

/// The built-in trace `slotproof commit` uses when no file is given: 2^20 rows × 64 columns
/// of BabyBear, uniform from a fixed seed, so the first command on a fresh machine runs the
/// main job at a realistic size (a 2^20-row shard of a 64-column AIR).
pub const DEFAULT_LOG_ROWS: usize = 20;
/// Columns of the built-in trace.
pub const DEFAULT_COLS: usize = 64;
/// Seed of the built-in trace.
pub const DEFAULT_SEED: u64 = 0x5107_9400;

/// Where the trace of a job comes from.
pub enum TraceInput {
    /// A validated, memory-mapped `.npy` file.
    File(TraceFile),
    /// Uniform random canonical values from a seed (the built-in trace, or `--rows/--cols`).
    Generated {
        /// The field.
        field: FieldId,
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
        /// Seed of [`slotproof_core::sample::random_matrix`].
        seed: u64,
    },
}

impl TraceInput {
    /// The field of the trace.
    pub fn field(&self) -> FieldId {
        match self {
            TraceInput::File(f) => f.field(),
            TraceInput::Generated { field, .. } => *field,
        }
    }

    /// (rows, columns).
    pub fn shape(&self) -> (usize, usize) {
        match self {
            TraceInput::File(f) => (f.rows(), f.cols()),
            TraceInput::Generated { rows, cols, .. } => (*rows, *cols),
        }
    }

    /// A short description for the report: the path, or how the trace was generated.
    pub fn describe(&self) -> String {
        match self {
            TraceInput::File(f) => f.path().display().to_string(),
            TraceInput::Generated { rows, cols, seed, field } => {
                format!("built-in random trace ({rows} x {cols} {field}, seed {seed:#x})")
            }
        }
    }
}

/// A commitment to run.
pub struct CommitJob {
    /// The trace.
    pub trace: TraceInput,
    /// log2 of the LDE blowup.
    pub log_blowup: usize,
}

/// What a commitment produced, in the shape `--json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct CommitReport {
    /// Field name.
    pub field: FieldId,
    /// Trace rows.
    pub rows: usize,
    /// Trace columns.
    pub cols: usize,
    /// log2 of the blowup.
    pub log_blowup: usize,
    /// The backend that ran it.
    pub backend: String,
    /// The Merkle root over the bit-reversed coset LDE, canonical integers.
    pub root: Vec<u64>,
    /// Milliseconds per stage.
    pub timings_ms: StageMillis,
    /// Where the trace came from.
    pub trace: String,
    /// Peak resident memory of the process, bytes (Linux `VmHWM`), if known.
    pub peak_rss_bytes: Option<u64>,
}

/// Stage timings in milliseconds.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct StageMillis {
    /// Reading, validating and converting (or generating) the trace.
    pub load: f64,
    /// iDFT and coset NTTs.
    pub lde: f64,
    /// Poseidon2 leaf hashing.
    pub leaf_hash: f64,
    /// Tree compressions.
    pub tree: f64,
    /// The commitment itself (lde + leaf_hash + tree, as overlapped).
    pub commit: f64,
    /// Everything, load included.
    pub total: f64,
}

impl StageMillis {
    /// From the kernel's timings plus the load time.
    pub fn new(load: Duration, t: &CommitTimings) -> Self {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        Self {
            load: ms(load),
            lde: ms(t.lde),
            leaf_hash: ms(t.leaf_hash),
            tree: ms(t.tree),
            commit: ms(t.total),
            total: ms(load + t.total),
        }
    }
}

impl CommitReport {
    /// Trace elements committed per second of commit time.
    pub fn trace_elements_per_s(&self) -> f64 {
        (self.rows * self.cols) as f64 / (self.timings_ms.commit / 1e3)
    }

    /// LDE elements hashed per second of commit time.
    pub fn lde_elements_per_s(&self) -> f64 {
        self.trace_elements_per_s() * (1u64 << self.log_blowup) as f64
    }

    /// Trace bytes committed per second of commit time, in GB/s.
    pub fn trace_gbps(&self) -> f64 {
        self.trace_elements_per_s() * self.field.word_bytes() as f64 / 1e9
    }
}

/// Peak resident set size of this process (Linux), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
