//! The command descriptor: 16 words the host writes into [`crate::regs::CMD`] before ringing
//! [`crate::regs::DOORBELL`].
//!
//! | word | contents |
//! |---|---|
//! | 0 | `OPCODE[7:0]`, `FIELD[11:8]`, `FLAGS[31:16]` |
//! | 1 | sequence number (echoed in `COMPLETED_SEQ`) |
//! | 2, 3 | `SRC` card address, low and high half |
//! | 4, 5 | `DST` card address |
//! | 6, 7 | `AUX` card address (sponge states, tree) |
//! | 8 | `LOG_ROWS[7:0]`, `LOG_BLOWUP[11:8]`, `COLS[31:16]` |
//! | 9 | `SRC_CRC`: checksum of the `SRC_LEN` bytes at `SRC` (checked when `CHECK_SRC`) |
//! | 10 | `COUNT`: per opcode (indices to open, log2 cap height) |
//! | 11 | `SRC_LEN`: bytes of input at `SRC` |
//! | 12–15 | reserved, zero |
//!
//! Data in card memory is little-endian canonical field elements (4 bytes for the 31-bit
//! fields, 8 for Goldilocks). A *column batch* is `COLS` columns one after the other, each
//! `2^LOG_ROWS` elements: the host transposes row-major trace rows into this layout while
//! packing a staging buffer, because the NTT streams a column per lane.
//!
//! The trace is streamed in column batches. Leaf hashing is a sponge over each row, absorbing
//! the row's elements in column order, so a batch whose width is a multiple of the sponge
//! rate continues every row's sponge exactly where the previous batch left it: the card keeps
//! one sponge state per LDE row at `AUX` between batches (`FIRST` starts from zero, `LAST`
//! squeezes the digests). Only the final batch may have a width that is not a multiple of
//! the rate. This is what lets a trace far larger than the card's on-chip memory stream
//! through it in one pass.

use crate::regs::BitField;

/// Descriptor words.
pub const WORDS: usize = 16;

/// Fields of descriptor word 0.
pub mod header {
    use super::BitField;
    /// The [`super::Opcode`].
    pub const OPCODE: BitField = BitField { name: "OPCODE", lsb: 0, width: 8, doc: "what to do" };
    /// The [`super::Field`].
    pub const FIELD: BitField = BitField { name: "FIELD", lsb: 8, width: 4, doc: "which field" };
    /// The [`super::Flags`].
    pub const FLAGS: BitField = BitField { name: "FLAGS", lsb: 16, width: 16, doc: "modifiers" };
    /// Bits of word 0 no field claims: they must be zero.
    pub const RESERVED: u32 = !(OPCODE.mask() | FIELD.mask() | FLAGS.mask());
}

/// Fields of descriptor word 8.
pub mod shape {
    use super::BitField;
    /// log2 of the input height.
    pub const LOG_ROWS: BitField = BitField { name: "LOG_ROWS", lsb: 0, width: 8, doc: "log2 rows in" };
    /// log2 of the blowup.
    pub const LOG_BLOWUP: BitField = BitField { name: "LOG_BLOWUP", lsb: 8, width: 4, doc: "log2 blowup" };
    /// Columns in the batch.
    pub const COLS: BitField = BitField { name: "COLS", lsb: 16, width: 16, doc: "columns" };
    /// Bits of word 8 no field claims: they must be zero.
    pub const RESERVED: u32 = !(LOG_ROWS.mask() | LOG_BLOWUP.mask() | COLS.mask());
}

/// The index of each descriptor word (or of the low half of a two-word address): what
/// `ERROR_CODE.WORD` names when a check fails.
pub mod word {
    /// `OPCODE`, `FIELD`, `FLAGS`.
    pub const HEADER: u8 = 0;
    /// Sequence number.
    pub const SEQ: u8 = 1;
    /// `SRC`, low half.
    pub const SRC: u8 = 2;
    /// `DST`, low half.
    pub const DST: u8 = 4;
    /// `AUX`, low half.
    pub const AUX: u8 = 6;
    /// `LOG_ROWS`, `LOG_BLOWUP`, `COLS`.
    pub const SHAPE: u8 = 8;
    /// `SRC_CRC`.
    pub const SRC_CRC: u8 = 9;
    /// `COUNT`.
    pub const COUNT: u8 = 10;
    /// `SRC_LEN`.
    pub const SRC_LEN: u8 = 11;
    /// The first reserved word: it and every word after it must be zero.
    pub const FIRST_RESERVED: u8 = 12;
}

/// No operand is taller than 2^MAX_LOG_HEIGHT rows whatever a card's limits say, so that
/// every operand's size in bytes stays well inside 64 bits.
pub const MAX_LOG_HEIGHT: u32 = 40;

/// Fields of descriptor word 10 (`COUNT`) for `COMMIT_BATCH`.
pub mod slice {
    use super::BitField;
    /// Which slice of the bit-reversed LDE rows.
    pub const SLICE: BitField = BitField { name: "SLICE", lsb: 0, width: 16, doc: "slice index" };
    /// log2 of the number of slices (0: the whole LDE).
    pub const LOG_SLICES: BitField = BitField { name: "LOG_SLICES", lsb: 16, width: 8, doc: "log2 slices" };
}

macro_rules! opcodes {
    ($( $(#[doc = $doc:literal])+ $name:ident = $code:literal, $mnemonic:literal, $operands:literal; )+) => {
        /// What a descriptor asks the card to do.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Opcode {
            $( $(#[doc = $doc])+ $name = $code, )+
        }

        impl Opcode {
            /// Every opcode, in code order.
            pub const ALL: &[Opcode] = &[$(Opcode::$name),+];

            /// Decodes an opcode byte.
            pub const fn from_code(code: u8) -> Option<Opcode> {
                match code {
                    $( $code => Some(Opcode::$name), )+
                    _ => None,
                }
            }

            /// The name in the tables.
            pub const fn mnemonic(self) -> &'static str {
                match self { $( Opcode::$name => $mnemonic, )+ }
            }

            /// Which descriptor words it uses, and how.
            pub const fn operands(self) -> &'static str {
                match self { $( Opcode::$name => $operands, )+ }
            }

            /// What it does.
            pub const fn doc(self) -> &'static str {
                match self { $( Opcode::$name => concat!($($doc),+), )+ }
            }
        }
    };
}

opcodes! {
    /// Load the NTT twiddles: `ω^i` for `i < 2^(LOG_ROWS−1)`, `ω` the field's primitive
    /// `2^LOG_ROWS`-th root of unity, `LOG_ROWS` the largest LDE the card will run.
    LoadTwiddles = 0x01, "LOAD_TWIDDLES", "SRC, SRC_LEN, SRC_CRC, FIELD, LOG_ROWS";
    /// Load the Poseidon2 round constants of FIELD in Plonky3's order: initial external
    /// rounds, internal rounds, terminal external rounds.
    LoadConstants = 0x02, "LOAD_CONSTANTS", "SRC, SRC_LEN, SRC_CRC, FIELD";
    /// Coset LDE of a column batch: `COLS` columns of `2^LOG_ROWS` at SRC become `COLS`
    /// columns of `2^(LOG_ROWS+LOG_BLOWUP)` at DST, rows in bit-reversed order, shift = the
    /// field's generator. `LOG_BLOWUP = 0` re-evaluates on the coset of the same size (what
    /// `COMMIT_BATCH` hashes at blowup 1).
    Lde = 0x10, "LDE", "SRC, DST, FIELD, LOG_ROWS, LOG_BLOWUP, COLS, [SRC_CRC]";
    /// Absorb a column batch of LDE rows (`COLS` columns of `2^LOG_ROWS`) into the per-row
    /// sponge states at AUX. `FIRST` starts from zero states; `LAST` squeezes one digest per
    /// row to DST and builds the tree right after them (the layout `READ_*` read).
    HashLeaves = 0x20, "HASH_LEAVES", "SRC, AUX, DST, FIELD, LOG_ROWS, COLS, FIRST, LAST, [SRC_CRC]";
    /// Build the tree over `2^LOG_ROWS` leaf digests at SRC: the layers above the leaves,
    /// `2^(LOG_ROWS−1)` digests first, the root last, written to DST.
    BuildTree = 0x30, "BUILD_TREE", "SRC, DST, FIELD, LOG_ROWS";
    /// The fused commit of one trace column batch: LDE and leaf absorption in one pass, the
    /// LDE never written out. Operands as `LDE` plus AUX, FIRST and LAST as `HASH_LEAVES`;
    /// `LAST` squeezes one digest per LDE row to DST and builds the tree right after them.
    /// COUNT selects a slice (see `slice`): with `LOG_SLICES = s > 0` the card computes only
    /// bit-reversed LDE rows `[SLICE·2^(L−s), (SLICE+1)·2^(L−s))`, `L = LOG_ROWS + LOG_BLOWUP`,
    /// and AUX and DST hold just those rows (and their subtree). Slices are whole subtrees,
    /// which is how several cards share one trace.
    CommitBatch = 0x40, "COMMIT_BATCH", "SRC, AUX, DST, FIELD, LOG_ROWS, LOG_BLOWUP, COLS, COUNT (slice), FIRST, LAST, [SRC_CRC]";
    /// Copy the root of the tree at AUX (over `2^LOG_ROWS` leaves) to DST. A tree in card
    /// memory is its leaf digests followed by each layer above them, root last: what
    /// `HASH_LEAVES`/`COMMIT_BATCH` (DST) and `BUILD_TREE` (SRC = the leaves, DST right after
    /// them) leave behind.
    ReadRoot = 0x50, "READ_ROOT", "AUX, DST, FIELD, LOG_ROWS";
    /// Copy the `2^COUNT` digests of the tree's cap layer at height COUNT to DST.
    ReadCap = 0x51, "READ_CAP", "AUX, DST, FIELD, LOG_ROWS, COUNT";
    /// For each of the COUNT little-endian u32 leaf indices at SRC, copy the leaf's digest and
    /// its authentication path (the sibling at every layer, leaf level first: `1 + LOG_ROWS`
    /// digests) to DST.
    ReadPaths = 0x52, "READ_PATHS", "SRC, AUX, DST, FIELD, LOG_ROWS, COUNT, [SRC_CRC]";
}

impl Opcode {
    /// The [`crate::regs::CAPS`] bit a card must report to run this opcode (besides the
    /// field's own bit); `None` for the table loads every card accepts.
    pub const fn required_cap(self) -> Option<BitField> {
        use crate::regs::caps;
        match self {
            Opcode::LoadTwiddles | Opcode::LoadConstants => None,
            Opcode::Lde => Some(caps::LDE),
            Opcode::HashLeaves => Some(caps::LEAF_HASH),
            Opcode::BuildTree => Some(caps::TREE),
            Opcode::CommitBatch => Some(caps::FUSED_COMMIT),
            Opcode::ReadRoot | Opcode::ReadCap | Opcode::ReadPaths => Some(caps::OPEN),
        }
    }
}

/// The field a command works in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Field {
    /// 2^31 − 2^27 + 1, Poseidon2 width 16.
    BabyBear = 1,
    /// 2^31 − 2^24 + 1, Poseidon2 width 16.
    KoalaBear = 2,
    /// 2^64 − 2^32 + 1, Poseidon2 width 8.
    Goldilocks = 3,
}

impl Field {
    /// Every field, in code order.
    pub const ALL: &[Field] = &[Field::BabyBear, Field::KoalaBear, Field::Goldilocks];

    /// Decodes a field code.
    pub const fn from_code(code: u8) -> Option<Field> {
        match code {
            1 => Some(Field::BabyBear),
            2 => Some(Field::KoalaBear),
            3 => Some(Field::Goldilocks),
            _ => None,
        }
    }

    /// Bytes per element in card memory.
    pub const fn elem_bytes(self) -> usize {
        match self {
            Field::Goldilocks => 8,
            _ => 4,
        }
    }

    /// Poseidon2 state width.
    pub const fn width(self) -> usize {
        match self {
            Field::Goldilocks => 8,
            _ => 16,
        }
    }

    /// Sponge rate (elements absorbed per permutation).
    pub const fn rate(self) -> usize {
        self.width() / 2
    }

    /// Digest length in elements.
    pub const fn digest(self) -> usize {
        self.width() / 2
    }

    /// Bytes of one digest in card memory.
    pub const fn digest_bytes(self) -> usize {
        self.digest() * self.elem_bytes()
    }

    /// The capability bit for this field.
    pub const fn cap(self) -> BitField {
        match self {
            Field::BabyBear => crate::regs::caps::BABYBEAR,
            Field::KoalaBear => crate::regs::caps::KOALABEAR,
            Field::Goldilocks => crate::regs::caps::GOLDILOCKS,
        }
    }

    /// Lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            Field::BabyBear => "babybear",
            Field::KoalaBear => "koalabear",
            Field::Goldilocks => "goldilocks",
        }
    }
}

/// Modifiers in the header's FLAGS field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u16);

impl Flags {
    /// First batch of a commitment: sponge states start from zero.
    pub const FIRST: Flags = Flags(1 << 0);
    /// Last batch: squeeze the digests.
    pub const LAST: Flags = Flags(1 << 1);
    /// Check SRC_CRC over SRC_LEN bytes at SRC before running.
    pub const CHECK_SRC: Flags = Flags(1 << 2);
    /// Bits that mean something; any other bit set is a decode error.
    pub const KNOWN: Flags = Flags(0b111);
    /// Names and meanings, for the tables.
    pub const TABLE: &[(&str, Flags, &str)] = &[
        ("FIRST", Flags::FIRST, "first batch: sponge states start from zero"),
        ("LAST", Flags::LAST, "last batch: squeeze one digest per row to DST"),
        ("CHECK_SRC", Flags::CHECK_SRC, "verify SRC_CRC over SRC_LEN bytes at SRC first"),
    ];

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Both sets of bits.
    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl core::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        self.union(rhs)
    }
}

/// A decoded command descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command {
    /// What to do.
    pub opcode: Opcode,
    /// In which field.
    pub field: Field,
    /// Modifiers.
    pub flags: Flags,
    /// Sequence number, echoed in `COMPLETED_SEQ`.
    pub seq: u32,
    /// Input address.
    pub src: u64,
    /// Output address.
    pub dst: u64,
    /// Auxiliary address (sponge states, tree).
    pub aux: u64,
    /// log2 of the input height.
    pub log_rows: u8,
    /// log2 of the blowup.
    pub log_blowup: u8,
    /// Columns in the batch.
    pub cols: u16,
    /// Checksum of the input payload.
    pub src_crc: u32,
    /// Per-opcode count.
    pub count: u32,
    /// Bytes of input at `src`.
    pub src_len: u32,
}

/// Why 16 words are not a valid descriptor. The word index says where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Word 0's opcode byte is not an [`Opcode`].
    UnknownOpcode(u8),
    /// Word 0's field nibble is not a [`Field`].
    UnknownField(u8),
    /// Word 0 has flag bits outside [`Flags::KNOWN`].
    UnknownFlags(u16),
    /// Bits that must be zero are not.
    ReservedBits {
        /// The descriptor word.
        word: usize,
    },
}

impl DecodeError {
    /// The descriptor word at fault.
    pub const fn word(self) -> usize {
        match self {
            DecodeError::ReservedBits { word } => word,
            _ => 0,
        }
    }
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::UnknownOpcode(c) => write!(f, "descriptor word 0: unknown opcode {c:#04x}"),
            DecodeError::UnknownField(c) => write!(f, "descriptor word 0: unknown field code {c}"),
            DecodeError::UnknownFlags(b) => write!(f, "descriptor word 0: unknown flag bits {b:#06x}"),
            DecodeError::ReservedBits { word } => write!(f, "descriptor word {word}: reserved bits set"),
        }
    }
}

impl core::error::Error for DecodeError {}

/// The words every descriptor shares, word 8 left raw: what [`Command`] and
/// [`crate::msm::MsmCommand`] are encoded to and decoded from, so that the two cannot
/// disagree on where a word goes or on what must be zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawDescriptor {
    pub opcode: u8,
    /// The FIELD nibble: a [`Field`] or a [`crate::msm::Curve`] code.
    pub domain: u8,
    pub flags: Flags,
    pub seq: u32,
    pub src: u64,
    pub dst: u64,
    pub aux: u64,
    pub shape: u32,
    pub src_crc: u32,
    pub count: u32,
    pub src_len: u32,
}

impl RawDescriptor {
    pub(crate) const fn encode(&self) -> [u32; WORDS] {
        let mut w = [0u32; WORDS];
        w[0] = header::OPCODE.bits(self.opcode as u32)
            | header::FIELD.bits(self.domain as u32)
            | header::FLAGS.bits(self.flags.0 as u32);
        w[1] = self.seq;
        w[2] = self.src as u32;
        w[3] = (self.src >> 32) as u32;
        w[4] = self.dst as u32;
        w[5] = (self.dst >> 32) as u32;
        w[6] = self.aux as u32;
        w[7] = (self.aux >> 32) as u32;
        w[8] = self.shape;
        w[9] = self.src_crc;
        w[10] = self.count;
        w[11] = self.src_len;
        w
    }

    /// The words, after the caller has checked the opcode and the FIELD nibble (in that
    /// order: the error a card reports is the first check that fails): flags outside `known`,
    /// reserved bits of word 0, bits of word 8 in `shape_reserved`, and nonzero reserved
    /// words are refused, in that order.
    pub(crate) const fn decode(w: &[u32; WORDS], known: Flags, shape_reserved: u32) -> Result<Self, DecodeError> {
        let flags = header::FLAGS.get(w[0]) as u16;
        if flags & !known.0 != 0 {
            return Err(DecodeError::UnknownFlags(flags & !known.0));
        }
        if w[0] & header::RESERVED != 0 {
            return Err(DecodeError::ReservedBits { word: 0 });
        }
        if w[8] & shape_reserved != 0 {
            return Err(DecodeError::ReservedBits { word: word::SHAPE as usize });
        }
        let mut i = word::FIRST_RESERVED as usize;
        while i < WORDS {
            if w[i] != 0 {
                return Err(DecodeError::ReservedBits { word: i });
            }
            i += 1;
        }
        Ok(RawDescriptor {
            opcode: header::OPCODE.get(w[0]) as u8,
            domain: header::FIELD.get(w[0]) as u8,
            flags: Flags(flags),
            seq: w[1],
            src: (w[3] as u64) << 32 | w[2] as u64,
            dst: (w[5] as u64) << 32 | w[4] as u64,
            aux: (w[7] as u64) << 32 | w[6] as u64,
            shape: w[8],
            src_crc: w[9],
            count: w[10],
            src_len: w[11],
        })
    }
}

impl Command {
    /// A command with every operand zero: the constructors below fill in what each opcode uses.
    pub const fn new(opcode: Opcode, field: Field) -> Self {
        Command {
            opcode,
            field,
            flags: Flags(0),
            seq: 0,
            src: 0,
            dst: 0,
            aux: 0,
            log_rows: 0,
            log_blowup: 0,
            cols: 0,
            src_crc: 0,
            count: 0,
            src_len: 0,
        }
    }

    /// Marks `len` bytes at `src` as the input, protected by `crc` (sets `CHECK_SRC`).
    pub const fn with_payload(mut self, src: u64, len: u32, crc: u32) -> Self {
        self.src = src;
        self.src_len = len;
        self.src_crc = crc;
        self.flags = self.flags.union(Flags::CHECK_SRC);
        self
    }

    /// The 16 descriptor words.
    pub const fn encode(&self) -> [u32; WORDS] {
        RawDescriptor {
            opcode: self.opcode as u8,
            domain: self.field as u8,
            flags: self.flags,
            seq: self.seq,
            src: self.src,
            dst: self.dst,
            aux: self.aux,
            shape: shape::LOG_ROWS.bits(self.log_rows as u32)
                | shape::LOG_BLOWUP.bits(self.log_blowup as u32)
                | shape::COLS.bits(self.cols as u32),
            src_crc: self.src_crc,
            count: self.count,
            src_len: self.src_len,
        }
        .encode()
    }

    /// Decodes 16 descriptor words, rejecting anything the ABI does not define.
    pub const fn decode(w: &[u32; WORDS]) -> Result<Command, DecodeError> {
        let opcode = match Opcode::from_code(header::OPCODE.get(w[0]) as u8) {
            Some(op) => op,
            None => return Err(DecodeError::UnknownOpcode(header::OPCODE.get(w[0]) as u8)),
        };
        let field = match Field::from_code(header::FIELD.get(w[0]) as u8) {
            Some(f) => f,
            None => return Err(DecodeError::UnknownField(header::FIELD.get(w[0]) as u8)),
        };
        let r = match RawDescriptor::decode(w, Flags::KNOWN, shape::RESERVED) {
            Ok(r) => r,
            Err(e) => return Err(e),
        };
        Ok(Command {
            opcode,
            field,
            flags: r.flags,
            seq: r.seq,
            src: r.src,
            dst: r.dst,
            aux: r.aux,
            log_rows: shape::LOG_ROWS.get(r.shape) as u8,
            log_blowup: shape::LOG_BLOWUP.get(r.shape) as u8,
            cols: shape::COLS.get(r.shape) as u16,
            src_crc: r.src_crc,
            count: r.count,
            src_len: r.src_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_opcode_and_field() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for &op in Opcode::ALL {
            for &field in Field::ALL {
                for _ in 0..50 {
                    let c = Command {
                        opcode: op,
                        field,
                        flags: Flags(next() as u16 & Flags::KNOWN.0),
                        seq: next() as u32,
                        src: next(),
                        dst: next(),
                        aux: next(),
                        log_rows: next() as u8,
                        log_blowup: next() as u8 & 0xf,
                        cols: next() as u16,
                        src_crc: next() as u32,
                        count: next() as u32,
                        src_len: next() as u32,
                    };
                    assert_eq!(Command::decode(&c.encode()), Ok(c));
                }
            }
        }
    }

    #[test]
    fn rejects_what_the_abi_does_not_define() {
        let good = Command::new(Opcode::Lde, Field::BabyBear).encode();
        let mut w = good;
        w[0] = header::OPCODE.put(w[0], 0x77);
        assert_eq!(Command::decode(&w), Err(DecodeError::UnknownOpcode(0x77)));
        let mut w = good;
        w[0] = header::FIELD.put(w[0], 9);
        assert_eq!(Command::decode(&w), Err(DecodeError::UnknownField(9)));
        let mut w = good;
        w[0] |= 1 << 31;
        assert_eq!(Command::decode(&w), Err(DecodeError::UnknownFlags(0x8000)));
        for word in 12..WORDS {
            let mut w = good;
            w[word] = 1;
            assert_eq!(Command::decode(&w), Err(DecodeError::ReservedBits { word }));
        }
        let mut w = good;
        w[8] |= 0x1000;
        assert_eq!(Command::decode(&w).map_err(DecodeError::word), Err(8));
    }
}
