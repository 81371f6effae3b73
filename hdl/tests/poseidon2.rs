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
use slotproof_hdl::poseidon2::{ExternalLayer16, InternalLayer16, Lanes16, Poseidon2Perm16};

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];

type State = [u64; 16];

/// `(valid, lanes)`: all-zero, all-one and all-(p − 1) states first, then random states with
/// ~20% bubbles.
fn vectors(prime: Prime31, n: usize, seed: u64) -> Vec<(bool, State)> {
    let mut v = vec![(true, [0; 16]), (true, [1; 16]), (true, [prime.p - 1; 16])];
    let mut rng = SplitMix64::new(seed);
    while v.len() < n {
        let valid = !rng.next_u64().is_multiple_of(5);
        v.push((valid, std::array::from_fn(|_| rng.element(prime.field))));
    }
    v
}

/// Runs `uut` in rust-hdl's simulator on `vecs` and returns the states it produced.
fn rust_hdl_outputs<T: Block + Lanes16 + Send + 'static>(uut: T, vecs: &[(bool, State)], latency: usize) -> Vec<State> {
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
                None => x.drive(false, &[0; 16]),
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
fn verilog_outputs<T: Block + Lanes16>(
    name: &str,
    uut: T,
    vecs: &[(bool, State)],
    latency: usize,
    sim: Simulator,
) -> Vec<State> {
    let vectors: Vec<Vector> = vecs.iter().map(|(v, lanes)| (*v, lanes.to_vec())).collect();
    let out = match sim {
        Simulator::VerilatorFromRust => {
            let model = slotproof_hdl::eda::VerilatorModel::build(name, &verilog_of(uut), &T::ports())
                .unwrap()
                .with_drain(latency + 4);
            let (out, rate) = model.run_measured(&vectors).unwrap();
            eprintln!("{name}: Verilator driven from Rust, {} vectors, {rate:.0} cycles/s", vectors.len());
            out
        }
        _ => simulate_unit(name, &verilog_of(uut), &T::ports(), latency, &vectors, sim).unwrap(),
    };
    out.into_iter().map(|v| v.try_into().expect("16 lanes")).collect()
}

/// Which linear layer.
#[derive(Clone, Copy, Debug)]
enum Layer {
    External,
    Internal,
}

/// The golden layer plus constants, on Montgomery representations (the layers are linear, so
/// they act on them as on the values).
fn layer_expected(layer: Layer, prime: Prime31, rc: &State, vecs: &[(bool, State)]) -> Vec<State> {
    let spec = Poseidon2Spec::for_field(prime.field);
    let f = Fp::new(prime.field);
    vecs.iter()
        .filter(|v| v.0)
        .map(|(_, lanes)| {
            let mut s = *lanes;
            match layer {
                Layer::External => spec.external_linear(&mut s),
                Layer::Internal => spec.internal_linear(&mut s),
            }
            std::array::from_fn(|i| f.add(s[i], prime.to_mont(rc[i])))
        })
        .collect()
}

/// Mismatches of `layer`'s rust-hdl simulation (or, with `sim`, its Verilog) against the
/// golden layer on `vecs`.
fn layer_mismatches(layer: Layer, prime: Prime31, rc: &State, vecs: &[(bool, State)], sim: Option<Simulator>) -> usize {
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

fn random_rc(prime: Prime31, seed: u64) -> State {
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
            let mut s = *s;
            spec.permute(&mut s);
            s.map(|x| prime.to_mont(x))
        })
        .collect();
    (vecs.into_iter().map(|(v, s)| (v, s.map(|x| prime.to_mont(x)))).collect(), want)
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

#[test]
fn permutation_verilog_matches_golden() {
    let seed = test_seed("permutation_verilog_matches_golden");
    for field in FIELDS {
        let prime = Prime31::new(field).unwrap();
        let latency = Poseidon2Perm16::latency(prime);
        for (sim, n) in [(Simulator::Iverilog, 200), (Simulator::VerilatorFromRust, 100_000)] {
            let (vecs, want) = permutation_case(prime, n, seed);
            let start = std::time::Instant::now();
            let name = format!("poseidon2_perm16_{field}");
            let got = verilog_outputs(&name, Poseidon2Perm16::new(prime).unwrap(), &vecs, latency, sim);
            eprintln!("{field} {sim:?}: {n} vectors in {:.1?}", start.elapsed());
            assert_eq!(count_mismatches(&got, &want), 0, "{field} {sim:?}, seed {seed:#x}");
        }
    }
}
