//! The fused trace commitment: coset LDE → Poseidon2 leaves → Merkle root, scheduled the way
//! the card runs it, so that no LDE row leaves the cache before it is hashed.
//!
//! For `n = 2^log_n` rows and blowup `B = 2^log_blowup`:
//! 1. **iDFT**: the trace, in place, through a DIF network with inverse twiddles: the
//!    coefficients (times `n`) come out in bit-reversed order.
//! 2. **Per coset** `j < B` (in the order the bit-reversed LDE lays them out: rows
//!    `j·n..(j+1)·n` are the evaluations on `g·ω_{Bn}^{bitrev(j)}·H`, themselves in bit-reversed
//!    order): strips gather the coefficients back into natural order while scaling by
//!    `shift_j^i / n` and run the top stages of the forward DIF network; then every block of
//!    contiguous rows runs the bottom stages, is leaf-hashed, and is reduced to its subtree
//!    root while it is still in L2.
//! 3. **Top of the tree**: the `B · n/n2` subtree roots are compressed to the root.
//!
//! [`CpuCommitter`] keeps the twiddle and scale tables and the coset buffer across commits.
//!
//! Only the trace, one coset's buffer and the twiddle and scale tables are ever in memory, so
//! peak memory is `2·n·w` elements whatever the blowup, against `(1 + B)·n·w` for an LDE that
//! is materialised before it is hashed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p3_baby_bear::{BabyBear, default_babybear_poseidon2_16};
use p3_field::{Field, TwoAdicField};
use p3_goldilocks::{Goldilocks, default_goldilocks_poseidon2_8};
use p3_koala_bear::{KoalaBear, default_koalabear_poseidon2_16};
use rayon::prelude::*;

use super::merkle::{LanePermutation, hash_rows, root_of};
use super::ntt::{
    Blocking, DifTwiddles, TwiddleCache, dif_batch, dif_block, dif_strip, gather_scaled_strip, powers, strips,
};
use crate::field::{FieldId, TraceField};
use crate::matrix::{RowMajor, reverse_bits};

/// Why a trace cannot be committed with the requested parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// The trace has no rows or no columns.
    #[error("the trace is empty ({rows} rows × {cols} columns)")]
    Empty {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// A coset LDE needs 2^k rows.
    #[error("trace height {rows} is not a power of two (a coset LDE needs 2^k rows; pad the trace)")]
    HeightNotPowerOfTwo {
        /// Rows.
        rows: usize,
    },
    /// The LDE domain would be larger than the field's largest power-of-two subgroup.
    #[error(
        "blowup 2^{log_blowup} of 2^{log_rows} rows needs a subgroup of order 2^{needed}, but {field} \
         has two-adicity {two_adicity} (largest log-blowup here: {max_log_blowup})"
    )]
    BlowupTooLarge {
        /// The field.
        field: FieldId,
        /// log2 of the trace height.
        log_rows: usize,
        /// The requested log2 blowup.
        log_blowup: usize,
        /// log2 of the LDE height.
        needed: usize,
        /// The field's two-adicity.
        two_adicity: usize,
        /// The largest log-blowup this trace admits.
        max_log_blowup: usize,
    },
}

/// Checks that a `rows × cols` trace of `field` can be committed with blowup 2^log_blowup,
/// and returns log2 of its height.
pub fn check_shape(field: FieldId, rows: usize, cols: usize, log_blowup: usize) -> Result<usize, CommitError> {
    if rows == 0 || cols == 0 {
        return Err(CommitError::Empty { rows, cols });
    }
    if !rows.is_power_of_two() {
        return Err(CommitError::HeightNotPowerOfTwo { rows });
    }
    let log_rows = rows.trailing_zeros() as usize;
    let needed = log_rows.saturating_add(log_blowup);
    if needed > field.two_adicity() {
        return Err(CommitError::BlowupTooLarge {
            field,
            log_rows,
            log_blowup,
            needed,
            two_adicity: field.two_adicity(),
            max_log_blowup: field.two_adicity().saturating_sub(log_rows),
        });
    }
    Ok(log_rows)
}

/// Wall time per stage of one commitment. Inside the fused phase the stages interleave on
/// every thread, so each gets the share of the phase's wall time that its thread time had.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CommitTimings {
    /// iDFT plus the forward coset NTTs.
    pub lde: Duration,
    /// Poseidon2 sponge over the LDE rows.
    pub leaf_hash: Duration,
    /// 2-to-1 compressions up to the root.
    pub tree: Duration,
    /// The whole commitment.
    pub total: Duration,
}

/// A commitment: the root (canonical values) and where the time went.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitOutput {
    /// The Merkle root over the bit-reversed coset LDE, as canonical integers.
    pub root: Vec<u64>,
    /// Stage timings.
    pub timings: CommitTimings,
    /// Bytes of the largest buffers alive at once (trace/coefficients, one coset, tables).
    pub working_set_bytes: u64,
}

#[derive(Default)]
struct StageClock {
    lde: AtomicU64,
    hash: AtomicU64,
    tree: AtomicU64,
}

impl StageClock {
    fn time<T>(slot: &AtomicU64, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        slot.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }
}

/// The shift of the coset stored at block `j` of the bit-reversed LDE on `shift·K`.
fn coset_shift<F: TwoAdicField>(shift: F, j: usize, log_blowup: usize, log_n: usize) -> F {
    shift * F::two_adic_generator(log_n + log_blowup).exp_u64(reverse_bits(j, log_blowup) as u64)
}

/// Fills `dst` with the evaluations of the coset stored at LDE block `j` and runs the top
/// stages of its network (strip phase).
fn coset_strips<F: Field + TwoAdicField>(
    dst: &mut [F],
    coeffs: &[F],
    width: usize,
    b: Blocking,
    scale: &[F],
    fwd: &DifTwiddles<F>,
) {
    strips(dst, width, b).into_par_iter().enumerate().for_each(|(q, mut strip)| {
        gather_scaled_strip(&mut strip, coeffs, width, q, b, scale);
        dif_strip(&mut strip, width, q, b, fwd);
    });
}

/// A buffer of `len` zeros, filled by every core: on a VM each fresh 4 KiB page costs a
/// microsecond or more to fault in, and a single-threaded fill of a trace-sized buffer costs
/// as much as an NTT over it.
fn zeroed<F: Field>(len: usize) -> Vec<F> {
    (0..len).into_par_iter().map(|_| F::ZERO).collect()
}

/// `shift^i / n` for `i < n`.
fn scale_table<F: Field>(shift: F, log_n: usize) -> Vec<F> {
    let n_inv = F::from_usize(1 << log_n).inverse();
    let mut s = powers(shift, 1 << log_n);
    s.par_iter_mut().for_each(|x| *x *= n_inv);
    s
}

/// `shift_j^i / n` for every coset `j` of the LDE on `shift·K`, in the order the
/// bit-reversed LDE lays the cosets out.
fn coset_scales<F: TwoAdicField>(shift: F, log_n: usize, log_blowup: usize) -> CosetScales<F> {
    (0..1usize << log_blowup).map(|j| scale_table(coset_shift(shift, j, log_blowup, log_n), log_n)).collect()
}

/// The coset LDE of `trace` with rows in bit-reversed order (what Plonky3 commits), computed
/// by the same strips and blocks as [`CpuCommitter::commit`]: `2^log_blowup · n` rows, on the
/// coset of the field's generator.
pub fn coset_lde_bitrev<F: TraceField>(trace: &RowMajor<F>, log_blowup: usize) -> Result<RowMajor<F>, CommitError> {
    let (width, rows) = (trace.width(), trace.height());
    let log_n = check_shape(F::ID, rows, width, log_blowup)?;
    let values = trace.values().par_iter().copied().collect();
    let (inv, fwd) = (DifTwiddles::new(log_n, true), DifTwiddles::new(log_n, false));
    let out = coset_lde_bitrev_owned(values, width, log_blowup, F::GENERATOR, (&inv, &fwd), &mut zeroed(rows * width));
    Ok(RowMajor::new(out, width).expect("whole rows"))
}

/// The coset LDE on `shift·K` (`|K| = 2^log_blowup · n`) of the `n = 2^inv.log_n()` rows of
/// `width` columns in `values`, rows in bit-reversed order. `inv` and `fwd` are the size-`n`
/// inverse and forward twiddles (a caller that extends many traces of one shape keeps them).
/// The shape must have been checked (see [`check_shape`]): `values` holds exactly
/// `width · n` elements and `log_n + log_blowup` is within the two-adicity.
///
/// `values` is consumed and grown into the output, so only `(B − 1)·n·w` fresh elements are
/// allocated (on a VM every fresh page costs a fault, which at these sizes is as much as a
/// stage of the NTT). Its first `n·w` hold the coefficients until the last coset is done, so
/// the coset stored first is built in the first `n·w` elements of `scratch` (a caller that
/// keeps it across calls, in a [`BufferPool`], pays its faults once) and copied home.
pub fn coset_lde_bitrev_owned<F: TraceField>(
    mut values: Vec<F>,
    width: usize,
    log_blowup: usize,
    shift: F,
    (inv, fwd): (&DifTwiddles<F>, &DifTwiddles<F>),
    scratch: &mut [F],
) -> Vec<F> {
    let log_n = inv.log_n();
    let n_w = width << log_n;
    dif_batch(&mut values, width, inv);
    let b = Blocking::for_rows(log_n, width * size_of::<F>());
    let scales = coset_scales(shift, log_n, log_blowup);
    // Fault the new pages in on every core, as `zeroed` does.
    values.par_extend(rayon::iter::repeat_n(F::ZERO, n_w * ((1 << log_blowup) - 1)));
    let coset = |dst: &mut [F], coeffs: &[F], scale: &[F]| {
        coset_strips(dst, coeffs, width, b, scale, fwd);
        dst.par_chunks_mut(width << b.log_n2).for_each(|block| dif_block(block, width, b, fwd));
    };
    let (coeffs, rest) = values.split_at_mut(n_w);
    for (dst, scale) in rest.chunks_mut(n_w).zip(&scales[1..]) {
        coset(dst, coeffs, scale);
    }
    let first = &mut scratch[..n_w];
    coset(first, coeffs, &scales[0]);
    coeffs.par_chunks_mut(width << b.log_n2).zip(first.par_chunks(width << b.log_n2)).for_each(|(to, from)| {
        to.copy_from_slice(from);
    });
    values
}

/// Trace-sized buffers returned after use, to be taken again: a fresh one costs a page fault
/// per 4 KiB on first touch, as much as a sizeable fraction of the NTTs that fill it. Old
/// contents are left in place: every user overwrites what it reads.
pub struct BufferPool<F> {
    spare: Mutex<Vec<Vec<F>>>,
}

impl<F> Default for BufferPool<F> {
    fn default() -> Self {
        Self { spare: Mutex::default() }
    }
}

impl<F: Field> BufferPool<F> {
    /// A buffer of `len` elements: a spare one if it is long enough, else a new one.
    pub fn take(&self, len: usize) -> Vec<F> {
        let spare = self.spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match spare {
            Some(mut b) if b.len() >= len => {
                b.truncate(len);
                b
            }
            _ => zeroed(len),
        }
    }

    /// Returns `b` for a later [`Self::take`].
    pub fn give(&self, b: Vec<F>) {
        let mut pool = self.spare.lock().unwrap_or_else(|e| e.into_inner());
        // One spare per concurrent user is enough; keep the largest.
        pool.push(b);
        pool.sort_by_key(|b| std::cmp::Reverse(b.len()));
        pool.truncate(2);
    }
}

/// Shared read-only tables by the shape they were made for.
type TableCache<K, T> = HashMap<K, Arc<T>>;

/// One `shift_j^i / n` table per coset `j`.
type CosetScales<F> = Vec<Vec<F>>;

/// Tables and buffers a commitment needs, kept across commitments: a prover commits shard
/// after shard of the same shape, and rebuilding the twiddles or page-faulting a fresh
/// trace-sized coset buffer each time costs as much as a sizeable fraction of the NTTs.
/// The card works the same way, from fixed buffers in its own memory.
///
/// A committer is shared between threads; concurrent commitments each take their own buffer.
pub struct CpuCommitter<F> {
    /// Forward and inverse twiddles per `(log_n, inverse)`.
    twiddles: TwiddleCache<F>,
    /// `shift_j^i / n` per `(log_n, log_blowup)`, one table per coset.
    scales: Mutex<TableCache<(usize, usize), CosetScales<F>>>,
    /// Coset buffers returned by finished commitments.
    buffers: BufferPool<F>,
}

impl<F: TraceField> Default for CpuCommitter<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: TraceField> CpuCommitter<F> {
    /// An empty committer: tables and buffers are made on first use.
    pub fn new() -> Self {
        Self { twiddles: TwiddleCache::default(), scales: Mutex::default(), buffers: BufferPool::default() }
    }

    fn scales(&self, log_n: usize, log_blowup: usize) -> Arc<Vec<Vec<F>>> {
        let mut cache = self.scales.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((log_n, log_blowup))
            .or_insert_with(|| Arc::new(coset_scales(F::GENERATOR, log_n, log_blowup)))
            .clone()
    }

    /// The fused commitment of `trace` with the sponge `(W, R, D)` over `perm`. `progress` is
    /// called with the number of LDE rows hashed so far. Returns the root, the stage timings
    /// and the bytes of the largest buffers alive at once.
    pub fn commit<P, const W: usize, const R: usize, const D: usize>(
        &self,
        perm: &P,
        trace: RowMajor<F>,
        log_blowup: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<([F; D], CommitTimings, u64), CommitError>
    where
        P: LanePermutation<F, W>,
    {
        let start = Instant::now();
        let (width, rows) = (trace.width(), trace.height());
        let log_n = check_shape(F::ID, rows, width, log_blowup)?;
        let mut coeffs = trace.into_values();

        dif_batch(&mut coeffs, width, &self.twiddles.get(log_n, true));
        let idft_wall = start.elapsed();

        let fused_start = Instant::now();
        let b = Blocking::for_rows(log_n, width * size_of::<F>());
        let fwd = self.twiddles.get(log_n, false);
        let scales = self.scales(log_n, log_blowup);
        let mut dst = self.buffers.take(rows * width);
        let clock = StageClock::default();
        let hashed = AtomicU64::new(0);
        let mut subroots: Vec<[F; D]> = Vec::with_capacity(1 << (b.log_n1() + log_blowup));
        for scale in scales.iter() {
            StageClock::time(&clock.lde, || coset_strips(&mut dst, &coeffs, width, b, scale, &fwd));
            // Each block runs its last stages in a per-thread copy: the coset buffer is only
            // read here, so its lines leave the cache clean instead of being written back to
            // memory for nothing (the LDE itself is never needed, only its hashes).
            let coset_roots: Vec<[F; D]> = dst
                .par_chunks(width << b.log_n2)
                .map_init(Vec::new, |local: &mut Vec<F>, block| {
                    StageClock::time(&clock.lde, || {
                        local.clear();
                        local.extend_from_slice(block);
                        dif_block(local, width, b, &fwd);
                    });
                    let block = local.as_slice();
                    let mut leaves = vec![[F::ZERO; D]; 1 << b.log_n2];
                    StageClock::time(&clock.hash, || hash_rows::<F, P, W, R, D>(perm, block, width, &mut leaves));
                    let root = StageClock::time(&clock.tree, || root_of::<F, P, W, D>(perm, leaves));
                    progress(hashed.fetch_add(1 << b.log_n2, Ordering::Relaxed) + (1 << b.log_n2));
                    root
                })
                .collect();
            subroots.extend(coset_roots);
        }
        self.buffers.give(dst);
        let fused_wall = fused_start.elapsed();

        let top_start = Instant::now();
        let root = root_of::<F, P, W, D>(perm, subroots);
        let top_wall = top_start.elapsed();

        let (l, h, t) = (clock.lde.into_inner() as f64, clock.hash.into_inner() as f64, clock.tree.into_inner() as f64);
        let share = |x: f64| fused_wall.mul_f64(if l + h + t > 0.0 { x / (l + h + t) } else { 0.0 });
        let timings = CommitTimings {
            lde: idft_wall + share(l),
            leaf_hash: share(h),
            tree: share(t) + top_wall,
            total: start.elapsed(),
        };
        let elem = size_of::<F>() as u64;
        // Trace (becoming the coefficients), one coset buffer, twiddles (2n), scales (B·n).
        let working_set = (2 * (rows * width) as u64 + ((2 + (1u64 << log_blowup)) * rows as u64)) * elem;
        Ok((root, timings, working_set))
    }
}

/// A field with the standard Poseidon2 Merkle configuration, committed on the CPU.
pub trait CpuCommit: TraceField {
    /// The fused commitment of `trace` with blowup `2^log_blowup`, reusing `committer`'s
    /// tables and buffers.
    fn commit_cpu_with(
        committer: &CpuCommitter<Self>,
        trace: RowMajor<Self>,
        log_blowup: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<CommitOutput, CommitError>;

    /// A one-off fused commitment (tables and buffers made for it alone).
    fn commit_cpu(
        trace: RowMajor<Self>,
        log_blowup: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<CommitOutput, CommitError> {
        Self::commit_cpu_with(&CpuCommitter::new(), trace, log_blowup, progress)
    }
}

macro_rules! cpu_commit {
    ($F:ty, $perm:expr, $W:literal, $R:literal, $D:literal) => {
        impl CpuCommit for $F {
            fn commit_cpu_with(
                committer: &CpuCommitter<Self>,
                trace: RowMajor<Self>,
                log_blowup: usize,
                progress: &(dyn Fn(u64) + Sync),
            ) -> Result<CommitOutput, CommitError> {
                let perm = $perm;
                let (root, timings, working_set_bytes) =
                    committer.commit::<_, $W, $R, $D>(&perm, trace, log_blowup, progress)?;
                Ok(CommitOutput { root: root.iter().map(|x| x.canonical()).collect(), timings, working_set_bytes })
            }
        }
    };
}

cpu_commit!(BabyBear, default_babybear_poseidon2_16(), 16, 8, 8);
cpu_commit!(KoalaBear, default_koalabear_poseidon2_16(), 16, 8, 8);
cpu_commit!(Goldilocks, default_goldilocks_poseidon2_8(), 8, 4, 4);
