//! The pairing curves whose G1 the MSM kernels serve: BN254 (Groth16/PLONK wrappers on L1)
//! and BLS12-381 (KZG blob commitments).
//!
//! Like [`crate::field`], a runtime tag ([`CurveId`]) for files, the CLI and the card ABI,
//! and a trait ([`MsmCurve`]) over arkworks' curve configurations for generic code.

use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::PrimeField;
use serde::{Deserialize, Serialize};

/// A curve by name, as files, the CLI and the device speak of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CurveId {
    /// BN254 (alt_bn128): Ethereum's precompile curve, used by Groth16 and PLONK wrappers.
    #[serde(rename = "bn254")]
    Bn254,
    /// BLS12-381: the consensus-layer curve, used by KZG blob commitments (EIP-4844).
    #[serde(rename = "bls12-381")]
    Bls12_381,
}

impl CurveId {
    /// Every supported curve.
    pub const ALL: [CurveId; 2] = [CurveId::Bn254, CurveId::Bls12_381];

    /// The curve's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            CurveId::Bn254 => "bn254",
            CurveId::Bls12_381 => "bls12-381",
        }
    }

    /// Bits of a base-field element (the coordinate width the point adder carries).
    pub fn base_bits(self) -> u32 {
        match self {
            CurveId::Bn254 => <ark_bn254::Fq as PrimeField>::MODULUS_BIT_SIZE,
            CurveId::Bls12_381 => <ark_bls12_381::Fq as PrimeField>::MODULUS_BIT_SIZE,
        }
    }

    /// Bits of a scalar (the group order's width).
    pub fn scalar_bits(self) -> u32 {
        match self {
            CurveId::Bn254 => <ark_bn254::Fr as PrimeField>::MODULUS_BIT_SIZE,
            CurveId::Bls12_381 => <ark_bls12_381::Fr as PrimeField>::MODULUS_BIT_SIZE,
        }
    }

    /// Bytes of one scalar in files and on the wire: the base-field element rounded up to
    /// whole 64-bit words, little-endian (32 for both curves' scalars).
    pub fn scalar_bytes(self) -> usize {
        (self.scalar_bits() as usize).div_ceil(64) * 8
    }

    /// Bytes of one coordinate in files and on the wire (32 for BN254, 48 for BLS12-381).
    pub fn coordinate_bytes(self) -> usize {
        (self.base_bits() as usize).div_ceil(64) * 8
    }
}

impl std::fmt::Display for CurveId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for CurveId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CurveId::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown curve {s:?}: expected bn254 or bls12-381"))
    }
}

/// A short-Weierstrass G1 the MSM kernels are built for.
pub trait MsmCurve: SWCurveConfig<BaseField: PrimeField> + ark_ec::scalar_mul::glv::GLVConfig {
    /// The runtime tag of this curve.
    const ID: CurveId;
    /// Whether the CPU MSM splits scalars with the GLV endomorphism
    /// (`crate::cpu::msm::glv`). GLV keeps the bucket additions and halves the windows, but
    /// every window then sorts twice the points: it pays where a field multiplication is
    /// dear against that memory traffic. Measured on 2 cores: BLS12-381 (6 limbs) 12–15%
    /// faster at 2^18..2^20 points, BN254 (4 limbs) 0–10% slower.
    const GLV_PAYS: bool;
}

impl MsmCurve for ark_bn254::g1::Config {
    const ID: CurveId = CurveId::Bn254;
    const GLV_PAYS: bool = false;
}

impl MsmCurve for ark_bls12_381::g1::Config {
    const ID: CurveId = CurveId::Bls12_381;
    const GLV_PAYS: bool = true;
}

/// BN254's G1 configuration.
pub type Bn254 = ark_bn254::g1::Config;
/// BLS12-381's G1 configuration.
pub type Bls12_381 = ark_bls12_381::g1::Config;

/// Why an MSM was refused. Nothing is computed from refused inputs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MsmError {
    /// Every point needs exactly one scalar.
    #[error("{points} points but {scalars} scalars: an MSM pairs each point with one scalar")]
    LengthMismatch {
        /// Points given.
        points: usize,
        /// Scalars given.
        scalars: usize,
    },
    /// A point's coordinates do not satisfy the curve equation (the sum would be garbage).
    #[error("point {index} is not on {curve}: y^2 != x^3 + ax + b")]
    NotOnCurve {
        /// Index of the first offending point.
        index: usize,
        /// The curve the points were meant for.
        curve: CurveId,
    },
    /// A window width the bucket method cannot use.
    #[error("window of {bits} bits: the bucket method needs 1..=24 bits")]
    WindowBits {
        /// Bits asked for.
        bits: u32,
    },
}

/// The checks every MSM makes before computing: one scalar per point, a usable window width
/// (1..=24 bits), then [`check_msm_points`].
pub fn check_msm_inputs<P: MsmCurve>(
    points: &[ark_ec::short_weierstrass::Affine<P>],
    scalars: &[P::ScalarField],
    window_bits: u32,
) -> Result<(), MsmError> {
    check_lengths(points, scalars)?;
    if !(1..=24).contains(&window_bits) {
        return Err(MsmError::WindowBits { bits: window_bits });
    }
    check_msm_points(points, scalars)
}

/// One scalar per point.
fn check_lengths<P: MsmCurve>(
    points: &[ark_ec::short_weierstrass::Affine<P>],
    scalars: &[P::ScalarField],
) -> Result<(), MsmError> {
    if points.len() == scalars.len() {
        Ok(())
    } else {
        Err(MsmError::LengthMismatch { points: points.len(), scalars: scalars.len() })
    }
}

/// The checks on an MSM's operands, wherever it runs: one scalar per point, every point on
/// the curve (about 3M a point: the addition formulas would otherwise return a wrong sum
/// without a word). Subgroup membership is the reader's check ([`crate::msm_files`]):
/// off-subgroup points on the curve still add correctly.
pub fn check_msm_points<P: MsmCurve>(
    points: &[ark_ec::short_weierstrass::Affine<P>],
    scalars: &[P::ScalarField],
) -> Result<(), MsmError> {
    use rayon::prelude::*;
    check_lengths(points, scalars)?;
    match points.par_iter().position_first(|p| !p.is_on_curve()) {
        Some(index) => Err(MsmError::NotOnCurve { index, curve: P::ID }),
        None => Ok(()),
    }
}
