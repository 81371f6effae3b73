//! The card's operand checker up the verification ladder, against the device model's own
//! operand checks (`slotproof_sim::device::executor::admit_operands`): rust-hdl simulation,
//! then the emitted Verilog under iverilog and Verilator, on descriptors the decoder and the
//! shape checker accepted, with `SRC_LEN` right, wrong or absent and every operand placed
//! inside, across, just past or wrapping around the memory-map regions, on cards with
//! different memory sizes. A negative control shows the comparison sees a checker built
//! for another card's memory.

mod common;

use std::sync::{Arc, Mutex};

use common::{place, shape_limits};

use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::command::{slice, word};
use slotproof_firmware::memory_map::Operand;
use slotproof_firmware::{Command, Field, Flags, Opcode};
use slotproof_hdl::card::{Limits, OperandChecker, operand_checker::constants_bytes};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_sim::device::executor::{admit_operands, admit_shape, constants_len, operand_size};

/// Card memories under test: the default 8 GiB, one that ends inside the TREE region, and
/// one far larger than the map.
const MEMORIES: [u64; 3] = [8 << 30, 6 << 30, 1 << 40];

/// Descriptors the decoder and shape checker pass, with operands placed to probe the map.
fn commands(n: usize, seed: u64) -> Vec<Command> {
    let mut r = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let op = Opcode::ALL[(r.next_u64() % Opcode::ALL.len() as u64) as usize];
        let field = Field::ALL[(r.next_u64() % Field::ALL.len() as u64) as usize];
        let mut c = Command::new(op, field);
        c.flags = Flags(r.next_u64() as u16 & Flags::KNOWN.0);
        c.log_rows = (r.next_u64() % 25) as u8;
        c.log_blowup = (r.next_u64() % 4) as u8;
        c.cols = 1 + (r.next_u64() % 256) as u16;
        c.count = match op {
            Opcode::ReadCap => (r.next_u64() % (u64::from(c.log_rows) + 1)) as u32,
            Opcode::ReadPaths => {
                [1, 2, 1000, r.next_u64() as u32 >> (r.next_u64() % 32)][(r.next_u64() % 4) as usize].max(1)
            }
            Opcode::CommitBatch => {
                let lde = u32::from(c.log_rows) + u32::from(c.log_blowup);
                let log_slices = (r.next_u64() % (u64::from(lde.min(16)) + 1)) as u32;
                slice::LOG_SLICES.bits(log_slices) | slice::SLICE.bits((r.next_u64() % (1 << log_slices)) as u32)
            }
            _ => r.next_u64() as u32,
        };
        if admit_shape(&c, &shape_limits(Limits::U55C)).is_err() {
            continue;
        }
        let spare = r.next_u64() % 4096;
        let size = |o| operand_size(&c, o).unwrap_or(spare);
        let (src_size, aux_size, dst_size) = (size(Operand::Src), size(Operand::Aux), size(Operand::Dst));
        c.src_len = match r.next_u64() % 4 {
            0 => 0,
            1 => (src_size as u32).wrapping_add(1 + (r.next_u64() % 64) as u32),
            _ => src_size as u32,
        };
        (c.src, c.aux, c.dst) = (place(&mut r, src_size), place(&mut r, aux_size), place(&mut r, dst_size));
        out.push(c);
    }
    out
}

/// The checker's verdict: error code, word at fault.
type Verdict = [u64; 2];

fn oracle(c: &Command, mem: u64) -> Verdict {
    match admit_operands(c, mem) {
        Ok(()) => [0, 0],
        Err(f) => [f.0 as u64, u64::from(f.1)],
    }
}

fn inputs(c: &Command) -> Vec<u64> {
    let w = c.encode();
    let mut v: Vec<u64> =
        [word::HEADER, word::SHAPE, word::COUNT, word::SRC_LEN].iter().map(|&i| u64::from(w[usize::from(i)])).collect();
    v.extend([c.src, c.aux, c.dst]);
    v
}

fn ports() -> Ports {
    Ports {
        inputs: vec![
            ("header", 32),
            ("shape", 32),
            ("count", 32),
            ("src_len", 32),
            ("src", 64),
            ("aux", 64),
            ("dst", 64),
        ],
        outputs: vec![("error_code", 8), ("error_word", 4)],
    }
}

fn rust_hdl_verdicts(mem: u64, cmds: &[Command]) -> Vec<Verdict> {
    let vectors: Vec<Vec<u64>> = cmds.iter().map(inputs).collect();
    let got = Arc::new(Mutex::new(Vec::<Verdict>::new()));
    let sink = got.clone();
    let cycles = vectors.len() + OperandChecker::LATENCY + 2;
    let mut sim = simple_sim!(OperandChecker, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            match vectors.get(cycle) {
                Some(v) => {
                    x.valid_in.next = true;
                    x.header.next = v[0].to_bits();
                    x.shape.next = v[1].to_bits();
                    x.count.next = v[2].to_bits();
                    x.src_len.next = v[3].to_bits();
                    x.src.next = v[4].to_bits();
                    x.aux.next = v[5].to_bits();
                    x.dst.next = v[6].to_bits();
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
    let mut uut = OperandChecker::new(mem);
    uut.connect_all();
    sim.run(Box::new(uut), 10_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

fn verilog_verdicts(mem: u64, cmds: &[Command], sim: Simulator) -> Vec<Verdict> {
    let vectors: Vec<Vector> = cmds.iter().map(|c| (true, inputs(c))).collect();
    let name = format!("operand_checker_{mem:x}");
    simulate_unit(&name, &verilog_of(OperandChecker::new(mem)), &ports(), OperandChecker::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|v| [v[0], v[1]])
        .collect()
}

/// Every outcome occurs often enough that a generator which stopped producing one would be
/// noticed rather than silently test less.
fn assert_covers_every_outcome(cmds: &[Command], mem: u64) {
    let verdicts: Vec<Verdict> = cmds.iter().map(|c| oracle(c, mem)).collect();
    for (v, name) in [([0, 0], "accepted"), ([3, 11], "BAD_SHAPE at SRC_LEN"), ([4, 2], "OUT_OF_BOUNDS at SRC")] {
        let n = verdicts.iter().filter(|&&x| x == v).count();
        assert!(n >= cmds.len() / 200, "only {n} of {} descriptors are {name}", cmds.len());
    }
    for v in [[4, 6], [4, 4]] {
        assert!(verdicts.contains(&v), "no descriptor refused with {v:?}");
    }
}

#[test]
fn constants_bytes_are_the_device_models() {
    for f in Field::ALL {
        assert_eq!(constants_bytes(*f), constants_len(*f), "{}", f.name());
    }
}

#[test]
fn operand_checker_matches_the_device_model_in_rust_hdl() {
    let seed = test_seed("operand_checker_matches_the_device_model_in_rust_hdl");
    for mem in MEMORIES {
        let cmds = commands(600, seed ^ mem);
        let got = rust_hdl_verdicts(mem, &cmds);
        let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, mem)).collect();
        assert_eq!(count_mismatches(&got, &want), 0, "{mem:#x}: {} verdicts, {} expected", got.len(), want.len());
    }
}

#[test]
fn operand_checker_verilog_matches_under_iverilog_and_verilator() {
    let seed = test_seed("operand_checker_verilog_matches_under_iverilog_and_verilator");
    for (sim, n) in [(Simulator::Iverilog, 2_000), (Simulator::VerilatorFromRust, 100_000)] {
        for mem in MEMORIES {
            let cmds = commands(n, seed ^ mem ^ n as u64);
            if sim == Simulator::VerilatorFromRust {
                assert_covers_every_outcome(&cmds, mem);
            }
            let got = verilog_verdicts(mem, &cmds, sim);
            let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, mem)).collect();
            assert_eq!(count_mismatches(&got, &want), 0, "{sim:?} {mem:#x}: {} verdicts", got.len());
        }
    }
}

/// Negative control: a checker built for a card with less memory must be told apart.
#[test]
fn checker_for_another_memory_is_caught() {
    let cmds = commands(5_000, test_seed("checker_for_another_memory_is_caught"));
    let got = verilog_verdicts(MEMORIES[1], &cmds, Simulator::VerilatorFromRust);
    let want: Vec<Verdict> = cmds.iter().map(|c| oracle(c, MEMORIES[0])).collect();
    assert!(count_mismatches(&got, &want) > 10, "the comparison did not see a checker for another memory");
}
