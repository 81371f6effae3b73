//! The fast CPU MSM, `sum_i k_i · P_i` over BN254 or BLS12-381 G1.
//!
//! The bucket method of [`crate::golden::msm`], computed the way it is fastest on a CPU:
//! - **GLV** ([`glv`]): `k·P = k1·P + k2·φ(P)` with half-length `k1`, `k2`, so half the
//!   windows for twice the points: the same bucket additions, half the reductions;
//! - **signed windows** ([`digits`]): digits in `(-2^(c-1), 2^(c-1)]`, half the buckets;
//! - **batch-affine accumulation** ([`bucket_accumulate`]): bucket lists summed as trees of
//!   affine additions sharing one inversion per round, about 5M + 1S a point;
//! - **XYZZ bucket reduction**: the running sum over buckets in arkworks' extended Jacobian
//!   `Bucket`, where a mixed addition is cheapest without an inversion;
//! - **rayon across windows**: every window is independent until the final doublings.
//!
//! The window width comes from a cost model ([`window_bits`]) that weighs accumulation (one
//! affine addition per point and window) against reduction (two XYZZ additions per bucket).

pub mod bucket_accumulate;
pub mod digits;
pub mod glv;

use ark_ec::short_weierstrass::{Affine, Bucket, Projective};
use ark_ec::{AdditiveGroup, AffineRepr};
use ark_ff::{BigInteger, PrimeField};
use rayon::prelude::*;

use crate::curve::{MsmCurve, MsmError, check_msm_inputs};
pub use digits::{signed_digits, signed_windows};

/// Relative cost of one bucket's reduction (two XYZZ additions) against one batch-affine
/// accumulation with its share of the sort. Counting multiplications gives about 3.5; 3
/// chooses 13 bits at 2^16 points, which a sweep of widths found fastest on BLS12-381 and
/// within 1% of the fastest (12) on BN254.
const REDUCTION_PER_BUCKET: f64 = 3.0;

/// Scalars recoded together: their digits for one window sit side by side.
const DIGIT_BLOCK: usize = 4096;

/// The window width that minimises the estimated work for `points` points of `scalar_bits`
/// bits on `threads` threads: windows are shared out whole, so a width that leaves one
/// thread a window more than the others pays for that window.
pub fn window_bits(points: usize, scalar_bits: u32, threads: usize) -> u32 {
    let threads = threads.max(1);
    (2..=20)
        .map(|c| {
            let windows = signed_windows(scalar_bits, c);
            let per_window = points as f64 + REDUCTION_PER_BUCKET * (1u64 << (c - 1)) as f64;
            (c, windows.div_ceil(threads) as f64 * per_window)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(2, |(c, _)| c)
}

/// Bits of the GLV halves the default window width is chosen for (both curves' halves have
/// at most 128 bits, one more when Babai's quotient is off by one: see [`glv`]).
const GLV_HALF_BITS: u32 = 129;

/// The window width [`msm`] uses for `points` points of `P` on this machine's threads: the
/// cost model's choice for the scalars the MSM will bucket (with GLV, `2 · points` halves).
pub fn default_window_bits<P: MsmCurve>(points: usize) -> u32 {
    let threads = rayon::current_num_threads();
    if P::GLV_PAYS {
        window_bits(2 * points, GLV_HALF_BITS, threads)
    } else {
        window_bits(points, P::ScalarField::MODULUS_BIT_SIZE, threads)
    }
}

/// `sum_i scalars[i] · points[i]`, with the window width from [`default_window_bits`].
///
/// Refuses what [`check_msm_inputs`] refuses: mismatched lengths and points off the curve.
pub fn msm<P: MsmCurve>(points: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>, MsmError> {
    msm_with_window(points, scalars, default_window_bits::<P>(points.len()))
}

/// [`msm`] with a chosen window width of `window_bits` bits (1..=24).
pub fn msm_with_window<P: MsmCurve>(
    points: &[Affine<P>],
    scalars: &[P::ScalarField],
    window_bits: u32,
) -> Result<Projective<P>, MsmError> {
    check_msm_inputs(points, scalars, window_bits)?;
    let c = window_bits;
    let n = points.len();

    // The entries to bucket: (point, sign, |scalar|). With GLV ([`MsmCurve::GLV_PAYS`]),
    // entry i < n is (P_i, k1_i) and entry n + i is (φ(P_i), k2_i), a negative half negating
    // its digits; without it, the inputs themselves. The windows cover the widest scalar.
    let entries: Vec<(bool, ark_ff::BigInt<4>)> = if P::GLV_PAYS {
        let glv = glv::Glv::new::<P>();
        let (mut first, second): (Vec<_>, Vec<_>) = scalars
            .par_iter()
            .map(|s| {
                let [k1, k2] = glv.decompose(&s.into_bigint());
                (k1, k2)
            })
            .unzip();
        first.extend(second);
        first
    } else {
        scalars.par_iter().map(|s| (true, glv::big4(&s.into_bigint()))).collect()
    };
    let bits = entries.par_iter().map(|e| e.1.num_bits()).max().unwrap_or(0).max(1);
    let all: std::borrow::Cow<'_, [Affine<P>]> = if P::GLV_PAYS {
        let mut all = Vec::with_capacity(2 * n);
        all.extend_from_slice(points);
        all.par_extend(points.par_iter().map(P::endomorphism_affine));
        all.into()
    } else {
        points.into()
    };
    let windows = signed_windows(bits, c);

    // Digits in blocks of DIGIT_BLOCK entries, window-major inside a block: recoding runs
    // low to high through one scalar (the carry), while each window task then reads its
    // digits in order. A point at infinity gets digit 0 everywhere, so no window reads it.
    let mut digits = vec![0i32; all.len() * windows];
    digits.par_chunks_mut(DIGIT_BLOCK * windows).enumerate().for_each(|(block, out)| {
        let first = block * DIGIT_BLOCK;
        let len = out.len() / windows;
        let mut one = vec![0i32; windows];
        for j in 0..len {
            let i = first + j;
            if all[i].is_zero() {
                continue;
            }
            let (positive, k) = &entries[i];
            signed_digits(k, c, &mut one);
            for (w, d) in one.iter().enumerate() {
                out[w * len + j] = if *positive { *d } else { -*d };
            }
        }
    });
    let points = &all[..];
    let digit = |w: usize, i: usize| {
        let (block, j) = (i / DIGIT_BLOCK, i % DIGIT_BLOCK);
        let len = DIGIT_BLOCK.min(points.len() - block * DIGIT_BLOCK);
        digits[block * DIGIT_BLOCK * windows + w * len + j]
    };

    let buckets = 1usize << (c - 1);
    let window_sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map_init(
            || (bucket_accumulate::Scratch::<P>::default(), Vec::new()),
            |(scratch, sums), w| {
                bucket_accumulate::bucket_sums(points, |i| digit(w, i), buckets, scratch, sums);
                bucket_reduce(sums)
            },
        )
        .collect();

    // Horner over windows from the top: total = (...(S_top · 2^c + S_next) · 2^c ...) + S_0.
    let mut total = Projective::<P>::ZERO;
    for sum in window_sums.iter().rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        total += sum;
    }
    Ok(total)
}

/// `sum_b (b + 1) · buckets[b]`: a running sum from the top bucket down, in XYZZ.
pub fn bucket_reduce<P: MsmCurve>(buckets: &[Affine<P>]) -> Projective<P> {
    let mut running = Bucket::<P>::default();
    let mut sum = Bucket::<P>::default();
    for bucket in buckets.iter().rev() {
        running += bucket;
        sum += &running;
    }
    sum.into()
}
