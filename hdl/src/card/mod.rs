//! # The card top level: what sits behind the XDMA IP
//!
//! The kernels in the other modules compute; this module makes them a card the host driver
//! can talk to through the ABI of `slotproof_firmware`, generating every register offset,
//! opcode and error code from that crate rather than copying them.
//!
//! - [`command_decoder`]: the command processor's first stage, deciding from the latched
//!   descriptor alone whether the card will run it (decode, sequence, capabilities);
//! - [`shape_checker`]: its second stage, refusing a shape the bitstream's limits or the
//!   field cannot hold before any card memory is read;
//! - [`operand_checker`]: its third, sizing every memory operand and refusing a range
//!   outside the regions its opcode may touch.

pub mod command_decoder;
pub mod operand_checker;
pub mod shape_checker;

pub use command_decoder::CommandDecoder;
pub use operand_checker::OperandChecker;
pub use shape_checker::{Limits, ShapeChecker};

use slotproof_core::FieldId;
use slotproof_firmware::Field;

/// The core field of an ABI field code.
pub fn field_id(f: Field) -> FieldId {
    match f {
        Field::BabyBear => FieldId::BabyBear,
        Field::KoalaBear => FieldId::KoalaBear,
        Field::Goldilocks => FieldId::Goldilocks,
    }
}
