//! Field units: one result per cycle, valid-only handshake, fixed latency. The Goldilocks
//! multiplier ([`GoldilocksMul`]) reduces by the form of `2^64 − 2^32 + 1` instead.
//!
//! The 31-bit primes slotproof uses have the form `p = 2^31 − 2^s + 1` (BabyBear s = 27,
//! KoalaBear s = 24). That form makes both `p` and `−p^(−1) mod 2^32 = 2^31 − 2^s − 1`
//! sparse, so Montgomery reduction needs shifts and adds only, no multiplier. The units take
//! the field as a parameter ([`Prime31`]) emitted as Verilog `localparam`s.

pub mod goldilocks_mul;
pub mod goldilocks_mul_stream;
pub mod mod_add31;
pub mod mod_add31_stream;
pub mod mod_sub31;
pub mod mod_sub31_stream;
pub mod mont_mul31;
pub mod mont_mul31_stream;
pub mod reduce31;
pub mod reduce64;

pub use goldilocks_mul::GoldilocksMul;
pub use goldilocks_mul_stream::GoldilocksMulStream;
pub use mod_add31::ModAdd31;
pub use mod_add31_stream::ModAdd31Stream;
pub use mod_sub31::ModSub31;
pub use mod_sub31_stream::ModSub31Stream;
pub use mont_mul31::MontMul31;
pub use mont_mul31_stream::MontMul31Stream;
pub use reduce31::Reduce31;
pub use reduce64::Reduce64;

use slotproof_core::FieldId;

/// A 31-bit prime of the form `2^31 − 2^s + 1`, the parameter of the 31-bit field units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prime31 {
    /// The field.
    pub field: FieldId,
    /// The prime.
    pub p: u64,
    /// `s` in `p = 2^31 − 2^s + 1`.
    pub s: u64,
}

/// The field is not a 31-bit prime of the form the units are built for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a 31-bit prime of the form 2^31 - 2^s + 1 (the 31-bit field units support babybear and koalabear)")]
pub struct NotPrime31(pub FieldId);

impl Prime31 {
    /// The parameters of `field`.
    pub fn new(field: FieldId) -> Result<Self, NotPrime31> {
        let s = match field {
            FieldId::BabyBear => 27,
            FieldId::KoalaBear => 24,
            FieldId::Goldilocks => return Err(NotPrime31(field)),
        };
        let p = (1u64 << 31) - (1u64 << s) + 1;
        debug_assert_eq!(p, field.modulus());
        Ok(Self { field, p, s })
    }

    /// A deliberately wrong parameter set (the right modulus with the other field's `s`), for
    /// negative controls: a checker must reject the unit built from it.
    pub fn with_wrong_shift(self) -> Self {
        Self { s: if self.s == 27 { 24 } else { 27 }, ..self }
    }

    /// `x · 2^32 mod p`: the Montgomery form of `x` (how twiddle and constant ROMs store it).
    pub fn to_mont(self, x: u64) -> u64 {
        slotproof_core::golden::Fp::new(self.field).mul(x, (1u64 << 32) % self.p)
    }

    /// `a · b · 2^(−32) mod p`: what the Montgomery multiplier computes (canonical in and out).
    pub fn mont_mul(self, a: u64, b: u64) -> u64 {
        let f = slotproof_core::golden::Fp::new(self.field);
        f.mul(f.mul(a, b), f.inv((1u64 << 32) % self.p))
    }
}
