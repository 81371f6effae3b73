//! `Reduce64`: a lazily reduced Goldilocks sum (any value below 2^72) to its canonical
//! residue mod `p = 2^64 − 2^32 + 1`, two register stages, no DSP.
//!
//! Because `2^64 ≡ 2^32 − 1 (mod p)`, the bits above 2^64 fold back in with a shift and two
//! adds: `x = h·2^64 + l ≡ h·2^32 − h + l`. After one fold the value is below `2^64 + 2^40`;
//! a second fold of its (at most one) high bit lands below 2^64, and one conditional
//! subtraction of `p` finishes. Latency [`Reduce64::LATENCY`] = 2.

use rust_hdl::prelude::*;

/// The reducer. Build it with [`Reduce64::new`].
#[derive(LogicBlock)]
pub struct Reduce64 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `x` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The value to reduce, below 2^72.
    pub x: Signal<In, Bits<72>>,
    /// `c` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `x mod p`.
    pub c: Signal<Out, Bits<64>>,
    p: Constant<Bits<64>>,
    hi1: Signal<Local, Bits<72>>,
    fold1: Signal<Local, Bits<72>>,
    hi2: Signal<Local, Bits<72>>,
    fold2: Signal<Local, Bits<72>>,
    // Stage 1: both folds (below 2^64).
    s1_v: DFF<Bit>,
    s1_t: DFF<Bits<64>>,
    // Stage 2: the conditional subtraction.
    s2_v: DFF<Bit>,
    s2_c: DFF<Bits<64>>,
}

impl Reduce64 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 2;

    /// The Goldilocks prime.
    pub const P: u64 = 0xFFFF_FFFF_0000_0001;

    /// A reducer.
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            x: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(Self::P.to_bits()),
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

impl Default for Reduce64 {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for Reduce64 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_t, s2_v, s2_c);
        // Fold 1: h < 2^8, so the result is below 2^64 + 2^40.
        self.hi1.next = self.x.val() >> 64;
        self.fold1.next = (self.hi1.val() << 32) - self.hi1.val() + bit_cast::<72, 64>(self.x.val().get_bits::<64>(0));
        // Fold 2: h ≤ 1, and h = 1 only when the low 64 bits are below 2^40.
        self.hi2.next = self.fold1.val() >> 64;
        self.fold2.next =
            (self.hi2.val() << 32) - self.hi2.val() + bit_cast::<72, 64>(self.fold1.val().get_bits::<64>(0));
        self.s1_t.d.next = self.fold2.val().get_bits::<64>(0);
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

    #[test]
    fn reduce64_is_synthesizable() {
        let mut uut = Reduce64::new();
        uut.connect_all();
        yosys_validate("reduce64", &generate_verilog(&uut)).unwrap();
    }
}
