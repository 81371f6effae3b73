//! The unchanged host driver against the board build's RTL (hardware in the loop): the u55c
//! build's Verilog (the executing card) under Verilator behind [`RtlTransport`] is opened,
//! checked against the committed manifest (and the c1100 manifest refused, a negative
//! control), given commands of several opcodes and fields that it must refuse, and taken
//! through admission, whose canary commits a trace on it; every outcome must
//! be the device model's for the same build (`SimCard` with the manifest's emulated
//! configuration through `SimTransport` and the same driver calls). Prints the simulated
//! cycles and Verilator's speed; nothing here is timed.

use std::time::{Duration, Instant};

use slotproof_firmware::{Command, Field, Flags, Opcode, memory_map};
use slotproof_hdl::bitstream::board;
use slotproof_host::card::discover::admit;
use slotproof_host::card::driver::{CardDriver, CardFault, Completion, Deadlines, ExpectedBitstream};
use slotproof_host::transport::Transport;
use slotproof_host::transport::inproc::SimTransport;
use slotproof_host::transport::rtl::RtlCard;
use slotproof_sim::{FaultPlan, SimCard};

/// Generous in wall time (Verilator is slower than the card), short in simulated time.
const DEADLINES: Deadlines =
    Deadlines { command: Duration::from_secs(20), heartbeat: Duration::from_secs(5), poll: Duration::from_millis(1) };

/// The committed manifest of `board`.
fn committed_manifest(board: &str) -> ExpectedBitstream {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/boards").join(board).join("manifest.json");
    ExpectedBitstream::load(&path).expect("the committed manifest loads")
}

/// Commands of several opcodes and fields, with operands a driver would send.
fn commands() -> Vec<Command> {
    let tables = memory_map::TABLES.base;
    let lde = memory_map::LDE.base;
    let with = |opcode, field, f: &dyn Fn(&mut Command)| {
        let mut c = Command::new(opcode, field);
        f(&mut c);
        c
    };
    vec![
        with(Opcode::LoadConstants, Field::BabyBear, &|c| {
            c.src = tables;
            c.src_len = 4096;
        }),
        with(Opcode::LoadTwiddles, Field::Goldilocks, &|c| {
            c.src = tables;
            c.src_len = 8 << 10;
            c.log_rows = 10;
        }),
        with(Opcode::CommitBatch, Field::BabyBear, &|c| {
            c.src = memory_map::STAGE_A.base;
            c.aux = memory_map::SPONGE.base;
            c.dst = lde;
            c.log_rows = 6;
            c.log_blowup = 1;
            c.cols = 8;
            c.count = 1;
            c.flags = Flags(Flags::FIRST.0 | Flags::LAST.0);
        }),
        with(Opcode::Lde, Field::KoalaBear, &|c| {
            c.src = memory_map::STAGE_A.base;
            c.dst = lde;
            c.log_rows = 12;
            c.log_blowup = 2;
            c.cols = 4;
        }),
        with(Opcode::ReadRoot, Field::Goldilocks, &|c| {
            c.aux = memory_map::TREE.base;
            c.dst = memory_map::RESULT.base;
            c.log_rows = 8;
        }),
        // Out of the card's limits: refused for its shape, not only for its capability.
        with(Opcode::CommitBatch, Field::BabyBear, &|c| {
            c.log_rows = 40;
            c.cols = 8;
        }),
    ]
}

/// An outcome without the card's name (the two cards are named differently).
fn outcome(r: Result<Completion, CardFault>) -> String {
    match r {
        Ok(c) => format!("completed {c:?}"),
        Err(CardFault::Command { opcode, seq, error, word, .. }) => {
            format!("{opcode} seq {seq} refused: {error:?} (code {}) word {word:?}", error as u8)
        }
        Err(e) => format!("other fault: {e}"),
    }
}

fn sim_transport(expected: &ExpectedBitstream) -> Box<dyn Transport> {
    Box::new(SimTransport::new(SimCard::new(expected.emulated_config(), FaultPlan::none())))
}

#[test]
fn the_driver_runs_the_card_top_rtl_as_it_runs_the_device_model() {
    let start = Instant::now();
    let u55c = board("u55c").expect("a known board");
    let card = RtlCard::card_top(u55c).expect("the u55c card top verilates");
    println!("verilated the u55c card top in {:.1} s", start.elapsed().as_secs_f64());
    let expected = committed_manifest("u55c");

    // Identity: the committed build's manifest matches; another board's does not.
    let rtl = CardDriver::open(card.transport().expect("the model starts"), DEADLINES).expect("the RTL card opens");
    assert_eq!(rtl.identity().name, "rtl-u55c");
    rtl.identity().check_manifest(&expected).expect("the RTL runs the committed u55c build");
    match rtl.identity().check_manifest(&committed_manifest("c1100")) {
        Err(CardFault::ManifestMismatch { what, .. }) => assert!(what.contains("MEM_MIB"), "{what}"),
        other => panic!("the c1100 manifest must be refused as a mismatch, got {other:?}"),
    }

    // Commands: the RTL and the device model give the same outcome through the same driver.
    let model = CardDriver::open(sim_transport(&expected), DEADLINES).expect("the model opens");
    let run_start = Instant::now();
    let before = rtl.transport().stats();
    for cmd in commands() {
        let got = outcome(rtl.run(cmd));
        let want = outcome(model.run(cmd));
        println!("{}: {got}", cmd.opcode.mnemonic());
        assert!(got.contains("refused"), "each of these commands has something the card refuses: {got}");
        assert_eq!(got, want, "RTL and device model disagree on {cmd:?}");
    }
    let after = rtl.transport().stats();
    let wall = run_start.elapsed().as_secs_f64();

    // Admission: the canary, a whole commitment through the driver, passes on the RTL card
    // as on the model, with the same root as the CPU (admit checks it).
    let canary_start = Instant::now();
    admit(Box::new(card.transport().expect("the model starts")), DEADLINES, Some(&expected))
        .expect("the RTL card passes the canary");
    println!("canary (2^6 x 11, blowup 2) on the RTL card: {:.1} s wall", canary_start.elapsed().as_secs_f64());
    admit(sim_transport(&expected), DEADLINES, Some(&expected)).expect("the model passes the canary");

    // DMA: bytes kept faithfully, the model's bounds; registers: the BAR's; one event vector.
    let t = rtl.transport();
    let m = model.transport();
    let bytes: Vec<u8> = (0..=255).collect();
    t.h2c(1, memory_map::STAGE_A.base + 3, &bytes).expect("h2c");
    let mut back = vec![0; bytes.len()];
    t.c2h(2, memory_map::STAGE_A.base + 3, &mut back).expect("c2h");
    assert_eq!(back, bytes);
    let end = t.info().mem_len.expect("known memory size");
    let (got, want) = (t.h2c(0, end - 8, &bytes).unwrap_err(), m.h2c(0, end - 8, &bytes).unwrap_err());
    assert_eq!(got.to_string(), want.to_string());
    let (got, want) = (t.c2h(0, end, &mut back).unwrap_err(), m.c2h(0, end, &mut back).unwrap_err());
    assert_eq!(got.to_string(), want.to_string());
    for off in [t.info().bar_len, 2] {
        assert_eq!(t.read32(off).unwrap_err().to_string(), m.read32(off).unwrap_err().to_string());
    }
    assert_eq!(t.h2c(4, 0, &bytes).unwrap_err().to_string(), m.h2c(4, 0, &bytes).unwrap_err().to_string());
    assert!(t.wait_irq(1, Duration::ZERO).is_err());

    // Raw simulation speed: a long wait in simulated time (irq is low after the clears).
    let idle = rtl.transport().stats();
    assert!(!t.wait_irq(0, Duration::from_millis(4)).expect("waits"), "no event without a command");
    let waited = rtl.transport().stats();
    let idle_cycles = waited.cycles - idle.cycles;
    assert_eq!(idle_cycles, 1_000_000, "4 ms at 250 MHz");
    println!(
        "Verilator, idle card: {idle_cycles} cycles in {:.3} s: {:.0} cycles/s",
        waited.seconds - idle.seconds,
        idle_cycles as f64 / (waited.seconds - idle.seconds)
    );

    let s = rtl.transport().stats();
    let (cycles, transactions) = (after.cycles - before.cycles, after.transactions - before.transactions);
    println!(
        "RTL: {} simulated cycles ({:.1} us at 250 MHz) and {} register transactions in {:.3} s in the model; \
         commands: {cycles} cycles, {transactions} transactions in {wall:.3} s wall: {:.0} cycles/s, {:.0} transactions/s \
         (model only: {:.0} cycles/s)",
        s.cycles,
        s.cycles as f64 / 250.0,
        s.transactions,
        s.seconds,
        cycles as f64 / wall,
        transactions as f64 / wall,
        s.cycles as f64 / s.seconds.max(1e-9),
    );
    println!("total {:.1} s", start.elapsed().as_secs_f64());
}
