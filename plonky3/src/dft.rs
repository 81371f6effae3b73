//! [`SlotproofDft`]: Plonky3's `TwoAdicSubgroupDft` on slotproof's cache-blocked NTT.
//!
//! Plonky3 needs one required method, `dft_batch`, and derives the rest (inverse, coset,
//! LDE) from it. Two are worth doing ourselves:
//!
//! - `dft_batch` runs slotproof's DIF network ([`dif_batch`]) in place. A DIF network leaves
//!   its output in bit-reversed row order, and Plonky3's `Evaluations` type is allowed to be a
//!   bit-reversed view of its storage (`Radix2DitParallel` returns the same), so no row is
//!   moved.
//! - `coset_lde_batch` runs the strips-and-blocks LDE the fused commit uses
//!   ([`coset_lde_bitrev_owned`]): the inverse DFT in place on the trace it is handed, then
//!   each coset of the extension gathered straight from the bit-reversed coefficients, into
//!   the trace's own allocation grown to the LDE's size. The
//!   storage it returns is the LDE in bit-reversed row order, which is exactly what
//!   `TwoAdicFriPcs::commit` hashes (`coset_lde_batch(..).bit_reverse_rows()` is a plain
//!   row-major matrix again, no copy).
//!
//! Twiddles are kept per size across calls and shared by clones, as a prover calls the DFT
//! for every trace and quotient commitment of one shape.
//!
//! Plonky3's trait has no error channel: a height that is not a power of two, or an LDE
//! larger than the field's two-adic subgroup, panics here with a message naming the shape,
//! as it does in Plonky3's own implementations.

use std::fmt;
use std::sync::Arc;

use p3_dft::TwoAdicSubgroupDft;
use p3_matrix::Matrix;
use p3_matrix::bitrev::{BitReversalPerm, BitReversedMatrixView};
use p3_matrix::dense::RowMajorMatrix;
use slotproof_core::TraceField;
use slotproof_core::cpu::ntt::{TwiddleCache, dif_batch};
use slotproof_core::cpu::{BufferPool, check_shape, coset_lde_bitrev_owned};

/// slotproof's NTT behind Plonky3's `TwoAdicSubgroupDft`, for BabyBear, KoalaBear and
/// Goldilocks. Clones share one twiddle cache and one pool of LDE scratch buffers.
pub struct SlotproofDft<F> {
    twiddles: Arc<TwiddleCache<F>>,
    /// Trace-sized buffers in which an LDE builds its first coset, returned after each call:
    /// their pages are faulted in once per prover, not once per commitment.
    scratch: Arc<BufferPool<F>>,
}

impl<F> Clone for SlotproofDft<F> {
    fn clone(&self) -> Self {
        Self { twiddles: self.twiddles.clone(), scratch: self.scratch.clone() }
    }
}

impl<F> Default for SlotproofDft<F> {
    fn default() -> Self {
        Self { twiddles: Arc::default(), scratch: Arc::default() }
    }
}

impl<F> fmt::Debug for SlotproofDft<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlotproofDft").finish_non_exhaustive()
    }
}

impl<F: TraceField> SlotproofDft<F> {
    /// log2 of `mat`'s height, which must be a power of two whose LDE by `added_bits` fits the
    /// field's two-adic subgroup.
    fn log_height(mat: &RowMajorMatrix<F>, added_bits: usize) -> usize {
        let (rows, cols) = (mat.height(), mat.width());
        match check_shape(F::ID, rows, cols, added_bits) {
            Ok(log_n) => log_n,
            Err(e) => panic!("SlotproofDft on a {rows} × {cols} {} matrix: {e}", F::ID),
        }
    }
}

impl<F: TraceField> TwoAdicSubgroupDft<F> for SlotproofDft<F> {
    type Evaluations = BitReversedMatrixView<RowMajorMatrix<F>>;

    fn dft_batch(&self, mat: RowMajorMatrix<F>) -> Self::Evaluations {
        let log_n = Self::log_height(&mat, 0);
        let width = mat.width();
        let mut values = mat.values;
        dif_batch(&mut values, width, &self.twiddles.get(log_n, false));
        BitReversalPerm::new_view(RowMajorMatrix::new(values, width))
    }

    fn coset_lde_batch(&self, mat: RowMajorMatrix<F>, added_bits: usize, shift: F) -> Self::Evaluations {
        let log_n = Self::log_height(&mat, added_bits);
        let width = mat.width();
        let (inv, fwd) = (self.twiddles.get(log_n, true), self.twiddles.get(log_n, false));
        let mut scratch = self.scratch.take(width << log_n);
        let values = coset_lde_bitrev_owned(mat.values, width, added_bits, shift, (&inv, &fwd), &mut scratch);
        self.scratch.give(scratch);
        BitReversalPerm::new_view(RowMajorMatrix::new(values, width))
    }
}
