//! `LaneDelay`: one lane held back by exactly the S-box's latency, so the lanes a partial
//! round does not S-box meet lane 0 again at the internal layer.
//!
//! A plain shift register without reset: synthesis maps it to SRL16E/SRLC32E shift-register
//! LUTs (xcup), not flip-flops. The tap is a constant: 15 stages for the BabyBear `x^7`, 10
//! for the KoalaBear `x^3`, 18 for the Goldilocks `x^7` ([`LaneDelay::TAPS`]).

use rust_hdl::prelude::*;

/// The delay line of a `W`-bit lane. Build it with [`LaneDelay::new`].
#[derive(LogicBlock)]
pub struct LaneDelay<const W: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The lane.
    pub x: Signal<In, Bits<W>>,
    /// The lane, `latency` cycles later.
    pub y: Signal<Out, Bits<W>>,
    tap15: Constant<Bit>,
    tap10: Constant<Bit>,
    stage: [DFF<Bits<W>>; 18],
}

impl<const W: usize> LaneDelay<W> {
    /// The delays the line can tap: the S-box latencies of the three fields.
    pub const TAPS: [usize; 3] = [10, 15, 18];

    /// A delay of `latency` cycles, one of [`LaneDelay::TAPS`].
    pub fn new(latency: usize) -> Self {
        assert!(Self::TAPS.contains(&latency), "a lane delay taps {:?} stages, not {latency}", Self::TAPS);
        Self {
            clock: Default::default(),
            x: Default::default(),
            y: Default::default(),
            tap15: Constant::new(latency == 15),
            tap10: Constant::new(latency == 10),
            stage: Default::default(),
        }
    }
}

impl<const W: usize> Logic for LaneDelay<W> {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..18 {
            self.stage[i].clock.next = self.clock.val();
        }
        self.stage[0].d.next = self.x.val();
        for i in 1..18 {
            self.stage[i].d.next = self.stage[i - 1].q.val();
        }
        if self.tap15.val() {
            self.y.next = self.stage[14].q.val();
        } else if self.tap10.val() {
            self.y.next = self.stage[9].q.val();
        } else {
            self.y.next = self.stage[17].q.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_delay_is_synthesizable() {
        let mut uut = LaneDelay::<32>::new(15);
        uut.connect_all();
        yosys_validate("lane_delay", &generate_verilog(&uut)).unwrap();
    }
}
