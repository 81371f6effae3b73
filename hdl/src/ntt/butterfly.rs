//! `Butterfly31`: radix-2 butterfly `x = a + w·b`, `y = a − w·b (mod p)` for 31-bit primes.
//!
//! Latency [`Butterfly31::LATENCY`] = 6, initiation interval 1: [`MontMul31`] (5 cycles) forms
//! `w·b` while `a` waits in a 5-deep delay line, then [`ModAdd31`] and [`ModSub31`] finish in one
//! registered stage. Resources (xcup): the multiplier's 4 DSP48E2, no other DSP.
//!
//! `w_mont` is the twiddle in Montgomery form, `w·2^32 mod p`, as the twiddle ROM stores it:
//! `REDC(b · w·2^32) = b·w`, so no conversion stage is needed.

use rust_hdl::prelude::*;

use crate::field::{ModAdd31, ModSub31, MontMul31, Prime31};

/// The butterfly. Build it with [`Butterfly31::new`].
#[derive(LogicBlock)]
pub struct Butterfly31 {
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
    /// `a + w·b mod p`.
    pub x: Signal<Out, Bits<32>>,
    /// `a − w·b mod p`.
    pub y: Signal<Out, Bits<32>>,
    mul: MontMul31,
    add: ModAdd31,
    sub: ModSub31,
    // `a` waits for the product: one register per multiplier stage.
    s1_a: DFF<Bits<32>>,
    s2_a: DFF<Bits<32>>,
    s3_a: DFF<Bits<32>>,
    s4_a: DFF<Bits<32>>,
    s5_a: DFF<Bits<32>>,
}

impl Butterfly31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = MontMul31::LATENCY + ModAdd31::LATENCY;

    /// A butterfly for `prime`.
    pub fn new(prime: Prime31) -> Self {
        const { assert!(MontMul31::LATENCY == 5, "the delay line of `a` must match the multiplier") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            w_mont: Default::default(),
            valid_out: Default::default(),
            x: Default::default(),
            y: Default::default(),
            mul: MontMul31::new(prime),
            add: ModAdd31::new(prime),
            sub: ModSub31::new(prime),
            s1_a: Default::default(),
            s2_a: Default::default(),
            s3_a: Default::default(),
            s4_a: Default::default(),
            s5_a: Default::default(),
        }
    }
}

impl Logic for Butterfly31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_a, s2_a, s3_a, s4_a, s5_a);
        self.s1_a.d.next = self.a.val();
        self.s2_a.d.next = self.s1_a.q.val();
        self.s3_a.d.next = self.s2_a.q.val();
        self.s4_a.d.next = self.s3_a.q.val();
        self.s5_a.d.next = self.s4_a.q.val();
        // w·b.
        self.mul.clock.next = self.clock.val();
        self.mul.valid_in.next = self.valid_in.val();
        self.mul.a.next = self.b.val();
        self.mul.b.next = self.w_mont.val();
        // a ± w·b, both registered in the same cycle.
        self.add.clock.next = self.clock.val();
        self.add.valid_in.next = self.mul.valid_out.val();
        self.add.a.next = self.s5_a.q.val();
        self.add.b.next = self.mul.c.val();
        self.sub.clock.next = self.clock.val();
        self.sub.valid_in.next = self.mul.valid_out.val();
        self.sub.a.next = self.s5_a.q.val();
        self.sub.b.next = self.mul.c.val();
        self.valid_out.next = self.add.valid_out.val();
        self.x.next = self.add.c.val();
        self.y.next = self.sub.c.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn butterfly31_is_synthesizable() {
        let mut uut = Butterfly31::new(Prime31::new(FieldId::KoalaBear).unwrap());
        uut.connect_all();
        yosys_validate("butterfly31", &generate_verilog(&uut)).unwrap();
    }
}
