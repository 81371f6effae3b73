//! The 31-bit field units up the verification ladder: rust-hdl simulation, then the emitted
//! Verilog under iverilog and Verilator, all against the golden model, with random valid
//! gaps, corner values (0, 1, p − 1) and a negative control per checker.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::{ModAdd31, ModSub31, MontMul31, Prime31};

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];

/// Random operands with ~20% bubbles, after every pair of corner values.
fn vectors(prime: Prime31, n: usize, seed: u64) -> Vec<OpVector> {
    let corners = [0, 1, prime.p - 1];
    let mut v: Vec<OpVector> =
        corners.iter().flat_map(|&a| corners.iter().map(move |&b| (true, a as u32, b as u32))).collect();
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        let valid = !rng.next_u64().is_multiple_of(5);
        v.push((valid, rng.element(prime.field) as u32, rng.element(prime.field) as u32));
    }
    v
}

fn expected(vecs: &[OpVector], op: impl Fn(u64, u64) -> u64) -> Vec<u32> {
    vecs.iter().filter(|v| v.0).map(|&(_, a, b)| op(a as u64, b as u64) as u32).collect()
}

/// Runs a two-operand unit in rust-hdl's simulator and returns what it produced.
macro_rules! rust_hdl_outputs {
    ($Unit:ty, $uut:expr, $vecs:expr, $latency:expr) => {{
        let vecs: Vec<OpVector> = $vecs.to_vec();
        let got = Arc::new(Mutex::new(Vec::<u32>::new()));
        let sink = got.clone();
        let cycles = vecs.len() + $latency + 2;
        let mut sim = simple_sim!($Unit, clock, 100_000_000, ep, {
            let mut x = ep.init()?;
            for cycle in 0..cycles {
                if let Some(&(v, a, b)) = vecs.get(cycle) {
                    x.valid_in.next = v;
                    x.a.next = (a as u64).to_bits();
                    x.b.next = (b as u64).to_bits();
                } else {
                    x.valid_in.next = false;
                }
                wait_clock_cycle!(ep, clock, x);
                if x.valid_out.val() {
                    sink.lock().unwrap().push(x.c.val().to_u64() as u32);
                }
            }
            ep.done(x)
        });
        let mut uut = $uut;
        uut.connect_all();
        sim.run(Box::new(uut), 1_000 * sim_time::ONE_MILLISECOND).unwrap();
        let out = got.lock().unwrap().clone();
        out
    }};
}

/// One input vector of a two-operand unit: `valid_in`, `a`, `b`.
type OpVector = (bool, u32, u32);

/// The emitted Verilog of a two-operand unit under `sim`.
fn simulate_op_unit(name: &str, verilog: &str, latency: usize, vecs: &[OpVector], sim: Simulator) -> Vec<u32> {
    let vectors: Vec<Vector> = vecs.iter().map(|&(v, a, b)| (v, vec![a as u64, b as u64])).collect();
    simulate_unit(name, verilog, &Ports::binary_op(), latency, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|c| c[0] as u32)
        .collect()
}

#[test]
fn mont_mul31_matches_golden_in_rust_hdl() {
    let seed = test_seed("mont_mul31_matches_golden_in_rust_hdl");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let vecs = vectors(prime, 2000, seed);
        let got = rust_hdl_outputs!(MontMul31, MontMul31::new(prime), vecs, MontMul31::LATENCY);
        let want = expected(&vecs, |a, b| prime.mont_mul(a, b));
        assert_eq!(count_mismatches(&got, &want), 0, "{field}: {} outputs, {} expected", got.len(), want.len());
    }
}

#[test]
fn mod_add_sub31_match_golden_in_rust_hdl() {
    let seed = test_seed("mod_add_sub31_match_golden_in_rust_hdl");
    for field in FIELDS {
        let (prime, f) = (Prime31::new(field).unwrap(), Fp::new(field));
        let vecs = vectors(prime, 2000, seed);
        let got = rust_hdl_outputs!(ModAdd31, ModAdd31::new(prime), vecs, ModAdd31::LATENCY);
        assert_eq!(count_mismatches(&got, &expected(&vecs, |a, b| f.add(a, b))), 0, "{field}: add");
        let got = rust_hdl_outputs!(ModSub31, ModSub31::new(prime), vecs, ModSub31::LATENCY);
        assert_eq!(count_mismatches(&got, &expected(&vecs, |a, b| f.sub(a, b))), 0, "{field}: sub");
    }
}

/// Negative control: a multiplier built with the wrong reduction shift must be caught.
#[test]
fn wrong_constant_is_caught_in_rust_hdl() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let vecs = vectors(prime, 300, 7);
    let got = rust_hdl_outputs!(MontMul31, MontMul31::new(prime.with_wrong_shift()), vecs, MontMul31::LATENCY);
    let want = expected(&vecs, |a, b| prime.mont_mul(a, b));
    assert!(count_mismatches(&got, &want) > 100, "the checker did not see a wrong multiplier");
}

/// The emitted Verilog, under both simulators, on many more vectors.
fn verilog_matches(sim: Simulator, n: usize, seed: u64) {
    for field in FIELDS {
        let (prime, f) = (Prime31::new(field).unwrap(), Fp::new(field));
        let vecs = vectors(prime, n, seed);
        let cases: [(&str, String, usize, Vec<u32>); 3] = [
            (
                "mont_mul31",
                verilog_of(MontMul31::new(prime)),
                MontMul31::LATENCY,
                expected(&vecs, |a, b| prime.mont_mul(a, b)),
            ),
            ("mod_add31", verilog_of(ModAdd31::new(prime)), ModAdd31::LATENCY, expected(&vecs, |a, b| f.add(a, b))),
            ("mod_sub31", verilog_of(ModSub31::new(prime)), ModSub31::LATENCY, expected(&vecs, |a, b| f.sub(a, b))),
        ];
        for (name, verilog, latency, want) in cases {
            let got = simulate_op_unit(&format!("{name}_{field}"), &verilog, latency, &vecs, sim);
            assert_eq!(
                count_mismatches(&got, &want),
                0,
                "{sim:?} {name} {field}: {} outputs, {} expected",
                got.len(),
                want.len()
            );
        }
    }
}

#[test]
fn field_units_verilog_matches_golden_under_iverilog() {
    verilog_matches(Simulator::Iverilog, 20_000, test_seed("field_units_verilog_matches_golden_under_iverilog"));
}

#[test]
fn field_units_verilog_matches_golden_under_verilator() {
    verilog_matches(
        Simulator::VerilatorFromRust,
        100_000,
        test_seed("field_units_verilog_matches_golden_under_verilator"),
    );
}

/// Negative control for the Verilog checkers.
#[test]
fn wrong_constant_is_caught_in_verilog() {
    let prime = Prime31::new(FieldId::KoalaBear).unwrap();
    let vecs = vectors(prime, 500, 11);
    let verilog = verilog_of(MontMul31::new(prime.with_wrong_shift()));
    let want = expected(&vecs, |a, b| prime.mont_mul(a, b));
    for sim in [Simulator::Iverilog, Simulator::VerilatorFromRust] {
        let got = simulate_op_unit("mont_mul31_wrong", &verilog, MontMul31::LATENCY, &vecs, sim);
        assert!(count_mismatches(&got, &want) > 100, "{sim:?} did not see a wrong multiplier");
    }
}

/// How fast the Rust-driven Verilator model runs (reported, not asserted: speed is measured,
/// never a pass/fail criterion).
#[test]
fn verilator_model_speed_is_reported() {
    use slotproof_hdl::eda::VerilatorModel;
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let vecs: Vec<Vector> = vectors(prime, 200_000, 1).iter().map(|&(v, a, b)| (v, vec![a as u64, b as u64])).collect();
    let model =
        VerilatorModel::build("mont_mul31_speed", &verilog_of(MontMul31::new(prime)), &Ports::binary_op()).unwrap();
    let (out, rate) = model.run_measured(&vecs).unwrap();
    assert_eq!(out.len(), vecs.iter().filter(|v| v.0).count());
    println!("verilator model of mont_mul31: {:.2} M cycles/s over {} cycles", rate / 1e6, vecs.len());
}
