//! The Merkle tree unit against the golden model (`merkle_levels`, `compress`): rust-hdl
//! simulation of small trees, then the emitted Verilog under Verilator, driven from Rust with
//! valid/ready, on trees of 2 to 2^14 leaves with random input gaps, and negative controls.
//! Lanes are Montgomery form at the ports; the golden model works on canonical values.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::golden::merkle::merkle_levels;
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{Ports, Vector, VerilatorModel, count_mismatches, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::merkle::MerkleTree;

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

/// Two trees back to back (2 leaves, then 4), the second leaf of each offered late: the
/// roots of a rust-hdl simulation against the golden ones.
fn small_trees_case(uut: MerkleTree, prime: Prime31, seed: u64) -> (Vec<Digest>, Vec<Digest>) {
    let trees = Trees::random(prime, &[1, 2], seed);
    let leaves = trees.stream(prime);
    let offer_from = vec![0, 3, 4, 5, 6, 7];
    let cycles = 2 * (MerkleTree::compression_latency(prime) + 2) + 20;
    let start = std::time::Instant::now();
    let got = rust_hdl_roots(uut, leaves, offer_from, cycles);
    eprintln!("{}: {cycles} cycles in rust-hdl in {:.1?}", prime.field, start.elapsed());
    (got, trees.roots(prime))
}

#[test]
fn tree_matches_golden_in_rust_hdl() {
    let seed = test_seed("tree_matches_golden_in_rust_hdl");
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let (got, want) = small_trees_case(MerkleTree::new(prime, 3).unwrap(), prime, seed);
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

/// The leaf stream as Verilator vectors, with ~1 gap in 5 cycles.
fn tree_vectors(leaves: &[(u64, Digest)], seed: u64) -> Vec<Vector> {
    let mut rng = SplitMix64::new(seed ^ 0x6A95);
    let mut out = Vec::with_capacity(leaves.len() * 5 / 4);
    for (k, lanes) in leaves {
        while rng.next_u64().is_multiple_of(5) {
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
        let vectors = tree_vectors(&leaves, seed);
        let (out, rate) = model.run_measured(&vectors).unwrap();
        let got: Vec<Digest> = out.into_iter().map(|v| v.try_into().expect("8 lanes")).collect();
        eprintln!("{field}: {} vectors ({} leaves), {rate:.0} cycles/s", vectors.len(), leaves.len());
        total += vectors.len();
        let want = trees.roots(prime);
        assert_eq!(count_mismatches(&got, &want), 0, "{field}, seed {seed:#x}");

        // Negative control on the same model: two leaves of the last tree swapped.
        let mut swapped = leaves.clone();
        let n = swapped.len();
        swapped.swap(n - 1000, n - 999);
        let (out, _) = model.run_measured(&tree_vectors(&swapped, seed)).unwrap();
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
    let (got, want) = small_trees_case(MerkleTree::with_spec(prime, &spec, 3).unwrap(), prime, seed);
    assert_eq!(got.len(), 2, "two roots still come out");
    assert_eq!(count_mismatches(&got, &want), 2);
}
