//! Poseidon2 datapaths. Inside the permutation every lane is kept in Montgomery form
//! (`x·2^32 mod p`): a Montgomery product of two Montgomery forms is the Montgomery form of the
//! product, so the S-box is a chain of [`crate::field::MontMul31`]s with no conversions, and
//! the linear layers are additions (and, for the internal diagonal, shifts).

pub mod sbox;
pub mod sbox_stream;

pub use sbox::Sbox31;
pub use sbox_stream::Sbox31Stream;
