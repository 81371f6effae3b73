//! The user-BAR register block: every register, its offset, access, reset value and bit
//! fields, declared once, in the table at the end of this file.
//!
//! The block is 32 bits wide (the XDMA user BAR is an AXI-Lite master): 64-bit values are
//! split into `_LO`/`_HI` pairs. No register may legitimately read `0xffff_ffff` (see
//! [`crate::checksum`]); the host reads all-ones as "device lost".
//!
//! Protocol, in the order the host drives it:
//! 1. Read [`ID`], [`ABI_VERSION`], [`CAPS`] and [`LIMITS`]; refuse a card that does not fit.
//! 2. Write the 16 descriptor words [`CMD`]`[0..16]` (see [`crate::command`]), then the
//!    command's sequence number to [`DOORBELL`]. The card latches the descriptor, sets
//!    [`STATUS`]`.BUSY` and runs it.
//! 3. On completion the card sets [`COMPLETED_SEQ`], [`STATUS`]`.DONE` (or `.ERROR` with
//!    [`ERROR_CODE`]), the echo registers, and raises event 0 if [`CTRL`]`.IRQ_ENABLE`. Events
//!    coalesce, so the host re-reads [`STATUS`] after every wake, and checks [`HEARTBEAT`]
//!    still moves while it waits (a card whose heartbeat stops is hung).
//! 4. The host clears `DONE`/`ERROR` by writing ones to [`IRQ_STATUS`].

/// How the host may access a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The card drives it; host writes are ignored.
    ReadOnly,
    /// The host writes and may read back.
    ReadWrite,
    /// The host writes; reads return 0.
    WriteOnly,
    /// Reads return pending bits; writing a 1 clears that bit.
    WriteOneToClear,
}

impl Access {
    /// The abbreviation used in the tables.
    pub const fn short(self) -> &'static str {
        match self {
            Access::ReadOnly => "RO",
            Access::ReadWrite => "RW",
            Access::WriteOnly => "WO",
            Access::WriteOneToClear => "W1C",
        }
    }
}

/// A bit field inside a register (or a descriptor word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitField {
    /// Name, upper case.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u8,
    /// Width in bits (1..=32).
    pub width: u8,
    /// What it means.
    pub doc: &'static str,
}

impl BitField {
    /// The field's bits, in place.
    pub const fn mask(&self) -> u32 {
        (if self.width >= 32 { u32::MAX } else { (1u32 << self.width) - 1 }) << self.lsb
    }

    /// The field's value in `word`.
    pub const fn get(&self, word: u32) -> u32 {
        (word & self.mask()) >> self.lsb
    }

    /// Whether a one-bit field is set in `word`.
    pub const fn is_set(&self, word: u32) -> bool {
        self.get(word) != 0
    }

    /// `word` with the field replaced by `value` (truncated to the field's width).
    pub const fn put(&self, word: u32, value: u32) -> u32 {
        (word & !self.mask()) | ((value << self.lsb) & self.mask())
    }

    /// `value` placed in the field, other bits zero.
    pub const fn bits(&self, value: u32) -> u32 {
        self.put(0, value)
    }

    /// Whether `value` fits the field's width.
    pub const fn fits(&self, value: u32) -> bool {
        self.width >= 32 || value >> self.width == 0
    }
}

/// One register (or an array of `count` consecutive registers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Register {
    /// Name, upper case.
    pub name: &'static str,
    /// Byte offset in the user BAR.
    pub offset: u32,
    /// Number of consecutive 32-bit registers (1 for a plain register).
    pub count: u32,
    /// Host access.
    pub access: Access,
    /// Value after reset (for read-only identity registers: the value the card reports).
    pub reset: u32,
    /// What it is for.
    pub doc: &'static str,
    /// Bit fields (empty when the register is one number).
    pub fields: &'static [BitField],
}

impl Register {
    /// The byte offset of element `i` of a register array.
    pub const fn at(&self, i: u32) -> u32 {
        self.offset + 4 * i
    }

    /// Bytes the register occupies.
    pub const fn span(&self) -> u32 {
        4 * self.count
    }
}

/// Declares the register block: for every register a `pub const NAME: Register`, and for
/// registers with fields a module `name` holding one `BitField` constant per field; then
/// [`ALL`], the block in offset order.
macro_rules! register_block {
    ($(
        $(#[doc = $doc:literal])+
        $name:ident @ $offset:literal $([$count:literal])? : $access:ident = $reset:literal
        $(, $module:ident { $( $(#[doc = $fdoc:literal])+ $fname:ident [$lsb:literal $(; $width:literal)?] ),+ $(,)? })?;
    )+) => {
        $(
            $(
                #[doc = concat!("Bit fields of [`", stringify!($name), "`].")]
                pub mod $module {
                    use super::BitField;
                    $(
                        #[doc = concat!($($fdoc),+)]
                        pub const $fname: BitField = BitField {
                            name: stringify!($fname),
                            lsb: $lsb,
                            width: register_block!(@width $($width)?),
                            doc: concat!($($fdoc),+),
                        };
                    )+
                    /// Every field, lowest bit first.
                    pub const ALL: &[BitField] = &[$($fname),+];
                }
            )?
            $(#[doc = $doc])+
            pub const $name: Register = Register {
                name: stringify!($name),
                offset: $offset,
                count: register_block!(@count $($count)?),
                access: Access::$access,
                reset: $reset,
                doc: concat!($($doc),+),
                fields: register_block!(@fields $($module)?),
            };
        )+
        /// The whole block in offset order.
        pub const ALL: &[Register] = &[$($name),+];
    };
    (@width) => { 1 };
    (@width $w:literal) => { $w };
    (@count) => { 1 };
    (@count $c:literal) => { $c };
    (@fields) => { &[] };
    (@fields $m:ident) => { $m::ALL };
}

register_block! {
    /// Card identity: always `0x534C5046` ("SLPF"). Anything else is not a slotproof card.
    ID @ 0x000: ReadOnly = 0x534C_5046;
    /// The ABI the bitstream implements.
    ABI_VERSION @ 0x004: ReadOnly = 0x0001_0001, abi_version {
        /// Compatible additions.
        MINOR [0; 16],
        /// Incompatible changes.
        MAJOR [16; 16],
    };
    /// Bitstream build ID, low half (first 8 hex digits of the source commit).
    BITSTREAM_LO @ 0x008: ReadOnly = 0;
    /// Bitstream build ID, high half (bit 31 always 0).
    BITSTREAM_HI @ 0x00C: ReadOnly = 0;
    /// What this bitstream can do.
    CAPS @ 0x010: ReadOnly = 0, caps {
        /// BabyBear (2^31 − 2^27 + 1) arithmetic.
        BABYBEAR [0],
        /// KoalaBear (2^31 − 2^24 + 1) arithmetic.
        KOALABEAR [1],
        /// Goldilocks (2^64 − 2^32 + 1) arithmetic.
        GOLDILOCKS [2],
        /// `LDE`: coset LDE / NTT of a column batch.
        LDE [3],
        /// `HASH_LEAVES`: Poseidon2 sponge over LDE rows.
        LEAF_HASH [4],
        /// `BUILD_TREE`: 2-to-1 compression layers.
        TREE [5],
        /// `COMMIT_BATCH`: LDE and leaf hashing fused, the LDE never leaves the chip.
        FUSED_COMMIT [6],
        /// `READ_ROOT`, `READ_CAP`, `READ_PATHS`.
        OPEN [7],
        /// `LOAD_POINTS` and `MSM` on BN254 G1 (see [`crate::msm`]).
        MSM_BN254 [8],
        /// `LOAD_POINTS` and `MSM` on BLS12-381 G1.
        MSM_BLS12_381 [9],
    };
    /// Sizes the bitstream was built for.
    LIMITS @ 0x014: ReadOnly = 0, limits {
        /// NTT lanes (columns processed side by side).
        NTT_LANES [0; 8],
        /// Largest log2 LDE height (rows × blowup) the card's buffers hold.
        MAX_LOG_LDE_ROWS [8; 8],
        /// Largest log2 blowup.
        MAX_LOG_BLOWUP [16; 4],
        /// Largest column batch per command.
        MAX_BATCH_COLS [20; 11],
    };
    /// Kernel clock in kHz (the device model's timing uses it).
    CLOCK_KHZ @ 0x018: ReadOnly = 0;
    /// Card memory in MiB.
    MEM_MIB @ 0x01C: ReadOnly = 0;
    /// Control.
    CTRL @ 0x040: ReadWrite = 0, ctrl {
        /// Write 1: abandon any command, clear status and error, reset the sequence. Self-clearing.
        SOFT_RESET [0],
        /// Raise event 0 when a command completes or fails.
        IRQ_ENABLE [1],
    };
    /// Status. `DONE` and `ERROR` stay set until cleared through [`IRQ_STATUS`].
    STATUS @ 0x044: ReadOnly = 0, status {
        /// A command is running.
        BUSY [0],
        /// The last command completed.
        DONE [1],
        /// The last command failed: see [`ERROR_CODE`].
        ERROR [2],
        /// Twiddles and round constants are loaded for the field in [`ERROR_CODE`]`.FIELD`.
        TABLES_LOADED [3],
    };
    /// Why the last command failed.
    ERROR_CODE @ 0x048: ReadOnly = 0, error_code {
        /// A [`crate::CardError`] code (0 = none).
        CODE [0; 8],
        /// The descriptor word at fault, when there is one.
        WORD [8; 4],
        /// The field whose tables are loaded (a [`crate::Field`] code, 0 = none).
        FIELD [12; 4],
    };
    /// Pending events. Write 1 to clear.
    IRQ_STATUS @ 0x04C: WriteOneToClear = 0, irq_status {
        /// A command completed.
        DONE [0],
        /// A command failed.
        ERROR [1],
    };
    /// Free-running 31-bit counter, one tick per microsecond while the card is alive. A
    /// counter that stops moving is a hung card.
    HEARTBEAT @ 0x050: ReadOnly = 0;
    /// Sequence number of the last command that finished (completed or failed).
    COMPLETED_SEQ @ 0x054: ReadOnly = 0;
    /// Checksum the card computed over the last command's input payload (the echo).
    PAYLOAD_CRC @ 0x058: ReadOnly = 0;
    /// Checksum of the result the last command wrote.
    RESULT_CRC @ 0x05C: ReadOnly = 0;
    /// Bytes the last command wrote to its destination.
    RESULT_LEN @ 0x060: ReadOnly = 0;
    /// Write a command's sequence number here to run the descriptor in [`CMD`].
    DOORBELL @ 0x07C: WriteOnly = 0;
    /// The command descriptor, 16 words (see [`crate::command`]). Read back for debugging only.
    CMD @ 0x080 [16]: ReadWrite = 0;
}

/// Bytes of the register block: the host maps at least this much of the user BAR.
pub const BLOCK_BYTES: u32 = 0x100;

/// The build-dependent half of a card's identity, from which [`BITSTREAM_LO`]..[`MEM_MIB`]
/// and [`ABI_VERSION`] take their values. The device model and the RTL register block both
/// derive those registers here, so they cannot disagree on packing or clamping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Identity {
    /// The ABI the card reports.
    pub abi: crate::AbiVersion,
    /// The build ID (bit 63 is dropped).
    pub bitstream_id: u64,
    /// The [`CAPS`] bits.
    pub caps: u32,
    /// [`limits::NTT_LANES`].
    pub ntt_lanes: u8,
    /// [`limits::MAX_LOG_LDE_ROWS`].
    pub max_log_lde_rows: u8,
    /// [`limits::MAX_LOG_BLOWUP`].
    pub max_log_blowup: u8,
    /// [`limits::MAX_BATCH_COLS`] (at most 2047).
    pub max_batch_cols: u16,
    /// The kernel clock in Hz.
    pub clock_hz: f64,
    /// Card memory in bytes.
    pub mem_bytes: u64,
}

impl Identity {
    /// Largest value a counting identity register may hold: bit 31 stays clear so that no
    /// register can read all-ones ("device lost").
    const MAX_COUNT: u32 = u32::MAX >> 1;

    /// The build ID as reported: bit 63 always clear, so `BITSTREAM_HI` cannot read all-ones.
    pub const fn reported_bitstream_id(&self) -> u64 {
        self.bitstream_id & (u64::MAX >> 1)
    }

    /// The [`LIMITS`] register.
    pub const fn limits(&self) -> u32 {
        limits::NTT_LANES.bits(self.ntt_lanes as u32)
            | limits::MAX_LOG_LDE_ROWS.bits(self.max_log_lde_rows as u32)
            | limits::MAX_LOG_BLOWUP.bits(self.max_log_blowup as u32)
            | limits::MAX_BATCH_COLS.bits(self.max_batch_cols as u32)
    }

    /// The [`CLOCK_KHZ`] register: the clock rounded to kHz.
    pub fn clock_khz(&self) -> u32 {
        // Half-up by hand: `f64::round` is not in `core`, and clocks are never negative.
        (self.clock_hz / 1000.0 + 0.5).clamp(0.0, f64::from(Self::MAX_COUNT)) as u32
    }

    /// The [`MEM_MIB`] register.
    pub const fn mem_mib(&self) -> u32 {
        let mib = self.mem_bytes >> 20;
        if mib > Self::MAX_COUNT as u64 { Self::MAX_COUNT } else { mib as u32 }
    }

    /// The value of the identity register at byte offset `offset` (`ID` through
    /// `MEM_MIB`), or `None` for any other offset.
    pub fn read(&self, offset: u32) -> Option<u32> {
        let id = self.reported_bitstream_id();
        Some(match offset {
            o if o == ID.offset => ID.reset,
            o if o == ABI_VERSION.offset => {
                abi_version::MAJOR.bits(self.abi.major as u32) | abi_version::MINOR.bits(self.abi.minor as u32)
            }
            o if o == BITSTREAM_LO.offset => id as u32,
            o if o == BITSTREAM_HI.offset => (id >> 32) as u32,
            o if o == CAPS.offset => self.caps,
            o if o == LIMITS.offset => self.limits(),
            o if o == CLOCK_KHZ.offset => self.clock_khz(),
            o if o == MEM_MIB.offset => self.mem_mib(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_are_ordered_aligned_and_disjoint() {
        let mut end = 0;
        for r in ALL {
            assert_eq!(r.offset % 4, 0, "{} misaligned", r.name);
            assert!(r.offset >= end, "{} overlaps its predecessor", r.name);
            end = r.offset + r.span();
            let mut used = 0u32;
            for f in r.fields {
                assert!(f.width >= 1 && u32::from(f.lsb) + u32::from(f.width) <= 32, "{}.{}", r.name, f.name);
                assert_eq!(used & f.mask(), 0, "{}.{} overlaps", r.name, f.name);
                used |= f.mask();
            }
        }
        assert!(end <= BLOCK_BYTES);
    }

    #[test]
    fn identity_matches_the_crate() {
        assert_eq!(ID.reset, crate::CARD_ID);
        assert_eq!(ABI_VERSION.reset, crate::ABI_VERSION.to_reg());
        assert_eq!(abi_version::MAJOR.get(ABI_VERSION.reset), u32::from(crate::ABI_VERSION.major));
    }

    #[test]
    fn field_put_get() {
        let w = limits::MAX_LOG_LDE_ROWS.put(0xffff_ffff, 25);
        assert_eq!(limits::MAX_LOG_LDE_ROWS.get(w), 25);
        assert_eq!(limits::NTT_LANES.get(w), 0xff);
        assert!(!limits::MAX_LOG_BLOWUP.fits(16));
        assert!(limits::MAX_LOG_BLOWUP.fits(15));
    }
}
