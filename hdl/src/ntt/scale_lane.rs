//! `ScaleLane`: a per-column multiplier beside the NTT stages, `x_i · f_i`.
//!
//! It is what turns the forward DIF network into the other transforms. In front of the
//! stages, `f_i = shift^i` gives the coset DFT; behind them (with inverse twiddles in the
//! stages), `f_j = n^(−1)` gives the inverse DFT and `f_j = n^(−1) · shift^(−bitrev(j))` the
//! coset inverse. The factor comes from the core's shared [`crate::ntt::FactorRom`], in
//! Montgomery form, one cycle after the element (the ROM read), which is why the element is
//! registered first.
//!
//! A side with no factor (both, for the forward transform) is built with `bypass`: the lane
//! is a plain delay of the same latency, so every mode of the core has the same latency and
//! schedule. The multiplier is still in the netlist but drives nothing, and synthesis
//! removes it.
//! Latency [`ScaleLane::LATENCY`] = 6.

use rust_hdl::prelude::*;

use crate::field::{MontMul31, Prime31};

/// One lane's multiplier. Build it with [`ScaleLane::new`].
#[derive(LogicBlock)]
pub struct ScaleLane {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `data_in` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Element, canonical.
    pub data_in: Signal<In, Bits<32>>,
    /// Its factor in Montgomery form, one cycle after `data_in`.
    pub factor_mont: Signal<In, Bits<32>>,
    /// `data_out` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `data_in · factor` (or `data_in` when bypassed), canonical.
    pub data_out: Signal<Out, Bits<32>>,
    bypass: Constant<Bit>,
    mul: MontMul31,
    s1_v: DFF<Bit>,
    s1_x: DFF<Bits<32>>,
    // The bypass path: as long as the multiplier.
    s2_x: DFF<Bits<32>>,
    s3_x: DFF<Bits<32>>,
    s4_x: DFF<Bits<32>>,
    s5_x: DFF<Bits<32>>,
    s6_x: DFF<Bits<32>>,
}

impl ScaleLane {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 1 + MontMul31::LATENCY;

    /// A lane for `prime`; `bypass` skips the multiplication.
    pub fn new(prime: Prime31, bypass: bool) -> Self {
        const { assert!(MontMul31::LATENCY == 5, "the bypass path s2..s6 must match the multiplier") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            data_in: Default::default(),
            factor_mont: Default::default(),
            valid_out: Default::default(),
            data_out: Default::default(),
            bypass: Constant::new(bypass),
            mul: MontMul31::new(prime),
            s1_v: Default::default(),
            s1_x: Default::default(),
            s2_x: Default::default(),
            s3_x: Default::default(),
            s4_x: Default::default(),
            s5_x: Default::default(),
            s6_x: Default::default(),
        }
    }
}

impl Logic for ScaleLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_x, s2_x, s3_x, s4_x, s5_x, s6_x);
        self.s1_v.d.next = self.valid_in.val();
        self.s1_x.d.next = self.data_in.val();
        self.mul.clock.next = self.clock.val();
        self.mul.valid_in.next = self.s1_v.q.val();
        self.mul.a.next = self.s1_x.q.val();
        self.mul.b.next = self.factor_mont.val();
        self.s2_x.d.next = self.s1_x.q.val();
        self.s3_x.d.next = self.s2_x.q.val();
        self.s4_x.d.next = self.s3_x.q.val();
        self.s5_x.d.next = self.s4_x.q.val();
        self.s6_x.d.next = self.s5_x.q.val();
        self.valid_out.next = self.mul.valid_out.val();
        if self.bypass.val() {
            self.data_out.next = self.s6_x.q.val();
        } else {
            self.data_out.next = self.mul.c.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn scale_lane_is_synthesizable() {
        for bypass in [false, true] {
            let mut uut = ScaleLane::new(Prime31::new(FieldId::KoalaBear).unwrap(), bypass);
            uut.connect_all();
            yosys_validate(&format!("scale_lane_{bypass}"), &generate_verilog(&uut)).unwrap();
        }
    }
}
