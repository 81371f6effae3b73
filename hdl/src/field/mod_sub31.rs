//! `ModSub31`: `c = a − b mod p` for a 31-bit prime, one register stage.
//!
//! Latency [`ModSub31::LATENCY`] = 1, initiation interval 1, no DSP. A borrow is repaired
//! by adding `p` back; `a + p < 2^32`, so no intermediate overflows.

use rust_hdl::prelude::*;

use super::Prime31;

/// The subtractor. Build it with [`ModSub31::new`].
#[derive(LogicBlock)]
pub struct ModSub31 {
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
    /// `a − b mod p`, canonical.
    pub c: Signal<Out, Bits<32>>,
    p: Constant<Bits<32>>,
    s1_v: DFF<Bit>,
    s1_c: DFF<Bits<32>>,
}

impl ModSub31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 1;

    /// A subtractor for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(prime.p.to_bits()),
            s1_v: Default::default(),
            s1_c: Default::default(),
        }
    }
}

impl Logic for ModSub31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_c);
        if self.a.val() >= self.b.val() {
            self.s1_c.d.next = self.a.val() - self.b.val();
        } else {
            self.s1_c.d.next = self.a.val() + self.p.val() - self.b.val();
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
    fn mod_sub31_is_synthesizable() {
        let mut uut = ModSub31::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("mod_sub31", &generate_verilog(&uut)).unwrap();
    }
}
