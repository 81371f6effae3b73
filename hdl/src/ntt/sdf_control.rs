//! `SdfControl`: the shared half of one streaming DIF stage: counters, twiddle ROM, drain.
//!
//! A stage of half-size `D` sees blocks of `2D` elements and pairs element `j` with `j + D`.
//! One control drives the datapaths of all lanes ([`crate::ntt::SdfLane`]), so lanes share the
//! counters and every twiddle read. Counting valid inputs instead of cycles is what lets input
//! gaps through: a bubble simply does not advance the stage.
//!
//! - First half of a block (`c < D`): the lanes store the element in their input buffer.
//! - Second half: the lanes read back its partner and the butterfly issues; the twiddle
//!   `ω_{2D}^j` is read from the ROM in the same cycle, so both arrive together.
//! - Butterfly outputs: the sum `a + b` leaves at once (one cycle late, see below) and the
//!   difference is parked in the lane's difference buffer.
//! - After the block's last pair, the `D` differences drain, one per cycle. They need no
//!   arbitration: the next block's first sum is at least `D + 1` cycles behind (its whole
//!   first half must arrive first). The sums leave one cycle late so that the first
//!   difference, read from a one-cycle memory after the cycle its last write lands in,
//!   follows the last sum with no gap: at full rate the stage emits one element every cycle.
//!
//! Latency at full rate: [`SdfControl::latency`] = `D + 9` cycles from element `i` in to
//! element `i` out (element order within a block: `D` sums, then `D` differences, as
//! `dif_bitrev` leaves them in place).

use rust_hdl::prelude::*;

use crate::ntt::sync_mem32::MEM_ADDR_BITS;
use crate::ntt::{DifButterfly31, SyncMem32};

type Addr = Bits<MEM_ADDR_BITS>;

/// The control of one stage. Build it with [`SdfControl::new`].
#[derive(LogicBlock)]
pub struct SdfControl {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// An element arrives on every lane this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Lanes: store the arriving element at `in_addr` (first half of a block).
    pub in_we: Signal<Out, Bit>,
    /// Lanes: input-buffer address, written in the first half, read in the second.
    pub in_addr: Signal<Out, Addr>,
    /// Lanes: the butterfly's inputs (buffer word, last element, `w_mont`) are valid.
    pub bf_valid: Signal<Out, Bit>,
    /// Lanes: the twiddle for this cycle's butterfly, Montgomery form.
    pub w_mont: Signal<Out, Bits<32>>,
    /// Lanes: store the butterfly's difference at `dw_addr`.
    pub dw_we: Signal<Out, Bit>,
    /// Lanes: difference-buffer write address.
    pub dw_addr: Signal<Out, Addr>,
    /// Lanes: difference-buffer read address (the drain).
    pub dr_addr: Signal<Out, Addr>,
    /// Lanes: the output register takes the drained difference, not the delayed sum.
    pub sel_diff: Signal<Out, Bit>,
    /// The lanes' outputs are valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    half: Constant<Addr>,
    mask: Constant<Addr>,
    last: Constant<Addr>,
    rom: SyncMem32,
    second: Signal<Local, Bit>,
    c: DFF<Addr>,
    // Butterfly issue, then its valid through the butterfly's pipeline (s2..s7).
    s1_v: DFF<Bit>,
    s2_v: DFF<Bit>,
    s3_v: DFF<Bit>,
    s4_v: DFF<Bit>,
    s5_v: DFF<Bit>,
    s6_v: DFF<Bit>,
    s7_v: DFF<Bit>,
    // Pair index of the butterfly output; the sum's one-cycle wait.
    s7_j: DFF<Addr>,
    s8_v: DFF<Bit>,
    // Drain of the differences: read issued, read data valid.
    dr_on: DFF<Bit>,
    dr_j: DFF<Addr>,
    rd_v: DFF<Bit>,
    o_v: DFF<Bit>,
}

impl SdfControl {
    /// Cycles from element `i` in to element `i` out at full rate, for half-size `half`.
    pub fn latency(half: usize) -> usize {
        half + Self::PIPELINE
    }

    /// The fixed part of the latency: ROM/buffer read, butterfly, sum wait, output register.
    const PIPELINE: usize = SyncMem32::LATENCY + DifButterfly31::LATENCY + 2;

    /// The control of a stage pairing elements `twiddles.len()` apart; `twiddles[j]` is the
    /// Montgomery form of the twiddle of pair `j`. The half-size must be a power of two.
    pub fn new(twiddles_mont: &[u64]) -> Self {
        let half = twiddles_mont.len();
        assert!(half.is_power_of_two() && 2 * half <= 1 << MEM_ADDR_BITS, "half-size {half}");
        const { assert!(DifButterfly31::LATENCY == 6, "the valid chain s2..s7 must match the butterfly") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            in_we: Default::default(),
            in_addr: Default::default(),
            bf_valid: Default::default(),
            w_mont: Default::default(),
            dw_we: Default::default(),
            dw_addr: Default::default(),
            dr_addr: Default::default(),
            sel_diff: Default::default(),
            valid_out: Default::default(),
            half: Constant::new((half as u64).to_bits()),
            mask: Constant::new((half as u64 - 1).to_bits()),
            last: Constant::new((2 * half as u64 - 1).to_bits()),
            rom: SyncMem32::rom(twiddles_mont),
            second: Default::default(),
            c: Default::default(),
            s1_v: Default::default(),
            s2_v: Default::default(),
            s3_v: Default::default(),
            s4_v: Default::default(),
            s5_v: Default::default(),
            s6_v: Default::default(),
            s7_v: Default::default(),
            s7_j: Default::default(),
            s8_v: Default::default(),
            dr_on: Default::default(),
            dr_j: Default::default(),
            rd_v: Default::default(),
            o_v: Default::default(),
        }
    }
}

impl Logic for SdfControl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, c, s1_v, s2_v, s3_v, s4_v, s5_v, s6_v, s7_v, s7_j, s8_v, dr_on, dr_j, rd_v, o_v);
        // Input side: position in the block, counted in valid elements.
        self.second.next = self.c.q.val() >= self.half.val();
        self.in_addr.next = self.c.q.val() & self.mask.val();
        self.in_we.next = self.valid_in.val() & !self.second.val();
        if self.valid_in.val() {
            if self.c.q.val() == self.last.val() {
                self.c.d.next = 0.into();
            } else {
                self.c.d.next = self.c.q.val() + 1;
            }
        }
        self.rom.clock.next = self.clock.val();
        self.rom.we.next = false;
        self.rom.waddr.next = 0.into();
        self.rom.wdata.next = 0.into();
        self.rom.raddr.next = self.c.q.val() & self.mask.val();
        self.s1_v.d.next = self.valid_in.val() & self.second.val();
        self.bf_valid.next = self.s1_v.q.val();
        self.w_mont.next = self.rom.rdata.val();
        // Butterfly outputs, in pair order.
        self.s2_v.d.next = self.s1_v.q.val();
        self.s3_v.d.next = self.s2_v.q.val();
        self.s4_v.d.next = self.s3_v.q.val();
        self.s5_v.d.next = self.s4_v.q.val();
        self.s6_v.d.next = self.s5_v.q.val();
        self.s7_v.d.next = self.s6_v.q.val();
        if self.s7_v.q.val() {
            self.s7_j.d.next = (self.s7_j.q.val() + 1) & self.mask.val();
        }
        self.dw_we.next = self.s7_v.q.val();
        self.dw_addr.next = self.s7_j.q.val();
        self.s8_v.d.next = self.s7_v.q.val();
        // The drain starts the cycle after the block's last difference is written.
        if self.dr_on.q.val() {
            self.dr_j.d.next = self.dr_j.q.val() + 1;
            if self.dr_j.q.val() == self.mask.val() {
                self.dr_on.d.next = false;
            }
        }
        if self.s7_v.q.val() & (self.s7_j.q.val() == self.mask.val()) {
            self.dr_on.d.next = true;
            self.dr_j.d.next = 0.into();
        }
        self.dr_addr.next = self.dr_j.q.val();
        self.rd_v.d.next = self.dr_on.q.val();
        self.sel_diff.next = self.rd_v.q.val();
        self.o_v.d.next = self.s8_v.q.val() | self.rd_v.q.val();
        self.valid_out.next = self.o_v.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdf_control_is_synthesizable() {
        let mut uut = SdfControl::new(&[1, 2, 3, 4]);
        uut.connect_all();
        yosys_validate("sdf_control", &generate_verilog(&uut)).unwrap();
    }
}
