//! `Poseidon2Perm16`: the whole Poseidon2 permutation of width 16 for BabyBear (`x^7`, 8 full
//! and 13 partial rounds) and KoalaBear (`x^3`, 8 full and 20 partial rounds), fully unrolled:
//! one permutation accepted and one finished every cycle.
//!
//! The chain is the golden model's: the external layer, four full rounds, the partial rounds,
//! four full rounds. Each round's constants are added by the linear layer in front of it
//! ([`ExternalLayer16`], [`InternalLayer16`]), so a round starts at its S-boxes; the round
//! constants and the internal diagonal come from [`Poseidon2Spec`], which `core` checks
//! against Plonky3.
//!
//! Lanes are Montgomery form (`x·2^32 mod p`) in and out: the S-boxes multiply without
//! conversions. Latency [`Poseidon2Perm16::latency`] = 425 cycles for both fields. Resources
//! (xcup): `(8·16 + partial rounds) · 14` DSP48E2 for BabyBear (1,974), `· 7` for KoalaBear
//! (1,036); the linear layers use none.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use super::internal_layer::UnsupportedDiagonal;
use super::{ExternalLayer16, FullRound16, PartialRound16};
use crate::field::Prime31;

/// The permutation's round constants, in the order the rounds need them, each round's
/// padded to `W` lanes (a partial round's constant sits on lane 0).
pub(crate) fn round_constants<const W: usize>(spec: &Poseidon2Spec) -> Vec<[u64; W]> {
    let lanes = |rc: &[u64]| std::array::from_fn(|i| rc[i]);
    let mut out: Vec<[u64; W]> = spec.rc_external_initial.iter().map(|rc| lanes(rc)).collect();
    out.extend(spec.rc_internal.iter().map(|&c| std::array::from_fn(|i| if i == 0 { c } else { 0 })));
    out.extend(spec.rc_external_final.iter().map(|rc| lanes(rc)));
    out
}

seq!(N in 0..16 {
    /// The permutation. Build it with [`Poseidon2Perm16::new`].
    #[derive(LogicBlock)]
    pub struct Poseidon2Perm16 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// A state is offered this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("State lane ", N, " in, Montgomery form.")]
            pub x~N: Signal<In, Bits<32>>,
        )*
        /// A permuted state is out this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Permuted lane ", N, " out, Montgomery form.")]
            pub y~N: Signal<Out, Bits<32>>,
        )*
        layer0: ExternalLayer16,
        /// The four initial full rounds, then the four final ones.
        full: Vec<FullRound16>,
        partial: Vec<PartialRound16>,
    }

    impl Poseidon2Perm16 {
        /// The permutation of `prime`'s field, with the golden model's constants.
        pub fn new(prime: Prime31) -> Result<Self, UnsupportedDiagonal> {
            Self::with_spec(prime, &Poseidon2Spec::for_field(prime.field))
        }

        /// The permutation with `spec`'s constants (for negative controls: a wrong constant
        /// must fail the golden check). `spec` must have 16 lanes and 4 + 4 full rounds.
        pub fn with_spec(prime: Prime31, spec: &Poseidon2Spec) -> Result<Self, UnsupportedDiagonal> {
            assert_eq!(spec.width, 16, "Poseidon2Perm16 is width 16");
            assert_eq!((spec.rc_external_initial.len(), spec.rc_external_final.len()), (4, 4), "4 + 4 full rounds");
            let rc = round_constants(spec);
            // Each block adds the constants of the round after it; the last adds none.
            let next = |r: usize| rc.get(r).copied().unwrap_or([0; 16]);
            let partials = spec.rc_internal.len();
            let mut full = Vec::with_capacity(8);
            let mut partial = Vec::with_capacity(partials);
            for r in 0..8 + partials {
                if r < 4 || r >= 4 + partials {
                    full.push(FullRound16::new(prime, &next(r + 1)));
                } else {
                    partial.push(PartialRound16::with_diagonal(prime, &spec.internal_diag, &next(r + 1))?);
                }
            }
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                layer0: ExternalLayer16::new(prime, &next(0)),
                full,
                partial,
            })
        }

        /// Cycles from `valid_in` to `valid_out` for `prime`'s field.
        pub fn latency(prime: Prime31) -> usize {
            let partials = Poseidon2Spec::for_field(prime.field).rc_internal.len();
            ExternalLayer16::LATENCY + 8 * FullRound16::latency(prime) + partials * PartialRound16::latency(prime)
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eda::yosys_validate;
    use slotproof_core::FieldId;

    #[test]
    fn permutation16_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let prime = Prime31::new(field).unwrap();
            let mut uut = Poseidon2Perm16::new(prime).unwrap();
            uut.connect_all();
            yosys_validate(&format!("permutation16_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}

/// The chain of rounds every unrolled permutation shares (its struct has `layer0`, `full` and
/// `partial` fields and `x0..`/`y0..` lanes): layer 0, full rounds 0..4, the partial rounds,
/// full rounds 4..8, each round's lanes and valid into the next one's.
macro_rules! permutation_chain {
    ($perm:ty, $width:literal) => {
        seq!(N in 0..$width {
    impl Logic for $perm {
        #[hdl_gen]
        fn update(&mut self) {
            self.layer0.clock.next = self.clock.val();
            self.layer0.valid_in.next = self.valid_in.val();
            for r in 0..8 {
                self.full[r].clock.next = self.clock.val();
            }
            for r in 0..self.partial.len() {
                self.partial[r].clock.next = self.clock.val();
            }
            // The chain: initial layer, full 0..4, partial 0..P, full 4..8.
            self.full[0].valid_in.next = self.layer0.valid_out.val();
            for r in 1..4 {
                self.full[r].valid_in.next = self.full[r - 1].valid_out.val();
            }
            self.partial[0].valid_in.next = self.full[3].valid_out.val();
            for r in 1..self.partial.len() {
                self.partial[r].valid_in.next = self.partial[r - 1].valid_out.val();
            }
            for r in (self.partial.len() - 1)..self.partial.len() {
                self.full[4].valid_in.next = self.partial[r].valid_out.val();
            }
            for r in 5..8 {
                self.full[r].valid_in.next = self.full[r - 1].valid_out.val();
            }
            self.valid_out.next = self.full[7].valid_out.val();
            #(
                self.layer0.x~N.next = self.x~N.val();
                self.full[0].x~N.next = self.layer0.y~N.val();
                for r in 1..4 {
                    self.full[r].x~N.next = self.full[r - 1].y~N.val();
                }
                self.partial[0].x~N.next = self.full[3].y~N.val();
                for r in 1..self.partial.len() {
                    self.partial[r].x~N.next = self.partial[r - 1].y~N.val();
                }
                for r in (self.partial.len() - 1)..self.partial.len() {
                    self.full[4].x~N.next = self.partial[r].y~N.val();
                }
                for r in 5..8 {
                    self.full[r].x~N.next = self.full[r - 1].y~N.val();
                }
                self.y~N.next = self.full[7].y~N.val();
            )*
        }
    }
        });
    };
}
pub(crate) use permutation_chain;

permutation_chain!(Poseidon2Perm16, 16);
