//! The streaming commitment: a trace goes through a card in column batches, double-buffered
//! so that the next batch crosses PCIe while the card computes the current one.
//!
//! ```text
//!  uploader thread                         command thread (caller)
//!  ───────────────                         ───────────────────────
//!  wait for a free stage (A or B)  ◄─────  stage freed after COMMIT_BATCH i
//!  pack batch i+1 (rayon transpose)
//!  H2C on every channel, disjoint  ─────►  COMMIT_BATCH i+1 on that stage
//!  ranges of the stage                     (retry on a damaged payload)
//! ```
//!
//! The sponge of each LDE row absorbs the row's elements in column order, so batches whose
//! width is a multiple of the rate continue every row's sponge where the previous batch left
//! it; only the last batch may be narrower. The last batch also builds the tree (the Merkle
//! unit takes the digests as they are squeezed), and the host reads back the root (and, for
//! sampled verification, a few paths).
//!
//! Several cards share one trace by slices: slice `s` of `2^t` is a contiguous block of the
//! bit-reversed LDE rows, hence a whole subtree, so each card returns a subroot and the host
//! compresses the `2^t` subroots to the root.

use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use slotproof_core::FieldId;
use slotproof_core::golden::merkle::compress;
use slotproof_core::golden::poseidon2::{Poseidon2Spec, SpongeParams};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::command::slice;
use slotproof_firmware::memory_map::{self, Region};
use slotproof_firmware::{CardError, Command, Field, Flags, Opcode};

use super::driver::{CardDriver, CardFault};
use super::trace_view::{TraceView, abi_field};
use super::verify::{OpenedPath, parse_paths};
use crate::transport::{DmaBuffer, Transport};

/// How to stream.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// H2C channels used side by side for one batch (at most what the card has).
    pub channels: usize,
    /// Target bytes of one column batch; the batch width is rounded to a multiple of the rate.
    pub batch_bytes: usize,
    /// Largest single transfer call ([`memory_map::CALL_BYTES`] by default).
    pub call_bytes: usize,
    /// Attempts per batch when a payload arrives damaged or a transfer comes back short.
    pub attempts: u32,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            channels: memory_map::H2C_CHANNELS,
            batch_bytes: memory_map::BATCH_BYTES,
            call_bytes: memory_map::CALL_BYTES,
            attempts: 3,
        }
    }
}

/// Which part of the bit-reversed LDE a card commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// Slice index.
    pub index: u32,
    /// log2 of the number of slices (0: the whole LDE).
    pub log_count: u32,
}

impl Slice {
    /// The whole LDE.
    pub const WHOLE: Slice = Slice { index: 0, log_count: 0 };
}

/// What one slice's run produced.
#[derive(Clone, Debug)]
pub struct SliceRun {
    /// The subtree root (the root itself for [`Slice::WHOLE`]), canonical.
    pub root: Vec<u64>,
    /// Batches whose upload or command had to be repeated.
    pub retries: u32,
    /// Bytes sent to the card.
    pub bytes_up: u64,
    /// The authentication paths asked for, within the slice's subtree (local indices).
    pub paths: Vec<OpenedPath>,
}

/// The column batches of a trace: `(first, end)` column pairs.
pub fn plan_batches(
    field: Field,
    rows: usize,
    cols: usize,
    max_cols: usize,
    target_bytes: usize,
) -> Vec<(usize, usize)> {
    let width = memory_map::batch_width(field.rate(), rows * field.elem_bytes(), cols, max_cols, target_bytes);
    (0..cols).step_by(width).map(|c0| (c0, (c0 + width).min(cols))).collect()
}

fn stage(i: usize) -> Region {
    if i.is_multiple_of(2) { memory_map::STAGE_A } else { memory_map::STAGE_B }
}

/// Uploads `bytes` to `addr`, split over `channels` H2C channels from separate threads, each
/// in calls of at most `call_bytes`.
pub(crate) fn upload_split<T: Transport>(
    card: &CardDriver<T>,
    addr: u64,
    bytes: &[u8],
    channels: usize,
    call_bytes: usize,
) -> Result<(), CardFault> {
    let piece = bytes.len().div_ceil(channels.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = bytes
            .chunks(piece)
            .enumerate()
            .map(|(ch, part)| {
                s.spawn(move || {
                    let base = addr + (ch * piece) as u64;
                    for (k, call) in part.chunks(call_bytes.max(1)).enumerate() {
                        card.upload(ch, base + (k * call_bytes) as u64, call)?;
                    }
                    Ok::<(), CardFault>(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Runs `op` up to `attempts` times while its failure is transient, counting the retries.
pub(crate) fn with_retries<R>(
    attempts: u32,
    retries: &mut u32,
    what: &str,
    mut op: impl FnMut() -> Result<R, CardFault>,
) -> Result<R, CardFault> {
    let mut tries = 0;
    loop {
        tries += 1;
        match op() {
            Ok(r) => return Ok(r),
            Err(e) if e.is_transient() && tries < attempts => {
                log::warn!("{what}: {e}; retrying ({tries} of {attempts})");
                *retries += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Loads twiddles (for an LDE of 2^`log_lde`) and round constants for `field` unless the card
/// already holds them.
pub fn load_tables<T: Transport>(
    card: &CardDriver<T>,
    field: Field,
    log_lde: usize,
    attempts: u32,
) -> Result<(), CardFault> {
    if card.tables_loaded(field)? && card.twiddles_cover(field, log_lde) {
        return Ok(());
    }
    let mut retries = 0;
    let twiddles = slotproof_sim::device::twiddle_table(field, log_lde as u8);
    let constants = slotproof_sim::device::constants_table(field);
    let base = memory_map::TABLES.base;
    for (op, bytes, addr) in [
        (Opcode::LoadTwiddles, &twiddles, base),
        (Opcode::LoadConstants, &constants, base + twiddles.len().next_multiple_of(4096) as u64),
    ] {
        with_retries(attempts, &mut retries, op.mnemonic(), || {
            let crc = card.upload(0, addr, bytes)?;
            let mut cmd = Command::new(op, field).with_payload(addr, bytes.len() as u32, crc);
            cmd.log_rows = log_lde as u8;
            card.run(cmd).map(|_| ())
        })?;
    }
    card.note_twiddles(field, log_lde);
    Ok(())
}

/// Commits slice `slice` of `trace`'s bit-reversed LDE on `card`, streaming the trace in
/// column batches, and reads back the authentication paths of the leaves `open` (indices
/// within the slice) while the card still holds the tree. `progress` gets the number of
/// trace columns done.
pub fn commit_slice<T: Transport>(
    card: &CardDriver<T>,
    trace: &TraceView<'_>,
    log_blowup: usize,
    slice: Slice,
    open: &[u32],
    opts: &StreamOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SliceRun, CardFault> {
    let field = abi_field(trace.field());
    let log_n = trace.rows().trailing_zeros() as usize;
    let log_lde = log_n + log_blowup;
    card.check_job(field, log_lde, log_blowup)?;
    load_tables(card, field, log_lde, opts.attempts)?;
    let id = card.identity();
    let batches = plan_batches(field, trace.rows(), trace.cols(), id.max_batch_cols as usize, opts.batch_bytes);
    let widest = batches.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    let stage_bytes = trace.batch_bytes(widest);
    if stage_bytes as u64 > memory_map::STAGE_A.size {
        return Err(CardFault::Missing {
            card: id.name.clone(),
            what: format!("staging room for a {widest}-column batch of 2^{log_n} rows ({stage_bytes} bytes)"),
        });
    }
    let channels = opts.channels.clamp(1, card.transport().info().h2c_channels.max(1));
    let staging =
        || DmaBuffer::new(stage_bytes).map_err(|source| CardFault::Transfer { card: id.name.clone(), source });
    let host_stages = [Mutex::new(staging()?), Mutex::new(staging()?)];
    let log_rows_out = log_lde - slice.log_count as usize;
    let leaves_bytes = (field.digest_bytes() as u64) << log_rows_out;
    let mut retries = 0u32;
    let mut bytes_up = 0u64;

    std::thread::scope(|s| -> Result<(), CardFault> {
        // Two stages: the uploader may run one batch ahead of the card and no further.
        let (free_tx, free_rx) = sync_channel::<usize>(2);
        let (ready_tx, ready_rx) = sync_channel::<Result<(usize, usize, u32), CardFault>>(1);
        free_tx.send(0).and_then(|_| free_tx.send(1)).expect("receiver alive");
        let host_stages = &host_stages;
        let batches_ref = &batches;
        s.spawn(move || {
            for (i, &(c0, c1)) in batches_ref.iter().enumerate() {
                let Ok(k) = free_rx.recv() else { return };
                let len = trace.batch_bytes(c1 - c0);
                let mut buf = host_stages[k].lock().unwrap_or_else(|e| e.into_inner());
                trace.pack(c0, c1, &mut buf.as_mut_slice()[..len]);
                let bytes = &buf.as_slice()[..len];
                let mut local_retries = 0;
                let sent = with_retries(opts.attempts, &mut local_retries, "batch upload", || {
                    upload_split(card, stage(k).base, bytes, channels, opts.call_bytes)
                });
                let msg = sent.map(|()| (i, k, checksum(bytes)));
                let failed = msg.is_err();
                if ready_tx.send(msg).is_err() || failed {
                    return;
                }
            }
        });
        for (i, &(c0, c1)) in batches.iter().enumerate() {
            let (got, k, crc) = ready_rx.recv().map_err(|_| CardFault::Protocol {
                card: id.name.clone(),
                what: "the uploader stopped early".into(),
            })??;
            debug_assert_eq!(got, i);
            let len = trace.batch_bytes(c1 - c0);
            let mut flags = Flags(0);
            if i == 0 {
                flags = flags | Flags::FIRST;
            }
            if i + 1 == batches.len() {
                flags = flags | Flags::LAST;
            }
            let mut cmd = Command::new(Opcode::CommitBatch, field).with_payload(stage(k).base, len as u32, crc);
            cmd.flags = cmd.flags | flags;
            cmd.aux = memory_map::SPONGE.base;
            cmd.dst = memory_map::TREE.base;
            cmd.log_rows = log_n as u8;
            cmd.log_blowup = log_blowup as u8;
            cmd.cols = (c1 - c0) as u16;
            cmd.count = slice::SLICE.bits(slice.index) | slice::LOG_SLICES.bits(slice.log_count);
            let mut first_try = true;
            with_retries(opts.attempts, &mut retries, "COMMIT_BATCH", || {
                if !first_try {
                    // The payload arrived damaged: send the stage again from the host copy,
                    // which the uploader does not touch until the stage is freed.
                    let buf = host_stages[k].lock().unwrap_or_else(|e| e.into_inner());
                    upload_split(card, stage(k).base, &buf.as_slice()[..len], channels, opts.call_bytes)?;
                }
                first_try = false;
                card.run(cmd)
            })?;
            bytes_up += len as u64;
            progress(c1);
            // The uploader may already have given up after a failed upload.
            let _ = free_tx.send(k);
        }
        Ok(())
    })?;

    let tree = memory_map::TREE;
    if tree.size < 2 * leaves_bytes {
        return Err(CardFault::Missing {
            card: id.name.clone(),
            what: format!("tree room for 2^{log_rows_out} leaves"),
        });
    }
    // The last COMMIT_BATCH left the whole tree (leaves, then every layer) at TREE: the
    // Merkle unit consumes the digests as the sponges squeeze them, so no BUILD_TREE pass.
    let root = read_root(card, field, tree.base, log_rows_out, opts.attempts, &mut retries)?;
    let paths = if open.is_empty() {
        Vec::new()
    } else {
        read_paths(card, field, tree.base, log_rows_out, open, opts.attempts, &mut retries)?
    };
    Ok(SliceRun { root, retries, bytes_up, paths })
}

/// Where the leaf indices of a `READ_PATHS` go, and where its answer comes back.
const PATH_INDICES: u64 = memory_map::RESULT.base + (1 << 20);
const PATH_ANSWER: u64 = memory_map::RESULT.base + (2 << 20);

/// Reads the leaf digest and authentication path of each leaf in `indices` from the tree
/// over 2^`log_leaves` leaves that the card holds at `tree` (in the TREE region).
pub fn read_paths<T: Transport>(
    card: &CardDriver<T>,
    field: Field,
    tree: u64,
    log_leaves: usize,
    indices: &[u32],
    attempts: u32,
    retries: &mut u32,
) -> Result<Vec<OpenedPath>, CardFault> {
    let want = indices.len() * (1 + log_leaves) * field.digest_bytes();
    if want as u64 > memory_map::RESULT.end() - PATH_ANSWER {
        return Err(CardFault::Missing {
            card: card.identity().name.clone(),
            what: format!("result room for {} paths ({want} bytes)", indices.len()),
        });
    }
    let bytes: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
    let done = with_retries(attempts, retries, "READ_PATHS", || {
        let crc = card.upload(0, PATH_INDICES, &bytes)?;
        let mut cmd = Command::new(Opcode::ReadPaths, field).with_payload(PATH_INDICES, bytes.len() as u32, crc);
        cmd.aux = tree;
        cmd.dst = PATH_ANSWER;
        cmd.log_rows = log_leaves as u8;
        cmd.count = indices.len() as u32;
        card.run(cmd)
    })?;
    expect_len(card, "READ_PATHS", done.result_len as usize, want)?;
    let answer = with_retries(attempts, retries, "path read-back", || {
        card.download(0, PATH_ANSWER, want, done.result_crc, "paths")
    })?;
    parse_paths(field_id(field), log_leaves, indices, &answer).map_err(|e| CardFault::Protocol {
        card: card.identity().name.clone(),
        what: format!("READ_PATHS answer: {e}"),
    })
}

/// Reads the root of the tree over 2^`log_leaves` leaves that the card holds at `tree`.
pub fn read_root<T: Transport>(
    card: &CardDriver<T>,
    field: Field,
    tree: u64,
    log_leaves: usize,
    attempts: u32,
    retries: &mut u32,
) -> Result<Vec<u64>, CardFault> {
    let mut cmd = Command::new(Opcode::ReadRoot, field);
    cmd.aux = tree;
    cmd.dst = memory_map::RESULT.base;
    cmd.log_rows = log_leaves as u8;
    let done = card.run(cmd)?;
    expect_len(card, "READ_ROOT", done.result_len as usize, field.digest_bytes())?;
    let bytes = with_retries(attempts, retries, "root read-back", || {
        card.download(0, memory_map::RESULT.base, field.digest_bytes(), done.result_crc, "root")
    })?;
    parse_digests(card, field, &bytes, "root").map(|mut d| d.remove(0))
}

pub(crate) fn expect_len<T: Transport>(
    card: &CardDriver<T>,
    what: &str,
    got: usize,
    want: usize,
) -> Result<(), CardFault> {
    if got == want {
        return Ok(());
    }
    Err(CardFault::Protocol {
        card: card.identity().name.clone(),
        what: format!("{what} wrote {got} bytes, expected {want}"),
    })
}

/// Splits little-endian digest bytes into canonical digests, refusing non-canonical values
/// (a card's answer is untrusted input).
pub fn parse_digests<T: Transport>(
    card: &CardDriver<T>,
    field: Field,
    bytes: &[u8],
    what: &str,
) -> Result<Vec<Vec<u64>>, CardFault> {
    let eb = field.elem_bytes();
    let p = field_id(field).modulus();
    let bad =
        |detail: String| CardFault::Protocol { card: card.identity().name.clone(), what: format!("{what}: {detail}") };
    if !bytes.len().is_multiple_of(field.digest_bytes()) {
        return Err(bad(format!(
            "{} bytes is not a whole number of {}-byte digests",
            bytes.len(),
            field.digest_bytes()
        )));
    }
    bytes
        .chunks_exact(field.digest_bytes())
        .map(|d| {
            d.chunks_exact(eb)
                .map(|e| {
                    let mut w = [0u8; 8];
                    w[..eb].copy_from_slice(e);
                    let v = u64::from_le_bytes(w);
                    if v < p { Ok(v) } else { Err(bad(format!("non-canonical element {v} (p = {p})"))) }
                })
                .collect()
        })
        .collect()
}

pub use slotproof_sim::device::executor::field_id;

/// The top `t` levels of the tree over `2^t` subroots in slice order: level 0 the subroots,
/// the last level the root alone.
pub fn top_levels(field: FieldId, subroots: Vec<Vec<u64>>) -> Vec<Vec<Vec<u64>>> {
    let perm = Poseidon2Spec::for_field(field);
    let sp = SpongeParams::for_field(field);
    let mut levels = vec![subroots];
    while levels.last().map_or(0, Vec::len) > 1 {
        let next =
            levels.last().expect("non-empty").chunks_exact(2).map(|p| compress(&perm, sp, &p[0], &p[1])).collect();
        levels.push(next);
    }
    levels
}

/// A path opened inside slice `slice` of `2^t`, lifted to the whole tree: the global leaf
/// index, and the siblings of the top `t` levels appended from `top` ([`top_levels`]).
pub fn lift_path(mut path: OpenedPath, slice: usize, log_rows_per_slice: usize, top: &[Vec<Vec<u64>>]) -> OpenedPath {
    path.index += slice << log_rows_per_slice;
    for level in top.iter().take(top.len().saturating_sub(1)) {
        let pos = (slice >> (path.siblings.len() - log_rows_per_slice)) ^ 1;
        path.siblings.push(level[pos].clone());
    }
    path
}

/// Whether `e` says the card itself misbehaved (as opposed to the job not fitting it).
pub fn is_card_fault(e: &CardFault) -> bool {
    !matches!(
        e,
        CardFault::Missing { .. } | CardFault::Command { error: CardError::Unsupported | CardError::BadShape, .. }
    )
}
