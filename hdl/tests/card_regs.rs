//! The card's AXI4-Lite register block (`CardRegs`) against the device model's
//! `RegisterFile`, the oracle: a directed run (identity registers read their ABI table
//! values, a doorbell hands out the latched descriptor, write-one-to-clear, refusal of a
//! doorbell while busy, soft reset, the `busy` input) and random AXI-Lite traffic (random
//! offsets, mapped and not, random valid/ready stalls, AW before W and W before AW, random
//! completions) in rust-hdl's simulator and, for a long run, in the emitted Verilog under
//! Verilator. The same checker replays every cycle on the oracle and compares every read,
//! every doorbell, every soft-reset pulse and `irq`. Negative control: the same traces
//! checked against an oracle with one register misplaced must mismatch. Seeds are fresh
//! per run, printed, and replayed with `SLOTPROOF_SEED`.
//!
//! How the oracle is mapped onto cycles (see the block's documentation): a read returns the
//! state before the edge that accepts it; a write acts in the edge before `bvalid` rises;
//! a completion input acts after that edge's write, in the reset epoch the edge started
//! in (so a soft reset in the same edge drops it); the heartbeat is edges /
//! `CYCLES_PER_US`.

mod common;

use std::time::Instant;

use common::{BusReplay, Checked, Script, heartbeat, random_offset, random_steps, random_value, run_rust_hdl};
use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::command::WORDS;
use slotproof_firmware::regs::{self, ctrl, error_code, irq_status, status};
use slotproof_firmware::{CardError, Field};
use slotproof_hdl::card::CardRegs;
use slotproof_hdl::card::regs_axil::CardRegsConfig;
use slotproof_hdl::eda::{AxiLiteCycle, AxiLiteModel, AxiLitePorts, AxiLiteTraffic, verilog_of};
use slotproof_sim::{CardConfig, Completion, RegisterFile};

/// Small, so that the heartbeat moves (and its prescaler wraps) in short runs.
const CYCLES_PER_US: u32 = 3;

/// The sideband inputs, in [`AxiLiteStep::side`] order.
const SIDE_IN: [(&str, usize); 11] = [
    ("busy", 1),
    ("done", 1),
    ("error", 1),
    ("error_code", 8),
    ("error_word", 4),
    ("completed_seq", 32),
    ("payload_crc", 32),
    ("result_crc", 32),
    ("result_len", 32),
    ("tables_loaded", 1),
    ("tables_field", 4),
];

fn card() -> CardConfig {
    CardConfig::default()
}

fn block() -> CardRegs {
    CardRegs::new(&CardRegsConfig { identity: card().identity(), cycles_per_us: CYCLES_PER_US }).expect("fits the ABI")
}

fn ports() -> AxiLitePorts {
    let named = |list: &[(&str, usize)]| list.iter().map(|&(n, w)| (n.to_string(), w)).collect();
    let mut on_trigger = vec![("doorbell_value".to_string(), 32)];
    on_trigger.extend((0..WORDS).map(|i| (format!("desc${i}"), 32)));
    AxiLitePorts {
        inputs: named(&SIDE_IN),
        outputs: named(&[("doorbell", 1), ("soft_reset", 1), ("irq", 1)]),
        on_trigger,
    }
}

/// What the command processor drives in one cycle.
#[derive(Clone, Copy, Debug, Default)]
struct Cp {
    busy: bool,
    done: bool,
    error: bool,
    code: u8,
    word: u8,
    seq: u32,
    payload_crc: u32,
    result_crc: u32,
    result_len: u32,
    tables: Option<Field>,
}

impl Cp {
    fn side(&self) -> Vec<u64> {
        vec![
            u64::from(self.busy),
            u64::from(self.done),
            u64::from(self.error),
            u64::from(self.code),
            u64::from(self.word),
            u64::from(self.seq),
            u64::from(self.payload_crc),
            u64::from(self.result_crc),
            u64::from(self.result_len),
            u64::from(self.tables.is_some()),
            self.tables.map_or(0, |f| f as u64),
        ]
    }

    fn from_side(s: &[u64]) -> Self {
        Self {
            busy: s[0] != 0,
            done: s[1] != 0,
            error: s[2] != 0,
            code: s[3] as u8,
            word: s[4] as u8,
            seq: s[5] as u32,
            payload_crc: s[6] as u32,
            result_crc: s[7] as u32,
            result_len: s[8] as u32,
            tables: if s[9] != 0 { Field::from_code(s[10] as u8) } else { None },
        }
    }
}

/// Replays `trace` on a fresh `RegisterFile` and compares. `misplaced = Some((a, b))`
/// checks against an oracle whose register at offset `a` is read from offset `b`: a block
/// built with one offset wrong (the negative control).
fn check(trace: &[AxiLiteCycle], misplaced: Option<(u32, u32)>) -> Checked {
    let mut oracle = RegisterFile::new(&card());
    let mut c = Checked::default();
    let mut bus = BusReplay::default();
    let expect_irq =
        |o: &RegisterFile| ctrl::IRQ_ENABLE.is_set(o.read(regs::CTRL.offset)) && o.read(regs::IRQ_STATUS.offset) != 0;
    for (k, now) in trace.iter().enumerate() {
        let cp = Cp::from_side(&now.side);
        if (now.out[2] != 0) != expect_irq(&oracle) {
            c.mismatch(format!("cycle {k}: irq {} expected {}", now.out[2], expect_irq(&oracle)));
        }
        bus.response(k, now, &mut c);
        oracle.set_tables(cp.tables);
        bus.accept(now, |off| {
            if off == regs::HEARTBEAT.offset {
                heartbeat(k, CYCLES_PER_US)
            } else {
                oracle.read(misplaced.filter(|m| m.0 == off).map_or(off, |m| m.1))
            }
        });
        let Some(next) = trace.get(k + 1) else { break };
        let epoch = oracle.epoch();
        let mut rang = None;
        let mut soft = false;
        if let Some((a, d)) = bus.acted(k, now, next, &mut c) {
            soft = a == regs::CTRL.offset && ctrl::SOFT_RESET.is_set(d);
            rang = oracle.write(a, d);
        }
        match (rang, &next.triggered) {
            (Some(d), Some(t)) => {
                c.doorbells.push((t[0] as u32, t[1..].iter().map(|&v| v as u32).collect()));
                let words: Vec<u64> = d.words.iter().map(|&v| u64::from(v)).collect();
                if t[0] != u64::from(d.value) || t[1..] != words[..] {
                    c.mismatch(format!("cycle {k}: doorbell {t:x?}, expected {:#x} {:x?}", d.value, d.words));
                }
            }
            (None, None) => {}
            (want, got) => c.mismatch(format!("cycle {k}: doorbell {got:x?}, expected {want:x?}")),
        }
        if (next.out[1] != 0) != soft {
            c.mismatch(format!("cycle {k}: soft_reset pulse {}, expected {soft}", next.out[1]));
        }
        c.soft_resets += usize::from(soft);
        if cp.done || cp.error {
            let completion = Completion {
                seq: cp.seq,
                error: cp.error.then(|| (CardError::from_code(cp.code).expect("a valid code"), cp.word)),
                payload_crc: cp.payload_crc,
                result_crc: cp.result_crc,
                result_len: cp.result_len,
                modelled: std::time::Duration::ZERO,
            };
            if oracle.complete(epoch, &completion, true) {
                c.completions.push(if cp.error { cp.code } else { 0 });
            }
        }
    }
    c
}

/// Random traffic of `steps` cycles: stall patterns change every 64 cycles (AW well before W,
/// W well before AW, both together, heavy response back-pressure); offsets are registers,
/// `CMD` words, control registers and unmapped words; the command processor completes (or
/// fails) at random and changes its loaded tables now and then.
fn random_traffic(seed: u64, steps: usize) -> AxiLiteTraffic {
    let mut rng = SplitMix64::new(seed);
    let mut r = move |n: u64| rng.next_u64() % n;
    let mut t = AxiLiteTraffic::default();
    for _ in 0..steps / 2 {
        let a = random_offset(&mut r);
        t.aw.push(a);
        t.w.push(random_value(&mut r, a));
        t.ar.push(random_offset(&mut r));
    }
    let mut cp = Cp::default();
    t.steps = random_steps(&mut r, steps, |r| {
        cp.done = false;
        cp.error = false;
        if r(100) < 4 {
            if r(3) == 0 {
                cp.error = true;
                cp.code = CardError::ALL[r(CardError::ALL.len() as u64) as usize] as u8;
                cp.done = r(2) == 0;
            } else {
                cp.done = true;
            }
        }
        // Values the block must ignore unless a completion says otherwise.
        cp.word = r(16) as u8;
        cp.seq = r(1 << 32) as u32;
        cp.payload_crc = r(1 << 32) as u32;
        cp.result_crc = r(1 << 32) as u32;
        cp.result_len = r(1 << 32) as u32;
        if !cp.error {
            cp.code = CardError::ALL[r(CardError::ALL.len() as u64) as usize] as u8;
        }
        if r(200) == 0 {
            cp.tables = if r(4) == 0 { None } else { Some(Field::ALL[r(3) as usize]) };
        }
        cp.side()
    });
    t
}

/// A completion pulse in a directed script.
trait Complete {
    /// One cycle of a completion pulse of command `seq`.
    fn complete(&mut self, seq: u32, error: Option<(CardError, u8)>) -> &mut Self;
}

impl Complete for Script {
    fn complete(&mut self, seq: u32, error: Option<(CardError, u8)>) -> &mut Self {
        let saved = self.side.clone();
        let mut cp = Cp::from_side(&saved);
        cp.seq = seq;
        cp.payload_crc = seq ^ 0x1111;
        cp.result_crc = seq ^ 0x2222;
        cp.result_len = seq * 32;
        match error {
            Some((e, word)) => (cp.error, cp.code, cp.word) = (true, e as u8, word),
            None => cp.done = true,
        }
        self.side = cp.side();
        self.idle(1);
        self.side = saved;
        self.idle(2)
    }
}

#[test]
fn directed() {
    let id = card().identity();
    let mut cp = Cp { tables: Some(Field::KoalaBear), ..Default::default() };
    let mut s = Script { side: cp.side(), ..Default::default() };
    s.idle(2);
    for r in regs::ALL {
        for i in 0..r.count {
            s.read(r.at(i));
        }
    }
    let identity_reads = s.t.ar.len();
    for i in 0..WORDS as u32 {
        s.write(regs::CMD.at(i), 0xc0de_0000 + i);
    }
    s.write(regs::ID.offset, 1).write(regs::CTRL.offset, ctrl::IRQ_ENABLE.bits(1));
    s.write(regs::DOORBELL.offset, 0x42).read(regs::STATUS.offset).read(regs::DOORBELL.offset);
    s.write(regs::DOORBELL.offset, 0x43).read(regs::ERROR_CODE.offset);
    s.write(regs::IRQ_STATUS.offset, irq_status::ERROR.bits(1)).complete(0x42, None);
    s.read(regs::STATUS.offset).read(regs::COMPLETED_SEQ.offset).read(regs::RESULT_LEN.offset);
    s.write(regs::IRQ_STATUS.offset, irq_status::DONE.bits(1)).read(regs::STATUS.offset);
    s.write(regs::DOORBELL.offset, 0x44).complete(0x44, Some((CardError::BadDescriptor, 5)));
    s.read(regs::ERROR_CODE.offset).read(regs::IRQ_STATUS.offset);
    s.write(regs::DOORBELL.offset, 0x45).write(regs::CTRL.offset, ctrl::SOFT_RESET.bits(1));
    s.read(regs::STATUS.offset).read(regs::COMPLETED_SEQ.offset).read(regs::CTRL.offset).read(regs::CMD.at(3));
    let checked_steps = s.t.steps.len();
    // The command processor still busy (no model equivalent): BUSY reads set, a doorbell is refused.
    cp.busy = true;
    s.side = cp.side();
    s.read(regs::STATUS.offset).write(regs::DOORBELL.offset, 0x46).read(regs::ERROR_CODE.offset);
    let trace = run_rust_hdl(block(), &s.t);

    let c = check(&trace[..checked_steps], None);
    c.assert_clean("directed");
    let reads: Vec<(u32, u32)> = c.reads.clone();
    for (k, r) in regs::ALL.iter().flat_map(|r| (0..r.count).map(move |i| (r, i))).enumerate() {
        let (off, got) = reads[k];
        assert_eq!(off, r.0.at(r.1));
        match id.read(off) {
            Some(v) => assert_eq!(got, v, "{}", r.0.name),
            None if r.0.name == "HEARTBEAT" => {}
            None if r.0.name == "STATUS" => assert_eq!(got, status::TABLES_LOADED.bits(1)),
            None if r.0.name == "ERROR_CODE" => assert_eq!(got, error_code::FIELD.bits(Field::KoalaBear as u32)),
            None => assert_eq!(got, r.0.reset, "{}", r.0.name),
        }
    }
    assert_eq!(reads[0].1, regs::ID.reset);
    assert_eq!(reads[1].1, regs::ABI_VERSION.reset);
    let later: Vec<u32> = reads[identity_reads..].iter().map(|r| r.1).collect();
    let tables = status::TABLES_LOADED.bits(1);
    assert_eq!(later[0], status::BUSY.bits(1) | tables, "doorbell sets BUSY");
    assert_eq!(later[1], 0, "DOORBELL reads 0");
    assert_eq!(error_code::CODE.get(later[2]), CardError::Busy as u32, "a second doorbell is refused");
    assert_eq!(later[3], status::DONE.bits(1) | tables, "W1C cleared ERROR, the completion set DONE");
    assert_eq!((later[4], later[5]), (0x42, 0x42 * 32));
    assert_eq!(later[6], tables, "W1C cleared DONE");
    assert_eq!(error_code::CODE.get(later[7]), CardError::BadDescriptor as u32);
    assert_eq!(error_code::WORD.get(later[7]), 5);
    assert_eq!(later[8], irq_status::ERROR.bits(1));
    assert_eq!(later[9], tables, "soft reset clears BUSY, DONE and ERROR");
    assert_eq!(later[10], 0, "soft reset clears the echo registers");
    assert_eq!(later[11], ctrl::IRQ_ENABLE.bits(0), "the reset write also set IRQ_ENABLE to its bit");
    assert_eq!(later[12], 0xc0de_0003, "soft reset keeps CMD");
    assert_eq!(c.soft_resets, 1);
    let want_desc: Vec<u32> = (0..WORDS as u32).map(|i| 0xc0de_0000 + i).collect();
    assert_eq!(c.doorbells.len(), 3);
    assert_eq!(c.doorbells[0], (0x42, want_desc));
    assert!(trace.iter().any(|t| t.out[2] != 0), "irq rose with IRQ_ENABLE and a pending event");
    // The busy-input tail, checked by hand.
    let tail: Vec<u32> = trace[checked_steps..].iter().filter(|t| t.rvalid && t.rready).map(|t| t.rdata).collect();
    assert_eq!(tail.len(), 2);
    assert!(status::BUSY.is_set(tail[0]));
    assert_eq!(error_code::CODE.get(tail[1]), CardError::Busy as u32);
    assert!(trace[checked_steps..].iter().all(|t| t.out[0] == 0), "no doorbell while the processor is busy");
}

#[test]
fn random_traffic_rust_hdl() {
    let seed = test_seed("card_regs random_traffic_rust_hdl");
    let trace = run_rust_hdl(block(), &random_traffic(seed, 5_000));
    let c = check(&trace, None);
    c.assert_clean("rust-hdl");
    eprintln!(
        "{} reads, {} writes, {} doorbells, {} soft resets, {} completions",
        c.reads.len(),
        c.writes,
        c.doorbells.len(),
        c.soft_resets,
        c.completions.len()
    );
    assert!(c.reads.len() > 600 && c.writes > 600 && !c.doorbells.is_empty() && c.completions.len() > 10);
    // Negative control: RESULT_CRC read where RESULT_LEN is.
    let bad = check(&trace, Some((regs::RESULT_CRC.offset, regs::RESULT_LEN.offset)));
    assert!(bad.mismatches > 0, "a misplaced register went unnoticed");
}

#[test]
fn verilog_passes_yosys_and_verilator_random_traffic() {
    let verilog = verilog_of(block());
    // The offsets are the ABI's, carried as parameters of the emitted Verilog.
    for (name, r) in [("o_doorbell", regs::DOORBELL), ("o_cmd", regs::CMD), ("o_ctrl", regs::CTRL)] {
        let line = format!("localparam  {name} = 6'b{:b};", r.offset / 4);
        assert!(verilog.contains(&line), "the Verilog lacks `{line}`");
    }
    yosys_validate("card_regs", &verilog).unwrap();
    let model = AxiLiteModel::build("card_regs", &verilog, &ports()).unwrap();
    let seed = test_seed("card_regs verilator");
    let traffic = random_traffic(seed, 400_000);
    let start = Instant::now();
    let (trace, seconds) = model.run(&traffic).unwrap();
    let c = check(&trace, None);
    c.assert_clean("verilator");
    eprintln!(
        "verilator: {} transactions ({} reads, {} writes, {} doorbells, {} completions) in {} cycles: \
         {:.0} transactions/s simulated, {:.1} s with checking",
        c.transactions(),
        c.reads.len(),
        c.writes,
        c.doorbells.len(),
        c.completions.len(),
        trace.len(),
        c.transactions() as f64 / seconds,
        start.elapsed().as_secs_f64()
    );
    assert!(c.transactions() >= 100_000);
    let bad = check(&trace, Some((regs::CMD.at(2), regs::CMD.at(3))));
    assert!(bad.mismatches > 0, "a misplaced register went unnoticed");
}
