//! The MSM arithmetic up the ladder, on both curves: the Montgomery multiplier, the modular
//! adder/subtractor and the XYZZ point adder, each in rust-hdl's simulator and as Verilog
//! under iverilog and Verilator, against arkworks through the golden models, with negative
//! controls. The Verilog results must also come out in the cycle the block's latency says:
//! the point adder's rust-hdl model relies on it.

use std::sync::{Arc, Mutex};

use ark_ec::short_weierstrass::Affine;
use num_bigint::BigUint;
use rust_hdl::prelude::*;
use slotproof_core::CurveId;
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve};
use slotproof_core::golden::xyzz::{MixedAdd, Xyzz, add_mixed};
use slotproof_core::sample::{SplitMix64, msm_inputs, prime_field_element, test_seed};
use slotproof_hdl::eda::{Ports, Simulator, WideVector, count_mismatches, simulate_wide_unit, verilog_of};
use slotproof_hdl::msm::point_add::TAG_BITS;
use slotproof_hdl::msm::{ModAddSub, ModOp, MontMul, PointAdd, WideField};

/// Field operands: corners (0, 1, p − 1, R mod p, values near 2^N) then uniform values, ~15%
/// of the cycles bubbles.
fn operand_vectors(field: &WideField, n: usize, seed: u64) -> Vec<WideVector> {
    let p = &field.p;
    let corners: Vec<BigUint> = vec![
        BigUint::ZERO,
        BigUint::from(1u8),
        BigUint::from(2u8),
        p - 1u8,
        p - 2u8,
        field.one.clone(),
        (BigUint::from(1u8) << (field.bits - 1)) % p,
        p >> 1,
    ];
    let mut out: Vec<WideVector> =
        corners.iter().flat_map(|a| corners.iter().map(move |b| (true, vec![a.clone(), b.clone()]))).collect();
    let mut rng = SplitMix64::new(seed);
    let mut random = || {
        let words: Vec<u32> = (0..field.bits.div_ceil(32) + 2).map(|_| rng.next_u64() as u32).collect();
        BigUint::from_slice(&words) % p
    };
    while out.len() < n {
        let valid = random().bit(0) || random().bit(1) || random().bit(2);
        out.push((valid, vec![random(), random()]));
    }
    out
}

fn expected(vectors: &[WideVector], op: impl Fn(&BigUint, &BigUint) -> BigUint) -> Vec<BigUint> {
    vectors.iter().filter(|v| v.0).map(|(_, x)| op(&x[0], &x[1])).collect()
}

fn binary_ports(bits: usize) -> Ports {
    Ports { inputs: vec![("a", bits), ("b", bits)], outputs: vec![("c", bits)] }
}

/// Runs a two-operand unit's Verilog and checks every result arrived `latency` cycles after
/// its operands (the testbench prints the cycle after whose edge it saw the result).
fn verilog_outputs(
    name: &str,
    verilog: &str,
    bits: usize,
    latency: usize,
    vectors: &[WideVector],
    sim: Simulator,
) -> Vec<BigUint> {
    let rows = simulate_wide_unit(name, verilog, &binary_ports(bits), latency, vectors, sim).unwrap();
    let issued: Vec<u64> = vectors.iter().enumerate().filter(|(_, v)| v.0).map(|(i, _)| i as u64).collect();
    for ((cycle, _), at) in rows.iter().zip(&issued) {
        assert_eq!(*cycle, at + latency as u64 - 1, "{name} ({sim:?}): a result came out of step with its latency");
    }
    rows.into_iter().map(|(_, mut v)| v.remove(0)).collect()
}

/// rust-hdl's simulation of a two-operand unit: the results, each checked to arrive exactly
/// `latency` cycles after its operands.
macro_rules! rust_hdl_outputs {
    ($kind:ty, $uut:expr, $vectors:expr, $latency:expr) => {{
        let vectors: Vec<WideVector> = $vectors.to_vec();
        let latency: usize = $latency;
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let cycles = vectors.len() + latency + 2;
        let mut sim = simple_sim!($kind, clock, 100_000_000, ep, {
            let mut x = ep.init()?;
            let mut issued = std::collections::VecDeque::new();
            for cycle in 0..cycles {
                if let Some((v, ops)) = vectors.get(cycle) {
                    x.valid_in.next = *v;
                    x.a.next = ops[0].clone().into();
                    x.b.next = ops[1].clone().into();
                    if *v {
                        issued.push_back(cycle);
                    }
                } else {
                    x.valid_in.next = false;
                }
                wait_clock_cycle!(ep, clock, x);
                if x.valid_out.val() {
                    let at = issued.pop_front();
                    sim_assert_eq!(ep, at.map(|c| c + latency), Some(cycle + 1), x);
                    sink.lock().unwrap().push(BigUint::from(x.c.val()));
                }
            }
            ep.done(x)
        });
        let mut uut = $uut;
        uut.connect_all();
        sim.run(Box::new(uut), 100 * sim_time::ONE_SEC).unwrap();
        let out = got.lock().unwrap().clone();
        out
    }};
}

#[test]
fn mont_mul_matches_golden_in_rust_hdl() {
    let seed = test_seed("mont_mul_matches_golden_in_rust_hdl");
    let f = WideField::new(CurveId::Bn254);
    let vecs = operand_vectors(&f, 200, seed);
    let got = rust_hdl_outputs!(MontMul<254>, MontMul::<254>::new(&f).unwrap(), vecs, MontMul::<254>::latency(&f));
    assert_eq!(count_mismatches(&got, &expected(&vecs, |a, b| f.mont_mul(a, b))), 0);
    let f = WideField::new(CurveId::Bls12_381);
    let vecs = operand_vectors(&f, 200, seed);
    let got = rust_hdl_outputs!(MontMul<381>, MontMul::<381>::new(&f).unwrap(), vecs, MontMul::<381>::latency(&f));
    assert_eq!(count_mismatches(&got, &expected(&vecs, |a, b| f.mont_mul(a, b))), 0);
}

#[test]
fn mod_add_sub_match_golden_in_rust_hdl() {
    let seed = test_seed("mod_add_sub_match_golden_in_rust_hdl");
    let f = WideField::new(CurveId::Bls12_381);
    let vecs = operand_vectors(&f, 200, seed);
    let add = rust_hdl_outputs!(ModAddSub<381>, ModAddSub::<381>::new(&f, ModOp::Add).unwrap(), vecs, 1);
    assert_eq!(count_mismatches(&add, &expected(&vecs, |a, b| (a + b) % &f.p)), 0);
    let sub = rust_hdl_outputs!(ModAddSub<381>, ModAddSub::<381>::new(&f, ModOp::Sub).unwrap(), vecs, 1);
    assert_eq!(count_mismatches(&sub, &expected(&vecs, |a, b| (a + &f.p - b) % &f.p)), 0);
}

/// The multiplier's and the adders' Verilog against the golden results, both curves.
fn field_units_verilog(sim: Simulator, n: usize, seed: u64) {
    for curve in [CurveId::Bn254, CurveId::Bls12_381] {
        let f = WideField::new(curve);
        let vecs = operand_vectors(&f, n, seed);
        let (mul, add, sub, latency) = match curve {
            CurveId::Bn254 => (
                verilog_of(MontMul::<254>::new(&f).unwrap()),
                verilog_of(ModAddSub::<254>::new(&f, ModOp::Add).unwrap()),
                verilog_of(ModAddSub::<254>::new(&f, ModOp::Sub).unwrap()),
                MontMul::<254>::latency(&f),
            ),
            CurveId::Bls12_381 => (
                verilog_of(MontMul::<381>::new(&f).unwrap()),
                verilog_of(ModAddSub::<381>::new(&f, ModOp::Add).unwrap()),
                verilog_of(ModAddSub::<381>::new(&f, ModOp::Sub).unwrap()),
                MontMul::<381>::latency(&f),
            ),
        };
        let cases = [
            ("mont_mul", mul, latency, expected(&vecs, |a, b| f.mont_mul(a, b))),
            ("mod_add", add, 1, expected(&vecs, |a, b| (a + b) % &f.p)),
            ("mod_sub", sub, 1, expected(&vecs, |a, b| (a + &f.p - b) % &f.p)),
        ];
        for (name, verilog, latency, want) in cases {
            let got = verilog_outputs(&format!("{name}_{curve}"), &verilog, f.bits, latency, &vecs, sim);
            assert_eq!(count_mismatches(&got, &want), 0, "{sim:?} {name} {curve}: {} of {}", got.len(), want.len());
        }
    }
}

#[test]
fn field_units_verilog_match_golden_under_iverilog() {
    field_units_verilog(Simulator::Iverilog, 400, test_seed("field_units_verilog_match_golden_under_iverilog"));
}

/// The long random run.
#[test]
fn field_units_verilog_match_golden_under_verilator() {
    field_units_verilog(Simulator::Verilator, 20_000, test_seed("field_units_verilog_match_golden_under_verilator"));
}

/// Negative control: a multiplier built with a wrong Montgomery factor must be caught, in
/// both simulators.
#[test]
fn wrong_montgomery_factor_is_caught() {
    let f = WideField::new(CurveId::Bn254);
    let wrong = WideField { p_inv: f.p_inv ^ 4, ..f.clone() };
    let vecs = operand_vectors(&f, 200, 11);
    let want = expected(&vecs, |a, b| f.mont_mul(a, b));
    for sim in [Simulator::Iverilog, Simulator::Verilator] {
        let verilog = verilog_of(MontMul::<254>::new(&wrong).unwrap());
        let got = verilog_outputs("mont_mul_wrong", &verilog, 254, MontMul::<254>::latency(&f), &vecs, sim);
        assert!(count_mismatches(&got, &want) > 150, "{sim:?}: the checker did not see a wrong multiplier");
    }
}

#[test]
fn a_field_of_the_wrong_width_is_refused() {
    let err = MontMul::<254>::new(&WideField::new(CurveId::Bls12_381)).err().unwrap();
    assert!(err.contains("381 bits") && err.contains("254"), "{err}");
    assert!(ModAddSub::<381>::new(&WideField::new(CurveId::Bn254), ModOp::Add).is_err());
}

// ---------------------------------------------------------------------------------------
// The point adder.

/// One addition: the bucket (None: empty), the point, and the tag.
#[derive(Clone)]
struct Addition<P: MsmCurve> {
    bucket: Xyzz<P::BaseField>,
    point: Affine<P>,
    tag: u32,
}

/// Random additions with every special case mixed in: empty buckets, a point equal to the
/// bucket's negation (the sum is empty), equal to the bucket (doubling), and bubbles.
fn additions<P: MsmCurve>(n: usize, seed: u64) -> Vec<Option<Addition<P>>> {
    let (points, _) = msm_inputs::<P>(n + 1, seed);
    let mut rng = SplitMix64::new(seed ^ 0x9e37);
    (0..n)
        .map(|i| {
            let z = prime_field_element::<P::BaseField>(&mut rng);
            let held = points[(i + 1) % points.len()];
            let point = match rng.next_u64() % 10 {
                0 => return None,
                1 => -held,
                2 => held,
                _ => points[i],
            };
            let bucket =
                if rng.next_u64().is_multiple_of(8) { Xyzz::empty() } else { Xyzz::from_affine_scaled(&held, z) };
            Some(Addition { bucket, point, tag: rng.next_u64() as u32 })
        })
        .collect()
}

/// The point adder's inputs, in [`point_ports`] order.
fn adder_inputs<P: MsmCurve>(f: &WideField, a: &Option<Addition<P>>) -> WideVector {
    let Some(a) = a else { return (false, vec![BigUint::ZERO; 9]) };
    let b = &a.bucket;
    let m = |x: P::BaseField| f.mont_form(x);
    let (x2, y2) = (a.point.x, a.point.y);
    (
        true,
        vec![
            BigUint::from(a.tag),
            BigUint::from(u8::from(b.infinity)),
            m(b.x),
            m(b.y),
            m(b.zz),
            m(b.zzz),
            m(x2),
            m(y2),
            BigUint::ZERO,
        ],
    )
}

fn point_ports(bits: usize) -> Ports {
    Ports {
        inputs: vec![
            ("tag_in", TAG_BITS),
            ("inf1", 1),
            ("x1", bits),
            ("y1", bits),
            ("zz1", bits),
            ("zzz1", bits),
            ("x2", bits),
            ("y2", bits),
        ],
        outputs: vec![
            ("tag_out", TAG_BITS),
            ("inf3", 1),
            ("doubling", 1),
            ("x3", bits),
            ("y3", bits),
            ("zz3", bits),
            ("zzz3", bits),
            ("x2_out", bits),
            ("y2_out", bits),
        ],
    }
}

/// What the adder must output for each addition, in the `point_ports` output order; a
/// doubling's coordinates are not a sum, so they are left out of the comparison (`None`).
fn adder_expected<P: MsmCurve>(f: &WideField, adds: &[Option<Addition<P>>]) -> Vec<Vec<Option<BigUint>>> {
    let m = |x: P::BaseField| Some(f.mont_form(x));
    adds.iter()
        .flatten()
        .map(|a| {
            let head = vec![Some(BigUint::from(a.tag))];
            let tail = vec![m(a.point.x), m(a.point.y)];
            let body = match add_mixed(&a.bucket, &a.point) {
                MixedAdd::Sum(s) => {
                    vec![
                        Some(BigUint::from(u8::from(s.infinity))),
                        Some(BigUint::ZERO),
                        m(s.x),
                        m(s.y),
                        m(s.zz),
                        m(s.zzz),
                    ]
                }
                MixedAdd::Doubling => vec![Some(BigUint::ZERO), Some(BigUint::from(1u8)), None, None, None, None],
            };
            [head, body, tail].concat()
        })
        .collect()
}

fn adder_mismatches(got: &[Vec<BigUint>], want: &[Vec<Option<BigUint>>]) -> usize {
    let same = |g: &Vec<BigUint>, w: &Vec<Option<BigUint>>| {
        g.len() == w.len() && g.iter().zip(w).all(|(g, w)| w.as_ref().is_none_or(|w| w == g))
    };
    got.iter().zip(want).filter(|(g, w)| !same(g, w)).count() + got.len().abs_diff(want.len())
}

macro_rules! adder_in_rust_hdl {
    ($n:literal, $curve:ty, $adds:expr, $f:expr) => {{
        let f: WideField = $f;
        let vectors: Vec<WideVector> = $adds.iter().map(|a| adder_inputs::<$curve>(&f, a)).collect();
        let latency = PointAdd::<$n>::latency(&f);
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let cycles = vectors.len() + latency + 2;
        let mut sim = simple_sim!(PointAdd<$n>, clock, 100_000_000, ep, {
            let mut x = ep.init()?;
            let mut issued = std::collections::VecDeque::new();
            for cycle in 0..cycles {
                let (v, ins) = vectors.get(cycle).cloned().unwrap_or((false, vec![BigUint::ZERO; 9]));
                x.valid_in.next = v;
                x.tag_in.next = u64::try_from(&ins[0]).unwrap().to_bits();
                x.inf1.next = ins[1] == BigUint::from(1u8);
                x.x1.next = ins[2].clone().into();
                x.y1.next = ins[3].clone().into();
                x.zz1.next = ins[4].clone().into();
                x.zzz1.next = ins[5].clone().into();
                x.x2.next = ins[6].clone().into();
                x.y2.next = ins[7].clone().into();
                if v {
                    issued.push_back(cycle);
                }
                wait_clock_cycle!(ep, clock, x);
                if x.valid_out.val() {
                    sim_assert_eq!(ep, issued.pop_front().map(|c| c + latency), Some(cycle + 1), x);
                    sink.lock().unwrap().push(vec![
                        BigUint::from(x.tag_out.val().to_u64()),
                        BigUint::from(u8::from(x.inf3.val())),
                        BigUint::from(u8::from(x.doubling.val())),
                        BigUint::from(x.x3.val()),
                        BigUint::from(x.y3.val()),
                        BigUint::from(x.zz3.val()),
                        BigUint::from(x.zzz3.val()),
                        BigUint::from(x.x2_out.val()),
                        BigUint::from(x.y2_out.val()),
                    ]);
                }
            }
            ep.done(x)
        });
        let mut uut = PointAdd::<$n>::new(&f).unwrap();
        uut.connect_all();
        sim.run(Box::new(uut), 100 * sim_time::ONE_SEC).unwrap();
        let out = got.lock().unwrap().clone();
        out
    }};
}

#[test]
fn point_add_matches_golden_in_rust_hdl() {
    let seed = test_seed("point_add_matches_golden_in_rust_hdl");
    let f = WideField::new(CurveId::Bn254);
    let adds = additions::<Bn254>(60, seed);
    let got = adder_in_rust_hdl!(254, Bn254, adds, f.clone());
    assert_eq!(adder_mismatches(&got, &adder_expected(&f, &adds)), 0, "bn254");
    let f = WideField::new(CurveId::Bls12_381);
    let adds = additions::<Bls12_381>(40, seed);
    let got = adder_in_rust_hdl!(381, Bls12_381, adds, f.clone());
    assert_eq!(adder_mismatches(&got, &adder_expected(&f, &adds)), 0, "bls12-381");
}

/// The adder's Verilog: every special case, results in the cycle its latency says.
fn point_add_verilog<P: MsmCurve, const N: usize>(sim: Simulator, n: usize, seed: u64) -> usize {
    let f = WideField::new(P::ID);
    let adds = additions::<P>(n, seed);
    let vectors: Vec<WideVector> = adds.iter().map(|a| adder_inputs::<P>(&f, a)).collect();
    let latency = PointAdd::<N>::latency(&f);
    let verilog = verilog_of(PointAdd::<N>::new(&f).unwrap());
    let rows =
        simulate_wide_unit(&format!("point_add_{}", P::ID), &verilog, &point_ports(N), latency, &vectors, sim).unwrap();
    let issued: Vec<u64> = vectors.iter().enumerate().filter(|(_, v)| v.0).map(|(i, _)| i as u64).collect();
    for ((cycle, _), at) in rows.iter().zip(&issued) {
        assert_eq!(*cycle, at + latency as u64 - 1, "{sim:?}: a sum came out of step with the latency");
    }
    let got: Vec<Vec<BigUint>> = rows.into_iter().map(|(_, v)| v).collect();
    // Negative control: the same results against the sums of other additions must differ.
    let others = additions::<P>(n, seed ^ 1);
    let wrong = adder_mismatches(&got, &adder_expected(&f, &others));
    assert!(wrong > n / 2, "{sim:?}: the checker passed the sums of other additions ({wrong} mismatches)");
    adder_mismatches(&got, &adder_expected(&f, &adds))
}

#[test]
fn point_add_verilog_matches_golden_under_iverilog() {
    let seed = test_seed("point_add_verilog_matches_golden_under_iverilog");
    assert_eq!(point_add_verilog::<Bn254, 254>(Simulator::Iverilog, 60, seed), 0, "bn254");
    assert_eq!(point_add_verilog::<Bls12_381, 381>(Simulator::Iverilog, 40, seed), 0, "bls12-381");
}

/// The long random run.
#[test]
fn point_add_verilog_matches_golden_under_verilator() {
    let seed = test_seed("point_add_verilog_matches_golden_under_verilator");
    assert_eq!(point_add_verilog::<Bn254, 254>(Simulator::Verilator, 2000, seed), 0, "bn254");
    assert_eq!(point_add_verilog::<Bls12_381, 381>(Simulator::Verilator, 1000, seed), 0, "bls12-381");
}
