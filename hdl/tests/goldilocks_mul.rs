//! The Goldilocks multiplier up the ladder: rust-hdl simulation, then the emitted Verilog
//! under iverilog and Verilator, against the golden model, with a negative control.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::GoldilocksMul;

const P: u64 = 0xffff_ffff_0000_0001;

/// Operands with ~20% bubbles, after corner values that exercise both repairs of the
/// reduction (borrow in x_lo − x_hh, carry in t0 + t1) and the final subtraction.
fn vectors(n: usize, seed: u64) -> Vec<(bool, u64, u64)> {
    let corners = [0, 1, 2, P - 1, P - 2, 1 << 32, (1 << 32) - 1, 1 << 63, (1 << 63) + 12345, u32::MAX as u64 * 7];
    let mut v: Vec<_> = corners.iter().flat_map(|&a| corners.iter().map(move |&b| (true, a, b))).collect();
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        v.push((!rng.next_u64().is_multiple_of(5), rng.element(FieldId::Goldilocks), rng.element(FieldId::Goldilocks)));
    }
    v
}

fn expected(vecs: &[(bool, u64, u64)]) -> Vec<u64> {
    let f = Fp::new(FieldId::Goldilocks);
    vecs.iter().filter(|v| v.0).map(|&(_, a, b)| f.mul(a, b)).collect()
}

fn rust_hdl_outputs(uut: GoldilocksMul, vecs: &[(bool, u64, u64)]) -> Vec<u64> {
    let vecs = vecs.to_vec();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let cycles = vecs.len() + GoldilocksMul::LATENCY + 2;
    let mut sim = simple_sim!(GoldilocksMul, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            if let Some(&(v, a, b)) = vecs.get(cycle) {
                x.valid_in.next = v;
                x.a.next = a.to_bits();
                x.b.next = b.to_bits();
            } else {
                x.valid_in.next = false;
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                sink.lock().unwrap().push(x.c.val().to_u64());
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

#[test]
fn goldilocks_mul_matches_golden_in_rust_hdl() {
    let vecs = vectors(1000, test_seed("goldilocks_mul_matches_golden_in_rust_hdl"));
    assert_eq!(count_mismatches(&rust_hdl_outputs(GoldilocksMul::new(), &vecs), &expected(&vecs)), 0);
}

fn verilog_outputs(verilog: &str, vecs: &[(bool, u64, u64)], sim: Simulator) -> Vec<u64> {
    let ports = Ports { inputs: vec![("a", 64), ("b", 64)], outputs: vec![("c", 64)] };
    let vectors: Vec<Vector> = vecs.iter().map(|&(v, a, b)| (v, vec![a, b])).collect();
    simulate_unit("goldilocks_mul", verilog, &ports, GoldilocksMul::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|o| o[0])
        .collect()
}

#[test]
fn goldilocks_mul_verilog_matches_golden_under_iverilog() {
    let vecs = vectors(20_000, test_seed("goldilocks_mul_verilog_matches_golden_under_iverilog"));
    let got = verilog_outputs(&verilog_of(GoldilocksMul::new()), &vecs, Simulator::Iverilog);
    assert_eq!(count_mismatches(&got, &expected(&vecs)), 0);
}

#[test]
fn goldilocks_mul_verilog_matches_golden_under_verilator() {
    let vecs = vectors(100_000, test_seed("goldilocks_mul_verilog_matches_golden_under_verilator"));
    let got = verilog_outputs(&verilog_of(GoldilocksMul::new()), &vecs, Simulator::VerilatorFromRust);
    assert_eq!(count_mismatches(&got, &expected(&vecs)), 0);
}

/// Negative control: a wrong reduction constant is caught by every checker.
#[test]
fn wrong_epsilon_is_caught() {
    let vecs = vectors(400, 9);
    let want = expected(&vecs);
    assert!(count_mismatches(&rust_hdl_outputs(GoldilocksMul::with_wrong_epsilon(), &vecs), &want) > 100);
    let verilog = verilog_of(GoldilocksMul::with_wrong_epsilon());
    for sim in [Simulator::Iverilog, Simulator::VerilatorFromRust] {
        assert!(count_mismatches(&verilog_outputs(&verilog, &vecs, sim), &want) > 100, "{sim:?}");
    }
}
