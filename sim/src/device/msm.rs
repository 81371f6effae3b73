//! The card's MSM engine as the device model runs it: `LOAD_POINTS` and `MSM`
//! (`slotproof_firmware::msm`).
//!
//! The checks come in the field commands' order, stopping at the first that fails:
//! 1. decode (`BAD_DESCRIPTOR`) and the doorbell against word 1 (`BAD_SEQUENCE`);
//! 2. the curve's capability bit (`UNSUPPORTED`);
//! 3. the shape: `COUNT` in `1..=MAX_POINTS`, the window width (`MSM`) or zero (`LOAD_POINTS`),
//!    `SRC_LEN` against `COUNT` (`BAD_SHAPE`);
//! 4. every operand inside its region and the card's memory (`OUT_OF_BOUNDS`);
//! 5. with `CHECK_SRC`, the payload checksum (`PAYLOAD_CHECKSUM`);
//! 6. `MSM` without `FIRST` continues the previous `MSM`'s buckets (`BAD_BATCH_ORDER`);
//! 7. every point (`LOAD_POINTS`: reduced and on the curve) and every scalar (below the group
//!    order), and the resident points' coordinates (`BAD_OPERAND_VALUE`, the operand's word).
//!
//! A refused command leaves card memory as it was. The arithmetic is the bucket unit's own
//! specification: each window's buckets take their points in order through
//! `slotproof_core::golden::xyzz::add_mixed`, and a doubling goes to the window's exception
//! list, as the RTL's `BucketUnit` does (its retry queue reorders additions, which changes
//! no bucket's sum and only which of two equal points is handed back).

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::Affine;
use rayon::prelude::*;
use slotproof_core::cpu::msm::digits::signed_digits;
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve};
use slotproof_core::golden::xyzz::{MixedAdd, Xyzz, add_mixed};
use slotproof_core::msm_layout::{
    MontCodec, SCALAR_BYTES, bucket_bytes, decode_affine, decode_bucket, decode_point, decode_scalar, encode_bucket,
    encode_point, point_bytes,
};
use slotproof_firmware::command::{WORDS, word};
use slotproof_firmware::memory_map::Operand;
use slotproof_firmware::msm::{
    self, Curve, EXCEPTION_SLOTS, MAX_POINTS, MsmCommand, MsmOpcode, WINDOW_BITS_RANGE, bucket_table_bytes,
    buckets_per_window, exception_list_bytes, operand_regions, result_bytes,
};
use slotproof_firmware::{CardError, Flags, checksum::checksum};

use super::executor::{ComputeFault, Fail, flip_bit, read, write};
use super::memory::CardMemory;

/// The ABI's code for a core curve.
pub fn abi_curve(id: slotproof_core::CurveId) -> Curve {
    match id {
        slotproof_core::CurveId::Bn254 => Curve::Bn254,
        slotproof_core::CurveId::Bls12_381 => Curve::Bls12_381,
    }
}

/// The buckets an `MSM` without `FIRST` continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketSet {
    curve: Curve,
    dst: u64,
    window_bits: u8,
}

/// What an MSM command read and wrote, for the completion registers and the timeline.
pub struct MsmOutcome {
    /// Checksum of the input (with `CHECK_SRC`).
    pub payload_crc: u32,
    /// The bytes written to DST.
    pub dst: Vec<u8>,
}

/// Operand sizes of `cmd` (SRC, AUX, DST), from `COUNT` and the window width.
pub fn operand_sizes(cmd: &MsmCommand) -> [Option<u64>; 3] {
    let n = u64::from(cmd.count);
    let pb = cmd.curve.point_bytes() as u64;
    match cmd.opcode {
        MsmOpcode::LoadPoints => [Some(n * pb), None, Some(n * pb)],
        MsmOpcode::Msm => [
            Some(n * msm::SCALAR_BYTES as u64),
            Some(n * pb),
            Some(result_bytes(cmd.curve, u32::from(cmd.window_bits))),
        ],
    }
}

/// The card memory `cmd` reads and writes when it succeeds, for the timeline.
pub fn footprint(cmd: &MsmCommand) -> super::executor::Footprint {
    let [src, aux, dst] = operand_sizes(cmd);
    let mut f = super::executor::Footprint::default();
    f.reads.extend(src.map(|len| (cmd.src, len)));
    f.reads.extend(aux.map(|len| (cmd.aux, len)));
    if let Some(len) = dst {
        if cmd.opcode == MsmOpcode::Msm && !cmd.flags.contains(Flags::FIRST) {
            f.reads.push((cmd.dst, len));
        }
        f.writes.push((cmd.dst, len));
    }
    f
}

/// Checks 1 and 2: decode, sequence, the curve's capability.
pub fn admit_msm(words: &[u32; WORDS], doorbell: u32, caps: u32) -> Result<MsmCommand, Fail> {
    let cmd = MsmCommand::decode(words).map_err(|e| Fail(CardError::BadDescriptor, e.word() as u8))?;
    if doorbell != cmd.seq {
        return Err(Fail(CardError::BadSequence, word::SEQ));
    }
    if !cmd.curve.cap().is_set(caps) {
        return Err(Fail(CardError::Unsupported, word::HEADER));
    }
    Ok(cmd)
}

/// Checks 3 and 4: the shape, then every operand's range on a card of `mem_len` bytes.
pub fn admit_msm_operands(cmd: &MsmCommand, mem_len: u64) -> Result<[Option<u64>; 3], Fail> {
    if cmd.count == 0 || cmd.count > MAX_POINTS {
        return Err(Fail(CardError::BadShape, word::COUNT));
    }
    let c = u32::from(cmd.window_bits);
    let shape_ok = match cmd.opcode {
        MsmOpcode::LoadPoints => c == 0,
        MsmOpcode::Msm => WINDOW_BITS_RANGE.contains(&c),
    };
    if !shape_ok {
        return Err(Fail(CardError::BadShape, word::SHAPE));
    }
    let sizes = operand_sizes(cmd);
    let src_len = sizes[0].unwrap_or(0);
    if (cmd.src_len != 0 || cmd.flags.contains(Flags::CHECK_SRC)) && u64::from(cmd.src_len) != src_len {
        return Err(Fail(CardError::BadShape, word::SRC_LEN));
    }
    for (operand, len) in Operand::ALL.into_iter().zip(sizes) {
        let Some(len) = len else { continue };
        let addr = match operand {
            Operand::Src => cmd.src,
            Operand::Aux => cmd.aux,
            Operand::Dst => cmd.dst,
        };
        let inside = operand_regions(cmd.opcode, operand).iter().any(|r| r.contains(addr, len));
        if !inside || addr.checked_add(len).is_none_or(|end| end > mem_len) {
            return Err(Fail(CardError::OutOfBounds, operand.word()));
        }
    }
    Ok(sizes)
}

/// The MSM engine's state between commands: whose buckets an `MSM` without `FIRST` continues.
#[derive(Default)]
pub struct MsmEngine {
    buckets: Option<BucketSet>,
}

impl MsmEngine {
    /// Forgets the buckets in progress (soft reset).
    pub fn reset(&mut self) {
        self.buckets = None;
    }

    /// Runs an admitted command: checks 3–7, then the computation, then the write-back.
    pub fn execute(&mut self, cmd: &MsmCommand, mem: &dyn CardMemory, fault: ComputeFault) -> Result<MsmOutcome, Fail> {
        let sizes = admit_msm_operands(cmd, mem.len())?;
        let src = read(mem, cmd.src, sizes[0].unwrap_or(0), word::SRC)?;
        let mut payload_crc = 0;
        if cmd.flags.contains(Flags::CHECK_SRC) {
            payload_crc = checksum(&src);
            if payload_crc != cmd.src_crc {
                return Err(Fail(CardError::PayloadChecksum, word::SRC_CRC));
            }
        }
        let this = BucketSet { curve: cmd.curve, dst: cmd.dst, window_bits: cmd.window_bits };
        let first = cmd.flags.contains(Flags::FIRST);
        if cmd.opcode == MsmOpcode::Msm && !first && self.buckets != Some(this) {
            return Err(Fail(CardError::BadBatchOrder, word::HEADER));
        }
        if fault == ComputeFault::MemoryEcc {
            // The buckets may be half-written: the MSM must start over.
            self.buckets = None;
            return Err(Fail(CardError::MemoryEcc, word::HEADER));
        }
        let mut dst = match cmd.opcode {
            MsmOpcode::LoadPoints => match cmd.curve {
                Curve::Bn254 => check_points::<Bn254>(&src)?,
                Curve::Bls12_381 => check_points::<Bls12_381>(&src)?,
            },
            MsmOpcode::Msm => {
                let points = read(mem, cmd.aux, sizes[1].unwrap_or(0), word::AUX)?;
                let previous = if first { None } else { Some(read(mem, cmd.dst, sizes[2].unwrap_or(0), word::DST)?) };
                let job =
                    MsmJob { scalars: &src, points: &points, previous: previous.as_deref(), c: cmd.window_bits.into() };
                match cmd.curve {
                    Curve::Bn254 => accumulate::<Bn254>(&job)?,
                    Curve::Bls12_381 => accumulate::<Bls12_381>(&job)?,
                }
            }
        };
        if let ComputeFault::FlipResultBit { pick } = fault {
            flip_bit(&mut dst, pick);
        }
        write(mem, cmd.dst, &dst, word::DST)?;
        if cmd.opcode == MsmOpcode::Msm {
            self.buckets = Some(this);
        }
        Ok(MsmOutcome { payload_crc, dst })
    }
}

/// `LOAD_POINTS`: every point reduced and on the curve; the bytes go to DST unchanged.
fn check_points<P: MsmCurve>(src: &[u8]) -> Result<Vec<u8>, Fail> {
    let codec = MontCodec::<P::BaseField>::new();
    let bad = src.par_chunks_exact(point_bytes::<P>()).position_first(|p| decode_point::<P>(&codec, p).is_err());
    match bad {
        Some(i) => {
            log::debug!("LOAD_POINTS: point {i} refused");
            Err(Fail(CardError::BadOperandValue, word::SRC))
        }
        None => Ok(src.to_vec()),
    }
}

struct MsmJob<'a> {
    scalars: &'a [u8],
    points: &'a [u8],
    previous: Option<&'a [u8]>,
    c: u32,
}

/// `MSM`: the chunk's points into every window's buckets.
fn accumulate<P: MsmCurve>(job: &MsmJob) -> Result<Vec<u8>, Fail> {
    let curve = abi_curve(P::ID);
    let c = job.c;
    let windows = curve.windows(c) as usize;
    let codec = MontCodec::<P::BaseField>::new();
    let pb = point_bytes::<P>();
    // The resident points were checked when loaded; their coordinates are checked again here
    // because host DMA may have written over them since (on-curve is `LOAD_POINTS`' check).
    let points: Vec<Affine<P>> = job
        .points
        .par_chunks_exact(pb)
        .map(|b| decode_affine::<P>(&codec, b))
        .collect::<Result<_, _>>()
        .map_err(|_| Fail(CardError::BadOperandValue, word::AUX))?;
    let mut digits = vec![0i32; points.len() * windows];
    let scalars_ok =
        digits.par_chunks_mut(windows).zip(job.scalars.par_chunks_exact(SCALAR_BYTES)).all(|(out, bytes)| {
            match decode_scalar::<P>(bytes) {
                Some(s) => {
                    signed_digits(&s, c, out);
                    true
                }
                None => false,
            }
        });
    if !scalars_ok {
        return Err(Fail(CardError::BadOperandValue, word::SRC));
    }
    let nb = buckets_per_window(c) as usize;
    let bb = bucket_bytes::<P>();
    let table = bucket_table_bytes(curve, c) as usize;
    let list = exception_list_bytes(curve) as usize;
    let mut out = match job.previous {
        Some(prev) => prev.to_vec(),
        None => vec![0u8; result_bytes(curve, c) as usize],
    };
    let (tables, lists) = out.split_at_mut(table);
    tables
        .par_chunks_mut(nb * bb)
        .zip(lists.par_chunks_mut(list))
        .enumerate()
        .try_for_each(|(w, (tbl, exc))| {
            let mut buckets: Vec<Xyzz<P::BaseField>> =
                tbl.chunks_exact(bb).map(|b| decode_bucket(&codec, b)).collect::<Option<_>>().ok_or(())?;
            let mut count = u32::from_le_bytes([exc[0], exc[1], exc[2], exc[3]]);
            for (i, p) in points.iter().enumerate() {
                let d = digits[i * windows + w];
                if d == 0 || p.is_zero() {
                    continue;
                }
                let point = if d < 0 { -*p } else { *p };
                let b = (d.unsigned_abs() - 1) as usize;
                match add_mixed(&buckets[b], &point) {
                    MixedAdd::Sum(s) => buckets[b] = s,
                    MixedAdd::Doubling => {
                        let slot = count as usize;
                        if slot < EXCEPTION_SLOTS {
                            let entry = &mut exc[4 + slot * (4 + pb)..4 + (slot + 1) * (4 + pb)];
                            entry[..4].copy_from_slice(&(b as u32).to_le_bytes());
                            encode_point(&codec, &point, &mut entry[4..]);
                        }
                        count = count.saturating_add(1);
                    }
                }
            }
            exc[..4].copy_from_slice(&count.to_le_bytes());
            for (bucket, bytes) in buckets.iter().zip(tbl.chunks_exact_mut(bb)) {
                encode_bucket(&codec, bucket, bytes);
            }
            Ok(())
        })
        // The previous buckets were the card's own output: a coordinate out of range there is
        // damaged memory.
        .map_err(|()| Fail(CardError::MemoryEcc, word::DST))?;
    Ok(out)
}

/// Kernel cycles of `cmd` on `units` bucket units of one point addition per cycle each:
/// every window is one pass of the chunk's points through a unit, windows spread over the
/// units; `LOAD_POINTS` checks one point per cycle per unit (the curve equation on the same
/// multipliers).
pub fn msm_cycles(cmd: &MsmCommand, units: u32, adder_latency: u64) -> u64 {
    let n = u64::from(cmd.count);
    let units = u64::from(units.max(1));
    match cmd.opcode {
        MsmOpcode::LoadPoints => n.div_ceil(units),
        MsmOpcode::Msm => {
            let windows = u64::from(cmd.curve.windows(u32::from(cmd.window_bits).max(1)));
            windows.div_ceil(units) * (n + adder_latency)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every window is one pass of the chunk through a unit; units share the windows out
    /// whole, so a second unit halves BN254's 20 windows and a third saves nothing more
    /// than the rounding allows.
    #[test]
    fn cycles_follow_the_bucket_units() {
        let mut cmd = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254);
        cmd.count = 1 << 16;
        cmd.window_bits = 13;
        let one = msm_cycles(&cmd, 1, 91);
        assert_eq!(one, 20 * ((1 << 16) + 91));
        assert_eq!(msm_cycles(&cmd, 2, 91), one / 2);
        assert_eq!(msm_cycles(&cmd, 3, 91), 7 * ((1 << 16) + 91));
        let mut load = MsmCommand::new(MsmOpcode::LoadPoints, Curve::Bls12_381);
        load.count = 1000;
        assert_eq!(msm_cycles(&load, 2, 131), 500);
    }

    #[test]
    fn admission_names_the_word_at_fault() {
        let mut cmd = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254);
        cmd.count = 0;
        assert_eq!(admit_msm_operands(&cmd, 1 << 40).unwrap_err(), Fail(CardError::BadShape, word::COUNT));
        cmd.count = 4;
        cmd.window_bits = 17;
        assert_eq!(admit_msm_operands(&cmd, 1 << 40).unwrap_err(), Fail(CardError::BadShape, word::SHAPE));
        cmd.window_bits = 4;
        cmd.src = slotproof_firmware::memory_map::STAGE_A.base;
        cmd.aux = slotproof_firmware::memory_map::POINTS.base;
        cmd.dst = slotproof_firmware::memory_map::POINTS.base;
        assert_eq!(admit_msm_operands(&cmd, 1 << 40).unwrap_err(), Fail(CardError::OutOfBounds, word::DST));
        cmd.dst = slotproof_firmware::memory_map::BUCKETS.base;
        assert!(admit_msm_operands(&cmd, 1 << 40).is_ok());
        // A card too small for the BUCKETS region.
        assert_eq!(
            admit_msm_operands(&cmd, slotproof_firmware::memory_map::BUCKETS.base).unwrap_err(),
            Fail(CardError::OutOfBounds, word::DST)
        );
    }
}
