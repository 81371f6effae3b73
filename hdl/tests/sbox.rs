//! The Poseidon2 S-box up the ladder, against the golden model's exponent and arithmetic:
//! `x^7` (BabyBear) and `x^3` (KoalaBear) on Montgomery-form lanes.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::{Fp, Poseidon2Spec};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::poseidon2::Sbox31;

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];

/// `(valid, x)` canonical, with ~20% bubbles, after 0, 1 and p − 1.
fn vectors(prime: Prime31, n: usize, seed: u64) -> Vec<(bool, u64)> {
    let mut v = vec![(true, 0), (true, 1), (true, prime.p - 1)];
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        v.push((!rng.next_u64().is_multiple_of(5), rng.element(prime.field)));
    }
    v
}

/// The golden S-box, in Montgomery form.
fn expected(prime: Prime31, vecs: &[(bool, u64)]) -> Vec<u64> {
    let (f, d) = (Fp::new(prime.field), Poseidon2Spec::for_field(prime.field).sbox_degree);
    vecs.iter().filter(|v| v.0).map(|&(_, x)| prime.to_mont(f.pow(x, d))).collect()
}

#[test]
fn sbox_degree_is_the_golden_models() {
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        assert_eq!(Sbox31::degree(prime), Poseidon2Spec::for_field(field).sbox_degree, "{field}");
    }
}

fn rust_hdl_outputs(prime: Prime31, vecs: &[(bool, u64)], encode: fn(Prime31, u64) -> u64) -> Vec<u64> {
    let vecs: Vec<(bool, u64)> = vecs.iter().map(|&(v, x)| (v, encode(prime, x))).collect();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let cycles = vecs.len() + Sbox31::latency(prime) + 2;
    let mut sim = simple_sim!(Sbox31, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            if let Some(&(v, value)) = vecs.get(cycle) {
                x.valid_in.next = v;
                x.x.next = value.to_bits();
            } else {
                x.valid_in.next = false;
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                sink.lock().unwrap().push(x.y.val().to_u64());
            }
        }
        ep.done(x)
    });
    let mut uut = Sbox31::new(prime);
    uut.connect_all();
    sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

#[test]
fn sbox31_matches_golden_in_rust_hdl() {
    let seed = test_seed("sbox31_matches_golden_in_rust_hdl");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, 1500, seed);
        assert_eq!(count_mismatches(&rust_hdl_outputs(prime, &vecs, Prime31::to_mont), &expected(prime, &vecs)), 0);
    }
}

/// Negative control: lanes fed in canonical instead of Montgomery form are caught.
#[test]
fn canonical_lanes_are_caught() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let vecs = vectors(prime, 300, 4);
    assert!(count_mismatches(&rust_hdl_outputs(prime, &vecs, |_, x| x), &expected(prime, &vecs)) > 100);
}

fn verilog_matches(sim: Simulator, n: usize, seed: u64) {
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, n, seed);
        let ports = Ports { inputs: vec![("x", 32)], outputs: vec![("y", 32)] };
        let vectors: Vec<Vector> = vecs.iter().map(|&(v, x)| (v, vec![prime.to_mont(x)])).collect();
        let verilog = verilog_of(Sbox31::new(prime));
        let got: Vec<u64> =
            simulate_unit(&format!("sbox31_{field}"), &verilog, &ports, Sbox31::latency(prime), &vectors, sim)
                .unwrap()
                .into_iter()
                .map(|o| o[0])
                .collect();
        assert_eq!(count_mismatches(&got, &expected(prime, &vecs)), 0, "{sim:?} {field}");
    }
}

#[test]
fn sbox31_verilog_matches_golden_under_iverilog() {
    verilog_matches(Simulator::Iverilog, 20_000, test_seed("sbox31_verilog_matches_golden_under_iverilog"));
}

#[test]
fn sbox31_verilog_matches_golden_under_verilator() {
    verilog_matches(Simulator::VerilatorFromRust, 100_000, test_seed("sbox31_verilog_matches_golden_under_verilator"));
}
