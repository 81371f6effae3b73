//! The system model: a workload on `cards` boards and `hosts` host machines → per-commit
//! stages, block latency, the bottleneck, power, energy and capital cost.
//!
//! **On the card** the model is the device model's own: each streamed column batch costs
//! what [`Timing::command_time`] says a `COMMIT_BATCH` costs, uploads cost what the PCIe
//! model says, and batches are cut by the host's rule ([`memory_map::batch_width`]). What the
//! model adds is the host runtime's schedule in closed form: two staging buffers, so upload
//! `i` waits for the command of batch `i − 2`, and command `i` for its upload and for
//! command `i − 1`:
//!
//! ```text
//! up_end[i]  = max(up_end[i−1], cmd_end[i−2]) + upload(i)
//! cmd_end[i] = max(cmd_end[i−1], up_end[i])   + command(i)
//! ```
//!
//! then `READ_ROOT` and the root's read-back. The calibration test holds this against the
//! host runtime driving the device model within 5%. On top of the device model the planner
//! bounds the LDE by card memory bandwidth: above 2^12 rows every four-step pass reads and
//! writes every element once.
//!
//! **Across cards**, commits are dealt longest-first to the least-loaded card; a card runs its
//! commits one after the other (the runtime reads each root before the next job).
//!
//! **The rest of the prover** (quotient, openings, FRI) runs on the hosts' CPUs at the
//! end-to-end Plonky3 rate, scaled by the share of prover time that is not commitment
//! ([`RestOfProver`]); it overlaps the card's commits shard by shard. Recursion multiplies
//! the result by a cited overhead. Both are explicit, so the verdict covers the whole proof.

use std::collections::BinaryHeap;
use std::time::Duration;

use serde::Serialize;
use slotproof_core::FieldId;
use slotproof_firmware::{Command, Flags, Opcode, memory_map};

use super::PlanError;
use super::boards::{Board, Host};
use super::resources::{Resources, UnitCosts};
use super::workload::{MatrixSpec, Workload};
use crate::device::executor::{abi_field, constants_len, twiddles_len};
use crate::device::{CardConfig, Datapath, Timing};

/// The accelerator on one card: its units, its clock and its links.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Accelerator {
    /// The field the card is built for.
    pub field: FieldId,
    /// Kernel clock (Hz).
    pub clock_hz: f64,
    /// NTT lanes, one element per cycle each.
    pub ntt_lanes: u32,
    /// Poseidon2 pipelines, one permutation per cycle each.
    pub pipelines: u32,
    /// Host-to-card bandwidth (bytes/s).
    pub h2c_bytes_per_s: f64,
    /// Card-to-host bandwidth (bytes/s).
    pub c2h_bytes_per_s: f64,
    /// Fixed cost of one DMA call (s).
    pub per_call_s: f64,
    /// H2C channels the host splits each batch over.
    pub h2c_channels: u32,
    /// Card memory bandwidth (bytes/s); infinite when not modelled (as in the device model).
    pub memory_bytes_per_s: f64,
    /// Resources the units take (zero when the accelerator was not sized to a board).
    pub used: Resources,
    /// Resources available under the utilisation ceiling, after the shell.
    pub budget: Resources,
}

impl Accelerator {
    /// The device-model timing of this card.
    pub fn timing(&self) -> Timing {
        Timing {
            datapath: Datapath::Streaming,
            clock_hz: self.clock_hz,
            ntt_lanes: self.ntt_lanes,
            hash_pipelines: self.pipelines,
            h2c_bytes_per_s: self.h2c_bytes_per_s,
            c2h_bytes_per_s: self.c2h_bytes_per_s,
            per_call: Duration::from_secs_f64(self.per_call_s),
            msm_units: Timing::default().msm_units,
        }
    }

    /// The card a device-model `timing` describes (memory bandwidth not modelled, no
    /// resource accounting): what the calibration compares against.
    pub fn from_timing(field: FieldId, t: &Timing) -> Self {
        Self {
            field,
            clock_hz: t.clock_hz,
            ntt_lanes: t.ntt_lanes,
            pipelines: t.hash_pipelines,
            h2c_bytes_per_s: t.h2c_bytes_per_s,
            c2h_bytes_per_s: t.c2h_bytes_per_s,
            per_call_s: t.per_call.as_secs_f64(),
            h2c_channels: memory_map::H2C_CHANNELS as u32,
            memory_bytes_per_s: f64::INFINITY,
            used: Resources::default(),
            budget: Resources::default(),
        }
    }
}

/// How to size an accelerator to a board.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sizing {
    /// Kernel clock (Hz).
    pub clock_hz: f64,
    /// Largest share of each resource the kernel may take (timing closure and routing
    /// congestion on a full UltraScale+ device start to bite above ~70%).
    pub ceiling: f64,
    /// NTT lanes, or `None` to balance them against the pipelines.
    pub lanes: Option<u32>,
    /// Poseidon2 pipelines, or `None` to balance them against the lanes.
    pub pipelines: Option<u32>,
    /// Fixed cost of one DMA call (s): the device model's default.
    pub per_call_s: f64,
}

impl Default for Sizing {
    fn default() -> Self {
        Self { clock_hz: 250e6, ceiling: 0.7, lanes: None, pipelines: None, per_call_s: 30e-6 }
    }
}

pub(crate) fn budget(board: &Board, ceiling: f64) -> Resources {
    Resources {
        lut: board.lut as f64 * ceiling - board.shell_lut as f64,
        ff: board.ff as f64 * ceiling,
        dsp: board.dsp as f64 * ceiling,
        bram36: board.bram36 as f64 * ceiling,
    }
}

/// What a card with `lanes` NTT lanes and `pipelines` pipelines uses: the units and the
/// control plane every card carries.
fn cost(units: &UnitCosts, lanes: u32, pipelines: u32) -> Resources {
    units
        .control
        .resources
        .plus(units.ntt_lane.resources.scaled(f64::from(lanes)))
        .plus(units.pipeline.resources.scaled(f64::from(pipelines)))
}

fn fits(used: Resources, budget: Resources) -> bool {
    used.lut <= budget.lut && used.ff <= budget.ff && used.dsp <= budget.dsp && used.bram36 <= budget.bram36
}

/// The most lanes that fit beside `pipelines` pipelines.
fn max_lanes(units: &UnitCosts, pipelines: u32, budget: Resources) -> u32 {
    let (mut lo, mut hi) = (0u32, 1u32 << 16);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(cost(units, mid, pipelines), budget) { lo = mid } else { hi = mid - 1 }
    }
    lo
}

fn describe_overrun(units: &UnitCosts, lanes: u32, pipelines: u32, budget: Resources) -> String {
    let u = cost(units, lanes, pipelines);
    let mut over = Vec::new();
    for (name, used, have) in [
        ("LUT", u.lut, budget.lut),
        ("FF", u.ff, budget.ff),
        ("DSP", u.dsp, budget.dsp),
        ("BRAM36", u.bram36, budget.bram36),
    ] {
        if used > have {
            over.push(format!("{name} {used:.0} of {have:.0}"));
        }
    }
    format!("{lanes} NTT lanes and {pipelines} Poseidon2 pipelines need {}", over.join(", "))
}

/// Sizes the accelerator for `board`: with both counts given, checks they fit; otherwise
/// tries every pipeline count that fits, gives the rest to NTT lanes, and keeps the pair
/// that commits `work`'s matrices fastest.
pub fn size_for_board(
    board: &Board,
    field: FieldId,
    sizing: &Sizing,
    units: &UnitCosts,
    work: &[MatrixSpec],
) -> Result<Accelerator, PlanError> {
    let budget = budget(board, sizing.ceiling);
    let make = |lanes: u32, pipelines: u32| Accelerator {
        field,
        clock_hz: sizing.clock_hz,
        ntt_lanes: lanes,
        pipelines,
        h2c_bytes_per_s: board.xdma_h2c_gb_per_s * 1e9,
        c2h_bytes_per_s: board.xdma_c2h_gb_per_s * 1e9,
        per_call_s: sizing.per_call_s,
        h2c_channels: memory_map::H2C_CHANNELS as u32,
        memory_bytes_per_s: board.memory_gb_per_s * 1e9,
        used: cost(units, lanes, pipelines),
        budget,
    };
    let nofit = |message: String| PlanError::DoesNotFit { board: board.id.clone(), message };
    let ceiling = format!("under a {:.0}% ceiling", sizing.ceiling * 100.0);
    match (sizing.lanes, sizing.pipelines) {
        (Some(l), Some(p)) => {
            if l == 0 || p == 0 {
                return Err(nofit("a card needs at least one NTT lane and one Poseidon2 pipeline".into()));
            }
            if !fits(cost(units, l, p), budget) {
                return Err(nofit(format!("{} {ceiling}", describe_overrun(units, l, p, budget))));
            }
            Ok(make(l, p))
        }
        (Some(l), None) => {
            let p = (1..=4096)
                .take_while(|&p| fits(cost(units, l, p), budget))
                .last()
                .ok_or_else(|| nofit(format!("{} {ceiling}", describe_overrun(units, l, 1, budget))))?;
            Ok(make(l, p))
        }
        (None, fixed) => {
            let candidates: Vec<u32> = match fixed {
                Some(p) => vec![p],
                None => (1..=4096).take_while(|&p| max_lanes(units, p, budget) >= 1).collect(),
            };
            let mut best: Option<(f64, Accelerator)> = None;
            for p in candidates {
                let l = max_lanes(units, p, budget);
                if l == 0 {
                    continue;
                }
                let acc = make(l, p);
                let t: f64 = work.iter().map(|m| commit_time(&acc, m, false).makespan_s * m.count as f64).sum();
                if best.as_ref().is_none_or(|(bt, _)| t < *bt) {
                    best = Some((t, acc));
                }
            }
            best.map(|(_, a)| a).ok_or_else(|| nofit(format!("{} {ceiling}", describe_overrun(units, 1, 1, budget))))
        }
    }
}

/// Where one commitment's time goes on one card.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CommitTime {
    /// Column batches streamed.
    pub batches: u32,
    /// Bytes uploaded.
    pub h2c_bytes: u64,
    /// Time the H2C link is busy (s).
    pub h2c_s: f64,
    /// NTT time (s), the larger of the lanes' and card memory's.
    pub lde_s: f64,
    /// The NTT lanes' own time (s).
    pub ntt_s: f64,
    /// Leaf absorption (s).
    pub hash_s: f64,
    /// Tree compression after the last batch (s).
    pub tree_s: f64,
    /// Card memory traffic of the four-step passes (s at the memory bandwidth).
    pub memory_s: f64,
    /// Read-back of the root (s).
    pub c2h_s: f64,
    /// Start of the first upload to the root on the host (s).
    pub makespan_s: f64,
}

/// Loading the twiddle table for an LDE of `2^log_lde` (half the powers of the root of
/// unity) and the round constants, once per card before its first commit of that size: two
/// uploads back to back on one channel. Returns when that channel and the link are free.
pub fn tables_time(acc: &Accelerator, field: FieldId, log_lde: u32) -> f64 {
    let f = abi_field(field);
    [twiddles_len(f, log_lde as u8), constants_len(f)]
        .iter()
        .map(|&b| acc.per_call_s + b as f64 / acc.h2c_bytes_per_s)
        .sum()
}

/// One commitment of `m` (one of its `count`) on a card, streamed as the host runtime
/// streams it. With `trace_on_card` the columns are generated on the card and never cross
/// PCIe.
pub fn commit_time(acc: &Accelerator, m: &MatrixSpec, trace_on_card: bool) -> CommitTime {
    commit_time_after(acc, m, trace_on_card, 0.0)
}

/// [`commit_time`] on a card whose first upload channel is busy until `channel_free` (s),
/// e.g. with [`tables_time`]; the makespan counts from time zero.
pub fn commit_time_after(acc: &Accelerator, m: &MatrixSpec, trace_on_card: bool, channel_free: f64) -> CommitTime {
    let t = acc.timing();
    let f = abi_field(m.field);
    let eb = f.elem_bytes();
    let rows = 1usize << m.log_rows;
    let cols = m.cols as usize;
    let max_cols = usize::from(CardConfig::default().max_batch_cols);
    let width = memory_map::batch_width(f.rate(), rows * eb, cols, max_cols, memory_map::BATCH_BYTES);
    let batches: Vec<usize> = (0..cols).step_by(width).map(|c0| width.min(cols - c0)).collect();
    let secs = |d: Duration| d.as_secs_f64();
    // The channels carry equal parts of a batch in calls of at most CALL_BYTES. The link
    // carries one call's bytes at a time. With two or more channels a call's set-up overlaps
    // another channel's bytes: back to back, a batch costs only its bytes, and after a wait
    // (for a free staging buffer) one set-up more. With one channel every call pays its
    // set-up in full.
    let channels = u64::from(acc.h2c_channels.max(1));
    let calls_per_channel = |bytes: u64| bytes.div_ceil(channels).div_ceil(memory_map::CALL_BYTES as u64);
    let log_n = m.log_rows;
    let passes = f64::from(log_n.div_ceil(crate::device::timing::ON_CHIP_LOG_NTT).max(1));
    let mut out = CommitTime { batches: batches.len() as u32, ..CommitTime::default() };
    let (mut up_end, mut cmd_end) = (0.0f64, 0.0f64);
    // The end of command i − 2 (zero before there is one).
    let mut cmd_end_before_last = 0.0f64;
    for (i, &w) in batches.iter().enumerate() {
        let bytes = if trace_on_card { 0 } else { (rows * w * eb) as u64 };
        let mut cmd = Command::new(Opcode::CommitBatch, f);
        cmd.log_rows = m.log_rows as u8;
        cmd.log_blowup = m.log_blowup as u8;
        cmd.cols = w as u16;
        if i == 0 {
            cmd.flags = cmd.flags | Flags::FIRST;
        }
        let last = i + 1 == batches.len();
        if last {
            cmd.flags = cmd.flags | Flags::LAST;
        }
        let parts = t.commit_batch_cycles(&cmd);
        let (lde, absorb, tree) = (secs(t.cycles(parts.lde)), secs(t.cycles(parts.absorb)), secs(t.cycles(parts.tree)));
        // Four-step passes through card memory: each reads and writes every element the
        // lanes stream (the inverse transform and every coset), on-chip sizes excepted.
        let elems = (w as f64) * (rows as f64) * (1.0 + f64::from(1u32 << m.log_blowup));
        let memory = if log_n > crate::device::timing::ON_CHIP_LOG_NTT {
            passes * elems * (2 * eb) as f64 / acc.memory_bytes_per_s
        } else {
            0.0
        };
        let command = secs(t.command_time(&cmd)).max(memory + tree);
        out.h2c_bytes += bytes;
        out.lde_s += lde.max(memory);
        out.ntt_s += lde;
        out.hash_s += absorb;
        out.tree_s += tree;
        out.memory_s += memory;
        if bytes > 0 {
            let calls = calls_per_channel(bytes);
            let wire = bytes as f64 / acc.h2c_bytes_per_s;
            out.h2c_s += wire + calls as f64 * acc.per_call_s;
            // Staging buffer i % 2 is free once command i − 2 has read it.
            let ready = if i == 0 { channel_free } else { cmd_end_before_last };
            up_end = if channels > 1 {
                up_end.max(ready + acc.per_call_s) + wire + (calls - 1) as f64 * acc.per_call_s
            } else {
                up_end.max(ready) + wire + calls as f64 * acc.per_call_s
            };
        }
        (cmd_end_before_last, cmd_end) = (cmd_end, cmd_end.max(up_end) + command);
    }
    // READ_ROOT is one cycle; its digest comes back in one call.
    let digest = f.digest_bytes() as f64;
    out.c2h_s = acc.per_call_s + digest / acc.c2h_bytes_per_s + secs(t.cycles(1));
    out.makespan_s = cmd_end + out.c2h_s;
    out
}

/// The share of the prover that is not trace commitment, and recursion.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RestOfProver {
    /// Share of single-machine prover time outside LDE + Merkle commitment.
    pub share: f64,
    /// Extra time of recursion and aggregation, as a multiple of the base proof's time.
    pub recursion_overhead: f64,
}

impl RestOfProver {
    /// Where the defaults come from.
    pub const SOURCES: &'static str = "share 0.381 = 1 − (LDE 24.8% + Merkle 37.1%) of the Plonky3 uni-STARK profile, \
         KoalaBear, Poseidon2 Merkle, blowup 2 (notes/anchors.md §3, measured); \
         recursion overhead 1.56 = 21.8 / 8.5 − 1 from Airbender's base-layer vs end-to-end \
         cycles/s on one H100 (notes/anchors.md §2, secondary)";
}

impl Default for RestOfProver {
    fn default() -> Self {
        Self { share: 1.0 - (0.248 + 0.371), recursion_overhead: 21.8 / 8.5 - 1.0 }
    }
}

/// CPU core-seconds of one MSM point: arkworks 0.6 on 2 cores, 2^20 points (notes/anchors.md
/// §6, measured): BN254 3.17 s, BLS12-381 4.67 s.
fn msm_core_s_per_point(curve: &str) -> f64 {
    let two_cores_2_20 = if curve.eq_ignore_ascii_case("bn254") { 3.17 } else { 4.67 };
    2.0 * two_cores_2_20 / f64::from(1u32 << 20)
}

/// What limits a block's latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bottleneck {
    /// Host-to-card PCIe transfers.
    PcieH2c,
    /// The NTT lanes.
    NttLanes,
    /// Card memory bandwidth under the four-step passes.
    CardMemory,
    /// The Poseidon2 pipelines (leaves and tree).
    Poseidon2,
    /// The host CPUs running the rest of the prover.
    HostCpu,
}

impl Bottleneck {
    /// What to tell the user.
    pub fn describe(self) -> &'static str {
        match self {
            Bottleneck::PcieH2c => "PCIe host-to-card link (trace upload)",
            Bottleneck::NttLanes => "NTT lanes on the card",
            Bottleneck::CardMemory => "card memory bandwidth (four-step NTT passes)",
            Bottleneck::Poseidon2 => "Poseidon2 pipelines on the card (leaf hashing and tree)",
            Bottleneck::HostCpu => "host CPUs (constraint evaluation, openings, FRI)",
        }
    }
}

/// One block on the box.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockTime {
    /// Cycles of the block.
    pub cycles: f64,
    /// Commitments (matrices) in the block.
    pub commits: u64,
    /// Trace elements before the LDE.
    pub elements: f64,
    /// The busiest card's time (s).
    pub card_s: f64,
    /// The hosts' time for the rest of the prover and MSMs (s).
    pub host_s: f64,
    /// The base proof's latency, cards and hosts overlapped shard by shard (s).
    pub base_s: f64,
    /// Recursion on top (s).
    pub recursion_s: f64,
    /// End to end (s).
    pub latency_s: f64,
    /// The busiest card's busy time per resource (s): H2C link, NTT, memory, Poseidon2.
    pub card_busy: [f64; 4],
    /// What limits it.
    pub bottleneck: Bottleneck,
    /// Energy of the block: cards and hosts, busy and idle (J).
    pub energy_j: f64,
}

/// The box: how many of what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoxConfig {
    /// The accelerator on every card.
    pub accelerator: Accelerator,
    /// The board.
    pub board: Board,
    /// Cards.
    pub cards: u32,
    /// The host machine.
    pub host: Host,
    /// Host machines.
    pub hosts: u32,
    /// The rest of the prover.
    pub rest: RestOfProver,
    /// Trace generated on the card (never crosses PCIe).
    pub trace_on_card: bool,
}

impl BoxConfig {
    /// Peak power drawn: every card and host at full load (W).
    pub fn power_w(&self) -> f64 {
        f64::from(self.cards) * self.board.busy_watts + f64::from(self.hosts) * self.host.busy_watts
    }

    /// Capital cost (USD).
    pub fn capex_usd(&self) -> f64 {
        f64::from(self.cards) * self.board.price_usd + f64::from(self.hosts) * self.host.price_usd
    }

    /// The block `work` (already at its cycles) on this box.
    pub fn block(&self, work: &Workload, cycles: f64) -> BlockTime {
        let acc = &self.accelerator;
        let cards = self.cards.max(1) as usize;
        // Longest first onto the least-loaded card.
        let mut jobs: Vec<CommitTime> = Vec::new();
        for m in &work.matrices {
            let t = commit_time(acc, m, self.trace_on_card);
            jobs.extend(std::iter::repeat_n(t, m.count as usize));
        }
        jobs.sort_by(|a, b| b.makespan_s.total_cmp(&a.makespan_s));
        // Min-heap on load: (negated load in ns, card index).
        let mut heap: BinaryHeap<(i64, usize)> = (0..cards).map(|c| (0i64, c)).collect();
        let mut load = vec![CommitTime::default(); cards];
        let mut first = vec![0.0f64; cards];
        let mut jobs_on = vec![0u64; cards];
        for j in &jobs {
            let (_, c) = heap.pop().unwrap_or((0, 0));
            if jobs_on[c] == 0 {
                first[c] = j.makespan_s;
            }
            jobs_on[c] += 1;
            let l = &mut load[c];
            l.makespan_s += j.makespan_s;
            l.h2c_s += j.h2c_s;
            l.lde_s += j.lde_s;
            l.ntt_s += j.ntt_s;
            l.memory_s += j.memory_s;
            l.hash_s += j.hash_s + j.tree_s;
            heap.push((-((l.makespan_s * 1e9) as i64), c));
        }
        let busiest = (0..cards).max_by(|&a, &b| load[a].makespan_s.total_cmp(&load[b].makespan_s)).unwrap_or(0);
        let card = load[busiest];
        // Tables once per card (twiddles for the largest LDE, constants).
        let tables =
            work.matrices.iter().map(|m| tables_time(acc, m.field, m.log_rows + m.log_blowup)).fold(0.0, f64::max);
        let card_s = card.makespan_s + tables;

        let elements = work.elements();
        let cores = f64::from(self.host.cores) * f64::from(self.hosts.max(1));
        let rest_core_s = elements * self.rest.share / self.host.stark_elements_per_core_s;
        let msm_core_s: f64 = work
            .msm
            .iter()
            .map(|s| s.count as f64 * f64::from(1u32 << s.log_size) * msm_core_s_per_point(&s.curve))
            .sum();
        let host_s = (rest_core_s + msm_core_s) / cores;
        let commits = jobs.len() as u64;
        // Shard by shard: the hosts prove shard k while the cards commit shard k + 1, so the
        // longer side runs in full and the shorter adds one shard's worth at an end.
        let per_shard_host = if commits > 0 { host_s / commits as f64 } else { 0.0 };
        let base_s = (card_s + per_shard_host).max(first[busiest] + host_s);
        let recursion_s = base_s * self.rest.recursion_overhead;
        let latency_s = base_s + recursion_s;

        let card_busy = [card.h2c_s, card.ntt_s, card.memory_s, card.hash_s];
        let card_max = card_busy.iter().copied().fold(0.0, f64::max);
        let bottleneck = if host_s > card_s {
            Bottleneck::HostCpu
        } else if card_max == card_busy[0] {
            Bottleneck::PcieH2c
        } else if card_max == card_busy[2] {
            Bottleneck::CardMemory
        } else if card_max == card_busy[3] {
            Bottleneck::Poseidon2
        } else {
            Bottleneck::NttLanes
        };

        let card_busy_total: f64 = load.iter().map(|l| l.makespan_s).sum::<f64>() + tables * cards as f64;
        let card_energy = self.board.busy_watts * card_busy_total
            + self.board.idle_watts * (latency_s * cards as f64 - card_busy_total).max(0.0);
        let hosts = f64::from(self.hosts.max(1));
        // Recursion runs on the hosts too.
        let host_busy = (host_s + recursion_s).min(latency_s);
        let host_energy =
            hosts * (self.host.busy_watts * host_busy + self.host.idle_watts * (latency_s - host_busy).max(0.0));
        BlockTime {
            cycles,
            commits,
            elements,
            card_s,
            host_s,
            base_s,
            recursion_s,
            latency_s,
            card_busy,
            bottleneck,
            energy_j: card_energy + host_energy,
        }
    }
}

/// A real-time-proving target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Target {
    /// Its name.
    pub name: &'static str,
    /// P99 latency (s).
    pub latency_s: f64,
    /// Power (W).
    pub power_w: f64,
    /// Capital cost (USD).
    pub capex_usd: f64,
}

/// The EF real-time-proving target (P99 ≤ 10 s, ≤ 10 kW, ≤ $100k; notes/anchors.md §1), then
/// the shorter slots under the same power and budget.
pub const TARGETS: [Target; 4] = [
    Target { name: "EF real-time proving (10 s)", latency_s: 10.0, power_w: 10e3, capex_usd: 100e3 },
    Target { name: "6 s slot", latency_s: 6.0, power_w: 10e3, capex_usd: 100e3 },
    Target { name: "3 s slot", latency_s: 3.0, power_w: 10e3, capex_usd: 100e3 },
    Target { name: "1 s slot", latency_s: 1.0, power_w: 10e3, capex_usd: 100e3 },
];

/// One target's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The target.
    pub target: Target,
    /// P99 latency within it.
    pub latency_ok: bool,
    /// Power within it.
    pub power_ok: bool,
    /// Cost within it.
    pub cost_ok: bool,
}

impl Verdict {
    /// All three hold.
    pub fn meets(&self) -> bool {
        self.latency_ok && self.power_ok && self.cost_ok
    }
}

/// The verdicts of a box whose P99 block takes `p99_s`.
pub fn verdicts(p99_s: f64, power_w: f64, capex_usd: f64) -> Vec<Verdict> {
    TARGETS
        .iter()
        .map(|&target| Verdict {
            target,
            latency_ok: p99_s <= target.latency_s,
            power_ok: power_w <= target.power_w,
            cost_ok: capex_usd <= target.capex_usd,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Timing;

    fn matrix(log_rows: u32, cols: u32, log_blowup: u32) -> MatrixSpec {
        MatrixSpec { name: "m".into(), field: FieldId::BabyBear, log_rows, cols, log_blowup, count: 1 }
    }

    /// A card whose every term is easy to compute by hand: 1 GHz, no per-call cost.
    fn hand_card() -> Accelerator {
        let t = Timing {
            datapath: Datapath::Streaming,
            clock_hz: 1e9,
            ntt_lanes: 8,
            hash_pipelines: 2,
            h2c_bytes_per_s: 1e9,
            c2h_bytes_per_s: 1e9,
            per_call: Duration::ZERO,
            msm_units: [1, 1],
        };
        Accelerator::from_timing(FieldId::BabyBear, &t)
    }

    #[test]
    fn one_batch_commit_by_hand() {
        // 2^10 rows × 8 columns, blowup 2: one batch (8 = the rate; a quarter rounds up to 8).
        let c = commit_time(&hand_card(), &matrix(10, 8, 1), false);
        assert_eq!(c.batches, 1);
        // Upload: 2^10 · 8 · 4 B at 1 GB/s = 32.768 µs (no per-call cost on this card).
        assert!((c.h2c_s - 32.768e-6).abs() < 1e-12, "{c:?}");
        // LDE on chip: 12 + ceil(8/8)·(2^10 + 2^11) − 1 + 9·10 cycles.
        let lde = (12 + 3072 - 1 + 90) as f64 * 1e-9;
        assert!((c.lde_s - lde).abs() < 1e-12, "{c:?}");
        // Absorb 2^11 rows × 1 chunk over 2 pipelines + 21 rounds; tree 2^11 − 1 the same way.
        let absorb = (1024 + 21) as f64 * 1e-9;
        let tree = ((2047u64).div_ceil(2) + 21) as f64 * 1e-9;
        assert!((c.hash_s - absorb).abs() < 1e-12 && (c.tree_s - tree).abs() < 1e-12, "{c:?}");
        // Makespan: upload, then max(LDE, absorb) + tree, then the root (32 B at 1 GB/s + 1 cycle).
        let want = 32.768e-6 + lde.max(absorb) + tree + 32e-9 + 1e-9;
        assert!((c.makespan_s - want).abs() < 1e-12, "{} vs {want}", c.makespan_s);
    }

    #[test]
    fn streaming_overlaps_upload_with_compute() {
        // 2^16 rows × 64 columns: four batches of 16.
        let card = hand_card();
        let c = commit_time(&card, &matrix(16, 64, 1), false);
        assert_eq!(c.batches, 4);
        let serial = c.h2c_s + c.lde_s.max(c.hash_s) + c.tree_s + c.c2h_s;
        assert!(c.makespan_s < serial * 0.9, "no overlap: {c:?}");
        // Never faster than the busier resource alone.
        assert!(c.makespan_s >= c.h2c_s.max(c.lde_s.max(c.hash_s)), "{c:?}");
        // Generated on the card: no upload at all, and strictly faster.
        let on_card = commit_time(&card, &matrix(16, 64, 1), true);
        assert_eq!(on_card.h2c_bytes, 0);
        assert!(on_card.makespan_s < c.makespan_s);
    }

    #[test]
    fn memory_bandwidth_bounds_the_four_step_lde() {
        let mut card = hand_card();
        let m = matrix(16, 16, 1);
        let free = commit_time(&card, &m, true);
        assert_eq!(free.memory_s, 0.0);
        // Two passes (16 > 12) × (2^16 · 16 · 3 elements) × 8 B at 1 GB/s.
        card.memory_bytes_per_s = 1e9;
        let bound = commit_time(&card, &m, true);
        let want = 2.0 * f64::from(1u32 << 16) * 16.0 * 3.0 * 8.0 / 1e9;
        assert!((bound.memory_s - want).abs() < 1e-9, "{bound:?}");
        assert!(bound.makespan_s > free.makespan_s);
    }

    #[test]
    fn verdicts_follow_the_targets() {
        let v = verdicts(5.0, 9e3, 99e3);
        let met: Vec<bool> = v.iter().map(Verdict::meets).collect();
        assert_eq!(met, [true, true, false, false]);
        assert!(!verdicts(5.0, 11e3, 1.0)[0].meets(), "power over 10 kW must fail");
        assert!(!verdicts(5.0, 1.0, 101e3)[0].meets(), "cost over $100k must fail");
    }
}
