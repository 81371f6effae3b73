//! GLV: half-length scalars from the curve's endomorphism.
//!
//! Both G1s have `φ(x, y) = (β·x, y)`, which is `[λ]` on the group: one field
//! multiplication computes `λ·P`. Writing `k = k1 + λ·k2 (mod r)` with `|k1|, |k2| ≈ √r`
//! turns `k·P` into `k1·P + k2·φ(P)`: twice the points with scalars of half the length. The
//! bucket additions stay `n · 256 / c`, but the windows halve, so every per-window cost
//! halves with them: the bucket reductions and the final doublings.
//!
//! The decomposition is Babai rounding against the short lattice basis `(n11, n12), (n21,
//! n22)` of arkworks' `GLVConfig` (`n_i1 + λ·n_i2 ≡ 0 mod r`): `β1 ≈ k·n22/r`,
//! `β2 ≈ −k·n12/r`, then `k1 = k − β1·n11 − β2·n21` and `k2 = −β1·n12 − β2·n22`. arkworks
//! computes the quotients in heap big integers, about a microsecond a scalar; here they are
//! one 256 × 256-bit product each against a precomputed `⌊|n|·2^256 / r⌋`, in fixed-width
//! limbs. The quotients may be off by one from the exact rounding; that changes nothing but
//! the size of `k1`, `k2` by a bit (`k1 + λ·k2 ≡ k` holds for any integers `β1`, `β2`, since
//! the basis vectors vanish), and the caller sizes its windows from the largest half it got.

use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;

/// A 256-bit two's-complement integer, little-endian limbs: every quantity of the
/// decomposition fits, and the final halves are small enough that wrapping loses nothing.
type U256 = [u64; 4];

fn mul_wide(a: &U256, b: &U256) -> [u64; 8] {
    let mut out = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let t = u128::from(a[i]) * u128::from(b[j]) + u128::from(out[i + j]) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + 4] = carry as u64;
    }
    out
}

fn mul_low(a: &U256, b: &U256) -> U256 {
    let w = mul_wide(a, b);
    [w[0], w[1], w[2], w[3]]
}

fn neg(a: &U256) -> U256 {
    let mut out = [0u64; 4];
    let mut carry = 1u128;
    for i in 0..4 {
        let t = u128::from(!a[i]) + carry;
        out[i] = t as u64;
        carry = t >> 64;
    }
    out
}

fn add(a: &U256, b: &U256) -> U256 {
    let mut out = [0u64; 4];
    let mut carry = 0u128;
    for i in 0..4 {
        let t = u128::from(a[i]) + u128::from(b[i]) + carry;
        out[i] = t as u64;
        carry = t >> 64;
    }
    out
}

/// `value` with sign `positive`, as a two's-complement U256.
fn signed(positive: bool, value: U256) -> U256 {
    if positive { value } else { neg(&value) }
}

/// `b` (at most four limbs) as a four-limb integer.
pub fn big4<B: BigInteger>(b: &B) -> ark_ff::BigInt<4> {
    ark_ff::BigInt(limbs(b))
}

fn limbs<B: BigInteger>(b: &B) -> U256 {
    let mut out = [0u64; 4];
    for (o, l) in out.iter_mut().zip(b.as_ref()) {
        *o = *l;
    }
    out
}

/// The decomposition of one curve's scalars.
#[derive(Clone, Debug)]
pub struct Glv {
    /// `(n11, n12, n21, n22)`: sign (true: non-negative) and magnitude.
    basis: [(bool, U256); 4],
    /// `⌊|n22| · 2^256 / r⌋` and `⌊|n12| · 2^256 / r⌋`.
    g22: U256,
    g12: U256,
}

impl Glv {
    /// The decomposition for `P`'s scalar field (whose modulus must be below 2^256).
    pub fn new<P: GLVConfig>() -> Self {
        let basis = P::SCALAR_DECOMP_COEFFS.map(|(sign, b)| (sign, limbs(&b)));
        let r: BigUint = P::ScalarField::MODULUS.into();
        let quotient = |n: &U256| {
            let n = BigUint::from_slice(&n.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect::<Vec<_>>());
            let q = (n << 256u32) / &r;
            let mut out = [0u64; 4];
            for (o, d) in out.iter_mut().zip(q.to_u64_digits()) {
                *o = d;
            }
            out
        };
        Self { g22: quotient(&basis[3].1), g12: quotient(&basis[1].1), basis }
    }

    /// `(k1, k2)` with `k ≡ k1 + λ·k2 (mod r)`, each as (non-negative, magnitude).
    pub fn decompose<B: BigInteger>(&self, k: &B) -> [(bool, ark_ff::BigInt<4>); 2] {
        let k = limbs(k);
        let [(s11, n11), (s12, n12), (s21, n21), (s22, n22)] = self.basis;
        // β1 = k·n22/r, β2 = −k·n12/r: the high halves of the products with the quotients.
        let high = |g: &U256| {
            let w = mul_wide(&k, g);
            [w[4], w[5], w[6], w[7]]
        };
        let (b1, b1_pos) = (high(&self.g22), s22);
        let (b2, b2_pos) = (high(&self.g12), !s12);
        let term = |b: &U256, b_pos: bool, n: &U256, n_pos: bool| signed(b_pos == n_pos, mul_low(b, n));
        let k1 = add(&k, &neg(&add(&term(&b1, b1_pos, &n11, s11), &term(&b2, b2_pos, &n21, s21))));
        let k2 = neg(&add(&term(&b1, b1_pos, &n12, s12), &term(&b2, b2_pos, &n22, s22)));
        [k1, k2].map(|v| {
            let positive = v[3] >> 63 == 0;
            (positive, ark_ff::BigInt(if positive { v } else { neg(&v) }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{Bls12_381, Bn254, MsmCurve};
    use crate::sample::{SplitMix64, test_seed};
    use ark_ff::BigInt;

    fn value<P: MsmCurve>(positive: bool, b: &BigInt<4>) -> P::ScalarField {
        let mut bytes = Vec::new();
        for l in b.0 {
            bytes.extend_from_slice(&l.to_le_bytes());
        }
        let v = P::ScalarField::from_le_bytes_mod_order(&bytes);
        if positive { v } else { -v }
    }

    fn decomposes<P: MsmCurve>(seed: u64) {
        let glv = Glv::new::<P>();
        let mut rng = SplitMix64::new(seed);
        let mut widest = 0;
        let mut edge = vec![P::ScalarField::from(0u64), P::ScalarField::from(1u64), -P::ScalarField::from(1u64)];
        edge.extend((0..2000).map(|_| crate::sample::prime_field_element::<P::ScalarField>(&mut rng)));
        for k in edge {
            let [(p1, k1), (p2, k2)] = glv.decompose(&k.into_bigint());
            assert_eq!(value::<P>(p1, &k1) + P::LAMBDA * value::<P>(p2, &k2), k, "{} k = {k} (seed {seed})", P::ID);
            widest = widest.max(k1.num_bits()).max(k2.num_bits());
        }
        assert!(widest <= 130, "{}: halves of {widest} bits", P::ID);
        let g = <ark_ec::short_weierstrass::Affine<P> as ark_ec::AffineRepr>::generator();
        let lambda_g: ark_ec::short_weierstrass::Affine<P> = (g * P::LAMBDA).into();
        assert_eq!(P::endomorphism_affine(&g), lambda_g, "{}: φ = [λ]", P::ID);
    }

    #[test]
    fn decomposition_recomposes_and_halves() {
        let seed = test_seed("glv decomposition");
        decomposes::<Bn254>(seed);
        decomposes::<Bls12_381>(seed);
    }
}
