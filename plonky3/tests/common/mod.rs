//! Helpers the Plonky3 adapter tests share.

use p3_field::PrimeField64;
use p3_matrix::dense::RowMajorMatrix;
use slotproof_core::sample::SplitMix64;

/// A `height × width` matrix of uniformly random field elements.
pub fn random_matrix<F: PrimeField64>(rng: &mut SplitMix64, height: usize, width: usize) -> RowMajorMatrix<F> {
    let values = (0..height * width).map(|_| F::from_u64(rng.next_u64() % F::ORDER_U64)).collect();
    RowMajorMatrix::new(values, width)
}

/// `t` as the bytes a proof travels in.
pub fn bytes<T: serde::Serialize>(t: &T) -> Vec<u8> {
    postcard::to_allocvec(t).expect("serialises")
}
