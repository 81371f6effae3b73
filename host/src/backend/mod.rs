//! Backends: where a commitment runs. All of them return the same root for the same job,
//! bit for bit; they differ only in speed, power and what hardware they need.

pub mod card;
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
    /// The requested card backend has no usable card.
    #[error("{0}")]
    NoCard(String),
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// The best backend present: a card that passes admission if one answers, else the CPU.
    Auto,
    /// The fused CPU commitment.
    Cpu,
    /// The simulated card(s), in this process: the whole card path without a card.
    Sim,
    /// Real cards: every `/dev/xdmaN` that passes admission, or the one device named
    /// (`fpga:/dev` index 0, `fpga:DIR` for an emulated directory, `fpga:/dev/xdma1`).
    Fpga(Option<std::path::PathBuf>),
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendKind::Auto => f.write_str("auto"),
            BackendKind::Cpu => f.write_str("cpu"),
            BackendKind::Sim => f.write_str("sim"),
            BackendKind::Fpga(None) => f.write_str("fpga"),
            BackendKind::Fpga(Some(p)) => write!(f, "fpga:{}", p.display()),
        }
    }
}

impl FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(BackendKind::Auto),
            "cpu" => Ok(BackendKind::Cpu),
            "sim" => Ok(BackendKind::Sim),
            "fpga" => Ok(BackendKind::Fpga(None)),
            other => match other.strip_prefix("fpga:") {
                Some(dev) if !dev.is_empty() => Ok(BackendKind::Fpga(Some(dev.into()))),
                _ => Err(format!(
                    "unknown backend '{other}': expected auto, cpu, sim, fpga or fpga:DEVICE \
                     (/dev/xdmaN or an emulated device directory)"
                )),
            },
        }
    }
}

/// How card backends are set up.
#[derive(Clone, Debug)]
pub struct CardOptions {
    /// How many cards: simulated cards for `sim` (default 1), the most real cards `fpga`
    /// uses (default: every card that passes admission).
    pub cards: Option<usize>,
    /// How the host checks a card's answer.
    pub verify: card::VerifyMode,
    /// Emulated device directories to consider (`--device DIR`).
    pub devices: Vec<std::path::PathBuf>,
    /// The simulated card's build and speed model (functional: it does not hold BUSY for the modelled time).
    pub sim: slotproof_sim::CardConfig,
    /// Faults the simulated cards inject (tests and drills).
    pub faults: slotproof_sim::FaultPlan,
    /// The bitstream real and emulated cards must be running (`--manifest`).
    pub expected: Option<card::ExpectedBitstream>,
    /// `sim` runs the executing card's RTL for this field under Verilator instead of the
    /// device model (`--rtl`: hardware in the loop).
    pub rtl: Option<slotproof_firmware::Field>,
}

impl Default for CardOptions {
    fn default() -> Self {
        Self {
            cards: None,
            verify: card::VerifyMode::Sample(card::DEFAULT_SAMPLES),
            devices: Vec::new(),
            sim: slotproof_sim::CardConfig::default(),
            faults: slotproof_sim::FaultPlan::none(),
            expected: None,
            rtl: None,
        }
    }
}

/// Opens and admits the real cards `kind` asks for; the reasons cards were refused go to
/// the log and into the error.
pub(crate) fn fpga_cards(device: Option<&std::path::Path>, opts: &CardOptions) -> Result<Vec<card::AnyCard>, String> {
    use crate::card::discover::{admit, open_xdma, xdma_indices};
    let mut targets: Vec<(std::path::PathBuf, usize)> = Vec::new();
    match device {
        None => {
            let dev = std::path::Path::new("/dev");
            targets.extend(xdma_indices(dev).into_iter().map(|i| (dev.to_path_buf(), i)));
            for d in &opts.devices {
                targets.extend(xdma_indices(d).into_iter().map(|i| (d.clone(), i)));
            }
        }
        Some(p) => {
            // `/dev/xdma1` names one card; a directory names every card in it.
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            match (p.parent(), name.strip_prefix("xdma").and_then(|i| i.parse::<usize>().ok())) {
                (Some(parent), Some(i)) if !p.is_dir() => targets.push((parent.to_path_buf(), i)),
                _ => {
                    let found = xdma_indices(p);
                    if found.is_empty() {
                        return Err(format!("{}: no xdma<N>_user node there", p.display()));
                    }
                    targets.extend(found.into_iter().map(|i| (p.to_path_buf(), i)));
                }
            }
        }
    }
    if targets.is_empty() {
        return Err("no XDMA card found (/dev has no xdma<N>_user node; is the xdma driver loaded?)".into());
    }
    let mut cards = Vec::new();
    let mut refused = Vec::new();
    let limit = opts.cards.unwrap_or(usize::MAX).max(1);
    for (dir, i) in targets {
        if cards.len() == limit {
            break;
        }
        let where_ = format!("{}/xdma{i}", dir.display());
        match open_xdma(&dir, i)
            .map_err(|e| e.to_string())
            .and_then(|t| admit(t, card::DEADLINES, opts.expected.as_ref()).map_err(|e| e.to_string()))
        {
            Ok(c) => cards.push(c),
            Err(e) => {
                log::warn!("{where_} refused: {e}");
                refused.push(format!("{where_}: {e}"));
            }
        }
    }
    if cards.is_empty() { Err(format!("every card was refused: {}", refused.join("; "))) } else { Ok(cards) }
}

/// Opens and admits `opts.cards` simulated cards.
pub(crate) fn sim_cards(opts: &CardOptions) -> Result<Vec<card::AnyCard>, String> {
    use crate::card::discover::{admit, open_sim};
    let n = opts.cards.unwrap_or(1).max(1);
    if let Some(field) = opts.rtl {
        // One verilation serves every card: each transport starts a fresh model of it.
        log::info!("verilating the executing card for {field:?} (a few minutes: the permutation is large)");
        let rtl = crate::transport::rtl::RtlCard::executing(field).map_err(|e| e.to_string())?;
        return (0..n)
            .map(|_| {
                let t: Box<dyn crate::transport::Transport> = Box::new(rtl.transport().map_err(|e| e.to_string())?);
                admit(t, card::DEADLINES, None).map_err(|e| e.to_string())
            })
            .collect();
    }
    (0..n)
        .map(|i| {
            let mut config = opts.sim.clone();
            if n > 1 {
                config.name = format!("{}-{i}", config.name);
            }
            admit(open_sim(config, opts.faults.clone()), card::DEADLINES, None).map_err(|e| e.to_string())
        })
        .collect()
}

/// The backend for `kind`, and why it was chosen.
pub fn select(kind: &BackendKind, opts: &CardOptions) -> Result<(Box<dyn Backend>, String), BackendError> {
    let stream = crate::card::stream::StreamOptions::default();
    match kind {
        BackendKind::Cpu => Ok((Box::new(cpu::CpuBackend::new()), "requested".into())),
        BackendKind::Sim => {
            let cards = sim_cards(opts).map_err(BackendError::NoCard)?;
            Ok((Box::new(card::CardBackend::new("sim", cards, opts.verify, stream)), "requested".into()))
        }
        BackendKind::Fpga(device) => {
            let cards = fpga_cards(device.as_deref(), opts).map_err(BackendError::NoCard)?;
            Ok((Box::new(card::CardBackend::new("fpga", cards, opts.verify, stream)), "requested".into()))
        }
        BackendKind::Auto => match fpga_cards(None, opts) {
            Ok(cards) => {
                let why = format!("auto: {} card(s) passed admission", cards.len());
                Ok((Box::new(card::CardBackend::new("fpga", cards, opts.verify, stream)), why))
            }
            Err(e) => Ok((
                Box::new(cpu::CpuBackend::new()),
                format!("auto: {e}; using the CPU (the simulated card models a card, it is not faster: --backend sim)"),
            )),
        },
    }
}
