//! Golden models: the specification of every kernel, in plain code.
//!
//! These are what the fast CPU kernels, the device model and the RTL are checked against,
//! so they are written for clarity, not speed: canonical `u64` values, `u128` products, one
//! loop per hardware stage, and the same stage names the hardware uses. They share no
//! arithmetic with Plonky3; Plonky3 (and later arkworks) are the outside oracles the golden
//! models are themselves tested against (`core/tests/golden_vs_plonky3.rs`).
//!
//! The pipeline they specify, for a trace of `n = 2^log_n` rows:
//! 1. [`lde::coset_lde_batch`]: per column, [`ntt::idft`] to coefficients, scale
//!    coefficient `i` by `shift^i` (shift = the field's generator), zero-pad to
//!    `n · 2^log_blowup` and [`ntt::dft`]; the rows are then put in bit-reversed order;
//! 2. [`merkle::leaf_hash`] of every row (Poseidon2 padding-free sponge);
//! 3. [`merkle::merkle_root`] by 2-to-1 truncated-permutation compression.
//!
//! [`msm`] specifies the MSM (plain Pippenger). Its curve arithmetic is arkworks' group law;
//! its oracle is arkworks' `VariableBaseMSM`, a different algorithm over the same law.
//! [`xyzz`] specifies the card's point adder: a bucket in XYZZ coordinates plus an affine
//! point, with the special cases the hardware recognises.

pub mod arith;
pub mod lde;
pub mod merkle;
pub mod msm;
pub mod ntt;
pub mod poseidon2;
pub mod xyzz;

pub use arith::Fp;
pub use lde::coset_lde_batch;
pub use merkle::{commit, compress, leaf_hash, merkle_root};
pub use poseidon2::Poseidon2Spec;
