//! `FullRound16`: one full Poseidon2 round on 16 lanes: an S-box on every lane, then the
//! external linear layer with the next round's constants folded in (this round's constants
//! were added by the layer before it).
//!
//! Latency [`FullRound16::latency`]: the S-box's (15 or 10) plus the layer's 5. Resources:
//! 16 S-boxes, 14 DSP48E2 each for `x^7` (7 for `x^3`); the layer uses none.

use rust_hdl::prelude::*;
use seq_macro::seq;

use super::{ExternalLayer16, Sbox31};
use crate::field::Prime31;

seq!(N in 0..16 {
    /// The round. Build it with [`FullRound16::new`].
    #[derive(LogicBlock)]
    pub struct FullRound16 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// The lanes are valid this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("Lane ", N, " in (this round's constant already added), Montgomery form.")]
            pub x~N: Signal<In, Bits<32>>,
        )*
        /// The outputs are valid this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Lane ", N, " out, plus the next round's constant, Montgomery form.")]
            pub y~N: Signal<Out, Bits<32>>,
        )*
        sbox: [Sbox31; 16],
        layer: ExternalLayer16,
    }

    impl FullRound16 {
        /// The round for `prime`, adding `next_rc` (canonical) at its end.
        pub fn new(prime: Prime31, next_rc: &[u64; 16]) -> Self {
            Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                sbox: std::array::from_fn(|_| Sbox31::new(prime)),
                layer: ExternalLayer16::new(prime, next_rc),
            }
        }

        /// Cycles from `valid_in` to `valid_out`.
        pub fn latency(prime: Prime31) -> usize {
            Sbox31::latency(prime) + ExternalLayer16::LATENCY
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn full_round16_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let prime = Prime31::new(field).unwrap();
            let mut uut = FullRound16::new(prime, &[7; 16]);
            uut.connect_all();
            yosys_validate(&format!("full_round16_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}

/// The wiring every full round shares (`sbox` array, `layer`, lanes `x0..`/`y0..`): lane `i`
/// through S-box `i` into the layer.
macro_rules! full_round_logic {
    ($round:ty, $width:literal) => {
        seq!(N in 0..$width {
    impl Logic for $round {
        #[hdl_gen]
        fn update(&mut self) {
            for i in 0..$width {
                self.sbox[i].clock.next = self.clock.val();
                self.sbox[i].valid_in.next = self.valid_in.val();
            }
            self.layer.clock.next = self.clock.val();
            self.layer.valid_in.next = self.sbox[0].valid_out.val();
            #(
                self.sbox[N].x.next = self.x~N.val();
                self.layer.x~N.next = self.sbox[N].y.val();
                self.y~N.next = self.layer.y~N.val();
            )*
            self.valid_out.next = self.layer.valid_out.val();
        }
    }
        });
    };
}
pub(crate) use full_round_logic;

full_round_logic!(FullRound16, 16);
