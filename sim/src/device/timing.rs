//! How long things take on the modelled card, and the schedule of a whole run.
//!
//! [`Timing`] turns one command or one transfer into a duration from the RTL's parameters
//! and the PCIe figures of notes/xdma.md §9. Two datapaths ([`Datapath`]): the streaming
//! design the planner sizes (the streaming NTT's latency and one element per cycle per lane,
//! one Poseidon2 permutation per cycle per pipeline), and the executing card as built
//! (`hdl::card::ExecCardTop`: a 32-bit word-serial memory port, one LDE unit of 8 lanes,
//! 17–18 cycles per permutation), timed by the RTL's own cycle counts and held to the verilated
//! card's measured cycles in `host/tests/rtl_commit.rs`.
//! [`Timeline`] is the model's own clock: it places every transfer and command as early as
//! its resource and its data allow, so a run's makespan and link utilisation show whether
//! the host overlapped transfers with compute as it should.

use std::time::Duration;

use slotproof_firmware::{Command, Field, Flags, Opcode};

/// Which way a DMA transfer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Host to card.
    H2c,
    /// Card to host.
    C2h,
}

/// What runs the card's commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datapath {
    /// The streaming design: [`Timing::ntt_lanes`] NTT lanes at one element per cycle each,
    /// [`Timing::hash_pipelines`] Poseidon2 pipelines at one permutation per cycle each,
    /// copies through a 512-bit port.
    Streaming,
    /// The executing card's RTL as built (`ExecCardTop`), every operand through a 32-bit
    /// word-serial port on a card memory that answers reads after `read_latency` cycles and
    /// writes after `write_latency`: `Executor::cycles_estimate`. The lane and pipeline
    /// counts do not apply.
    WordSerial {
        /// Card memory read latency (cycles).
        read_latency: u32,
        /// Card memory write latency (cycles).
        write_latency: u32,
    },
}

/// The card's speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// What runs the commands.
    pub datapath: Datapath,
    /// Kernel clock (Hz). Zero means every command is instantaneous.
    pub clock_hz: f64,
    /// NTT lanes: columns transformed side by side.
    pub ntt_lanes: u32,
    /// Poseidon2 pipelines, each one permutation per cycle.
    pub hash_pipelines: u32,
    /// Host-to-card bandwidth of the PCIe link (bytes/s), shared by all H2C channels.
    /// Infinite means transfers are instantaneous.
    pub h2c_bytes_per_s: f64,
    /// Card-to-host bandwidth (bytes/s), shared by all C2H channels.
    pub c2h_bytes_per_s: f64,
    /// Fixed cost of one DMA call (driver, descriptor set-up, pinning).
    pub per_call: Duration,
    /// MSM bucket units per curve (BN254, BLS12-381), each one point addition per cycle
    /// (`hdl::msm::BucketUnit`); zero when the card has no MSM engine for the curve.
    pub msm_units: [u32; 2],
}

impl Default for Timing {
    /// A U55C-class card on Gen3x16, sized so that a 2^20 × 64 BabyBear commit at blowup 2
    /// is PCIe-bound when the host streams it in rate-wide column batches.
    ///
    /// The link moves 11e9 / 4 B = 2.75 G input elements/s: an 8-column batch of 2^20 rows
    /// (32 MiB) takes 3.05 ms. Its LDE is 8 · 3 transforms of 2^20, two four-step passes each:
    /// 2 · 8 · 3 · 2^20 element-cycles over 128 lanes at 250 MHz = 1.57 ms (128 lanes: 512 of the
    /// U55C's 9,024 DSPs for the butterflies at 4 DSPs per Montgomery multiplier). Its leaf
    /// absorption is 2^21 permutations over 16 pipelines = 0.52 ms, overlapped with the LDE.
    /// So each batch's compute hides under the next batch's upload, and only the last
    /// batch's compute and the tree (2^21 / 16 cycles = 0.52 ms) are not overlapped.
    fn default() -> Self {
        Self {
            datapath: Datapath::Streaming,
            clock_hz: 250e6,
            ntt_lanes: 128,
            hash_pipelines: 16,
            h2c_bytes_per_s: 11e9,
            c2h_bytes_per_s: 12e9,
            per_call: Duration::from_micros(30),
            // What `slotproof plan msm --board u55c` fits under its 70% ceiling: one BN254
            // unit (3,480 DSP48E2). A BLS12-381 unit (7,620) needs a U250; the model gives
            // this card one as if it were that board's.
            msm_units: [1, 1],
        }
    }
}

/// Kernel cycles of the parts of one `COMMIT_BATCH` ([`Timing::commit_batch_cycles`]): one
/// type with the executing card's own count.
pub use slotproof_hdl::card::CommitCycles;

/// log2 of the largest transform the on-chip streaming NTT core runs in one pass
/// (`hdl::ntt::NttCore<12>`).
pub const ON_CHIP_LOG_NTT: u32 = 12;

/// log2 of the number of slices a `COMMIT_BATCH` computes one of (0 for other opcodes).
fn log_slices(cmd: &Command) -> u32 {
    if cmd.opcode == Opcode::CommitBatch { slotproof_firmware::command::slice::LOG_SLICES.get(cmd.count) } else { 0 }
}

/// Poseidon2 pipeline depth: one stage per round (8 full rounds plus the partial rounds).
fn poseidon2_rounds(f: Field) -> u64 {
    8 + match f {
        Field::BabyBear => p3_baby_bear::BABYBEAR_POSEIDON2_RC_16_INTERNAL.len(),
        Field::KoalaBear => p3_koala_bear::KOALABEAR_POSEIDON2_RC_16_INTERNAL.len(),
        Field::Goldilocks => p3_goldilocks::GOLDILOCKS_POSEIDON2_RC_8_INTERNAL.len(),
    } as u64
}

impl Timing {
    /// Everything instantaneous: for functional tests that do not care about time.
    pub fn zero() -> Self {
        Self {
            datapath: Datapath::Streaming,
            clock_hz: 0.0,
            ntt_lanes: 1,
            hash_pipelines: 1,
            h2c_bytes_per_s: f64::INFINITY,
            c2h_bytes_per_s: f64::INFINITY,
            per_call: Duration::ZERO,
            msm_units: [1, 1],
        }
    }

    /// The executing card as built (`hdl::card::ExecCardTop` with the reports'
    /// configuration) at `clock_hz`, on the default card's PCIe link, with card memory that
    /// answers as the hardware-in-the-loop harness's does (`MemoryModel::new`).
    pub fn executing_card(clock_hz: f64) -> Self {
        let mem = slotproof_hdl::eda::MemoryModel::new(0);
        Self {
            datapath: Datapath::WordSerial { read_latency: mem.read_latency, write_latency: mem.write_latency },
            clock_hz,
            ntt_lanes: slotproof_hdl::ntt::lde_unit::LANES as u32,
            hash_pipelines: 1,
            ..Self::default()
        }
    }

    /// `n` kernel cycles as a duration.
    pub fn cycles(&self, n: u64) -> Duration {
        if self.clock_hz > 0.0 { Duration::from_secs_f64(n as f64 / self.clock_hz) } else { Duration::ZERO }
    }

    /// Cycles for one lane to stream `count` transforms of size `2^log_m` back to back:
    /// the first takes the pipeline's latency `12 + (m − 1) + 9·log m`, each further one
    /// `m` more (one element per cycle).
    pub fn ntt_cycles(log_m: u32, count: u64) -> u64 {
        if count == 0 {
            return 0;
        }
        12 + (count << log_m) - 1 + 9 * u64::from(log_m)
    }

    /// Cycles for the LDE of `cols` columns of `2^log_rows`: per column an inverse NTT of
    /// `n` and `2^log_blowup` forward NTTs of `n` (one per coset). A `COMMIT_BATCH` slice
    /// (`2^-s` of the LDE rows) streams only its share of the forward transforms:
    /// `n + (n·2^log_blowup) / 2^s` elements per column after the inverse NTT.
    ///
    /// Transforms up to 2^[`ON_CHIP_LOG_NTT`] stream through the on-chip NTT core, one column
    /// per lane. Larger ones run as the four-step decomposition through card memory: each
    /// pass is a batch of on-chip sub-transforms (plus the twiddle multiply and the
    /// transpose the memory layout gives for free), so a transform of 2^k costs
    /// `ceil(k / 12)` passes over its elements, and the lanes share the sub-transforms of
    /// one column: the work spreads over all lanes even when a batch has fewer columns than
    /// lanes. The pipeline latency is paid once per pass.
    pub fn lde_cycles(&self, cmd: &Command) -> u64 {
        let log_n = u32::from(cmd.log_rows);
        let log_lde = log_n + u32::from(cmd.log_blowup);
        let elems = (1u64 << log_n) + (1u64 << (log_lde - log_slices(cmd).min(log_lde)));
        let lanes = u64::from(self.ntt_lanes.max(1));
        if log_n <= ON_CHIP_LOG_NTT {
            let per_lane = u64::from(cmd.cols).div_ceil(lanes);
            return 12 + per_lane * elems - 1 + 9 * u64::from(log_n);
        }
        let passes = u64::from(log_n.div_ceil(ON_CHIP_LOG_NTT));
        let sub_log = log_n.div_ceil(passes as u32);
        passes * ((u64::from(cmd.cols) * elems).div_ceil(lanes) + 12 + 9 * u64::from(sub_log))
    }

    /// Cycles for `perms` permutations spread over the pipelines, plus one pipeline's depth.
    pub fn perm_cycles(&self, f: Field, perms: u64) -> u64 {
        if perms == 0 { 0 } else { perms.div_ceil(u64::from(self.hash_pipelines.max(1))) + poseidon2_rounds(f) }
    }

    /// The three parts of a `COMMIT_BATCH`: the LDE of its columns, the absorption of its
    /// slice's LDE rows (overlapped with the LDE, which feeds it, on the streaming datapath;
    /// after it on the word-serial one) and, on the `LAST` batch, the tree over those rows
    /// (after both).
    pub fn commit_batch_cycles(&self, cmd: &Command) -> CommitCycles {
        if let Datapath::WordSerial { read_latency, write_latency } = self.datapath {
            // One engine at a time: the parts add up (see `command_time`). What the card does
            // not run has no parts.
            let (rl, wl) = (u64::from(read_latency), u64::from(write_latency));
            return slotproof_hdl::card::Executor::commit_batch_cycles(cmd, rl, wl).unwrap_or_default();
        }
        let f = cmd.field;
        let rows = 1u64 << (u32::from(cmd.log_rows) + u32::from(cmd.log_blowup)).min(63) >> log_slices(cmd).min(63);
        let absorb = rows * u64::from(cmd.cols).div_ceil(f.rate() as u64);
        let tree = if cmd.flags.contains(Flags::LAST) { rows - 1 } else { 0 };
        CommitCycles { lde: self.lde_cycles(cmd), absorb: self.perm_cycles(f, absorb), tree: self.perm_cycles(f, tree) }
    }

    /// How long the card takes to run `cmd` (assuming it passes its checks).
    pub fn command_time(&self, cmd: &Command) -> Duration {
        if let Datapath::WordSerial { read_latency, write_latency } = self.datapath {
            // What the executing card does not run it refuses at admission, in a few cycles.
            let refused = slotproof_hdl::card::CardTop::COMPLETION_LATENCY as u64;
            let cycles =
                slotproof_hdl::card::Executor::cycles_estimate(cmd, u64::from(read_latency), u64::from(write_latency));
            return self.cycles(cycles.unwrap_or(refused));
        }
        let f = cmd.field;
        let rate = f.rate() as u64;
        let rows = 1u64 << cmd.log_rows.min(63);
        let absorb = |rows: u64| rows * u64::from(cmd.cols).div_ceil(rate);
        let tree = |leaves: u64| if cmd.flags.contains(Flags::LAST) { leaves - 1 } else { 0 };
        // Copies through the 512-bit AXI port: 64 bytes per cycle.
        let copy = |bytes: u64| bytes.div_ceil(64);
        let cycles = match cmd.opcode {
            Opcode::LoadTwiddles | Opcode::LoadConstants => copy(u64::from(cmd.src_len)),
            Opcode::Lde => self.lde_cycles(cmd),
            Opcode::HashLeaves => self.perm_cycles(f, absorb(rows)) + self.perm_cycles(f, tree(rows)),
            // Fused: the sponge consumes LDE rows as the lanes produce them.
            Opcode::CommitBatch => {
                let c = self.commit_batch_cycles(cmd);
                c.lde.max(c.absorb) + c.tree
            }
            Opcode::BuildTree => self.perm_cycles(f, rows - 1),
            Opcode::ReadRoot => 1,
            Opcode::ReadCap => 1u64 << cmd.count.min(40),
            Opcode::ReadPaths => u64::from(cmd.count) * (1 + u64::from(cmd.log_rows)),
        };
        self.cycles(cycles)
    }

    /// How long the card takes to run the MSM command `cmd` (assuming it passes its checks).
    pub fn msm_time(&self, cmd: &slotproof_firmware::msm::MsmCommand) -> Duration {
        use slotproof_firmware::msm::Curve;
        let (units, id) = match cmd.curve {
            Curve::Bn254 => (self.msm_units[0], slotproof_core::CurveId::Bn254),
            Curve::Bls12_381 => (self.msm_units[1], slotproof_core::CurveId::Bls12_381),
        };
        let field = slotproof_hdl::msm::WideField::new(id);
        // The bucket unit's latency is a function of the field's limbs, not of the port width.
        let latency = slotproof_hdl::msm::BucketUnit::<384, 12, 4096, 4>::latency(&field) as u64;
        self.cycles(super::msm::msm_cycles(cmd, units, latency))
    }

    /// How long one DMA call moving `bytes` takes on an otherwise idle link.
    pub fn transfer_time(&self, bytes: u64, dir: Direction) -> Duration {
        self.per_call + self.wire_time(bytes, dir)
    }

    /// The time `bytes` occupy the link, without the per-call cost.
    pub fn wire_time(&self, bytes: u64, dir: Direction) -> Duration {
        let bw = match dir {
            Direction::H2c => self.h2c_bytes_per_s,
            Direction::C2h => self.c2h_bytes_per_s,
        };
        if bw.is_finite() && bw > 0.0 { Duration::from_secs_f64(bytes as f64 / bw) } else { Duration::ZERO }
    }
}

/// What a span of the timeline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// A host-to-card transfer on a channel.
    H2c {
        /// The channel.
        channel: usize,
    },
    /// A card-to-host transfer on a channel.
    C2h {
        /// The channel.
        channel: usize,
    },
    /// A command on the card.
    Command,
}

/// One scheduled operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// What it is.
    pub kind: SpanKind,
    /// Bytes moved (0 for commands).
    pub bytes: u64,
    /// When it started.
    pub start: Duration,
    /// When it ended.
    pub end: Duration,
}

/// Counts and busy time of one kind of operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindTotals {
    /// Operations.
    pub count: u64,
    /// Bytes moved.
    pub bytes: u64,
    /// Sum of their durations.
    pub busy: Duration,
}

/// A range of card memory and when the operation that touched it ends.
#[derive(Clone, Copy, Debug)]
struct Touch {
    addr: u64,
    len: u64,
    end: Duration,
}

impl Touch {
    fn overlaps(&self, addr: u64, len: u64) -> bool {
        addr < self.addr.saturating_add(self.len) && self.addr < addr.saturating_add(len)
    }
}

/// Records of touched ranges; a record wholly inside a newer, later-ending one adds no
/// constraint and is dropped, which keeps a long streaming run's lists short.
#[derive(Clone, Debug, Default)]
struct Touches(Vec<Touch>);

impl Touches {
    fn latest(&self, addr: u64, len: u64) -> Duration {
        self.0.iter().filter(|t| t.overlaps(addr, len)).map(|t| t.end).max().unwrap_or_default()
    }

    fn add(&mut self, addr: u64, len: u64, end: Duration) {
        self.0.retain(|t| !(t.addr >= addr && t.addr + t.len <= addr.saturating_add(len) && t.end <= end));
        self.0.push(Touch { addr, len, end });
    }
}

/// The dataflow schedule of a run on the model's own clock.
///
/// - An H2C or C2H call occupies its channel from its start to its end: first the per-call
///   cost, then its bytes on the link of its direction, which carries one transfer's bytes
///   at a time (channels share the bandwidth; their fixed costs overlap).
/// - Commands run one at a time.
/// - A command starts after the last H2C that wrote any byte it reads; an H2C into a range
///   after the last command that read it (a staging buffer is not overwritten while it is
///   read); a C2H after the last command that wrote its range.
#[derive(Clone, Debug)]
pub struct Timeline {
    timing: Timing,
    h2c_channels: Vec<Duration>,
    c2h_channels: Vec<Duration>,
    h2c_link: Duration,
    c2h_link: Duration,
    engine: Duration,
    h2c_link_busy: Duration,
    c2h_link_busy: Duration,
    written_by_h2c: Touches,
    read_by_command: Touches,
    written_by_command: Touches,
    spans: Vec<Span>,
}

impl Timeline {
    /// An empty schedule on a card with `timing`.
    pub fn new(timing: Timing) -> Self {
        Self {
            timing,
            h2c_channels: Vec::new(),
            c2h_channels: Vec::new(),
            h2c_link: Duration::ZERO,
            c2h_link: Duration::ZERO,
            engine: Duration::ZERO,
            h2c_link_busy: Duration::ZERO,
            c2h_link_busy: Duration::ZERO,
            written_by_h2c: Touches::default(),
            read_by_command: Touches::default(),
            written_by_command: Touches::default(),
            spans: Vec::new(),
        }
    }

    fn transfer(&mut self, dir: Direction, channel: usize, ready: Duration, bytes: u64) -> Span {
        let t = self.timing;
        let (channels, link) = match dir {
            Direction::H2c => (&mut self.h2c_channels, &mut self.h2c_link),
            Direction::C2h => (&mut self.c2h_channels, &mut self.c2h_link),
        };
        if channels.len() <= channel {
            channels.resize(channel + 1, Duration::ZERO);
        }
        let start = channels[channel].max(ready);
        let wire = t.wire_time(bytes, dir);
        let on_link = (start + t.per_call).max(*link);
        let end = on_link + wire;
        *link = end;
        channels[channel] = end;
        match dir {
            Direction::H2c => self.h2c_link_busy += wire,
            Direction::C2h => self.c2h_link_busy += wire,
        }
        let kind = match dir {
            Direction::H2c => SpanKind::H2c { channel },
            Direction::C2h => SpanKind::C2h { channel },
        };
        let span = Span { kind, bytes, start, end };
        self.spans.push(span);
        span
    }

    /// Schedules an H2C call of `len` bytes to `addr` on `channel`.
    pub fn h2c(&mut self, channel: usize, addr: u64, len: u64) -> Span {
        let ready = self.read_by_command.latest(addr, len);
        let span = self.transfer(Direction::H2c, channel, ready, len);
        self.written_by_h2c.add(addr, len, span.end);
        span
    }

    /// Schedules a C2H call of `len` bytes from `addr` on `channel`.
    pub fn c2h(&mut self, channel: usize, addr: u64, len: u64) -> Span {
        let ready = self.written_by_command.latest(addr, len);
        self.transfer(Direction::C2h, channel, ready, len)
    }

    /// Schedules a command reading `reads` and writing `writes` (`(addr, len)` ranges) that
    /// takes `duration` on the card.
    pub fn command(&mut self, reads: &[(u64, u64)], writes: &[(u64, u64)], duration: Duration) -> Span {
        let ready = reads.iter().map(|&(a, l)| self.written_by_h2c.latest(a, l)).max().unwrap_or_default();
        let start = self.engine.max(ready);
        let end = start + duration;
        self.engine = end;
        for &(a, l) in reads {
            self.read_by_command.add(a, l, end);
        }
        for &(a, l) in writes {
            self.written_by_command.add(a, l, end);
        }
        let span = Span { kind: SpanKind::Command, bytes: 0, start, end };
        self.spans.push(span);
        span
    }

    /// Every operation, in the order it was recorded.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// When the last operation ends.
    pub fn makespan(&self) -> Duration {
        self.spans.iter().map(|s| s.end).max().unwrap_or_default()
    }

    /// Time the H2C link spent moving bytes.
    pub fn h2c_busy(&self) -> Duration {
        self.h2c_link_busy
    }

    /// Time the C2H link spent moving bytes.
    pub fn c2h_busy(&self) -> Duration {
        self.c2h_link_busy
    }

    /// The H2C link's busy share of the makespan (0 for an empty run).
    pub fn link_utilization(&self) -> f64 {
        let m = self.makespan();
        if m.is_zero() { 0.0 } else { self.h2c_busy().as_secs_f64() / m.as_secs_f64() }
    }

    /// Totals of H2C calls, C2H calls and commands.
    pub fn totals(&self) -> (KindTotals, KindTotals, KindTotals) {
        let mut t = (KindTotals::default(), KindTotals::default(), KindTotals::default());
        for s in &self.spans {
            let k = match s.kind {
                SpanKind::H2c { .. } => &mut t.0,
                SpanKind::C2h { .. } => &mut t.1,
                SpanKind::Command => &mut t.2,
            };
            k.count += 1;
            k.bytes += s.bytes;
            k.busy += s.end - s.start;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 byte per microsecond each way, 10 µs per call: easy to follow by hand.
    fn slow() -> Timing {
        Timing {
            datapath: Datapath::Streaming,
            clock_hz: 1e6,
            ntt_lanes: 1,
            hash_pipelines: 1,
            h2c_bytes_per_s: 1e6,
            c2h_bytes_per_s: 1e6,
            per_call: Duration::from_micros(10),
            msm_units: [1, 1],
        }
    }

    fn us(x: u64) -> Duration {
        Duration::from_micros(x)
    }

    #[test]
    fn double_buffering_overlaps_upload_with_compute() {
        let mut t = Timeline::new(slow());
        // A: 100 bytes on ch0 → [0, 110]. B: 100 bytes on ch1: its call cost overlaps A's
        // bytes, its bytes wait for the link → [0, 210].
        t.h2c(0, 0, 100);
        let again = t.h2c(0, 0, 100);
        assert_eq!((again.start, again.end), (us(110), us(220)), "same channel: after the first call");
        let mut t = Timeline::new(slow());
        let a = t.h2c(0, 0, 100);
        let b = t.h2c(1, 1000, 100);
        assert_eq!((a.start, a.end), (us(0), us(110)));
        assert_eq!((b.start, b.end), (us(0), us(210)));
        // Command on A waits for A's upload: [110, 160]; on B: [210, 260].
        let ca = t.command(&[(0, 100)], &[(5000, 8)], us(50));
        assert_eq!((ca.start, ca.end), (us(110), us(160)));
        let cb = t.command(&[(1000, 100)], &[(6000, 8)], us(50));
        assert_eq!((cb.start, cb.end), (us(210), us(260)));
        // Refilling A waits for the command reading it (160) and for ch0 (110): bytes on the
        // link from 170 (free since 210) → [210, 310]; starts at 160.
        let a2 = t.h2c(0, 0, 100);
        assert_eq!((a2.start, a2.end), (us(160), us(310)));
        // Reading A's result waits for its command: [160, 178].
        let r = t.c2h(0, 5000, 8);
        assert_eq!((r.start, r.end), (us(160), us(178)));
        assert_eq!(t.makespan(), us(310));
        assert_eq!(t.h2c_busy(), us(300));
        assert!((t.link_utilization() - 300.0 / 310.0).abs() < 1e-9);
        let (h, c, k) = t.totals();
        assert_eq!((h.count, h.bytes, c.count, k.count), (3, 300, 1, 2));
        assert_eq!(k.busy, us(100));
    }

    #[test]
    fn zero_timing_is_instantaneous_and_commands_have_rtl_costs() {
        let mut t = Timeline::new(Timing::zero());
        t.h2c(0, 0, 1 << 30);
        t.command(&[(0, 1 << 30)], &[], Duration::ZERO);
        assert_eq!(t.makespan(), Duration::ZERO);
        assert_eq!(t.link_utilization(), 0.0);
        assert_eq!(Timing::ntt_cycles(3, 1), 12 + 7 + 27);
        assert_eq!(Timing::ntt_cycles(3, 2), 12 + 15 + 27);
        let mut c = Command::new(Opcode::HashLeaves, Field::Goldilocks);
        c.log_rows = 4;
        c.cols = 5;
        c.flags = Flags::FIRST | Flags::LAST;
        // 16 rows × ceil(5/4) = 32 perms + 30 rounds (8 full, 22 partial); tree 15 perms + 30.
        assert_eq!(slow().command_time(&c), us(32 + 30 + 15 + 30));
        assert_eq!(Timing::zero().command_time(&c), Duration::ZERO);
    }

    #[test]
    fn executing_card_is_timed_by_the_rtls_own_counts() {
        let t = Timing::executing_card(250e6);
        let Datapath::WordSerial { read_latency, write_latency } = t.datapath else {
            panic!("the executing card is word-serial");
        };
        let mut c = Command::new(Opcode::CommitBatch, Field::KoalaBear);
        c.log_rows = 10;
        c.log_blowup = 1;
        c.cols = 17;
        c.flags = Flags::FIRST | Flags::LAST;
        let cycles =
            slotproof_hdl::card::Executor::cycles_estimate(&c, read_latency.into(), write_latency.into()).unwrap();
        assert_eq!(t.command_time(&c), t.cycles(cycles));
        // Three groups of columns, each its own LDE and an absorb of at least 17 cycles per
        // permutation over 2^11 rows, then the tree: far beyond the streaming card.
        assert!(cycles > (3 * 17) << 11, "{cycles}");
        assert!(t.command_time(&c) > 10 * Timing { clock_hz: 250e6, ..Timing::default() }.command_time(&c));
        // What the card does not run is refused at admission, in a few cycles; Goldilocks too.
        let refused = t.cycles(slotproof_hdl::card::CardTop::COMPLETION_LATENCY as u64);
        let lde = Command::new(Opcode::Lde, Field::BabyBear);
        assert_eq!(t.command_time(&lde), refused);
        c.field = Field::Goldilocks;
        assert_eq!(t.command_time(&c), refused);
        // A shape past every limit (admission refuses it) is counted as refused, not overflowed.
        for op in [Opcode::CommitBatch, Opcode::BuildTree, Opcode::ReadPaths, Opcode::ReadCap] {
            let mut huge = Command::new(op, Field::BabyBear);
            (huge.log_rows, huge.log_blowup, huge.cols, huge.count) = (255, 255, u16::MAX, u32::MAX);
            huge.flags = Flags::LAST;
            assert_eq!(t.command_time(&huge), refused);
            // The largest shape counted: every column, the widest LDE, no overflow.
            (huge.log_rows, huge.log_blowup) = (29, 3);
            assert!(t.command_time(&huge) > Duration::ZERO);
        }
    }

    #[test]
    fn default_card_is_pcie_bound_on_the_reference_commit() {
        let t = Timing::default();
        let mut c = Command::new(Opcode::CommitBatch, Field::BabyBear);
        c.log_rows = 20;
        c.log_blowup = 1;
        c.cols = 64;
        c.flags = Flags::FIRST | Flags::LAST;
        let compute = t.command_time(&c);
        let upload = t.transfer_time(64 << 22, Direction::H2c);
        assert!(compute < upload, "{compute:?} vs {upload:?}");
        assert!(compute > Duration::from_millis(12) && upload > Duration::from_millis(24));
    }
}
