//! A trace as the card path reads it: canonical words, row-major, borrowed from the
//! memory-mapped file (or from a generated matrix) without converting it to field types,
//! because the only thing the host does with it is pack column batches for DMA and, for
//! verification, read a few values back.

use std::borrow::Cow;

use rayon::prelude::*;
use slotproof_core::FieldId;

/// The words of a trace: 32-bit for BabyBear and KoalaBear files, 64-bit for Goldilocks
/// files and for generated traces of any field.
#[derive(Clone, Debug)]
pub enum Words<'a> {
    /// `<u4` words.
    U32(Cow<'a, [u32]>),
    /// `<u8` words (or any field's values widened).
    U64(Cow<'a, [u64]>),
}

/// A row-major trace of canonical values (already validated `< p`).
#[derive(Clone, Debug)]
pub struct TraceView<'a> {
    field: FieldId,
    rows: usize,
    cols: usize,
    words: Words<'a>,
}

pub use slotproof_sim::device::executor::abi_field;

impl<'a> TraceView<'a> {
    /// A view of `rows × cols` canonical words. Returns `None` when the word count does not
    /// match the shape.
    pub fn new(field: FieldId, rows: usize, cols: usize, words: Words<'a>) -> Option<Self> {
        let len = match &words {
            Words::U32(w) => w.len(),
            Words::U64(w) => w.len(),
        };
        (rows.checked_mul(cols) == Some(len)).then_some(Self { field, rows, cols, words })
    }

    /// The field.
    pub fn field(&self) -> FieldId {
        self.field
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The value at row `r`, column `c` (canonical).
    pub fn get(&self, r: usize, c: usize) -> u64 {
        let i = r * self.cols + c;
        match &self.words {
            Words::U32(w) => u64::from(w[i]),
            Words::U64(w) => w[i],
        }
    }

    /// Bytes of one element in card memory.
    pub fn elem_bytes(&self) -> usize {
        abi_field(self.field).elem_bytes()
    }

    /// Bytes of a batch of `cols` columns in card memory.
    pub fn batch_bytes(&self, cols: usize) -> usize {
        cols * self.rows * self.elem_bytes()
    }

    /// Packs columns `c0..c1` into `out` as the card wants them: column after column, each
    /// `rows` little-endian elements. `out` must hold [`Self::batch_bytes`]`(c1 − c0)` bytes.
    ///
    /// A transpose: reading one column at a time would touch one element per row-major cache
    /// line and run at memory latency, so the work goes by blocks of rows instead. Each task
    /// reads a block of rows contiguously and writes that block's stretch of every column.
    pub fn pack(&self, c0: usize, c1: usize, out: &mut [u8]) {
        let eb = self.elem_bytes();
        let width = c1 - c0;
        let col_bytes = self.rows * eb;
        // 256 rows: a block's stretch of each column is 1-2 KiB, whole cache lines.
        let block_rows = 256.min(self.rows.max(1));
        let block_bytes = block_rows * eb;
        let mut per_block: Vec<Vec<&mut [u8]>> =
            (0..self.rows.div_ceil(block_rows)).map(|_| Vec::with_capacity(width)).collect();
        for col in out[..width * col_bytes].chunks_mut(col_bytes.max(1)) {
            for (b, stretch) in col.chunks_mut(block_bytes).enumerate() {
                per_block[b].push(stretch);
            }
        }
        per_block.into_par_iter().enumerate().for_each(|(b, mut stretches)| {
            let r0 = b * block_rows;
            for (k, stretch) in stretches.iter_mut().enumerate() {
                for (i, dst) in stretch.chunks_exact_mut(eb).enumerate() {
                    dst.copy_from_slice(&self.get(r0 + i, c0 + k).to_le_bytes()[..eb]);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_is_column_major_little_endian() {
        let words: Vec<u32> = (0..12).collect();
        let v = TraceView::new(FieldId::BabyBear, 4, 3, Words::U32(Cow::Owned(words))).unwrap();
        let mut out = vec![0u8; v.batch_bytes(2)];
        v.pack(1, 3, &mut out);
        let got: Vec<u32> = out.chunks(4).map(|b| u32::from_le_bytes(b.try_into().unwrap())).collect();
        assert_eq!(got, vec![1, 4, 7, 10, 2, 5, 8, 11]);
        assert!(TraceView::new(FieldId::BabyBear, 4, 4, Words::U32(Cow::Owned(vec![0; 12]))).is_none());
        let g = TraceView::new(FieldId::Goldilocks, 2, 1, Words::U64(Cow::Owned(vec![u64::MAX - 5, 7]))).unwrap();
        let mut out = vec![0u8; g.batch_bytes(1)];
        g.pack(0, 1, &mut out);
        assert_eq!(&out[..8], &(u64::MAX - 5).to_le_bytes());
    }
}
