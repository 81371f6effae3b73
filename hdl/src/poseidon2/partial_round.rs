//! `PartialRound16`: one partial Poseidon2 round on 16 lanes: the S-box on lane 0 only, the
//! other fifteen lanes held back by [`LaneDelay`]s to meet it, then the internal linear layer
//! with the next round's constants folded in.
//!
//! Latency [`PartialRound16::latency`]: the S-box's plus the layer's 5. Resources: one S-box
//! (14 DSP48E2 for `x^7`, 7 for `x^3`); the internal layer's diagonal is shifts and adds.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use super::internal_layer::UnsupportedDiagonal;
use super::{InternalLayer16, LaneDelay, Sbox31};
use crate::field::Prime31;

seq!(N in 0..16 {
    /// The round. Build it with [`PartialRound16::new`].
    #[derive(LogicBlock)]
    pub struct PartialRound16 {
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
        sbox: Sbox31,
        /// Lanes 1..16 (index `i` holds lane `i + 1`).
        delay: [LaneDelay<32>; 15],
        layer: InternalLayer16,
    }

    impl PartialRound16 {
        /// The round for `prime` (the golden model's diagonal), adding `next_rc` (canonical)
        /// at its end.
        pub fn new(prime: Prime31, next_rc: &[u64; 16]) -> Result<Self, UnsupportedDiagonal> {
            Self::with_diagonal(prime, &Poseidon2Spec::for_field(prime.field).internal_diag, next_rc)
        }

        /// The round with internal diagonal `diag`.
        pub fn with_diagonal(prime: Prime31, diag: &[u64], next_rc: &[u64; 16]) -> Result<Self, UnsupportedDiagonal> {
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                sbox: Sbox31::new(prime),
                delay: std::array::from_fn(|_| LaneDelay::new(Sbox31::latency(prime))),
                layer: InternalLayer16::with_diagonal(prime, diag, next_rc)?,
            })
        }

        /// Cycles from `valid_in` to `valid_out`.
        pub fn latency(prime: Prime31) -> usize {
            Sbox31::latency(prime) + InternalLayer16::LATENCY
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn partial_round16_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let prime = Prime31::new(field).unwrap();
            let mut uut = PartialRound16::new(prime, &[7; 16]).unwrap();
            uut.connect_all();
            yosys_validate(&format!("partial_round16_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}

/// The wiring every partial round shares (`sbox`, `delay` array, `layer`, lanes
/// `x0..`/`y0..`): lane 0 through the S-box, lanes 1.. through the delays, into the layer.
macro_rules! partial_round_logic {
    ($round:ty, $width:literal, $delays:literal) => {
        seq!(L in 1..$width {
    // For lane 1, `L - 1` expands to `1 - 1`.
    #[allow(clippy::eq_op)]
    impl Logic for $round {
        #[hdl_gen]
        fn update(&mut self) {
            self.sbox.clock.next = self.clock.val();
            self.sbox.valid_in.next = self.valid_in.val();
            self.sbox.x.next = self.x0.val();
            for i in 0..$delays {
                self.delay[i].clock.next = self.clock.val();
            }
            self.layer.clock.next = self.clock.val();
            self.layer.valid_in.next = self.sbox.valid_out.val();
            self.layer.x0.next = self.sbox.y.val();
            self.y0.next = self.layer.y0.val();
            #(
                self.delay[L - 1].x.next = self.x~L.val();
                self.layer.x~L.next = self.delay[L - 1].y.val();
                self.y~L.next = self.layer.y~L.val();
            )*
            self.valid_out.next = self.layer.valid_out.val();
        }
    }
        });
    };
}
pub(crate) use partial_round_logic;

partial_round_logic!(PartialRound16, 16, 15);
