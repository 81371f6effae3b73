//! The streaming NTT core up the ladder, against the golden model's transforms (`dft`, `idft`,
//! `coset_dft`, `coset_idft`, each then bit-reversed: the core's output order): rust-hdl
//! simulation with back-to-back transforms and random input gaps, the emitted Verilog under
//! iverilog and under a Verilator model driven from Rust, and a wrong twiddle table and a
//! wrong coset shift as negative controls; then the lane stream wrapper [`NttStream`], one
//! and four lanes, under random input gaps and output stalls, at full rate, and over-committed
//! as its negative control.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::golden::ntt::{bit_reverse_permute, coset_dft, coset_idft, dft, idft};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{
    LaneHandshake, LaneTraffic, Ports, Simulator, Vector, VerilatorModel, count_mismatches, simulate_lane_stream,
    simulate_unit, verilog_of,
};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::ntt::{NttCore, NttMode, NttStream, TwiddleFault, TwiddleRom};

const FIELDS: [FieldId; 2] = [FieldId::BabyBear, FieldId::KoalaBear];
const DATA_IN: [&str; 4] = ["data_in$0", "data_in$1", "data_in$2", "data_in$3"];
const DATA_OUT: [&str; 4] = ["data_out$0", "data_out$1", "data_out$2", "data_out$3"];

fn prime(field: FieldId) -> Prime31 {
    Prime31::new(field).unwrap()
}

/// Coset modes use the field's generator, as the LDE does.
fn coset(field: FieldId) -> NttMode {
    NttMode::Coset { shift: Fp::new(field).generator() }
}

/// The inverse of [`coset`].
fn coset_inverse(field: FieldId) -> NttMode {
    NttMode::CosetInverse { shift: Fp::new(field).generator() }
}

/// Per cycle: `valid_in` and one element per lane. `transforms` transforms per lane, the
/// first holding the corner values 0, 1 and p − 1 throughout; a cycle is a gap with
/// probability `gap_pct` %.
fn traffic(field: FieldId, lanes: usize, log_n: usize, transforms: usize, gap_pct: u64, seed: u64) -> Vec<Vector> {
    let p = field.modulus();
    let corners = [0, 1, p - 1];
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::new();
    let mut sent = 0;
    while sent < transforms << log_n {
        if rng.next_u64() % 100 < gap_pct {
            out.push((false, (0..lanes).map(|_| rng.element(field)).collect()));
            continue;
        }
        let values =
            (0..lanes).map(|l| if sent < 1 << log_n { corners[(sent + l) % 3] } else { rng.element(field) }).collect();
        out.push((true, values));
        sent += 1;
    }
    out
}

/// The golden results, per output: one value per lane, each transform bit-reversed.
fn expected(field: FieldId, log_n: usize, mode: NttMode, vectors: &[Vector]) -> Vec<Vec<u64>> {
    let f = Fp::new(field);
    let lanes = vectors[0].1.len();
    let inputs: Vec<&Vec<u64>> = vectors.iter().filter(|v| v.0).map(|v| &v.1).collect();
    let columns: Vec<Vec<u64>> = (0..lanes)
        .map(|l| {
            inputs
                .chunks(1 << log_n)
                .flat_map(|chunk| {
                    let x: Vec<u64> = chunk.iter().map(|v| v[l]).collect();
                    let mut y = match mode {
                        NttMode::Forward => dft(f, &x),
                        NttMode::Inverse => idft(f, &x),
                        NttMode::Coset { shift } => coset_dft(f, &x, shift),
                        NttMode::CosetInverse { shift } => coset_idft(f, &x, shift),
                    };
                    bit_reverse_permute(&mut y);
                    y
                })
                .collect()
        })
        .collect();
    (0..inputs.len()).map(|i| columns.iter().map(|c| c[i]).collect()).collect()
}

/// Runs the core in rust-hdl; returns every output (one value per lane) with its cycle.
fn rust_hdl_outputs<const L: usize>(uut: NttCore<L>, log_n: usize, vectors: &[Vector]) -> Vec<(usize, Vec<u64>)> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let drive = vectors.to_vec();
    let cycles = vectors.len() + NttCore::<L>::latency(log_n) + 16;
    let mut sim = simple_sim!(NttCore<L>, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        for cycle in 0..cycles {
            match drive.get(cycle) {
                Some((v, values)) => {
                    x.valid_in.next = *v;
                    for (port, &value) in x.data_in.iter_mut().zip(values) {
                        port.next = value.to_bits();
                    }
                }
                None => x.valid_in.next = false,
            }
            wait_clock_cycle!(ep, clock, x);
            if x.valid_out.val() {
                let values = x.data_out.iter().map(|s| s.val().to_u64()).collect();
                sink.lock().unwrap().push((cycle, values));
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 10_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

fn values(outputs: Vec<(usize, Vec<u64>)>) -> Vec<Vec<u64>> {
    outputs.into_iter().map(|(_, v)| v).collect()
}

/// The stage ROMs hold the golden roots: stage 0's table is the twiddle ROM's (the golden
/// `ω^j`, `j < n/2`), stage `s` every `2^s`-th entry of it, and the inverse tables invert it.
#[test]
fn stage_twiddles_are_the_golden_roots() {
    for field in FIELDS {
        let (p, f) = (prime(field), Fp::new(field));
        let fwd = NttCore::<1>::stage_twiddles(p, 6, false, TwiddleFault::None);
        let inv = NttCore::<1>::stage_twiddles(p, 6, true, TwiddleFault::None);
        let rom = TwiddleRom::<5>::twiddles(p, false);
        assert_eq!(fwd[0], rom, "{field}");
        for (s, table) in fwd.iter().enumerate() {
            assert!(table.iter().enumerate().all(|(j, &w)| w == rom[j << s]), "{field} stage {s}");
            assert!(table.iter().zip(&inv[s]).all(|(&w, &v)| f.mul(w, v) == 1), "{field} stage {s}");
        }
    }
}

/// Full-rate input, one lane: results match, the first appears exactly `latency` cycles after
/// the first element, and the results then leave one per cycle with no bubble.
#[test]
fn ntt_core_full_rate_matches_golden_in_rust_hdl() {
    let seed = test_seed("ntt_core_full_rate_matches_golden_in_rust_hdl");
    for (field, log_n, mode) in [
        (FieldId::BabyBear, 1, NttMode::Forward),
        (FieldId::KoalaBear, 2, NttMode::Inverse),
        (FieldId::BabyBear, 3, NttMode::Forward),
        (FieldId::KoalaBear, 5, NttMode::Forward),
        (FieldId::BabyBear, 6, coset(FieldId::BabyBear)),
        (FieldId::KoalaBear, 4, coset_inverse(FieldId::KoalaBear)),
    ] {
        let vectors = traffic(field, 1, log_n, 16, 0, seed);
        let got = rust_hdl_outputs(NttCore::<1>::new(prime(field), log_n, mode), log_n, &vectors);
        let latency = NttCore::<1>::latency(log_n);
        let cycles: Vec<usize> = got.iter().map(|(c, _)| *c).collect();
        // The testbench samples after each edge, so what the core outputs in cycle `latency`
        // (input in cycle 0) is recorded as testbench cycle `latency − 1`.
        let want_cycles: Vec<usize> = (latency - 1..latency - 1 + vectors.len()).collect();
        assert_eq!(cycles, want_cycles, "{field} k={log_n} {mode:?}: latency or bubbles");
        assert_eq!(
            count_mismatches(&values(got), &expected(field, log_n, mode, &vectors)),
            0,
            "{field} k={log_n} {mode:?}"
        );
    }
}

/// Random input gaps, every mode, both fields, two lanes.
#[test]
fn ntt_core_with_gaps_matches_golden_in_rust_hdl() {
    let seed = test_seed("ntt_core_with_gaps_matches_golden_in_rust_hdl");
    for field in FIELDS {
        for (log_n, mode) in [
            (4, NttMode::Forward),
            (3, NttMode::Inverse),
            (4, coset(field)),
            (3, coset_inverse(field)),
            (5, coset_inverse(field)),
        ] {
            let vectors = traffic(field, 2, log_n, 16, 30, seed);
            let got = rust_hdl_outputs(NttCore::<2>::new(prime(field), log_n, mode), log_n, &vectors);
            assert_eq!(
                count_mismatches(&values(got), &expected(field, log_n, mode, &vectors)),
                0,
                "{field} k={log_n} {mode:?}"
            );
        }
    }
}

/// Four lanes, with gaps: lanes share control but carry different columns.
#[test]
fn ntt_core_four_lanes_match_golden_in_rust_hdl() {
    let seed = test_seed("ntt_core_four_lanes_match_golden_in_rust_hdl");
    let field = FieldId::KoalaBear;
    let vectors = traffic(field, 4, 3, 16, 20, seed);
    let got = rust_hdl_outputs(NttCore::<4>::new(prime(field), 3, coset(field)), 3, &vectors);
    assert_eq!(count_mismatches(&values(got), &expected(field, 3, coset(field), &vectors)), 0);
}

/// Asserts that the checks catch `bad`, a one-lane `2^log_n`-point core meant to compute
/// `mode`: in rust-hdl and in its emitted Verilog, more than 10 of 3 transforms' results differ.
fn assert_caught(name: &str, bad: impl Fn() -> NttCore<1>, field: FieldId, log_n: usize, mode: NttMode, seed: u64) {
    let vectors = traffic(field, 1, log_n, 3, 10, seed);
    let want = expected(field, log_n, mode, &vectors);
    let got = values(rust_hdl_outputs(bad(), log_n, &vectors));
    assert!(count_mismatches(&got, &want) > 10, "rust-hdl: the checker did not see {name}");
    let latency = NttCore::<1>::latency(log_n) + 16;
    let got = simulate_unit(name, &verilog_of(bad()), &ports(1), latency, &vectors, Simulator::Iverilog).unwrap();
    assert!(count_mismatches(&got, &want) > 10, "iverilog: the checker did not see {name}");
}

/// Negative control: twiddle ROMs built from ω² instead of ω must be caught, in rust-hdl and
/// in the emitted Verilog.
#[test]
fn wrong_twiddle_rom_is_caught() {
    let (field, log_n, mode) = (FieldId::BabyBear, 4, NttMode::Forward);
    let bad = || NttCore::<1>::with_fault(prime(field), log_n, mode, TwiddleFault::WrongRoot);
    assert_caught("ntt_core_wrong_root", bad, field, log_n, mode, 7);
}

/// Negative control: a coset inverse core built with the wrong shift (`g + 1` for the
/// generator `g`) must be caught, in rust-hdl and in the emitted Verilog.
#[test]
fn wrong_coset_shift_is_caught() {
    let (field, log_n) = (FieldId::KoalaBear, 4);
    let wrong = NttMode::CosetInverse { shift: Fp::new(field).generator() + 1 };
    let bad = || NttCore::<1>::new(prime(field), log_n, wrong);
    assert_caught("ntt_core_wrong_shift", bad, field, log_n, coset_inverse(field), 11);
}

fn ports(lanes: usize) -> Ports {
    Ports {
        inputs: DATA_IN[..lanes].iter().map(|&n| (n, 32)).collect(),
        outputs: DATA_OUT[..lanes].iter().map(|&n| (n, 32)).collect(),
    }
}

#[test]
fn ntt_core_verilog_matches_golden_under_iverilog() {
    let seed = test_seed("ntt_core_verilog_matches_golden_under_iverilog");
    for (field, log_n, mode) in [
        (FieldId::BabyBear, 6, coset(FieldId::BabyBear)),
        (FieldId::KoalaBear, 5, NttMode::Inverse),
        (FieldId::BabyBear, 4, coset_inverse(FieldId::BabyBear)),
    ] {
        let vectors = traffic(field, 2, log_n, 20, 15, seed);
        let verilog = verilog_of(NttCore::<2>::new(prime(field), log_n, mode));
        let got = simulate_unit(
            &format!("ntt_core_{field}_{log_n}"),
            &verilog,
            &ports(2),
            NttCore::<2>::latency(log_n) + 16,
            &vectors,
            Simulator::Iverilog,
        )
        .unwrap();
        assert_eq!(count_mismatches(&got, &expected(field, log_n, mode, &vectors)), 0, "{field} k={log_n} {mode:?}");
    }
}

/// The on-chip maximum, 2^12 points, at full rate, and two-lane cores with gaps (coset and
/// coset inverse): over 100k input vectors through a Verilator model of the emitted Verilog.
#[test]
fn ntt_core_verilog_matches_golden_under_verilator() {
    let seed = test_seed("ntt_core_verilog_matches_golden_under_verilator");
    let runs: [(FieldId, usize, usize, NttMode, usize, u64); 3] = [
        (FieldId::BabyBear, 12, 1, NttMode::Forward, 20, 0),
        (FieldId::KoalaBear, 8, 2, coset(FieldId::KoalaBear), 100, 10),
        (FieldId::BabyBear, 10, 2, coset_inverse(FieldId::BabyBear), 20, 10),
    ];
    let mut total = 0;
    for (field, log_n, lanes, mode, transforms, gap_pct) in runs {
        let vectors = traffic(field, lanes, log_n, transforms, gap_pct, seed);
        let verilog = match lanes {
            1 => verilog_of(NttCore::<1>::new(prime(field), log_n, mode)),
            _ => verilog_of(NttCore::<2>::new(prime(field), log_n, mode)),
        };
        let latency = NttCore::<1>::latency(log_n);
        let model = VerilatorModel::build(&format!("ntt_core_{field}_{log_n}_{lanes}"), &verilog, &ports(lanes))
            .unwrap()
            .with_drain(latency + 16);
        let (got, rate) = model.run_measured(&vectors).unwrap();
        eprintln!("ntt_core {field} k={log_n} lanes={lanes}: {} vectors, {rate:.0} cycles/s", vectors.len());
        assert_eq!(count_mismatches(&got, &expected(field, log_n, mode, &vectors)), 0, "{field} k={log_n} {mode:?}");
        total += vectors.len();
    }
    assert!(total >= 100_000, "only {total} vectors");
}

/// A uniform draw in `[0, 1)` for [`LaneTraffic::random`].
fn unit_interval(rng: &mut SplitMix64) -> impl FnMut() -> f64 + '_ {
    || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// What a lane stream run saw: the result vectors delivered, the cycles it took and the
/// vectors the stream accepted.
struct StreamRun {
    results: Vec<Vec<u64>>,
    cycles: usize,
    accepted: usize,
}

/// How a stream test's producer and consumer behave per cycle: the producer offers with
/// probability `offer` %; the consumer stalls for the first `stall_until` cycles, then takes
/// with probability `take` %.
#[derive(Clone, Copy)]
struct Pace {
    offer: u64,
    take: u64,
    stall_until: usize,
}

impl Pace {
    fn random(offer: u64, take: u64) -> Self {
        Self { offer, take, stall_until: 0 }
    }
}

/// Drives `inputs` (one element per lane each) through an [`NttStream`] in rust-hdl at
/// `pace`, until every result is delivered or `20·len + 500` cycles (after the stall) pass.
fn run_stream<const L: usize>(uut: NttStream<L>, inputs: &[Vec<u64>], pace: Pace, seed: u64) -> StreamRun {
    let inputs = inputs.to_vec();
    let got = Arc::new(Mutex::new(StreamRun { results: Vec::new(), cycles: 0, accepted: 0 }));
    let sink = got.clone();
    let mut sim = simple_sim!(NttStream<L>, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        let mut rng = SplitMix64::new(seed);
        let (mut next, mut cycle) = (0, 0);
        let limit = pace.stall_until + 20 * inputs.len() + 500;
        while sink.lock().unwrap().results.len() < inputs.len() && cycle < limit {
            let offering = next < inputs.len() && rng.next_u64() % 100 < pace.offer;
            x.valid_in.next = offering;
            if let Some(vector) = inputs.get(next) {
                for (port, &value) in x.data_in.iter_mut().zip(vector) {
                    port.next = value.to_bits();
                }
            }
            let taking = rng.next_u64() % 100 < pace.take && cycle >= pace.stall_until;
            x.out_ready.next = taking;
            // Sample the handshake before the edge: both sides see the same cycle.
            let accepted = offering && x.ready.val();
            let delivered = taking && x.valid_out.val();
            let result: Vec<u64> = x.data_out.iter().map(|s| s.val().to_u64()).collect();
            wait_clock_cycle!(ep, clock, x);
            next += accepted as usize;
            if delivered {
                sink.lock().unwrap().results.push(result);
            }
            cycle += 1;
        }
        sink.lock().unwrap().cycles = cycle;
        sink.lock().unwrap().accepted = next;
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 10_000 * sim_time::ONE_MILLISECOND).unwrap();
    let run = got.lock().unwrap();
    StreamRun { results: run.results.clone(), cycles: run.cycles, accepted: run.accepted }
}

/// `transforms` back-to-back transforms on `lanes` lanes (the first of corner values): the
/// input vectors and their golden result vectors.
fn stream_case(
    field: FieldId,
    lanes: usize,
    log_n: usize,
    mode: NttMode,
    transforms: usize,
    seed: u64,
) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
    let vectors = traffic(field, lanes, log_n, transforms, 0, seed);
    let want = expected(field, log_n, mode, &vectors);
    (vectors.into_iter().map(|v| v.1).collect(), want)
}

/// A stream case: field, `log_n`, mode, and the producer's offer and consumer's take rates (%).
type StreamCase = (FieldId, usize, NttMode, u64, u64);

/// Runs `transforms` transforms of each case through an `L`-lane [`NttStream`] in rust-hdl at
/// its random pace and asserts every result arrives, right and in order.
fn assert_stream_matches<const L: usize>(cases: &[StreamCase], transforms: usize, seed: u64) {
    for &(field, log_n, mode, offer, take) in cases {
        let (inputs, want) = stream_case(field, L, log_n, mode, transforms, seed);
        let uut = NttStream::<L>::new(prime(field), log_n, mode);
        let run = run_stream(uut, &inputs, Pace::random(offer, take), seed ^ L as u64);
        let mismatches = count_mismatches(&run.results, &want);
        assert_eq!(mismatches, 0, "{L} lanes {field} k={log_n} {mode:?} after {} cycles", run.cycles);
    }
}

/// Random input gaps and 35–45 % output stalls, one and four lanes, every mode.
#[test]
fn ntt_stream_survives_random_gaps_and_stalls() {
    let seed = test_seed("ntt_stream_survives_random_gaps_and_stalls");
    assert_stream_matches::<1>(
        &[(FieldId::BabyBear, 4, NttMode::Forward, 70, 60), (FieldId::KoalaBear, 3, NttMode::Inverse, 90, 55)],
        12,
        seed,
    );
    assert_stream_matches::<4>(
        &[
            (FieldId::BabyBear, 3, coset(FieldId::BabyBear), 60, 65),
            (FieldId::KoalaBear, 4, coset_inverse(FieldId::KoalaBear), 80, 55),
        ],
        8,
        seed,
    );
}

/// No gaps, no stalls: one vector in and one out per cycle, so the run takes exactly the
/// vectors' count plus the stream's latency (the last vector's trip).
#[test]
fn ntt_stream_runs_one_vector_per_cycle_when_unstalled() {
    let (field, log_n, mode) = (FieldId::KoalaBear, 3, coset_inverse(FieldId::KoalaBear));
    let (inputs, want) = stream_case(field, 4, log_n, mode, 10, 3);
    let run = run_stream(NttStream::<4>::new(prime(field), log_n, mode), &inputs, Pace::random(100, 100), 5);
    assert_eq!(count_mismatches(&run.results, &want), 0);
    let latency = NttStream::<4>::latency(log_n);
    eprintln!(
        "ntt_stream x4 k={log_n}: {} vectors in {} cycles ({:.3} cycles per vector beyond the {latency}-cycle latency)",
        inputs.len(),
        run.cycles,
        (run.cycles - latency) as f64 / inputs.len() as f64
    );
    assert_eq!(run.cycles, inputs.len() + latency, "bubbles at full rate");
}

/// A consumer that never takes gets nothing, and the source is stopped at the capacity
/// (nothing is accepted that could be lost).
#[test]
fn ntt_stream_stalled_consumer_stops_the_source() {
    let (field, log_n, mode) = (FieldId::BabyBear, 3, NttMode::Forward);
    let (inputs, _) = stream_case(field, 4, log_n, mode, 10, 9);
    let run = run_stream(NttStream::<4>::new(prime(field), log_n, mode), &inputs, Pace::random(100, 0), 1);
    assert!(run.results.is_empty());
    assert_eq!(run.accepted, NttStream::<4>::capacity(log_n), "the stream accepted more than it can hold");
}

/// Negative control: a stream with more credit than room loses results when the consumer
/// stalls until everything accepted has reached the FIFO, in rust-hdl and in the emitted
/// Verilog, and the checks see it.
#[test]
fn overcommitted_ntt_stream_is_caught() {
    let (field, log_n, mode) = (FieldId::BabyBear, 3, NttMode::Forward);
    let (inputs, want) = stream_case(field, 4, log_n, mode, 12, 13);
    let bad = || NttStream::<4>::new(prime(field), log_n, mode).overcommitted();
    let stall = 4 * NttStream::<4>::capacity(log_n);
    let run = run_stream(bad(), &inputs, Pace { offer: 100, take: 50, stall_until: stall }, 17);
    assert!(count_mismatches(&run.results, &want) > 0, "rust-hdl: the checker did not see lost results");
    let mut rng = SplitMix64::new(19);
    let cycles = stall + 4 * want.len();
    let mut traffic = LaneTraffic::random(inputs, 0.0, 0.5, cycles, &mut unit_interval(&mut rng));
    traffic.take[..stall].fill(false);
    let got = simulate_lane_stream(
        "ntt_stream_overcommitted",
        &verilog_of(bad()),
        &ports(4),
        LaneHandshake::STANDARD,
        &traffic,
        Simulator::Iverilog,
    )
    .unwrap();
    assert!(count_mismatches(&got, &want) > 0, "iverilog: the checker did not see lost results");
}

/// The emitted Verilog, one and four lanes, under iverilog with random gaps and 40 % stalls.
#[test]
fn ntt_stream_verilog_survives_random_gaps_and_stalls_under_iverilog() {
    let seed = test_seed("ntt_stream_verilog_survives_random_gaps_and_stalls_under_iverilog");
    let mut rng = SplitMix64::new(seed ^ 2);
    for (field, lanes, log_n, mode) in [
        (FieldId::KoalaBear, 1, 6, coset(FieldId::KoalaBear)),
        (FieldId::BabyBear, 4, 5, coset_inverse(FieldId::BabyBear)),
    ] {
        let (inputs, want) = stream_case(field, lanes, log_n, mode, 12, seed);
        let verilog = match lanes {
            1 => verilog_of(NttStream::<1>::new(prime(field), log_n, mode)),
            _ => verilog_of(NttStream::<4>::new(prime(field), log_n, mode)),
        };
        let cycles = 4 * want.len() + 200;
        let traffic = LaneTraffic::random(inputs, 0.25, 0.4, cycles, &mut unit_interval(&mut rng));
        let name = format!("ntt_stream_{lanes}_{log_n}");
        let got = simulate_lane_stream(
            &name,
            &verilog,
            &ports(lanes),
            LaneHandshake::STANDARD,
            &traffic,
            Simulator::Iverilog,
        )
        .unwrap();
        assert_eq!(
            count_mismatches(&got, &want),
            0,
            "{lanes} lanes k={log_n}: {} of {} delivered",
            got.len(),
            want.len()
        );
    }
}

/// Over 100k random vectors through Verilator models of the emitted Verilog driven from Rust:
/// four lanes at the on-chip maximum (2^12 points) and one lane of coset inverses, with
/// random gaps and 40–50 % stalls; then the four-lane model again at full rate, with no cycle
/// to spare.
#[test]
fn ntt_stream_verilog_matches_golden_under_verilator() {
    let seed = test_seed("ntt_stream_verilog_matches_golden_under_verilator");
    let mut rng = SplitMix64::new(seed ^ 3);
    let (field, log_n, mode) = (FieldId::BabyBear, 12, NttMode::Forward);
    let (inputs, want) = stream_case(field, 4, log_n, mode, 26, seed);
    let verilog = verilog_of(NttStream::<4>::new(prime(field), log_n, mode));
    let drain = NttStream::<4>::capacity(log_n) + 16;
    let model = VerilatorModel::build_lane_stream("ntt_stream_4_12", &verilog, &ports(4), LaneHandshake::STANDARD)
        .unwrap()
        .with_drain(drain);
    let traffic = LaneTraffic::random(inputs.clone(), 0.2, 0.4, 3 * want.len(), &mut unit_interval(&mut rng));
    let (got, cycles, seconds) = model.run_traffic(&traffic).unwrap();
    eprintln!(
        "ntt_stream x4 {field} k={log_n}: {} vectors, {cycles} cycles, {:.0} cycles/s",
        inputs.len(),
        cycles as f64 / seconds
    );
    assert_eq!(count_mismatches(&got, &want), 0, "4 lanes k={log_n}: {} of {} delivered", got.len(), want.len());
    let mut total = inputs.len();
    // Full rate: offers and takes every cycle, and no drain: every result must be out within
    // the vectors' count plus the latency, so the stream took and gave one vector per cycle.
    let latency = NttStream::<4>::latency(log_n);
    let n = inputs.len();
    let offer = (0..n + latency).map(|c| c < n).collect();
    let full = LaneTraffic { vectors: inputs.clone(), offer, take: vec![true; n + latency] };
    let (got, cycles, seconds) = model.with_drain(0).run_traffic(&full).unwrap();
    assert_eq!(
        count_mismatches(&got, &want),
        0,
        "full rate: {} of {} delivered in {cycles} cycles",
        got.len(),
        want.len()
    );
    eprintln!(
        "ntt_stream x4 {field} k={log_n} full rate: {n} vectors in {cycles} cycles ({latency} of them latency), \
         {:.4} cycles per vector, {:.0} cycles/s",
        (cycles - latency) as f64 / n as f64,
        cycles as f64 / seconds
    );
    total += inputs.len();
    let (field, log_n, mode) = (FieldId::KoalaBear, 10, coset_inverse(FieldId::KoalaBear));
    let (inputs, want) = stream_case(field, 1, log_n, mode, 40, seed);
    let verilog = verilog_of(NttStream::<1>::new(prime(field), log_n, mode));
    let model = VerilatorModel::build_lane_stream("ntt_stream_1_10", &verilog, &ports(1), LaneHandshake::STANDARD)
        .unwrap()
        .with_drain(NttStream::<1>::capacity(log_n) + 16);
    let traffic = LaneTraffic::random(inputs.clone(), 0.1, 0.5, 3 * want.len(), &mut unit_interval(&mut rng));
    let (got, cycles, seconds) = model.run_traffic(&traffic).unwrap();
    eprintln!(
        "ntt_stream x1 {field} k={log_n} coset inverse: {} vectors, {:.0} cycles/s",
        inputs.len(),
        cycles as f64 / seconds
    );
    assert_eq!(count_mismatches(&got, &want), 0, "1 lane k={log_n}: {} of {} delivered", got.len(), want.len());
    total += inputs.len();
    assert!(total >= 100_000, "only {total} vectors");
}
