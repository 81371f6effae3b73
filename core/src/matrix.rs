//! A dense row-major matrix: a trace is `height` rows of `width` elements of one field.
//!
//! It is deliberately small: the golden models use it over plain canonical `u64`s and the CPU
//! kernels over Plonky3 field types. It converts to and from Plonky3's `RowMajorMatrix`
//! without copying (both are a `Vec` plus a width).

/// `height × width` values stored row after row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowMajor<T> {
    values: Vec<T>,
    width: usize,
}

/// A matrix whose values do not fill whole rows of the stated width.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{len} values do not make whole rows of width {width}")]
pub struct ShapeMismatch {
    /// Number of values given.
    pub len: usize,
    /// Requested width.
    pub width: usize,
}

impl<T> RowMajor<T> {
    /// Wraps `values` as rows of `width`. The width must be non-zero and divide the length.
    pub fn new(values: Vec<T>, width: usize) -> Result<Self, ShapeMismatch> {
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(ShapeMismatch { len: values.len(), width });
        }
        Ok(Self { values, width })
    }

    /// Builds a matrix from a function of (row, column).
    pub fn from_fn(height: usize, width: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        assert!(width > 0, "matrix width must be non-zero");
        let mut values = Vec::with_capacity(height * width);
        for r in 0..height {
            for c in 0..width {
                values.push(f(r, c));
            }
        }
        Self { values, width }
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.values.len() / self.width
    }

    /// Row `r` as a slice.
    pub fn row(&self, r: usize) -> &[T] {
        &self.values[r * self.width..(r + 1) * self.width]
    }

    /// Row `r` as a mutable slice.
    pub fn row_mut(&mut self, r: usize) -> &mut [T] {
        &mut self.values[r * self.width..(r + 1) * self.width]
    }

    /// Iterates over the rows.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[T]> {
        self.values.chunks_exact(self.width)
    }

    /// All values, row after row.
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// All values, mutably.
    pub fn values_mut(&mut self) -> &mut [T] {
        &mut self.values
    }

    /// Gives the values back.
    pub fn into_values(self) -> Vec<T> {
        self.values
    }

    /// Applies `f` to every value.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> RowMajor<U> {
        RowMajor { values: self.values.iter().map(f).collect(), width: self.width }
    }
}

impl<T: Clone> RowMajor<T> {
    /// Column `c`, top to bottom.
    pub fn column(&self, c: usize) -> Vec<T> {
        self.rows().map(|r| r[c].clone()).collect()
    }

    /// Builds a matrix from columns of equal length.
    pub fn from_columns(cols: &[Vec<T>]) -> Self {
        let width = cols.len();
        let height = cols.first().map_or(0, Vec::len);
        assert!(cols.iter().all(|c| c.len() == height), "columns of unequal length");
        Self::from_fn(height, width, |r, c| cols[c][r].clone())
    }
}

impl<T: Clone + Send + Sync> From<RowMajor<T>> for p3_matrix::dense::RowMajorMatrix<T> {
    fn from(m: RowMajor<T>) -> Self {
        p3_matrix::dense::RowMajorMatrix::new(m.values, m.width)
    }
}

impl<T: Clone + Send + Sync> From<p3_matrix::dense::RowMajorMatrix<T>> for RowMajor<T> {
    fn from(m: p3_matrix::dense::RowMajorMatrix<T>) -> Self {
        RowMajor { width: m.width, values: m.values }
    }
}

/// Reverses the low `bits` bits of `i`.
#[inline]
pub fn reverse_bits(i: usize, bits: usize) -> usize {
    if bits == 0 { 0 } else { i.reverse_bits() >> (usize::BITS as usize - bits) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_checked() {
        assert!(RowMajor::new(vec![1, 2, 3], 2).is_err());
        assert!(RowMajor::<u8>::new(vec![], 0).is_err());
        let m = RowMajor::new(vec![1, 2, 3, 4, 5, 6], 3).unwrap();
        assert_eq!(m.height(), 2);
        assert_eq!(m.row(1), &[4, 5, 6]);
        assert_eq!(m.column(2), vec![3, 6]);
        assert_eq!(RowMajor::from_columns(&[m.column(0), m.column(1), m.column(2)]), m);
    }

    #[test]
    fn bit_reversal() {
        assert_eq!(reverse_bits(0b001, 3), 0b100);
        assert_eq!(reverse_bits(0b110, 3), 0b011);
        assert_eq!(reverse_bits(5, 0), 0);
    }
}
