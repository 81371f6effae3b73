//! The card's command decoder up the verification ladder, against the device model's own
//! admission checks (`slotproof_sim::device::executor::admit`): rust-hdl simulation, then the
//! emitted Verilog under iverilog and Verilator, on descriptors that are valid or broken in
//! every way the ABI names, for bitstreams with different capabilities. A negative control
//! shows the comparison sees a decoder built for other capabilities.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::command::{WORDS, header, shape, word};
use slotproof_firmware::regs::caps;
use slotproof_firmware::{Command, Field, Flags, Opcode};
use slotproof_hdl::card::CommandDecoder;
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_sim::device::executor::admit;

/// One descriptor as the decoder sees it, and the doorbell value rung with it.
#[derive(Clone, Copy, Debug)]
struct Case {
    words: [u32; WORDS],
    doorbell: u32,
}

/// The decoder's verdict: error code, word at fault, opcode byte, field code.
type Verdict = [u64; 4];

/// A valid descriptor, then with some probability one of the faults the ABI names.
fn cases(n: usize, seed: u64) -> Vec<Case> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut r = || rng.next_u64();
        let op = Opcode::ALL[(r() % Opcode::ALL.len() as u64) as usize];
        let field = Field::ALL[(r() % Field::ALL.len() as u64) as usize];
        let mut cmd = Command::new(op, field);
        cmd.flags = Flags(r() as u16 & Flags::KNOWN.0);
        cmd.seq = r() as u32;
        (cmd.src, cmd.dst, cmd.aux) = (r(), r(), r());
        (cmd.log_rows, cmd.log_blowup, cmd.cols) = (r() as u8, r() as u8 & 0xf, r() as u16);
        (cmd.src_crc, cmd.count, cmd.src_len) = (r() as u32, r() as u32, r() as u32);
        let mut w = cmd.encode();
        let mut doorbell = cmd.seq;
        // Several faults may land on one descriptor: the decoder must report the first in the
        // model's order.
        let pick = r() % 100;
        if pick < 8 {
            w[0] = header::OPCODE.put(w[0], r() as u32);
        }
        if (6..14).contains(&pick) {
            w[0] = header::FIELD.put(w[0], r() as u32);
        }
        if (12..18).contains(&pick) {
            w[0] |= 1 << (header::FLAGS.lsb + (r() % 16) as u8);
        }
        if (18..22).contains(&pick) {
            w[0] |= header::RESERVED & (1 << (r() % 32));
        }
        if (20..26).contains(&pick) {
            w[usize::from(word::SHAPE)] |= shape::RESERVED & (1 << (r() % 32));
        }
        if (26..36).contains(&pick) {
            let k = usize::from(word::FIRST_RESERVED) + (r() % 4) as usize;
            w[k] = 1 << (r() % 32);
        }
        if (30..50).contains(&pick) {
            doorbell ^= 1 << (r() % 32);
        }
        out.push(Case { words: w, doorbell });
    }
    out
}

/// What the device model says of `c` on a card reporting `caps`.
fn oracle(c: &Case, card_caps: u32) -> Verdict {
    let (code, w) = match admit(&c.words, c.doorbell, card_caps) {
        Ok(_) => (0, 0),
        Err(fail) => (fail.0 as u64, u64::from(fail.1)),
    };
    [code, w, u64::from(header::OPCODE.get(c.words[0])), u64::from(header::FIELD.get(c.words[0]))]
}

/// The bitstreams under test: everything, and cards lacking a field or an opcode family.
fn cap_sets() -> [u32; 3] {
    let all = caps::ALL.iter().fold(0, |m, f| m | f.mask());
    [all, all & !caps::GOLDILOCKS.mask() & !caps::TREE.mask(), caps::BABYBEAR.bits(1) | caps::FUSED_COMMIT.bits(1)]
}

fn inputs(c: &Case) -> Vec<u64> {
    let w = |i: u8| u64::from(c.words[usize::from(i)]);
    let r = word::FIRST_RESERVED;
    vec![w(word::HEADER), w(word::SEQ), w(word::SHAPE), w(r), w(r + 1), w(r + 2), w(r + 3), u64::from(c.doorbell)]
}

fn ports() -> Ports {
    Ports {
        inputs: vec![
            ("header", 32),
            ("seq", 32),
            ("shape", 32),
            ("w12", 32),
            ("w13", 32),
            ("w14", 32),
            ("w15", 32),
            ("doorbell", 32),
        ],
        outputs: vec![("error_code", 8), ("error_word", 4), ("opcode", 8), ("field", 4)],
    }
}

/// Runs the decoder in rust-hdl's simulator, one descriptor per cycle with ~20% idle cycles.
fn rust_hdl_verdicts(card_caps: u32, cases: &[Case], seed: u64) -> Vec<Verdict> {
    let mut rng = SplitMix64::new(seed);
    let schedule: Vec<Option<Case>> = cases
        .iter()
        .flat_map(|c| if rng.next_u64().is_multiple_of(5) { vec![None, Some(*c)] } else { vec![Some(*c)] })
        .collect();
    let got = Arc::new(Mutex::new(Vec::<Verdict>::new()));
    let sink = got.clone();
    let cycles = schedule.len() + CommandDecoder::LATENCY + 2;
    let mut sim = simple_sim!(CommandDecoder, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            match schedule.get(cycle).copied().flatten() {
                Some(c) => {
                    let v = inputs(&c);
                    x.valid_in.next = true;
                    x.header.next = v[0].to_bits();
                    x.seq.next = v[1].to_bits();
                    x.shape.next = v[2].to_bits();
                    x.w12.next = v[3].to_bits();
                    x.w13.next = v[4].to_bits();
                    x.w14.next = v[5].to_bits();
                    x.w15.next = v[6].to_bits();
                    x.doorbell.next = v[7].to_bits();
                }
                None => x.valid_in.next = false,
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                sink.lock().unwrap().push([
                    x.error_code.val().to_u64(),
                    x.error_word.val().to_u64(),
                    x.opcode.val().to_u64(),
                    x.field.val().to_u64(),
                ]);
            }
        }
        ep.done(x)
    });
    let mut uut = CommandDecoder::new(card_caps);
    uut.connect_all();
    sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

fn verilog_verdicts(card_caps: u32, cases: &[Case], sim: Simulator) -> Vec<Verdict> {
    let vectors: Vec<Vector> = cases.iter().map(|c| (true, inputs(c))).collect();
    let name = format!("command_decoder_{card_caps:x}");
    simulate_unit(&name, &verilog_of(CommandDecoder::new(card_caps)), &ports(), CommandDecoder::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|v| [v[0], v[1], v[2], v[3]])
        .collect()
}

/// How many descriptors of each outcome the cases cover, so that a generator that stopped
/// producing some fault would be noticed rather than silently test less.
fn assert_covers_every_outcome(cases: &[Case], card_caps: u32) {
    let verdicts: Vec<Verdict> = cases.iter().map(|c| oracle(c, card_caps)).collect();
    let mut outcomes = vec![(0, "accepted"), (1, "BAD_DESCRIPTOR"), (7, "BAD_SEQUENCE")];
    // A card with every capability refuses nothing as unsupported.
    if card_caps != cap_sets()[0] {
        outcomes.push((2, "UNSUPPORTED"));
    }
    for (code, name) in outcomes {
        let n = verdicts.iter().filter(|v| v[0] == code).count();
        assert!(n >= cases.len() / 200, "only {n} of {} cases are {name}", cases.len());
    }
    for w in [0, 8, 12, 13, 14, 15] {
        assert!(verdicts.iter().any(|v| v[0] == 1 && v[1] == w), "no BAD_DESCRIPTOR at word {w}");
    }
}

#[test]
fn command_decoder_matches_the_device_model_in_rust_hdl() {
    let seed = test_seed("command_decoder_matches_the_device_model_in_rust_hdl");
    for card_caps in cap_sets() {
        let cases = cases(1500, seed ^ u64::from(card_caps));
        let got = rust_hdl_verdicts(card_caps, &cases, seed);
        let want: Vec<Verdict> = cases.iter().map(|c| oracle(c, card_caps)).collect();
        assert_eq!(
            count_mismatches(&got, &want),
            0,
            "caps {card_caps:#x}: {} verdicts, {} expected",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn command_decoder_verilog_matches_under_iverilog_and_verilator() {
    let seed = test_seed("command_decoder_verilog_matches_under_iverilog_and_verilator");
    for (sim, n) in [(Simulator::Iverilog, 2_000), (Simulator::VerilatorFromRust, 100_000)] {
        for card_caps in cap_sets() {
            let cases = cases(n, seed ^ u64::from(card_caps) ^ n as u64);
            if sim == Simulator::VerilatorFromRust {
                assert_covers_every_outcome(&cases, card_caps);
            }
            let got = verilog_verdicts(card_caps, &cases, sim);
            let want: Vec<Verdict> = cases.iter().map(|c| oracle(c, card_caps)).collect();
            assert_eq!(count_mismatches(&got, &want), 0, "{sim:?} caps {card_caps:#x}: {} verdicts", got.len());
        }
    }
}

/// Negative control: the same comparison, against a decoder built for a card with other
/// capabilities, must see the difference.
#[test]
fn decoder_of_another_bitstream_is_caught() {
    let [all, fewer, _] = cap_sets();
    let cases = cases(3_000, test_seed("decoder_of_another_bitstream_is_caught"));
    let got = verilog_verdicts(fewer, &cases, Simulator::VerilatorFromRust);
    let want: Vec<Verdict> = cases.iter().map(|c| oracle(c, all)).collect();
    assert!(count_mismatches(&got, &want) > 30, "the comparison did not see a decoder for other capabilities");
}
