//! `PayloadCrc` against the ABI's checksum (`slotproof_firmware::checksum`, CRC-32 IEEE with
//! bit 31 cleared): random payloads back to back with bubbles, the checksum of every prefix
//! checked, in rust-hdl, Icarus and Verilator; a unit built for CRC-32C must disagree.

use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::checksum::checksum;
use slotproof_hdl::card::PayloadCrc;
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};

fn ports() -> Ports {
    Ports { inputs: vec![("clear", 1), ("word", 32)], outputs: vec![("crc", 32)] }
}

/// Payloads of 1..=max_words random words, 20% bubbles; the expected checksum after every word.
fn case(seed: u64, vectors: usize, max_words: u64) -> (Vec<Vector>, Vec<Vec<u64>>) {
    let mut rng = SplitMix64::new(seed);
    let (mut vecs, mut want) = (Vec::new(), Vec::new());
    while vecs.len() < vectors {
        let words = 1 + rng.next_u64() % max_words;
        let mut bytes = Vec::new();
        for k in 0..words {
            while rng.next_u64().is_multiple_of(5) {
                vecs.push((false, vec![rng.next_u64() & 1, rng.next_u64() & 0xffff_ffff]));
            }
            let w = rng.next_u64() as u32;
            bytes.extend_from_slice(&w.to_le_bytes());
            vecs.push((true, vec![u64::from(k == 0), u64::from(w)]));
            want.push(vec![u64::from(checksum(&bytes))]);
        }
    }
    (vecs, want)
}

fn rust_hdl_outputs(uut: PayloadCrc, vecs: Vec<Vector>) -> Vec<Vec<u64>> {
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = out.clone();
    let cycles = vecs.len() + PayloadCrc::LATENCY + 2;
    let mut sim = Simulation::<PayloadCrc>::new();
    sim.add_clock(5, |x: &mut Box<PayloadCrc>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<PayloadCrc>| {
        let mut x = ep.init()?;
        let mut got = Vec::new();
        for i in 0..cycles {
            let (valid, values) = vecs.get(i).cloned().unwrap_or((false, vec![0, 0]));
            x.valid_in.next = valid;
            x.clear.next = values[0] != 0;
            x.word.next = values[1].into();
            x = ep.watch(|x| x.clock.val().clk, x)?;
            x = ep.watch(|x| !x.clock.val().clk, x)?;
            if x.valid_out.val() {
                got.push(vec![x.crc.val().to_u64()]);
            }
        }
        *sink.lock().unwrap() = got;
        ep.done(x)
    });
    sim.run(Box::new(uut), (cycles as u64 + 4) * 10).unwrap();
    out.lock().unwrap().clone()
}

#[test]
fn checksum_matches_the_abi_in_rust_hdl() {
    let seed = test_seed("checksum_matches_the_abi_in_rust_hdl");
    let (vecs, want) = case(seed, 3_000, 40);
    let got = rust_hdl_outputs(PayloadCrc::new(), vecs);
    assert_eq!(count_mismatches(&got, &want), 0, "seed {seed}");
}

#[test]
fn checksum_verilog_matches_the_abi() {
    let seed = test_seed("checksum_verilog_matches_the_abi");
    for (sim, n) in [(Simulator::Iverilog, 2_000), (Simulator::VerilatorFromRust, 200_000)] {
        let (vecs, want) = case(seed, n, 300);
        let got = simulate_unit("payload_crc", &verilog_of(PayloadCrc::new()), &ports(), 1, &vecs, sim).unwrap();
        assert_eq!(count_mismatches(&got, &want), 0, "{sim:?}, seed {seed}");
    }
}

#[test]
fn another_polynomial_is_caught() {
    let seed = test_seed("another_polynomial_is_caught");
    let (vecs, want) = case(seed, 500, 20);
    let got = rust_hdl_outputs(PayloadCrc::with_polynomial(0x82F6_3B78), vecs.clone());
    // Every checksum differs (two CRCs agree on a prefix with probability 2^-31).
    assert_eq!(got.len(), want.len());
    assert!(count_mismatches(&got, &want) + 1 >= want.len(), "CRC-32C must not pass for the ABI's checksum");
    let verilog = verilog_of(PayloadCrc::with_polynomial(0x82F6_3B78));
    let got = simulate_unit("payload_crc32c", &verilog, &ports(), 1, &vecs, Simulator::Iverilog).unwrap();
    assert!(count_mismatches(&got, &want) + 1 >= want.len(), "CRC-32C must not pass in Verilog either");
}
