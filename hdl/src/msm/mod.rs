//! The MSM accelerator's arithmetic: wide prime fields and the curve's point adder.
//!
//! Pairing-curve base fields are 254 (BN254) and 381 (BLS12-381) bits wide, far beyond the
//! 16×16 products rust-hdl can describe, so the multiplier is a hand-written Verilog block
//! with a Rust cycle model beside it (notes/rust-hdl.md, pattern B), and everything around
//! it is rust-hdl:
//! - [`WideField`]: a base field's parameters as the hardware needs them (modulus,
//!   Montgomery constants), derived from arkworks' own;
//! - [`MontMul`]: a pipelined Montgomery multiplier, one product per cycle;
//! - [`ModAddSub`]: modular addition and subtraction, one cycle;
//! - [`WideDelay`]: a delay line of any width and depth (shift-register LUTs on xcup);
//! - [`PointAdd`]: the XYZZ mixed point adder of `slotproof_core::golden::xyzz`, one
//!   addition per cycle;
//! - [`BucketUnit`]: one window's buckets on chip, the adder behind them, busy bits against
//!   read-after-write hazards, and the exception list for the doublings the adder hands back.
//!
//! Values are in Montgomery form with `R = 2^(64·limbs)`, arkworks' own representation, so
//! the host sends arkworks' words as they are.

pub mod bucket_unit;
pub mod mod_add_sub;
pub mod mont_mul;
pub mod point_add;
pub mod wide_delay;

pub use bucket_unit::BucketUnit;
pub use mod_add_sub::{ModAddSub, ModOp};
pub use mont_mul::MontMul;
pub use point_add::PointAdd;
pub use wide_delay::WideDelay;

use ark_ff::PrimeField;
use num_bigint::BigUint;
use slotproof_core::CurveId;

/// A curve's base field, with what the multiplier's Verilog and model are built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WideField {
    /// The curve.
    pub curve: CurveId,
    /// The modulus `p`.
    pub p: BigUint,
    /// Bits of `p`: the width of every field port.
    pub bits: usize,
    /// 64-bit limbs of arkworks' representation: `R = 2^(64·limbs)`.
    pub limbs: usize,
    /// `−p^(−1) mod 2^64`: the per-limb Montgomery factor.
    pub p_inv: u64,
    /// `R mod p`: one, in Montgomery form.
    pub one: BigUint,
    /// `R^(−1) mod p`: what the multiplier's model multiplies by.
    pub r_inv: BigUint,
}

impl WideField {
    /// The base field of `curve`'s G1.
    pub fn new(curve: CurveId) -> Self {
        match curve {
            CurveId::Bn254 => Self::of::<ark_bn254::Fq>(curve),
            CurveId::Bls12_381 => Self::of::<ark_bls12_381::Fq>(curve),
        }
    }

    fn of<F: PrimeField>(curve: CurveId) -> Self {
        let p: BigUint = F::MODULUS.into();
        let limbs = (F::MODULUS_BIT_SIZE as usize).div_ceil(64);
        let r = BigUint::from(1u8) << (64 * limbs);
        let two64 = BigUint::from(1u8) << 64;
        // p is odd, so p^(−1) mod 2^64 exists; p^(2^63 − 1) · p = p^(2^63) ≡ 1 mod 2^64.
        let inv = p.modpow(&(BigUint::from(1u64 << 63) - 1u8), &two64);
        let p_inv = u64::try_from(&two64 - inv).unwrap_or(0);
        let r_inv = (&r % &p).modinv(&p).expect("R is invertible mod an odd prime");
        Self { curve, bits: F::MODULUS_BIT_SIZE as usize, limbs, p_inv, one: &r % &p, r_inv, p }
    }

    /// `x` as the hardware holds it: its Montgomery form `x·R mod p`, as a number.
    pub fn mont_form<F: PrimeField>(&self, x: F) -> BigUint {
        BigUint::from_bytes_le(&ark_ff::BigInteger::to_bytes_le(&x.into_bigint())) * &self.one % &self.p
    }

    /// `a · b · R^(−1) mod p`: the Montgomery product, as the multiplier computes it.
    pub fn mont_mul(&self, a: &BigUint, b: &BigUint) -> BigUint {
        a * b * &self.r_inv % &self.p
    }

    /// A Verilog constant of `bits` bits.
    pub(crate) fn literal(bits: usize, value: &BigUint) -> String {
        format!("{bits}'h{}", value.to_str_radix(16))
    }
}

/// The cycle model of a fixed-latency field unit: the value computed from the inputs of each
/// rising edge comes out `latency − 1` edges later, with its valid bit (the Verilog's last
/// register is the output itself, hence the one less).
#[derive(Clone, Debug)]
pub(crate) struct ModelPipe(std::collections::VecDeque<(bool, BigUint)>);

impl ModelPipe {
    pub(crate) fn new(latency: usize) -> Self {
        Self(std::collections::VecDeque::from(vec![(false, BigUint::ZERO); latency.saturating_sub(1)]))
    }

    /// One rising edge: takes this cycle's input (`value` is only computed when valid) and
    /// returns the output the unit now shows.
    pub(crate) fn clock(&mut self, valid: bool, value: impl FnOnce() -> BigUint) -> (bool, BigUint) {
        self.0.push_back((valid, if valid { value() } else { BigUint::ZERO }));
        self.0.pop_front().unwrap_or((false, BigUint::ZERO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::BigInt;
    use slotproof_core::sample::{SplitMix64, prime_field_element};

    fn words<const N: usize>(x: &BigInt<N>) -> BigUint {
        BigUint::from_slice(&x.0.iter().flat_map(|w| [*w as u32, (*w >> 32) as u32]).collect::<Vec<_>>())
    }

    /// arkworks stores `x·R mod p`; the product of two stored values under [`WideField::mont_mul`]
    /// is the stored value of the product, and [`WideField::one`] is the stored one.
    #[test]
    fn constants_agree_with_arkworks_montgomery_form() {
        let mut rng = SplitMix64::new(0x3d);
        let f = WideField::new(CurveId::Bn254);
        for _ in 0..50 {
            let (a, b) =
                (prime_field_element::<ark_bn254::Fq>(&mut rng), prime_field_element::<ark_bn254::Fq>(&mut rng));
            assert_eq!(f.mont_mul(&words(&a.0), &words(&b.0)), words(&(a * b).0));
        }
        assert_eq!(f.one, words(&ark_bn254::Fq::from(1u8).0));
        let f = WideField::new(CurveId::Bls12_381);
        for _ in 0..50 {
            let (a, b) = (
                prime_field_element::<ark_bls12_381::Fq>(&mut rng),
                prime_field_element::<ark_bls12_381::Fq>(&mut rng),
            );
            assert_eq!(f.mont_mul(&words(&a.0), &words(&b.0)), words(&(a * b).0));
        }
        assert_eq!(f.one, words(&ark_bls12_381::Fq::from(1u8).0));
        for f in [WideField::new(CurveId::Bn254), WideField::new(CurveId::Bls12_381)] {
            assert_eq!(f.p.bits() as usize, f.bits);
            assert_eq!((BigUint::from(f.p_inv) * &f.p + 1u8) % (BigUint::from(1u8) << 64), BigUint::ZERO);
        }
    }
}
