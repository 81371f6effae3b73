//! Leaf hashing and tree compression on SIMD lanes: `P::WIDTH` rows (or node pairs) are
//! hashed at once, lane `l` carrying row `l`, with Plonky3's packed Poseidon2.
//!
//! The sponge and compression are the same as [`crate::golden::merkle`]: padding-free
//! overwrite-mode sponge from the zero state, 2-to-1 truncated permutation.

use p3_field::{Field, PackedValue, PrimeCharacteristicRing};
use p3_symmetric::CryptographicPermutation;
use rayon::prelude::*;

/// A Poseidon2 permutation usable on scalars and on SIMD lanes.
pub trait LanePermutation<F: Field, const W: usize>:
    CryptographicPermutation<[F; W]> + CryptographicPermutation<[F::Packing; W]> + Sync
{
}

impl<F: Field, const W: usize, T> LanePermutation<F, W> for T where
    T: CryptographicPermutation<[F; W]> + CryptographicPermutation<[F::Packing; W]> + Sync
{
}

/// The sponge over `out.len()` rows on SIMD lanes, element `k` of row `r` read by `at(r, k)`:
/// `F::Packing::WIDTH` rows absorb side by side, the rows left over go one at a time.
#[inline(always)]
fn hash_lanes<F: Field, P: LanePermutation<F, W>, const W: usize, const R: usize, const D: usize>(
    perm: &P,
    width: usize,
    at: impl Fn(usize, usize) -> F,
    out: &mut [[F; D]],
) {
    let lanes = F::Packing::WIDTH;
    let n = out.len();
    let full = n - n % lanes;
    for g in (0..full).step_by(lanes) {
        let mut state = [F::Packing::ZERO; W];
        let mut k = 0;
        while k < width {
            let take = R.min(width - k);
            for (l, lane) in state.iter_mut().enumerate().take(take) {
                *lane = F::Packing::from_fn(|row| at(g + row, k + l));
            }
            perm.permute_mut(&mut state);
            k += take;
        }
        for (lane, digest) in out[g..g + lanes].iter_mut().enumerate() {
            *digest = core::array::from_fn(|d| state[d].as_slice()[lane]);
        }
    }
    for (r, digest) in out.iter_mut().enumerate().skip(full) {
        let mut state = [F::ZERO; W];
        let mut k = 0;
        while k < width {
            let take = R.min(width - k);
            for (l, s) in state.iter_mut().enumerate().take(take) {
                *s = at(r, k + l);
            }
            perm.permute_mut(&mut state);
            k += take;
        }
        *digest = core::array::from_fn(|i| state[i]);
    }
}

/// Hashes the rows of `rows` (row-major, `width` columns) into `out`, one digest per row.
pub fn hash_rows<F: Field, P: LanePermutation<F, W>, const W: usize, const R: usize, const D: usize>(
    perm: &P,
    rows: &[F],
    width: usize,
    out: &mut [[F; D]],
) {
    debug_assert_eq!(out.len() * width, rows.len());
    hash_lanes::<F, P, W, R, D>(perm, width, |r, k| rows[r * width + k], out);
}

/// Hashes each row of `rows` (one slice per row, all of one width) into `out`: the sponge of
/// [`hash_rows`] for rows that are not contiguous, such as a bit-reversed view's, read in
/// place rather than copied together first.
pub fn hash_row_slices<F: Field, P: LanePermutation<F, W>, const W: usize, const R: usize, const D: usize>(
    perm: &P,
    rows: &[&[F]],
    out: &mut [[F; D]],
) {
    debug_assert_eq!(out.len(), rows.len());
    let width = rows.first().map_or(0, |r| r.len());
    debug_assert!(rows.iter().all(|r| r.len() == width));
    hash_lanes::<F, P, W, R, D>(perm, width, |r, k| rows[r][k], out);
}

/// The 2-to-1 compression of one pair.
pub fn compress<F: Field, P: LanePermutation<F, W>, const W: usize, const D: usize>(
    perm: &P,
    left: &[F; D],
    right: &[F; D],
) -> [F; D] {
    let mut state = [F::ZERO; W];
    state[..D].copy_from_slice(left);
    state[D..2 * D].copy_from_slice(right);
    perm.permute_mut(&mut state);
    core::array::from_fn(|i| state[i])
}

/// One tree level: `out[i] = compress(input[2i], input[2i+1])`.
pub fn compress_level<F: Field, P: LanePermutation<F, W>, const W: usize, const D: usize>(
    perm: &P,
    input: &[[F; D]],
    out: &mut [[F; D]],
) {
    let lanes = F::Packing::WIDTH;
    let n = out.len();
    debug_assert_eq!(input.len(), 2 * n);
    let full = n - n % lanes;
    for g in (0..full).step_by(lanes) {
        let mut state = [F::Packing::ZERO; W];
        for d in 0..D {
            state[d] = F::Packing::from_fn(|l| input[2 * (g + l)][d]);
            state[D + d] = F::Packing::from_fn(|l| input[2 * (g + l) + 1][d]);
        }
        perm.permute_mut(&mut state);
        for (lane, digest) in out[g..g + lanes].iter_mut().enumerate() {
            *digest = core::array::from_fn(|d| state[d].as_slice()[lane]);
        }
    }
    for i in full..n {
        out[i] = compress::<F, P, W, D>(perm, &input[2 * i], &input[2 * i + 1]);
    }
}

/// The root over a power-of-two number of digests, reusing `nodes` as scratch.
pub fn root_of<F: Field, P: LanePermutation<F, W>, const W: usize, const D: usize>(
    perm: &P,
    mut nodes: Vec<[F; D]>,
) -> [F; D] {
    assert!(nodes.len().is_power_of_two(), "{} nodes is not a power of two", nodes.len());
    // Wide levels are split across threads; narrow ones are not worth the fork.
    const PAR_NODES: usize = 1 << 12;
    while nodes.len() > 1 {
        let mut next = vec![[F::ZERO; D]; nodes.len() / 2];
        if next.len() >= PAR_NODES {
            let chunk = PAR_NODES / 2;
            next.par_chunks_mut(chunk)
                .zip(nodes.par_chunks(2 * chunk))
                .for_each(|(o, i)| compress_level::<F, P, W, D>(perm, i, o));
        } else {
            compress_level::<F, P, W, D>(perm, &nodes, &mut next);
        }
        nodes = next;
    }
    nodes[0]
}
