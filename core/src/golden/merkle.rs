//! Leaf hashing, 2-to-1 compression and the Merkle root: Plonky3's `MerkleTreeMmcs` with
//! `PaddingFreeSponge` leaves and `TruncatedPermutation` nodes, arity 2, no cap.

use super::arith::Fp;
use super::lde::{bit_reverse_rows, coset_lde_batch};
use super::poseidon2::{Poseidon2Spec, SpongeParams};
use crate::matrix::RowMajor;

/// The padding-free sponge over one row: start from the zero state; for each block of up to
/// `rate` elements overwrite lanes `0..len` and permute; the digest is the first `digest`
/// lanes. A final partial block overwrites only its own lanes (the rest keep the previous
/// permutation's output), which is what makes the sponge padding-free. An empty row hashes
/// to zeros without a permutation.
pub fn leaf_hash(perm: &Poseidon2Spec, sp: SpongeParams, row: &[u64]) -> Vec<u64> {
    let mut state = vec![0u64; sp.width];
    for block in row.chunks(sp.rate) {
        state[..block.len()].copy_from_slice(block);
        perm.permute(&mut state);
    }
    state.truncate(sp.digest);
    state
}

/// The 2-to-1 compression: permute `left ‖ right ‖ 0…` and keep the first `digest` lanes.
pub fn compress(perm: &Poseidon2Spec, sp: SpongeParams, left: &[u64], right: &[u64]) -> Vec<u64> {
    let mut state = vec![0u64; sp.width];
    state[..sp.digest].copy_from_slice(left);
    state[sp.digest..2 * sp.digest].copy_from_slice(right);
    perm.permute(&mut state);
    state.truncate(sp.digest);
    state
}

/// All levels of the tree over `leaves` (a power-of-two count): level 0 the leaf digests,
/// the last level the root alone.
pub fn merkle_levels(perm: &Poseidon2Spec, sp: SpongeParams, leaves: Vec<Vec<u64>>) -> Vec<Vec<Vec<u64>>> {
    assert!(leaves.len().is_power_of_two(), "{} leaves is not a power of two", leaves.len());
    let mut levels = vec![leaves];
    while levels.last().map_or(0, Vec::len) > 1 {
        let prev = levels.last().expect("non-empty");
        let next = prev.chunks_exact(2).map(|pair| compress(perm, sp, &pair[0], &pair[1])).collect();
        levels.push(next);
    }
    levels
}

/// The root of the tree whose leaves are the hashes of `rows`, in the order given.
pub fn merkle_root(perm: &Poseidon2Spec, sp: SpongeParams, rows: &RowMajor<u64>) -> Vec<u64> {
    let leaves = rows.rows().map(|r| leaf_hash(perm, sp, r)).collect();
    merkle_levels(perm, sp, leaves).pop().expect("a root").pop().expect("one node")
}

/// The trace commitment: `coset_lde_batch` with blowup `2^log_blowup`, rows put in
/// bit-reversed order, then the Merkle root. Equal to the commitment of Plonky3's
/// `TwoAdicFriPcs::commit` on the same trace.
pub fn commit(f: Fp, trace: &RowMajor<u64>, log_blowup: usize) -> Vec<u64> {
    let perm = Poseidon2Spec::for_field(f.id);
    let lde = bit_reverse_rows(&coset_lde_batch(f, trace, log_blowup));
    merkle_root(&perm, SpongeParams::for_field(f.id), &lde)
}
