//! Merkle commitment datapaths over Poseidon2-16 (BabyBear, KoalaBear), against the golden
//! model [`slotproof_core::golden::merkle`]: [`LeafSponge`] hashes rows of any width into leaf
//! digests (`leaf_hash`), [`MerkleTree`] compresses `2^k` digests into the root (`compress` =
//! permute `left ‖ right`, keep 8 lanes). Each block holds one fully pipelined permutation.
//!
//! Only rate 8 / digest 8 over the width-16 permutation is here. The Goldilocks sponge (width
//! 8, rate 4) needs a width-8 permutation, which has no RTL yet, so it is out of scope.
//! Lanes are Montgomery form (`x·2^32 mod p`) in and out, as in [`crate::poseidon2`].

pub mod sponge;
pub mod tree;

pub use sponge::LeafSponge;
pub use tree::MerkleTree;
