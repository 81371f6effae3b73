//! `Sbox64`: the Goldilocks Poseidon2 S-box `x ↦ x^7` on one canonical lane, one result per
//! cycle: `x^7 = x³·x⁴` with `x³ = x²·x` and `x⁴ = (x²)²` side by side (four
//! [`GoldilocksMul`]s, depth 3). Latency [`Sbox64::LATENCY`] = 18. Resources: 16 DSP48E2 per
//! multiplier.

use rust_hdl::prelude::*;

use crate::field::GoldilocksMul;

/// The S-box. Build it with [`Sbox64::new`].
#[derive(LogicBlock)]
pub struct Sbox64 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `x` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The lane, canonical.
    pub x: Signal<In, Bits<64>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `x^7`, canonical.
    pub y: Signal<Out, Bits<64>>,
    sq: GoldilocksMul,
    cube: GoldilocksMul,
    fourth: GoldilocksMul,
    seventh: GoldilocksMul,
    /// `x` waits for x² (one multiplier latency).
    wait_x: [DFF<Bits<64>>; 6],
}

impl Sbox64 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 3 * GoldilocksMul::LATENCY;

    /// The S-box.
    pub fn new() -> Self {
        const { assert!(GoldilocksMul::LATENCY == 6, "the delay line of x must match the multiplier") };
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            x: Default::default(),
            valid_out: Default::default(),
            y: Default::default(),
            sq: GoldilocksMul::new(),
            cube: GoldilocksMul::new(),
            fourth: GoldilocksMul::new(),
            seventh: GoldilocksMul::new(),
            wait_x: Default::default(),
        }
    }
}

impl Default for Sbox64 {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for Sbox64 {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..6 {
            self.wait_x[i].clock.next = self.clock.val();
        }
        self.wait_x[0].d.next = self.x.val();
        for i in 1..6 {
            self.wait_x[i].d.next = self.wait_x[i - 1].q.val();
        }
        self.sq.clock.next = self.clock.val();
        self.sq.valid_in.next = self.valid_in.val();
        self.sq.a.next = self.x.val();
        self.sq.b.next = self.x.val();
        self.cube.clock.next = self.clock.val();
        self.cube.valid_in.next = self.sq.valid_out.val();
        self.cube.a.next = self.sq.c.val();
        self.cube.b.next = self.wait_x[5].q.val();
        self.fourth.clock.next = self.clock.val();
        self.fourth.valid_in.next = self.sq.valid_out.val();
        self.fourth.a.next = self.sq.c.val();
        self.fourth.b.next = self.sq.c.val();
        self.seventh.clock.next = self.clock.val();
        self.seventh.valid_in.next = self.cube.valid_out.val();
        self.seventh.a.next = self.cube.c.val();
        self.seventh.b.next = self.fourth.c.val();
        self.valid_out.next = self.seventh.valid_out.val();
        self.y.next = self.seventh.c.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbox64_is_synthesizable() {
        let mut uut = Sbox64::new();
        uut.connect_all();
        yosys_validate("sbox64", &generate_verilog(&uut)).unwrap();
    }
}
