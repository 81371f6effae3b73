//! Back-pressure: the streaming multiplier under random input gaps and random output stalls
//! loses, duplicates and reorders nothing, and runs at one item per cycle when unstalled.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::count_mismatches;
use slotproof_hdl::field::{MontMul31Stream, Prime31};

/// Drives `items` through the unit: the source offers an item with probability `offer`, the
/// sink is ready with probability `take`. Returns the results, the cycles it took and how
/// many items the unit accepted.
fn run(prime: Prime31, items: &[(u64, u64)], offer: u64, take: u64, seed: u64) -> (Vec<u64>, usize, usize) {
    let items = items.to_vec();
    let got = Arc::new(Mutex::new((Vec::new(), 0usize, 0usize)));
    let sink = got.clone();
    let mut sim = simple_sim!(MontMul31Stream, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        let mut rng = SplitMix64::new(seed);
        let mut next = 0;
        let mut cycle = 0;
        let limit = 40 * items.len() + 100;
        while sink.lock().unwrap().0.len() < items.len() && cycle < limit {
            // A source holds its item until it is taken; it may also withhold it (a gap).
            let offering = next < items.len() && rng.next_u64() % 100 < offer;
            x.operands.valid.next = offering;
            if next < items.len() {
                let (a, b) = items[next];
                x.operands.data.next = (a | (b << 32)).to_bits();
            }
            let taking = rng.next_u64() % 100 < take;
            x.products.ready.next = taking;
            // Sample the handshake before the edge: both sides see the same cycle.
            let accepted = offering && x.operands.ready.val();
            let delivered = taking && x.products.valid.val();
            let product = x.products.data.val().to_u64();
            wait_clock_cycle!(ep, clock, x);
            if accepted {
                next += 1;
            }
            if delivered {
                sink.lock().unwrap().0.push(product);
            }
            cycle += 1;
        }
        sink.lock().unwrap().1 = cycle;
        sink.lock().unwrap().2 = next;
        ep.done(x)
    });
    let mut uut = MontMul31Stream::new(prime);
    uut.connect_all();
    sim.run(Box::new(uut), 10_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

fn items(prime: Prime31, n: usize, seed: u64) -> Vec<(u64, u64)> {
    let mut rng = SplitMix64::new(seed);
    let mut v = vec![(0, 0), (1, prime.p - 1), (prime.p - 1, prime.p - 1)];
    while v.len() < n {
        v.push((rng.element(prime.field), rng.element(prime.field)));
    }
    v
}

#[test]
fn stream_survives_random_gaps_and_stalls() {
    let seed = test_seed("stream_survives_random_gaps_and_stalls");
    for (field, offer, take) in [(FieldId::BabyBear, 70, 30), (FieldId::KoalaBear, 90, 60), (FieldId::BabyBear, 30, 95)]
    {
        let prime = Prime31::new(field).unwrap();
        let input = items(prime, 600, seed);
        let want: Vec<u64> = input.iter().map(|&(a, b)| prime.mont_mul(a, b)).collect();
        let (got, cycles, _) = run(prime, &input, offer, take, seed ^ 1);
        assert_eq!(
            count_mismatches(&got, &want),
            0,
            "{field} offer {offer}% take {take}%: {} of {} after {cycles} cycles",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn stream_runs_one_item_per_cycle_when_unstalled() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let input = items(prime, 500, 3);
    let (got, cycles, _) = run(prime, &input, 100, 100, 5);
    assert_eq!(got.len(), input.len());
    // 500 items, the multiplier's 5 cycles and the FIFO's 2: no bubbles beyond the fill.
    assert!(cycles <= input.len() + 10, "{cycles} cycles for {} items", input.len());
}

/// Negative control: a consumer that never takes anything gets nothing, and the source is
/// stopped after the FIFO's depth (nothing is accepted that could be lost).
#[test]
fn stalled_consumer_stops_the_source() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let input = items(prime, 40, 9);
    let (got, _, accepted) = run(prime, &input, 100, 0, 1);
    assert!(got.is_empty());
    assert_eq!(accepted as u64, MontMul31Stream::DEPTH, "the unit accepted more than it can hold");
}

/// The same traffic through the emitted Verilog, under both simulators.
#[test]
fn stream_verilog_survives_random_gaps_and_stalls() {
    use slotproof_hdl::eda::{Simulator, StreamTraffic, simulate_stream_unit, verilog_of};
    let seed = test_seed("stream_verilog_survives_random_gaps_and_stalls");
    let prime = Prime31::new(FieldId::KoalaBear).unwrap();
    let input = items(prime, 5_000, seed);
    let want: Vec<u64> = input.iter().map(|&(a, b)| prime.mont_mul(a, b)).collect();
    let mut rng = SplitMix64::new(seed ^ 2);
    let cycles = 40 * input.len();
    let traffic = StreamTraffic {
        items: input.iter().map(|&(a, b)| a | (b << 32)).collect(),
        offer: (0..cycles).map(|_| rng.next_u64() % 100 < 75).collect(),
        take: (0..cycles).map(|_| rng.next_u64() % 100 < 40).collect(),
    };
    let verilog = verilog_of(MontMul31Stream::new(prime));
    for sim in [Simulator::Iverilog, Simulator::Verilator] {
        let got =
            simulate_stream_unit("mont_mul31_stream", &verilog, ("operands", 64), ("products", 32), &traffic, sim)
                .unwrap();
        assert_eq!(count_mismatches(&got, &want), 0, "{sim:?}: {} of {} delivered", got.len(), want.len());
    }
}
