//! Finding cards and admitting them: real `/dev/xdmaN` cards, emulated directories the user
//! names, and the simulated card. A card joins a job's pool only after it answers the ABI
//! checks and a known-answer commitment (the canary) equal to the CPU's: a card that
//! computes wrongly is never trusted with a user's trace, and `slotproof devices` shows why.

use std::path::{Path, PathBuf};

use slotproof_core::FieldId;
use slotproof_core::cpu::CpuCommit;
use slotproof_core::field::BabyBear;
use slotproof_core::sample::{random_matrix, random_trace};
use slotproof_sim::{CardConfig, FaultPlan, SimCard};

use super::driver::{CardDriver, CardFault, CardIdentity, Deadlines, ExpectedBitstream};
use super::stream::{Slice, StreamOptions, commit_slice};
use super::trace_view::{TraceView, Words};
use crate::transport::inproc::SimTransport;
use crate::transport::xdma::{XdmaOptions, XdmaTransport};
use crate::transport::{Transport, XferError};

/// A card of any kind, boxed.
pub type AnyCard = CardDriver<Box<dyn Transport>>;

/// Rows and columns of the canary trace: small enough to cost milliseconds, wide enough to
/// take two column batches (one full, one narrower than the rate) and a blowup.
const CANARY: (usize, usize, usize, u64) = (1 << 6, 11, 1, 0xCA_4A41);

/// Commits the canary on `card` and compares with the CPU. Ok when they agree; a card that
/// faults keeps its fault, a card that answers wrongly is a protocol fault naming both roots.
pub fn canary(card: &AnyCard) -> Result<(), CardFault> {
    let (rows, cols, log_blowup, seed) = CANARY;
    let words = random_trace(FieldId::BabyBear, rows, cols, seed).into_values();
    let view = TraceView::new(FieldId::BabyBear, rows, cols, Words::U64(words.into())).expect("shape");
    // Narrow batches so the canary exercises FIRST, middle and LAST batches.
    let opts = StreamOptions { batch_bytes: 8 * rows * 4, ..StreamOptions::default() };
    let got = commit_slice(card, &view, log_blowup, Slice::WHOLE, &[], &opts, &|_| {})?;
    let want = BabyBear::commit_cpu(random_matrix::<BabyBear>(rows, cols, seed), log_blowup, &|_| {})
        .expect("the canary's shape is valid")
        .root;
    if got.root == want {
        Ok(())
    } else {
        Err(CardFault::Protocol {
            card: card.identity().name.clone(),
            what: format!("canary commitment wrong: card root {:?}, CPU root {want:?}", got.root),
        })
    }
}

/// Opens a driver on `transport` and admits it: the bitstream `expected` describes, when
/// the user named one, then the canary.
pub fn admit(
    transport: Box<dyn Transport>,
    deadlines: Deadlines,
    expected: Option<&ExpectedBitstream>,
) -> Result<AnyCard, CardFault> {
    let card = CardDriver::open(transport, deadlines)?;
    if let Some(e) = expected {
        card.identity().check_manifest(e)?;
    }
    canary(&card)?;
    Ok(card)
}

/// The XDMA device indices with a `xdma{N}_user` node under `dir`, ascending.
pub fn xdma_indices(dir: &Path) -> Vec<usize> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<usize> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_prefix("xdma")?.strip_suffix("_user")?.parse().ok()
        })
        .collect();
    found.sort_unstable();
    found
}

/// Opens XDMA device `index` under `dir` (`/dev`, or an emulated directory).
pub fn open_xdma(dir: &Path, index: usize) -> Result<Box<dyn Transport>, XferError> {
    Ok(Box::new(XdmaTransport::open_at(dir, index, XdmaOptions::default())?))
}

/// A simulated card (in this process) as a transport.
pub fn open_sim(config: CardConfig, faults: FaultPlan) -> Box<dyn Transport> {
    Box::new(SimTransport::new(SimCard::new(config, faults)))
}

/// One card found by [`list`], and whether it is usable.
#[derive(Debug)]
pub struct Listed {
    /// Where it is: `/dev/xdma0`, an emulated directory, or `sim`.
    pub location: String,
    /// Its kind: `xdma`, `emulated` or `sim`.
    pub kind: &'static str,
    /// What it reported, or why it was refused.
    pub status: Result<CardIdentity, String>,
}

/// Every card present: real cards under `/dev`, the emulated directories given, and
/// `sims` simulated cards. Real and emulated cards must match `expected` when given (the
/// simulated card is the device model, not a bitstream).
pub fn list(emulated: &[PathBuf], sims: usize, expected: Option<&ExpectedBitstream>) -> Vec<Listed> {
    let mut out = Vec::new();
    let probe = |location: String, kind: &'static str, t: Result<Box<dyn Transport>, XferError>| {
        let expected = if kind == "sim" { None } else { expected };
        let status = t
            .map_err(|e| e.to_string())
            .and_then(|t| admit(t, Deadlines::default(), expected).map_err(|e| e.to_string()))
            .map(|c| c.identity().clone());
        Listed { location, kind, status }
    };
    let dev = Path::new("/dev");
    for i in xdma_indices(dev) {
        out.push(probe(format!("/dev/xdma{i}"), "xdma", open_xdma(dev, i)));
    }
    for dir in emulated {
        let indices = xdma_indices(dir);
        if indices.is_empty() {
            out.push(Listed {
                location: dir.display().to_string(),
                kind: "emulated",
                status: Err("no xdma<N>_user node in this directory".into()),
            });
        }
        for i in indices {
            out.push(probe(format!("{}/xdma{i}", dir.display()), "emulated", open_xdma(dir, i)));
        }
    }
    for _ in 0..sims {
        out.push(probe("sim".into(), "sim", Ok(open_sim(CardConfig::default(), FaultPlan::none()))));
    }
    out
}
