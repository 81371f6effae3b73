//! Descriptor generators and the AXI4-Lite harness (rust-hdl driver, trace replay, directed
//! scripts) shared by the card's RTL tests.
// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::sample::SplitMix64;
use slotproof_firmware::command::{WORDS, header, shape, word};
use slotproof_firmware::memory_map::{self, Operand};
use slotproof_firmware::regs::{self, ctrl};
use slotproof_firmware::{Command, Field, Flags, Opcode};
use slotproof_hdl::card::{CardRegs, CardTop, Limits};
use slotproof_hdl::eda::{AxiLiteCycle, AxiLiteStep, AxiLiteTraffic};
use slotproof_sim::device::executor::{ShapeLimits, operand_size};

/// The device model's form of a bitstream's limits.
pub fn shape_limits(l: Limits) -> ShapeLimits {
    ShapeLimits {
        max_log_lde_rows: l.max_log_lde_rows,
        max_log_blowup: l.max_log_blowup,
        max_batch_cols: l.max_batch_cols,
    }
}

/// An address for a range of `len` bytes: inside a region (often at its edges), across a
/// boundary, past the end of memory, or wrapping around 2^64.
pub fn place(r: &mut SplitMix64, len: u64) -> u64 {
    let region = memory_map::ALL[(r.next_u64() % memory_map::ALL.len() as u64) as usize];
    let jitter = ((r.next_u64() % 9) as i64 - 4) * [1, 4, 4096][(r.next_u64() % 3) as usize];
    let shift = |a: u64| a.wrapping_add_signed(jitter);
    match r.next_u64() % 8 {
        0 => shift(region.base),
        1 => shift(region.end().wrapping_sub(len)),
        2 => region.base + r.next_u64() % region.size.saturating_sub(len).max(1),
        3 => r.next_u64(),
        4 => u64::MAX - r.next_u64() % (len + 8),
        5 => shift(region.end()),
        _ => region.base + (r.next_u64() % region.size.saturating_sub(len).max(1)) / 64 * 64,
    }
}

/// An AXI4-Lite slave in rust-hdl's simulator, driven as [`AxiLiteModel`]'s master drives
/// the Verilator model: its bus, its sideband inputs ([`AxiLitePorts::inputs`] order) and
/// its sideband outputs ([`AxiLitePorts::outputs`], the first the trigger of the
/// [`AxiLitePorts::on_trigger`] ones).
///
/// [`AxiLiteModel`]: slotproof_hdl::eda::AxiLiteModel
/// [`AxiLitePorts::inputs`]: slotproof_hdl::eda::AxiLitePorts
pub trait AxiLiteBench: Block + Send + 'static {
    /// Drives the bus (`None`: valid low) and the sideband inputs.
    fn drive(&mut self, aw: Option<u32>, w: Option<u32>, ar: Option<u32>, step: &AxiLiteStep);
    /// `awready`, `wready`, `arready`, `bvalid`, `rvalid`, `rdata`.
    fn bus(&self) -> (bool, bool, bool, bool, bool, u32);
    /// The sideband outputs, and the triggered ones when the trigger is set.
    fn sideband(&self) -> (Vec<u64>, Option<Vec<u64>>);
    /// Toggles the clock.
    fn tick(&mut self);
    /// The clock's level.
    fn clock_high(&self) -> bool;
}

/// Implements [`AxiLiteBench`] for a block with the AXI4-Lite port names of `CardRegs`:
/// `|x, side| drive` sets its sideband inputs, `|x| sideband` returns its outputs.
macro_rules! axi_lite_bench {
    ($block:ty, |$x:ident, $side:ident| $drive:block, |$y:ident| $sideband:block) => {
        impl AxiLiteBench for $block {
            fn drive(&mut self, aw: Option<u32>, w: Option<u32>, ar: Option<u32>, step: &AxiLiteStep) {
                self.awvalid.next = aw.is_some();
                self.awaddr.next = u64::from(aw.unwrap_or(0)).into();
                self.wvalid.next = w.is_some();
                self.wdata.next = u64::from(w.unwrap_or(0)).into();
                self.wstrb.next = 0xf.into();
                self.arvalid.next = ar.is_some();
                self.araddr.next = u64::from(ar.unwrap_or(0)).into();
                self.bready.next = step.bready;
                self.rready.next = step.rready;
                let ($x, $side) = (self, &step.side);
                $drive
            }

            fn bus(&self) -> (bool, bool, bool, bool, bool, u32) {
                let x = self;
                (
                    x.awready.val(),
                    x.wready.val(),
                    x.arready.val(),
                    x.bvalid.val(),
                    x.rvalid.val(),
                    x.rdata.val().to_u64() as u32,
                )
            }

            fn sideband(&self) -> (Vec<u64>, Option<Vec<u64>>) {
                let $y = self;
                $sideband
            }

            fn tick(&mut self) {
                self.clock.next = !self.clock.val();
            }

            fn clock_high(&self) -> bool {
                self.clock.val().clk
            }
        }
    };
}

axi_lite_bench!(
    CardRegs,
    |x, s| {
        x.busy.next = s[0] != 0;
        x.done.next = s[1] != 0;
        x.error.next = s[2] != 0;
        x.error_code.next = s[3].into();
        x.error_word.next = s[4].into();
        x.completed_seq.next = s[5].into();
        x.payload_crc.next = s[6].into();
        x.result_crc.next = s[7].into();
        x.result_len.next = s[8].into();
        x.tables_loaded.next = s[9] != 0;
        x.tables_field.next = s[10].into();
    },
    |x| {
        let doorbell = x.doorbell.val();
        let triggered = doorbell.then(|| {
            let mut t = vec![x.doorbell_value.val().to_u64()];
            t.extend(x.desc.iter().map(|d| d.val().to_u64()));
            t
        });
        (vec![u64::from(doorbell), u64::from(x.soft_reset.val()), u64::from(x.irq.val())], triggered)
    }
);

axi_lite_bench!(CardTop, |_x, _s| {}, |x| {
    let irq = x.irq.val();
    (vec![u64::from(irq)], irq.then(Vec::new))
});

/// Runs `traffic` through `uut` in rust-hdl's simulator, driving the bus as the Verilator
/// master does (each offer held until taken), and returns every cycle as seen before its
/// edge. The blocks' outputs depend on registers only, so sampling them after the previous
/// edge is sampling them before this one.
pub fn run_rust_hdl<T: AxiLiteBench>(uut: T, traffic: &AxiLiteTraffic) -> Vec<AxiLiteCycle> {
    let traffic = traffic.clone();
    let steps = traffic.steps.len();
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let mut sim = Simulation::<T>::new();
    sim.add_clock(5_000, |x: &mut Box<T>| x.tick());
    sim.add_testbench(move |mut ep: Sim<T>| {
        let mut x = ep.init()?;
        let (mut iaw, mut iw, mut iar) = (0, 0, 0);
        let (mut haw, mut hw, mut har) = (false, false, false);
        let mut trace = Vec::with_capacity(traffic.steps.len());
        for step in &traffic.steps {
            haw |= step.offer_aw && iaw < traffic.aw.len();
            hw |= step.offer_w && iw < traffic.w.len();
            har |= step.offer_ar && iar < traffic.ar.len();
            let aw = haw.then(|| traffic.aw[iaw]);
            let w = hw.then(|| traffic.w[iw]);
            let ar = har.then(|| traffic.ar[iar]);
            x.drive(aw, w, ar, step);
            let (awready, wready, arready, bvalid, rvalid, rdata) = x.bus();
            let (out, triggered) = x.sideband();
            let cycle = AxiLiteCycle {
                aw,
                w,
                ar,
                bready: step.bready,
                rready: step.rready,
                awready,
                wready,
                arready,
                bvalid,
                rvalid,
                rdata,
                side: step.side.clone(),
                out,
                triggered,
            };
            x = ep.watch(|x| x.clock_high(), x)?;
            x = ep.watch(|x| !x.clock_high(), x)?;
            if haw && cycle.awready {
                haw = false;
                iaw += 1;
            }
            if hw && cycle.wready {
                hw = false;
                iw += 1;
            }
            if har && cycle.arready {
                har = false;
                iar += 1;
            }
            trace.push(cycle);
        }
        *sink.lock().unwrap() = trace;
        ep.done(x)
    });
    sim.run(Box::new(uut), (steps as u64 + 4) * 10_000).unwrap();
    let trace = out.lock().unwrap().clone();
    assert_eq!(trace.len(), steps, "the testbench ran every step");
    trace
}

/// A random register offset: any register word, often `CMD`, `CTRL`, the status and echo
/// registers and `DOORBELL`, and unmapped words.
pub fn random_offset(r: &mut dyn FnMut(u64) -> u64) -> u32 {
    let mapped = |off: u32| regs::ALL.iter().any(|x| (x.offset..x.offset + x.span()).contains(&off));
    match r(10) {
        0 => {
            let x = regs::ALL[r(regs::ALL.len() as u64) as usize];
            x.at(r(u64::from(x.count)) as u32)
        }
        1 | 2 => regs::CMD.at(r(WORDS as u64) as u32),
        3 => regs::CTRL.offset,
        4 => [regs::STATUS, regs::IRQ_STATUS, regs::ERROR_CODE][r(3) as usize].offset,
        5 => regs::DOORBELL.offset,
        6 => {
            [regs::HEARTBEAT, regs::COMPLETED_SEQ, regs::PAYLOAD_CRC, regs::RESULT_CRC, regs::RESULT_LEN][r(5) as usize]
                .offset
        }
        7 => loop {
            let off = 4 * r(u64::from(regs::BLOCK_BYTES / 4)) as u32;
            if !mapped(off) {
                break off;
            }
        },
        _ => 4 * r(u64::from(regs::BLOCK_BYTES / 4)) as u32,
    }
}

/// A random value to write at `a`: `CTRL` sets `IRQ_ENABLE` at random and soft-resets one
/// write in 8, `IRQ_STATUS` clears either bit (with other bits set at times), the rest is
/// any word.
pub fn random_value(r: &mut dyn FnMut(u64) -> u64, a: u32) -> u32 {
    match a {
        a if a == regs::CTRL.offset => ctrl::IRQ_ENABLE.bits(r(2) as u32) | ctrl::SOFT_RESET.bits(u32::from(r(8) == 0)),
        a if a == regs::IRQ_STATUS.offset => r(4) as u32 | (r(1 << 32) as u32 & !3 & (r(2) as u32).wrapping_neg()),
        _ => r(1 << 32) as u32,
    }
}

/// A random master plan of `steps` cycles, the sideband inputs from `side`: stall patterns
/// change every 64 cycles (AW well before W, W well before AW, both together, heavy
/// response back-pressure).
pub fn random_steps(
    r: &mut dyn FnMut(u64) -> u64,
    steps: usize,
    mut side: impl FnMut(&mut dyn FnMut(u64) -> u64) -> Vec<u64>,
) -> Vec<AxiLiteStep> {
    let (mut p_aw, mut p_w, mut p_ar, mut p_b, mut p_r) = (100, 100, 100, 100, 100);
    (0..steps)
        .map(|k| {
            if k % 64 == 0 {
                (p_aw, p_w) = [(95, 95), (90, 15), (15, 90), (50, 50), (100, 100), (100, 5)][r(6) as usize];
                p_ar = [20, 60, 100][r(3) as usize];
                p_b = [10, 60, 100][r(3) as usize];
                p_r = [10, 60, 100][r(3) as usize];
            }
            let side = side(r);
            AxiLiteStep {
                offer_aw: r(100) < p_aw,
                offer_w: r(100) < p_w,
                offer_ar: r(100) < p_ar,
                bready: r(100) < p_b,
                rready: r(100) < p_r,
                side,
            }
        })
        .collect()
}

/// What `HEARTBEAT` reads in cycle `k` of a trace, `cycles_per_us` edges a microsecond:
/// the register blocks' heartbeat counts edges where the model's counts wall-clock time.
pub fn heartbeat(k: usize, cycles_per_us: u32) -> u32 {
    (k as u32 / cycles_per_us) & 0x7fff_ffff
}

/// What a checked trace contained, and where it disagreed with the oracle.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every read: offset and the value the block returned.
    pub reads: Vec<(u32, u32)>,
    /// Writes that acted.
    pub writes: usize,
    /// Every doorbell that started a command: value and descriptor.
    pub doorbells: Vec<(u32, Vec<u32>)>,
    /// Soft resets.
    pub soft_resets: usize,
    /// Doorbells refused because a command was running.
    pub busy_refusals: usize,
    /// Completions the oracle applied, with their error code (0 for none).
    pub completions: Vec<u8>,
    /// Mismatches.
    pub mismatches: usize,
    /// The first few mismatches, described.
    pub first: Vec<String>,
}

impl Checked {
    /// Counts a mismatch.
    pub fn mismatch(&mut self, what: String) {
        self.mismatches += 1;
        if self.first.len() < 8 {
            self.first.push(what);
        }
    }

    /// Reads and writes.
    pub fn transactions(&self) -> usize {
        self.reads.len() + self.writes
    }

    /// Fails the test on any mismatch.
    pub fn assert_clean(&self, what: &str) {
        assert_eq!(self.mismatches, 0, "{what}: {} mismatches, first: {:#?}", self.mismatches, self.first);
    }
}

/// The bus side of checking a trace: which read each response answers and what it should
/// read, and the address and data each write acts with.
#[derive(Default)]
pub struct BusReplay {
    want_reads: VecDeque<(u32, u32)>,
    aw: VecDeque<u32>,
    w: VecDeque<u32>,
}

impl BusReplay {
    /// Compares the read response taken in `now` (cycle `k`), if any, with its expected value.
    pub fn response(&mut self, k: usize, now: &AxiLiteCycle, c: &mut Checked) {
        if now.rvalid && now.rready {
            match self.want_reads.pop_front() {
                Some((off, want)) => {
                    c.reads.push((off, now.rdata));
                    if now.rdata != want {
                        c.mismatch(format!("cycle {k}: read {off:#04x} = {:#x}, expected {want:#x}", now.rdata));
                    }
                }
                None => c.mismatch(format!("cycle {k}: a read response nobody asked for")),
            }
        }
    }

    /// Records the handshakes of `now`: a read accepted (expected to read `expect(offset)`,
    /// the state before the edge), a write address, write data.
    pub fn accept(&mut self, now: &AxiLiteCycle, expect: impl FnOnce(u32) -> u32) {
        if let Some(off) = now.ar.filter(|_| now.arready) {
            self.want_reads.push_back((off, expect(off)));
        }
        if let Some(a) = now.aw.filter(|_| now.awready) {
            self.aw.push_back(a);
        }
        if let Some(d) = now.w.filter(|_| now.wready) {
            self.w.push_back(d);
        }
    }

    /// The write that acts in the edge between `now` (cycle `k`) and `next`, the edge
    /// before `bvalid` rises: its address and data.
    pub fn acted(&mut self, k: usize, now: &AxiLiteCycle, next: &AxiLiteCycle, c: &mut Checked) -> Option<(u32, u32)> {
        if !next.bvalid || now.bvalid {
            return None;
        }
        match (self.aw.pop_front(), self.w.pop_front()) {
            (Some(a), Some(d)) => {
                c.writes += 1;
                Some((a, d))
            }
            _ => {
                c.mismatch(format!("cycle {k}: a write acted without address and data"));
                None
            }
        }
    }
}

/// A directed script: transactions one at a time, with a ready master, and the sideband
/// inputs `side` held until changed.
#[derive(Default)]
pub struct Script {
    /// The traffic so far.
    pub t: AxiLiteTraffic,
    /// The sideband inputs of the next steps.
    pub side: Vec<u64>,
}

impl Script {
    /// `n` idle cycles.
    pub fn idle(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.t.steps.push(AxiLiteStep {
                bready: true,
                rready: true,
                side: self.side.clone(),
                ..Default::default()
            });
        }
        self
    }

    /// A write of `v` at `off`, then idle cycles until it has surely acted.
    pub fn write(&mut self, off: u32, v: u32) -> &mut Self {
        self.t.aw.push(off);
        self.t.w.push(v);
        let side = self.side.clone();
        self.t.steps.push(AxiLiteStep {
            offer_aw: true,
            offer_w: true,
            bready: true,
            rready: true,
            side,
            ..Default::default()
        });
        self.idle(4)
    }

    /// A read at `off`, then idle cycles until it has surely been answered.
    pub fn read(&mut self, off: u32) -> &mut Self {
        self.t.ar.push(off);
        let side = self.side.clone();
        self.t.steps.push(AxiLiteStep { offer_ar: true, bready: true, rready: true, side, ..Default::default() });
        self.idle(4)
    }
}

/// A descriptor and its doorbell value.
pub struct Case {
    /// The descriptor.
    pub words: [u32; WORDS],
    /// The value written to `DOORBELL`.
    pub doorbell: u32,
}

/// A command of a random opcode and field with random known flags, the rest default.
pub fn random_command(r: &mut SplitMix64) -> Command {
    let op = Opcode::ALL[(r.next_u64() % Opcode::ALL.len() as u64) as usize];
    let field = Field::ALL[(r.next_u64() % Field::ALL.len() as u64) as usize];
    let mut c = Command::new(op, field);
    c.flags = Flags(r.next_u64() as u16 & Flags::KNOWN.0);
    c
}

/// Plausible descriptors (sizes near the card's limits, operands placed to probe the map),
/// then with some probability a decoder-level fault on top.
pub fn cases(n: usize, seed: u64) -> Vec<Case> {
    let mut r = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut c = random_command(&mut r);
            c.seq = r.next_u64() as u32;
            c.log_rows = (r.next_u64() % 27) as u8;
            c.log_blowup = (r.next_u64() % 5) as u8;
            c.cols = (r.next_u64() % 300) as u16;
            c.count = [0, 1, 3, 16, r.next_u64() as u32][(r.next_u64() % 5) as usize];
            let spare = r.next_u64() % 4096;
            let size = |o| operand_size(&c, o).unwrap_or(spare);
            let (s, a, d) = (size(Operand::Src), size(Operand::Aux), size(Operand::Dst));
            c.src_len = if r.next_u64().is_multiple_of(3) { 0 } else { s as u32 };
            (c.src, c.aux, c.dst) = (place(&mut r, s), place(&mut r, a), place(&mut r, d));
            let mut words = c.encode();
            let mut doorbell = c.seq;
            match r.next_u64() % 10 {
                0 => words[0] = header::OPCODE.put(words[0], r.next_u64() as u32),
                1 => words[0] |= 1 << (header::FLAGS.lsb + (r.next_u64() % 16) as u8),
                2 => words[usize::from(word::SHAPE)] |= shape::RESERVED & (1 << (r.next_u64() % 32)),
                3 => words[usize::from(word::FIRST_RESERVED) + (r.next_u64() % 4) as usize] = 1,
                4 => doorbell ^= 1,
                _ => {}
            }
            Case { words, doorbell }
        })
        .collect()
}
