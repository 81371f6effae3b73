//! # slotproof-core: the math and the data
//!
//! Everything else in slotproof stands on this crate:
//! - [`curve`]: the two pairing curves whose G1 the MSM serves (BN254, BLS12-381);
//! - [`field`]: the three STARK fields (BabyBear, KoalaBear, Goldilocks) as a runtime tag and
//!   a trait over Plonky3's field types;
//! - [`matrix`]: the row-major matrix a trace is;
//! - [`msm_files`]: MSM points and scalars on disk (arkworks' encoding), checked on reading;
//! - [`trace`]: `.npy` trace files, memory-mapped and validated before anything is allocated;
//! - [`golden`]: the golden models, the spec every backend and the RTL must match bit for bit,
//!   written plainly over canonical integers in the shape the hardware computes;
//! - [`cpu`]: the fast CPU kernels (the fallback users run most), checked against [`golden`].
//!
//! The commitment is Plonky3-compatible: `coset_lde_batch` with shift = the field's
//! generator, then a Poseidon2 Merkle tree over the LDE rows in bit-reversed order, which is
//! exactly the trace commitment inside a Plonky3 `TwoAdicFriPcs` proof.

pub mod cpu;
pub mod curve;
pub mod field;
pub mod golden;
pub mod matrix;
pub mod msm_files;
pub mod msm_layout;
pub mod sample;
pub mod trace;

pub use curve::{CurveId, MsmCurve, MsmError};
pub use field::{FieldId, TraceField};
pub use matrix::RowMajor;
