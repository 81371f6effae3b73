//! `LaneDelay`: one 32-bit lane held back by exactly the S-box's latency, so the fifteen lanes
//! a partial round does not S-box meet lane 0 again at the internal layer.
//!
//! A plain shift register without reset: synthesis maps it to SRL16E shift-register LUTs
//! (xcup), not flip-flops. The tap is a constant: 15 stages for `x^7`, 10 for `x^3`
//! ([`Sbox31::latency`]).

use rust_hdl::prelude::*;

use super::Sbox31;
use crate::field::Prime31;

/// The delay line. Build it with [`LaneDelay::new`].
#[derive(LogicBlock)]
pub struct LaneDelay {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The lane.
    pub x: Signal<In, Bits<32>>,
    /// The lane, [`LaneDelay::latency`] cycles later.
    pub y: Signal<Out, Bits<32>>,
    long: Constant<Bit>,
    stage: [DFF<Bits<32>>; 15],
}

impl LaneDelay {
    /// A delay matching `prime`'s S-box.
    pub fn new(prime: Prime31) -> Self {
        let latency = Self::latency(prime);
        assert!(latency == 15 || latency == 10, "the taps are at 15 and 10 stages");
        Self {
            clock: Default::default(),
            x: Default::default(),
            y: Default::default(),
            long: Constant::new(latency == 15),
            stage: Default::default(),
        }
    }

    /// Cycles from `x` to `y`: the S-box latency of `prime`'s field.
    pub fn latency(prime: Prime31) -> usize {
        Sbox31::latency(prime)
    }
}

impl Logic for LaneDelay {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..15 {
            self.stage[i].clock.next = self.clock.val();
        }
        self.stage[0].d.next = self.x.val();
        for i in 1..15 {
            self.stage[i].d.next = self.stage[i - 1].q.val();
        }
        if self.long.val() {
            self.y.next = self.stage[14].q.val();
        } else {
            self.y.next = self.stage[9].q.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn lane_delay_is_synthesizable() {
        let mut uut = LaneDelay::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("lane_delay", &generate_verilog(&uut)).unwrap();
    }
}
