//! The three STARK fields slotproof commits over, as one runtime tag ([`FieldId`]) and one
//! compile-time trait ([`TraceField`]) over Plonky3's field types.
//!
//! Values cross every boundary (files, the card, JSON) as canonical integers `< p`. Plonky3
//! keeps BabyBear and KoalaBear in Montgomery form in memory, so a file's words are never
//! reinterpreted in place as field elements: they are checked and converted.

use core::fmt;
use core::str::FromStr;

pub use p3_baby_bear::BabyBear;
use p3_field::{PrimeField64, TwoAdicField};
pub use p3_goldilocks::Goldilocks;
pub use p3_koala_bear::KoalaBear;
use serde::{Deserialize, Serialize};

/// A field slotproof knows, as a value (chosen at run time from the command line or a file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldId {
    /// p = 2^31 − 2^27 + 1, two-adicity 27, multiplicative generator 31.
    BabyBear,
    /// p = 2^31 − 2^24 + 1, two-adicity 24, multiplicative generator 3.
    KoalaBear,
    /// p = 2^64 − 2^32 + 1, two-adicity 32, multiplicative generator 7.
    Goldilocks,
}

impl FieldId {
    /// All fields, in the order the CLI lists them.
    pub const ALL: [FieldId; 3] = [FieldId::BabyBear, FieldId::KoalaBear, FieldId::Goldilocks];

    /// The prime.
    pub const fn modulus(self) -> u64 {
        match self {
            FieldId::BabyBear => 0x7800_0001,
            FieldId::KoalaBear => 0x7f00_0001,
            FieldId::Goldilocks => 0xffff_ffff_0000_0001,
        }
    }

    /// The lower-case name used on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            FieldId::BabyBear => "babybear",
            FieldId::KoalaBear => "koalabear",
            FieldId::Goldilocks => "goldilocks",
        }
    }

    /// Bytes per element in a trace file (and on the wire to the card).
    pub const fn word_bytes(self) -> usize {
        match self {
            FieldId::BabyBear | FieldId::KoalaBear => 4,
            FieldId::Goldilocks => 8,
        }
    }

    /// The NumPy dtype descriptor of a trace file in this field.
    pub const fn npy_descr(self) -> &'static str {
        match self {
            FieldId::BabyBear | FieldId::KoalaBear => "<u4",
            FieldId::Goldilocks => "<u8",
        }
    }

    /// Largest `k` such that 2^k divides p − 1: the largest power-of-two subgroup.
    pub const fn two_adicity(self) -> usize {
        match self {
            FieldId::BabyBear => 27,
            FieldId::KoalaBear => 24,
            FieldId::Goldilocks => 32,
        }
    }

    /// The multiplicative generator Plonky3 uses as the LDE coset shift.
    pub const fn generator(self) -> u64 {
        match self {
            FieldId::BabyBear => 31,
            FieldId::KoalaBear => 3,
            FieldId::Goldilocks => 7,
        }
    }

    /// Plonky3's generator of the subgroup of order 2^two_adicity. Every smaller
    /// power-of-two root of unity is a power of it (see [`crate::golden::arith::two_adic_root`]);
    /// the LDE's point order, and therefore the root, depends on this exact choice.
    pub const fn two_adic_generator(self) -> u64 {
        match self {
            FieldId::BabyBear => 0x1a42_7a41,
            FieldId::KoalaBear => 0x6ac4_9f88,
            FieldId::Goldilocks => 0x185629dcda58878c,
        }
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a field name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown field '{0}': expected one of babybear, koalabear, goldilocks")]
pub struct UnknownField(pub String);

impl FromStr for FieldId {
    type Err = UnknownField;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "babybear" | "bb" => Ok(FieldId::BabyBear),
            "koalabear" | "kb" => Ok(FieldId::KoalaBear),
            "goldilocks" | "gl" => Ok(FieldId::Goldilocks),
            _ => Err(UnknownField(s.to_string())),
        }
    }
}

/// A Plonky3 field type slotproof can commit over, tied to its [`FieldId`].
pub trait TraceField: PrimeField64 + TwoAdicField + Ord {
    /// The runtime tag of this field.
    const ID: FieldId;

    /// Converts a canonical integer (`< p`, checked by the caller) into the field.
    fn from_canonical(v: u64) -> Self {
        debug_assert!(v < Self::ID.modulus());
        Self::from_u64(v)
    }

    /// The canonical integer of an element.
    fn canonical(self) -> u64 {
        self.as_canonical_u64()
    }
}

impl TraceField for BabyBear {
    const ID: FieldId = FieldId::BabyBear;
}
impl TraceField for KoalaBear {
    const ID: FieldId = FieldId::KoalaBear;
}
impl TraceField for Goldilocks {
    const ID: FieldId = FieldId::Goldilocks;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constants_match<F: TraceField>() {
        let id = F::ID;
        assert_eq!(F::ORDER_U64, id.modulus(), "{id}: modulus");
        assert_eq!(F::TWO_ADICITY, id.two_adicity(), "{id}: two-adicity");
        assert_eq!(F::GENERATOR.as_canonical_u64(), id.generator(), "{id}: generator");
        assert_eq!(
            F::two_adic_generator(F::TWO_ADICITY).as_canonical_u64(),
            id.two_adic_generator(),
            "{id}: two-adic generator"
        );
        assert_eq!(F::from_canonical(id.modulus() - 1) + F::ONE, F::ZERO);
        assert!(F::GENERATOR.try_inverse().is_some());
    }

    #[test]
    fn constants_match_plonky3() {
        constants_match::<BabyBear>();
        constants_match::<KoalaBear>();
        constants_match::<Goldilocks>();
    }

    #[test]
    fn names_round_trip() {
        for id in FieldId::ALL {
            assert_eq!(id.name().parse::<FieldId>().unwrap(), id);
        }
        assert!("mersenne31".parse::<FieldId>().is_err());
    }
}
