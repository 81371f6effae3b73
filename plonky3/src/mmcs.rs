//! `p3_commit::Mmcs` on slotproof's Merkle kernels: the commitment, the openings and the
//! proofs of Plonky3's binary `MerkleTreeMmcs` under the padding-free Poseidon2 sponge and the
//! truncated-permutation compression, bit for bit.
//!
//! # The tree Plonky3 builds, which this one must equal
//!
//! Matrices of several heights share one tree. Every height must sit on the ladder
//! `ceil(max_height / 2^k)` of the tallest. The tallest matrices make the leaves: leaf `i`
//! hashes row `i` of each of them, concatenated in the order they were given. A shorter group
//! is injected at the layer whose length has its power of two:
//!
//! ```text
//!   layer k+1, node i  =  C( C(layer_k[2i], layer_k[2i+1]),  H(rows i of the group) )   i < h
//!                      =  C( C(layer_k[2i], layer_k[2i+1]),  0 )                        i ≥ h
//! ```
//!
//! A layer of odd length above one is padded with the zero digest, so its pairs are whole.
//! The commitment is the cap: the `2^cap_height` digests `cap_height` layers below the root.
//!
//! # Where the work goes
//!
//! Hashing the leaves is nearly all of a commit. A group's rows are staged in blocks sized for
//! the first-level cache and hashed on SIMD lanes by [`slotproof_core::cpu::merkle`], the same
//! kernel the fused commit runs; layers compress on lanes too, split across threads when wide.
//!
//! # Verification
//!
//! `verify_batch` and `verify_multi_batch` are Plonky3's own, run on the same hasher and
//! compression: the proofs this scheme sends are the types and bytes stock Plonky3 sends,
//! and a verifier is cheap, so the check a stock verifier makes is the check made here.
//!
//! Only the binary tree is built (the arity of Plonky3's standard configurations).

use std::cmp::Reverse;
use std::fmt;

use p3_commit::{BatchOpening, BatchOpeningRef, Mmcs};
use p3_field::{Field, PackedValue};
use p3_matrix::{Dimensions, Matrix};
use p3_merkle_tree::{MerkleTreeError, MerkleTreeMmcs, PrunedMerklePaths};
use p3_symmetric::{MerkleCap, PaddingFreeSponge, TruncatedPermutation};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use slotproof_core::cpu::merkle::{LanePermutation, compress_level, hash_row_slices, hash_rows};

/// Plonky3's `MerkleTreeMmcs` on the same permutation: the verifier, and the tests' oracle.
pub type StockMmcs<F, P, const W: usize, const R: usize, const D: usize> = MerkleTreeMmcs<
    <F as Field>::Packing,
    <F as Field>::Packing,
    PaddingFreeSponge<P, W, R, D>,
    TruncatedPermutation<P, 2, D, W>,
    2,
    D,
>;

/// The shape of Plonky3's binary Merkle scheme over `F` with `D`-element digests: what a
/// commitment, a path and a pruned multi-path are. Both schemes here send exactly these.
pub trait BinaryMerkle<F: Send + Sync + Clone, const D: usize>:
    Mmcs<
        F,
        Commitment = MerkleCap<F, [F; D]>,
        Proof = Vec<[F; D]>,
        MultiProof = PrunedMerklePaths<F, D>,
        Error = MerkleTreeError,
    >
{
}

impl<F: Send + Sync + Clone, const D: usize, T> BinaryMerkle<F, D> for T where
    T: Mmcs<
            F,
            Commitment = MerkleCap<F, [F; D]>,
            Proof = Vec<[F; D]>,
            MultiProof = PrunedMerklePaths<F, D>,
            Error = MerkleTreeError,
        >
{
}

/// A binary Merkle MMCS over field `F` on a Poseidon2 permutation `P` of width `W`, sponge
/// rate `R` and `D`-element digests, built on slotproof's lane kernels.
#[derive(Clone)]
pub struct SlotproofMmcs<F: Field, P, const W: usize, const R: usize, const D: usize> {
    perm: P,
    cap_height: usize,
    verifier: StockMmcs<F, P, W, R, D>,
}

impl<F: Field, P: fmt::Debug, const W: usize, const R: usize, const D: usize> fmt::Debug
    for SlotproofMmcs<F, P, W, R, D>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlotproofMmcs").field("cap_height", &self.cap_height).finish_non_exhaustive()
    }
}

impl<F: Field, P: Clone, const W: usize, const R: usize, const D: usize> SlotproofMmcs<F, P, W, R, D> {
    /// The scheme on permutation `perm`, committing to the cap `cap_height` layers below the
    /// root (0: the root alone), as `MerkleTreeMmcs::new(hash, compress, cap_height)`.
    pub fn new(perm: P, cap_height: usize) -> Self {
        let verifier = StockMmcs::<F, P, W, R, D>::new(
            PaddingFreeSponge::new(perm.clone()),
            TruncatedPermutation::new(perm.clone()),
            cap_height,
        );
        Self { perm, cap_height, verifier }
    }

    /// Layers of the cap.
    pub fn cap_height(&self) -> usize {
        self.cap_height
    }
}

/// A commitment and the tree the prover keeps to open it.
pub type Committed<F, M, const D: usize> = (MerkleCap<F, [F; D]>, SlotproofTree<F, M, D>);

/// Why a batch cannot be committed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The heights cannot share a tree (Plonky3's error: no matrices, or a height off the
    /// ladder, named with the height expected there).
    #[error(transparent)]
    Heights(#[from] MerkleTreeError),
    /// The cap would be a layer whose length is not a power of two (a padded layer near the
    /// leaves of a tree whose tallest height is not one); Plonky3 refuses such caps too.
    #[error(
        "a cap of height {cap_height} is a layer of {digests} digests, not a power of two; \
         take a cap height of at most {max_cap_height}"
    )]
    CapNotPowerOfTwo {
        /// The cap height asked for.
        cap_height: usize,
        /// Digests in the layer it names.
        digests: usize,
        /// The largest cap height this batch allows.
        max_cap_height: usize,
    },
}

/// What a commit leaves with the prover: the matrices, and every digest layer of the tree.
#[derive(Clone, Debug)]
pub struct SlotproofTree<F, M, const D: usize> {
    matrices: Vec<M>,
    /// Leaf digests first (padded to an even length), root last.
    layers: Vec<Vec<[F; D]>>,
}

impl<F: Copy, M, const D: usize> SlotproofTree<F, M, D> {
    /// The root digest.
    pub fn root(&self) -> [F; D] {
        self.layers.last().expect("a tree has at least its leaf layer")[0]
    }

    /// Digest layers, leaves first, root last.
    pub fn layers(&self) -> &[Vec<[F; D]>] {
        &self.layers
    }

    /// Layers whose siblings go into a proof: all but the root and the cap's.
    fn proof_levels(&self, cap_height: usize) -> usize {
        let above_leaves = self.layers.len() - 1;
        above_leaves - cap_height.min(above_leaves)
    }
}

/// The length a layer of `raw` digests is stored at: even, so its pairs are whole (the root
/// layer of one digest stays one).
const fn padded_len(raw: usize) -> usize {
    if raw <= 1 { raw } else { raw.next_multiple_of(2) }
}

/// `ceil(log2(n))`, 0 for `n ≤ 1`.
fn log2_ceil(n: usize) -> usize {
    n.max(1).next_power_of_two().trailing_zeros() as usize
}

/// Checks every height sits on the ladder `ceil(max / 2^k)` of the tallest; returns the
/// tallest. The errors are Plonky3's, with the same fields.
pub fn check_heights(heights: impl Iterator<Item = usize> + Clone) -> Result<usize, MerkleTreeError> {
    let max_height = heights.clone().max().filter(|&h| h > 0).ok_or(MerkleTreeError::EmptyBatch)?;
    let log_max = log2_ceil(max_height);
    for height in heights {
        let bits_reduced = log_max - log2_ceil(height);
        let expected_height = ((max_height - 1) >> bits_reduced) + 1;
        if height != expected_height {
            return Err(MerkleTreeError::IncompatibleHeights { height, max_height, expected_height, bits_reduced });
        }
    }
    Ok(max_height)
}

/// Bytes of staged rows one hashing task takes: the block stays in the first-level cache
/// between the copy that stages it and the sponge that reads it.
const STAGE_BYTES: usize = 16 << 10;

/// Output digests below which a layer is compressed on the calling thread.
const PAR_NODES: usize = 1 << 12;

impl<F, P, const W: usize, const R: usize, const D: usize> SlotproofMmcs<F, P, W, R, D>
where
    F: Field,
    P: LanePermutation<F, W> + Clone,
{
    /// Hashes row `first + i` of the group (rows concatenated across its matrices in order)
    /// into `out[i]`.
    fn hash_group<M: Matrix<F>>(&self, group: &[&M], out: &mut [[F; D]]) {
        let width: usize = group.iter().map(|m| m.width()).sum();
        if width == 0 {
            // The sponge of an empty message never permutes: its digest is the zero state.
            out.fill([F::ZERO; D]);
            return;
        }
        let lanes = <F as Field>::Packing::WIDTH;
        let block = (STAGE_BYTES / (width * size_of::<F>()) / lanes).max(1) * lanes;
        if let [m] = group {
            // One matrix: its rows are hashed where they lie (a dense matrix or a view of one
            // lends them without a copy), as Plonky3 reads them.
            out.par_chunks_mut(block).enumerate().for_each(|(b, digests)| {
                let first = b * block;
                let guards: Vec<_> = (first..first + digests.len())
                    .map(|r| m.row_slice(r).expect("row below the matrix's height"))
                    .collect();
                let rows: Vec<&[F]> = guards.iter().map(|g| &**g).collect();
                hash_row_slices::<F, P, W, R, D>(&self.perm, &rows, digests);
            });
            return;
        }
        // Several matrices: a leaf's message is its rows concatenated, staged block by block.
        out.par_chunks_mut(block).enumerate().for_each_init(Vec::new, |staged: &mut Vec<F>, (b, digests)| {
            let first = b * block;
            staged.clear();
            for r in first..first + digests.len() {
                for m in group {
                    staged.extend_from_slice(&m.row_slice(r).expect("row below the group's height"));
                }
            }
            hash_rows::<F, P, W, R, D>(&self.perm, staged, width, digests);
        });
    }

    /// `out[i] = C(input[2i], input[2i+1])`, across threads when the layer is wide.
    fn compress_pairs(&self, input: &[[F; D]], out: &mut [[F; D]]) {
        if out.len() >= PAR_NODES {
            let chunk = PAR_NODES / 2;
            out.par_chunks_mut(chunk)
                .zip(input.par_chunks(2 * chunk))
                .for_each(|(o, i)| compress_level::<F, P, W, D>(&self.perm, i, o));
        } else {
            compress_level::<F, P, W, D>(&self.perm, input, out);
        }
    }

    /// Every digest layer of the tree over `matrices`, leaves first.
    pub(crate) fn build_layers<M: Matrix<F>>(&self, matrices: &[M]) -> Result<Vec<Vec<[F; D]>>, MerkleTreeError> {
        let max_height = check_heights(matrices.iter().map(|m| m.height()))?;
        // Tallest first; a stable sort keeps matrices of one height in the order given, which
        // is the order their rows are concatenated in.
        let mut order: Vec<&M> = matrices.iter().collect();
        order.sort_by_key(|m| Reverse(m.height()));
        let mut pending = order.into_iter().peekable();

        let tallest: Vec<&M> = std::iter::from_fn(|| pending.next_if(|m| m.height() == max_height)).collect();
        let mut leaves = vec![[F::ZERO; D]; padded_len(max_height)];
        self.hash_group(&tallest, &mut leaves[..max_height]);
        let mut layers = vec![leaves];

        while layers.last().expect("leaves pushed").len() > 1 {
            let prev = layers.last().expect("leaves pushed");
            let raw = prev.len() / 2;
            let mut next = vec![[F::ZERO; D]; padded_len(raw)];
            self.compress_pairs(&prev[..2 * raw], &mut next[..raw]);

            let bucket = raw.next_power_of_two();
            let group: Vec<&M> =
                std::iter::from_fn(|| pending.next_if(|m| m.height().next_power_of_two() == bucket)).collect();
            if let Some(first) = group.first() {
                // The ladder puts the group's height at or below this layer's length; the
                // nodes past it take the zero digest as their right input, as Plonky3's do.
                let h = first.height().min(raw);
                let mut pairs = vec![[F::ZERO; D]; 2 * raw];
                let mut row_digests = vec![[F::ZERO; D]; h];
                self.hash_group(&group, &mut row_digests);
                for (i, pair) in pairs.chunks_exact_mut(2).enumerate() {
                    pair[0] = next[i];
                    if i < h {
                        pair[1] = row_digests[i];
                    }
                }
                self.compress_pairs(&pairs, &mut next[..raw]);
            }
            layers.push(next);
        }
        Ok(layers)
    }

    /// Commits to `matrices`, or says why their heights cannot share a tree.
    pub fn try_commit<M: Matrix<F>>(&self, matrices: Vec<M>) -> Result<Committed<F, M, D>, CommitError> {
        let layers = self.build_layers(&matrices)?;
        // A cap taller than the tree is the leaf layer, as Plonky3 clamps it.
        let height = self.cap_height.min(layers.len() - 1);
        let cap_layer = &layers[layers.len() - 1 - height];
        let cap_len = (1usize << height).min(cap_layer.len());
        if !cap_len.is_power_of_two() {
            let max_cap_height =
                (0..layers.len()).rev().find(|&h| layers[layers.len() - 1 - h].len().is_power_of_two());
            return Err(CommitError::CapNotPowerOfTwo {
                cap_height: self.cap_height,
                digests: cap_len,
                max_cap_height: max_cap_height.unwrap_or(0),
            });
        }
        let cap = MerkleCap::new(cap_layer[..cap_len].to_vec());
        Ok((cap, SlotproofTree { matrices, layers }))
    }

    /// Opens global row `index` of every matrix (Plonky3's index semantics: a shorter matrix
    /// drops low bits), or says why it cannot.
    pub fn try_open_rows<M: Matrix<F>>(
        &self,
        index: usize,
        tree: &SlotproofTree<F, M, D>,
    ) -> Result<Vec<Vec<F>>, MerkleTreeError> {
        open_rows(&tree.matrices, index)
    }

    /// The verifier's copy of this scheme: Plonky3's `MerkleTreeMmcs` on the same permutation.
    pub(crate) fn verifier(&self) -> &StockMmcs<F, P, W, R, D> {
        &self.verifier
    }
}

/// Row `index` of every matrix under Plonky3's index semantics (a shorter matrix drops the
/// low bits of the index), or why there is none.
pub(crate) fn open_rows<F: Clone + Send + Sync, M: Matrix<F>>(
    matrices: &[M],
    index: usize,
) -> Result<Vec<Vec<F>>, MerkleTreeError> {
    let max_height = matrices.iter().map(|m| m.height()).max().unwrap_or(0);
    if index >= max_height {
        return Err(MerkleTreeError::IndexOutOfBounds { max_height, index });
    }
    let log_max = log2_ceil(max_height);
    Ok(matrices
        .iter()
        .map(|m| {
            let row = index >> (log_max - log2_ceil(m.height()));
            m.row_slice(row).expect("a ladder height covers every global index").to_vec()
        })
        .collect())
}

/// The authentication path of leaf `index` through `levels` layers, leaves first: at each
/// layer the sibling of the node above the leaf. `node(level, i)` is node `i` of a layer.
pub(crate) fn auth_path<T>(index: usize, levels: usize, node: impl Fn(usize, usize) -> T) -> Vec<T> {
    (0..levels).map(|level| node(level, (index >> level) ^ 1)).collect()
}

/// The digests a multi-opening of `indices` sends through `levels` layers: walking the
/// queried nodes up level by level, each pair holding one queried node sends the other, a
/// pair of two sends nothing. Pairs in ascending order, as Plonky3's pruning sends them.
pub(crate) fn pruned_siblings<T>(indices: &[usize], levels: usize, node: impl Fn(usize, usize) -> T) -> Vec<T> {
    let mut frontier: Vec<usize> = indices.to_vec();
    frontier.sort_unstable();
    frontier.dedup();
    let mut sent = Vec::new();
    for level in 0..levels {
        let mut i = 0;
        while i < frontier.len() {
            let n = frontier[i];
            if n & 1 == 0 && frontier.get(i + 1) == Some(&(n | 1)) {
                i += 2;
            } else {
                sent.push(node(level, n ^ 1));
                i += 1;
            }
        }
        for n in frontier.iter_mut() {
            *n >>= 1;
        }
        frontier.dedup();
    }
    sent
}

impl<F, P, const W: usize, const R: usize, const D: usize> Mmcs<F> for SlotproofMmcs<F, P, W, R, D>
where
    F: Field,
    P: LanePermutation<F, W> + Clone,
    [F; D]: Serialize + DeserializeOwned,
    StockMmcs<F, P, W, R, D>: BinaryMerkle<F, D>,
{
    type ProverData<M> = SlotproofTree<F, M, D>;
    type Commitment = MerkleCap<F, [F; D]>;
    type Proof = Vec<[F; D]>;
    type MultiProof = PrunedMerklePaths<F, D>;
    type Error = MerkleTreeError;

    /// # Panics
    /// When the heights cannot share a tree (as Plonky3's does; the trait has no error path):
    /// [`SlotproofMmcs::try_commit`] returns the error instead.
    fn commit<M: Matrix<F>>(&self, inputs: Vec<M>) -> (Self::Commitment, Self::ProverData<M>) {
        self.try_commit(inputs).unwrap_or_else(|e| panic!("cannot commit to these matrices: {e}"))
    }

    /// # Panics
    /// When `index` is not below the tallest height (as Plonky3's does).
    fn open_batch<M: Matrix<F>>(&self, index: usize, tree: &Self::ProverData<M>) -> BatchOpening<F, Self> {
        let rows = self.try_open_rows(index, tree).unwrap_or_else(|e| panic!("cannot open row {index}: {e}"));
        let levels = tree.proof_levels(self.cap_height);
        BatchOpening::new(rows, auth_path(index, levels, |level, i| tree.layers[level][i]))
    }

    fn get_matrices<'a, M: Matrix<F>>(&self, tree: &'a Self::ProverData<M>) -> Vec<&'a M> {
        tree.matrices.iter().collect()
    }

    fn verify_batch(
        &self,
        commit: &Self::Commitment,
        dimensions: &[Dimensions],
        index: usize,
        opening: BatchOpeningRef<'_, F, Self>,
    ) -> Result<(), Self::Error> {
        self.verifier.verify_batch(
            commit,
            dimensions,
            index,
            BatchOpeningRef::new(opening.opened_values, opening.opening_proof),
        )
    }

    /// # Panics
    /// When an index is not below the tallest height (as Plonky3's does).
    fn open_multi_batch<M: Matrix<F>>(
        &self,
        indices: &[usize],
        tree: &Self::ProverData<M>,
    ) -> (Vec<Vec<Vec<F>>>, Self::MultiProof) {
        let rows = indices
            .iter()
            .map(|&i| self.try_open_rows(i, tree).unwrap_or_else(|e| panic!("cannot open row {i}: {e}")))
            .collect();
        let levels = tree.proof_levels(self.cap_height);
        let sibling_hashes = pruned_siblings(indices, levels, |level, i| tree.layers[level][i]);
        (rows, PrunedMerklePaths { sibling_hashes })
    }

    fn verify_multi_batch<Row: AsRef<[F]> + PartialEq>(
        &self,
        commit: &Self::Commitment,
        dimensions: &[Dimensions],
        indices: &[usize],
        opened_values: &[Vec<Row>],
        proof: &Self::MultiProof,
    ) -> Result<(), Self::Error> {
        self.verifier.verify_multi_batch(commit, dimensions, indices, opened_values, proof)
    }
}
