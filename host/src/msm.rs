//! MSM jobs: what `slotproof msm` is asked to do and what it reports.
//!
//! A job names a curve and its inputs (files in arkworks' encoding, or `n` points and scalars
//! generated from a seed, the same on every machine), runs on a backend, and reports the sum
//! in affine coordinates with its timings. The CPU backend is [`slotproof_core::cpu::msm`];
//! the card's MSM command will join it behind the same job.

use std::path::PathBuf;
use std::time::Instant;

use ark_ec::short_weierstrass::Affine;
use ark_ec::{AffineRepr, CurveGroup};
use serde::Serialize;
use slotproof_core::curve::{Bls12_381, Bn254, CurveId, MsmCurve, MsmError};
use slotproof_core::msm_files::{MsmFileError, field_hex, read_points, read_scalars};
use slotproof_core::sample::msm_inputs;

/// The size of the generated inputs when neither files nor a size are given.
pub const DEFAULT_MSM_SIZE: usize = 4096;
/// The seed of the generated inputs when none is given.
pub const DEFAULT_MSM_SEED: u64 = 0x5107_0852;
/// The largest `--size` accepted (2^26 points, the largest MSM of the ZPrize anchors).
pub const MAX_MSM_SIZE: usize = 1 << 26;

/// Where the points and scalars come from.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MsmInput {
    /// `n` points and scalars from [`msm_inputs`] with this seed.
    Generated {
        /// Points.
        size: usize,
        /// Seed.
        seed: u64,
    },
    /// A points file and a scalars file ([`slotproof_core::msm_files`]).
    Files {
        /// The points file.
        points: PathBuf,
        /// The scalars file.
        scalars: PathBuf,
    },
}

/// Where the MSM runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MsmBackend {
    /// [`slotproof_core::cpu::msm`] on every core.
    Cpu,
    /// The simulated card's MSM engine ([`crate::card::msm`]).
    Sim,
    /// A real card's MSM engine (the first XDMA card that passes admission).
    Fpga,
}

impl std::fmt::Display for MsmBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MsmBackend::Cpu => "cpu",
            MsmBackend::Sim => "sim",
            MsmBackend::Fpga => "fpga",
        })
    }
}

/// One MSM to run.
#[derive(Clone, Debug)]
pub struct MsmJob {
    /// The curve.
    pub curve: CurveId,
    /// Its inputs.
    pub input: MsmInput,
    /// The backend.
    pub backend: MsmBackend,
    /// The window width; `None` lets the cost model choose.
    pub window_bits: Option<u32>,
    /// How card backends are set up (`sim`, `fpga`).
    pub cards: crate::backend::CardOptions,
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum MsmJobError {
    /// An input file was refused.
    #[error(transparent)]
    File(#[from] MsmFileError),
    /// The inputs were refused by the MSM itself.
    #[error(transparent)]
    Msm(#[from] MsmError),
    /// A window width the card's MSM engine does not take.
    #[error("--window-bits {bits}: a card's MSM engine takes 2..=16-bit windows (the CPU 1..=24)")]
    CardWindow {
        /// Bits asked for.
        bits: u32,
    },
    /// No card could run it, or the card failed.
    #[error("{0}")]
    Card(String),
    /// A generated size out of range.
    #[error("--size {size}: an MSM of generated inputs needs 1..={MAX_MSM_SIZE} points")]
    Size {
        /// The size asked for.
        size: usize,
    },
}

impl MsmJobError {
    /// The user can fix it by changing the input (the CLI's exit status 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            MsmJobError::File(e) => e.is_bad_input(),
            MsmJobError::Msm(_) | MsmJobError::Size { .. } | MsmJobError::CardWindow { .. } => true,
            MsmJobError::Card(_) => false,
        }
    }
}

/// The sum, as the report prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MsmSum {
    /// The sum is the point at infinity (then `x` and `y` are absent).
    pub infinity: bool,
    /// Affine `x`, canonical big-endian hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Affine `y`, canonical big-endian hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

impl MsmSum {
    fn of<P: MsmCurve>(p: &Affine<P>) -> Self {
        match p.xy() {
            Some((x, y)) => Self { infinity: false, x: Some(field_hex(&x)), y: Some(field_hex(&y)) },
            None => Self { infinity: true, x: None, y: None },
        }
    }
}

/// What a job reports (`slotproof msm --json` prints exactly this).
#[derive(Clone, Debug, Serialize)]
pub struct MsmReport {
    /// The curve.
    pub curve: CurveId,
    /// Points summed.
    pub points: usize,
    /// The inputs.
    pub input: MsmInput,
    /// Where it ran.
    pub backend: MsmBackend,
    /// The window width used.
    pub window_bits: u32,
    /// `sum_i k_i · P_i`.
    pub sum: MsmSum,
    /// Reading or generating (and checking) the inputs, milliseconds.
    pub load_ms: f64,
    /// The MSM itself, milliseconds.
    pub msm_ms: f64,
    /// The card's side of it (`sim`, `fpga`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::card::msm::CardMsmStats>,
}

impl MsmJob {
    fn card_msm_options(&self) -> crate::card::msm::CardMsmOptions {
        crate::card::msm::CardMsmOptions { window_bits: self.window_bits, ..Default::default() }
    }

    /// Runs the job.
    pub fn run(&self) -> Result<MsmReport, MsmJobError> {
        match self.curve {
            CurveId::Bn254 => self.run_on::<Bn254>(),
            CurveId::Bls12_381 => self.run_on::<Bls12_381>(),
        }
    }

    fn run_on<P: MsmCurve>(&self) -> Result<MsmReport, MsmJobError> {
        let start = Instant::now();
        let (points, scalars) = match &self.input {
            MsmInput::Generated { size, seed } => {
                if !(1..=MAX_MSM_SIZE).contains(size) {
                    return Err(MsmJobError::Size { size: *size });
                }
                msm_inputs::<P>(*size, *seed)
            }
            MsmInput::Files { points, scalars } => (read_points::<P>(points)?, read_scalars::<P>(scalars)?),
        };
        let load_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let (sum, window_bits, card) = match self.backend {
            MsmBackend::Cpu => {
                let window_bits = self
                    .window_bits
                    .unwrap_or_else(|| slotproof_core::cpu::msm::default_window_bits::<P>(points.len()));
                log::info!("msm {}: {} points, {window_bits}-bit windows on the CPU", P::ID, points.len());
                (slotproof_core::cpu::msm::msm_with_window(&points, &scalars, window_bits)?, window_bits, None)
            }
            MsmBackend::Sim | MsmBackend::Fpga => {
                if let Some(bits) = self.window_bits.filter(|b| !slotproof_firmware::msm::WINDOW_BITS_RANGE.contains(b))
                {
                    return Err(MsmJobError::CardWindow { bits });
                }
                // The card checks the points itself, but a bad file must be named by the host,
                // with the index, before anything is sent (the CPU MSM makes this check itself).
                slotproof_core::curve::check_msm_points(&points, &scalars)?;
                let cards = if self.backend == MsmBackend::Sim {
                    crate::backend::sim_cards(&self.cards)
                } else {
                    crate::backend::fpga_cards(None, &self.cards)
                }
                .map_err(MsmJobError::Card)?;
                let card = &cards[0];
                log::info!("msm {}: {} points on {}", P::ID, points.len(), card.identity().name);
                let (sum, c, stats) = crate::card::msm::msm_on_card(card, &points, &scalars, &self.card_msm_options())
                    .map_err(|e| MsmJobError::Card(e.to_string()))?;
                (sum, c, Some(stats))
            }
        };
        let msm_ms = start.elapsed().as_secs_f64() * 1e3;
        Ok(MsmReport {
            curve: self.curve,
            points: points.len(),
            input: self.input.clone(),
            backend: self.backend,
            window_bits,
            sum: MsmSum::of(&sum.into_affine()),
            load_ms,
            msm_ms,
            card,
        })
    }
}
