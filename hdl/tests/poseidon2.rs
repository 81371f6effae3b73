//! The Poseidon2 datapath up the ladder, against the golden model (`Poseidon2Spec`, whose
//! constants and layers are checked against Plonky3 in `core`): the linear layers, the rounds
//! and the whole permutation, on Montgomery-form lanes.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::{Fp, Poseidon2Spec};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::poseidon2::{
    ExternalLayer8, ExternalLayer16, InternalLayer8, InternalLayer16, Poseidon2Perm8, Poseidon2Perm16, StateLanes,
};

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];

type State = Vec<u64>;

/// `(valid, lanes)`: all-zero, all-one and all-(p − 1) states first, then random states with
/// ~20% bubbles.
fn vectors(prime: Prime31, n: usize, seed: u64) -> Vec<(bool, State)> {
    let mut v = vec![(true, vec![0; 16]), (true, vec![1; 16]), (true, vec![prime.p - 1; 16])];
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        let valid = !rng.next_u64().is_multiple_of(5);
        v.push((valid, (0..16).map(|_| rng.element(prime.field)).collect()));
    }
    v
}

/// Runs `uut` in rust-hdl's simulator on `vecs` and returns the states it produced.
fn rust_hdl_outputs<T: Block + StateLanes + Send + 'static>(
    uut: T,
    vecs: &[(bool, State)],
    latency: usize,
) -> Vec<State> {
    let vecs = vecs.to_vec();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let cycles = vecs.len() + latency + 2;
    let mut sim = Simulation::new();
    sim.add_clock(5_000, |x: &mut Box<T>| x.toggle_clock());
    sim.add_testbench(move |mut ep: Sim<T>| {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            match vecs.get(cycle) {
                Some((v, lanes)) => x.drive(*v, lanes),
                None => x.drive(false, &vec![0; T::WIDTH]),
            }
            // One clock cycle, as wait_clock_cycle! does for a named clock.
            if x.clock_high() {
                x = ep.watch(|x| !x.clock_high(), x)?;
                x = ep.watch(|x| x.clock_high(), x)?;
            } else {
                x = ep.watch(|x| x.clock_high(), x)?;
                x = ep.watch(|x| !x.clock_high(), x)?;
            }
            if let Some(lanes) = x.sample() {
                sink.lock().unwrap().push(lanes);
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

/// Runs the emitted Verilog of `uut` under `sim` on `vecs`.
fn verilog_outputs<T: Block + StateLanes>(
    name: &str,
    uut: T,
    vecs: &[(bool, State)],
    latency: usize,
    sim: Simulator,
) -> Vec<State> {
    let vectors: Vec<Vector> = vecs.iter().map(|(v, lanes)| (*v, lanes.to_vec())).collect();
    match sim {
        Simulator::VerilatorFromRust => {
            let model = slotproof_hdl::eda::VerilatorModel::build(name, &verilog_of(uut), &T::ports())
                .unwrap()
                .with_drain(latency + 4);
            let (out, rate) = model.run_measured(&vectors).unwrap();
            eprintln!("{name}: Verilator driven from Rust, {} vectors, {rate:.0} cycles/s", vectors.len());
            out
        }
        _ => simulate_unit(name, &verilog_of(uut), &T::ports(), latency, &vectors, sim).unwrap(),
    }
}

/// Which linear layer.
#[derive(Clone, Copy, Debug)]
enum Layer {
    External,
    Internal,
}

/// The golden layer plus constants, on Montgomery representations (the layers are linear, so
/// they act on them as on the values).
fn layer_expected(layer: Layer, prime: Prime31, rc: &[u64; 16], vecs: &[(bool, State)]) -> Vec<State> {
    let spec = Poseidon2Spec::for_field(prime.field);
    let f = Fp::new(prime.field);
    vecs.iter()
        .filter(|v| v.0)
        .map(|(_, lanes)| {
            let mut s = lanes.clone();
            match layer {
                Layer::External => spec.external_linear(&mut s),
                Layer::Internal => spec.internal_linear(&mut s),
            }
            (0..16).map(|i| f.add(s[i], prime.to_mont(rc[i]))).collect()
        })
        .collect()
}

/// Mismatches of `layer`'s rust-hdl simulation (or, with `sim`, its Verilog) against the
/// golden layer on `vecs`.
fn layer_mismatches(
    layer: Layer,
    prime: Prime31,
    rc: &[u64; 16],
    vecs: &[(bool, State)],
    sim: Option<Simulator>,
) -> usize {
    let want = layer_expected(layer, prime, rc, vecs);
    let name = format!("{layer:?}_layer16_{}", prime.field).to_lowercase();
    let got = match (layer, sim) {
        (Layer::External, None) => rust_hdl_outputs(ExternalLayer16::new(prime, rc), vecs, ExternalLayer16::LATENCY),
        (Layer::Internal, None) => {
            rust_hdl_outputs(InternalLayer16::new(prime, rc).unwrap(), vecs, InternalLayer16::LATENCY)
        }
        (Layer::External, Some(sim)) => {
            verilog_outputs(&name, ExternalLayer16::new(prime, rc), vecs, ExternalLayer16::LATENCY, sim)
        }
        (Layer::Internal, Some(sim)) => {
            verilog_outputs(&name, InternalLayer16::new(prime, rc).unwrap(), vecs, InternalLayer16::LATENCY, sim)
        }
    };
    count_mismatches(&got, &want)
}

fn random_rc(prime: Prime31, seed: u64) -> [u64; 16] {
    let mut rng = SplitMix64::new(seed ^ 0xC0FF_EE00);
    std::array::from_fn(|_| rng.element(prime.field))
}

#[test]
fn linear_layers_match_golden_in_rust_hdl() {
    let seed = test_seed("linear_layers_match_golden_in_rust_hdl");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let rc = random_rc(prime, seed);
        let vecs = vectors(prime, 1000, seed);
        for layer in [Layer::External, Layer::Internal] {
            assert_eq!(layer_mismatches(layer, prime, &rc, &vecs, None), 0, "{layer:?} {field}, seed {seed:#x}");
        }
    }
}

#[test]
fn linear_layers_verilog_matches_golden() {
    let seed = test_seed("linear_layers_verilog_matches_golden");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let rc = random_rc(prime, seed);
        for (sim, n) in [(Simulator::Iverilog, 5_000), (Simulator::VerilatorFromRust, 100_000)] {
            let vecs = vectors(prime, n, seed);
            for layer in [Layer::External, Layer::Internal] {
                let bad = layer_mismatches(layer, prime, &rc, &vecs, Some(sim));
                assert_eq!(bad, 0, "{layer:?} {field} {sim:?}, seed {seed:#x}");
            }
        }
    }
}

/// Negative controls: the checks above must catch a layer built from a wrong diagonal (two
/// entries swapped) or a wrong field shape (the other prime's `s`).
#[test]
fn wrong_layer_constants_are_caught() {
    let seed = test_seed("wrong_layer_constants_are_caught");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let rc = random_rc(prime, seed);
    let vecs = vectors(prime, 200, seed);
    let mut diag = Poseidon2Spec::for_field(prime.field).internal_diag;
    diag.swap(3, 12);
    let swapped = InternalLayer16::with_diagonal(prime, &diag, &rc).unwrap();
    let got = rust_hdl_outputs(swapped, &vecs, InternalLayer16::LATENCY);
    assert!(count_mismatches(&got, &layer_expected(Layer::Internal, prime, &rc, &vecs)) > 100);
    let wrong = prime.with_wrong_shift();
    let got = rust_hdl_outputs(ExternalLayer16::new(wrong, &rc), &vecs, ExternalLayer16::LATENCY);
    assert!(count_mismatches(&got, &layer_expected(Layer::External, prime, &rc, &vecs)) > 100);
}

/// Golden permutations of random canonical states, as Montgomery-form vectors and results.
fn permutation_case(prime: Prime31, n: usize, seed: u64) -> (Vec<(bool, State)>, Vec<State>) {
    let spec = Poseidon2Spec::for_field(prime.field);
    let vecs = vectors(prime, n, seed);
    let want = vecs
        .iter()
        .filter(|v| v.0)
        .map(|(_, s)| {
            let mut s = s.clone();
            spec.permute(&mut s);
            s.into_iter().map(|x| prime.to_mont(x)).collect()
        })
        .collect();
    (vecs.into_iter().map(|(v, s)| (v, s.into_iter().map(|x| prime.to_mont(x)).collect())).collect(), want)
}

#[test]
fn permutation_matches_golden_in_rust_hdl() {
    let seed = test_seed("permutation_matches_golden_in_rust_hdl");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let (vecs, want) = permutation_case(prime, 150, seed);
        let start = std::time::Instant::now();
        let got = rust_hdl_outputs(Poseidon2Perm16::new(prime).unwrap(), &vecs, Poseidon2Perm16::latency(prime));
        eprintln!("{field}: {} cycles in {:.1?}", vecs.len() + Poseidon2Perm16::latency(prime), start.elapsed());
        assert_eq!(count_mismatches(&got, &want), 0, "{field}, seed {seed:#x}");
    }
}

/// Random states per permutation under Verilator (its build, not the run, is the cost).
const VERILATOR_STATES: usize = 30_000;

/// The width-16 permutation of `field` under iverilog and Verilator (one test per field, so
/// the two fields' slow runs share the cores).
fn permutation_verilog_matches_golden(field: FieldId) {
    let seed = test_seed(&format!("permutation_verilog_matches_golden {field}"));
    let prime = Prime31::new(field).unwrap();
    let latency = Poseidon2Perm16::latency(prime);
    for (sim, n) in [(Simulator::Iverilog, 200), (Simulator::VerilatorFromRust, VERILATOR_STATES)] {
        let (vecs, want) = permutation_case(prime, n, seed);
        let start = std::time::Instant::now();
        let name = format!("poseidon2_perm16_{field}");
        let got = verilog_outputs(&name, Poseidon2Perm16::new(prime).unwrap(), &vecs, latency, sim);
        eprintln!("{field} {sim:?}: {n} vectors in {:.1?}", start.elapsed());
        assert_eq!(count_mismatches(&got, &want), 0, "{field} {sim:?}, seed {seed:#x}");
    }
}

#[test]
fn babybear_permutation_verilog_matches_golden() {
    permutation_verilog_matches_golden(FieldId::BabyBear);
}

#[test]
fn koalabear_permutation_verilog_matches_golden() {
    permutation_verilog_matches_golden(FieldId::KoalaBear);
}

// Goldilocks, width 8: canonical lanes (no Montgomery form).

const GL: FieldId = FieldId::Goldilocks;

/// `(valid, lanes)` for Goldilocks: all-zero, all-one and all-(p − 1) first, then random
/// states with ~20% bubbles.
fn goldilocks_vectors(n: usize, seed: u64) -> Vec<(bool, State)> {
    let p = GL.modulus();
    let mut v = vec![(true, vec![0; 8]), (true, vec![1; 8]), (true, vec![p - 1; 8])];
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        let valid = !rng.next_u64().is_multiple_of(5);
        v.push((valid, (0..8).map(|_| rng.element(GL)).collect()));
    }
    v
}

fn goldilocks_layer_expected(layer: Layer, diag: &[u64], rc: &[u64; 8], vecs: &[(bool, State)]) -> Vec<State> {
    let mut spec = Poseidon2Spec::for_field(GL);
    spec.internal_diag = diag.to_vec();
    let f = Fp::new(GL);
    vecs.iter()
        .filter(|v| v.0)
        .map(|(_, lanes)| {
            let mut s = lanes.clone();
            match layer {
                Layer::External => spec.external_linear(&mut s),
                Layer::Internal => spec.internal_linear(&mut s),
            }
            (0..8).map(|i| f.add(s[i], rc[i])).collect()
        })
        .collect()
}

#[test]
fn goldilocks_linear_layers_match_golden() {
    let seed = test_seed("goldilocks_linear_layers_match_golden");
    let mut rng = SplitMix64::new(seed ^ 0xC0FF_EE00);
    let rc: [u64; 8] = std::array::from_fn(|_| rng.element(GL));
    let diag = Poseidon2Spec::for_field(GL).internal_diag;
    // Bits wider than 32 simulate bit by bit in rust-hdl: a few hundred states here, and
    // 100k under Verilator.
    let vecs = goldilocks_vectors(300, seed);
    let got = rust_hdl_outputs(ExternalLayer8::new(&rc), &vecs, ExternalLayer8::LATENCY);
    assert_eq!(count_mismatches(&got, &goldilocks_layer_expected(Layer::External, &diag, &rc, &vecs)), 0);
    let got = rust_hdl_outputs(InternalLayer8::new(&rc).unwrap(), &vecs, InternalLayer8::LATENCY);
    assert_eq!(count_mismatches(&got, &goldilocks_layer_expected(Layer::Internal, &diag, &rc, &vecs)), 0);
    for (sim, n) in [(Simulator::Iverilog, 5_000), (Simulator::VerilatorFromRust, 100_000)] {
        let vecs = goldilocks_vectors(n, seed);
        let got = verilog_outputs("external_layer8", ExternalLayer8::new(&rc), &vecs, ExternalLayer8::LATENCY, sim);
        let bad = count_mismatches(&got, &goldilocks_layer_expected(Layer::External, &diag, &rc, &vecs));
        assert_eq!(bad, 0, "external {sim:?}, seed {seed:#x}");
        let got =
            verilog_outputs("internal_layer8", InternalLayer8::new(&rc).unwrap(), &vecs, InternalLayer8::LATENCY, sim);
        let bad = count_mismatches(&got, &goldilocks_layer_expected(Layer::Internal, &diag, &rc, &vecs));
        assert_eq!(bad, 0, "internal {sim:?}, seed {seed:#x}");
    }
    // Negative control: a diagonal with two entries swapped must be caught.
    let mut swapped = diag.clone();
    swapped.swap(1, 3);
    let vecs = goldilocks_vectors(100, seed);
    let got = rust_hdl_outputs(InternalLayer8::with_diagonal(&swapped, &rc).unwrap(), &vecs, InternalLayer8::LATENCY);
    assert!(count_mismatches(&got, &goldilocks_layer_expected(Layer::Internal, &diag, &rc, &vecs)) > 50);
}

#[test]
fn goldilocks_permutation_verilog_matches_golden() {
    let seed = test_seed("goldilocks_permutation_verilog_matches_golden");
    let spec = Poseidon2Spec::for_field(GL);
    // The whole permutation simulates at a few cycles per second in rust-hdl (its lanes are
    // 64-bit); its rounds are checked there through the layers and S-box, and the whole
    // chain here, in the emitted Verilog.
    for (sim, n) in [(Simulator::Iverilog, 100), (Simulator::VerilatorFromRust, VERILATOR_STATES)] {
        let vecs = goldilocks_vectors(n, seed);
        let want: Vec<State> = vecs
            .iter()
            .filter(|v| v.0)
            .map(|(_, s)| {
                let mut s = s.clone();
                spec.permute(&mut s);
                s
            })
            .collect();
        let start = std::time::Instant::now();
        let got = verilog_outputs(
            "poseidon2_perm8_goldilocks",
            Poseidon2Perm8::new().unwrap(),
            &vecs,
            Poseidon2Perm8::LATENCY,
            sim,
        );
        eprintln!("goldilocks {sim:?}: {n} vectors in {:.1?}", start.elapsed());
        assert_eq!(count_mismatches(&got, &want), 0, "{sim:?}, seed {seed:#x}");
    }
}
