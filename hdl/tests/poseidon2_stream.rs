//! The Poseidon2 permutations behind valid/ready streams (`Poseidon2Stream16` for BabyBear and
//! KoalaBear, `Poseidon2Stream8` for Goldilocks) against the golden permutation, under random
//! input gaps, random output stalls and stall bursts longer than the result FIFO can absorb
//! (so `ready` must drop), in the emitted Verilog under Verilator (driven from Rust, many
//! states) and iverilog (a few hundred), and the BabyBear stream briefly in rust-hdl's
//! simulator. Full rate: with no gaps and no stalls, one state per cycle. Negative controls:
//! an overcommitted credit under long stalls and a perturbed round constant must both fail.
//!
//! Each Verilator model of a whole permutation takes minutes to compile, so every test builds
//! its model once and runs all its traffic through it.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{
    LaneHandshake, LaneTraffic, Simulator, VerilatorModel, count_mismatches, simulate_lane_stream, verilog_of,
};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::poseidon2::{Poseidon2Stream8, Poseidon2Stream16, StateLanes};

type State = Vec<u64>;

const HS: LaneHandshake = LaneHandshake::STANDARD;

/// Canonical states of `width` lanes: all-0, all-1, all-(p − 1), the three mixed, then random.
fn states(field: FieldId, width: usize, n: usize, seed: u64) -> Vec<State> {
    let p = field.modulus();
    let corners = [0, 1, p - 1];
    let mut out: Vec<State> = corners.iter().map(|&c| vec![c; width]).collect();
    out.push((0..width).map(|i| corners[i % 3]).collect());
    let mut rng = SplitMix64::new(seed);
    while out.len() < n {
        out.push((0..width).map(|_| rng.element(field)).collect());
    }
    out.truncate(n);
    out
}

/// Inputs and golden outputs of `n` states under `spec`, in the lanes' form: Montgomery for
/// the 31-bit fields (`prime`), canonical for Goldilocks (`None`).
fn case(spec: &Poseidon2Spec, prime: Option<Prime31>, n: usize, seed: u64) -> (Vec<State>, Vec<State>) {
    let field = spec.f.id;
    let form = |s: State| match prime {
        Some(prime) => s.into_iter().map(|x| prime.to_mont(x)).collect(),
        None => s,
    };
    let inputs = states(field, spec.width, n, seed);
    let want = inputs
        .iter()
        .map(|s| {
            let mut s = s.clone();
            spec.permute(&mut s);
            form(s)
        })
        .collect();
    (inputs.into_iter().map(form).collect(), want)
}

/// Per cycle: the producer offers with probability `1 − gap`, the consumer takes with
/// probability `1 − stall`, except that every `period` cycles it stops for `burst` cycles in a
/// row (`(0, 1)`: no bursts). Just enough cycles for every state to pass at those rates and
/// leave a pipeline of `latency` cycles: iverilog runs the whole permutation at a few cycles
/// per second.
fn traffic(
    vectors: Vec<State>,
    gap: f64,
    stall: f64,
    (burst, period): (usize, usize),
    latency: usize,
    seed: u64,
) -> LaneTraffic {
    let mut rng = SplitMix64::new(seed);
    let mut coin = move |p: f64| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 >= p;
    let rate = (1.0 - gap).min((1.0 - stall) * (1.0 - burst as f64 / period as f64));
    let cycles = (vectors.len() as f64 / rate * 1.2) as usize + 2 * burst + latency + 64;
    let offer = (0..cycles).map(|_| coin(gap)).collect();
    let take = (0..cycles).map(|c| c % period >= burst && coin(stall)).collect();
    LaneTraffic { vectors, offer, take }
}

/// Stall bursts for a FIFO of `depth`: long enough that a producer offering 70% of the time
/// fills it with time to spare (so `ready` must drop), one per `4 × burst` cycles.
fn bursts(depth: usize, latency: usize) -> (usize, usize) {
    let burst = 2 * depth + latency;
    (burst, 4 * burst)
}

/// A producer that never gaps and a consumer that takes nothing until the pipeline and the
/// FIFO are full, then two cycles in three: more states than the FIFO holds must wait on
/// `ready`.
fn overflowing(vectors: Vec<State>, depth: usize, latency: usize, seed: u64) -> LaneTraffic {
    let cycles = 2 * (depth + latency) + 2 * vectors.len();
    let mut rng = SplitMix64::new(seed);
    let take = (0..cycles).map(|c| c >= depth + latency + 100 && !rng.next_u64().is_multiple_of(3)).collect();
    LaneTraffic { vectors, offer: vec![true; cycles], take }
}

/// A Verilator model of `verilog`'s lane stream, built once.
fn model<T: StateLanes>(name: &str, verilog: &str) -> VerilatorModel {
    let start = std::time::Instant::now();
    let model = VerilatorModel::build_lane_stream(name, verilog, &T::ports(), HS).unwrap();
    eprintln!("{name}: Verilator model built in {:.0?}", start.elapsed());
    model
}

/// Runs `traffic` through `model` and returns the states delivered, printing the rate.
fn run(name: &str, model: &VerilatorModel, traffic: &LaneTraffic) -> Vec<State> {
    let (got, cycles, seconds) = model.run_traffic(traffic).unwrap();
    eprintln!(
        "{name}: {} states in {cycles} cycles, {seconds:.1} s, {:.0} cycles/s (Verilator driven from Rust)",
        traffic.vectors.len(),
        cycles as f64 / seconds
    );
    got
}

/// Nothing gaps, nothing stalls: `n` states need `n + latency + 1` cycles, one per cycle once
/// the pipeline is full (no drain: every state must be out by the last cycle).
fn full_rate(name: &str, model: VerilatorModel, inputs: Vec<State>, want: &[State], latency: usize) -> VerilatorModel {
    let n = inputs.len();
    let cycles = n + latency + 1;
    let model = model.with_drain(0);
    let traffic = LaneTraffic { vectors: inputs, offer: vec![true; cycles], take: vec![true; cycles] };
    let (got, ran, _) = model.run_traffic(&traffic).unwrap();
    assert_eq!(ran, cycles);
    assert_eq!(count_mismatches(&got, want), 0, "{name}: {} of {n} states in {cycles} cycles", got.len());
    eprintln!("{name}: full rate, {n} states in {cycles} cycles ({n} + latency {latency} + 1)");
    model
}

/// Random gaps (30%), stalls (40%) and bursts through a stream's Verilator model.
fn gaps_and_stalls(
    name: &str,
    model: &VerilatorModel,
    (inputs, want): (Vec<State>, Vec<State>),
    depth: usize,
    latency: usize,
    seed: u64,
) {
    let t = traffic(inputs, 0.3, 0.4, bursts(depth, latency), latency, seed);
    let got = run(name, model, &t);
    assert_eq!(count_mismatches(&got, &want), 0, "{name}: {} of {} delivered, seed {seed:#x}", got.len(), want.len());
}

/// The 16-lane stream around BabyBear's permutation (KoalaBear's is the same wrapper, and its
/// permutation runs under Verilator in tests/poseidon2.rs and behind this wrapper in
/// `overcommitted_credit_loses_states`).
#[test]
fn stream16_verilator_matches_golden_under_gaps_and_stalls() {
    let field = FieldId::BabyBear;
    let seed = test_seed(&format!("stream16_verilator {field}"));
    let prime = Prime31::new(field).unwrap();
    let spec = Poseidon2Spec::for_field(field);
    let latency = Poseidon2Stream16::latency(prime);
    let name = format!("poseidon2_stream16_{field}");
    let model = model::<Poseidon2Stream16>(&name, &verilog_of(Poseidon2Stream16::new(prime).unwrap()));
    let (inputs, want) = case(&spec, Some(prime), 5_000, seed ^ 1);
    let model = full_rate(&name, model, inputs, &want, latency).with_drain(latency + 16);
    let (inputs, want) = case(&spec, Some(prime), Poseidon2Stream16::DEPTH + 200, seed ^ 3);
    let got = run(&name, &model, &overflowing(inputs, Poseidon2Stream16::DEPTH, latency, seed ^ 4));
    assert_eq!(count_mismatches(&got, &want), 0, "{name}: the FIFO overflowed, seed {seed:#x}");
    let case = case(&spec, Some(prime), STATES, seed);
    gaps_and_stalls(&name, &model, case, Poseidon2Stream16::DEPTH, latency, seed ^ 2);
}

#[test]
fn stream8_verilator_matches_golden_under_gaps_and_stalls() {
    let seed = test_seed("stream8_verilator");
    let spec = Poseidon2Spec::for_field(FieldId::Goldilocks);
    let latency = Poseidon2Stream8::LATENCY;
    let name = "poseidon2_stream8_goldilocks";
    let model = model::<Poseidon2Stream8>(name, &verilog_of(Poseidon2Stream8::new().unwrap()));
    let (inputs, want) = case(&spec, None, 3_000, seed ^ 1);
    let model = full_rate(name, model, inputs, &want, latency).with_drain(latency + 16);
    let case = case(&spec, None, STATES, seed);
    gaps_and_stalls(name, &model, case, Poseidon2Stream8::DEPTH, latency, seed ^ 2);
}

/// States per field under Verilator with gaps and stalls, after the full-rate and overflow
/// runs (the model runs ~4,000 to 10,000 cycles/s, the traffic ~3 cycles per state: 20,000
/// states are 5 to 15 s, and more states add no new schedule the stalls have not made).
const STATES: usize = 20_000;

/// iverilog: a few hundred states (a hundred for Goldilocks) with gaps and stalls through each
/// stream wrapper; too few to fill the FIFO, which the Verilator runs do. iverilog runs the
/// whole permutation at a few cycles per second, so the 16-lane wrapper runs with BabyBear's
/// permutation only: KoalaBear's is the same wrapper around the permutation that
/// `tests/poseidon2.rs` runs under iverilog.
#[test]
fn streams_iverilog_match_golden() {
    for field in [FieldId::BabyBear, FieldId::Goldilocks] {
        let seed = test_seed(&format!("streams_iverilog {field}"));
        let spec = Poseidon2Spec::for_field(field);
        let start = std::time::Instant::now();
        let (name, verilog, ports, prime, latency, n) = match field {
            FieldId::Goldilocks => (
                "stream8",
                verilog_of(Poseidon2Stream8::new().unwrap()),
                Poseidon2Stream8::ports(),
                None,
                Poseidon2Stream8::LATENCY,
                100,
            ),
            _ => {
                let prime = Prime31::new(field).unwrap();
                let verilog = verilog_of(Poseidon2Stream16::new(prime).unwrap());
                ("stream16", verilog, Poseidon2Stream16::ports(), Some(prime), Poseidon2Stream16::latency(prime), 200)
            }
        };
        let (inputs, want) = case(&spec, prime, n, seed);
        let t = traffic(inputs, 0.3, 0.4, (0, 1), latency, seed ^ 2);
        let got = simulate_lane_stream(name, &verilog, &ports, HS, &t, Simulator::Iverilog).unwrap();
        eprintln!("{field} iverilog: {n} states, {} cycles in {:.1?}", t.offer.len(), start.elapsed());
        assert_eq!(count_mismatches(&got, &want), 0, "{field}: {} of {n} delivered, seed {seed:#x}", got.len());
    }
}

/// Negative control: a perturbed partial-round constant must be caught (iverilog).
#[test]
fn perturbed_round_constant_is_caught() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let spec = Poseidon2Spec::for_field(prime.field);
    let mut wrong = spec.clone();
    wrong.rc_internal[5] = (wrong.rc_internal[5] + 1) % prime.p;
    let (inputs, want) = case(&spec, Some(prime), 12, 7);
    let t = traffic(inputs, 0.3, 0.4, (0, 1), Poseidon2Stream16::latency(prime), 9);
    let verilog = verilog_of(Poseidon2Stream16::with_spec(prime, &wrong).unwrap());
    let got =
        simulate_lane_stream("perturbed", &verilog, &Poseidon2Stream16::ports(), HS, &t, Simulator::Iverilog).unwrap();
    assert_eq!(got.len(), want.len(), "a wrong constant changes values, not the count");
    assert!(count_mismatches(&got, &want) > 0, "a perturbed round constant went unnoticed");
}

/// Negative control: one state of credit too many under traffic that overflows the FIFO
/// without back-pressure (the same traffic the correct credit passes in
/// `stream16_verilator_matches_golden_under_gaps_and_stalls`): the FIFO drops a result and
/// the check catches it.
#[test]
fn overcommitted_credit_loses_states() {
    let prime = Prime31::new(FieldId::KoalaBear).unwrap();
    let spec = Poseidon2Spec::for_field(prime.field);
    let latency = Poseidon2Stream16::latency(prime);
    let depth = Poseidon2Stream16::DEPTH;
    let (inputs, want) = case(&spec, Some(prime), depth + 200, 11);
    let over = verilog_of(Poseidon2Stream16::new(prime).unwrap().overcommitted());
    let model = model::<Poseidon2Stream16>("overcommitted", &over).with_drain(latency + 16);
    let got = run("overcommitted", &model, &overflowing(inputs, depth, latency, 13));
    let bad = count_mismatches(&got, &want);
    eprintln!("overcommitted: {bad} mismatches, {} of {} delivered", got.len(), want.len());
    assert!(bad > 0, "an overcommitted stream delivered everything");
}

/// What a rust-hdl run saw: the states delivered and whether `ready` ever dropped.
#[derive(Clone, Default)]
struct Seen {
    got: Vec<State>,
    ready_dropped: bool,
}

/// The BabyBear stream in rust-hdl's simulator: a short run with gaps and stalls. The FIFO
/// (512) is far deeper than such a run, so back-pressure is left to the Verilog runs.
#[test]
fn stream16_rust_hdl_matches_golden() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let seed = test_seed("stream16_rust_hdl");
    let (inputs, want) = case(&Poseidon2Spec::for_field(prime.field), Some(prime), 48, seed);
    let t = traffic(inputs, 0.3, 0.4, (60, 240), Poseidon2Stream16::latency(prime), seed ^ 2);
    let LaneTraffic { vectors, offer, take } = t;
    let cycles = offer.len();
    let out = Arc::new(Mutex::new(Seen::default()));
    let sink = out.clone();
    let mut sim = Simulation::<Poseidon2Stream16>::new();
    sim.add_clock(5_000, |x: &mut Box<Poseidon2Stream16>| x.toggle_clock());
    sim.add_testbench(move |mut ep: Sim<Poseidon2Stream16>| {
        let mut x = ep.init()?;
        let (mut next, mut seen) = (0, Seen::default());
        for cycle in 0..cycles {
            let offering = next < vectors.len() && offer[cycle];
            x.drive(offering, vectors.get(next).unwrap_or(&vectors[0]));
            x.out_ready.next = take[cycle];
            // Handshakes are sampled before the edge that completes them (`ready`,
            // `valid_out` and the lanes out depend on registers only).
            let accepted = offering && x.ready.val();
            seen.ready_dropped |= !x.ready.val();
            let delivered = if take[cycle] { x.sample() } else { None };
            x = ep.watch(|x| x.clock_high(), x)?;
            x = ep.watch(|x| !x.clock_high(), x)?;
            next += usize::from(accepted);
            seen.got.extend(delivered);
            if seen.got.len() == vectors.len() {
                break;
            }
        }
        *sink.lock().unwrap() = seen;
        ep.done(x)
    });
    let mut uut = Poseidon2Stream16::new(prime).unwrap();
    uut.connect_all();
    let start = std::time::Instant::now();
    sim.run(Box::new(uut), (cycles as u64 + 10) * 10_000).unwrap();
    let seen = out.lock().unwrap().clone();
    eprintln!("rust-hdl: {} states through the BabyBear stream in {:.1?}", want.len(), start.elapsed());
    assert!(!seen.ready_dropped, "48 states cannot fill a 512-entry FIFO");
    assert_eq!(count_mismatches(&seen.got, &want), 0, "seed {seed:#x}");
}
