//! The card backend: a commitment streamed through one or several cards (real ones over
//! XDMA, emulated directories, or the simulated card), checked, and redone on the CPU with
//! the reason logged whenever anything about the cards' answer is in doubt.
//!
//! Several cards split the bit-reversed LDE into slices (whole subtrees). Cards pull slices
//! from one queue; a card that faults is taken out of the pool and its slice goes back into
//! the queue for the others, so a job survives losing all but one card, and survives losing
//! every card by falling back to the CPU.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use slotproof_core::FieldId;
use slotproof_core::cpu::check_shape;
use slotproof_core::sample::random_trace;
use slotproof_core::trace::TraceFile;

use super::cpu::CpuBackend;
use super::{Backend, BackendError, Progress};
pub use crate::card::discover::AnyCard;
use crate::card::driver::CardFault;
pub use crate::card::driver::ExpectedBitstream;
use crate::card::stream::{Slice, StreamOptions, commit_slice, lift_path, top_levels};
use crate::card::trace_view::{TraceView, Words};
use crate::card::verify::{OpenedPath, sample_check, sample_indices};
use crate::job::{CommitJob, CommitReport, StageMillis, TraceInput, peak_rss_bytes};

/// Rows `--verify sample` recomputes by default.
pub const DEFAULT_SAMPLES: usize = 8;

/// Deadlines for every card the backends open.
pub const DEADLINES: crate::card::driver::Deadlines = crate::card::driver::Deadlines {
    command: std::time::Duration::from_secs(10),
    heartbeat: std::time::Duration::from_millis(250),
    poll: std::time::Duration::from_millis(20),
};

/// How much of a card's answer the host checks before trusting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyMode {
    /// Recompute the whole commitment on the CPU and compare roots: no wrong root can pass.
    Full,
    /// Recompute this many random LDE rows and check their Merkle paths against the root.
    Sample(usize),
}

/// What the card run did, for the report and the logs.
#[derive(Clone, Debug, Default)]
pub struct CardStats {
    /// Slices the LDE was cut into.
    pub slices: usize,
    /// Retried uploads or commands.
    pub retries: u32,
    /// Cards taken out of the pool during the job, with why.
    pub dropped: Vec<String>,
    /// Bytes sent to the cards.
    pub bytes_up: u64,
}

/// Commitments on cards, with verification and CPU fallback.
pub struct CardBackend {
    name: &'static str,
    cards: Vec<AnyCard>,
    verify: VerifyMode,
    opts: StreamOptions,
    cpu: CpuBackend,
}

impl CardBackend {
    /// A backend over `cards` (at least one), reported as `name` (`sim` or `fpga`).
    pub fn new(name: &'static str, cards: Vec<AnyCard>, verify: VerifyMode, opts: StreamOptions) -> Self {
        Self { name, cards, verify, opts, cpu: CpuBackend::new() }
    }

    /// The cards.
    pub fn cards(&self) -> &[AnyCard] {
        &self.cards
    }

    /// Runs the trace through the cards and returns the root. Faults of single cards are
    /// absorbed (their slices move to the others); the error is the last fault when no card
    /// is left.
    /// `open` lists the leaves (rows of the bit-reversed LDE) whose authentication paths to
    /// read back, lifted to the whole tree.
    pub fn run_on_cards(
        &self,
        view: &TraceView<'_>,
        log_blowup: usize,
        open: &[u32],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<(Vec<u64>, CardStats, Vec<OpenedPath>), CardFault> {
        let log_lde = view.rows().trailing_zeros() as usize + log_blowup;
        let log_slices = (self.cards.len().next_power_of_two().trailing_zeros() as usize).min(log_lde);
        let slices = 1usize << log_slices;
        let log_per_slice = log_lde - log_slices;
        let paths = Mutex::new(vec![Vec::<OpenedPath>::new(); slices]);
        let queue = Mutex::new((0..slices as u32).collect::<VecDeque<u32>>());
        let roots = Mutex::new(vec![None::<Vec<u64>>; slices]);
        let stats = Mutex::new(CardStats { slices, ..CardStats::default() });
        let last_fault = Mutex::new(None::<CardFault>);
        let done_cols = AtomicUsize::new(0);
        let total_cols = view.cols() * slices;
        let mut healthy: Vec<bool> = vec![true; self.cards.len()];
        loop {
            let alive: Vec<usize> = (0..self.cards.len()).filter(|&i| healthy[i]).collect();
            let failed = Mutex::new(Vec::new());
            std::thread::scope(|s| {
                for &ci in &alive {
                    let (queue, roots, stats, last_fault, failed, done_cols, paths) =
                        (&queue, &roots, &stats, &last_fault, &failed, &done_cols, &paths);
                    let card = &self.cards[ci];
                    let opts = &self.opts;
                    s.spawn(move || {
                        loop {
                            let Some(index) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else {
                                return;
                            };
                            let slice = Slice { index, log_count: log_slices as u32 };
                            let base = done_cols.load(Ordering::Relaxed);
                            let lo = (index as u64) << log_per_slice;
                            let local: Vec<u32> = open
                                .iter()
                                .filter(|&&i| u64::from(i) >> log_per_slice == u64::from(index))
                                .map(|&i| (u64::from(i) - lo) as u32)
                                .collect();
                            let run = commit_slice(card, view, log_blowup, slice, &local, opts, &|c| {
                                progress((base + c) * view.rows() * slices / total_cols.max(1));
                            });
                            match run {
                                Ok(r) => {
                                    done_cols.fetch_add(view.cols(), Ordering::Relaxed);
                                    roots.lock().unwrap_or_else(|e| e.into_inner())[index as usize] = Some(r.root);
                                    paths.lock().unwrap_or_else(|e| e.into_inner())[index as usize] = r.paths;
                                    let mut st = stats.lock().unwrap_or_else(|e| e.into_inner());
                                    st.retries += r.retries;
                                    st.bytes_up += r.bytes_up;
                                }
                                Err(e) => {
                                    log::warn!("{e}; taking the card out of this job, slice {index} goes to another");
                                    queue.lock().unwrap_or_else(|e| e.into_inner()).push_back(index);
                                    stats.lock().unwrap_or_else(|e| e.into_inner()).dropped.push(e.to_string());
                                    let _ = card.reset();
                                    failed.lock().unwrap_or_else(|e| e.into_inner()).push(ci);
                                    *last_fault.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                                    return;
                                }
                            }
                        }
                    });
                }
            });
            for ci in failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
                healthy[ci] = false;
            }
            let queue_empty = queue.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
            if queue_empty {
                break;
            }
            if !healthy.iter().any(|&h| h) {
                let fault = last_fault.into_inner().unwrap_or_else(|e| e.into_inner());
                return Err(fault.expect("a card left the pool with a fault"));
            }
        }
        let roots: Vec<Vec<u64>> = roots
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|r| r.expect("every slice ran once the queue is empty"))
            .collect();
        let top = top_levels(view.field(), roots);
        let root = top.last().and_then(|l| l.first()).cloned().unwrap_or_default();
        let lifted = paths
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .enumerate()
            .flat_map(|(s, ps)| ps.into_iter().map(move |p| (s, p)))
            .map(|(s, p)| lift_path(p, s, log_per_slice, &top))
            .collect();
        Ok((root, stats.into_inner().unwrap_or_else(|e| e.into_inner()), lifted))
    }
}

/// The trace of a job as canonical words: borrowed from the file, or generated.
fn trace_words(job: &CommitJob) -> Result<TraceView<'_>, BackendError> {
    let field = job.trace.field();
    let (rows, cols) = job.trace.shape();
    let view = match &job.trace {
        TraceInput::File(f) => file_view(f)?,
        TraceInput::Generated { rows, cols, seed, .. } => {
            let m = random_trace(field, *rows, *cols, *seed);
            TraceView::new(field, *rows, *cols, Words::U64(Cow::Owned(m.into_values())))
        }
    };
    Ok(view.unwrap_or_else(|| unreachable!("{rows} x {cols} words were checked by the trace reader")))
}

fn file_view(f: &TraceFile) -> Result<Option<TraceView<'_>>, BackendError> {
    f.validate_canonical()?;
    let words = match f.field() {
        FieldId::Goldilocks => f.words_u64().map(Words::U64),
        _ => f.words_u32().map(Words::U32),
    };
    Ok(words.and_then(|w| TraceView::new(f.field(), f.rows(), f.cols(), w)))
}

impl Backend for CardBackend {
    fn name(&self) -> &'static str {
        self.name
    }

    fn describe(&self) -> String {
        let names: Vec<String> = self
            .cards
            .iter()
            .map(|c| {
                format!("{} (ABI {}, bitstream {:#x})", c.identity().name, c.identity().abi, c.identity().bitstream)
            })
            .collect();
        let verify = match self.verify {
            VerifyMode::Full => "verify full".to_string(),
            VerifyMode::Sample(k) => format!("verify sample of {k} rows"),
        };
        format!("{} card(s): {}; {verify}", self.cards.len(), names.join(", "))
    }

    fn commit(&self, job: &CommitJob, progress: &dyn Progress) -> Result<CommitReport, BackendError> {
        let field = job.trace.field();
        let (rows, cols) = job.trace.shape();
        check_shape(field, rows, cols, job.log_blowup)?;
        let start = Instant::now();
        let view = trace_words(job)?;
        let load = start.elapsed();
        progress.start((rows as u64) << job.log_blowup);
        let lde_rows = (rows as u64) << job.log_blowup;
        let t = Instant::now();
        let log_lde = rows.trailing_zeros() as usize + job.log_blowup;
        let open = match self.verify {
            VerifyMode::Sample(k) => {
                // Fresh indices every job: a card must not be able to predict which rows are checked.
                let seed = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0x5eed, |d| d.as_nanos() as u64);
                log::debug!("--verify sample: {k} rows from seed {seed:#x}");
                sample_indices(log_lde, k, seed)
            }
            VerifyMode::Full => Vec::new(),
        };
        let outcome =
            self.run_on_cards(&view, job.log_blowup, &open, &|r| progress.advance_to((r as u64).min(lde_rows)));
        let device = t.elapsed();
        let fallback = |why: String| -> Result<CommitReport, BackendError> {
            log::warn!("{why}; falling back to the CPU");
            let mut report = self.cpu.commit(job, progress)?;
            report.backend = format!("cpu (fallback from {}: {why})", self.name);
            Ok(report)
        };
        let (root, stats, paths) = match outcome {
            Ok(r) => r,
            Err(e) => return fallback(format!("no card could finish the job: {e}")),
        };
        if let VerifyMode::Sample(_) = self.verify {
            if paths.len() != open.len() {
                return fallback(format!(
                    "--verify sample: asked for {} paths, the cards returned {}",
                    open.len(),
                    paths.len()
                ));
            }
            if let Err(e) = sample_check(&view, job.log_blowup, &root, &paths) {
                return fallback(format!("--verify sample rejected the cards' commitment: {e}"));
            }
        }
        if self.verify == VerifyMode::Full {
            let mut reference = self.cpu.commit(job, progress)?;
            if reference.root != root {
                let why = "--verify full: the cards' root differs from the CPU's recomputation".to_string();
                log::warn!("{why}; reporting the CPU's root");
                reference.backend = format!("cpu (fallback from {}: {why})", self.name);
                return Ok(reference);
            }
        }
        if stats.retries > 0 || !stats.dropped.is_empty() {
            log::info!("{} retries, cards dropped: {:?}", stats.retries, stats.dropped);
        }
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        Ok(CommitReport {
            field,
            rows,
            cols,
            log_blowup: job.log_blowup,
            backend: self.name.into(),
            root,
            timings_ms: StageMillis {
                load: ms(load),
                lde: 0.0,
                leaf_hash: 0.0,
                tree: 0.0,
                commit: ms(device),
                total: ms(load + device),
            },
            trace: job.trace.describe(),
            peak_rss_bytes: peak_rss_bytes(),
        })
    }
}
