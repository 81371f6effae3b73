//! `LaneWriter` in rust-hdl against a model of the LDE unit's row port and a behavioural card
//! memory with random write stalls and response delays: every run writes exactly word
//! `rev(i)` of its lane at `base + i·stride` and nothing else, strides of one word and more,
//! every lane; the busy time with a memory that never stalls is exactly
//! [`LaneWriter::run_cycles`]; an error response is reported. Negative control: the same run
//! checked against the unit's own order (no reversal) must miss. Then yosys checks the
//! emitted Verilog.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::matrix::reverse_bits;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::card::LaneWriter;

/// One run: where, how far apart, how many (of a pass of `2^log_count`), which lane.
#[derive(Clone, Copy, Debug)]
struct Run {
    base: u64,
    stride: u64,
    count: u64,
    log_count: u64,
    lane: u64,
}

/// The memory's behaviour: stall percentages and the response delay.
#[derive(Clone, Copy)]
struct Memory {
    stall: u64,
    b_latency: u64,
    /// Byte addresses at and above this answer with an error.
    limit: u64,
}

/// Per run: the writes `(byte address → word)`, whether `error` was set, the busy cycles.
type Outcome = Vec<(BTreeMap<u64, u32>, bool, u64)>;

/// The unit's rows: lane `l` of row `a`.
fn unit_word(lane: u64, a: u64) -> u32 {
    ((lane << 20 | a).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as u32
}

fn simulate(runs: Vec<Run>, mem: Memory, seed: u64) -> Outcome {
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let mut sim = Simulation::<LaneWriter>::new();
    sim.add_clock(5, |x: &mut Box<LaneWriter>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<LaneWriter>| {
        let mut x = ep.init()?;
        let mut rng = SplitMix64::new(seed);
        let mut results = Vec::new();
        for run in &runs {
            let mut writes = BTreeMap::new();
            // AW and W seen but not yet paired, and responses due.
            let (mut aws, mut ws): (VecDeque<u64>, VecDeque<u32>) = (VecDeque::new(), VecDeque::new());
            let mut responses: VecDeque<(u64, bool)> = VecDeque::new();
            let mut pending_addr: Option<u64> = None;
            let (mut now, mut started, mut busy_cycles) = (0u64, false, 0u64);
            loop {
                let awready = rng.next_u64() % 100 >= mem.stall;
                let wready = rng.next_u64() % 100 >= mem.stall;
                let bvalid = responses.front().is_some_and(|&(at, _)| at <= now);
                x.mem_awready.next = awready;
                x.mem_wready.next = wready;
                x.mem_bvalid.next = bvalid;
                x.mem_bresp.next = if bvalid && responses.front().is_some_and(|r| r.1) { 2u64 } else { 0 }.into();
                x.start.next = !started;
                x.base.next = run.base.into();
                x.stride.next = run.stride.into();
                x.count.next = run.count.into();
                x.log_count.next = run.log_count.into();
                x.lane.next = run.lane.into();
                // The row port answers the address of the previous edge (LaneWriter::ROW_LATENCY = 1).
                if let Some(a) = pending_addr {
                    for (l, port) in [
                        &mut x.row0,
                        &mut x.row1,
                        &mut x.row2,
                        &mut x.row3,
                        &mut x.row4,
                        &mut x.row5,
                        &mut x.row6,
                        &mut x.row7,
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        port.next = u64::from(unit_word(l as u64, a)).into();
                    }
                }
                if x.mem_awvalid.val() && awready {
                    aws.push_back(x.mem_awaddr.val().to_u64());
                }
                if x.mem_wvalid.val() && wready {
                    ws.push_back(x.mem_wdata.val().to_u64() as u32);
                }
                while let (Some(&a), Some(&w)) = (aws.front(), ws.front()) {
                    aws.pop_front();
                    ws.pop_front();
                    assert!(writes.insert(a, w).is_none(), "address {a:#x} written twice");
                    responses.push_back((now + mem.b_latency, a + 4 > mem.limit));
                }
                if bvalid && x.mem_bready.val() {
                    responses.pop_front();
                }
                let busy = x.busy.val();
                let addr = x.row_addr.val().to_u64();
                x = ep.watch(|x| x.clock.val().clk, x)?;
                x = ep.watch(|x| !x.clock.val().clk, x)?;
                pending_addr = Some(addr);
                now += 1;
                if busy {
                    busy_cycles += 1;
                }
                if started && !busy {
                    break;
                }
                started = true;
                assert!(now < 1_000_000, "a run did not finish");
            }
            results.push((writes, x.error.val(), busy_cycles));
        }
        *sink.lock().unwrap() = results;
        ep.done(x)
    });
    sim.run(Box::new(LaneWriter::new()), 1_000_000_000).unwrap();
    out.lock().unwrap().clone()
}

/// What the run should write, the unit read at `order(i, bits)`.
fn expected(run: &Run, order: fn(usize, usize) -> usize) -> BTreeMap<u64, u32> {
    (0..run.count)
        .map(|i| (run.base + i * run.stride, unit_word(run.lane, order(i as usize, run.log_count as usize) as u64)))
        .collect()
}

fn random_runs(rng: &mut SplitMix64, n: usize) -> Vec<Run> {
    (0..n)
        .map(|_| {
            let log_count = rng.next_u64() % 9;
            let count =
                if rng.next_u64().is_multiple_of(4) { rng.next_u64() % (1 << log_count) } else { 1 << log_count };
            Run {
                base: 4 * (rng.next_u64() % (1 << 20)),
                stride: 4 * (1 + rng.next_u64() % 64),
                count,
                log_count,
                lane: rng.next_u64() % 8,
            }
        })
        .collect()
}

#[test]
fn runs_write_their_lane_in_memory_order() {
    let seed = test_seed("runs_write_their_lane_in_memory_order");
    let mut rng = SplitMix64::new(seed);
    for (stall, b_latency) in [(0, 1), (0, 9), (30, 4), (60, 20)] {
        let runs = random_runs(&mut rng, 8);
        let mem = Memory { stall, b_latency, limit: u64::MAX };
        let results = simulate(runs.clone(), mem, rng.next_u64());
        for (run, (writes, error, cycles)) in runs.iter().zip(&results) {
            assert_eq!(writes, &expected(run, reverse_bits), "{run:?}, stalls {stall}%, seed {seed}");
            assert!(!error, "{run:?}: error without an error response");
            if stall == 0 {
                assert_eq!(*cycles, LaneWriter::run_cycles(run.count, b_latency), "{run:?}: busy cycles");
            }
        }
    }
}

#[test]
fn an_error_response_is_reported_and_the_run_completes() {
    let seed = test_seed("an_error_response_is_reported_and_the_run_completes");
    let runs = vec![
        Run { base: 0, stride: 4, count: 8, log_count: 3, lane: 2 },
        Run { base: 4096 - 16, stride: 8, count: 4, log_count: 2, lane: 5 },
        Run { base: 64, stride: 4, count: 4, log_count: 2, lane: 0 },
    ];
    let results = simulate(runs.clone(), Memory { stall: 20, b_latency: 3, limit: 4096 }, seed);
    let flags: Vec<bool> = results.iter().map(|r| r.1).collect();
    assert_eq!(flags, [false, true, false], "only the run past the end fails, and the next one is clean");
    assert_eq!(results[1].0.len(), 4, "every word of the failing run is still written");
}

#[test]
fn the_unit_order_instead_of_memory_order_is_caught() {
    let seed = test_seed("the_unit_order_instead_of_memory_order_is_caught");
    let run = Run { base: 256, stride: 12, count: 16, log_count: 4, lane: 6 };
    let results = simulate(vec![run], Memory { stall: 10, b_latency: 2, limit: u64::MAX }, seed);
    assert_eq!(results[0].0, expected(&run, reverse_bits));
    assert_ne!(results[0].0, expected(&run, |i, _| i), "the check cannot tell the two orders apart");
}

#[test]
fn lane_writer_is_synthesizable() {
    let mut uut = LaneWriter::new();
    uut.connect_all();
    yosys_validate("lane_writer", &generate_verilog(&uut)).unwrap();
}
