//! The Poseidon2 permutation rate: slotproof's row-hashing schedule against Plonky3's own, both
//! on Plonky3's packed permutation (so this measures the schedule around it: packing rows into
//! lanes, absorbing, unpacking digests), single-threaded, per field (BabyBear and KoalaBear
//! width 16, Goldilocks width 8), with the standard sponge of `MerkleTreeMmcs`.
//!
//! - `leaves/<field>/<rows>x<cols>`: one digest per row of a block (`2^11` rows fit in L2,
//!   `2^14` do not): `hash_rows` against `PaddingFreeSponge::hash_iter` over
//!   `vertically_packed_row`s, as `MerkleTreeMmcs` hashes its leaves; `rows·⌈cols/rate⌉`
//!   permutations.
//! - `compress/<field>/<pairs>`: one tree level: `compress_level` against
//!   `TruncatedPermutation::compress` on packed pairs, as `MerkleTreeMmcs` compresses.
//! - `permute/<field>`: one permutation for context: Plonky3 scalar, Plonky3 packed (one call
//!   runs a permutation per lane) and the golden model (the plain spec, not built for speed).
//!
//! Criterion's throughput is in permutations per second (`elem/s`). Both sides are checked
//! equal before timing. `leaves` and `compress` end with `ratio <name>: <Plonky3 time / ours>x`
//! (> 1: slotproof is faster) from 3 interleaved runs; `permute` ends with a `rate` line.
//!
//! `SLOTPROOF_BENCH_QUICK=1` runs only BabyBear and only the small block (for CI smoke runs).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};
use p3_baby_bear::{BabyBear, default_babybear_poseidon2_16};
use p3_field::PackedValue;
use p3_goldilocks::{Goldilocks, default_goldilocks_poseidon2_8};
use p3_koala_bear::{KoalaBear, default_koalabear_poseidon2_16};
use p3_matrix::Matrix;
use p3_symmetric::{CryptographicHasher, PaddingFreeSponge, PseudoCompressionFunction, TruncatedPermutation};
use slotproof_bench::{p3_matrix, quick, trace};
use slotproof_core::TraceField;
use slotproof_core::cpu::merkle::{LanePermutation, compress_level, hash_rows};
use slotproof_core::golden::poseidon2::Poseidon2Spec;

/// Interleaved runs behind each ratio line.
const RUNS: u32 = 3;
/// Each run repeats the kernel until it has done at least this many permutations.
const PERMS_PER_RUN: usize = 1 << 21;

fn group<'a>(c: &'a mut Criterion, name: &str, perms: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(perms as u64));
    g
}

/// Times `ours` and `theirs` (each doing `perms` permutations) in interleaved runs and prints
/// the ratio line with both rates.
fn print_ratio<A, B>(name: &str, perms: usize, ours: impl Fn() -> A, theirs: impl Fn() -> B) {
    let reps = PERMS_PER_RUN.div_ceil(perms);
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        t.elapsed()
    };
    let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        a += time(&|| drop(black_box(ours())));
        b += time(&|| drop(black_box(theirs())));
    }
    let rate = |t: Duration| (perms * reps) as f64 * f64::from(RUNS) / t.as_secs_f64() / 1e6;
    println!(
        "ratio {name}: {:.2}x  (slotproof {:.2} Mperm/s, plonky3 {:.2} Mperm/s, mean of {RUNS} interleaved runs of {} perms)",
        b.as_secs_f64() / a.as_secs_f64(),
        rate(a),
        rate(b),
        perms * reps
    );
}

/// Leaf digests of a random `2^log_rows × cols` block.
fn leaves<F, P, const W: usize, const R: usize, const D: usize>(
    c: &mut Criterion,
    perm: &P,
    log_rows: usize,
    cols: usize,
) where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    let name = format!("leaves/{}/2^{log_rows}x{cols}", F::ID);
    let input = trace::<F>(log_rows, cols, 7);
    let mat = p3_matrix(&input);
    let sponge = PaddingFreeSponge::<P, W, R, D>::new(perm.clone());
    let (rows, lanes) = (input.height(), F::Packing::WIDTH);
    let perms = rows * cols.div_ceil(R);
    let ours = || {
        let mut out = vec![[F::ZERO; D]; rows];
        hash_rows::<F, P, W, R, D>(perm, input.values(), cols, &mut out);
        out
    };
    let theirs = || {
        let mut out = vec![[F::ZERO; D]; rows];
        for (g, digests) in out.chunks_exact_mut(lanes).enumerate() {
            let packed: [F::Packing; D] = sponge.hash_iter(mat.vertically_packed_row::<F::Packing>(g * lanes));
            F::Packing::unpack_into(&packed, digests);
        }
        out
    };
    assert!(ours() == theirs(), "{name}: digests differ");

    let mut g = group(c, &name, perms);
    g.bench_function("slotproof", |b| b.iter(ours));
    g.bench_function("plonky3", |b| b.iter(theirs));
    g.finish();
    print_ratio(&name, perms, ours, theirs);
}

/// One tree level over `2^log_pairs` random pairs of digests.
fn compress<F, P, const W: usize, const D: usize>(c: &mut Criterion, perm: &P, log_pairs: usize)
where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    let name = format!("compress/{}/2^{log_pairs}", F::ID);
    let input: Vec<[F; D]> =
        trace::<F>(log_pairs + 1, D, 11).rows().map(|r| r.try_into().expect("D columns")).collect();
    let truncated = TruncatedPermutation::<P, 2, D, W>::new(perm.clone());
    let (pairs, lanes) = (1 << log_pairs, F::Packing::WIDTH);
    let ours = || {
        let mut out = vec![[F::ZERO; D]; pairs];
        compress_level::<F, P, W, D>(perm, &input, &mut out);
        out
    };
    let theirs = || {
        let mut out = vec![[F::ZERO; D]; pairs];
        for (g, digests) in out.chunks_exact_mut(lanes).enumerate() {
            let children: [[F::Packing; D]; 2] =
                std::array::from_fn(|k| F::Packing::pack_columns_fn(|l| input[2 * (g * lanes + l) + k]));
            F::Packing::unpack_into(&truncated.compress(children), digests);
        }
        out
    };
    assert!(ours() == theirs(), "{name}: digests differ");

    let mut g = group(c, &name, pairs);
    g.bench_function("slotproof", |b| b.iter(ours));
    g.bench_function("plonky3", |b| b.iter(theirs));
    g.finish();
    print_ratio(&name, pairs, ours, theirs);
}

/// Permutations per second of `f`, which does `perms` of them per call.
fn rate(perms: usize, mut f: impl FnMut()) -> f64 {
    const CALLS: usize = 64;
    let (t, mut calls) = (Instant::now(), 0);
    while t.elapsed() < Duration::from_millis(500) {
        for _ in 0..CALLS {
            f();
        }
        calls += CALLS;
    }
    (calls * perms) as f64 / t.elapsed().as_secs_f64()
}

/// A single permutation: Plonky3 scalar and packed, and the golden model.
fn permute<F, P, const W: usize>(c: &mut Criterion, perm: &P)
where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    let name = format!("permute/{}", F::ID);
    let spec = Poseidon2Spec::for_field(F::ID);
    let lanes = F::Packing::WIDTH;
    let start: [F; W] = std::array::from_fn(|i| F::from_u64(i as u64));
    let mut canonical = start.map(|x| x.canonical());
    spec.permute(&mut canonical);
    assert_eq!(canonical, perm.permute(start).map(|x| x.canonical()), "{name}: golden model differs");

    let mut scalar = start;
    let mut packed = start.map(F::Packing::from);
    let mut golden = start.map(|x| x.canonical());
    let mut g = c.benchmark_group(&name);
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(1));
    g.bench_function("plonky3-scalar", |b| b.iter(|| perm.permute_mut(black_box(&mut scalar))));
    g.bench_function("golden-spec", |b| b.iter(|| spec.permute(black_box(&mut golden))));
    g.throughput(Throughput::Elements(lanes as u64));
    g.bench_function("plonky3-packed", |b| b.iter(|| perm.permute_mut(black_box(&mut packed))));
    g.finish();

    let scalar_rate = rate(1, || perm.permute_mut(black_box(&mut scalar)));
    let packed_rate = rate(lanes, || perm.permute_mut(black_box(&mut packed)));
    let golden_rate = rate(1, || spec.permute(black_box(&mut golden)));
    println!(
        "rate {name}: plonky3 scalar {:.2} Mperm/s, plonky3 packed ({lanes} lanes) {:.2} Mperm/s, \
         golden spec {:.3} Mperm/s (packed/spec {:.0}x)",
        scalar_rate / 1e6,
        packed_rate / 1e6,
        golden_rate / 1e6,
        packed_rate / golden_rate
    );
}

/// Every bench of one field, leaf blocks of `2^log_rows × cols` for each of `blocks`.
fn field<F, P, const W: usize, const R: usize, const D: usize>(
    c: &mut Criterion,
    perm: P,
    cols: usize,
    blocks: &[usize],
) where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    for &log_rows in blocks {
        leaves::<F, P, W, R, D>(c, &perm, log_rows, cols);
    }
    compress::<F, P, W, D>(c, &perm, 12);
    permute::<F, P, W>(c, &perm);
}

fn poseidon2(c: &mut Criterion) {
    if quick() {
        field::<BabyBear, _, 16, 8, 8>(c, default_babybear_poseidon2_16(), 64, &[11]);
        return;
    }
    field::<BabyBear, _, 16, 8, 8>(c, default_babybear_poseidon2_16(), 64, &[11, 14]);
    field::<KoalaBear, _, 16, 8, 8>(c, default_koalabear_poseidon2_16(), 64, &[11, 14]);
    field::<Goldilocks, _, 8, 4, 4>(c, default_goldilocks_poseidon2_8(), 32, &[11, 14]);
}

// A plain `main` rather than `criterion_group!`, whose generated `pub fn` has no doc.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    poseidon2(&mut c);
    c.final_summary();
}
