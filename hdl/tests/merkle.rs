//! The Merkle tree unit against the golden model (`merkle_levels`, `compress`): rust-hdl
//! simulation of small trees, then the emitted Verilog under Verilator, driven from Rust with
//! valid/ready, on trees of 2 to 2^14 leaves with random input gaps, and negative controls.
//! Lanes are Montgomery form at the ports; the golden model works on canonical values.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::golden::merkle::{leaf_hash, merkle_levels};
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Vector, VerilatorModel, count_mismatches, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::merkle::{LeafSponge, MerkleTree};

type Digest = [u64; 8];

/// A stream of trees: per tree `k` and its `2^k` canonical leaf digests.
struct Trees {
    trees: Vec<(usize, Vec<Digest>)>,
}

impl Trees {
    fn random(prime: Prime31, ks: &[usize], seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let trees = ks
            .iter()
            .map(|&k| (k, (0..1usize << k).map(|_| std::array::from_fn(|_| rng.element(prime.field))).collect()))
            .collect();
        Self { trees }
    }

    /// The golden roots, Montgomery form, in tree order.
    fn roots(&self, prime: Prime31) -> Vec<Digest> {
        let spec = Poseidon2Spec::for_field(prime.field);
        let sp = SpongeParams::for_field(prime.field);
        self.trees
            .iter()
            .map(|(_, leaves)| {
                let root = merkle_levels(&spec, sp, leaves.iter().map(|l| l.to_vec()).collect())
                    .pop()
                    .expect("a root")
                    .pop()
                    .expect("one node");
                std::array::from_fn(|i| prime.to_mont(root[i]))
            })
            .collect()
    }

    /// The leaves in stream order as `(k, Montgomery lanes)`.
    fn stream(&self, prime: Prime31) -> Vec<(u64, Digest)> {
        self.trees
            .iter()
            .flat_map(|(k, leaves)| leaves.iter().map(move |l| (*k as u64, l.map(|x| prime.to_mont(x)))))
            .collect()
    }
}

/// Runs `uut` in rust-hdl's simulator for `cycles` cycles: leaf `i` is offered from cycle
/// `offer_from[i]` on and held until `ready`; returns the roots seen on `valid_out`.
fn rust_hdl_roots(uut: MerkleTree, leaves: Vec<(u64, Digest)>, offer_from: Vec<usize>, cycles: usize) -> Vec<Digest> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5_000, |x: &mut Box<MerkleTree>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<MerkleTree>| {
        let mut x = ep.init()?;
        let mut next = 0;
        for cycle in 0..cycles {
            let offer = next < leaves.len() && cycle >= offer_from[next];
            let (k, lanes) = leaves.get(next).copied().unwrap_or((1, [0; 8]));
            x.valid_in.next = offer;
            x.log_leaves.next = k.to_bits();
            seq!(N in 0..8 { x.d~N.next = lanes[N].to_bits(); });
            // `ready` depends on registers only: its value now holds until the edge.
            let taken = offer && x.ready.val();
            // One clock cycle, as wait_clock_cycle! does.
            if x.clock.val().clk {
                x = ep.watch(|x| !x.clock.val().clk, x)?;
                x = ep.watch(|x| x.clock.val().clk, x)?;
            } else {
                x = ep.watch(|x| x.clock.val().clk, x)?;
                x = ep.watch(|x| !x.clock.val().clk, x)?;
            }
            if taken {
                next += 1;
            }
            if x.valid_out.val() {
                let root: Digest = seq!(N in 0..8 { [#( x.r~N.val().to_u64(), )*] });
                sink.lock().unwrap().push(root);
            }
        }
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000_000 * sim_time::ONE_MILLISECOND).unwrap();
    got.lock().unwrap().clone()
}

/// Trees of `2^k` leaves for each `k` in `ks`, back to back, leaf `i` offered from cycle
/// `offer_from[i]` on: the roots of a rust-hdl simulation (run until the last root is out)
/// and the golden ones.
fn small_trees_case(
    uut: MerkleTree,
    prime: Prime31,
    ks: &[usize],
    offer_from: Vec<usize>,
    seed: u64,
) -> (Vec<Digest>, Vec<Digest>) {
    let trees = Trees::random(prime, ks, seed);
    let leaves = trees.stream(prime);
    let depth = ks.iter().copied().max().unwrap_or(0);
    let cycles = depth * (MerkleTree::compression_latency(prime) + 2) + 20;
    let start = std::time::Instant::now();
    let got = rust_hdl_roots(uut, leaves, offer_from, cycles);
    eprintln!("{}: {cycles} cycles in rust-hdl in {:.1?}", prime.field, start.elapsed());
    (got, trees.roots(prime))
}

#[test]
fn tree_matches_golden_in_rust_hdl() {
    let seed = test_seed("tree_matches_golden_in_rust_hdl");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    // Two trees (2 leaves, then 4), the second leaf of each offered late.
    let offer_from = vec![0, 3, 4, 5, 6, 7];
    let (got, want) = small_trees_case(MerkleTree::new(prime, 3).unwrap(), prime, &[1, 2], offer_from, seed);
    assert_eq!(got.len(), 2, "two roots, seed {seed:#x}");
    assert_eq!(count_mismatches(&got, &want), 0, "seed {seed:#x}");
}

fn tree_ports() -> Ports {
    seq!(N in 0..8 {
        Ports {
            inputs: vec![("log_leaves", 5), #( (concat!("d", N), 32), )*],
            outputs: vec![#( (concat!("r", N), 32), )*],
        }
    })
}

/// The leaf stream as Verilator vectors, with ~1 gap in `gaps` cycles (none if 0).
fn tree_vectors(leaves: &[(u64, Digest)], gaps: u64, seed: u64) -> Vec<Vector> {
    let mut rng = SplitMix64::new(seed ^ 0x6A95);
    let mut out = Vec::with_capacity(leaves.len() * 5 / 4);
    for (k, lanes) in leaves {
        while gaps > 0 && rng.next_u64().is_multiple_of(gaps) {
            out.push((false, vec![0; 9]));
        }
        let mut v = vec![*k];
        v.extend_from_slice(lanes);
        out.push((true, v));
    }
    out
}

/// Trees of 2 .. 2^14 leaves (`k` non-decreasing: a smaller tree right after a larger one
/// may finish first, and roots leave in the order they are finished).
const KS: [usize; 21] = [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 9, 10, 11, 12, 13, 13, 14, 14];

#[test]
fn tree_verilog_matches_golden() {
    let seed = test_seed("tree_verilog_matches_golden");
    let mut total = 0;
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).unwrap();
        let start = std::time::Instant::now();
        let uut = MerkleTree::new(prime, MerkleTree::MAX_LOG).unwrap();
        let name = format!("merkle_tree_{field}");
        let drain = 15 * (MerkleTree::compression_latency(prime) + 4);
        let model = VerilatorModel::build_with_ready(&name, &verilog_of(uut), &tree_ports(), "ready")
            .unwrap()
            .with_drain(drain);
        eprintln!("{field}: Verilator build in {:.1?}", start.elapsed());
        let trees = Trees::random(prime, &KS, seed);
        let leaves = trees.stream(prime);
        let want = trees.roots(prime);
        // With ~1 gap in 5 cycles, then with a leaf offered every cycle (the throughput).
        for gaps in [5, 0] {
            let vectors = tree_vectors(&leaves, gaps, seed);
            let (out, cycles, secs) = model.run_counted(&vectors).unwrap();
            let got: Vec<Digest> = out.into_iter().map(|v| v.try_into().expect("8 lanes")).collect();
            eprintln!(
                "{field}: {} vectors ({} leaves) in {} cycles, {:.3} leaves/cycle, {:.0} cycles/s",
                vectors.len(),
                leaves.len(),
                cycles - drain,
                leaves.len() as f64 / (cycles - drain) as f64,
                cycles as f64 / secs
            );
            total += vectors.len();
            assert_eq!(count_mismatches(&got, &want), 0, "{field} gaps {gaps}, seed {seed:#x}");
        }

        // Negative control on the same model: two leaves of the last tree swapped.
        let mut swapped = leaves.clone();
        let n = swapped.len();
        swapped.swap(n - 1000, n - 999);
        let (out, _) = model.run_measured(&tree_vectors(&swapped, 5, seed)).unwrap();
        let got: Vec<Digest> = out.into_iter().map(|v| v.try_into().expect("8 lanes")).collect();
        assert_eq!(count_mismatches(&got, &want), 1, "only the last root changes, {field}");
    }
    eprintln!("{total} vectors in all");
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
    let (got, want) = small_trees_case(uut, prime, &[1, 1], vec![0, 1, 2, 3], seed);
    assert_eq!(got.len(), 2, "two roots still come out");
    assert_eq!(count_mismatches(&got, &want), 2);
}

/// One sponge input: `(slot, first, last, len, Montgomery lanes)`.
type Chunk = (u64, bool, bool, u64, Digest);

/// The chunk-interleaved stream of one batch of rows (row `s` in slot `s`) and the expected
/// outputs `[slot, digest lanes]` (Montgomery form), in the order the last chunks come.
fn batch_stream(prime: Prime31, rows: &[Vec<u64>]) -> (Vec<Chunk>, Vec<[u64; 9]>) {
    let spec = Poseidon2Spec::for_field(prime.field);
    let sp = SpongeParams::for_field(prime.field);
    let chunks = |row: &Vec<u64>| row.len().div_ceil(8);
    let rounds = rows.iter().map(chunks).max().unwrap_or(0);
    let (mut stream, mut want) = (Vec::new(), Vec::new());
    for c in 0..rounds {
        for (s, row) in rows.iter().enumerate() {
            if c >= chunks(row) {
                continue;
            }
            let part = &row[8 * c..row.len().min(8 * c + 8)];
            let last = c + 1 == chunks(row);
            let lanes = std::array::from_fn(|i| part.get(i).map_or(0, |&x| prime.to_mont(x)));
            stream.push((s as u64, c == 0, last, part.len() as u64, lanes));
            if last {
                let digest = leaf_hash(&spec, sp, row);
                let mut out = [s as u64; 9];
                out[1..].copy_from_slice(&digest.iter().map(|&x| prime.to_mont(x)).collect::<Vec<_>>());
                want.push(out);
            }
        }
    }
    (stream, want)
}

fn random_rows(prime: Prime31, widths: &[usize], rng: &mut SplitMix64) -> Vec<Vec<u64>> {
    widths.iter().map(|&w| (0..w).map(|_| rng.element(prime.field)).collect()).collect()
}

/// Runs `uut` in rust-hdl's simulator on `chunks` (each held until `ready`) for `cycles`
/// cycles; returns the `[slot, digest]` outputs.
fn rust_hdl_digests(uut: LeafSponge, chunks: Vec<Chunk>, cycles: usize) -> Vec<[u64; 9]> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5_000, |x: &mut Box<LeafSponge>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<LeafSponge>| {
        let mut x = ep.init()?;
        x = ep.watch(|x| x.clock.val().clk, x)?;
        let mut next = 0;
        for _ in 0..cycles {
            // Just after a rising edge: drive, let `ready` settle (it depends on `slot`) by
            // the falling edge, then take the rising edge.
            let (slot, first, last, len, lanes) = chunks.get(next).copied().unwrap_or((0, false, false, 0, [0; 8]));
            x.valid_in.next = next < chunks.len();
            x.slot.next = slot.to_bits();
            x.first.next = first;
            x.last.next = last;
            x.len.next = len.to_bits();
            seq!(N in 0..8 { x.x~N.next = lanes[N].to_bits(); });
            x = ep.watch(|x| !x.clock.val().clk, x)?;
            let taken = next < chunks.len() && x.ready.val();
            x = ep.watch(|x| x.clock.val().clk, x)?;
            if taken {
                next += 1;
            }
            if x.valid_out.val() {
                let out: [u64; 9] = seq!(N in 0..8 { [x.out_slot.val().to_u64(), #( x.h~N.val().to_u64(), )*] });
                sink.lock().unwrap().push(out);
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
/// must wait (`ready` low) until its first chunk's state is back.
#[test]
fn sponge_matches_golden_in_rust_hdl() {
    let seed = test_seed("sponge_matches_golden_in_rust_hdl");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let rows = random_rows(prime, &[3, 8, 13], &mut SplitMix64::new(seed));
    let (chunks, want) = batch_stream(prime, &rows);
    let cycles = 2 * LeafSponge::latency(prime) + 12;
    let start = std::time::Instant::now();
    // The 512-bit busy register is `[bool; 512]` in rust-hdl's simulator, whose evaluation
    // needs more stack than a test thread's default.
    let got = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || rust_hdl_digests(LeafSponge::new(prime).unwrap(), chunks, cycles))
        .unwrap()
        .join()
        .unwrap();
    eprintln!("{cycles} cycles in rust-hdl in {:.1?}", start.elapsed());
    assert_eq!(count_mismatches(&got, &want), 0, "seed {seed:#x}");
}

fn sponge_ports() -> Ports {
    seq!(N in 0..8 {
        Ports {
            inputs: vec![("slot", 9), ("first", 1), ("last", 1), ("len", 4), #( (concat!("x", N), 32), )*],
            outputs: vec![("out_slot", 9), #( (concat!("h", N), 32), )*],
        }
    })
}

/// The chunks as Verilator vectors, with ~1 gap in `gaps` cycles (none if 0).
fn sponge_vectors(chunks: &[Chunk], gaps: u64, seed: u64) -> Vec<Vector> {
    let mut rng = SplitMix64::new(seed ^ 0x5B0E);
    let mut out = Vec::with_capacity(chunks.len() * 5 / 4);
    for (slot, first, last, len, lanes) in chunks {
        while gaps > 0 && rng.next_u64().is_multiple_of(gaps) {
            out.push((false, vec![0; 12]));
        }
        let mut v = vec![*slot, *first as u64, *last as u64, *len];
        v.extend_from_slice(lanes);
        out.push((true, v));
    }
    out
}

/// Batches: three short rows (3, 8, 13), one row of 41 alone (every chunk waits for the
/// previous one), 430 rows of 16, then 20 full batches of 512 rows of random widths 1..=70.
#[test]
fn sponge_verilog_matches_golden() {
    let seed = test_seed("sponge_verilog_matches_golden");
    let mut total = 0;
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).unwrap();
        let mut rng = SplitMix64::new(seed);
        let mut batches = vec![vec![3, 8, 13], vec![41], vec![16; 430]];
        for _ in 0..20 {
            batches.push((0..512).map(|_| 1 + (rng.next_u64() % 70) as usize).collect());
        }
        let (mut chunks, mut want) = (Vec::new(), Vec::new());
        for widths in &batches {
            let (c, w) = batch_stream(prime, &random_rows(prime, widths, &mut rng));
            chunks.extend(c);
            want.extend(w);
        }
        let start = std::time::Instant::now();
        let name = format!("leaf_sponge_{field}");
        let model = VerilatorModel::build_with_ready(
            &name,
            &verilog_of(LeafSponge::new(prime).unwrap()),
            &sponge_ports(),
            "ready",
        )
        .unwrap()
        .with_drain(LeafSponge::latency(prime) + 8);
        eprintln!("{field}: Verilator build in {:.1?}", start.elapsed());
        for gaps in [5, 0] {
            let vectors = sponge_vectors(&chunks, gaps, seed);
            let (out, cycles, secs) = model.run_counted(&vectors).unwrap();
            let got: Vec<[u64; 9]> = out.into_iter().map(|v| v.try_into().expect("slot + 8 lanes")).collect();
            eprintln!(
                "{field}: {} vectors ({} chunks, {} rows) in {cycles} cycles, {:.0} cycles/s",
                vectors.len(),
                chunks.len(),
                want.len(),
                cycles as f64 / secs
            );
            total += vectors.len();
            assert_eq!(count_mismatches(&got, &want), 0, "{field} gaps {gaps}, seed {seed:#x}");
        }

        // Negative control on the same model: the two chunks of the 13-wide row (slot 2 of
        // the first batch) fed in the wrong order must change that row's digest only.
        let mut swapped = chunks.clone();
        let (a, b) = (2, 3);
        (swapped[a].4, swapped[b].4) = (swapped[b].4, swapped[a].4);
        let (out, _) = model.run_measured(&sponge_vectors(&swapped, 5, seed)).unwrap();
        let got: Vec<[u64; 9]> = out.into_iter().map(|v| v.try_into().expect("slot + 8 lanes")).collect();
        assert_eq!(count_mismatches(&got, &want), 1, "only one digest changes, {field}");
    }
    eprintln!("{total} vectors in all");
}
