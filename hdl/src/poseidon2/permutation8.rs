//! `Poseidon2Perm8`: the whole Goldilocks Poseidon2 permutation of width 8 (`x^7`, 8 full and
//! 22 partial rounds), fully unrolled: one permutation accepted and one finished every cycle.
//!
//! The same chain as [`super::Poseidon2Perm16`]: the external layer, four full rounds, the
//! partial rounds, four full rounds, each round's constants added by the layer in front of it,
//! all constants and the diagonal from [`Poseidon2Spec`]. Lanes are canonical. Latency
//! [`Poseidon2Perm8::LATENCY`] = 5 + 30 · 23 = 695 cycles. Resources (xcup): 72 S-boxes of
//! four 64-bit multiplications, 16 DSP48E2 each (4,608 before yosys shares the squarings);
//! the linear layers use none.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;

use super::internal_layer::UnsupportedDiagonal;
use super::permutation::{permutation_chain, round_constants};
use super::{ExternalLayer8, FullRound8, PartialRound8};

seq!(N in 0..8 {
    /// The permutation. Build it with [`Poseidon2Perm8::new`].
    #[derive(LogicBlock)]
    pub struct Poseidon2Perm8 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// A state is offered this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("State lane ", N, " in, canonical.")]
            pub x~N: Signal<In, Bits<64>>,
        )*
        /// A permuted state is out this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Permuted lane ", N, " out, canonical.")]
            pub y~N: Signal<Out, Bits<64>>,
        )*
        layer0: ExternalLayer8,
        /// The four initial full rounds, then the four final ones.
        full: Vec<FullRound8>,
        partial: Vec<PartialRound8>,
    }

    impl Poseidon2Perm8 {
        /// Partial rounds of the golden instance.
        pub const PARTIAL_ROUNDS: usize = 22;

        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize =
            ExternalLayer8::LATENCY + 8 * FullRound8::LATENCY + Self::PARTIAL_ROUNDS * PartialRound8::LATENCY;

        /// The permutation with the golden model's constants.
        pub fn new() -> Result<Self, UnsupportedDiagonal> {
            let spec = Poseidon2Spec::for_field(FieldId::Goldilocks);
            assert_eq!(spec.rc_internal.len(), Self::PARTIAL_ROUNDS, "Goldilocks partial rounds");
            Self::with_spec(&spec)
        }

        /// The permutation with `spec`'s constants (for negative controls). `spec` must have 8
        /// lanes and 4 + 4 full rounds.
        pub fn with_spec(spec: &Poseidon2Spec) -> Result<Self, UnsupportedDiagonal> {
            assert_eq!(spec.width, 8, "Poseidon2Perm8 is width 8");
            assert_eq!((spec.rc_external_initial.len(), spec.rc_external_final.len()), (4, 4), "4 + 4 full rounds");
            let rc = round_constants::<8>(spec);
            // Each block adds the constants of the round after it; the last adds none.
            let next = |r: usize| rc.get(r).copied().unwrap_or([0; 8]);
            let partials = spec.rc_internal.len();
            let mut full = Vec::with_capacity(8);
            let mut partial = Vec::with_capacity(partials);
            for r in 0..8 + partials {
                if r < 4 || r >= 4 + partials {
                    full.push(FullRound8::new(&next(r + 1)));
                } else {
                    partial.push(PartialRound8::with_diagonal(&spec.internal_diag, &next(r + 1))?);
                }
            }
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                layer0: ExternalLayer8::new(&next(0)),
                full,
                partial,
            })
        }
    }
});

permutation_chain!(Poseidon2Perm8, 8);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eda::yosys_validate;

    #[test]
    fn permutation8_is_synthesizable() {
        let mut uut = Poseidon2Perm8::new().unwrap();
        uut.connect_all();
        yosys_validate("permutation8", &generate_verilog(&uut)).unwrap();
    }
}
