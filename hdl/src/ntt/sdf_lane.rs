//! `SdfLane`: the per-column datapath of one streaming DIF stage.
//!
//! Everything that depends on the data and nothing that can be shared: the input buffer
//! that holds the first half of a block until its partners arrive, the [`DifButterfly31`],
//! the difference buffer that holds `(a − b)·w` until the sums have left, and the output
//! register. The schedule comes from the stage's [`crate::ntt::SdfControl`]; its module doc
//! explains it. Two buffers of `D` words per stage (`2(n − 1)` words per lane over a whole
//! NTT) instead of the textbook SDF's single feedback delay buy a butterfly with any latency
//! and no feedback timing to close around it.

use rust_hdl::prelude::*;

use crate::field::Prime31;
use crate::ntt::sync_mem32::MEM_ADDR_BITS;
use crate::ntt::{DifButterfly31, SyncMem32};

type Addr = Bits<MEM_ADDR_BITS>;

/// One lane of one stage. Build it with [`SdfLane::new`].
#[derive(LogicBlock)]
pub struct SdfLane {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The arriving element (meaningful when the control's `valid_in` is high).
    pub data_in: Signal<In, Bits<32>>,
    /// From the control: store `data_in` at `in_addr`.
    pub in_we: Signal<In, Bit>,
    /// From the control: input-buffer address.
    pub in_addr: Signal<In, Addr>,
    /// From the control: the butterfly's inputs are valid.
    pub bf_valid: Signal<In, Bit>,
    /// From the control: the twiddle, Montgomery form.
    pub w_mont: Signal<In, Bits<32>>,
    /// From the control: store the difference at `dw_addr`.
    pub dw_we: Signal<In, Bit>,
    /// From the control: difference-buffer write address.
    pub dw_addr: Signal<In, Addr>,
    /// From the control: difference-buffer read address.
    pub dr_addr: Signal<In, Addr>,
    /// From the control: output the drained difference rather than the sum.
    pub sel_diff: Signal<In, Bit>,
    /// The stage's output element (valid when the control's `valid_out` is high).
    pub data_out: Signal<Out, Bits<32>>,
    in_buf: SyncMem32,
    diff_buf: SyncMem32,
    bf: DifButterfly31,
    // The second element of a pair waits one cycle for its partner's buffer read.
    s1_b: DFF<Bits<32>>,
    // The sum waits one cycle so the drained differences follow it without a gap.
    s8_x: DFF<Bits<32>>,
    o_x: DFF<Bits<32>>,
}

impl SdfLane {
    /// The datapath of a stage of half-size `half` for `prime`.
    pub fn new(prime: Prime31, half: usize) -> Self {
        Self {
            clock: Default::default(),
            data_in: Default::default(),
            in_we: Default::default(),
            in_addr: Default::default(),
            bf_valid: Default::default(),
            w_mont: Default::default(),
            dw_we: Default::default(),
            dw_addr: Default::default(),
            dr_addr: Default::default(),
            sel_diff: Default::default(),
            data_out: Default::default(),
            in_buf: SyncMem32::ram(half),
            diff_buf: SyncMem32::ram(half),
            bf: DifButterfly31::new(prime),
            s1_b: Default::default(),
            s8_x: Default::default(),
            o_x: Default::default(),
        }
    }
}

impl Logic for SdfLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_b, s8_x, o_x);
        self.in_buf.clock.next = self.clock.val();
        self.in_buf.we.next = self.in_we.val();
        self.in_buf.waddr.next = self.in_addr.val();
        self.in_buf.wdata.next = self.data_in.val();
        self.in_buf.raddr.next = self.in_addr.val();
        self.s1_b.d.next = self.data_in.val();
        self.bf.clock.next = self.clock.val();
        self.bf.valid_in.next = self.bf_valid.val();
        self.bf.a.next = self.in_buf.rdata.val();
        self.bf.b.next = self.s1_b.q.val();
        self.bf.w_mont.next = self.w_mont.val();
        self.diff_buf.clock.next = self.clock.val();
        self.diff_buf.we.next = self.dw_we.val();
        self.diff_buf.waddr.next = self.dw_addr.val();
        self.diff_buf.wdata.next = self.bf.y.val();
        self.diff_buf.raddr.next = self.dr_addr.val();
        self.s8_x.d.next = self.bf.x.val();
        if self.sel_diff.val() {
            self.o_x.d.next = self.diff_buf.rdata.val();
        } else {
            self.o_x.d.next = self.s8_x.q.val();
        }
        self.data_out.next = self.o_x.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn sdf_lane_is_synthesizable() {
        let mut uut = SdfLane::new(Prime31::new(FieldId::BabyBear).unwrap(), 4);
        uut.connect_all();
        yosys_validate("sdf_lane", &generate_verilog(&uut)).unwrap();
    }
}
