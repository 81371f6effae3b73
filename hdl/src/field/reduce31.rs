//! `Reduce31`: a lazily reduced sum (any value below 2^38) to its canonical residue mod
//! `p = 2^31 − 2^s + 1`, two register stages, no DSP.
//!
//! The linear layers of Poseidon2 add up to a few dozen field elements before reducing once:
//! a carry-save sum of 16 lanes plus a diagonal term and a round constant stays below 2^38.
//! Because `2^31 ≡ 2^s − 1 (mod p)`, the bits above 2^31 fold back in with a shift and two
//! adds: `x = h·2^31 + l ≡ h·2^s − h + l`. Two folds bring any 38-bit value below
//! `2^31 + 9·2^s < 2p`, and one conditional subtraction finishes. Latency
//! [`Reduce31::LATENCY`] = 2.

use rust_hdl::prelude::*;

use super::Prime31;

/// The reducer. Build it with [`Reduce31::new`].
#[derive(LogicBlock)]
pub struct Reduce31 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `x` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The value to reduce, below 2^38.
    pub x: Signal<In, Bits<40>>,
    /// `c` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `x mod p`.
    pub c: Signal<Out, Bits<32>>,
    p: Constant<Bits<32>>,
    s: Constant<Bits<8>>,
    hi1: Signal<Local, Bits<40>>,
    fold1: Signal<Local, Bits<40>>,
    hi2: Signal<Local, Bits<32>>,
    fold2: Signal<Local, Bits<32>>,
    // Stage 1: both folds (below 2p).
    s1_v: DFF<Bit>,
    s1_t: DFF<Bits<32>>,
    // Stage 2: the conditional subtraction.
    s2_v: DFF<Bit>,
    s2_c: DFF<Bits<32>>,
}

impl Reduce31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 2;

    /// Inputs must stay below this bound (exclusive).
    pub const INPUT_BOUND: u64 = 1 << 38;

    /// A reducer for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            x: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(prime.p.to_bits()),
            s: Constant::new(prime.s.to_bits()),
            hi1: Default::default(),
            fold1: Default::default(),
            hi2: Default::default(),
            fold2: Default::default(),
            s1_v: Default::default(),
            s1_t: Default::default(),
            s2_v: Default::default(),
            s2_c: Default::default(),
        }
    }
}

impl Logic for Reduce31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_t, s2_v, s2_c);
        // Fold 1: h < 2^7, so h·2^s − h + l < 2^(s+7) + 2^31 ≤ 2^34 + 2^31.
        self.hi1.next = self.x.val() >> 31;
        self.fold1.next =
            (self.hi1.val() << self.s.val()) - self.hi1.val() + bit_cast::<40, 31>(self.x.val().get_bits::<31>(0));
        // Fold 2: h < 2^4, so the result is below 2^31 + 2^(s+4) − h < 2^33 and, for the
        // primes here, below 2p: one subtraction of p at most remains.
        self.hi2.next = bit_cast::<32, 9>(self.fold1.val().get_bits::<9>(31));
        self.fold2.next =
            (self.hi2.val() << self.s.val()) - self.hi2.val() + bit_cast::<32, 31>(self.fold1.val().get_bits::<31>(0));
        self.s1_t.d.next = self.fold2.val();
        self.s1_v.d.next = self.valid_in.val();
        if self.s1_t.q.val() >= self.p.val() {
            self.s2_c.d.next = self.s1_t.q.val() - self.p.val();
        } else {
            self.s2_c.d.next = self.s1_t.q.val();
        }
        self.s2_v.d.next = self.s1_v.q.val();
        self.valid_out.next = self.s2_v.q.val();
        self.c.next = self.s2_c.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn reduce31_is_synthesizable() {
        let mut uut = Reduce31::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("reduce31", &generate_verilog(&uut)).unwrap();
    }
}
