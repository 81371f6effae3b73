//! `PartialRound8`: one partial Goldilocks Poseidon2 round on 8 lanes: [`Sbox64`] on lane 0,
//! lanes 1..8 held back 18 cycles by [`LaneDelay`]s, then [`InternalLayer8`] with the next
//! round's constants. Latency [`PartialRound8::LATENCY`] = 18 + 5. Resources: one S-box
//! (64 DSP48E2); the diagonal is shifts and adds.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;

use super::internal_layer::UnsupportedDiagonal;
use super::partial_round::partial_round_logic;
use super::{InternalLayer8, LaneDelay, Sbox64};

seq!(N in 0..8 {
    /// The round. Build it with [`PartialRound8::new`].
    #[derive(LogicBlock)]
    pub struct PartialRound8 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// The lanes are valid this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("Lane ", N, " in (this round's constant already added), canonical.")]
            pub x~N: Signal<In, Bits<64>>,
        )*
        /// The outputs are valid this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Lane ", N, " out, plus the next round's constant, canonical.")]
            pub y~N: Signal<Out, Bits<64>>,
        )*
        sbox: Sbox64,
        /// Lanes 1..8 (index `i` holds lane `i + 1`).
        delay: [LaneDelay<64>; 7],
        layer: InternalLayer8,
    }

    impl PartialRound8 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = Sbox64::LATENCY + InternalLayer8::LATENCY;

        /// The round with the golden model's diagonal, adding `next_rc` (canonical) at its end.
        pub fn new(next_rc: &[u64; 8]) -> Result<Self, UnsupportedDiagonal> {
            Self::with_diagonal(&Poseidon2Spec::for_field(FieldId::Goldilocks).internal_diag, next_rc)
        }

        /// The round with internal diagonal `diag`.
        pub fn with_diagonal(diag: &[u64], next_rc: &[u64; 8]) -> Result<Self, UnsupportedDiagonal> {
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                sbox: Sbox64::new(),
                delay: std::array::from_fn(|_| LaneDelay::new(Sbox64::LATENCY)),
                layer: InternalLayer8::with_diagonal(diag, next_rc)?,
            })
        }
    }
});

partial_round_logic!(PartialRound8, 8, 7);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_round8_is_synthesizable() {
        let mut uut = PartialRound8::new(&[7; 8]).unwrap();
        uut.connect_all();
        yosys_validate("partial_round8", &generate_verilog(&uut)).unwrap();
    }
}
