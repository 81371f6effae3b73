//! Descriptor generators shared by the card's RTL tests.
// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use slotproof_core::sample::SplitMix64;
use slotproof_firmware::memory_map;
use slotproof_hdl::card::Limits;
use slotproof_sim::device::executor::ShapeLimits;

/// The device model's form of a bitstream's limits.
pub fn shape_limits(l: Limits) -> ShapeLimits {
    ShapeLimits {
        max_log_lde_rows: l.max_log_lde_rows,
        max_log_blowup: l.max_log_blowup,
        max_batch_cols: l.max_batch_cols,
    }
}

/// An address for a range of `len` bytes: inside a region (often at its edges), across a
/// boundary, past the end of memory, or wrapping around 2^64.
pub fn place(r: &mut SplitMix64, len: u64) -> u64 {
    let region = memory_map::ALL[(r.next_u64() % memory_map::ALL.len() as u64) as usize];
    let jitter = ((r.next_u64() % 9) as i64 - 4) * [1, 4, 4096][(r.next_u64() % 3) as usize];
    let shift = |a: u64| a.wrapping_add_signed(jitter);
    match r.next_u64() % 8 {
        0 => shift(region.base),
        1 => shift(region.end().wrapping_sub(len)),
        2 => region.base + r.next_u64() % region.size.saturating_sub(len).max(1),
        3 => r.next_u64(),
        4 => u64::MAX - r.next_u64() % (len + 8),
        5 => shift(region.end()),
        _ => region.base + (r.next_u64() % region.size.saturating_sub(len).max(1)) / 64 * 64,
    }
}
