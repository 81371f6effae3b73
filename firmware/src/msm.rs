//! The MSM commands (ABI 1.1): points loaded once and kept in card memory, scalars streamed
//! in chunks, the window buckets left in card memory for the host to reduce.
//!
//! MSM is an extension of the command set: a card whose `CAPS` has neither
//! [`crate::regs::caps::MSM_BN254`] nor [`crate::regs::caps::MSM_BLS12_381`] has no MSM
//! decoder and refuses these opcodes as unknown (`BAD_DESCRIPTOR`, word 0), exactly as it
//! refuses any other byte it does not know. Their descriptors share the 16-word layout of
//! [`crate::command`], with the FIELD nibble naming a [`Curve`] (codes 4 and 5: the same
//! code space as [`crate::Field`], so no code means two things):
//!
//! | word | `LOAD_POINTS` | `MSM` |
//! |---|---|---|
//! | 0 | OPCODE, CURVE, FLAGS (`CHECK_SRC`) | OPCODE, CURVE, FLAGS (`FIRST`, `CHECK_SRC`) |
//! | 2, 3 | SRC: the points (STAGE_A/B) | SRC: the scalars (STAGE_A/B) |
//! | 4, 5 | DST: where they stay (POINTS) | DST: buckets and exceptions (BUCKETS) |
//! | 6, 7 | – | AUX: this chunk's points (POINTS) |
//! | 8 | zero | `WINDOW_BITS[7:0]` |
//! | 9 | SRC_CRC | SRC_CRC |
//! | 10 | COUNT: points | COUNT: points (= scalars) in the chunk |
//! | 11 | SRC_LEN | SRC_LEN |
//!
//! **Points** in card memory are affine `x ‖ y`, each coordinate a base-field element in
//! Montgomery form (`R = 2^256` for BN254, `2^384` for BLS12-381: the form the card's
//! multipliers compute in, and the one arkworks stores), little-endian, [`Curve::base_bytes`]
//! each; `(0, 0)`, which is on neither curve, is the point at infinity. `LOAD_POINTS` checks
//! every coordinate is below `p` and every other point satisfies `y² = x³ + b`
//! (`BAD_OPERAND_VALUE`, word SRC): a point off the curve would make every sum it enters
//! garbage. (Subgroup membership is the host's check: the card's adders do not need it.)
//!
//! **Scalars** are 32-byte little-endian integers below the scalar field's modulus
//! (`BAD_OPERAND_VALUE`, word SRC, otherwise). The card recodes each into
//! [`Curve::windows`] signed `c`-bit digits in `(−2^(c−1), 2^(c−1)]` (borrowing from the next
//! window when a digit is above half), and adds the point, or its negation for a negative
//! digit, to bucket `|digit|` of each window.
//!
//! **Buckets** at DST: window after window, [`buckets_per_window`] buckets each (bucket `b`
//! holds digit `b + 1`), each `X ‖ Y ‖ ZZ ‖ ZZZ` (XYZZ, Montgomery form; all zero for an empty
//! bucket). After them, one **exception list** per window: a little-endian u32 count of the
//! additions the card handed back, then [`EXCEPTION_SLOTS`] entries of `bucket (u32) ‖ point`.
//! The card hands an addition back when the point equals the bucket (the adder would need a
//! doubling: see `slotproof_core::golden::xyzz`); the host adds those points in. A count above
//! the slots means some were not recorded: the host recomputes that window itself.
//!
//! `FIRST` starts every bucket empty and every count at zero; without it the chunk's points
//! are added to the buckets DST already holds, which must be the previous `MSM` command's
//! (same curve, DST and window width: `BAD_BATCH_ORDER` otherwise). That is how an MSM larger
//! than one staging buffer streams through the card.

use crate::command::{DecodeError, Flags, RawDescriptor, WORDS, header};
use crate::memory_map::{Operand, Region};
use crate::regs::BitField;

/// The curve of an MSM command, in the descriptor's FIELD nibble.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Curve {
    /// BN254 G1 (`y² = x³ + 3`), 254-bit base field, 254-bit scalars.
    Bn254 = 4,
    /// BLS12-381 G1 (`y² = x³ + 4`), 381-bit base field, 255-bit scalars.
    Bls12_381 = 5,
}

impl Curve {
    /// Every curve, in code order.
    pub const ALL: &[Curve] = &[Curve::Bn254, Curve::Bls12_381];

    /// Decodes a FIELD nibble.
    pub const fn from_code(code: u8) -> Option<Curve> {
        match code {
            4 => Some(Curve::Bn254),
            5 => Some(Curve::Bls12_381),
            _ => None,
        }
    }

    /// Bytes of one base-field element in card memory (a whole number of 64-bit limbs).
    pub const fn base_bytes(self) -> usize {
        match self {
            Curve::Bn254 => 32,
            Curve::Bls12_381 => 48,
        }
    }

    /// Bytes of one affine point.
    pub const fn point_bytes(self) -> usize {
        2 * self.base_bytes()
    }

    /// Bytes of one XYZZ bucket.
    pub const fn bucket_bytes(self) -> usize {
        4 * self.base_bytes()
    }

    /// Bits of the scalar field's modulus.
    pub const fn scalar_bits(self) -> u32 {
        match self {
            Curve::Bn254 => 254,
            Curve::Bls12_381 => 255,
        }
    }

    /// Signed `c`-bit windows a scalar needs: the top window has at most `c − 1` bits, so its
    /// digit plus the carry into it never carries out.
    pub const fn windows(self, c: u32) -> u32 {
        (self.scalar_bits() + 1).div_ceil(c)
    }

    /// The capability bit of this curve's MSM engine.
    pub const fn cap(self) -> BitField {
        match self {
            Curve::Bn254 => crate::regs::caps::MSM_BN254,
            Curve::Bls12_381 => crate::regs::caps::MSM_BLS12_381,
        }
    }

    /// Lower-case name, as the CLI spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::Bn254 => "bn254",
            Curve::Bls12_381 => "bls12-381",
        }
    }
}

/// Every MSM capability bit: a card with none of them has no MSM decoder.
pub const MSM_CAPS: u32 = crate::regs::caps::MSM_BN254.mask() | crate::regs::caps::MSM_BLS12_381.mask();

/// Bytes of one scalar in card memory.
pub const SCALAR_BYTES: usize = 32;

/// Exception slots per window.
pub const EXCEPTION_SLOTS: usize = 16;

/// The window widths a card accepts: at least 2 (one bucket a window is not bucketing), at
/// most 16 (2^15 buckets a window, what a bucket unit's RAM holds).
pub const WINDOW_BITS_RANGE: core::ops::RangeInclusive<u32> = 2..=16;

/// Most points one command names (`COUNT`): the POINTS region holds 2^22 BLS12-381 points.
pub const MAX_POINTS: u32 = 1 << 22;

/// Buckets in each window of `c` bits.
pub const fn buckets_per_window(c: u32) -> u64 {
    1 << (c - 1)
}

/// Bytes of one window's exception list.
pub const fn exception_list_bytes(curve: Curve) -> u64 {
    4 + EXCEPTION_SLOTS as u64 * (4 + curve.point_bytes() as u64)
}

/// Bytes of the bucket tables of every window (where the exception lists start).
pub const fn bucket_table_bytes(curve: Curve, c: u32) -> u64 {
    curve.windows(c) as u64 * buckets_per_window(c) * curve.bucket_bytes() as u64
}

/// Bytes an `MSM` command's DST spans: every window's buckets, then every exception list.
pub const fn result_bytes(curve: Curve, c: u32) -> u64 {
    bucket_table_bytes(curve, c) + curve.windows(c) as u64 * exception_list_bytes(curve)
}

/// The regions an operand of `op` may lie in (empty: no such operand); the card refuses
/// anything else with `OUT_OF_BOUNDS`.
pub const fn operand_regions(op: MsmOpcode, operand: Operand) -> &'static [Region] {
    use crate::memory_map::{BUCKETS, POINTS, STAGE_A, STAGE_B};
    match (op, operand) {
        (_, Operand::Src) => &[STAGE_A, STAGE_B],
        (MsmOpcode::LoadPoints, Operand::Dst) | (MsmOpcode::Msm, Operand::Aux) => &[POINTS],
        (MsmOpcode::Msm, Operand::Dst) => &[BUCKETS],
        (MsmOpcode::LoadPoints, Operand::Aux) => &[],
    }
}

/// Fields of descriptor word 8 for `MSM`.
pub mod msm_shape {
    use super::BitField;
    /// The window width `c`.
    pub const WINDOW_BITS: BitField = BitField { name: "WINDOW_BITS", lsb: 0, width: 8, doc: "bits per window" };
    /// Bits of word 8 no field claims: they must be zero.
    pub const RESERVED: u32 = !WINDOW_BITS.mask();
}

/// What an MSM descriptor asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MsmOpcode {
    /// Check COUNT points at SRC and copy them to DST in the POINTS region, where they stay
    /// for every `MSM` that names them.
    LoadPoints = 0x60,
    /// Add COUNT points at AUX, each by its scalar at SRC, into the buckets at DST.
    Msm = 0x61,
}

impl MsmOpcode {
    /// Every MSM opcode, in code order.
    pub const ALL: &[MsmOpcode] = &[MsmOpcode::LoadPoints, MsmOpcode::Msm];

    /// Decodes an opcode byte.
    pub const fn from_code(code: u8) -> Option<MsmOpcode> {
        match code {
            0x60 => Some(MsmOpcode::LoadPoints),
            0x61 => Some(MsmOpcode::Msm),
            _ => None,
        }
    }

    /// The name in the tables.
    pub const fn mnemonic(self) -> &'static str {
        match self {
            MsmOpcode::LoadPoints => "LOAD_POINTS",
            MsmOpcode::Msm => "MSM",
        }
    }

    /// Which descriptor words it uses.
    pub const fn operands(self) -> &'static str {
        match self {
            MsmOpcode::LoadPoints => "SRC, SRC_LEN, [SRC_CRC], DST, CURVE, COUNT",
            MsmOpcode::Msm => "SRC, SRC_LEN, [SRC_CRC], AUX, DST, CURVE, WINDOW_BITS, COUNT, FIRST",
        }
    }

    /// What it does.
    pub const fn doc(self) -> &'static str {
        match self {
            MsmOpcode::LoadPoints => {
                "Check COUNT affine points at SRC (coordinates below p, on the curve or (0, 0)) and copy \
                 them to DST in POINTS, where every later MSM may name them."
            }
            MsmOpcode::Msm => {
                "Add the COUNT points at AUX, each times its scalar at SRC, into the signed-window buckets \
                 at DST (FIRST: from empty buckets); doublings go to each window's exception list."
            }
        }
    }
}

/// Flags an MSM descriptor may carry.
pub const MSM_FLAGS: Flags = Flags(Flags::FIRST.0 | Flags::CHECK_SRC.0);

/// A decoded MSM descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsmCommand {
    /// What to do.
    pub opcode: MsmOpcode,
    /// On which curve.
    pub curve: Curve,
    /// `FIRST`, `CHECK_SRC`.
    pub flags: Flags,
    /// Sequence number, echoed in `COMPLETED_SEQ`.
    pub seq: u32,
    /// Points (`LOAD_POINTS`) or scalars (`MSM`).
    pub src: u64,
    /// Where the points go (`LOAD_POINTS`) or the buckets (`MSM`).
    pub dst: u64,
    /// The chunk's points (`MSM`).
    pub aux: u64,
    /// The window width `c` (`MSM`; 0 for `LOAD_POINTS`).
    pub window_bits: u8,
    /// Checksum of the SRC_LEN bytes at SRC.
    pub src_crc: u32,
    /// Points in the command.
    pub count: u32,
    /// Bytes of input at SRC.
    pub src_len: u32,
}

impl MsmCommand {
    /// A command with every operand zero.
    pub const fn new(opcode: MsmOpcode, curve: Curve) -> Self {
        MsmCommand {
            opcode,
            curve,
            flags: Flags(0),
            seq: 0,
            src: 0,
            dst: 0,
            aux: 0,
            window_bits: 0,
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
            domain: self.curve as u8,
            flags: self.flags,
            seq: self.seq,
            src: self.src,
            dst: self.dst,
            aux: self.aux,
            shape: msm_shape::WINDOW_BITS.bits(self.window_bits as u32),
            src_crc: self.src_crc,
            count: self.count,
            src_len: self.src_len,
        }
        .encode()
    }

    /// Decodes 16 descriptor words whose opcode byte is an [`MsmOpcode`], rejecting anything
    /// the ABI does not define (the FIELD nibble must name a [`Curve`]), with the checks and
    /// the errors of [`crate::Command::decode`].
    pub const fn decode(w: &[u32; WORDS]) -> Result<MsmCommand, DecodeError> {
        let code = header::OPCODE.get(w[0]) as u8;
        let opcode = match MsmOpcode::from_code(code) {
            Some(op) => op,
            None => return Err(DecodeError::UnknownOpcode(code)),
        };
        let curve = match Curve::from_code(header::FIELD.get(w[0]) as u8) {
            Some(c) => c,
            None => return Err(DecodeError::UnknownField(header::FIELD.get(w[0]) as u8)),
        };
        let r = match RawDescriptor::decode(w, MSM_FLAGS, msm_shape::RESERVED) {
            Ok(r) => r,
            Err(e) => return Err(e),
        };
        Ok(MsmCommand {
            opcode,
            curve,
            flags: r.flags,
            seq: r.seq,
            src: r.src,
            dst: r.dst,
            aux: r.aux,
            window_bits: msm_shape::WINDOW_BITS.get(r.shape) as u8,
            src_crc: r.src_crc,
            count: r.count,
            src_len: r.src_len,
        })
    }
}

/// Whether the opcode byte of descriptor word 0 is an MSM opcode (decode it with
/// [`MsmCommand::decode`], on a card with an MSM engine).
pub const fn is_msm_descriptor(w: &[u32; WORDS]) -> bool {
    MsmOpcode::from_code(header::OPCODE.get(w[0]) as u8).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for &op in MsmOpcode::ALL {
            for &curve in Curve::ALL {
                for _ in 0..50 {
                    let c = MsmCommand {
                        opcode: op,
                        curve,
                        flags: Flags(next() as u16 & MSM_FLAGS.0),
                        seq: next() as u32,
                        src: next(),
                        dst: next(),
                        aux: next(),
                        window_bits: next() as u8,
                        src_crc: next() as u32,
                        count: next() as u32,
                        src_len: next() as u32,
                    };
                    let w = c.encode();
                    assert!(is_msm_descriptor(&w));
                    assert_eq!(MsmCommand::decode(&w), Ok(c));
                    // A field command's decoder does not know the opcode.
                    assert!(matches!(crate::Command::decode(&w), Err(DecodeError::UnknownOpcode(_))));
                }
            }
        }
        let good = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254).encode();
        let mut w = good;
        w[0] = header::FIELD.put(w[0], crate::Field::BabyBear as u32);
        assert_eq!(MsmCommand::decode(&w), Err(DecodeError::UnknownField(1)));
        let mut w = good;
        w[0] |= header::FLAGS.bits(Flags::LAST.0.into());
        assert_eq!(MsmCommand::decode(&w), Err(DecodeError::UnknownFlags(Flags::LAST.0)));
        let mut w = good;
        w[8] |= 1 << 8;
        assert_eq!(MsmCommand::decode(&w), Err(DecodeError::ReservedBits { word: 8 }));
        for word in 12..WORDS {
            let mut w = good;
            w[word] = 1;
            assert_eq!(MsmCommand::decode(&w), Err(DecodeError::ReservedBits { word }));
        }
        let w = crate::Command::new(crate::Opcode::Lde, crate::Field::BabyBear).encode();
        assert!(!is_msm_descriptor(&w));
    }

    #[test]
    fn curve_codes_do_not_collide_with_fields() {
        for &c in Curve::ALL {
            assert!(crate::Field::from_code(c as u8).is_none());
            assert_eq!(Curve::from_code(c as u8), Some(c));
        }
        for &op in MsmOpcode::ALL {
            assert!(crate::Opcode::from_code(op as u8).is_none());
        }
    }

    #[test]
    fn result_layout_sizes() {
        // BN254, 13-bit windows: 20 windows of 4096 buckets of 128 bytes, then 20 lists.
        assert_eq!(Curve::Bn254.windows(13), 20);
        assert_eq!(bucket_table_bytes(Curve::Bn254, 13), 20 * 4096 * 128);
        assert_eq!(result_bytes(Curve::Bn254, 13), 20 * 4096 * 128 + 20 * (4 + 16 * 68));
        assert_eq!(Curve::Bls12_381.windows(16), 16);
    }
}
