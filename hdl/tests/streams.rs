//! Back-pressure: every fixed-latency block behind valid/ready streams (the `*Stream`
//! wrappers) under random input gaps and random output stalls, including a consumer that
//! stops for long stretches, loses, duplicates and reorders nothing, delivers the golden
//! model's results, and runs at one item per cycle when nothing stalls; the same in the
//! emitted Verilog under iverilog and Verilator. Negative control: a wrapper whose credit
//! limit is one above its FIFO's depth must lose an item under stalls.
//!
//! One generic harness drives every wrapper; each wrapper only says how its ports are named
//! and what its golden model is ([`Unit`]).

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Simulator, StreamTraffic, count_mismatches, simulate_stream_unit, verilog_of};
use slotproof_hdl::field::{GoldilocksMulStream, ModAdd31Stream, ModSub31Stream, MontMul31Stream, Prime31};
use slotproof_hdl::ntt::Butterfly31Stream;
use slotproof_hdl::poseidon2::{Sbox31, Sbox31Stream};

/// A stream wrapper as the harness sees it: one input stream, one output stream, items as
/// `u128`, and the golden model of what it computes.
trait Unit: Block + Send + Sized + 'static {
    /// Input stream: port name and width.
    const SINK: (&'static str, usize);
    /// Output stream: port name and width.
    const SOURCE: (&'static str, usize);
    /// Items the wrapper holds at most.
    const HOLDS: usize;
    /// Cycles from an accepted item to its result on offer.
    fn result_latency(prime: Prime31) -> usize;
    /// The wrapper for `prime` (ignored by the Goldilocks multiplier).
    fn build(prime: Prime31) -> Self;
    /// The same wrapper with one item too many of credit.
    fn overcommit(self) -> Self;
    /// Input items and the golden model's results: corner values (0, 1, p − 1) first.
    fn cases(prime: Prime31, n: usize, seed: u64) -> Vec<(u128, u128)>;
    /// The clock's level.
    fn clock_high(&self) -> bool;
    /// Flips the clock.
    fn toggle_clock(&mut self);
    /// Drives the next cycle: the source offers `item` if `offer`, the sink is ready if `take`.
    fn drive(&mut self, offer: bool, item: u128, take: bool);
    /// The input stream's `ready`, the output stream's `valid` and `data`.
    fn sample(&self) -> (bool, bool, u128);
}

/// `v`'s low `N` bits.
fn to_bits<const N: usize>(v: u128) -> Bits<N> {
    (0..N).fold(Bits::default(), |b, i| b.replace_bit(i, (v >> i) & 1 == 1))
}

/// `impl Unit` for a wrapper with streams `$sink` (`$iw` bits) → `$source` (`$ow` bits), its
/// result latency, how it is built for a prime, and its cases (inputs and golden results).
macro_rules! unit {
    (
        $t:ty, $sink:ident: $iw:literal, $source:ident: $ow:literal,
        latency(|$lp:pat_param| $latency:expr),
        build(|$bp:pat_param| $build:expr),
        cases(|$prime:ident, $n:ident, $seed:ident| $cases:expr) $(,)?
    ) => {
        impl Unit for $t {
            const SINK: (&'static str, usize) = (stringify!($sink), $iw);
            const SOURCE: (&'static str, usize) = (stringify!($source), $ow);
            const HOLDS: usize = <$t>::DEPTH;
            fn result_latency($lp: Prime31) -> usize {
                $latency
            }
            fn build($bp: Prime31) -> Self {
                $build
            }
            fn overcommit(self) -> Self {
                self.overcommitted()
            }
            fn cases($prime: Prime31, $n: usize, $seed: u64) -> Vec<(u128, u128)> {
                $cases
            }
            fn clock_high(&self) -> bool {
                self.clock.val().clk
            }
            fn toggle_clock(&mut self) {
                self.clock.next = !self.clock.val();
            }
            fn drive(&mut self, offer: bool, item: u128, take: bool) {
                self.$sink.valid.next = offer;
                self.$sink.data.next = to_bits::<$iw>(item);
                self.$source.ready.next = take;
            }
            fn sample(&self) -> (bool, bool, u128) {
                (self.$sink.ready.val(), self.$source.valid.val(), self.$source.data.val().to_u128())
            }
        }
    };
}

/// Canonical elements of `field`: 0, 1, p − 1, then random ones.
fn elements(field: FieldId, rng: &mut SplitMix64) -> impl Iterator<Item = u64> {
    let p = field.modulus();
    [0, 1, p - 1].into_iter().chain(std::iter::repeat_with(move || rng.element(field)))
}

/// Cases of a two-operand unit: every pair of corner values, then random pairs.
fn binary_cases(field: FieldId, n: usize, seed: u64, golden: impl Fn(Fp, u64, u64) -> u64) -> Vec<(u128, u128)> {
    let (f, p) = (Fp::new(field), field.modulus());
    let corners = [0, 1, p - 1];
    let mut rng = SplitMix64::new(seed);
    let mut pairs: Vec<(u64, u64)> = corners.iter().flat_map(|&a| corners.iter().map(move |&b| (a, b))).collect();
    while pairs.len() < n {
        pairs.push((rng.element(field), rng.element(field)));
    }
    let width = if field == FieldId::Goldilocks { 64 } else { 32 };
    pairs.into_iter().map(|(a, b)| (a as u128 | (b as u128) << width, golden(f, a, b) as u128)).collect()
}

/// Butterfly cases `(a, b, w)`, the twiddle fed in Montgomery form; golden `(a + w·b, a − w·b)`.
fn butterfly_cases(prime: Prime31, n: usize, seed: u64) -> Vec<(u128, u128)> {
    let f = Fp::new(prime.field);
    let corners = [0, 1, prime.p - 1];
    let mut triples = Vec::new();
    for a in corners {
        for b in corners {
            triples.extend(corners.map(|w| (a, b, w)));
        }
    }
    let mut rng = SplitMix64::new(seed);
    while triples.len() < n {
        triples.push((rng.element(prime.field), rng.element(prime.field), rng.element(prime.field)));
    }
    triples
        .into_iter()
        .map(|(a, b, w)| {
            let wb = f.mul(w, b);
            let item = a as u128 | (b as u128) << 32 | (prime.to_mont(w) as u128) << 64;
            (item, f.add(a, wb) as u128 | (f.sub(a, wb) as u128) << 32)
        })
        .collect()
}

/// S-box cases: lanes in Montgomery form; golden `x^d` (the field's S-box degree), in
/// Montgomery form.
fn sbox_cases(prime: Prime31, n: usize, seed: u64) -> Vec<(u128, u128)> {
    let (f, d) = (Fp::new(prime.field), Sbox31::degree(prime));
    let mut rng = SplitMix64::new(seed);
    elements(prime.field, &mut rng)
        .take(n)
        .map(|x| (prime.to_mont(x) as u128, prime.to_mont(f.pow(x, d)) as u128))
        .collect()
}

unit!(
    MontMul31Stream, operands: 64, products: 32,
    latency(|_| MontMul31Stream::LATENCY),
    build(|prime| MontMul31Stream::new(prime)),
    cases(|prime, n, seed| binary_cases(prime.field, n, seed, |_, a, b| prime.mont_mul(a, b))),
);
unit!(
    ModAdd31Stream, operands: 64, sums: 32,
    latency(|_| ModAdd31Stream::LATENCY),
    build(|prime| ModAdd31Stream::new(prime)),
    cases(|prime, n, seed| binary_cases(prime.field, n, seed, |f, a, b| f.add(a, b))),
);
unit!(
    ModSub31Stream, operands: 64, differences: 32,
    latency(|_| ModSub31Stream::LATENCY),
    build(|prime| ModSub31Stream::new(prime)),
    cases(|prime, n, seed| binary_cases(prime.field, n, seed, |f, a, b| f.sub(a, b))),
);
unit!(
    GoldilocksMulStream, operands: 128, products: 64,
    latency(|_| GoldilocksMulStream::LATENCY),
    build(|_| GoldilocksMulStream::new()),
    cases(|_prime, n, seed| binary_cases(FieldId::Goldilocks, n, seed, |f, a, b| f.mul(a, b))),
);
unit!(
    Butterfly31Stream, inputs: 96, outputs: 64,
    latency(|_| Butterfly31Stream::LATENCY),
    build(|prime| Butterfly31Stream::new(prime)),
    cases(|prime, n, seed| butterfly_cases(prime, n, seed)),
);
unit!(
    Sbox31Stream, lanes: 32, powers: 32,
    latency(|prime| Sbox31Stream::latency(prime)),
    build(|prime| Sbox31Stream::new(prime)),
    cases(|prime, n, seed| sbox_cases(prime, n, seed)),
);

/// Per cycle: the source offers with probability `offer`%, the sink takes with `take`%; with
/// `long_stalls` the sink also stops for the first 150 cycles of every 400 (so the FIFO fills
/// at once, whatever the number of items).
fn traffic(items: Vec<u128>, offer: u64, take: u64, long_stalls: bool, seed: u64) -> StreamTraffic {
    let mut rng = SplitMix64::new(seed);
    let cycles = 40 * items.len() + 200;
    let offer = (0..cycles).map(|_| rng.next_u64() % 100 < offer).collect();
    let take = (0..cycles).map(|c| !(long_stalls && c % 400 < 150) && rng.next_u64() % 100 < take).collect();
    StreamTraffic { items, offer, take }
}

/// What one rust-hdl run saw.
#[derive(Clone, Debug, Default)]
struct Run {
    /// Results delivered, in order.
    got: Vec<u128>,
    /// Cycles until the last result (or the end of the run).
    cycles: usize,
    /// Items the unit accepted.
    accepted: usize,
}

/// A run ends once every item is delivered, or nothing was delivered for this many cycles.
const IDLE_LIMIT: usize = 400;

/// Drives `traffic` through `uut` in rust-hdl's simulator. Handshakes are sampled before the
/// edge that completes them, so both sides see the same cycle.
fn run<U: Unit>(uut: U, traffic: &StreamTraffic) -> Run {
    let StreamTraffic { items, offer, take } = traffic;
    let (items, offer, take) = (items.clone(), offer.clone(), take.clone());
    let cycles = offer.len().min(take.len());
    let out = Arc::new(Mutex::new(Run::default()));
    let sink = out.clone();
    let mut sim = Simulation::<U>::new();
    sim.add_clock(5_000, |x: &mut Box<U>| x.toggle_clock());
    sim.add_testbench(move |mut ep: Sim<U>| {
        let mut x = ep.init()?;
        let mut r = Run::default();
        let mut last_delivery = 0;
        while r.got.len() < items.len() && r.cycles < cycles && r.cycles - last_delivery < IDLE_LIMIT {
            let offering = r.accepted < items.len() && offer[r.cycles];
            x.drive(offering, items.get(r.accepted).copied().unwrap_or(0), take[r.cycles]);
            let (ready, valid, data) = x.sample();
            x = ep.watch(|x| x.clock_high(), x)?;
            x = ep.watch(|x| !x.clock_high(), x)?;
            r.cycles += 1;
            if offering && ready {
                r.accepted += 1;
            }
            if valid && take[r.cycles - 1] {
                r.got.push(data);
                last_delivery = r.cycles;
            }
        }
        *sink.lock().unwrap() = r;
        ep.done(x)
    });
    sim.run(Box::new(uut), (cycles as u64 + 10) * 10_000).unwrap();
    out.lock().unwrap().clone()
}

/// The fields a 31-bit wrapper is tried in, in turn.
fn field(k: usize) -> Prime31 {
    Prime31::new([FieldId::BabyBear, FieldId::KoalaBear][k % 2]).unwrap()
}

/// Random gaps and stalls at several rates, one with long consumer stalls: `n` items each.
fn gaps_and_stalls<U: Unit>(n: usize) {
    let name = std::any::type_name::<U>();
    let seed = test_seed(&format!("{name} gaps_and_stalls"));
    for (k, (offer, take, long)) in
        [(70, 30, false), (90, 60, false), (30, 95, false), (95, 70, true)].into_iter().enumerate()
    {
        let prime = field(k);
        let (items, want): (Vec<u128>, Vec<u128>) = U::cases(prime, n, seed ^ k as u64).into_iter().unzip();
        let r = run(U::build(prime), &traffic(items, offer, take, long, seed ^ 0x5eed ^ k as u64));
        assert_eq!(
            count_mismatches(&r.got, &want),
            0,
            "{name} {prime:?} offer {offer}% take {take}% long stalls {long}: {} of {} after {} cycles",
            r.got.len(),
            want.len(),
            r.cycles
        );
    }
}

/// Nothing stalls: one item per cycle, after the pipeline and FIFO fill.
fn full_rate<U: Unit>(n: usize) {
    let prime = field(0);
    let (items, want): (Vec<u128>, Vec<u128>) = U::cases(prime, n, 3).into_iter().unzip();
    let r = run(U::build(prime), &traffic(items, 100, 100, false, 5));
    assert_eq!(count_mismatches(&r.got, &want), 0);
    let bound = n + U::result_latency(prime) + 1;
    assert!(r.cycles <= bound, "{} cycles for {n} items (at most {bound})", r.cycles);
}

/// A consumer that never takes gets nothing, and the source is stopped after the FIFO's
/// depth: nothing is accepted that could be lost.
fn stalled_consumer<U: Unit>() {
    let prime = field(0);
    let (items, _): (Vec<u128>, Vec<u128>) = U::cases(prime, U::HOLDS + 8, 9).into_iter().unzip();
    let r = run(U::build(prime), &traffic(items, 100, 0, false, 1));
    assert!(r.got.is_empty());
    assert_eq!(r.accepted, U::HOLDS, "the unit accepted more than it can hold");
}

/// Negative control: one item too many of credit loses a result once the consumer stalls long
/// enough, and the check catches it.
fn overcommitted_loses<U: Unit>(n: usize) {
    let prime = field(1);
    let (items, want): (Vec<u128>, Vec<u128>) = U::cases(prime, n, 11).into_iter().unzip();
    let r = run(U::build(prime).overcommit(), &traffic(items, 100, 60, true, 13));
    assert!(count_mismatches(&r.got, &want) > 0, "an overcommitted wrapper delivered everything");
}

/// The same traffic through the emitted Verilog, under iverilog and Verilator.
fn verilog<U: Unit>(n: usize) {
    let name = std::any::type_name::<U>().rsplit("::").next().unwrap_or("stream").to_lowercase();
    let seed = test_seed(&format!("{name} verilog"));
    let prime = field(1);
    let (items, want): (Vec<u128>, Vec<u128>) = U::cases(prime, n, seed).into_iter().unzip();
    let traffic = traffic(items, 75, 40, true, seed ^ 2);
    let verilog = verilog_of(U::build(prime));
    for sim in [Simulator::Iverilog, Simulator::Verilator] {
        let got = simulate_stream_unit(&name, &verilog, U::SINK, U::SOURCE, &traffic, sim).unwrap();
        assert_eq!(count_mismatches(&got, &want), 0, "{name} {sim:?}: {} of {} delivered", got.len(), want.len());
    }
}

/// Negative control in Verilog: the overcommitted wrapper loses a result under iverilog too.
fn verilog_overcommitted_loses<U: Unit>(n: usize) {
    let prime = field(0);
    let (items, want): (Vec<u128>, Vec<u128>) = U::cases(prime, n, 17).into_iter().unzip();
    let traffic = traffic(items, 100, 60, true, 19);
    let verilog = verilog_of(U::build(prime).overcommit());
    let got =
        simulate_stream_unit("overcommitted", &verilog, U::SINK, U::SOURCE, &traffic, Simulator::Iverilog).unwrap();
    assert!(count_mismatches(&got, &want) > 0, "an overcommitted wrapper's Verilog delivered everything");
}

/// The checks of one wrapper: `$n` items per rust-hdl run, `$nv` in Verilog.
macro_rules! stream_tests {
    ($m:ident, $t:ty, $n:expr, $nv:expr) => {
        mod $m {
            use super::*;

            #[test]
            fn survives_random_gaps_and_stalls() {
                gaps_and_stalls::<$t>($n);
            }

            #[test]
            fn runs_one_item_per_cycle_when_unstalled() {
                full_rate::<$t>($n);
            }

            #[test]
            fn stalled_consumer_stops_the_source() {
                stalled_consumer::<$t>();
            }

            #[test]
            fn overcommitted_credit_loses_items() {
                overcommitted_loses::<$t>(($n).min(300));
            }

            #[test]
            fn verilog_survives_random_gaps_and_stalls() {
                verilog::<$t>($nv);
            }

            #[test]
            fn overcommitted_verilog_loses_items() {
                verilog_overcommitted_loses::<$t>(($n).min(200));
            }
        }
    };
}

stream_tests!(mont_mul31, MontMul31Stream, 1_000, 5_000);
stream_tests!(mod_add31, ModAdd31Stream, 1_000, 5_000);
stream_tests!(mod_sub31, ModSub31Stream, 1_000, 5_000);
stream_tests!(goldilocks_mul, GoldilocksMulStream, 250, 2_000);
stream_tests!(butterfly31, Butterfly31Stream, 800, 4_000);
stream_tests!(sbox31, Sbox31Stream, 800, 4_000);
