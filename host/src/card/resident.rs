//! Trees that stay on the card: the host hands over rows it already holds (an LDE another
//! prover computed, a FRI layer), the card hashes them into a tree in its TREE region, and the
//! tree stays there, each at its own address, so that a prover's query phase reads paths from
//! the card long after the commit, without sending any row again.
//!
//! ```text
//!  host rows ──pack──► STAGE_A ──HASH_LEAVES (FIRST … LAST)──► TREE @ addr: leaves, layers, root
//!                                                                   │
//!                              READ_ROOT / READ_CAP / READ_PATHS ◄──┘  (any time until dropped)
//! ```
//!
//! [`TreeSpace`] hands out disjoint ranges of the TREE region; a [`ResidentTree`] gives its
//! range back when dropped, so a prover holding several commitments (trace, quotient, every
//! FRI layer) holds several trees, and one it no longer needs frees its room.
//!
//! The rows go through one staging buffer, upload and hash in turn: the streaming commit's
//! double buffering ([`super::stream`]) is not applied here yet, so on a real card the link
//! and the card take turns rather than overlap.

use std::sync::{Arc, Mutex};

use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map;
use slotproof_firmware::{Command, Field, Flags, Opcode};

use super::driver::{CardDriver, CardFault};
use super::stream::{
    expect_len, load_tables, parse_digests, plan_batches, read_paths, read_root, upload_split, with_retries,
};
use super::verify::OpenedPath;
use crate::transport::{DmaBuffer, Transport};

/// Free ranges of the card's TREE region, first fit.
#[derive(Debug)]
pub struct TreeSpace {
    /// `(base, bytes)`, ascending and never adjacent (neighbours are merged).
    free: Mutex<Vec<(u64, u64)>>,
}

impl Default for TreeSpace {
    fn default() -> Self {
        Self { free: Mutex::new(vec![(memory_map::TREE.base, memory_map::TREE.size)]) }
    }
}

impl TreeSpace {
    /// Takes `bytes` (rounded to whole pages), or `None` when no free range is that large.
    fn take(&self, bytes: u64) -> Option<u64> {
        let bytes = bytes.next_multiple_of(4096);
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let i = free.iter().position(|&(_, size)| size >= bytes)?;
        let (base, size) = free[i];
        if size == bytes {
            free.remove(i);
        } else {
            free[i] = (base + bytes, size - bytes);
        }
        Some(base)
    }

    /// Gives back a range [`TreeSpace::take`] returned.
    fn give(&self, base: u64, bytes: u64) {
        let bytes = bytes.next_multiple_of(4096);
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let i = free.partition_point(|&(b, _)| b < base);
        free.insert(i, (base, bytes));
        // Merge with the right neighbour, then the left, so the region never fragments into
        // pieces that together would have fit a tree.
        if i + 1 < free.len() && free[i].0 + free[i].1 == free[i + 1].0 {
            free[i].1 += free[i + 1].1;
            free.remove(i + 1);
        }
        if i > 0 && free[i - 1].0 + free[i - 1].1 == free[i].0 {
            free[i - 1].1 += free[i].1;
            free.remove(i);
        }
    }

    /// Bytes free in all.
    pub fn free_bytes(&self) -> u64 {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|r| r.1).sum()
    }
}

/// A tree the card holds: `2^log_leaves` leaf digests, then every layer above, root last, at
/// `addr`. Dropping it frees its room in the TREE region.
#[derive(Debug)]
pub struct ResidentTree {
    field: Field,
    addr: u64,
    bytes: u64,
    log_leaves: usize,
    space: Arc<TreeSpace>,
}

impl ResidentTree {
    /// Where the tree starts in card memory.
    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// log2 of the leaves.
    pub fn log_leaves(&self) -> usize {
        self.log_leaves
    }

    /// Its root.
    pub fn root<T: Transport>(&self, card: &CardDriver<T>, attempts: u32) -> Result<Vec<u64>, CardFault> {
        read_root(card, self.field, self.addr, self.log_leaves, attempts, &mut 0)
    }

    /// The `2^height` digests `height` layers below the root, left to right.
    pub fn cap<T: Transport>(
        &self,
        card: &CardDriver<T>,
        height: usize,
        attempts: u32,
    ) -> Result<Vec<Vec<u64>>, CardFault> {
        let want = self.field.digest_bytes() << height;
        let done = with_retries(attempts, &mut 0, "READ_CAP", || {
            let mut cmd = Command::new(Opcode::ReadCap, self.field);
            cmd.aux = self.addr;
            cmd.dst = memory_map::RESULT.base;
            cmd.log_rows = self.log_leaves as u8;
            cmd.count = height as u32;
            card.run(cmd)
        })?;
        expect_len(card, "READ_CAP", done.result_len as usize, want)?;
        let bytes = with_retries(attempts, &mut 0, "cap read-back", || {
            card.download(0, memory_map::RESULT.base, want, done.result_crc, "cap")
        })?;
        parse_digests(card, self.field, &bytes, "cap")
    }

    /// The leaf digest and every sibling (leaf level first) of each leaf in `indices`.
    pub fn paths<T: Transport>(
        &self,
        card: &CardDriver<T>,
        indices: &[u32],
        attempts: u32,
    ) -> Result<Vec<OpenedPath>, CardFault> {
        read_paths(card, self.field, self.addr, self.log_leaves, indices, attempts, &mut 0)
    }
}

impl Drop for ResidentTree {
    fn drop(&mut self) {
        self.space.give(self.addr, self.bytes);
    }
}

/// Hashes `2^log_rows` rows of `cols` elements into a tree the card keeps. `pack(c0, c1, out)`
/// writes columns `c0..c1` of the rows in card layout (column after column, each element
/// `field.elem_bytes()` little-endian bytes) into `out`. Columns go over in batches of at most
/// `batch_bytes`, widths a multiple of the sponge rate so each row's sponge continues across
/// batches, each split over the card's H2C channels in calls of at most `CALL_BYTES`; a
/// damaged upload is sent again, up to `attempts` tries.
#[allow(clippy::too_many_arguments)]
pub fn commit_rows<T: Transport>(
    card: &CardDriver<T>,
    space: &Arc<TreeSpace>,
    field: Field,
    log_rows: usize,
    cols: usize,
    pack: &(dyn Fn(usize, usize, &mut [u8]) + Sync),
    batch_bytes: usize,
    attempts: u32,
) -> Result<ResidentTree, CardFault> {
    let name = || card.identity().name.clone();
    let missing = |what: String| CardFault::Missing { card: name(), what };
    if cols == 0 {
        return Err(missing("rows of no columns (the sponge of an empty row is not the card's to hash)".into()));
    }
    card.check_job(field, log_rows, 0)?;
    load_tables(card, field, log_rows, attempts)?;
    let rows = 1usize << log_rows;
    let batches = plan_batches(field, rows, cols, card.identity().max_batch_cols as usize, batch_bytes);
    let widest = batches.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    let stage_bytes = widest * rows * field.elem_bytes();
    if stage_bytes as u64 > memory_map::STAGE_A.size {
        return Err(missing(format!("staging room for {widest} columns of 2^{log_rows} rows")));
    }
    let tree_bytes = ((2u64 << log_rows) - 1) * field.digest_bytes() as u64;
    let addr = space
        .take(tree_bytes)
        .ok_or_else(|| missing(format!("tree room for 2^{log_rows} leaves ({tree_bytes} bytes)")))?;
    // From here the range is the tree's: dropping it on an error frees the room again.
    let tree = ResidentTree { field, addr, bytes: tree_bytes, log_leaves: log_rows, space: Arc::clone(space) };

    let mut staged = DmaBuffer::new(stage_bytes).map_err(|source| CardFault::Transfer { card: name(), source })?;
    let stage = memory_map::STAGE_A.base;
    let channels = memory_map::H2C_CHANNELS.clamp(1, card.transport().info().h2c_channels.max(1));
    for (i, &(c0, c1)) in batches.iter().enumerate() {
        let len = (c1 - c0) * rows * field.elem_bytes();
        pack(c0, c1, &mut staged.as_mut_slice()[..len]);
        let bytes = &staged.as_slice()[..len];
        let crc = checksum(bytes);
        let mut cmd = Command::new(Opcode::HashLeaves, field).with_payload(stage, len as u32, crc);
        if i == 0 {
            cmd.flags = cmd.flags | Flags::FIRST;
        }
        if i + 1 == batches.len() {
            cmd.flags = cmd.flags | Flags::LAST;
        }
        cmd.aux = memory_map::SPONGE.base;
        cmd.dst = addr;
        cmd.log_rows = log_rows as u8;
        cmd.cols = (c1 - c0) as u16;
        // Upload and command retried together: a payload the card found damaged is sent
        // again from the host copy.
        with_retries(attempts, &mut 0, "HASH_LEAVES", || {
            upload_split(card, stage, bytes, channels, memory_map::CALL_BYTES)?;
            card.run(cmd)
        })?;
    }
    Ok(tree)
}
