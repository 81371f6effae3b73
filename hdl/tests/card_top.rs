//! The card top level (`CardTop`: register block and admission, `CAPS` = 0) against the
//! device model configured as the same card: its `RegisterFile` for the registers and its
//! `Executor` for each doorbelled command's completion, applied
//! `CardTop::COMPLETION_LATENCY` edges after the doorbell write in the doorbell's reset
//! epoch (so a soft reset in between drops it, as the card abandons it). A directed run
//! (identity, BUSY, refusals with the model's code and word, echo registers, `irq`,
//! write-one-to-clear, a refused second doorbell, soft reset) and random AXI-Lite traffic
//! (whole and patched descriptors near validity, doorbells with right and wrong sequence
//! numbers, soft resets, `IRQ_STATUS` clears, random offsets and stalls) in rust-hdl's
//! simulator and, for a long run, in the emitted Verilog under Verilator; every read and
//! `irq` in every cycle are compared. Negative controls: oracles for other cards (limits,
//! memory, capabilities) must mismatch, and `CardTop::new` refuses what it cannot build.
//! Seeds are fresh per run, printed, and replayed with `SLOTPROOF_SEED`.

mod common;

use std::collections::VecDeque;
use std::time::Instant;

use common::{BusReplay, Checked, Script, cases, heartbeat, random_offset, random_steps, random_value, run_rust_hdl};
use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::command::{WORDS, word};
use slotproof_firmware::regs::{self, caps, ctrl, error_code, irq_status, status};
use slotproof_firmware::{CardError, Command, Field, Opcode, memory_map};
use slotproof_hdl::card::regs_axil::CardRegsConfig;
use slotproof_hdl::card::{AdmissionConfig, CardTop, CardTopConfig, CardTopError, Limits};
use slotproof_hdl::catalog::card_top_config;
use slotproof_hdl::eda::{AxiLiteCycle, AxiLiteModel, AxiLitePorts, AxiLiteStep, AxiLiteTraffic, verilog_of};
use slotproof_sim::device::{ComputeFault, Executor, SparseMemory};
use slotproof_sim::{CardConfig, RegisterFile};

/// Small, so that the heartbeat moves (and its prescaler wraps) in short runs.
const CYCLES_PER_US: u32 = 3;

/// The card under test: the default simulated card without capabilities.
fn card() -> CardConfig {
    CardConfig { caps: 0, ..CardConfig::default() }
}

/// The top level's configuration for the card `c` describes.
fn config_of(c: &CardConfig) -> CardTopConfig {
    CardTopConfig {
        regs: CardRegsConfig { identity: c.identity(), cycles_per_us: CYCLES_PER_US },
        admission: AdmissionConfig {
            caps: c.caps,
            limits: Limits {
                max_log_lde_rows: c.max_log_lde_rows,
                max_log_blowup: c.max_log_blowup,
                max_batch_cols: c.max_batch_cols,
            },
            mem_bytes: c.mem_bytes,
        },
    }
}

fn top() -> CardTop {
    CardTop::new(&config_of(&card())).expect("caps 0, one card")
}

fn ports() -> AxiLitePorts {
    AxiLitePorts { inputs: vec![], outputs: vec![("irq".to_string(), 1)], on_trigger: vec![] }
}

/// Replays `trace` on the device model of card `c` and compares every read and `irq`.
fn check(trace: &[AxiLiteCycle], c: &CardConfig) -> Checked {
    let mut oracle = RegisterFile::new(c);
    let mut exec = Executor::new(c);
    let mem = SparseMemory::new(c.mem_bytes);
    let mut exec_epoch = 0;
    let mut running: VecDeque<(usize, slotproof_sim::device::Doorbell)> = VecDeque::new();
    let mut out = Checked::default();
    let mut bus = BusReplay::default();
    let expect_irq =
        |o: &RegisterFile| ctrl::IRQ_ENABLE.is_set(o.read(regs::CTRL.offset)) && o.read(regs::IRQ_STATUS.offset) != 0;
    for (k, now) in trace.iter().enumerate() {
        if (now.out[0] != 0) != expect_irq(&oracle) {
            out.mismatch(format!("cycle {k}: irq {} expected {}", now.out[0], expect_irq(&oracle)));
        }
        bus.response(k, now, &mut out);
        bus.accept(
            now,
            |off| if off == regs::HEARTBEAT.offset { heartbeat(k, CYCLES_PER_US) } else { oracle.read(off) },
        );
        let Some(next) = trace.get(k + 1) else { break };
        if let Some((a, d)) = bus.acted(k, now, next, &mut out) {
            out.soft_resets += usize::from(a == regs::CTRL.offset && ctrl::SOFT_RESET.is_set(d));
            out.busy_refusals += usize::from(a == regs::DOORBELL.offset && oracle.is_busy());
            if let Some(db) = oracle.write(a, d) {
                out.doorbells.push((db.value, db.words.to_vec()));
                running.push_back((k + CardTop::COMPLETION_LATENCY, db));
            }
        }
        // The command completing in this edge, after the edge's write, as the worker runs it.
        while running.front().is_some_and(|r| r.0 == k) {
            let (_, db) = running.pop_front().expect("checked");
            if db.epoch != exec_epoch {
                exec.reset();
                exec_epoch = db.epoch;
            }
            let done = exec.run(&db.words, db.value, &mem, ComputeFault::None);
            oracle.set_tables(exec.tables_loaded());
            if oracle.complete(db.epoch, &done, true) {
                out.completions.push(done.error.map_or(0, |e| e.0 as u8));
            }
        }
    }
    out
}

/// Random traffic of `steps` cycles: whole descriptors (plausible ones near the card's
/// limits, some broken at the decoder) with doorbells of the right or a wrong sequence
/// number, patched descriptor words rung again, doorbells rung twice (the second refused
/// while the first runs), `CTRL` (`IRQ_ENABLE`, soft resets), `IRQ_STATUS` clears and
/// random offsets; reads anywhere, often the status and echo registers.
fn random_traffic(seed: u64, steps: usize) -> AxiLiteTraffic {
    let mut rng = SplitMix64::new(seed);
    let descs = cases(1_024, rng.next_u64());
    let mut r = move |n: u64| rng.next_u64() % n;
    let mut t = AxiLiteTraffic::default();
    // What CMD holds once the writes so far have acted.
    let mut cmd = [0u32; WORDS];
    let mut writes: Vec<(u32, u32)> = Vec::new();
    while writes.len() < steps / 3 {
        let seq = |cmd: &[u32; WORDS], r: &mut dyn FnMut(u64) -> u64| {
            if r(5) == 0 { cmd[usize::from(word::SEQ)] ^ (1 << r(32)) } else { cmd[usize::from(word::SEQ)] }
        };
        match r(20) {
            0..=6 => {
                let c = &descs[r(descs.len() as u64) as usize];
                for (i, &w) in c.words.iter().enumerate() {
                    writes.push((regs::CMD.at(i as u32), w));
                }
                cmd = c.words;
                writes.push((regs::DOORBELL.offset, c.doorbell));
                if r(4) == 0 {
                    writes.push((regs::DOORBELL.offset, c.doorbell));
                }
            }
            7..=9 => {
                let i = r(WORDS as u64) as usize;
                cmd[i] = match r(3) {
                    0 => r(1 << 32) as u32,
                    1 => cmd[i] ^ (1 << r(32)),
                    _ => 0,
                };
                writes.push((regs::CMD.at(i as u32), cmd[i]));
                writes.push((regs::DOORBELL.offset, seq(&cmd, &mut r)));
            }
            10..=11 => writes.push((regs::DOORBELL.offset, seq(&cmd, &mut r))),
            12..=13 => writes.push((regs::CTRL.offset, random_value(&mut r, regs::CTRL.offset))),
            14..=16 => writes.push((regs::IRQ_STATUS.offset, random_value(&mut r, regs::IRQ_STATUS.offset))),
            _ => {
                let a = random_offset(&mut r);
                let v = random_value(&mut r, a);
                if (regs::CMD.offset..regs::CMD.offset + regs::CMD.span()).contains(&a) {
                    cmd[((a - regs::CMD.offset) / 4) as usize] = v;
                }
                writes.push((a, v));
            }
        }
    }
    for &(a, d) in &writes {
        t.aw.push(a);
        t.w.push(d);
    }
    for _ in 0..steps / 2 {
        t.ar.push(if r(3) == 0 {
            [regs::STATUS, regs::ERROR_CODE, regs::IRQ_STATUS, regs::COMPLETED_SEQ][r(4) as usize].offset
        } else {
            random_offset(&mut r)
        });
    }
    t.steps = random_steps(&mut r, steps, |_| vec![]);
    t
}

/// A plausible descriptor: `READ_ROOT` of a small BabyBear tree in the TREE region.
fn plausible(seq: u32) -> [u32; WORDS] {
    let mut c = Command::new(Opcode::ReadRoot, Field::BabyBear);
    c.seq = seq;
    c.log_rows = 4;
    c.aux = memory_map::TREE.base;
    c.dst = memory_map::RESULT.base;
    c.encode()
}

#[test]
fn directed() {
    let id = card().identity();
    let mut s = Script::default();
    s.idle(2);
    for r in regs::ALL {
        for i in 0..r.count {
            s.read(r.at(i));
        }
    }
    let identity_reads = s.t.ar.len();
    for (i, w) in plausible(0x42).iter().enumerate() {
        s.write(regs::CMD.at(i as u32), *w);
    }
    s.write(regs::CTRL.offset, ctrl::IRQ_ENABLE.bits(1));
    // The doorbell; BUSY read while admission runs, and a second doorbell refused.
    s.t.aw.extend([regs::DOORBELL.offset, regs::DOORBELL.offset]);
    s.t.w.extend([0x42, 0x42]);
    s.t.ar.push(regs::STATUS.offset);
    let ready = AxiLiteStep { bready: true, rready: true, ..Default::default() };
    s.t.steps.push(AxiLiteStep { offer_aw: true, offer_w: true, ..ready.clone() });
    s.t.steps.push(ready.clone());
    s.t.steps.push(AxiLiteStep { offer_aw: true, offer_w: true, offer_ar: true, ..ready.clone() });
    s.idle(8);
    // The model's refusal of a command a card without capabilities cannot run.
    s.read(regs::STATUS.offset).read(regs::ERROR_CODE.offset).read(regs::IRQ_STATUS.offset);
    for r in [regs::COMPLETED_SEQ, regs::PAYLOAD_CRC, regs::RESULT_CRC, regs::RESULT_LEN] {
        s.read(r.offset);
    }
    s.write(regs::IRQ_STATUS.offset, irq_status::ERROR.bits(1)).read(regs::STATUS.offset);
    // A wrong sequence number, then an undecodable opcode.
    s.write(regs::DOORBELL.offset, 0x43).idle(8).read(regs::ERROR_CODE.offset);
    s.write(regs::CMD.at(0), 0xff).write(regs::DOORBELL.offset, 0x42).idle(8).read(regs::ERROR_CODE.offset);
    // A soft reset while admission runs: no completion arrives for the abandoned command.
    s.write(regs::CMD.at(0), plausible(0x42)[0]).write(regs::IRQ_STATUS.offset, 3);
    s.t.aw.extend([regs::DOORBELL.offset, regs::CTRL.offset]);
    s.t.w.extend([0x42, ctrl::SOFT_RESET.bits(1) | ctrl::IRQ_ENABLE.bits(1)]);
    s.t.steps.push(AxiLiteStep { offer_aw: true, offer_w: true, ..ready.clone() });
    s.t.steps.push(AxiLiteStep { offer_aw: true, offer_w: true, ..ready.clone() });
    s.idle(8).read(regs::STATUS.offset).read(regs::COMPLETED_SEQ.offset).read(regs::ERROR_CODE.offset);
    // The card runs again after the reset.
    s.write(regs::DOORBELL.offset, 0x42).idle(8).read(regs::STATUS.offset).read(regs::COMPLETED_SEQ.offset);
    let start = Instant::now();
    let trace = run_rust_hdl(top(), &s.t);
    eprintln!("directed: {} cycles in {:.1} s", trace.len(), start.elapsed().as_secs_f64());

    let c = check(&trace, &card());
    c.assert_clean("directed");
    for (k, r) in regs::ALL.iter().flat_map(|r| (0..r.count).map(move |i| (r, i))).enumerate() {
        let (off, got) = c.reads[k];
        assert_eq!(off, r.0.at(r.1));
        match id.read(off) {
            Some(v) => assert_eq!(got, v, "{}", r.0.name),
            None if r.0.name == "HEARTBEAT" => {}
            None => assert_eq!(got, r.0.reset, "{}", r.0.name),
        }
    }
    assert_eq!(c.reads[0].1, regs::ID.reset);
    assert_eq!(id.read(regs::CAPS.offset), Some(0));
    let later: Vec<u32> = c.reads[identity_reads..].iter().map(|r| r.1).collect();
    assert_eq!(later[0], status::BUSY.bits(1), "the doorbell sets BUSY");
    assert_eq!(later[1], status::ERROR.bits(1), "ERROR, BUSY cleared");
    let code = |v: u32| (error_code::CODE.get(v), error_code::WORD.get(v));
    assert_eq!(code(later[2]), (CardError::Unsupported as u32, u32::from(word::HEADER)), "no capabilities");
    assert_eq!(later[3], irq_status::ERROR.bits(1));
    assert_eq!(&later[4..8], &[0x42, 0, 0, 0], "COMPLETED_SEQ, PAYLOAD_CRC, RESULT_CRC, RESULT_LEN");
    assert_eq!(later[8], 0, "W1C cleared ERROR");
    assert_eq!(code(later[9]), (CardError::BadSequence as u32, u32::from(word::SEQ)));
    assert_eq!(code(later[10]), (CardError::BadDescriptor as u32, u32::from(word::HEADER)));
    assert_eq!((later[11], later[12], later[13]), (0, 0, 0), "soft reset: nothing completed since");
    assert_eq!(later[14], status::ERROR.bits(1));
    assert_eq!(later[15], 0x42);
    assert_eq!(c.doorbells.len(), 5, "five doorbells started commands (one was refused as busy)");
    assert_eq!(c.completions, [2, 7, 1, 2], "every started command but the abandoned one completed");
    assert_eq!(c.soft_resets, 1);
    assert!(trace.iter().any(|t| t.out[0] != 0), "irq rose with IRQ_ENABLE and an error");
    assert!(trace.last().is_some_and(|t| t.out[0] != 0), "irq is a level");

    // Negative control: the same trace against the model of another card.
    let other = CardConfig { max_log_lde_rows: 20, ..card() };
    assert!(check(&trace, &other).mismatches > 0, "an oracle with other limits went unnoticed");
}

/// The negative controls on a random trace: oracles for other cards must disagree.
fn assert_other_cards_mismatch(trace: &[AxiLiteCycle]) {
    let others = [
        ("limits", CardConfig { max_batch_cols: 128, ..card() }),
        ("memory", CardConfig { mem_bytes: 4 << 30, ..card() }),
        ("capabilities", CardConfig { caps: caps::BABYBEAR.mask() | caps::OPEN.mask(), ..card() }),
    ];
    for (what, other) in others {
        let bad = check(trace, &other);
        assert!(bad.mismatches > 0, "an oracle with other {what} went unnoticed");
    }
}

#[test]
fn random_traffic_rust_hdl() {
    let seed = test_seed("card_top random_traffic_rust_hdl");
    let start = Instant::now();
    let trace = run_rust_hdl(top(), &random_traffic(seed, 5_000));
    let seconds = start.elapsed().as_secs_f64();
    let c = check(&trace, &card());
    c.assert_clean("rust-hdl");
    eprintln!(
        "rust-hdl: {} cycles in {seconds:.1} s; {} reads, {} writes, {} doorbells, {} soft resets, {} completions",
        trace.len(),
        c.reads.len(),
        c.writes,
        c.doorbells.len(),
        c.soft_resets,
        c.completions.len()
    );
    assert!(c.reads.len() > 300 && c.writes > 300 && c.completions.len() > 10);
    assert_other_cards_mismatch(&trace);
}

#[test]
fn verilog_passes_yosys_and_verilator_random_traffic() {
    let verilog = verilog_of(top());
    // Exactly the bus, the clock and irq: what the block design connects.
    let header = verilog.split(");").next().expect("a module header");
    let names: Vec<&str> = header.split(['(', ',']).skip(1).map(str::trim).collect();
    let want = [
        "clock", "awvalid", "awready", "awaddr", "wvalid", "wready", "wdata", "wstrb", "bvalid", "bready", "bresp",
        "arvalid", "arready", "araddr", "rvalid", "rready", "rdata", "rresp", "irq",
    ];
    assert_eq!(names, want, "the top module's ports");
    yosys_validate("card_top", &verilog).unwrap();
    let model = AxiLiteModel::build("card_top", &verilog, &ports()).unwrap();
    let seed = test_seed("card_top verilator");
    let traffic = random_traffic(seed, 300_000);
    let start = Instant::now();
    let (trace, seconds) = model.run(&traffic).unwrap();
    let c = check(&trace, &card());
    c.assert_clean("verilator");
    let count = |code: CardError| c.completions.iter().filter(|&&v| v == code as u8).count();
    eprintln!(
        "verilator: {} transactions ({} reads, {} writes, {} doorbells, {} soft resets, {} completions: \
         {} bad descriptor, {} bad sequence, {} unsupported; {} doorbells refused as busy) in {} cycles: {:.0} transactions/s simulated, \
         {:.1} s with checking",
        c.transactions(),
        c.reads.len(),
        c.writes,
        c.doorbells.len(),
        c.soft_resets,
        c.completions.len(),
        count(CardError::BadDescriptor),
        count(CardError::BadSequence),
        count(CardError::Unsupported),
        c.busy_refusals,
        trace.len(),
        c.transactions() as f64 / seconds,
        start.elapsed().as_secs_f64()
    );
    assert!(trace.len() >= 100_000 && c.transactions() >= 100_000);
    // Outcome coverage: every refusal a card without capabilities makes, a fair share each;
    // busy doorbells refused; commands abandoned by a soft reset.
    for code in [CardError::BadDescriptor, CardError::BadSequence, CardError::Unsupported] {
        assert!(
            count(code) >= c.completions.len() / 50,
            "only {} of {} completions {code:?}",
            count(code),
            c.completions.len()
        );
    }
    assert!(c.completions.iter().all(|&v| v != 0), "a card without capabilities completed a command");
    assert!(c.busy_refusals > 0, "no doorbell was refused as busy");
    assert!(c.doorbells.len() > c.completions.len(), "no command was abandoned by a soft reset");
    assert_other_cards_mismatch(&trace);
}

/// The constructor refuses a card it cannot build, naming what is wrong.
#[test]
fn refused_configurations() {
    assert!(CardTop::new(&card_top_config()).is_ok(), "the report's card builds");
    let mut c = config_of(&card());
    c.regs.identity.caps = caps::BABYBEAR.mask() | caps::LDE.mask();
    c.admission.caps = c.regs.identity.caps;
    let e = CardTop::new(&c).err().expect("caps refused");
    assert!(matches!(e, CardTopError::Caps { .. }), "{e}");
    assert!(e.to_string().contains("BABYBEAR") && e.to_string().contains("LDE"), "{e}");
    let mut c = config_of(&card());
    c.admission.caps = caps::KOALABEAR.mask();
    assert!(matches!(CardTop::new(&c), Err(CardTopError::CapsDiffer { .. })));
    let mut c = config_of(&card());
    c.admission.limits.max_log_blowup += 1;
    assert!(matches!(CardTop::new(&c), Err(CardTopError::Limits { .. })));
    let mut c = config_of(&card());
    c.admission.mem_bytes /= 2;
    assert!(matches!(CardTop::new(&c), Err(CardTopError::MemBytes { .. })));
    let mut c = config_of(&card());
    c.regs.cycles_per_us = 0;
    assert!(matches!(CardTop::new(&c), Err(CardTopError::Regs(_))));
}
