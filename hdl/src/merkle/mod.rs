//! Merkle commitment datapaths over Poseidon2, against the golden model
//! [`slotproof_core::golden::merkle`]: the leaf sponges hash rows of any width into leaf
//! digests (`leaf_hash`), the tree units compress `2^k` digests into the root (`compress` =
//! permute `left ‖ right`, keep a digest's lanes). Each block holds one fully pipelined
//! permutation and takes valid/ready streams on both sides.
//!
//! | field | permutation | sponge (rate, digest) | tree |
//! |---|---|---|---|
//! | BabyBear, KoalaBear | [`crate::poseidon2::Poseidon2Perm16`] | [`LeafSponge`] (8, 8) | [`MerkleTree`] |
//! | Goldilocks | [`crate::poseidon2::Poseidon2Perm8`] | [`LeafSponge8`] (4, 4) | [`MerkleTree8`] |
//!
//! Lanes are in the permutation's form: Montgomery (`x·2^32 mod p`) for the 31-bit fields, as
//! in [`crate::poseidon2`], canonical for Goldilocks.

pub mod sponge;
pub mod tree;

pub use sponge::{LeafSponge, LeafSponge8};
pub use tree::{MerkleTree, MerkleTree8};
