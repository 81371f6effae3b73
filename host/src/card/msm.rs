//! MSM on a card: the points go over the link once and stay in the card's POINTS region
//! (`LOAD_POINTS`), the scalars stream through the two staging buffers in chunks (one `MSM`
//! command each, the first with `FIRST`), and the window buckets come back for the host to
//! reduce: a running sum per window, then Horner over the windows. The card does the
//! `n · windows` additions; the host does `2 · 2^(c−1)` per window plus the handful of
//! doublings the card handed back, which is what makes the split pay.
//!
//! Every transfer is checksummed both ways, as the commitment's are: the card echoes the
//! checksum of what it read and reports the checksum of what it wrote.

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::{AdditiveGroup, Field, PrimeField, Zero};
use rayon::prelude::*;
use slotproof_core::cpu::msm::digits::signed_digits;
use slotproof_core::curve::{CurveId, MsmCurve};
use slotproof_core::msm_layout::{MontCodec, bucket_bytes, decode_bucket, decode_point, encode_points, encode_scalars};
use slotproof_firmware::Flags;
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{self, BUCKETS, POINTS, STAGE_A, STAGE_B};
use slotproof_firmware::msm::{
    EXCEPTION_SLOTS, MAX_POINTS, MSM_CAPS, MsmCommand, MsmOpcode, WINDOW_BITS_RANGE, bucket_table_bytes,
    buckets_per_window, exception_list_bytes, result_bytes,
};

use slotproof_sim::device::msm::abi_curve;

use super::driver::{CardDriver, CardFault, ResidentPoints};
use super::stream::{upload_split, with_retries};
use crate::transport::Transport;

/// Scalars per `MSM` command: 8 MiB of scalars, so that the next chunk's upload overlaps
/// a chunk's compute on a card, and a chunk's buckets stay the only state between them.
pub const CHUNK_POINTS: usize = 1 << 18;

/// The widest window the card's bucket units hold (`hdl::msm::BucketUnit` with 2^12
/// buckets: 13-bit signed windows).
pub const CARD_WINDOW_BITS: u32 = 13;

/// How the host drives a card MSM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardMsmOptions {
    /// Window width; `None`: the host's cost model, capped at [`CARD_WINDOW_BITS`].
    pub window_bits: Option<u32>,
    /// Scalars per `MSM` command.
    pub chunk_points: usize,
    /// Tries per transfer-and-command before a transient fault is reported.
    pub attempts: u32,
}

impl Default for CardMsmOptions {
    fn default() -> Self {
        Self { window_bits: None, chunk_points: CHUNK_POINTS, attempts: 3 }
    }
}

/// How a card MSM went.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CardMsmStats {
    /// The points were uploaded by this call (false: they were already resident).
    pub points_uploaded: bool,
    /// `MSM` commands (scalar chunks).
    pub chunks: usize,
    /// Additions the card handed back (a point equal to its bucket), added in on the host.
    pub exceptions: u64,
    /// Windows whose exception list overflowed, recomputed on the host.
    pub windows_recomputed: usize,
    /// Transient faults retried.
    pub retries: u32,
}

/// Checks the card can run an MSM of `n` points on `curve`.
pub fn check_msm_card<T: Transport>(card: &CardDriver<T>, curve: CurveId, n: usize) -> Result<(), CardFault> {
    let id = card.identity();
    let missing = |what: String| Err(CardFault::Missing { card: id.name.clone(), what });
    let cap = abi_curve(curve).cap();
    if !cap.is_set(id.caps) {
        let has = if id.caps & MSM_CAPS == 0 { "no MSM engine" } else { "an MSM engine for another curve" };
        return missing(format!("an MSM engine for {curve} (CAPS.{}; the card has {has})", cap.name));
    }
    let need = memory_map::MSM_REQUIRED_BYTES.div_ceil(1 << 20);
    if u64::from(id.mem_mib) < need {
        return missing(format!("memory for the MSM regions: reports {} MiB, needs {need} MiB", id.mem_mib));
    }
    if n > MAX_POINTS as usize {
        return missing(format!("room for {n} points (POINTS holds {MAX_POINTS})"));
    }
    Ok(())
}

/// `sum_i scalars[i] · points[i]` on `card`; returns the sum and the window width used.
/// Points already resident from an earlier call with the same points are not sent again.
/// The caller checks the inputs (`slotproof_core::curve::check_msm_points`): the card
/// refuses bad ones too, but names only the operand.
pub fn msm_on_card<P: MsmCurve, T: Transport>(
    card: &CardDriver<T>,
    points: &[Affine<P>],
    scalars: &[P::ScalarField],
    opts: &CardMsmOptions,
) -> Result<(Projective<P>, u32, CardMsmStats), CardFault> {
    let (window_bits, attempts, chunk_points) = (opts.window_bits, opts.attempts, opts.chunk_points.max(1));
    if points.len() != scalars.len() {
        return Err(CardFault::Protocol {
            card: card.identity().name.clone(),
            what: format!("{} points but {} scalars", points.len(), scalars.len()),
        });
    }
    let n = points.len();
    check_msm_card(card, P::ID, n)?;
    let curve = abi_curve(P::ID);
    let c = window_bits.unwrap_or_else(|| {
        slotproof_core::cpu::msm::window_bits(n, P::ScalarField::MODULUS_BIT_SIZE, rayon::current_num_threads())
            .clamp(*WINDOW_BITS_RANGE.start(), CARD_WINDOW_BITS)
    });
    if !WINDOW_BITS_RANGE.contains(&c) {
        return Err(CardFault::Missing {
            card: card.identity().name.clone(),
            what: format!(
                "{c}-bit windows (the card takes {}..={})",
                WINDOW_BITS_RANGE.start(),
                WINDOW_BITS_RANGE.end()
            ),
        });
    }
    let mut stats = CardMsmStats::default();
    let channels = card.transport().info().h2c_channels.max(1);

    // The points, unless the card still holds exactly these.
    let point_bytes = encode_points(points);
    let key = ResidentPoints { curve, count: n as u32, crc: checksum(&point_bytes) };
    if card.resident_points() != Some(key) {
        card.note_points(None);
        with_retries(attempts, &mut stats.retries, "LOAD_POINTS", || {
            upload_split(card, STAGE_A.base, &point_bytes, channels, memory_map::CALL_BYTES)?;
            let mut cmd = MsmCommand::new(MsmOpcode::LoadPoints, curve).with_payload(
                STAGE_A.base,
                point_bytes.len() as u32,
                key.crc,
            );
            cmd.dst = POINTS.base;
            cmd.count = key.count;
            card.run_msm(cmd)
        })?;
        card.note_points(Some(key));
        stats.points_uploaded = true;
    }

    // The scalars, chunk by chunk, alternating staging buffers.
    let pb = curve.point_bytes() as u64;
    let mut last = None;
    for (k, chunk) in scalars.chunks(chunk_points).enumerate() {
        let stage = if k % 2 == 0 { STAGE_A } else { STAGE_B };
        let bytes = encode_scalars::<P>(chunk);
        let start = (k * chunk_points) as u64;
        let mut cmd =
            MsmCommand::new(MsmOpcode::Msm, curve).with_payload(stage.base, bytes.len() as u32, checksum(&bytes));
        cmd.aux = POINTS.base + start * pb;
        cmd.dst = BUCKETS.base;
        cmd.count = chunk.len() as u32;
        cmd.window_bits = c as u8;
        if k == 0 {
            cmd.flags = cmd.flags | Flags::FIRST;
        }
        // A chunk after the first cannot be retried alone once it ran (its points are in
        // the buckets): a failure there restarts nothing and is reported.
        let done = if k == 0 {
            with_retries(attempts, &mut stats.retries, "MSM", || {
                upload_split(card, stage.base, &bytes, channels, memory_map::CALL_BYTES)?;
                card.run_msm(cmd)
            })?
        } else {
            upload_split(card, stage.base, &bytes, channels, memory_map::CALL_BYTES)?;
            card.run_msm(cmd)?
        };
        stats.chunks += 1;
        last = Some(done);
    }
    let Some(done) = last else {
        return Ok((Projective::zero(), c, stats));
    };
    let len = result_bytes(curve, c) as usize;
    let result = card.download(0, BUCKETS.base, len, done.result_crc, "MSM buckets")?;
    let sum = reduce::<P>(&result, points, scalars, c, &mut stats).map_err(|what| CardFault::Protocol {
        card: card.identity().name.clone(),
        what: format!("MSM buckets: {what}: the card's answer is wrong"),
    })?;
    Ok((sum, c, stats))
}

/// A window's sum, the doublings the card handed back in it, and whether it was
/// recomputed on the host.
type WindowSum<P> = (Projective<P>, u64, bool);

/// The host's half: every window's buckets (plus the card's exceptions) reduced to the
/// window's sum, then Horner over the windows.
fn reduce<P: MsmCurve>(
    result: &[u8],
    points: &[Affine<P>],
    scalars: &[P::ScalarField],
    c: u32,
    stats: &mut CardMsmStats,
) -> Result<Projective<P>, String> {
    let curve = abi_curve(P::ID);
    if result.len() as u64 != result_bytes(curve, c) {
        return Err(format!("{} bytes, the layout has {}", result.len(), result_bytes(curve, c)));
    }
    let nb = buckets_per_window(c) as usize;
    let bb = bucket_bytes::<P>();
    let (tables, lists) = result.split_at(bucket_table_bytes(curve, c) as usize);
    let list_bytes = exception_list_bytes(curve) as usize;
    let codec = MontCodec::<P::BaseField>::new();
    let pb = curve.point_bytes();
    let per_window: Vec<Result<WindowSum<P>, String>> = tables
        .par_chunks_exact(nb * bb)
        .zip(lists.par_chunks_exact(list_bytes))
        .enumerate()
        .map(|(w, (table, list))| {
            let count = u64::from(u32::from_le_bytes([list[0], list[1], list[2], list[3]]));
            if count > EXCEPTION_SLOTS as u64 {
                // The card could not record every doubling: recompute this window here.
                return Ok((window_sum_on_host(points, scalars, c, w), count, true));
            }
            let mut buckets: Vec<Projective<P>> = table
                .chunks_exact(bb)
                .enumerate()
                .map(|(b, bytes)| {
                    let x = decode_bucket(&codec, bytes).ok_or(format!("window {w} bucket {b}: coordinate ≥ p"))?;
                    if x.infinity {
                        return Ok(Projective::zero());
                    }
                    // A damaged bucket is off the curve (with overwhelming probability): with
                    // x = X/ZZ, y = Y/ZZZ and ZZ³ = ZZZ², y² = x³ + ax + b is
                    // Y² = X³ + a·X·ZZ² + b·ZZ³. Eight products a bucket, against the
                    // 2^(c−1) additions the reduction spends anyway.
                    let zz3 = x.zz.square() * x.zz;
                    let rhs = x.x.square() * x.x + P::COEFF_A * x.x * x.zz.square() + P::COEFF_B * zz3;
                    if zz3 != x.zzz.square() || x.y.square() != rhs {
                        return Err(format!("window {w} bucket {b} is not on the curve"));
                    }
                    // XYZZ (X, Y, ZZ, ZZZ) is Jacobian (X·ZZ², Y·ZZZ², ZZZ): x = X/ZZ, y = Y/ZZZ.
                    Ok(Projective::new_unchecked(x.x * x.zz.square(), x.y * x.zzz.square(), x.zzz))
                })
                .collect::<Result<_, String>>()?;
            for e in 0..count as usize {
                let entry = &list[4 + e * (4 + pb)..4 + (e + 1) * (4 + pb)];
                let b = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]) as usize;
                let point =
                    decode_point::<P>(&codec, &entry[4..]).map_err(|f| format!("window {w} exception {e}: {f}"))?;
                let slot = buckets.get_mut(b).ok_or(format!("window {w} exception {e}: bucket {b} out of range"))?;
                *slot += point;
            }
            let mut running = Projective::<P>::zero();
            let mut sum = Projective::<P>::zero();
            for b in buckets.iter().rev() {
                running += b;
                sum += running;
            }
            Ok((sum, count, false))
        })
        .collect();
    let mut total = Projective::<P>::zero();
    for r in per_window.into_iter().rev() {
        let (sum, count, recomputed) = r?;
        for _ in 0..c {
            total.double_in_place();
        }
        total += sum;
        stats.exceptions += count;
        stats.windows_recomputed += usize::from(recomputed);
    }
    Ok(total)
}

/// Window `w`'s sum `Σ_b (b+1)·bucket_b` computed on the host alone, from the same digits.
fn window_sum_on_host<P: MsmCurve>(
    points: &[Affine<P>],
    scalars: &[P::ScalarField],
    c: u32,
    w: usize,
) -> Projective<P> {
    let windows = abi_curve(P::ID).windows(c) as usize;
    let mut digits = vec![0i32; windows];
    let mut sum = Projective::<P>::zero();
    for (p, s) in points.iter().zip(scalars) {
        if p.is_zero() {
            continue;
        }
        signed_digits(&s.into_bigint(), c, &mut digits);
        let d = digits[w];
        if d != 0 {
            let term = p.mul_bigint([u64::from(d.unsigned_abs())]);
            if d < 0 { sum -= term } else { sum += term }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::msm_layout::SCALAR_BYTES as CORE_SCALAR_BYTES;
    use slotproof_firmware::msm::Curve;

    #[test]
    fn layouts_agree() {
        assert_eq!(slotproof_firmware::msm::SCALAR_BYTES, CORE_SCALAR_BYTES);
        assert_eq!(
            Curve::Bn254.point_bytes(),
            slotproof_core::msm_layout::point_bytes::<slotproof_core::curve::Bn254>()
        );
        assert_eq!(
            Curve::Bls12_381.bucket_bytes(),
            slotproof_core::msm_layout::bucket_bytes::<slotproof_core::curve::Bls12_381>()
        );
        for c in WINDOW_BITS_RANGE {
            for (curve, bits) in [(Curve::Bn254, 254), (Curve::Bls12_381, 255)] {
                assert_eq!(curve.windows(c) as usize, slotproof_core::cpu::msm::digits::signed_windows(bits, c));
            }
        }
    }
}
