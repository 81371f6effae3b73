//! slotproof as a drop-in for Plonky3's heavy kernels.
//!
//! # Room in the house
//!
//! A Plonky3 prover (uni-stark, and the zkVMs built on it) takes its DFT and its Merkle
//! commitment scheme as type parameters of its PCS. This crate implements those traits on
//! slotproof's kernels, so that a stock prover swaps them in without other changes and
//! produces the same proof, byte for byte:
//!
//! - [`SlotproofDft`]: `p3_dft::TwoAdicSubgroupDft` on slotproof's cache-blocked NTT and
//!   its strips-and-blocks coset LDE, for BabyBear, KoalaBear and Goldilocks.
//!
//! - [`config`]: Plonky3's standard Poseidon2 STARK configuration per field with the DFT as
//!   a parameter, and [`air::FibonacciAir`], the workload the tests, the example and the
//!   bench prove.
//!
//! Plonky3's own implementations are the oracle: the tests compare every method against
//! `Radix2DitParallel` on random matrices and prove the same STARK with both.

pub mod air;
pub mod config;
pub mod dft;

pub use dft::SlotproofDft;
