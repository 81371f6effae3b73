//! `DifButterfly31`: the decimation-in-frequency butterfly `x = a + b`, `y = (a − b)·w (mod p)`.
//!
//! This is the butterfly of the golden model's `dif_bitrev` (natural-order input, bit-reversed
//! output), which the streaming NTT core is built from; [`crate::ntt::Butterfly31`] is the
//! decimation-in-time one. Latency [`DifButterfly31::LATENCY`] = 6, initiation interval 1:
//! [`ModAdd31`]/[`ModSub31`] in one registered stage, then [`MontMul31`] (5 cycles) multiplies
//! the difference while the sum waits in a 5-deep delay line. The twiddle arrives with `a` and
//! `b` and is held one cycle so it meets the difference at the multiplier.
//!
//! `w_mont` is the twiddle in Montgomery form (`w·2^32 mod p`), so `REDC((a − b)·w·2^32)` is
//! the plain product.

use rust_hdl::prelude::*;

use crate::field::{ModAdd31, ModSub31, MontMul31, Prime31};

/// The butterfly. Build it with [`DifButterfly31::new`].
#[derive(LogicBlock)]
pub struct DifButterfly31 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Inputs are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Upper input, canonical.
    pub a: Signal<In, Bits<32>>,
    /// Lower input, canonical.
    pub b: Signal<In, Bits<32>>,
    /// Twiddle in Montgomery form, `w·2^32 mod p`.
    pub w_mont: Signal<In, Bits<32>>,
    /// `x` and `y` are valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `a + b mod p`.
    pub x: Signal<Out, Bits<32>>,
    /// `(a − b)·w mod p`.
    pub y: Signal<Out, Bits<32>>,
    add: ModAdd31,
    sub: ModSub31,
    mul: MontMul31,
    // The twiddle waits for the difference.
    s1_w: DFF<Bits<32>>,
    // The sum waits for the product: one register per multiplier stage.
    s2_x: DFF<Bits<32>>,
    s3_x: DFF<Bits<32>>,
    s4_x: DFF<Bits<32>>,
    s5_x: DFF<Bits<32>>,
    s6_x: DFF<Bits<32>>,
}

impl DifButterfly31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = ModSub31::LATENCY + MontMul31::LATENCY;

    /// A butterfly for `prime`.
    pub fn new(prime: Prime31) -> Self {
        const { assert!(MontMul31::LATENCY == 5 && ModAdd31::LATENCY == 1 && ModSub31::LATENCY == 1, "delay lines") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            w_mont: Default::default(),
            valid_out: Default::default(),
            x: Default::default(),
            y: Default::default(),
            add: ModAdd31::new(prime),
            sub: ModSub31::new(prime),
            mul: MontMul31::new(prime),
            s1_w: Default::default(),
            s2_x: Default::default(),
            s3_x: Default::default(),
            s4_x: Default::default(),
            s5_x: Default::default(),
            s6_x: Default::default(),
        }
    }
}

impl Logic for DifButterfly31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_w, s2_x, s3_x, s4_x, s5_x, s6_x);
        self.add.clock.next = self.clock.val();
        self.add.valid_in.next = self.valid_in.val();
        self.add.a.next = self.a.val();
        self.add.b.next = self.b.val();
        self.sub.clock.next = self.clock.val();
        self.sub.valid_in.next = self.valid_in.val();
        self.sub.a.next = self.a.val();
        self.sub.b.next = self.b.val();
        self.s1_w.d.next = self.w_mont.val();
        self.mul.clock.next = self.clock.val();
        self.mul.valid_in.next = self.sub.valid_out.val();
        self.mul.a.next = self.sub.c.val();
        self.mul.b.next = self.s1_w.q.val();
        self.s2_x.d.next = self.add.c.val();
        self.s3_x.d.next = self.s2_x.q.val();
        self.s4_x.d.next = self.s3_x.q.val();
        self.s5_x.d.next = self.s4_x.q.val();
        self.s6_x.d.next = self.s5_x.q.val();
        self.valid_out.next = self.mul.valid_out.val();
        self.x.next = self.s6_x.q.val();
        self.y.next = self.mul.c.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn dif_butterfly31_is_synthesizable() {
        let mut uut = DifButterfly31::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("dif_butterfly31", &generate_verilog(&uut)).unwrap();
    }
}
