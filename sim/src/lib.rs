//! # slotproof-sim: the card without the card
//!
//! The device model is the card as the host sees it: a register block, card memory and the
//! commands of the ABI in `slotproof-firmware`, with functional results from the CPU
//! kernels of `slotproof-core` (bit-identical to Plonky3), a timing model from the RTL's
//! pipeline parameters, and fault injection for every failure the host must survive.
//!
//! - [`device`]: the model itself. [`device::SimCard`] is the in-process card the host's
//!   in-process transport wraps; [`device::RegisterFile`], [`device::Executor`] and
//!   [`device::CardMemory`] are usable on their own, for a servicer thread that runs the
//!   same card behind an emulated XDMA device directory.

pub mod device;
pub mod plan;

pub use device::{
    CardConfig, CardMemory, Completion, Executor, FaultKind, FaultPlan, MemError, RegisterFile, SimCard, SparseMemory,
    Timeline, Timing, TransferFault,
};
