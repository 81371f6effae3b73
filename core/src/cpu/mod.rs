//! The fast CPU kernels: the fallback users run most, and the schedule the card mirrors.
//!
//! They compute exactly what [`crate::golden`] specifies (tests check it bit for bit) but are
//! built for speed: Plonky3's SIMD field types and packed Poseidon2, rayon across cores, and a
//! fused, cache-blocked schedule ([`commit`]) in which each block of LDE rows is hashed while
//! it is still in L2 instead of being written out as a whole LDE first.

pub mod commit;
pub mod merkle;
pub mod msm;
pub mod ntt;

pub use commit::{
    BufferPool, CommitError, CommitOutput, CommitTimings, CpuCommit, CpuCommitter, check_shape, coset_lde_bitrev,
    coset_lde_bitrev_owned,
};
