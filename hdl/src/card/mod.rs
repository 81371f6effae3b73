//! # The card top level: what sits between the XDMA IP and the kernels
//!
//! The XDMA IP gives the card two things, streams of DMA data and a user BAR that the host
//! reads and writes word by word. The card top turns the user BAR into the register block of
//! `slotproof_firmware::regs` and hands doorbelled commands to a command processor that runs
//! them on the kernels of this crate, generating every register offset, opcode, region and
//! error code from the firmware ABI rather than copying them. Its blocks, as they are built:
//!
//! - [`regs_axil`]: the AXI4-Lite register block, with the semantics of the device model's
//!   `RegisterFile`;
//! - [`command_decoder`]: the command processor's first stage, deciding from the latched
//!   descriptor alone whether the card will run it (decode, sequence, capabilities);
//! - [`shape_checker`]: its second stage, refusing a shape the bitstream's limits or the
//!   field cannot hold before any card memory is read;
//! - [`operand_checker`]: its third, sizing every memory operand and refusing a range
//!   outside the regions its opcode may touch;
//! - [`admission`]: the three side by side, one verdict per descriptor;
//! - [`top`]: the register block and admission wired into the card's top level, built
//!   only for a card that admits nothing until a datapath exists (a bring-up image).
//!
//! The command processor's execution engines (the reader and the pass are masters on the
//! card-memory AXI4 port):
//!
//! - [`word_reader`]: a run of consecutive words from card memory, how every operand is read
//!   (through [`payload_crc`], the ABI checksum at one word per cycle, before anything is
//!   computed from it);
//! - [`hash_pass`]: a pass of independent Poseidon2 permutations from memory (and the LDE
//!   unit's rows, `crate::ntt::LdeUnit`) to memory: the leaf sponge's absorb passes over the
//!   states at `AUX`, and each layer of the tree after the leaves;
//! - [`lane_writer`]: one lane of the LDE unit's output to card memory as a strided run, the
//!   store of the four-step schedule (`crate::ntt::four_step`) for columns taller than the unit;
//! - [`TwiddleCheck`] ([`table_check`]): whether a `LOAD_TWIDDLES` payload is exactly the
//!   powers of the field's `2^log_n`-th root of unity, word by word as the card reads it
//!   (one Montgomery multiplier, no table);
//! - [`ConstantsCheck`] ([`table_check`]): whether a `LOAD_CONSTANTS` payload is exactly
//!   the field's Poseidon2 round constants in the device model's order (a ROM).

pub mod admission;
pub mod command_decoder;
pub mod exec_top;
pub mod executor;
pub mod hash_pass;
pub mod lane_writer;
pub mod operand_checker;
pub mod payload_crc;
pub mod regs_axil;
pub mod shape_checker;
pub mod table_check;
pub mod top;
pub mod word_reader;

pub use admission::{Admission, AdmissionConfig};
pub use command_decoder::CommandDecoder;
pub use exec_top::{ExecCardTop, ExecCardTopError};
pub use executor::{CommitCycles, ExecState, Executor, ExecutorError};
pub use hash_pass::{HashPass, PassShape};
pub use lane_writer::LaneWriter;
pub use operand_checker::OperandChecker;
pub use payload_crc::PayloadCrc;
pub use regs_axil::CardRegs;
pub use shape_checker::{Limits, ShapeChecker};
pub use table_check::{ConstantsCheck, TwiddleCheck};
pub use top::{CardTop, CardTopConfig, CardTopError};
pub use word_reader::WordReader;

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
