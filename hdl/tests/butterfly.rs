//! The radix-2 butterfly up the ladder: rust-hdl simulation and the emitted Verilog under
//! iverilog and Verilator, against the golden model's butterfly `(a + w·b, a − w·b)`.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::ntt::Butterfly31;

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];

/// `(valid, a, b, w)` with ~20% bubbles, after the corner values; `w` canonical.
fn vectors(prime: Prime31, n: usize, seed: u64) -> Vec<(bool, u64, u64, u64)> {
    let c = [0, 1, prime.p - 1];
    let mut v = Vec::new();
    for a in c {
        for b in c {
            for w in c {
                v.push((true, a, b, w));
            }
        }
    }
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        let f = prime.field;
        v.push((!rng.next_u64().is_multiple_of(5), rng.element(f), rng.element(f), rng.element(f)));
    }
    v
}

/// The golden butterfly on the valid vectors.
fn expected(prime: Prime31, vecs: &[(bool, u64, u64, u64)]) -> Vec<(u64, u64)> {
    let f = Fp::new(prime.field);
    vecs.iter().filter(|v| v.0).map(|&(_, a, b, w)| (f.add(a, f.mul(w, b)), f.sub(a, f.mul(w, b)))).collect()
}

/// Runs the butterfly in rust-hdl; `encode` turns the canonical twiddle into what is fed.
fn rust_hdl_outputs(
    prime: Prime31,
    vecs: &[(bool, u64, u64, u64)],
    encode: fn(Prime31, u64) -> u64,
) -> Vec<(u64, u64)> {
    let vecs: Vec<_> = vecs.iter().map(|&(v, a, b, w)| (v, a, b, encode(prime, w))).collect();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let cycles = vecs.len() + Butterfly31::LATENCY + 2;
    let mut sim = simple_sim!(Butterfly31, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            if let Some(&(v, a, b, w)) = vecs.get(cycle) {
                x.valid_in.next = v;
                x.a.next = a.to_bits();
                x.b.next = b.to_bits();
                x.w_mont.next = w.to_bits();
            } else {
                x.valid_in.next = false;
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                sink.lock().unwrap().push((x.x.val().to_u64(), x.y.val().to_u64()));
            }
        }
        ep.done(x)
    });
    let mut uut = Butterfly31::new(prime);
    uut.connect_all();
    sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

#[test]
fn butterfly31_matches_golden_in_rust_hdl() {
    let seed = test_seed("butterfly31_matches_golden_in_rust_hdl");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, 2000, seed);
        let got = rust_hdl_outputs(prime, &vecs, Prime31::to_mont);
        assert_eq!(count_mismatches(&got, &expected(prime, &vecs)), 0, "{field}");
    }
}

/// Negative control: a twiddle fed in plain instead of Montgomery form must be caught.
#[test]
fn plain_twiddle_is_caught_in_rust_hdl() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let vecs = vectors(prime, 300, 5);
    let got = rust_hdl_outputs(prime, &vecs, |_, w| w);
    assert!(count_mismatches(&got, &expected(prime, &vecs)) > 100, "the checker did not see the wrong encoding");
}

fn verilog_outputs(prime: Prime31, vecs: &[(bool, u64, u64, u64)], sim: Simulator) -> Vec<(u64, u64)> {
    let ports = Ports { inputs: vec![("a", 32), ("b", 32), ("w_mont", 32)], outputs: vec![("x", 32), ("y", 32)] };
    let vectors: Vec<Vector> = vecs.iter().map(|&(v, a, b, w)| (v, vec![a, b, prime.to_mont(w)])).collect();
    let name = format!("butterfly31_{}", prime.field);
    simulate_unit(&name, &verilog_of(Butterfly31::new(prime)), &ports, Butterfly31::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|o| (o[0], o[1]))
        .collect()
}

#[test]
fn butterfly31_verilog_matches_golden_under_iverilog() {
    let seed = test_seed("butterfly31_verilog_matches_golden_under_iverilog");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, 20_000, seed);
        let got = verilog_outputs(prime, &vecs, Simulator::Iverilog);
        assert_eq!(count_mismatches(&got, &expected(prime, &vecs)), 0, "{field}");
    }
}

#[test]
fn butterfly31_verilog_matches_golden_under_verilator() {
    let seed = test_seed("butterfly31_verilog_matches_golden_under_verilator");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, 100_000, seed);
        let got = verilog_outputs(prime, &vecs, Simulator::VerilatorFromRust);
        assert_eq!(count_mismatches(&got, &expected(prime, &vecs)), 0, "{field}");
    }
}
