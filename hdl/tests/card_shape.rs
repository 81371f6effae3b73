//! The card's shape checker up the verification ladder, against the device model's own
//! shape checks (`slotproof_sim::device::executor::admit_shape`): rust-hdl simulation, then
//! the emitted Verilog under iverilog and Verilator, on admitted descriptors whose shapes
//! crowd every limit, for bitstreams built with different limits. A negative control shows
//! the comparison sees a checker built with other limits.

mod common;

use std::sync::{Arc, Mutex};

use common::{random_command, shape_limits};

use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::command::{slice, word};
use slotproof_firmware::{Command, Opcode};
use slotproof_hdl::card::{Limits, ShapeChecker};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_sim::device::executor::{ShapeLimits, admit_shape};

/// The bitstreams under test: a U55C-class card, a small one, and every limit at its widest.
const LIMITS: [Limits; 3] = [
    Limits::U55C,
    Limits { max_log_lde_rows: 16, max_log_blowup: 2, max_batch_cols: 64 },
    Limits { max_log_lde_rows: 255, max_log_blowup: 15, max_batch_cols: 2047 },
];

/// A value near `edge` most of the time, anything in `0..=max` otherwise.
fn near(r: &mut SplitMix64, edge: u64, max: u64) -> u64 {
    match r.next_u64() % 4 {
        0 => r.next_u64() % (max + 1),
        _ => (edge + r.next_u64() % 5).saturating_sub(2).min(max),
    }
}

/// Admitted descriptors (known opcode and field) with shapes around every limit.
fn commands(n: usize, limits: Limits, seed: u64) -> Vec<Command> {
    let mut r = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut c = random_command(&mut r);
            let lr_edge = [u64::from(limits.max_log_lde_rows), 24, 27, 32, 40, 0][(r.next_u64() % 6) as usize];
            c.log_rows = near(&mut r, lr_edge, 255) as u8;
            c.log_blowup = near(&mut r, u64::from(limits.max_log_blowup), 15) as u8;
            let cols_edge = [0, u64::from(limits.max_batch_cols)][(r.next_u64() % 2) as usize];
            c.cols = near(&mut r, cols_edge, 0xffff) as u16;
            c.count = match c.opcode {
                Opcode::ReadCap => near(&mut r, u64::from(c.log_rows), 300) as u32,
                Opcode::ReadPaths => near(&mut r, 1, 1000) as u32,
                Opcode::CommitBatch => {
                    let lde = u64::from(c.log_rows) + u64::from(c.log_blowup);
                    let slices_edge = [lde, 16][(r.next_u64() % 2) as usize];
                    let log_slices = near(&mut r, slices_edge, 255);
                    let index = near(&mut r, 1u64 << log_slices.min(16), 0xffff);
                    let stray = if r.next_u64().is_multiple_of(10) { 1 << 24 << (r.next_u64() % 8) } else { 0 };
                    (slice::LOG_SLICES.bits(log_slices as u32) | slice::SLICE.bits(index as u32)) | stray
                }
                _ => r.next_u64() as u32,
            };
            c
        })
        .collect()
}

/// The checker's verdict: error code, word at fault.
type Verdict = [u64; 2];

fn oracle(c: &Command, limits: Limits) -> Verdict {
    let l = shape_limits(limits);
    match admit_shape(c, &l) {
        Ok(()) => [0, 0],
        Err(f) => [f.0 as u64, u64::from(f.1)],
    }
}

fn inputs(c: &Command) -> Vec<u64> {
    let w = c.encode();
    [word::HEADER, word::SHAPE, word::COUNT].iter().map(|&i| u64::from(w[usize::from(i)])).collect()
}

fn ports() -> Ports {
    Ports {
        inputs: vec![("header", 32), ("shape", 32), ("count", 32)],
        outputs: vec![("error_code", 8), ("error_word", 4)],
    }
}

fn rust_hdl_verdicts(limits: Limits, cmds: &[Command]) -> Vec<Verdict> {
    let vectors: Vec<Vec<u64>> = cmds.iter().map(inputs).collect();
    let got = Arc::new(Mutex::new(Vec::<Verdict>::new()));
    let sink = got.clone();
    let cycles = vectors.len() + ShapeChecker::LATENCY + 2;
    let mut sim = simple_sim!(ShapeChecker, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            match vectors.get(cycle) {
                Some(v) => {
                    x.valid_in.next = true;
                    x.header.next = v[0].to_bits();
                    x.shape.next = v[1].to_bits();
                    x.count.next = v[2].to_bits();
                }
                None => x.valid_in.next = false,
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                sink.lock().unwrap().push([x.error_code.val().to_u64(), x.error_word.val().to_u64()]);
            }
        }
        ep.done(x)
    });
    let mut uut = ShapeChecker::new(limits);
    uut.connect_all();
    sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

fn verilog_verdicts(limits: Limits, cmds: &[Command], sim: Simulator) -> Vec<Verdict> {
    let vectors: Vec<Vector> = cmds.iter().map(|c| (true, inputs(c))).collect();
    let name = format!("shape_checker_{}_{}_{}", limits.max_log_lde_rows, limits.max_log_blowup, limits.max_batch_cols);
    simulate_unit(&name, &verilog_of(ShapeChecker::new(limits)), &ports(), ShapeChecker::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|v| [v[0], v[1]])
        .collect()
}

/// Every outcome occurs often enough that a generator which stopped producing one would be
/// noticed rather than silently test less.
fn assert_covers_every_outcome(cmds: &[Command], limits: Limits) {
    let verdicts: Vec<Verdict> = cmds.iter().map(|c| oracle(c, limits)).collect();
    for (v, name) in [([0, 0], "accepted"), ([3, 8], "BAD_SHAPE at SHAPE"), ([3, 10], "BAD_SHAPE at COUNT")] {
        let n = verdicts.iter().filter(|&&x| x == v).count();
        assert!(n >= cmds.len() / 200, "only {n} of {} descriptors are {name}", cmds.len());
    }
    for op in [Opcode::ReadCap, Opcode::ReadPaths, Opcode::CommitBatch] {
        assert!(
            cmds.iter().zip(&verdicts).any(|(c, v)| c.opcode == op && v[1] == u64::from(word::COUNT)),
            "no {} refused for its COUNT",
            op.mnemonic()
        );
    }
}

#[test]
fn shape_checker_matches_the_device_model_in_rust_hdl() {
    let seed = test_seed("shape_checker_matches_the_device_model_in_rust_hdl");
    for limits in LIMITS {
        let cmds = commands(1_500, limits, seed ^ u64::from(limits.max_log_lde_rows));
        let got = rust_hdl_verdicts(limits, &cmds);
        let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, limits)).collect();
        assert_eq!(count_mismatches(&got, &want), 0, "{limits:?}: {} verdicts, {} expected", got.len(), want.len());
    }
}

#[test]
fn shape_checker_verilog_matches_under_iverilog_and_verilator() {
    let seed = test_seed("shape_checker_verilog_matches_under_iverilog_and_verilator");
    for (sim, n) in [(Simulator::Iverilog, 2_000), (Simulator::VerilatorFromRust, 100_000)] {
        for limits in LIMITS {
            let cmds = commands(n, limits, seed ^ n as u64 ^ u64::from(limits.max_batch_cols));
            if sim == Simulator::VerilatorFromRust {
                assert_covers_every_outcome(&cmds, limits);
            }
            let got = verilog_verdicts(limits, &cmds, sim);
            let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, limits)).collect();
            assert_eq!(count_mismatches(&got, &want), 0, "{sim:?} {limits:?}: {} verdicts", got.len());
        }
    }
}

/// Negative control: a checker built for other limits must be told apart.
#[test]
fn checker_with_other_limits_is_caught() {
    let cmds = commands(3_000, LIMITS[0], test_seed("checker_with_other_limits_is_caught"));
    let got = verilog_verdicts(LIMITS[1], &cmds, Simulator::VerilatorFromRust);
    let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, LIMITS[0])).collect();
    assert!(count_mismatches(&got, &want) > 30, "the comparison did not see a checker with other limits");
}

/// The catalogued checker is built for the default simulated card's limits.
#[test]
fn u55c_limits_are_the_default_cards() {
    assert_eq!(shape_limits(Limits::U55C), ShapeLimits::of(&slotproof_sim::device::CardConfig::default()));
}
