//! `p3_commit::Mmcs` on a slotproof card (a real one, an emulated one, or the simulated
//! device): the card hashes the rows into a tree and keeps it; openings read their paths from
//! the card; Plonky3 gets the same commitments and proofs as from `MerkleTreeMmcs`.
//!
//! # What goes where
//!
//! ```text
//!  commit(matrices)  ── one power-of-two height ──►  HASH_LEAVES batches → tree resident on card
//!                    │                               READ_ROOT / READ_CAP → commitment
//!                    │                               READ_PATHS on 2 sampled rows, checked → kept
//!                    └─ mixed heights, or a fault ──► SlotproofMmcs on the CPU (logged, counted)
//!  open_batch / open_multi_batch  ──►  rows from the prover's own matrices (Plonky3 keeps them
//!                                      for its out-of-domain evaluations anyway),
//!                                      paths from the card's tree, each checked
//! ```
//!
//! # Why a wrong answer never reaches a proof
//!
//! The card is untrusted (notes/reliability.md). A commitment is kept only if two sampled
//! rows, hashed on the host, fold through the card's paths to the card's cap. Every path an
//! opening hands to Plonky3 is checked the same way against the commitment; a path that fails
//! (a flipped node the sample missed) makes the tree be rebuilt on the CPU, once, and every
//! later opening of it is answered from there. A card that faults during a commit loses the
//! commit to the CPU. Either way the proof is the one stock Plonky3 makes.
//!
//! Mixed-height batches (Plonky3's injection of shorter matrices into upper layers) are built
//! on the CPU: the card's tree unit builds trees over one power-of-two height. Plonky3's
//! uni-stark commits only such batches (trace, quotient chunks, FRI layers).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use p3_commit::{BatchOpening, BatchOpeningRef, Mmcs};
use p3_matrix::{Dimensions, Matrix};
use p3_merkle_tree::{MerkleTreeError, PrunedMerklePaths};
use p3_symmetric::MerkleCap;
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use slotproof_core::TraceField;
use slotproof_core::cpu::merkle::LanePermutation;
use slotproof_core::sample::{SplitMix64, fresh_seed};
use slotproof_firmware::Field;
use slotproof_host::backend::card::{DEFAULT_SAMPLES, VerifyMode};
use slotproof_host::card::discover::{AnyCard, open_sim};
use slotproof_host::card::driver::{CardDriver, CardFault, Deadlines};
use slotproof_host::card::resident::{ResidentTree, TreeSpace, commit_rows};
use slotproof_host::card::verify::OpenedPath;
use slotproof_sim::{CardConfig, FaultPlan};

use crate::mmcs::{BinaryMerkle, SlotproofMmcs, SlotproofTree, StockMmcs, auth_path, open_rows, pruned_siblings};

/// How often the card did the work, and how often the CPU had to.
#[derive(Debug, Default)]
pub struct CardStats {
    /// Commitments whose tree the card built and keeps.
    pub on_card: AtomicU64,
    /// Commitments of a shape the card does not build (mixed heights), done on the CPU.
    pub cpu_shape: AtomicU64,
    /// Commitments the card failed (a fault, or a sampled row that did not check), redone on
    /// the CPU.
    pub fell_back: AtomicU64,
    /// Paths read from the card.
    pub paths_read: AtomicU64,
    /// Trees rebuilt on the CPU because a path from the card did not check.
    pub rebuilt: AtomicU64,
}

impl CardStats {
    /// `(on_card, cpu_shape, fell_back, paths_read, rebuilt)`.
    pub fn snapshot(&self) -> (u64, u64, u64, u64, u64) {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (g(&self.on_card), g(&self.cpu_shape), g(&self.fell_back), g(&self.paths_read), g(&self.rebuilt))
    }
}

/// The card a scheme commits on, shared by its clones.
struct CardLink {
    card: Mutex<AnyCard>,
    space: Arc<TreeSpace>,
    field: Field,
    attempts: u32,
    stats: CardStats,
}

/// Plonky3's binary Merkle MMCS with the trees built and kept on a slotproof card.
pub struct CardMmcs<F: TraceField, P, const W: usize, const R: usize, const D: usize> {
    cpu: SlotproofMmcs<F, P, W, R, D>,
    link: Arc<CardLink>,
    batch_bytes: usize,
    verify: VerifyMode,
}

impl<F: TraceField, P: Clone, const W: usize, const R: usize, const D: usize> Clone for CardMmcs<F, P, W, R, D> {
    fn clone(&self) -> Self {
        Self { cpu: self.cpu.clone(), link: Arc::clone(&self.link), batch_bytes: self.batch_bytes, verify: self.verify }
    }
}

impl<F: TraceField, P, const W: usize, const R: usize, const D: usize> std::fmt::Debug for CardMmcs<F, P, W, R, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.link.card.lock().map(|c| c.identity().name.clone()).unwrap_or_default();
        f.debug_struct("CardMmcs").field("card", &name).field("stats", &self.link.stats).finish_non_exhaustive()
    }
}

/// Column batches of about this many bytes go over per `HASH_LEAVES`.
const BATCH_BYTES: usize = 32 << 20;

impl<F, P, const W: usize, const R: usize, const D: usize> CardMmcs<F, P, W, R, D>
where
    F: TraceField,
    P: LanePermutation<F, W> + Clone,
{
    /// The scheme `cpu` (its permutation and cap height) on `card`, an admitted card of any
    /// kind ([`slotproof_host::card::discover`]).
    pub fn new(cpu: SlotproofMmcs<F, P, W, R, D>, card: AnyCard) -> Self {
        let link = CardLink {
            card: Mutex::new(card),
            space: Arc::new(TreeSpace::default()),
            field: slotproof_host::card::trace_view::abi_field(F::ID),
            attempts: 3,
            stats: CardStats::default(),
        };
        Self { cpu, link: Arc::new(link), batch_bytes: BATCH_BYTES, verify: VerifyMode::Sample(DEFAULT_SAMPLES) }
    }

    /// How much of each commitment the host checks (the card backend's default, 8 sampled
    /// rows, unless set). A compute fault that corrupts one row's sponge leaves a tree that
    /// is consistent with the wrong row: sampling `k` of `n` rows sees it with probability
    /// `k/n`, the check of every opened path sees it if a query lands on that row, and only
    /// [`VerifyMode::Full`] (the whole tree rebuilt on the CPU and compared) sees it always.
    pub fn with_verify(mut self, verify: VerifyMode) -> Self {
        self.verify = verify;
        self
    }

    /// Streams column batches of about `batch_bytes` (32 MiB unless set).
    pub fn with_batch_bytes(mut self, batch_bytes: usize) -> Self {
        self.batch_bytes = batch_bytes;
        self
    }

    /// The scheme on a simulated card (the device model in this process, instant timing)
    /// with the fault plan `faults`. Its driver checks the card's identity and ABI; it skips
    /// the admission canary so that planned faults hit from the first command: the check of
    /// every commitment and path is what stands between a faulty card and a proof.
    pub fn on_sim(cpu: SlotproofMmcs<F, P, W, R, D>, faults: FaultPlan) -> Result<Self, CardFault> {
        let card = CardDriver::open(open_sim(CardConfig::instant(), faults), Deadlines::default())?;
        Ok(Self::new(cpu, card))
    }

    /// What the card did so far (shared by every clone).
    pub fn stats(&self) -> &CardStats {
        &self.link.stats
    }

    /// The card's own free tree room, in bytes.
    pub fn free_tree_bytes(&self) -> u64 {
        self.link.space.free_bytes()
    }

    fn card(&self) -> std::sync::MutexGuard<'_, AnyCard> {
        self.link.card.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn digest(words: &[u64]) -> [F; D] {
        std::array::from_fn(|i| F::from_u64(words[i]))
    }
}

/// A commitment the card made: the cap, the tree it keeps, and the CPU's layers when the
/// check rebuilt them.
type OnCard<F, const D: usize> = (MerkleCap<F, [F; D]>, ResidentTree, Option<Vec<Vec<[F; D]>>>);

/// A commitment's prover data: where its tree is.
pub enum CardTree<F, M, const D: usize> {
    /// On the card, with the prover's matrices, the commitment, and (once a path from the
    /// card failed its check) the tree rebuilt on the CPU.
    Card {
        /// The committed matrices.
        matrices: Vec<M>,
        /// The tree the card keeps.
        tree: ResidentTree,
        /// The commitment.
        cap: MerkleCap<F, [F; D]>,
        /// Every layer, built on the CPU if the card's tree proved wrong.
        rebuilt: OnceLock<Vec<Vec<[F; D]>>>,
    },
    /// Built on the CPU.
    Host(SlotproofTree<F, M, D>),
}

impl<F, P, const W: usize, const R: usize, const D: usize> CardMmcs<F, P, W, R, D>
where
    F: TraceField,
    P: LanePermutation<F, W> + Clone,
    [F; D]: Serialize + DeserializeOwned,
    StockMmcs<F, P, W, R, D>: BinaryMerkle<F, D>,
{
    /// Builds the tree over `matrices` (one height, a power of two) on the card, reads its
    /// cap and checks sampled rows against it; `Ok(None)` for a shape the card does not build.
    fn commit_on_card<M: Matrix<F>>(&self, matrices: &[M]) -> Result<Option<OnCard<F, D>>, CardFault> {
        let Some(height) = matrices.first().map(|m| m.height()) else { return Ok(None) };
        let width: usize = matrices.iter().map(|m| m.width()).sum();
        if !height.is_power_of_two() || width == 0 || matrices.iter().any(|m| m.height() != height) {
            return Ok(None);
        }
        let log_rows = height.trailing_zeros() as usize;
        let eb = self.link.field.elem_bytes();
        // Which matrix, and which of its columns, each column of the concatenated row is.
        let columns: Vec<(usize, usize)> =
            matrices.iter().enumerate().flat_map(|(k, m)| (0..m.width()).map(move |c| (k, c))).collect();
        let pack = |c0: usize, c1: usize, out: &mut [u8]| {
            // Rows are read a block at a time (each row once), written column-major.
            const BLOCK: usize = 512;
            let blocks: Vec<Vec<u8>> = (0..height.div_ceil(BLOCK))
                .into_par_iter()
                .map(|b| {
                    let r0 = b * BLOCK;
                    let n = BLOCK.min(height - r0);
                    let mut block = vec![0u8; (c1 - c0) * n * eb];
                    for r in 0..n {
                        let rows: Vec<_> =
                            matrices.iter().map(|m| m.row_slice(r0 + r).expect("row in range")).collect();
                        for (j, &(k, c)) in columns[c0..c1].iter().enumerate() {
                            let v = rows[k][c].as_canonical_u64().to_le_bytes();
                            block[(j * n + r) * eb..(j * n + r + 1) * eb].copy_from_slice(&v[..eb]);
                        }
                    }
                    block
                })
                .collect();
            for (b, block) in blocks.iter().enumerate() {
                let r0 = b * BLOCK;
                let n = block.len() / ((c1 - c0) * eb);
                for j in 0..c1 - c0 {
                    let at = (j * height + r0) * eb;
                    out[at..at + n * eb].copy_from_slice(&block[j * n * eb..(j + 1) * n * eb]);
                }
            }
        };
        let card = self.card();
        let tree = commit_rows(
            &card,
            &self.link.space,
            self.link.field,
            log_rows,
            width,
            &pack,
            self.batch_bytes,
            self.link.attempts,
        )?;
        let cap_height = self.cpu.cap_height().min(log_rows);
        let cap: Vec<[F; D]> = if cap_height == 0 {
            vec![Self::digest(&tree.root(&card, self.link.attempts)?)]
        } else {
            tree.cap(&card, cap_height, self.link.attempts)?.iter().map(|d| Self::digest(d)).collect()
        };
        let cap = MerkleCap::new(cap);

        let samples = match self.verify {
            VerifyMode::Full => {
                let layers = self.cpu.build_layers(matrices).expect("one power-of-two height shares a tree");
                let top = &layers[layers.len() - 1 - cap_height];
                if top[..cap.num_roots()] != *cap.roots() {
                    return Err(CardFault::Protocol {
                        card: card.identity().name.clone(),
                        what: "the card's commitment differs from the one rebuilt on the CPU".into(),
                    });
                }
                return Ok(Some((cap, tree, Some(layers))));
            }
            VerifyMode::Sample(k) => k,
        };
        // Sampled rows: the first, the last, and ones drawn from a fresh seed (a card cannot
        // know them when it computes).
        let mut rng = SplitMix64::new(fresh_seed());
        let mut sampled: Vec<u32> = vec![0, (height - 1) as u32];
        sampled.extend((2..samples).map(|_| (rng.next_u64() % height as u64) as u32));
        sampled.truncate(samples.max(1));
        sampled.sort_unstable();
        sampled.dedup();
        let paths = tree.paths(&card, &sampled, self.link.attempts)?;
        self.link.stats.paths_read.fetch_add(paths.len() as u64, Ordering::Relaxed);
        let dims: Vec<Dimensions> = matrices.iter().map(|m| m.dimensions()).collect();
        for path in &paths {
            if let Err(e) = self.check_path(&cap, &dims, matrices, path, log_rows) {
                return Err(CardFault::Protocol {
                    card: card.identity().name.clone(),
                    what: format!("sampled row {} does not fold to the card's commitment: {e:?}", path.index),
                });
            }
        }
        Ok(Some((cap, tree, None)))
    }

    /// Layers of a tree over `2^log_leaves` leaves whose siblings a proof carries: all below
    /// the cap.
    fn proof_levels(&self, log_leaves: usize) -> usize {
        log_leaves - self.cpu.cap_height().min(log_leaves)
    }

    /// The siblings of `path` a proof carries (below the cap).
    fn proof_of(&self, path: &OpenedPath, log_rows: usize) -> Vec<[F; D]> {
        path.siblings[..self.proof_levels(log_rows)].iter().map(|s| Self::digest(s)).collect()
    }

    /// Checks the card's path of one row against `cap` with Plonky3's verifier, the row
    /// hashed on the host from the prover's own matrices.
    fn check_path<M: Matrix<F>>(
        &self,
        cap: &MerkleCap<F, [F; D]>,
        dims: &[Dimensions],
        matrices: &[M],
        path: &OpenedPath,
        log_rows: usize,
    ) -> Result<(), MerkleTreeError> {
        let rows = open_rows(matrices, path.index)?;
        let proof = self.proof_of(path, log_rows);
        self.cpu.verifier().verify_batch(cap, dims, path.index, BatchOpeningRef::new(&rows, &proof))
    }

    /// Every layer of a card tree, built on the CPU the first time a path from the card fails.
    fn rebuilt<'a, M: Matrix<F>>(&self, matrices: &[M], rebuilt: &'a OnceLock<Vec<Vec<[F; D]>>>) -> &'a [Vec<[F; D]>] {
        rebuilt.get_or_init(|| {
            self.link.stats.rebuilt.fetch_add(1, Ordering::Relaxed);
            self.cpu.build_layers(matrices).expect("the card took this shape, so the CPU does")
        })
    }

    /// Paths of `indices` (distinct, ascending) from the card, each checked; `None` when the
    /// card failed or a path did not check (the caller answers from the CPU).
    fn card_paths<M: Matrix<F>>(
        &self,
        matrices: &[M],
        tree: &ResidentTree,
        cap: &MerkleCap<F, [F; D]>,
        indices: &[usize],
    ) -> Option<Vec<OpenedPath>> {
        let wanted: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
        let read = tree.paths(&self.card(), &wanted, self.link.attempts);
        let paths = match read {
            Ok(p) => p,
            Err(e) => {
                log::warn!("reading paths from the card failed ({e}); answering from the CPU");
                return None;
            }
        };
        self.link.stats.paths_read.fetch_add(paths.len() as u64, Ordering::Relaxed);
        let dims: Vec<Dimensions> = matrices.iter().map(|m| m.dimensions()).collect();
        for path in &paths {
            if let Err(e) = self.check_path(cap, &dims, matrices, path, tree.log_leaves()) {
                log::warn!(
                    "the card's path of row {} does not check ({e:?}); rebuilding the tree on the CPU",
                    path.index
                );
                return None;
            }
        }
        Some(paths)
    }
}

impl<F, P, const W: usize, const R: usize, const D: usize> Mmcs<F> for CardMmcs<F, P, W, R, D>
where
    F: TraceField,
    P: LanePermutation<F, W> + Clone,
    [F; D]: Serialize + DeserializeOwned,
    StockMmcs<F, P, W, R, D>: BinaryMerkle<F, D>,
{
    type ProverData<M> = CardTree<F, M, D>;
    type Commitment = MerkleCap<F, [F; D]>;
    type Proof = Vec<[F; D]>;
    type MultiProof = PrunedMerklePaths<F, D>;
    type Error = MerkleTreeError;

    /// # Panics
    /// As [`SlotproofMmcs`]'s: when the heights cannot share a tree.
    fn commit<M: Matrix<F>>(&self, inputs: Vec<M>) -> (Self::Commitment, Self::ProverData<M>) {
        match self.commit_on_card(&inputs) {
            Ok(Some((cap, tree, layers))) => {
                self.link.stats.on_card.fetch_add(1, Ordering::Relaxed);
                let rebuilt = OnceLock::new();
                if let Some(layers) = layers {
                    // Full verification built every layer already: openings read them here.
                    let _ = rebuilt.set(layers);
                }
                let data = CardTree::Card { matrices: inputs, tree, cap: cap.clone(), rebuilt };
                return (cap, data);
            }
            Ok(None) => {
                self.link.stats.cpu_shape.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                log::warn!("the card could not commit this batch ({e}); committing on the CPU");
                self.link.stats.fell_back.fetch_add(1, Ordering::Relaxed);
            }
        }
        let (cap, tree) = self.cpu.commit(inputs);
        (cap, CardTree::Host(tree))
    }

    fn open_batch<M: Matrix<F>>(&self, index: usize, data: &Self::ProverData<M>) -> BatchOpening<F, Self> {
        match data {
            CardTree::Host(tree) => {
                let (rows, proof) = self.cpu.open_batch(index, tree).unpack();
                BatchOpening::new(rows, proof)
            }
            CardTree::Card { matrices, tree, cap, rebuilt } => {
                let rows = open_rows(matrices, index).unwrap_or_else(|e| panic!("cannot open row {index}: {e}"));
                let levels = self.proof_levels(tree.log_leaves());
                let proof = match rebuilt.get().is_none().then(|| self.card_paths(matrices, tree, cap, &[index])) {
                    Some(Some(paths)) => self.proof_of(&paths[0], tree.log_leaves()),
                    _ => {
                        let layers = self.rebuilt(matrices, rebuilt);
                        auth_path(index, levels, |level, i| layers[level][i])
                    }
                };
                BatchOpening::new(rows, proof)
            }
        }
    }

    fn get_matrices<'a, M: Matrix<F>>(&self, data: &'a Self::ProverData<M>) -> Vec<&'a M> {
        match data {
            CardTree::Host(tree) => self.cpu.get_matrices(tree),
            CardTree::Card { matrices, .. } => matrices.iter().collect(),
        }
    }

    fn verify_batch(
        &self,
        commit: &Self::Commitment,
        dimensions: &[Dimensions],
        index: usize,
        opening: BatchOpeningRef<'_, F, Self>,
    ) -> Result<(), Self::Error> {
        self.cpu.verifier().verify_batch(
            commit,
            dimensions,
            index,
            BatchOpeningRef::new(opening.opened_values, opening.opening_proof),
        )
    }

    fn open_multi_batch<M: Matrix<F>>(
        &self,
        indices: &[usize],
        data: &Self::ProverData<M>,
    ) -> (Vec<Vec<Vec<F>>>, Self::MultiProof) {
        match data {
            CardTree::Host(tree) => self.cpu.open_multi_batch(indices, tree),
            CardTree::Card { matrices, tree, cap, rebuilt } => {
                let rows = indices
                    .iter()
                    .map(|&i| open_rows(matrices, i).unwrap_or_else(|e| panic!("cannot open row {i}: {e}")))
                    .collect();
                let levels = self.proof_levels(tree.log_leaves());
                let mut unique = indices.to_vec();
                unique.sort_unstable();
                unique.dedup();
                let from_card = rebuilt.get().is_none().then(|| self.card_paths(matrices, tree, cap, &unique));
                let sibling_hashes = match from_card {
                    Some(Some(paths)) => {
                        // Each path names the sibling of its leaf's ancestor on every layer;
                        // together they hold every node the pruned proof sends.
                        let mut nodes = HashMap::new();
                        for p in &paths {
                            for (level, s) in p.siblings.iter().enumerate().take(levels) {
                                nodes.insert((level, (p.index >> level) ^ 1), Self::digest(s));
                            }
                        }
                        pruned_siblings(indices, levels, |level, i| nodes[&(level, i)])
                    }
                    _ => {
                        let layers = self.rebuilt(matrices, rebuilt);
                        pruned_siblings(indices, levels, |level, i| layers[level][i])
                    }
                };
                (rows, PrunedMerklePaths { sibling_hashes })
            }
        }
    }

    fn verify_multi_batch<Row: AsRef<[F]> + PartialEq>(
        &self,
        commit: &Self::Commitment,
        dimensions: &[Dimensions],
        indices: &[usize],
        opened_values: &[Vec<Row>],
        proof: &Self::MultiProof,
    ) -> Result<(), Self::Error> {
        self.cpu.verifier().verify_multi_batch(commit, dimensions, indices, opened_values, proof)
    }
}
