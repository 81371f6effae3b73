//! `FullRound8`: one full Goldilocks Poseidon2 round on 8 lanes: an [`Sbox64`] on every lane,
//! then [`ExternalLayer8`] with the next round's constants folded in. Latency
//! [`FullRound8::LATENCY`] = 18 + 5. Resources: 8 S-boxes of 4 × 16 DSP48E2.

use rust_hdl::prelude::*;
use seq_macro::seq;

use super::full_round::full_round_logic;
use super::{ExternalLayer8, Sbox64};

seq!(N in 0..8 {
    /// The round. Build it with [`FullRound8::new`].
    #[derive(LogicBlock)]
    pub struct FullRound8 {
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
        sbox: [Sbox64; 8],
        layer: ExternalLayer8,
    }

    impl FullRound8 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = Sbox64::LATENCY + ExternalLayer8::LATENCY;

        /// The round, adding `next_rc` (canonical) at its end.
        pub fn new(next_rc: &[u64; 8]) -> Self {
            Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                sbox: std::array::from_fn(|_| Sbox64::new()),
                layer: ExternalLayer8::new(next_rc),
            }
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_round8_is_synthesizable() {
        let mut uut = FullRound8::new(&[7; 8]);
        uut.connect_all();
        yosys_validate("full_round8", &generate_verilog(&uut)).unwrap();
    }
}

full_round_logic!(FullRound8, 8);
