//! Coset low-degree extension of a batch of columns, Plonky3's `coset_lde_batch`.

use super::arith::Fp;
use super::ntt;
use crate::matrix::{RowMajor, reverse_bits};

/// Extends every column of `evals` (evaluations over the subgroup `H` of order `n`) to the
/// evaluations of the same polynomial over `shift·K`, `K` of order `n · 2^log_blowup`, in
/// natural order. `shift` is the field's generator, as Plonky3's `TwoAdicFriPcs` uses.
pub fn coset_lde_batch(f: Fp, evals: &RowMajor<u64>, log_blowup: usize) -> RowMajor<u64> {
    let n = evals.height();
    assert!(n.is_power_of_two(), "height {n} is not a power of two");
    let big_n = n << log_blowup;
    let cols: Vec<Vec<u64>> = (0..evals.width())
        .map(|c| {
            let mut coeffs = ntt::idft(f, &evals.column(c));
            coeffs.resize(big_n, 0);
            ntt::coset_dft(f, &coeffs, f.generator())
        })
        .collect();
    RowMajor::from_columns(&cols)
}

/// The rows of `m` in bit-reversed order: the order Plonky3 commits LDE rows in.
pub fn bit_reverse_rows<T: Clone>(m: &RowMajor<T>) -> RowMajor<T> {
    let bits = m.height().trailing_zeros() as usize;
    RowMajor::from_fn(m.height(), m.width(), |r, c| m.row(reverse_bits(r, bits))[c].clone())
}
