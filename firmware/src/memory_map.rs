//! Where buffers live in card memory: the address the host passes to `pwrite`/`pread` on
//! the XDMA channels, and the addresses in command descriptors.
//!
//! Regions sit in separate memory banks (HBM pseudo-channel groups or DDR channels) so that
//! the host filling one staging buffer, the kernel reading the other and the sponge states
//! being updated never contend for one bank. The two staging buffers are the ping-pong pair
//! that lets a transfer overlap compute. The layout fits the 8 GB of the smallest supported
//! card (C1100, U280 HBM).

/// A region of card memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Name, upper case.
    pub name: &'static str,
    /// First byte.
    pub base: u64,
    /// Bytes.
    pub size: u64,
    /// Memory bank group it occupies.
    pub bank: u8,
    /// What it holds.
    pub doc: &'static str,
}

impl Region {
    /// One past the last byte.
    pub const fn end(&self) -> u64 {
        self.base + self.size
    }

    /// Whether `[addr, addr + len)` lies inside the region (no overflow).
    pub const fn contains(&self, addr: u64, len: u64) -> bool {
        match addr.checked_add(len) {
            Some(end) => addr >= self.base && end <= self.end(),
            None => false,
        }
    }
}

use crate::Opcode;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// Twiddles and Poseidon2 round constants (`LOAD_*`).
pub const TABLES: Region =
    Region { name: "TABLES", base: 0, size: 256 * MIB, bank: 0, doc: "twiddles and round constants" };
/// Staging buffer A: a column batch being computed while B fills, and the other way round.
pub const STAGE_A: Region =
    Region { name: "STAGE_A", base: 256 * MIB, size: 512 * MIB, bank: 1, doc: "column batch, ping" };
/// Staging buffer B.
pub const STAGE_B: Region =
    Region { name: "STAGE_B", base: 768 * MIB, size: 512 * MIB, bank: 2, doc: "column batch, pong" };
/// LDE output of the `LDE` command.
pub const LDE: Region = Region { name: "LDE", base: 1280 * MIB, size: 2 * GIB, bank: 3, doc: "LDE column batch" };
/// Per-row sponge states between batches.
pub const SPONGE: Region =
    Region { name: "SPONGE", base: 1280 * MIB + 2 * GIB, size: 2 * GIB, bank: 4, doc: "one sponge state per LDE row" };
/// The tree: leaf digests, then every layer above them, root last.
pub const TREE: Region =
    Region { name: "TREE", base: 1280 * MIB + 4 * GIB, size: 1536 * MIB, bank: 5, doc: "leaf digests and layers" };
/// Small results the host reads back (root, cap, paths) and the path indices it uploads.
pub const RESULT: Region = Region {
    name: "RESULT",
    base: 1280 * MIB + 4 * GIB + 1536 * MIB,
    size: 64 * MIB,
    bank: 0,
    doc: "root, cap, paths",
};

/// MSM points, loaded once by `LOAD_POINTS` and named by every `MSM` after (2^22 BLS12-381
/// points). Not in [`ALL`]: it exists on cards with an MSM engine ([`crate::msm`]).
pub const POINTS: Region =
    Region { name: "POINTS", base: RESULT.end(), size: 512 * MIB, bank: 6, doc: "resident MSM points" };
/// MSM buckets and exception lists, what the host reduces (16-bit windows of BLS12-381 take
/// 97 MiB).
pub const BUCKETS: Region =
    Region { name: "BUCKETS", base: POINTS.end(), size: 256 * MIB, bank: 7, doc: "MSM buckets and exceptions" };
/// The MSM extension's regions, in address order, after every region of [`ALL`].
pub const MSM: &[Region] = &[POINTS, BUCKETS];
/// Card memory a card with an MSM engine needs.
pub const MSM_REQUIRED_BYTES: u64 = BUCKETS.end();

// The MSM regions fit the smallest card too.
const _: () = assert!(MSM_REQUIRED_BYTES <= 8 * GIB);

/// Bytes of one streamed column batch the host aims for: large enough that the per-call cost
/// of a DMA transfer is noise, small enough that at least four batches overlap upload with
/// compute on realistic traces.
pub const BATCH_BYTES: usize = 32 << 20;
/// H2C channels the host splits one batch over, each from its own thread: one call's set-up
/// overlaps the other channel's bytes on the link.
pub const H2C_CHANNELS: usize = 2;
/// Largest single DMA call (the XDMA notes: 4–64 MiB amortises the per-call cost without
/// hitting the driver's page-pinning failures).
pub const CALL_BYTES: usize = 16 << 20;

/// Columns in one streamed batch: as many as fit `target_bytes` (and the card's limit),
/// rounded down to a multiple of the sponge `rate` so that no absorption straddles two
/// batches, and at most a quarter of the trace when the columns allow: with one or two
/// batches the card waits for the first upload and the link for the last batch's compute,
/// and nothing overlaps. The host streams by this rule and the planner models it.
pub const fn batch_width(rate: usize, col_bytes: usize, cols: usize, max_cols: usize, target_bytes: usize) -> usize {
    let quarter = cols.div_ceil(4).next_multiple_of(rate);
    let by_bytes = target_bytes / if col_bytes == 0 { 1 } else { col_bytes };
    let by_card = if max_cols > rate { max_cols } else { rate };
    let mut fit = if by_bytes < by_card { by_bytes } else { by_card };
    if quarter < fit {
        fit = quarter;
    }
    let width = fit / rate;
    (if width == 0 { 1 } else { width }) * rate
}

/// A command operand that names a range of card memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// `SRC`: the input.
    Src,
    /// `AUX`: sponge states or a tree the command reads.
    Aux,
    /// `DST`: the output.
    Dst,
}

impl Operand {
    /// The operands in the order the card checks them.
    pub const ALL: [Operand; 3] = [Operand::Src, Operand::Aux, Operand::Dst];

    /// The descriptor word holding the low half of its address.
    pub const fn word(self) -> u8 {
        match self {
            Operand::Src => crate::command::word::SRC,
            Operand::Aux => crate::command::word::AUX,
            Operand::Dst => crate::command::word::DST,
        }
    }
}

/// The regions an operand of `op` may lie in: empty when the opcode has no such operand.
/// (`HASH_LEAVES` and `COMMIT_BATCH` write DST only with `LAST`.) A range must lie inside
/// one of them entirely; the card refuses anything else with `OUT_OF_BOUNDS`.
pub const fn operand_regions(op: Opcode, operand: Operand) -> &'static [Region] {
    const STAGES: &[Region] = &[STAGE_A, STAGE_B];
    match (op, operand) {
        (Opcode::LoadTwiddles | Opcode::LoadConstants, Operand::Src) => &[TABLES, STAGE_A, STAGE_B],
        (Opcode::Lde | Opcode::CommitBatch, Operand::Src) => STAGES,
        (Opcode::Lde, Operand::Dst) => &[LDE],
        (Opcode::HashLeaves, Operand::Src) => &[LDE, STAGE_A, STAGE_B],
        (Opcode::HashLeaves | Opcode::CommitBatch, Operand::Aux) => &[SPONGE],
        (Opcode::HashLeaves | Opcode::CommitBatch | Opcode::BuildTree, Operand::Dst) => &[TREE],
        (Opcode::BuildTree, Operand::Src) => &[TREE],
        (Opcode::ReadRoot | Opcode::ReadCap | Opcode::ReadPaths, Operand::Aux) => &[TREE],
        (Opcode::ReadRoot | Opcode::ReadCap | Opcode::ReadPaths, Operand::Dst) => &[RESULT],
        (Opcode::ReadPaths, Operand::Src) => &[RESULT, STAGE_A, STAGE_B],
        _ => &[],
    }
}

/// Every region in address order.
pub const ALL: &[Region] = &[TABLES, STAGE_A, STAGE_B, LDE, SPONGE, TREE, RESULT];

/// Card memory the layout needs.
pub const REQUIRED_BYTES: u64 = RESULT.end();

// The smallest supported card has 8 GB.
const _: () = assert!(REQUIRED_BYTES <= 8 * GIB);

/// The region that holds `[addr, addr + len)` entirely, if one does.
pub fn region_of(addr: u64, len: u64) -> Option<&'static Region> {
    ALL.iter().find(|r| r.contains(addr, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_ordered_disjoint_and_page_aligned() {
        let mut end = 0;
        for r in ALL.iter().chain(MSM) {
            assert!(r.base >= end, "{} overlaps", r.name);
            assert_eq!(r.base % 4096, 0, "{} not page-aligned", r.name);
            end = r.end();
        }
    }

    #[test]
    fn containment_is_exact() {
        assert!(STAGE_A.contains(STAGE_A.base, STAGE_A.size));
        assert!(!STAGE_A.contains(STAGE_A.base, STAGE_A.size + 1));
        assert!(!STAGE_A.contains(STAGE_A.base - 1, 2));
        assert!(!STAGE_A.contains(u64::MAX - 3, 8));
        assert_eq!(region_of(SPONGE.base + 5, 10).map(|r| r.name), Some("SPONGE"));
        assert_eq!(region_of(STAGE_B.end() - 4, 8), None);
    }
}
