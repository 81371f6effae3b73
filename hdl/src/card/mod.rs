//! The card top level: what sits between the XDMA IP and the kernels.
//!
//! The XDMA IP gives the card two things, streams of DMA data and a user BAR that the host
//! reads and writes word by word. The card top turns the user BAR into the register block
//! of `slotproof_firmware::regs` and hands doorbelled commands to a command processor that
//! runs them on the kernels of this crate. This module holds its blocks as they are built:
//!
//! - [`regs_axil`]: the AXI4-Lite register block, generated from the firmware ABI (every
//!   offset, field position and identity value comes from the ABI tables at construction,
//!   none is typed here), with the semantics of the device model's `RegisterFile`.

pub mod regs_axil;

pub use regs_axil::CardRegs;
