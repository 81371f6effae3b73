//! `ModAdd31`: `c = a + b mod p` for a 31-bit prime, one register stage.
//!
//! Latency [`ModAdd31::LATENCY`] = 1, initiation interval 1, no DSP. Both operands are
//! below 2^31, so the sum fits 32 bits and one conditional subtract reduces it.

use rust_hdl::prelude::*;

use super::Prime31;

/// The adder. Build it with [`ModAdd31::new`].
#[derive(LogicBlock)]
pub struct ModAdd31 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Operands are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// First operand, canonical.
    pub a: Signal<In, Bits<32>>,
    /// Second operand, canonical.
    pub b: Signal<In, Bits<32>>,
    /// `c` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `a + b mod p`, canonical.
    pub c: Signal<Out, Bits<32>>,
    p: Constant<Bits<32>>,
    sum: Signal<Local, Bits<32>>,
    s1_v: DFF<Bit>,
    s1_c: DFF<Bits<32>>,
}

impl ModAdd31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 1;

    /// An adder for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(prime.p.to_bits()),
            sum: Default::default(),
            s1_v: Default::default(),
            s1_c: Default::default(),
        }
    }
}

impl Logic for ModAdd31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_c);
        self.sum.next = self.a.val() + self.b.val();
        if self.sum.val() >= self.p.val() {
            self.s1_c.d.next = self.sum.val() - self.p.val();
        } else {
            self.s1_c.d.next = self.sum.val();
        }
        self.s1_v.d.next = self.valid_in.val();
        self.valid_out.next = self.s1_v.q.val();
        self.c.next = self.s1_c.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn mod_add31_is_synthesizable() {
        let mut uut = ModAdd31::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("mod_add31", &generate_verilog(&uut)).unwrap();
    }
}
