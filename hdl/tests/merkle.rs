//! The Merkle units against the golden model (`merkle_levels`, `compress`, `leaf_hash`):
//! rust-hdl simulation of small cases, then the emitted Verilog under iverilog and under
//! Verilator driven from Rust, with random input gaps and output stalls, at full rate, with
//! the consumer stalled longer than the output FIFOs can absorb, and negative controls. The
//! width-8 (Goldilocks, rate 4) units run in iverilog (one permutation deep) and Verilator,
//! not in rust-hdl, where their 64-bit permutation simulates at a few cycles per second; their
//! logic is the same description as the width-16 units', checked in all three. Lanes are in the permutation's form at the ports
//! (Montgomery for the 31-bit fields, canonical for Goldilocks); the golden model works on
//! canonical values.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::golden::merkle::{leaf_hash, merkle_levels};
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{
    LaneHandshake, LaneTraffic, Ports, Simulator, TrafficRun, VerilatorModel, count_mismatches, simulate_lane_stream,
    verilog_of,
};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::merkle::{LeafSponge, LeafSponge8, MerkleTree, MerkleTree8};

/// A digest's lanes (8 for the 31-bit fields, 4 for Goldilocks).
type Digest = Vec<u64>;

/// `x` (canonical) in the form the ports of `field`'s units carry.
fn to_port(field: FieldId, x: u64) -> u64 {
    match Prime31::new(field) {
        Ok(prime) => prime.to_mont(x),
        Err(_) => x,
    }
}

/// A stream of trees: per tree `k` and its `2^k` canonical leaf digests.
struct Trees {
    trees: Vec<(usize, Vec<Digest>)>,
}

impl Trees {
    fn random(field: FieldId, ks: &[usize], seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let lanes = SpongeParams::for_field(field).digest;
        let trees = ks
            .iter()
            .map(|&k| (k, (0..1usize << k).map(|_| (0..lanes).map(|_| rng.element(field)).collect()).collect()))
            .collect();
        Self { trees }
    }

    /// The golden roots in port form, in tree order.
    fn roots(&self, field: FieldId) -> Vec<Digest> {
        let spec = Poseidon2Spec::for_field(field);
        let sp = SpongeParams::for_field(field);
        self.trees
            .iter()
            .map(|(_, leaves)| {
                let root = merkle_levels(&spec, sp, leaves.clone()).pop().expect("a root").pop().expect("one node");
                root.iter().map(|&x| to_port(field, x)).collect()
            })
            .collect()
    }

    /// The leaves in stream order as `(k, lanes in port form)`.
    fn stream(&self, field: FieldId) -> Vec<(u64, Digest)> {
        self.trees
            .iter()
            .flat_map(|(k, leaves)| {
                leaves.iter().map(move |l| (*k as u64, l.iter().map(|&x| to_port(field, x)).collect()))
            })
            .collect()
    }
}

/// Runs `uut` in rust-hdl's simulator for `cycles` cycles: leaf `i` is offered from cycle
/// `offer_from[i]` on and held until `ready`; the consumer is ready in the cycles `take`
/// says. Returns the roots delivered.
fn rust_hdl_roots(
    uut: MerkleTree,
    leaves: Vec<(u64, Digest)>,
    offer_from: Vec<usize>,
    take: Vec<bool>,
    cycles: usize,
) -> Vec<Digest> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5_000, |x: &mut Box<MerkleTree>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<MerkleTree>| {
        let mut x = ep.init()?;
        x = ep.watch(|x| x.clock.val().clk, x)?;
        let mut next = 0;
        for cycle in 0..cycles {
            // Just after a rising edge: drive, let `ready` settle (it depends on
            // `log_leaves`) by the falling edge, sample both handshakes, take the edge.
            let offer = next < leaves.len() && cycle >= offer_from[next];
            let (k, lanes) = leaves.get(next).cloned().unwrap_or((1, vec![0; 8]));
            x.valid_in.next = offer;
            x.log_leaves.next = k.to_bits();
            seq!(N in 0..8 { x.d~N.next = lanes[N].to_bits(); });
            x.out_ready.next = take[cycle % take.len()];
            x = ep.watch(|x| !x.clock.val().clk, x)?;
            let taken = offer && x.ready.val();
            if x.valid_out.val() && x.out_ready.val() {
                let root: Digest = seq!(N in 0..8 { vec![#( x.r~N.val().to_u64(), )*] });
                sink.lock().unwrap().push(root);
            }
            x = ep.watch(|x| x.clock.val().clk, x)?;
            if taken {
                next += 1;
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

/// Per cycle, `true` with probability `1 − percent/100`: a consumer that stalls `percent` %
/// of the cycles, or a producer with that share of gaps.
fn pattern(percent: u64, cycles: usize, rng: &mut SplitMix64) -> Vec<bool> {
    (0..cycles).map(|_| rng.next_u64() % 100 >= percent).collect()
}

/// Trees of `2^k` leaves for each `k` in `ks`, back to back, leaf `i` offered from cycle
/// `offer_from[i]` on: the roots of a rust-hdl simulation (run until the last root is out)
/// and the golden ones.
fn small_trees_case(
    uut: MerkleTree,
    prime: Prime31,
    ks: &[usize],
    offer_from: Vec<usize>,
    take: Vec<bool>,
    seed: u64,
) -> (Vec<Digest>, Vec<Digest>) {
    let trees = Trees::random(prime.field, ks, seed);
    let leaves = trees.stream(prime.field);
    let depth = ks.iter().copied().max().unwrap_or(0);
    let cycles = depth * (MerkleTree::compression_latency(prime) + 2) + 40;
    let start = std::time::Instant::now();
    let got = rust_hdl_roots(uut, leaves, offer_from, take, cycles);
    eprintln!("{}: {cycles} cycles in rust-hdl in {:.1?}", prime.field, start.elapsed());
    (got, trees.roots(prime.field))
}

#[test]
fn tree_matches_golden_in_rust_hdl() {
    let seed = test_seed("tree_matches_golden_in_rust_hdl");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    // Two trees (2 leaves, then 4), the second leaf of each offered late; the consumer
    // stalls half of the time (the roots wait in the FIFO).
    let offer_from = vec![0, 3, 4, 5, 6, 7];
    let take = pattern(50, 64, &mut SplitMix64::new(seed));
    let (got, want) = small_trees_case(MerkleTree::new(prime, 3).unwrap(), prime, &[1, 2], offer_from, take, seed);
    assert_eq!(got.len(), 2, "two roots, seed {seed:#x}");
    assert_eq!(count_mismatches(&got, &want), 0, "seed {seed:#x}");
}

const D: [&str; 8] = ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"];
const R: [&str; 8] = ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"];
const X: [&str; 8] = ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"];
const H: [&str; 8] = ["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7"];

/// Bits of a lane of `field`'s units.
fn lane_bits(field: FieldId) -> usize {
    if Prime31::new(field).is_ok() { 32 } else { 64 }
}

/// A tree unit's ports for `field`: `log_leaves` and the digest lanes in, the root lanes out.
fn tree_ports(field: FieldId) -> Ports {
    let (lanes, bits) = (SpongeParams::for_field(field).digest, lane_bits(field));
    Ports {
        inputs: std::iter::once(("log_leaves", 5)).chain(D[..lanes].iter().map(|&d| (d, bits))).collect(),
        outputs: R[..lanes].iter().map(|&r| (r, bits)).collect(),
    }
}

/// The leaf stream as lane vectors `[k, d0..d7]`.
fn tree_vectors(leaves: &[(u64, Digest)]) -> Vec<Vec<u64>> {
    leaves.iter().map(|(k, lanes)| std::iter::once(*k).chain(lanes.iter().copied()).collect()).collect()
}

/// Traffic for `vectors`: a producer with `gap` % gaps and a consumer that stalls `stall` %
/// of the cycles after stalling for the first `hold` cycles, long enough for every vector.
fn traffic(vectors: Vec<Vec<u64>>, gap: u64, stall: u64, hold: usize, rng: &mut SplitMix64) -> LaneTraffic {
    let cycles = hold + vectors.len() * 100 / (100 - gap as usize) * 3 + 64;
    let offer = pattern(gap, cycles, rng);
    let mut take = pattern(stall, cycles, rng);
    take[..hold.min(cycles)].fill(false);
    LaneTraffic { vectors, offer, take }
}

/// `t` followed by `tail` cycles with producer and consumer both ready, so whatever the
/// random part left is taken and delivered (the iverilog testbench has no drain of its own).
fn with_tail(mut t: LaneTraffic, tail: usize) -> LaneTraffic {
    t.offer.resize(t.offer.len() + tail, true);
    t.take.resize(t.take.len() + tail, true);
    t
}

/// Runs `vectors` through `model` twice, with 20 % input gaps and 30 % output stalls, then at
/// full rate (no gaps, no stalls); both must deliver exactly `want`. Returns the full-rate run.
fn runs_match(
    model: &VerilatorModel,
    vectors: &[Vec<u64>],
    want: &[Vec<u64>],
    what: &str,
    rng: &mut SplitMix64,
) -> TrafficRun {
    let mut full = None;
    for (gap, stall) in [(20, 30), (0, 0)] {
        let run = model.run_traffic_timed(&traffic(vectors.to_vec(), gap, stall, 0, rng)).unwrap();
        eprintln!(
            "{what}: {} inputs ({} outputs), {gap} % gaps, {stall} % stalls: all taken by cycle {} ({:.2} per cycle), \
             {:.0} cycles/s",
            vectors.len(),
            want.len(),
            run.taken_by,
            vectors.len() as f64 / run.taken_by as f64,
            run.cycles as f64 / run.seconds
        );
        assert_eq!(count_mismatches(&run.outputs, want), 0, "{what}, {gap} % gaps, {stall} % stalls");
        full = Some(run);
    }
    full.expect("two runs")
}

/// `stalled` (a consumer stalled for its first 3,000 cycles, more results than the output FIFO
/// holds) through `model`: the credit must hold the input back past the stall, and every
/// result must still come out right.
fn held_back(model: &VerilatorModel, stalled: &LaneTraffic, want: &[Vec<u64>], what: &str, seed: u64) {
    let run = model.run_traffic_timed(stalled).unwrap();
    eprintln!("{what}, consumer stalled 3,000 cycles: all taken by cycle {}", run.taken_by);
    assert!(run.taken_by > 3_000, "{what}: the credit must hold the input back");
    assert_eq!(count_mismatches(&run.outputs, want), 0, "{what}, stalled, seed {seed:#x}");
}

/// Trees of 2 .. 2^14 leaves (`k` non-decreasing: a smaller tree right after a larger one
/// may finish first, and roots leave in the order they are finished).
const KS: [usize; 21] = [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 9, 10, 11, 12, 13, 13, 14, 14];

/// The emitted Verilog under Verilator: trees of 2 .. 2^14 leaves with input gaps and output
/// stalls, then at full rate (every leaf taken the cycle it is offered), then 600 trees of two
/// leaves with the consumer stalled for their first 3,000 cycles (more roots than the root
/// FIFO holds: the root credit must stop the input), and negative controls.
#[test]
fn tree_verilog_matches_golden() {
    let seed = test_seed("tree_verilog_matches_golden");
    let mut rng = SplitMix64::new(seed);
    let mut total = 0;
    // One field per unit under Verilator (a whole-permutation model is minutes of compile):
    // the tree and the sponge are the same logic around either field's permutation, both
    // permutations run under Verilator in tests/poseidon2.rs, so the tree runs BabyBear's and
    // the sponge KoalaBear's.
    let field = FieldId::BabyBear;
    let prime = Prime31::new(field).unwrap();
    let start = std::time::Instant::now();
    let drain = 15 * (MerkleTree::compression_latency(prime) + 4);
    let build = |uut: MerkleTree, name: &str| {
        VerilatorModel::build_lane_stream(name, &verilog_of(uut), &tree_ports(field), LaneHandshake::STANDARD)
            .unwrap()
            .with_drain(drain)
    };
    let model = build(MerkleTree::new(prime, MerkleTree::MAX_LOG).unwrap(), &format!("merkle_tree_{field}"));
    eprintln!("{field}: Verilator build in {:.1?}", start.elapsed());
    let trees = Trees::random(field, &KS, seed);
    let leaves = tree_vectors(&trees.stream(field));
    let want = trees.roots(field);
    let full = runs_match(&model, &leaves, &want, &format!("{field} tree"), &mut rng);
    assert_eq!(full.taken_by, leaves.len(), "{field}: one leaf per cycle at full rate");
    total += 2 * leaves.len();

    // More roots than the FIFO holds while the consumer stalls.
    let small = Trees::random(field, &[1; 600], seed ^ 1);
    let (small_leaves, small_want) = (tree_vectors(&small.stream(field)), small.roots(field));
    let stalled = traffic(small_leaves.clone(), 0, 50, 3_000, &mut rng);
    held_back(&model, &stalled, &small_want, &format!("{field}: 600 trees of 2 leaves"), seed);
    total += small_leaves.len();

    // Negative controls: two leaves of the last tree swapped changes its root only; a
    // credit one above the root FIFO's depth loses a root under the same stall.
    let mut swapped = leaves.clone();
    let n = swapped.len();
    swapped.swap(n - 1000, n - 999);
    let (out, _, _) = model.run_traffic(&traffic(swapped, 20, 30, 0, &mut rng)).unwrap();
    assert_eq!(count_mismatches(&out, &want), 1, "only the last root changes, {field}");
    let over = build(
        MerkleTree::new(prime, MerkleTree::MAX_LOG).unwrap().overcommitted(),
        &format!("merkle_tree_over_{field}"),
    );
    let (out, _, _) = over.run_traffic(&stalled).unwrap();
    assert!(count_mismatches(&out, &small_want) > 0, "an overcommitted credit must lose a root");
    eprintln!("{total} leaves in all");
}

/// The emitted Verilog under iverilog (a few cycles per second for a whole permutation, so
/// the case is small): two trees, of 2 and 4 leaves, with input gaps and output stalls.
#[test]
fn tree_verilog_matches_golden_in_iverilog() {
    let seed = test_seed("tree_verilog_matches_golden_in_iverilog");
    let field = FieldId::BabyBear;
    let prime = Prime31::new(field).unwrap();
    let mut rng = SplitMix64::new(seed);
    let trees = Trees::random(field, &[1, 2], seed);
    let tail = 2 * (MerkleTree::compression_latency(prime) + 4);
    let t = with_tail(traffic(tree_vectors(&trees.stream(field)), 30, 40, 0, &mut rng), tail);
    let start = std::time::Instant::now();
    let verilog = verilog_of(MerkleTree::new(prime, 3).unwrap());
    let out = simulate_lane_stream(
        "merkle_tree",
        &verilog,
        &tree_ports(field),
        LaneHandshake::STANDARD,
        &t,
        Simulator::Iverilog,
    )
    .unwrap();
    eprintln!("{} cycles in iverilog in {:.1?}", t.offer.len(), start.elapsed());
    assert_eq!(count_mismatches(&out, &trees.roots(field)), 0, "seed {seed:#x}");
}

/// Negative control: a tree built from a permutation with one wrong round constant must give
/// different roots.
#[test]
fn wrong_permutation_constant_is_caught() {
    let seed = test_seed("wrong_permutation_constant_is_caught");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let mut spec = Poseidon2Spec::for_field(prime.field);
    spec.rc_internal[5] = (spec.rc_internal[5] + 1) % prime.p;
    // Two trees of 2 leaves: one level, one permutation latency.
    let uut = MerkleTree::with_spec(prime, &spec, 3).unwrap();
    let (got, want) = small_trees_case(uut, prime, &[1, 1], vec![0, 1, 2, 3], vec![true], seed);
    assert_eq!(got.len(), 2, "two roots still come out");
    assert_eq!(count_mismatches(&got, &want), 2);
}

/// One sponge input: `(slot, first, last, len, lanes in port form)`.
type Chunk = (u64, bool, bool, u64, Vec<u64>);

/// The streams of batches of random rows (`batches`: the row widths of each batch), one after
/// the other, and their expected outputs.
fn random_batches(field: FieldId, batches: &[Vec<usize>], rng: &mut SplitMix64) -> (Vec<Chunk>, Vec<Vec<u64>>) {
    let (mut chunks, mut want) = (Vec::new(), Vec::new());
    for widths in batches {
        let (c, w) = batch_stream(field, &random_rows(field, widths, rng));
        chunks.extend(c);
        want.extend(w);
    }
    (chunks, want)
}

/// The chunk-interleaved stream of one batch of rows (row `s` in slot `s`) and the expected
/// outputs `[slot, digest lanes]` (port form), in the order the last chunks come.
fn batch_stream(field: FieldId, rows: &[Vec<u64>]) -> (Vec<Chunk>, Vec<Vec<u64>>) {
    let spec = Poseidon2Spec::for_field(field);
    let sp = SpongeParams::for_field(field);
    let r = sp.rate;
    let chunks = |row: &Vec<u64>| row.len().div_ceil(r);
    let rounds = rows.iter().map(chunks).max().unwrap_or(0);
    let (mut stream, mut want) = (Vec::new(), Vec::new());
    for c in 0..rounds {
        for (s, row) in rows.iter().enumerate() {
            if c >= chunks(row) {
                continue;
            }
            let part = &row[r * c..row.len().min(r * c + r)];
            let last = c + 1 == chunks(row);
            let lanes = (0..r).map(|i| part.get(i).map_or(0, |&x| to_port(field, x))).collect();
            stream.push((s as u64, c == 0, last, part.len() as u64, lanes));
            if last {
                let digest = leaf_hash(&spec, sp, row);
                want.push(std::iter::once(s as u64).chain(digest.iter().map(|&x| to_port(field, x))).collect());
            }
        }
    }
    (stream, want)
}

fn random_rows(field: FieldId, widths: &[usize], rng: &mut SplitMix64) -> Vec<Vec<u64>> {
    widths.iter().map(|&w| (0..w).map(|_| rng.element(field)).collect()).collect()
}

/// Runs `uut` in rust-hdl's simulator on `chunks` (each held until `ready`) for `cycles`
/// cycles, the consumer ready in the cycles `take` says; returns the `[slot, digest]` outputs
/// delivered.
fn rust_hdl_digests(uut: LeafSponge, chunks: Vec<Chunk>, take: Vec<bool>, cycles: usize) -> Vec<Vec<u64>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5_000, |x: &mut Box<LeafSponge>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<LeafSponge>| {
        let mut x = ep.init()?;
        x = ep.watch(|x| x.clock.val().clk, x)?;
        let mut next = 0;
        for cycle in 0..cycles {
            // Just after a rising edge: drive, let `ready` settle (it depends on `slot` and
            // `last`) by the falling edge, sample both handshakes, take the rising edge.
            let (slot, first, last, len, lanes) = chunks.get(next).cloned().unwrap_or((0, false, false, 0, vec![0; 8]));
            x.valid_in.next = next < chunks.len();
            x.slot.next = slot.to_bits();
            x.first.next = first;
            x.last.next = last;
            x.len.next = len.to_bits();
            seq!(N in 0..8 { x.x~N.next = lanes[N].to_bits(); });
            x.out_ready.next = take[cycle % take.len()];
            x = ep.watch(|x| !x.clock.val().clk, x)?;
            let taken = next < chunks.len() && x.ready.val();
            if x.valid_out.val() && x.out_ready.val() {
                let out = seq!(N in 0..8 { vec![x.out_slot.val().to_u64(), #( x.h~N.val().to_u64(), )*] });
                sink.lock().unwrap().push(out);
            }
            x = ep.watch(|x| x.clock.val().clk, x)?;
            if taken {
                next += 1;
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

/// Rows of widths 3, 8 and 13 in one batch of three slots: the 13-wide row's second chunk
/// must wait (`ready` low) until its first chunk's state is back; the consumer stalls half
/// of the cycles.
#[test]
fn sponge_matches_golden_in_rust_hdl() {
    let seed = test_seed("sponge_matches_golden_in_rust_hdl");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let rows = random_rows(prime.field, &[3, 8, 13], &mut SplitMix64::new(seed));
    let (chunks, want) = batch_stream(prime.field, &rows);
    let cycles = 2 * LeafSponge::latency(prime) + 24;
    let take = pattern(50, 64, &mut SplitMix64::new(seed ^ 2));
    let start = std::time::Instant::now();
    // The 512-bit busy register is `[bool; 512]` in rust-hdl's simulator, whose evaluation
    // needs more stack than a test thread's default.
    let got = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || rust_hdl_digests(LeafSponge::new(prime).unwrap(), chunks, take, cycles))
        .unwrap()
        .join()
        .unwrap();
    eprintln!("{cycles} cycles in rust-hdl in {:.1?}", start.elapsed());
    assert_eq!(count_mismatches(&got, &want), 0, "seed {seed:#x}");
}

/// A sponge unit's ports for `field`: slot, flags, length and the chunk lanes in, the slot
/// and the digest lanes out.
fn sponge_ports(field: FieldId) -> Ports {
    let (rate, bits) = (SpongeParams::for_field(field).rate, lane_bits(field));
    let flags = [("slot", 9), ("first", 1), ("last", 1), ("len", 4)];
    Ports {
        inputs: flags.into_iter().chain(X[..rate].iter().map(|&x| (x, bits))).collect(),
        outputs: std::iter::once(("out_slot", 9)).chain(H[..rate].iter().map(|&h| (h, bits))).collect(),
    }
}

/// The chunks as lane vectors `[slot, first, last, len, x0..x7]`.
fn sponge_vectors(chunks: &[Chunk]) -> Vec<Vec<u64>> {
    chunks
        .iter()
        .map(|(slot, first, last, len, lanes)| {
            [*slot, *first as u64, *last as u64, *len].into_iter().chain(lanes.iter().copied()).collect()
        })
        .collect()
}

/// Batches: three short rows (3, 8, 13), one row of 41 alone (every chunk waits for the
/// previous one), 430 rows of 16, then 20 full batches of 512 rows of random widths 1..=70,
/// with input gaps and output stalls and then at full rate; then 600 one-chunk rows with the
/// consumer stalled for 3,000 cycles (more digests than the FIFO holds: the digest credit must
/// stop the input), and negative controls.
#[test]
fn sponge_verilog_matches_golden() {
    let seed = test_seed("sponge_verilog_matches_golden");
    let mut total = 0;
    // KoalaBear's permutation here, BabyBear's in the tree (see `tree_verilog_matches_golden`).
    let field = FieldId::KoalaBear;
    let prime = Prime31::new(field).unwrap();
    let mut rng = SplitMix64::new(seed);
    let mut batches = vec![vec![3, 8, 13], vec![41], vec![16; 430]];
    for _ in 0..20 {
        batches.push((0..512).map(|_| 1 + (rng.next_u64() % 70) as usize).collect());
    }
    let (chunks, want) = random_batches(field, &batches, &mut rng);
    let start = std::time::Instant::now();
    let build = |uut: LeafSponge, name: &str| {
        VerilatorModel::build_lane_stream(name, &verilog_of(uut), &sponge_ports(field), LaneHandshake::STANDARD)
            .unwrap()
            .with_drain(8 * (LeafSponge::latency(prime) + 8))
    };
    let model = build(LeafSponge::new(prime).unwrap(), &format!("leaf_sponge_{field}"));
    eprintln!("{field}: Verilator build in {:.1?}", start.elapsed());
    let vectors = sponge_vectors(&chunks);
    runs_match(&model, &vectors, &want, &format!("{field} sponge"), &mut rng);
    total += 2 * chunks.len();

    // More digests than the FIFO holds while the consumer stalls: 600 one-chunk rows,
    // slots reused from the 513th row on.
    let rows = random_rows(field, &[8; 600], &mut rng);
    let (mut small, mut small_want) = (Vec::new(), Vec::new());
    for part in rows.chunks(512) {
        let (c, w) = batch_stream(field, part);
        small.extend(c);
        small_want.extend(w);
    }
    let stalled = traffic(sponge_vectors(&small), 0, 50, 3_000, &mut rng);
    held_back(&model, &stalled, &small_want, &format!("{field}: 600 one-chunk rows"), seed);
    total += small.len();

    // Negative controls: the two chunks of the 13-wide row (slot 2 of the first batch) in
    // the wrong order change that row's digest only; a credit one above the digest FIFO's
    // depth loses a digest under the same stall.
    let mut swapped = chunks.clone();
    let (a, b) = (2, 3);
    (swapped[a].4, swapped[b].4) = (chunks[b].4.clone(), chunks[a].4.clone());
    let (out, _, _) = model.run_traffic(&traffic(sponge_vectors(&swapped), 20, 30, 0, &mut rng)).unwrap();
    assert_eq!(count_mismatches(&out, &want), 1, "only one digest changes, {field}");
    let over = build(LeafSponge::new(prime).unwrap().overcommitted(), &format!("leaf_sponge_over_{field}"));
    let (out, _, _) = over.run_traffic(&stalled).unwrap();
    assert!(count_mismatches(&out, &small_want) > 0, "an overcommitted credit must lose a digest");
    eprintln!("{total} chunks in all");
}

/// The emitted Verilog under iverilog (small, as for the tree): rows of widths 3, 8 and 13 in
/// one batch (two chunk rounds), with input gaps and output stalls.
#[test]
fn sponge_verilog_matches_golden_in_iverilog() {
    let seed = test_seed("sponge_verilog_matches_golden_in_iverilog");
    let field = FieldId::BabyBear;
    let prime = Prime31::new(field).unwrap();
    let mut rng = SplitMix64::new(seed);
    let rows = random_rows(field, &[3, 8, 13], &mut rng);
    let (chunks, want) = batch_stream(field, &rows);
    let t = with_tail(traffic(sponge_vectors(&chunks), 30, 40, 0, &mut rng), 2 * (LeafSponge::latency(prime) + 4));
    let start = std::time::Instant::now();
    let verilog = verilog_of(LeafSponge::new(prime).unwrap());
    let out = simulate_lane_stream(
        "leaf_sponge",
        &verilog,
        &sponge_ports(field),
        LaneHandshake::STANDARD,
        &t,
        Simulator::Iverilog,
    )
    .unwrap();
    eprintln!("{} cycles in iverilog in {:.1?}", t.offer.len(), start.elapsed());
    assert_eq!(count_mismatches(&out, &want), 0, "seed {seed:#x}");
}

/// The rate-4 units (Goldilocks, width 8) under Verilator: trees of 2 .. 2^14 leaves and
/// 18 batches of 512 rows of widths 1..=40 (rate 4: up to 10 chunks), with input gaps and output
/// stalls and at full rate (the tree takes a leaf every cycle), and negative controls: two
/// swapped leaves change one root, two swapped chunks one digest.
#[test]
fn rate4_units_verilog_match_golden() {
    let seed = test_seed("rate4_units_verilog_match_golden");
    let field = FieldId::Goldilocks;
    let mut rng = SplitMix64::new(seed);

    let start = std::time::Instant::now();
    let drain = 15 * (MerkleTree8::COMPRESSION_LATENCY + 4);
    let tree = VerilatorModel::build_lane_stream(
        "merkle_tree8",
        &verilog_of(MerkleTree8::new(MerkleTree8::MAX_LOG).unwrap()),
        &tree_ports(field),
        LaneHandshake::STANDARD,
    )
    .unwrap()
    .with_drain(drain);
    eprintln!("tree: Verilator build in {:.1?}", start.elapsed());
    let trees = Trees::random(field, &KS, seed);
    let leaves = tree_vectors(&trees.stream(field));
    let want = trees.roots(field);
    let full = runs_match(&tree, &leaves, &want, "goldilocks tree", &mut rng);
    assert_eq!(full.taken_by, leaves.len(), "one leaf per cycle at full rate");
    let mut swapped = leaves.clone();
    let n = swapped.len();
    swapped.swap(n - 100, n - 99);
    let (out, _, _) = tree.run_traffic(&traffic(swapped, 20, 30, 0, &mut rng)).unwrap();
    assert_eq!(count_mismatches(&out, &want), 1, "only the last root changes");

    let start = std::time::Instant::now();
    let sponge = VerilatorModel::build_lane_stream(
        "leaf_sponge8",
        &verilog_of(LeafSponge8::new().unwrap()),
        &sponge_ports(field),
        LaneHandshake::STANDARD,
    )
    .unwrap()
    .with_drain(8 * (LeafSponge8::LATENCY + 8));
    eprintln!("sponge: Verilator build in {:.1?}", start.elapsed());
    let mut batches = vec![vec![1, 4, 5, 9]];
    for _ in 0..18 {
        batches.push((0..512).map(|_| 1 + (rng.next_u64() % 40) as usize).collect());
    }
    let (chunks, want) = random_batches(field, &batches, &mut rng);
    let vectors = sponge_vectors(&chunks);
    runs_match(&sponge, &vectors, &want, "goldilocks sponge", &mut rng);
    // The two chunks of the 5-wide row (slot 2 of the first batch) in the wrong order.
    let mut swapped = chunks.clone();
    (swapped[2].4, swapped[4].4) = (chunks[4].4.clone(), chunks[2].4.clone());
    let (out, _, _) = sponge.run_traffic(&traffic(sponge_vectors(&swapped), 20, 30, 0, &mut rng)).unwrap();
    assert_eq!(count_mismatches(&out, &want), 1, "only one digest changes");
}

/// The rate-4 units' emitted Verilog under iverilog (about a dozen cycles per second for the
/// whole Goldilocks permutation, so one permutation deep): two trees of two leaves, and a
/// batch of rows of widths 2, 4 and 3 (one chunk each), with input gaps and output stalls.
#[test]
fn rate4_units_verilog_match_golden_in_iverilog() {
    let seed = test_seed("rate4_units_verilog_match_golden_in_iverilog");
    let field = FieldId::Goldilocks;
    let mut rng = SplitMix64::new(seed);

    let trees = Trees::random(field, &[1, 1], seed);
    let t = with_tail(
        traffic(tree_vectors(&trees.stream(field)), 30, 40, 0, &mut rng),
        MerkleTree8::COMPRESSION_LATENCY + 8,
    );
    let start = std::time::Instant::now();
    let verilog = verilog_of(MerkleTree8::new(2).unwrap());
    let out = simulate_lane_stream(
        "merkle_tree8",
        &verilog,
        &tree_ports(field),
        LaneHandshake::STANDARD,
        &t,
        Simulator::Iverilog,
    )
    .unwrap();
    eprintln!("tree: {} cycles in iverilog in {:.1?}", t.offer.len(), start.elapsed());
    assert_eq!(count_mismatches(&out, &trees.roots(field)), 0, "tree, seed {seed:#x}");

    let (chunks, want) = batch_stream(field, &random_rows(field, &[2, 4, 3], &mut rng));
    let t = with_tail(traffic(sponge_vectors(&chunks), 30, 40, 0, &mut rng), LeafSponge8::LATENCY + 8);
    let start = std::time::Instant::now();
    let verilog = verilog_of(LeafSponge8::new().unwrap());
    let out = simulate_lane_stream(
        "leaf_sponge8",
        &verilog,
        &sponge_ports(field),
        LaneHandshake::STANDARD,
        &t,
        Simulator::Iverilog,
    )
    .unwrap();
    eprintln!("sponge: {} cycles in iverilog in {:.1?}", t.offer.len(), start.elapsed());
    assert_eq!(count_mismatches(&out, &want), 0, "sponge, seed {seed:#x}");
}
