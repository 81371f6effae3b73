//! The bucket unit's group law: a bucket in XYZZ coordinates plus an affine point.
//!
//! A bucket is `(X, Y, ZZ, ZZZ)` with `x = X/ZZ`, `y = Y/ZZZ` and `ZZ^3 = ZZZ^2`. Adding an
//! affine point to it (`madd-2008-s` of the Explicit-Formulas Database) costs 8
//! multiplications and 2 squarings, no inversion, and at most four of them in a row: the
//! card's point adder is this formula laid out as a pipeline, and this module is its
//! specification, down to the coordinates it outputs (which are exact, not merely the same
//! point), the special cases it recognises and the one it hands back:
//! - an empty bucket takes the point itself, `(x, y, 1, 1)`;
//! - `P = U2 − X1 = 0` and `R = S2 − Y1 ≠ 0`: the point is the bucket's negation, the
//!   formula itself gives `ZZ3 = ZZZ3 = 0`, and the bucket becomes empty;
//! - `P = 0` and `R = 0`: the point *is* the bucket, the formula would need a doubling, and
//!   the adder reports [`MixedAdd::Doubling`] instead of a result. The bucket keeps its
//!   value and the host adds the point in later: a pipeline that stalls for a case random
//!   inputs hit with probability ~2^-250 would cost every addition its area.
//!
//! Coordinates are arkworks field elements; the hardware sees their Montgomery form
//! (`R = 2^256` for BN254's base field, `2^384` for BLS12-381's), which is what arkworks
//! stores, so a value crosses between the two without conversion.

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{Field, One, Zero};

/// A bucket: the sum of the points added to it so far, in XYZZ coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Xyzz<F> {
    /// `X = x · ZZ`.
    pub x: F,
    /// `Y = y · ZZZ`.
    pub y: F,
    /// `ZZ = Z^2`.
    pub zz: F,
    /// `ZZZ = Z^3`.
    pub zzz: F,
    /// The bucket holds the point at infinity (its coordinates are then meaningless).
    pub infinity: bool,
}

impl<F: Field> Xyzz<F> {
    /// The empty bucket.
    pub fn empty() -> Self {
        Self { x: F::zero(), y: F::zero(), zz: F::zero(), zzz: F::zero(), infinity: true }
    }

    /// `point` scaled by `z ≠ 0`: `(x·z^2, y·z^3, z^2, z^3)`, one of its many XYZZ forms.
    pub fn from_affine_scaled<P: SWCurveConfig<BaseField = F>>(point: &Affine<P>, z: F) -> Self {
        if point.is_zero() || z.is_zero() {
            return Self::empty();
        }
        let zz = z.square();
        let zzz = zz * z;
        Self { x: point.x * zz, y: point.y * zzz, zz, zzz, infinity: false }
    }

    /// The affine point this bucket holds (`None`: the coordinates are not a curve point,
    /// e.g. `ZZ = 0` without the infinity flag).
    pub fn to_affine<P: SWCurveConfig<BaseField = F>>(&self) -> Option<Affine<P>> {
        if self.infinity {
            return Some(Affine::identity());
        }
        let point = Affine::new_unchecked(self.x * self.zz.inverse()?, self.y * self.zzz.inverse()?);
        point.is_on_curve().then_some(point)
    }
}

/// What the point adder makes of `bucket + point`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MixedAdd<F> {
    /// The new bucket.
    Sum(Xyzz<F>),
    /// The point equals the bucket: the bucket is unchanged and the point goes back to the
    /// host, which adds it in with a doubling.
    Doubling,
}

/// `bucket + point` as the point adder computes it. `point` must not be the point at
/// infinity (the host never sends one: its digit is 0 in every window).
pub fn add_mixed<P: SWCurveConfig>(bucket: &Xyzz<P::BaseField>, point: &Affine<P>) -> MixedAdd<P::BaseField> {
    let one = P::BaseField::one();
    if bucket.infinity {
        return MixedAdd::Sum(Xyzz { x: point.x, y: point.y, zz: one, zzz: one, infinity: false });
    }
    let Xyzz { x: x1, y: y1, zz: zz1, zzz: zzz1, .. } = *bucket;
    // Level 1: the point brought to the bucket's Z.
    let u2 = point.x * zz1;
    let s2 = point.y * zzz1;
    let p = u2 - x1;
    let r = s2 - y1;
    if p.is_zero() && r.is_zero() {
        return MixedAdd::Doubling;
    }
    // Level 2.
    let pp = p.square();
    let rr = r.square();
    // Level 3.
    let ppp = p * pp;
    let q = x1 * pp;
    let zz3 = zz1 * pp;
    let x3 = rr - ppp - (q + q);
    // Level 4.
    let y3 = r * (q - x3) - y1 * ppp;
    let zzz3 = zzz1 * ppp;
    MixedAdd::Sum(Xyzz { x: x3, y: y3, zz: zz3, zzz: zzz3, infinity: p.is_zero() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{Bls12_381, Bn254, MsmCurve};
    use crate::sample::{SplitMix64, msm_inputs};
    use ark_ec::CurveGroup;
    use ark_ec::short_weierstrass::Projective;

    fn random_z<F: ark_ff::PrimeField>(rng: &mut SplitMix64) -> F {
        crate::sample::prime_field_element(rng)
    }

    /// Sums a point list into one bucket with the formula and checks it against arkworks'
    /// projective additions after every step, through all three special cases.
    fn agrees_with_arkworks<P: MsmCurve>() {
        let (points, _) = msm_inputs::<P>(64, 0xadd);
        let mut rng = SplitMix64::new(0x77);
        let mut bucket = Xyzz::<P::BaseField>::empty();
        let mut want = Projective::<P>::default();
        let mut cases = [0usize; 4];
        // The second point cancels the first, so the sum passes through infinity.
        let sequence: Vec<Affine<P>> = [points[0], -points[0]].into_iter().chain(points[1..].iter().copied()).collect();
        for point in sequence {
            // A fresh Z for the bucket each time: the formula must not care.
            let held = bucket.to_affine::<P>().expect("the bucket holds a curve point");
            bucket = if held.is_zero() { bucket } else { Xyzz::from_affine_scaled(&held, random_z(&mut rng)) };
            match add_mixed(&bucket, &point) {
                MixedAdd::Sum(next) => {
                    cases[usize::from(bucket.infinity) + 2 * usize::from(next.infinity)] += 1;
                    want += point;
                    assert_eq!(next.to_affine::<P>(), Some(want.into_affine()));
                    bucket = next;
                }
                MixedAdd::Doubling => unreachable!("no point is added to itself here"),
            }
        }
        assert_eq!(cases, [62, 2, 1, 0], "cases hit");
        // The doubling case: a bucket holding exactly the point.
        let held = Xyzz::from_affine_scaled(&points[3], random_z(&mut rng));
        assert_eq!(add_mixed(&held, &points[3]), MixedAdd::Doubling);
    }

    #[test]
    fn add_mixed_agrees_with_arkworks_bn254() {
        agrees_with_arkworks::<Bn254>();
    }

    #[test]
    fn add_mixed_agrees_with_arkworks_bls12_381() {
        agrees_with_arkworks::<Bls12_381>();
    }
}
