//! Radix-2 number-theoretic transforms, written as the streaming hardware computes them.
//!
//! The core is the decimation-in-frequency network [`dif_bitrev`]: natural-order input,
//! bit-reversed output, one butterfly `(a, b) -> (a + b, (a − b)·ω^j)` per pair per stage.
//! A pipelined NTT emits its results in exactly that order, and the Merkle tree wants the
//! LDE rows in exactly that order too, so no reordering stage is ever needed on the card.

use super::arith::Fp;
use crate::matrix::reverse_bits;

/// In place: `a` (natural order, length 2^k) becomes its DFT under `omega` (a primitive
/// 2^k-th root of unity), in bit-reversed order: `a[bitrev(j)] = Σ_i a_i · ω^(i·j)`.
pub fn dif_bitrev(f: Fp, a: &mut [u64], omega: u64) {
    let n = a.len();
    assert!(n.is_power_of_two(), "NTT length {n} is not a power of two");
    let mut half = n / 2;
    // Stage s pairs elements `half` apart; its twiddles are powers of the 2·half-th root.
    let mut w_stage = omega;
    while half >= 1 {
        for block in (0..n).step_by(2 * half) {
            let mut w = 1u64;
            for j in 0..half {
                let (x, y) = (a[block + j], a[block + j + half]);
                a[block + j] = f.add(x, y);
                a[block + j + half] = f.mul(f.sub(x, y), w);
                w = f.mul(w, w_stage);
            }
        }
        w_stage = f.mul(w_stage, w_stage);
        half /= 2;
    }
}

/// Permutes `a` into bit-reversed index order (an involution).
pub fn bit_reverse_permute<T>(a: &mut [T]) {
    let n = a.len();
    let bits = n.trailing_zeros() as usize;
    for i in 0..n {
        let j = reverse_bits(i, bits);
        if i < j {
            a.swap(i, j);
        }
    }
}

/// The DFT in natural order: evaluations of the polynomial with coefficients `coeffs` at
/// `ω^0, ω^1, …` with ω = the field's primitive `len`-th root of unity.
pub fn dft(f: Fp, coeffs: &[u64]) -> Vec<u64> {
    let mut a = coeffs.to_vec();
    let log_n = a.len().trailing_zeros() as usize;
    dif_bitrev(f, &mut a, f.two_adic_root(log_n));
    bit_reverse_permute(&mut a);
    a
}

/// The inverse DFT: coefficients from evaluations at `ω^0, ω^1, …` (natural order both ways).
pub fn idft(f: Fp, evals: &[u64]) -> Vec<u64> {
    let mut a = evals.to_vec();
    let log_n = a.len().trailing_zeros() as usize;
    dif_bitrev(f, &mut a, f.inv(f.two_adic_root(log_n)));
    bit_reverse_permute(&mut a);
    let n_inv = f.inv(a.len() as u64 % f.p);
    a.iter().map(|&x| f.mul(x, n_inv)).collect()
}

/// Evaluations at `shift·ω^i` of the polynomial with coefficients `coeffs` (natural order).
pub fn coset_dft(f: Fp, coeffs: &[u64], shift: u64) -> Vec<u64> {
    dft(f, &scale_by_powers(f, coeffs, shift))
}

/// Coefficients from evaluations at `shift·ω^i` (natural order both ways).
pub fn coset_idft(f: Fp, evals: &[u64], shift: u64) -> Vec<u64> {
    scale_by_powers(f, &idft(f, evals), f.inv(shift))
}

/// `a_i · s^i`: moves a polynomial's evaluation domain from `H` to `s·H`.
pub fn scale_by_powers(f: Fp, a: &[u64], s: u64) -> Vec<u64> {
    let mut p = 1u64;
    a.iter()
        .map(|&x| {
            let y = f.mul(x, p);
            p = f.mul(p, s);
            y
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::FieldId;

    /// The definition, O(n²): the oracle for the oracle.
    fn naive_dft(f: Fp, a: &[u64]) -> Vec<u64> {
        let n = a.len();
        let w = f.two_adic_root(n.trailing_zeros() as usize);
        (0..n).map(|j| (0..n).fold(0, |acc, i| f.add(acc, f.mul(a[i], f.pow(w, (i * j) as u64))))).collect()
    }

    #[test]
    fn dft_matches_definition_and_inverts() {
        for id in FieldId::ALL {
            let f = Fp::new(id);
            for log_n in 0..7 {
                let a: Vec<u64> = (0..1u64 << log_n).map(|i| (i * 0x9e37_79b9 + 7) % f.p).collect();
                let d = dft(f, &a);
                assert_eq!(d, naive_dft(f, &a), "{id} n=2^{log_n}");
                assert_eq!(idft(f, &d), a);
                let s = f.generator();
                assert_eq!(coset_idft(f, &coset_dft(f, &a, s), s), a);
            }
        }
    }

    #[test]
    fn a_wrong_twiddle_is_caught() {
        let f = Fp::new(FieldId::BabyBear);
        let a: Vec<u64> = (0..16).collect();
        let mut b = a.clone();
        dif_bitrev(f, &mut b, f.mul(f.two_adic_root(4), 2));
        bit_reverse_permute(&mut b);
        assert_ne!(b, naive_dft(f, &a));
    }
}
