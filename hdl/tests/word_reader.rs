//! `WordReader` over a behavioural card memory with random read latency and back-pressure,
//! in rust-hdl: every run delivers exactly its words (consecutive or strided), in order,
//! indexed; an out-of-range read
//! sets `error`; a negative control (a memory answering one word off) is caught.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::card::WordReader;

/// What the memory holds at `addr` (a function, so any range can be read).
fn content(addr: u64) -> u32 {
    (addr.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as u32
}

/// A run: `(base, words, stride in bytes)`; the memory answers with `skew` words of offset
/// (0 = correct).
#[derive(Clone)]
struct Bench {
    runs: Vec<(u64, u32, u64)>,
    mem_bytes: u64,
    latency: u64,
    stall: u64,
    skew: u64,
    seed: u64,
}

/// Per run: the delivered `(index, data)` and whether `error` was set; and the cycles taken.
type Runs = Vec<(Vec<(u32, u32)>, bool, u64)>;

fn run(b: Bench) -> Runs {
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let mut sim = Simulation::<WordReader>::new();
    sim.add_clock(5, |x: &mut Box<WordReader>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<WordReader>| {
        let mut x = ep.init()?;
        let mut rng = SplitMix64::new(b.seed);
        let mut now = 0u64;
        let mut results = Vec::new();
        for &(base, words, stride) in &b.runs {
            let mut reads: VecDeque<(u64, u64)> = VecDeque::new();
            let mut got = Vec::new();
            let (began, mut started) = (now, false);
            loop {
                let arready = rng.next_u64() % 100 >= b.stall;
                let rvalid = reads.front().is_some_and(|&(at, _)| at <= now) && rng.next_u64() % 100 >= b.stall;
                let a = reads.front().map_or(0, |&(_, a)| a + 4 * b.skew);
                x.mem_arready.next = arready;
                x.mem_rvalid.next = rvalid;
                x.mem_rdata.next = u64::from(content(a)).into();
                x.mem_rresp.next = if a + 4 <= b.mem_bytes { 0u64 } else { 2 }.into();
                x.start.next = !started;
                x.base.next = base.into();
                x.stride.next = stride.into();
                x.words.next = u64::from(words).into();
                if x.valid_out.val() {
                    got.push((x.index.val().to_u64() as u32, x.data.val().to_u64() as u32));
                }
                let busy = x.busy.val();
                if x.mem_arvalid.val() && arready {
                    reads.push_back((now + b.latency, x.mem_araddr.val().to_u64()));
                }
                if rvalid && x.mem_rready.val() {
                    reads.pop_front();
                }
                x = ep.watch(|x| x.clock.val().clk, x)?;
                x = ep.watch(|x| !x.clock.val().clk, x)?;
                now += 1;
                if started && !busy {
                    break;
                }
                started = true;
                assert!(now - began < 1_000_000, "a run did not finish");
            }
            if x.valid_out.val() {
                got.push((x.index.val().to_u64() as u32, x.data.val().to_u64() as u32));
            }
            results.push((got, x.error.val(), now - began));
        }
        *sink.lock().unwrap() = results;
        ep.done(x)
    });
    sim.run(Box::new(WordReader::new()), 100_000_000).unwrap();
    out.lock().unwrap().clone()
}

fn expected(base: u64, words: u32, stride: u64) -> Vec<(u32, u32)> {
    (0..words).map(|i| (i, content(base + stride * u64::from(i)))).collect()
}

#[test]
fn runs_deliver_their_words_in_order() {
    let seed = test_seed("runs_deliver_their_words_in_order");
    let mut rng = SplitMix64::new(seed);
    for (latency, stall) in [(1, 0), (6, 0), (20, 30), (45, 10)] {
        // Half the runs consecutive, half a random stride apart.
        let runs: Vec<(u64, u32, u64)> = (0..6)
            .map(|k| {
                let stride = if k % 2 == 0 { 4 } else { 4 * (1 + rng.next_u64() % 1024) };
                (4 * (rng.next_u64() % (1 << 20)), (rng.next_u64() % 300) as u32, stride)
            })
            .collect();
        let b = Bench { runs: runs.clone(), mem_bytes: 1 << 40, latency, stall, skew: 0, seed: rng.next_u64() };
        let results = run(b);
        let (mut words, mut cycles) = (0u64, 0u64);
        for ((base, n, stride), (got, error, took)) in runs.iter().zip(&results) {
            assert_eq!(
                got,
                &expected(*base, *n, *stride),
                "stride {stride}, latency {latency}, stalls {stall}%, seed {seed}"
            );
            assert!(!error);
            words += u64::from(*n);
            cycles += took;
        }
        eprintln!("latency {latency}, stalls {stall}%: {words} words in {cycles} cycles");
    }
}

#[test]
fn an_error_response_is_reported_and_every_word_still_delivered() {
    let seed = test_seed("an_error_response_is_reported_and_every_word_still_delivered");
    let runs = vec![(4000, 10, 4), (4096 - 40, 5, 12), (0, 3, 4)];
    let results = run(Bench { runs, mem_bytes: 4096, latency: 3, stall: 20, skew: 0, seed });
    let flags: Vec<bool> = results.iter().map(|r| r.1).collect();
    assert_eq!(flags, [false, true, false], "only the run past the end fails, and the next one is clean");
    assert_eq!(results[1].0.len(), 5);
}

#[test]
fn a_memory_one_word_off_is_caught() {
    let seed = test_seed("a_memory_one_word_off_is_caught");
    let runs = vec![(64, 40, 4), (64, 40, 36)];
    let results = run(Bench { runs, mem_bytes: 1 << 20, latency: 2, stall: 0, skew: 1, seed });
    assert_ne!(results[0].0, expected(64, 40, 4));
    assert_ne!(results[1].0, expected(64, 40, 36));
}
