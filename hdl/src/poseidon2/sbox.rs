//! `Sbox31`: the Poseidon2 S-box `x ↦ x^d` on one lane, `d = 7` (BabyBear) or `d = 3`
//! (KoalaBear), in Montgomery form, one result per cycle.
//!
//! `x^3 = x²·x` (two multiplications, depth 2); `x^7 = x³·x⁴` with `x⁴ = (x²)²` computed
//! beside `x³` (four multiplications, depth 3). Latency [`Sbox31::latency`]: 10 cycles for
//! `x^3`, 15 for `x^7`. Resources: 4 DSP48E2 per multiplier (8 or 16).

use rust_hdl::prelude::*;
use slotproof_core::FieldId;

use crate::field::{MontMul31, Prime31};

/// The S-box. Build it with [`Sbox31::new`].
#[derive(LogicBlock)]
pub struct Sbox31 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `x` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The lane, in Montgomery form.
    pub x: Signal<In, Bits<32>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `x^d`, in Montgomery form.
    pub y: Signal<Out, Bits<32>>,
    degree7: Constant<Bit>,
    /// x².
    sq: MontMul31,
    /// x³ = x²·x.
    cube: MontMul31,
    /// x⁴ = x²·x² (x^7 only).
    fourth: MontMul31,
    /// x⁷ = x³·x⁴ (x^7 only).
    seventh: MontMul31,
    // `x` waits for x² (one multiplier latency).
    d1_x: DFF<Bits<32>>,
    d2_x: DFF<Bits<32>>,
    d3_x: DFF<Bits<32>>,
    d4_x: DFF<Bits<32>>,
    d5_x: DFF<Bits<32>>,
}

impl Sbox31 {
    /// The S-box of `prime`'s field: `x^7` for BabyBear, `x^3` for KoalaBear.
    pub fn new(prime: Prime31) -> Self {
        const { assert!(MontMul31::LATENCY == 5, "the delay line of x must match the multiplier") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            x: Default::default(),
            valid_out: Default::default(),
            y: Default::default(),
            degree7: Constant::new(Self::degree(prime) == 7),
            sq: MontMul31::new(prime),
            cube: MontMul31::new(prime),
            fourth: MontMul31::new(prime),
            seventh: MontMul31::new(prime),
            d1_x: Default::default(),
            d2_x: Default::default(),
            d3_x: Default::default(),
            d4_x: Default::default(),
            d5_x: Default::default(),
        }
    }

    /// The S-box exponent of `prime`'s field (as the golden model's Poseidon2 uses).
    pub fn degree(prime: Prime31) -> u64 {
        match prime.field {
            FieldId::KoalaBear => 3,
            _ => 7,
        }
    }

    /// The longest [`Sbox31::latency`] of any field: `x^7`'s three multiplications.
    pub const MAX_LATENCY: usize = 3 * MontMul31::LATENCY;

    /// Cycles from `valid_in` to `valid_out`.
    pub fn latency(prime: Prime31) -> usize {
        if Self::degree(prime) == 7 { Self::MAX_LATENCY } else { 2 * MontMul31::LATENCY }
    }
}

impl Logic for Sbox31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, d1_x, d2_x, d3_x, d4_x, d5_x);
        self.d1_x.d.next = self.x.val();
        self.d2_x.d.next = self.d1_x.q.val();
        self.d3_x.d.next = self.d2_x.q.val();
        self.d4_x.d.next = self.d3_x.q.val();
        self.d5_x.d.next = self.d4_x.q.val();
        // Depth 1: x².
        self.sq.clock.next = self.clock.val();
        self.sq.valid_in.next = self.valid_in.val();
        self.sq.a.next = self.x.val();
        self.sq.b.next = self.x.val();
        // Depth 2: x³ = x²·x and x⁴ = x²·x², side by side.
        self.cube.clock.next = self.clock.val();
        self.cube.valid_in.next = self.sq.valid_out.val();
        self.cube.a.next = self.sq.c.val();
        self.cube.b.next = self.d5_x.q.val();
        self.fourth.clock.next = self.clock.val();
        self.fourth.valid_in.next = self.sq.valid_out.val();
        self.fourth.a.next = self.sq.c.val();
        self.fourth.b.next = self.sq.c.val();
        // Depth 3: x⁷ = x³·x⁴.
        self.seventh.clock.next = self.clock.val();
        self.seventh.valid_in.next = self.cube.valid_out.val();
        self.seventh.a.next = self.cube.c.val();
        self.seventh.b.next = self.fourth.c.val();
        if self.degree7.val() {
            self.valid_out.next = self.seventh.valid_out.val();
            self.y.next = self.seventh.c.val();
        } else {
            self.valid_out.next = self.cube.valid_out.val();
            self.y.next = self.cube.c.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbox31_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let mut uut = Sbox31::new(Prime31::new(field).unwrap());
            uut.connect_all();
            yosys_validate(&format!("sbox31_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}
