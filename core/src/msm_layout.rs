//! MSM operands as card memory holds them: the arithmetic behind the layout that
//! `slotproof_firmware::msm` declares, shared by the host (which writes points and scalars
//! and reads buckets back) and the device model (which does the opposite), so that the two
//! sides cannot disagree on a byte.
//!
//! Base-field elements travel in Montgomery form, little-endian, one 64-bit limb after the
//! other: `x · R mod p` with `R = 2^(64·limbs)`. That is the form the card's multipliers
//! compute in and the one arkworks stores, so a coordinate crosses without a conversion on
//! either side of the link; here, generically over the field, the conversion is one
//! multiplication by `R` or `R^-1`. Scalars travel as canonical 32-byte integers: the card
//! only slices them into windows.

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::Affine;
use ark_ff::{BigInteger, PrimeField, Zero};

use crate::curve::MsmCurve;
use crate::golden::xyzz::Xyzz;

/// Bytes of one scalar (both curves' scalar fields are below 2^256).
pub const SCALAR_BYTES: usize = 32;

/// Converts base-field elements to and from their Montgomery-form bytes.
#[derive(Clone, Copy, Debug)]
pub struct MontCodec<F> {
    r: F,
    r_inv: F,
}

impl<F: PrimeField> Default for MontCodec<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: PrimeField> MontCodec<F> {
    /// Bytes of one element: a whole number of 64-bit limbs.
    pub const BYTES: usize = F::BigInt::NUM_LIMBS * 8;

    /// The codec of `F` (computes `R` once).
    pub fn new() -> Self {
        let r = F::from(2u64).pow([64 * F::BigInt::NUM_LIMBS as u64]);
        let r_inv = r.inverse().expect("R is a unit: p is odd");
        Self { r, r_inv }
    }

    /// Writes `x · R mod p` into `out` ([`Self::BYTES`] bytes).
    pub fn encode(&self, x: &F, out: &mut [u8]) {
        let mont = (*x * self.r).into_bigint();
        for (limb, chunk) in mont.as_ref().iter().zip(out.chunks_exact_mut(8)) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
    }

    /// The element whose Montgomery form `bytes` holds, or `None` when the integer is not
    /// below `p` (no element has that form).
    pub fn decode(&self, bytes: &[u8]) -> Option<F> {
        let mut big = F::BigInt::default();
        for (limb, chunk) in big.as_mut().iter_mut().zip(bytes.chunks_exact(8)) {
            *limb = u64::from_le_bytes(chunk.try_into().ok()?);
        }
        Some(F::from_bigint(big)? * self.r_inv)
    }
}

/// Why the bytes of a point are not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PointFault {
    /// A coordinate's integer is not below `p`.
    #[error("a coordinate is not below the base field's modulus")]
    NotReduced,
    /// The coordinates do not satisfy the curve equation (and are not `(0, 0)`).
    #[error("the point is not on the curve")]
    NotOnCurve,
}

/// Bytes of one affine point of `P`.
pub fn point_bytes<P: MsmCurve>() -> usize {
    2 * MontCodec::<P::BaseField>::BYTES
}

/// Bytes of one XYZZ bucket of `P`.
pub fn bucket_bytes<P: MsmCurve>() -> usize {
    4 * MontCodec::<P::BaseField>::BYTES
}

/// Writes `point` as `x ‖ y` (the point at infinity as `(0, 0)`).
pub fn encode_point<P: MsmCurve>(codec: &MontCodec<P::BaseField>, point: &Affine<P>, out: &mut [u8]) {
    let n = MontCodec::<P::BaseField>::BYTES;
    match point.xy() {
        Some((x, y)) => {
            codec.encode(&x, &mut out[..n]);
            codec.encode(&y, &mut out[n..2 * n]);
        }
        None => out[..2 * n].fill(0),
    }
}

/// Every point, one after the other.
pub fn encode_points<P: MsmCurve>(points: &[Affine<P>]) -> Vec<u8> {
    let codec = MontCodec::<P::BaseField>::new();
    let pb = point_bytes::<P>();
    let mut out = vec![0u8; points.len() * pb];
    for (p, chunk) in points.iter().zip(out.chunks_exact_mut(pb)) {
        encode_point(&codec, p, chunk);
    }
    out
}

/// The point `bytes` holds with its coordinates checked below `p` but not the curve
/// equation: for points already checked once (the card's resident points).
pub fn decode_affine<P: MsmCurve>(codec: &MontCodec<P::BaseField>, bytes: &[u8]) -> Result<Affine<P>, PointFault> {
    let n = MontCodec::<P::BaseField>::BYTES;
    let x = codec.decode(&bytes[..n]).ok_or(PointFault::NotReduced)?;
    let y = codec.decode(&bytes[n..2 * n]).ok_or(PointFault::NotReduced)?;
    Ok(if x.is_zero() && y.is_zero() { Affine::identity() } else { Affine::new_unchecked(x, y) })
}

/// The point `bytes` holds, checked: coordinates below `p`, and on the curve unless `(0, 0)`.
pub fn decode_point<P: MsmCurve>(codec: &MontCodec<P::BaseField>, bytes: &[u8]) -> Result<Affine<P>, PointFault> {
    let point = decode_affine::<P>(codec, bytes)?;
    if point.is_on_curve() { Ok(point) } else { Err(PointFault::NotOnCurve) }
}

/// Every scalar as its canonical 32-byte little-endian integer.
pub fn encode_scalars<P: MsmCurve>(scalars: &[P::ScalarField]) -> Vec<u8> {
    let mut out = vec![0u8; scalars.len() * SCALAR_BYTES];
    for (s, chunk) in scalars.iter().zip(out.chunks_exact_mut(SCALAR_BYTES)) {
        for (limb, bytes) in s.into_bigint().as_ref().iter().zip(chunk.chunks_exact_mut(8)) {
            bytes.copy_from_slice(&limb.to_le_bytes());
        }
    }
    out
}

/// The scalar `bytes` holds, or `None` when the integer is not below the group order.
pub fn decode_scalar<P: MsmCurve>(bytes: &[u8]) -> Option<<P::ScalarField as PrimeField>::BigInt> {
    let mut big = <P::ScalarField as PrimeField>::BigInt::default();
    let limbs = big.as_mut();
    // Both scalar fields have four limbs: 32 bytes exactly.
    if limbs.len() * 8 != SCALAR_BYTES {
        return None;
    }
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *limb = u64::from_le_bytes(chunk.try_into().ok()?);
    }
    (big < P::ScalarField::MODULUS).then_some(big)
}

/// Writes `bucket` as `X ‖ Y ‖ ZZ ‖ ZZZ`; an empty bucket (or one whose sum is the point at
/// infinity) is all zero.
pub fn encode_bucket<F: PrimeField>(codec: &MontCodec<F>, bucket: &Xyzz<F>, out: &mut [u8]) {
    let n = MontCodec::<F>::BYTES;
    if bucket.infinity || bucket.zz.is_zero() {
        out[..4 * n].fill(0);
        return;
    }
    for (i, v) in [bucket.x, bucket.y, bucket.zz, bucket.zzz].iter().enumerate() {
        codec.encode(v, &mut out[i * n..(i + 1) * n]);
    }
}

/// The bucket `bytes` holds (`ZZ = 0` is the empty bucket), or `None` when a coordinate is
/// not below `p`.
pub fn decode_bucket<F: PrimeField>(codec: &MontCodec<F>, bytes: &[u8]) -> Option<Xyzz<F>> {
    let n = MontCodec::<F>::BYTES;
    let mut v = [F::zero(); 4];
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = codec.decode(&bytes[i * n..(i + 1) * n])?;
    }
    if v[2].is_zero() {
        return Some(Xyzz::empty());
    }
    Some(Xyzz { x: v[0], y: v[1], zz: v[2], zzz: v[3], infinity: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{Bls12_381, Bn254};
    use crate::sample::{msm_inputs, test_seed};
    use ark_ff::Field;

    fn round_trips<P: MsmCurve>() {
        let seed = test_seed("msm_layout round trip");
        let (points, scalars) = msm_inputs::<P>(64, seed);
        let mut points = points;
        points[3] = Affine::identity();
        let bytes = encode_points(&points);
        let codec = MontCodec::<P::BaseField>::new();
        let pb = point_bytes::<P>();
        for (p, chunk) in points.iter().zip(bytes.chunks_exact(pb)) {
            assert_eq!(decode_point::<P>(&codec, chunk), Ok(*p), "seed {seed:#x}");
        }
        let sb = encode_scalars::<P>(&scalars);
        for (s, chunk) in scalars.iter().zip(sb.chunks_exact(SCALAR_BYTES)) {
            assert_eq!(decode_scalar::<P>(chunk), Some(s.into_bigint()));
        }
        // Negative controls: p itself, a point moved off the curve, the group order.
        let mut bad = bytes[..pb].to_vec();
        let n = pb / 2;
        for (limb, chunk) in P::BaseField::MODULUS.as_ref().iter().zip(bad[..n].chunks_exact_mut(8)) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        assert_eq!(decode_point::<P>(&codec, &bad), Err(PointFault::NotReduced));
        let mut off = bytes[..pb].to_vec();
        codec.encode(&(points[0].x + P::BaseField::from(1u64)), &mut off[..n]);
        assert_eq!(decode_point::<P>(&codec, &off), Err(PointFault::NotOnCurve));
        let mut order = vec![0u8; SCALAR_BYTES];
        for (limb, chunk) in P::ScalarField::MODULUS.as_ref().iter().zip(order.chunks_exact_mut(8)) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        assert_eq!(decode_scalar::<P>(&order), None);
        // Montgomery form is arkworks' own: R mod p encodes 1.
        let mut one = vec![0u8; MontCodec::<P::BaseField>::BYTES];
        codec.encode(&P::BaseField::from(1u64), &mut one);
        let r = P::BaseField::from(2u64).pow([64 * <P::BaseField as PrimeField>::BigInt::NUM_LIMBS as u64]);
        let mut r_bytes = r.into_bigint().to_bytes_le();
        r_bytes.resize(one.len(), 0);
        assert_eq!(one, r_bytes);
        // Buckets.
        let z = P::BaseField::from(seed | 1) + P::BaseField::from(0x9e37_79b9u64).pow([seed % 1000 + 3]);
        let bucket = Xyzz::from_affine_scaled(&points[0], z);
        let mut b = vec![0u8; bucket_bytes::<P>()];
        encode_bucket(&codec, &bucket, &mut b);
        assert_eq!(decode_bucket(&codec, &b), Some(bucket));
        encode_bucket(&codec, &Xyzz::empty(), &mut b);
        assert!(b.iter().all(|&x| x == 0));
        assert_eq!(decode_bucket(&codec, &b), Some(Xyzz::empty()));
    }

    #[test]
    fn bn254_round_trips() {
        round_trips::<Bn254>();
    }

    #[test]
    fn bls12_381_round_trips() {
        round_trips::<Bls12_381>();
    }
}
