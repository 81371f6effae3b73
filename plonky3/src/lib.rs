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
//! - [`SlotproofMmcs`]: `p3_commit::Mmcs` on slotproof's lane-parallel Poseidon2 leaf hashing
//!   and tree compression: Plonky3's mixed-height binary Merkle scheme, the same commitment,
//!   openings and (pruned) proofs as `MerkleTreeMmcs`.
//!
//! - [`card::CardMmcs`]: the same scheme with the trees built and kept on a slotproof card
//!   (an FPGA card, an emulated one, or the simulated device), openings' paths read back from
//!   it and checked, the CPU taking over whatever the card cannot do or does wrong.
//!
//! - [`config`]: Plonky3's standard Poseidon2 STARK configuration per field with the DFT and
//!   the Merkle scheme as parameters (`config::babybear::slotproof(fri)` against
//!   `config::babybear::stock(fri)`).
//!
//! - Two workloads: [`air::FibonacciAir`] (any width, cheap constraints) and
//!   [`poseidon2_air`], Plonky3's vectorized Poseidon2-permutation AIR on each field's default
//!   constants, the workload of the prove-time bench.
//!
//! Plonky3's own implementations are the oracle: the tests compare every method against
//! `Radix2DitParallel` and `MerkleTreeMmcs` on random matrices and prove the same STARK with
//! both.

pub mod air;
pub mod card;
pub mod config;
pub mod dft;
pub mod mmcs;
pub mod poseidon2_air;

pub use dft::SlotproofDft;
pub use mmcs::SlotproofMmcs;
