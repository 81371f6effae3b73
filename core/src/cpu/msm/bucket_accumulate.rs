//! Bucket accumulation in affine coordinates, with one field inversion per round.
//!
//! An affine addition `(x3, y3) = P + Q` costs one inversion, `1/(x_Q - x_P)`, plus 2M + 1S.
//! An inversion alone costs about a hundred multiplications, but Montgomery's trick shares
//! one among any number of *independent* additions for 3M each. Affine accumulation then costs
//! about 5M + 1S per point, against 8M + 2S for an XYZZ mixed addition into a bucket.
//!
//! The additions of one batch must be independent: two of them may not write the same
//! bucket. So the points of a window are first counting-sorted by bucket, and every bucket's
//! list is summed as a balanced tree, one level per round: round `r` adds neighbours
//! `(0,1), (2,3), ...` in every bucket at once, under one shared inversion, and halves every
//! list. After `ceil(log2(longest list))` rounds each bucket holds one point. No addition ever
//! waits on another in its round, which is also the order the card's pipelined adder needs.
//!
//! The group law's exceptions are kept, not assumed away: a point at infinity passes the
//! other through, `P + P` doubles (tangent slope `(3x^2 + a) / 2y`), and `P + (-P)` is
//! infinity. Repeated points and a point with its negation in one bucket are ordinary inputs.

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{AdditiveGroup, Field, One, Zero};

/// Working memory of one window's accumulation, kept by a thread across the windows it
/// takes, so rounds reuse their buffers instead of faulting fresh pages in.
pub struct Scratch<P: SWCurveConfig> {
    lists: Vec<Affine<P>>,
    next: Vec<Affine<P>>,
    starts: Vec<u32>,
    next_starts: Vec<u32>,
    products: Vec<P::BaseField>,
}

impl<P: SWCurveConfig> Default for Scratch<P> {
    fn default() -> Self {
        Self { lists: Vec::new(), next: Vec::new(), starts: Vec::new(), next_starts: Vec::new(), products: Vec::new() }
    }
}

/// The sum of every bucket of one window, in affine coordinates (infinity for an empty one),
/// into `sums` (`buckets` entries).
///
/// `digit(i)` is point `i`'s signed digit in this window: it goes into bucket `|d| - 1`,
/// negated when `d < 0`, and adds nothing when `d = 0`. Callers should give points at
/// infinity digit 0 (then their lists never need the slower checks for infinity); a point at
/// infinity with a digit is still added correctly.
pub fn bucket_sums<P: SWCurveConfig>(
    points: &[Affine<P>],
    digit: impl Fn(usize) -> i32,
    buckets: usize,
    scratch: &mut Scratch<P>,
    sums: &mut Vec<Affine<P>>,
) {
    // Counting sort by bucket: starts[b]..starts[b + 1] will be bucket b's list.
    let starts = &mut scratch.starts;
    starts.clear();
    starts.resize(buckets + 1, 0);
    for i in 0..points.len() {
        let d = digit(i);
        if d != 0 {
            starts[d.unsigned_abs() as usize] += 1;
        }
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    // Scatter; `next_starts` serves as the write cursor here.
    let cursor = &mut scratch.next_starts;
    cursor.clear();
    cursor.extend_from_slice(&starts[..buckets]);
    scratch.lists.resize(starts[buckets] as usize, Affine::identity());
    // Without a point at infinity in the lists (digit 0 keeps those out), one appears only
    // when a point meets its negation; from then on the rounds check for it.
    let mut may_hold_infinity = false;
    for (i, p) in points.iter().enumerate() {
        let d = digit(i);
        if d != 0 {
            let b = d.unsigned_abs() as usize - 1;
            scratch.lists[cursor[b] as usize] = if d > 0 { *p } else { -*p };
            cursor[b] += 1;
            may_hold_infinity |= p.is_zero();
        }
    }

    while scratch.starts.windows(2).any(|s| s[1] - s[0] > 1) {
        let (lists, starts) = (&scratch.lists, &scratch.starts);
        let (out, out_starts, products) = (&mut scratch.next, &mut scratch.next_starts, &mut scratch.products);
        may_hold_infinity = if may_hold_infinity {
            pairwise_round::<P, true>(lists, starts, out, out_starts, products)
        } else {
            pairwise_round::<P, false>(lists, starts, out, out_starts, products)
        };
        std::mem::swap(&mut scratch.lists, &mut scratch.next);
        std::mem::swap(&mut scratch.starts, &mut scratch.next_starts);
    }
    sums.clear();
    sums.extend(
        scratch.starts.windows(2).map(|s| if s[1] > s[0] { scratch.lists[s[0] as usize] } else { Affine::identity() }),
    );
}

/// One level of every bucket's addition tree: neighbours added under one shared inversion.
/// Writes the new lists into `out` and their starts into `out_starts`; a list of `len`
/// points becomes `ceil(len / 2)`. `products` is working memory.
///
/// `INFINITY`: whether `lists` may hold the point at infinity. Without it, the common case
/// (distinct `x`) is decided by one comparison. Returns whether `out` may hold infinity.
pub fn pairwise_round<P: SWCurveConfig, const INFINITY: bool>(
    lists: &[Affine<P>],
    starts: &[u32],
    out: &mut Vec<Affine<P>>,
    out_starts: &mut Vec<u32>,
    products: &mut Vec<P::BaseField>,
) -> bool {
    let buckets = starts.len() - 1;
    let list = |b: usize| &lists[starts[b] as usize..starts[b + 1] as usize];
    out_starts.clear();
    out_starts.push(0u32);
    for b in 0..buckets {
        out_starts.push(out_starts[b] + list(b).len().div_ceil(2) as u32);
    }
    out.resize(out_starts[buckets] as usize, Affine::identity());

    // Forward: the running products d_0 · d_1 ··· d_{j-1} before each pair's denominator.
    products.clear();
    let mut acc = P::BaseField::one();
    for b in 0..buckets {
        let list = list(b);
        for pair in list.chunks_exact(2) {
            products.push(acc);
            acc *= denominator::<P, INFINITY>(&pair[0], &pair[1]);
        }
        if list.len() % 2 == 1 {
            out[out_starts[b] as usize + list.len() / 2] = list[list.len() - 1];
        }
    }
    // `acc` is never zero: every denominator is non-zero by construction.
    let mut inverse = acc.inverse().expect("a product of non-zero denominators");

    // Backward: while `inverse` = 1 / (d_0 ··· d_j), 1/d_j = inverse · (d_0 ··· d_{j-1}).
    // Denominators are recomputed (a comparison and a subtraction) rather than stored and
    // read back.
    let mut j = products.len();
    let mut cancelled = false;
    for b in (0..buckets).rev() {
        for (k, pair) in list(b).chunks_exact(2).enumerate().rev() {
            j -= 1;
            let inv_d = inverse * products[j];
            inverse *= denominator::<P, INFINITY>(&pair[0], &pair[1]);
            let (sum, infinite) = add_with_inverse::<P, INFINITY>(&pair[0], &pair[1], inv_d);
            out[out_starts[b] as usize + k] = sum;
            cancelled |= infinite;
        }
    }
    cancelled || INFINITY
}

/// What `p + q` divides by: `x_q - x_p` for a chord, `2·y` for a tangent, 1 when no
/// division is needed (an operand or the result is infinity). Never zero.
#[inline(always)]
fn denominator<P: SWCurveConfig, const INFINITY: bool>(p: &Affine<P>, q: &Affine<P>) -> P::BaseField {
    if INFINITY && (p.is_zero() || q.is_zero()) {
        P::BaseField::one()
    } else if p.x != q.x {
        q.x - p.x
    } else if p.y == q.y && !p.y.is_zero() {
        p.y.double()
    } else {
        P::BaseField::one()
    }
}

/// `p + q` given `1 / denominator(p, q)`, and whether it is infinity.
#[inline(always)]
fn add_with_inverse<P: SWCurveConfig, const INFINITY: bool>(
    p: &Affine<P>,
    q: &Affine<P>,
    inv: P::BaseField,
) -> (Affine<P>, bool) {
    if INFINITY && p.is_zero() {
        return (*q, q.is_zero());
    }
    if INFINITY && q.is_zero() {
        return (*p, false);
    }
    let slope = if p.x != q.x {
        (q.y - p.y) * inv
    } else if p.y == q.y && !p.y.is_zero() {
        let xx = p.x.square();
        (xx.double() + xx + P::COEFF_A) * inv
    } else {
        return (Affine::identity(), true);
    };
    // One subtraction fewer than `s² − x_p − x_q`: arkworks does not inline the 6-limb one.
    let x3 = slope.square() - (p.x + q.x);
    let y3 = slope * (p.x - x3) - p.y;
    (Affine::new_unchecked(x3, y3), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{Bls12_381, Bn254, MsmCurve};
    use crate::sample::{SplitMix64, msm_inputs, test_seed};
    use ark_ec::CurveGroup;
    use ark_ec::short_weierstrass::Projective;

    /// Every bucket against a plain projective sum of its points, on lists where points
    /// repeat, meet their negations, and (with a digit, against the advice) are infinity.
    fn buckets_match_plain_sums<P: MsmCurve>(seed: u64) {
        let mut rng = SplitMix64::new(seed);
        let mut scratch = Scratch::<P>::default();
        let mut sums = Vec::new();
        for (n, buckets) in [(1, 1), (2, 1), (7, 1), (64, 1), (100, 4), (300, 16), (40, 64), (3000, 2), (3000, 512)] {
            let (base, _) = msm_inputs::<P>(8, rng.next_u64());
            let points: Vec<Affine<P>> = (0..n)
                .map(|_| match rng.next_u64() % 10 {
                    0 => Affine::identity(),
                    1..=3 => -base[(rng.next_u64() % 8) as usize],
                    _ => base[(rng.next_u64() % 8) as usize],
                })
                .collect();
            let h = buckets as i64;
            let digits: Vec<i32> = (0..n).map(|_| ((rng.next_u64() % (2 * h as u64 + 1)) as i64 - h) as i32).collect();
            bucket_sums(&points, |i| digits[i], buckets, &mut scratch, &mut sums);
            let mut want = vec![Projective::<P>::default(); buckets];
            for (p, d) in points.iter().zip(&digits) {
                if *d > 0 {
                    want[*d as usize - 1] += p;
                } else if *d < 0 {
                    want[(-*d) as usize - 1] -= p;
                }
            }
            assert_eq!(sums, Projective::normalize_batch(&want), "{} n = {n}, {buckets} buckets (seed {seed})", P::ID);
        }
    }

    #[test]
    fn bucket_sums_match_plain_sums() {
        let seed = test_seed("bucket_sums_match_plain_sums");
        buckets_match_plain_sums::<Bn254>(seed);
        buckets_match_plain_sums::<Bls12_381>(seed);
    }
}
