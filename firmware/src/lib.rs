//! # slotproof-firmware: the card ABI, declared once
//!
//! Everything the host and the card must agree on lives here and nowhere else: the register
//! block of the user BAR ([`regs`]), the command descriptor the host writes into it
//! ([`command`]), where buffers sit in card memory ([`memory_map`]), the error codes the card
//! reports ([`error`]) and the payload checksum both sides compute ([`checksum`]). The host
//! driver programs the card from these definitions, the device model in `sim` implements
//! them, and the card's RTL register block (`slotproof_hdl::card`, the first block of the
//! card top) is generated from them; `slotproof abi --markdown` prints the tables from the
//! same source ([`doc`]).
//!
//! The crate is `no_std` and allocation-free so that the same file can be compiled for a
//! soft-core on the card.
//!
//! A change to any of it bumps [`ABI_VERSION`], which the card reports in
//! [`regs::ABI_VERSION`] and the host checks before sending a single command.
#![no_std]

pub mod checksum;
pub mod command;
pub mod doc;
pub mod error;
pub mod memory_map;
pub mod msm;
pub mod regs;

pub use command::{Command, DecodeError, Field, Flags, Opcode};
pub use error::CardError;

/// The value of [`regs::ID`] on every slotproof card: ASCII "SLPF".
pub const CARD_ID: u32 = 0x534C_5046;

/// The ABI this crate describes. The host refuses a card whose major differs, or whose
/// minor is older than this one (it may lack commands the host sends).
pub const ABI_VERSION: AbiVersion = AbiVersion { major: 1, minor: 1 };

/// An ABI version as the card reports it: major in the high half, minor in the low half.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AbiVersion {
    /// Incompatible changes: a register moved, a descriptor word changed meaning.
    pub major: u16,
    /// Compatible additions: a new opcode or capability bit.
    pub minor: u16,
}

impl AbiVersion {
    /// The register encoding.
    pub const fn to_reg(self) -> u32 {
        ((self.major as u32) << 16) | self.minor as u32
    }

    /// Decodes the register value.
    pub const fn from_reg(v: u32) -> Self {
        Self { major: (v >> 16) as u16, minor: v as u16 }
    }

    /// Whether a host built for `self` can drive a card reporting `card`.
    pub const fn accepts(self, card: AbiVersion) -> bool {
        self.major == card.major && card.minor >= self.minor
    }
}

impl core::fmt::Display for AbiVersion {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}
