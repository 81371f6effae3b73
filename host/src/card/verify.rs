//! The host's checker of a card's commitment.
//!
//! A card answers `COMMIT_BATCH`/`READ_ROOT` with a Merkle root over the rows of the coset
//! LDE of the trace, and `READ_PATHS` with opened leaves and their authentication paths.
//! None of that is trusted: a card can be faulty (a flipped bit in HBM, a bad twiddle, a
//! timing failure in one pipeline stage) and the root goes straight into a proof. This room
//! of the house is where the host checks the answer against the one thing it does trust,
//! the trace it sent, without redoing the card's work:
//!
//! - [`lde_row`] recomputes any single row of the bit-reversed LDE from the trace alone, by
//!   barycentric interpolation, in `O(rows × cols)` instead of the `O(N log N × cols)` of the
//!   whole LDE, so that a few rows can be checked at a cost independent of the blowup;
//! - [`parse_paths`] turns the card's raw `READ_PATHS` bytes into [`OpenedPath`]s, treating
//!   them as untrusted input (exact length, canonical elements);
//! - [`check_path`] hashes a path up to the root, and [`sample_check`] ties both together:
//!   the opened leaf must be the hash of the recomputed row and its path must reach the root;
//! - [`sample_indices`] and [`detection_probability`] choose the rows and say what a
//!   sample of that size catches ([`SAMPLE_GUARANTEE`], [`FULL_GUARANTEE`] are the texts the
//!   CLI prints for `--verify sample` and `--verify full`).
//!
//! Everything here is the golden model's commitment (`slotproof_core::golden`): the leaf
//! hash and the compression are the golden ones, so the checker shares no code with the
//! fast paths it checks (the CPU kernels and the card).

use std::collections::HashSet;

use p3_field::Field;
use rayon::prelude::*;
use slotproof_core::field::{BabyBear, Goldilocks, KoalaBear};
use slotproof_core::golden::merkle::{compress, leaf_hash};
use slotproof_core::golden::poseidon2::{Poseidon2Spec, SpongeParams};
use slotproof_core::matrix::reverse_bits;
use slotproof_core::sample::SplitMix64;
use slotproof_core::{FieldId, TraceField};

use super::trace_view::{TraceView, abi_field};

/// What `--verify sample` guarantees, as the CLI prints it.
pub const SAMPLE_GUARANTEE: &str = "\
--verify sample opens k random rows of the card's commitment (READ_PATHS) and checks each \
against the trace on the CPU: the row of the LDE is recomputed from the trace, its leaf \
hash must equal the card's leaf digest, and the card's authentication path must hash up to \
the card's root. Any corruption of the root, or of a leaf digest or sibling on a sampled \
path, is always caught. A fault confined to one LDE row (with the tree rebuilt consistently \
around it) is caught with probability k/N, N the number of LDE rows. A fault touching a \
fraction f of the rows is caught with probability at least 1 - (1 - f)^k; most compute \
faults touch nearly every row (a wrong twiddle factor, a wrong trace word, a wrong coset \
shift all change the whole LDE), so a handful of samples catches them almost surely. It \
does not prove the root correct: a fault in a few rows can escape.";

/// What `--verify full` guarantees, as the CLI prints it.
pub const FULL_GUARANTEE: &str = "\
--verify full recomputes the whole commitment (LDE, leaf hashes, Merkle tree) on the CPU \
and compares the roots: every wrong root is caught, whatever the fault, at the cost of \
doing the card's work again on the host.";

/// Why a card's answer was rejected. Row indices are leaf indices of the tree, that is rows
/// of the LDE in bit-reversed order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The `READ_PATHS` answer does not have the length the request implies.
    #[error(
        "malformed answer: READ_PATHS for {count} indices over 2^{log_leaves} leaves is {got} bytes, expected {expected}"
    )]
    AnswerLength {
        /// Indices requested.
        count: usize,
        /// Tree height.
        log_leaves: usize,
        /// Bytes received.
        got: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// An element of the answer (or of a path or root handed in) is not a canonical value.
    #[error("malformed answer: row {index}, {what} element {element} is {value:#x}, not below p = {p:#x}")]
    NonCanonical {
        /// Leaf index of the path.
        index: usize,
        /// Which digest: "leaf" or "sibling at level L".
        what: String,
        /// Element within that digest.
        element: usize,
        /// The value.
        value: u64,
        /// The field's prime.
        p: u64,
    },
    /// A digest with the wrong number of elements.
    #[error("malformed answer: row {index}, {what} has {got} elements, expected {expected}")]
    DigestLength {
        /// Leaf index of the path.
        index: usize,
        /// Which digest.
        what: String,
        /// Elements given.
        got: usize,
        /// Elements of a digest in this field.
        expected: usize,
    },
    /// The root handed in is not a digest of this field (wrong length or a non-canonical
    /// element).
    #[error("malformed root {root:?}: a {field} digest is {expected} elements below p")]
    Root {
        /// The root.
        root: Vec<u64>,
        /// The field.
        field: FieldId,
        /// Elements of a digest in this field.
        expected: usize,
    },
    /// A path whose length is not the tree's height.
    #[error("malformed answer: row {index}, path has {got} siblings, expected {expected}")]
    PathLength {
        /// Leaf index.
        index: usize,
        /// Siblings given.
        got: usize,
        /// Height of the tree.
        expected: usize,
    },
    /// A leaf index outside the tree.
    #[error("malformed answer: row {index} is outside a tree of {leaves} leaves")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// Leaves of the tree.
        leaves: u128,
    },
    /// The opened leaf digest is not the hash of the recomputed LDE row: the card's LDE or
    /// leaf hash is wrong in this row (or it opened a different row).
    #[error("row {index}: leaf digest differs: card {card:?}, trace gives {expected:?}")]
    LeafMismatch {
        /// Leaf index.
        index: usize,
        /// The card's leaf digest.
        card: Vec<u64>,
        /// The hash of the recomputed row.
        expected: Vec<u64>,
    },
    /// The path does not hash up to the root: a wrong root, sibling or leaf digest.
    #[error("row {index}: path hashes to {computed:?}, not to the card's root {root:?}")]
    PathMismatch {
        /// Leaf index.
        index: usize,
        /// The root the path leads to.
        computed: Vec<u64>,
        /// The card's root.
        root: Vec<u64>,
    },
    /// The trace has no LDE of this size in this field (not a power-of-two height, or more
    /// LDE rows than the field's largest power-of-two subgroup).
    #[error("no LDE of a {rows}-row {field} trace with blowup 2^{log_blowup} (two-adicity {two_adicity})")]
    Domain {
        /// The field.
        field: FieldId,
        /// Trace rows.
        rows: usize,
        /// The blowup's log.
        log_blowup: usize,
        /// The field's two-adicity.
        two_adicity: usize,
    },
}

/// One opened leaf as `READ_PATHS` returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedPath {
    /// The leaf index (the row of the bit-reversed LDE).
    pub index: usize,
    /// The leaf digest.
    pub leaf: Vec<u64>,
    /// The sibling at every level, leaf level first.
    pub siblings: Vec<Vec<u64>>,
}

/// Row `j` of the bit-reversed coset LDE (blowup `2^log_blowup`, shift = the field's
/// generator) of `trace`, computed from the trace alone.
///
/// The row is the evaluation of every column's interpolant at one point
/// `x = g · ω_N^bitrev(j)`, by the barycentric formula over the trace subgroup `H` (order n):
/// `p(x) = (x^n − 1)/n · Σ_i y_i · ω_n^i / (x − ω_n^i)`. The weights depend only on `x`, so
/// they are computed once (one batch inversion) and each column is a dot product.
///
/// # Panics
/// If the trace height is not a power of two, if the LDE is larger than the field's
/// two-adic subgroup, or if `j` is not below the LDE height: these are the caller's
/// shape errors ([`sample_check`] rejects them as [`VerifyError`]s before calling this).
pub fn lde_row(trace: &TraceView, log_blowup: usize, j: usize) -> Vec<u64> {
    match trace.field() {
        FieldId::BabyBear => lde_row_in::<BabyBear>(trace, log_blowup, j),
        FieldId::KoalaBear => lde_row_in::<KoalaBear>(trace, log_blowup, j),
        FieldId::Goldilocks => lde_row_in::<Goldilocks>(trace, log_blowup, j),
    }
}

/// Rows per parallel task of [`lde_row_in`]: large enough that one field inversion per
/// chunk (Montgomery's trick restarts per chunk) and the task overhead are negligible, small
/// enough that the chunk's weights stay in L1.
const CHUNK: usize = 2048;

fn lde_row_in<F: TraceField>(trace: &TraceView, log_blowup: usize, j: usize) -> Vec<u64> {
    let (n, cols) = (trace.rows(), trace.cols());
    assert!(n.is_power_of_two(), "trace height {n} is not a power of two");
    let log_n = n.trailing_zeros() as usize;
    let log_big = log_n + log_blowup;
    assert!(log_big <= F::TWO_ADICITY, "an LDE of 2^{log_big} rows does not fit {}", F::ID);
    assert!(j < 1 << log_big, "row {j} of an LDE of 2^{log_big} rows");

    let m = reverse_bits(j, log_big);
    let x = F::GENERATOR * F::two_adic_generator(log_big).exp_u64(m as u64);
    let omega = F::two_adic_generator(log_n);
    let x_n = x.exp_power_of_2(log_n);
    if x_n == F::ONE {
        // x ∈ H would make a denominator vanish. It cannot happen (x^n = g^n·ζ with ζ a
        // 2^log_blowup-th root of unity, and g^(n·2^log_blowup) ≠ 1 because g generates the
        // whole group, of order p − 1 > 2^two_adicity), but if it did the value is simply
        // the trace row at that point, so answer that rather than divide by zero.
        let i = (0..n).find(|&i| omega.exp_u64(i as u64) == x).expect("x ∈ H is some ω^i");
        return (0..cols).map(|c| trace.get(i, c)).collect();
    }
    let scale = (x_n - F::ONE) * F::from_u64(n as u64).inverse();

    // Rows are read in order and every column of a row is used at once, so the trace is
    // streamed sequentially (it is row-major; one task per column would stride through it
    // `cols` times). Each chunk of rows yields partial column sums, added up at the end.
    let partial = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|k| {
            let (r0, r1) = (k * CHUNK, ((k + 1) * CHUNK).min(n));
            let mut w = omega.exp_u64(r0 as u64);
            let mut pows = Vec::with_capacity(r1 - r0);
            let mut dens = Vec::with_capacity(r1 - r0);
            for _ in r0..r1 {
                pows.push(w);
                dens.push(x - w);
                w *= omega;
            }
            batch_invert(&mut dens);
            let mut acc = vec![F::ZERO; cols];
            for (i, (p, d)) in pows.iter().zip(&dens).enumerate() {
                let weight = *p * *d;
                for (c, a) in acc.iter_mut().enumerate() {
                    *a += weight * F::from_canonical(trace.get(r0 + i, c));
                }
            }
            acc
        })
        .reduce(
            || vec![F::ZERO; cols],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            },
        );
    partial.into_iter().map(|s| (s * scale).canonical()).collect()
}

/// Montgomery's trick: inverts every element of `v` (all non-zero) with one field inversion
/// and three multiplications per element.
fn batch_invert<F: Field>(v: &mut [F]) {
    let Some(last) = v.len().checked_sub(1) else { return };
    let mut prefix = Vec::with_capacity(v.len());
    let mut acc = F::ONE;
    for &e in v.iter() {
        prefix.push(acc);
        acc *= e;
    }
    // acc = Π v; every v is x − ω^i ≠ 0 because x ∉ H.
    let mut inv = acc.inverse();
    for i in (0..=last).rev() {
        let e = v[i];
        v[i] = inv * prefix[i];
        inv *= e;
    }
}

fn digest_what(level: usize) -> String {
    if level == 0 { "leaf".to_string() } else { format!("sibling at level {}", level - 1) }
}

/// Parses the card's `READ_PATHS` answer for `indices` over a tree of `2^log_leaves` leaves:
/// per index, in request order, `1 + log_leaves` digests (the leaf, then the siblings leaf
/// level first), each `digest` little-endian elements of 4 bytes (BabyBear, KoalaBear) or 8
/// (Goldilocks). The length must be exact and every element canonical.
pub fn parse_paths(
    field: FieldId,
    log_leaves: usize,
    indices: &[u32],
    bytes: &[u8],
) -> Result<Vec<OpenedPath>, VerifyError> {
    let abi = abi_field(field);
    let (eb, digest) = (abi.elem_bytes(), SpongeParams::for_field(field).digest);
    let leaves = 1u128.checked_shl(log_leaves as u32).filter(|_| log_leaves < 128).unwrap_or(u128::MAX);
    // `log_leaves` comes with the request, but checked arithmetic keeps an absurd one an
    // error rather than an overflow.
    let per_index = log_leaves.checked_add(1).and_then(|d| d.checked_mul(digest * eb));
    let expected = per_index.and_then(|b| b.checked_mul(indices.len()));
    if expected != Some(bytes.len()) {
        return Err(VerifyError::AnswerLength {
            count: indices.len(),
            log_leaves,
            got: bytes.len(),
            expected: expected.unwrap_or(usize::MAX),
        });
    }
    let per_index = per_index.unwrap_or(0);
    let p = field.modulus();
    indices
        .iter()
        .enumerate()
        .map(|(k, &index)| {
            let index = index as usize;
            if index as u128 >= leaves {
                return Err(VerifyError::IndexOutOfRange { index, leaves });
            }
            let chunk = &bytes[k * per_index..(k + 1) * per_index];
            let mut digests = chunk
                .chunks_exact(digest * eb)
                .enumerate()
                .map(|(level, d)| {
                    d.chunks_exact(eb)
                        .enumerate()
                        .map(|(element, b)| {
                            let mut w = [0u8; 8];
                            w[..eb].copy_from_slice(b);
                            let value = u64::from_le_bytes(w);
                            if value < p {
                                Ok(value)
                            } else {
                                Err(VerifyError::NonCanonical { index, what: digest_what(level), element, value, p })
                            }
                        })
                        .collect::<Result<Vec<u64>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let siblings = digests.split_off(1);
            let leaf = digests.pop().unwrap_or_default();
            Ok(OpenedPath { index, leaf, siblings })
        })
        .collect()
}

/// Checks one digest's length and canonicity: the golden permutation assumes canonical
/// inputs, and a hand-built [`OpenedPath`] is as untrusted as a parsed one.
fn check_digest(field: FieldId, index: usize, what: impl Fn() -> String, d: &[u64]) -> Result<(), VerifyError> {
    let expected = SpongeParams::for_field(field).digest;
    if d.len() != expected {
        return Err(VerifyError::DigestLength { index, what: what(), got: d.len(), expected });
    }
    let p = field.modulus();
    match d.iter().position(|&v| v >= p) {
        Some(element) => Err(VerifyError::NonCanonical { index, what: what(), element, value: d[element], p }),
        None => Ok(()),
    }
}

/// Checks that the root is a digest of `field`: the same length the compression produces
/// (a shorter root could otherwise never match, but would say so less clearly) and
/// canonical elements.
fn check_root(field: FieldId, root: &[u64]) -> Result<(), VerifyError> {
    let expected = SpongeParams::for_field(field).digest;
    if root.len() == expected && root.iter().all(|&v| v < field.modulus()) {
        Ok(())
    } else {
        Err(VerifyError::Root { root: root.to_vec(), field, expected })
    }
}

/// Checks the shape of a path: digest lengths, canonical elements, index inside a tree of
/// `2^siblings` leaves.
fn check_shape(field: FieldId, path: &OpenedPath) -> Result<(), VerifyError> {
    let height = path.siblings.len();
    let leaves = 1u128.checked_shl(height as u32).filter(|_| height < 128).unwrap_or(u128::MAX);
    if path.index as u128 >= leaves {
        return Err(VerifyError::IndexOutOfRange { index: path.index, leaves });
    }
    check_digest(field, path.index, || digest_what(0), &path.leaf)?;
    for (level, s) in path.siblings.iter().enumerate() {
        check_digest(field, path.index, || digest_what(level + 1), s)?;
    }
    Ok(())
}

fn hash_up(perm: &Poseidon2Spec, sp: SpongeParams, root: &[u64], path: &OpenedPath) -> Result<(), VerifyError> {
    let mut node = path.leaf.clone();
    for (level, sibling) in path.siblings.iter().enumerate() {
        // Bit `level` of the index says whether this node is a right child.
        node = if (path.index >> level) & 1 == 0 {
            compress(perm, sp, &node, sibling)
        } else {
            compress(perm, sp, sibling, &node)
        };
    }
    if node == root {
        Ok(())
    } else {
        Err(VerifyError::PathMismatch { index: path.index, computed: node, root: root.to_vec() })
    }
}

/// Checks that `path` hashes up to `root` (the tree's height is the path's length).
pub fn check_path(field: FieldId, root: &[u64], path: &OpenedPath) -> Result<(), VerifyError> {
    check_root(field, root)?;
    check_shape(field, path)?;
    hash_up(&Poseidon2Spec::for_field(field), SpongeParams::for_field(field), root, path)
}

/// Checks opened paths of the card's commitment against the trace: for every path, the LDE
/// row is recomputed with [`lde_row`], its leaf hash must equal the path's leaf, and the
/// path must hash up to `root`. Stops at the first failure.
pub fn sample_check(
    trace: &TraceView,
    log_blowup: usize,
    root: &[u64],
    paths: &[OpenedPath],
) -> Result<(), VerifyError> {
    let field = trace.field();
    let rows = trace.rows();
    let log_leaves = rows.trailing_zeros() as usize + log_blowup;
    if !rows.is_power_of_two() || log_leaves > field.two_adicity() {
        return Err(VerifyError::Domain { field, rows, log_blowup, two_adicity: field.two_adicity() });
    }
    check_root(field, root)?;
    let perm = Poseidon2Spec::for_field(field);
    let sp = SpongeParams::for_field(field);
    for path in paths {
        check_shape(field, path)?;
        if path.siblings.len() != log_leaves {
            return Err(VerifyError::PathLength { index: path.index, got: path.siblings.len(), expected: log_leaves });
        }
        let expected = leaf_hash(&perm, sp, &lde_row(trace, log_blowup, path.index));
        if expected != path.leaf {
            return Err(VerifyError::LeafMismatch { index: path.index, card: path.leaf.clone(), expected });
        }
        hash_up(&perm, sp, root, path)?;
    }
    Ok(())
}

/// `k` distinct uniformly random leaf indices of a tree of `2^log_leaves` leaves, sorted
/// (all of them if `k ≥ 2^log_leaves`), the same for the same seed.
///
/// # Panics
/// If `log_leaves > 32`: `READ_PATHS` indices are u32.
pub fn sample_indices(log_leaves: usize, k: usize, seed: u64) -> Vec<u32> {
    assert!(log_leaves <= 32, "READ_PATHS indices are u32; 2^{log_leaves} leaves do not fit");
    let n = 1u64 << log_leaves;
    if k as u64 >= n {
        return (0..n).map(|i| i as u32).collect();
    }
    // Floyd's algorithm: k draws, each a uniform k-subset step, no O(N) table, so sampling a
    // few rows of a 2^30-row LDE costs nothing.
    let mut rng = SplitMix64::new(seed);
    let mut chosen = HashSet::with_capacity(k);
    for top in n - k as u64..n {
        let t = uniform_below(&mut rng, top + 1);
        if !chosen.insert(t) {
            chosen.insert(top);
        }
    }
    let mut out: Vec<u32> = chosen.into_iter().map(|i| i as u32).collect();
    out.sort_unstable();
    out
}

/// Uniform in `[0, bound)` by rejection (no modulo bias).
fn uniform_below(rng: &mut SplitMix64, bound: u64) -> u64 {
    let mask = u64::MAX >> (bound - 1).leading_zeros().min(63);
    loop {
        let v = rng.next_u64() & mask;
        if v < bound {
            return v;
        }
    }
}

/// The probability that [`sample_indices`]`(log_leaves, k, _)` includes one particular row:
/// `k/N` for `k ≤ N` (distinct samples), 1 beyond.
pub fn detection_probability(log_leaves: usize, k: usize) -> f64 {
    let n = 2f64.powi(log_leaves as i32);
    (k as f64 / n).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lde_points_are_never_in_the_trace_subgroup() {
        // x^n = g^n·ζ with ζ^(2^b) = 1, so x^n = 1 needs g^(n·2^b) = 1; n·2^b ≤ 2^two_adicity
        // and g^(2^two_adicity) ≠ 1 rules that out for every trace and blowup.
        for id in FieldId::ALL {
            let f = slotproof_core::golden::Fp::new(id);
            assert_ne!(f.pow(f.generator(), 1 << id.two_adicity()), 1, "{id}");
            // And directly, every point of small LDEs with blowups 0..=3.
            for log_n in 0..6 {
                for b in 0..=3 {
                    let w = f.two_adic_root(log_n + b);
                    for m in 0..1u64 << (log_n + b) {
                        let x = f.mul(f.generator(), f.pow(w, m));
                        assert_ne!(f.pow(x, 1 << log_n), 1, "{id} n=2^{log_n} b={b} m={m}");
                    }
                }
            }
        }
    }

    #[test]
    fn indices_are_distinct_in_range_and_seeded() {
        for (log, k) in [(0, 1), (3, 8), (3, 20), (6, 4), (10, 100), (32, 5)] {
            let s = sample_indices(log, k, 7);
            let n = 1u64 << log;
            assert_eq!(s.len() as u64, (k as u64).min(n));
            assert!(s.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
            assert!(s.iter().all(|&i| u64::from(i) < n));
            assert_eq!(s, sample_indices(log, k, 7));
        }
        assert_ne!(sample_indices(20, 8, 1), sample_indices(20, 8, 2));
        assert_eq!(detection_probability(6, 4), 4.0 / 64.0);
        assert_eq!(detection_probability(3, 9), 1.0);
        assert_eq!(detection_probability(3, 0), 0.0);
    }
}
