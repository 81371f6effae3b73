//! A small AIR to prove through slotproof: interleaved Fibonacci sequences.
//!
//! It is the workload of the byte-identity tests, the example and the prove-time bench: any
//! width (two columns per sequence), any power-of-two height, degree-2 constraints, public
//! starting values (so that a verifier can be handed a wrong one).

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeField64;
use p3_matrix::dense::RowMajorMatrix;

/// `pairs` Fibonacci sequences side by side: columns `2k, 2k + 1` hold `(a_i, a_{i+1})` of
/// sequence `k`, which starts from public values `2k, 2k + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FibonacciAir {
    /// Sequences (the trace has twice as many columns).
    pub pairs: usize,
}

impl<F> BaseAir<F> for FibonacciAir {
    fn width(&self) -> usize {
        2 * self.pairs
    }

    fn num_public_values(&self) -> usize {
        2 * self.pairs
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        // Degree-1 differences under degree-1 row selectors.
        Some(2)
    }
}

impl<AB: AirBuilder> Air<AB> for FibonacciAir {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let pis: Vec<AB::PublicVar> = builder.public_values().to_vec();
        let (local, next) = (main.current_slice().to_vec(), main.next_slice().to_vec());
        for k in 0..self.pairs {
            let (l, r) = (local[2 * k], local[2 * k + 1]);
            let (nl, nr) = (next[2 * k], next[2 * k + 1]);
            builder.when_first_row().assert_eq(l, pis[2 * k]);
            builder.when_first_row().assert_eq(r, pis[2 * k + 1]);
            builder.when_transition().assert_eq(r, nl);
            builder.when_transition().assert_eq(l + r, nr);
        }
    }
}

impl FibonacciAir {
    /// The trace of `rows` rows from `starts` (one `(a_0, a_1)` per sequence) and its public
    /// values.
    pub fn trace<F: PrimeField64>(starts: &[(u64, u64)], rows: usize) -> (RowMajorMatrix<F>, Vec<F>) {
        let width = 2 * starts.len();
        let mut values = F::zero_vec(rows * width);
        for (k, &(a, b)) in starts.iter().enumerate() {
            let (mut l, mut r) = (F::from_u64(a), F::from_u64(b));
            for row in values.chunks_exact_mut(width) {
                row[2 * k] = l;
                row[2 * k + 1] = r;
                (l, r) = (r, l + r);
            }
        }
        let pis = starts.iter().flat_map(|&(a, b)| [F::from_u64(a), F::from_u64(b)]).collect();
        (RowMajorMatrix::new(values, width), pis)
    }
}
