//! `Poseidon2Stream16`: [`Poseidon2Perm16`] (BabyBear, KoalaBear) behind valid/ready streams,
//! so a consumer can stall it.
//!
//! The permutation is a fixed pipeline of 425 stages with no enable: a state that enters
//! leaves 425 cycles later whether or not anyone takes it, and stopping it would need a clock
//! enable on every one of its registers. So its results land in a FIFO, and the credit scheme
//! of [`crate::stream_credit`] never accepts more states than that FIFO can hold: nothing is
//! lost however long the consumer stalls, and an unstalled stream moves one state per cycle.
//! Full rate needs `depth ≥ 425 + FIFO_LATENCY + 1`, hence 512 entries.
//!
//! The FIFO is one RAM per lane ([`LaneCredit`](crate::stream_credit::LaneCredit)), all at
//! the same pointers: 16 RAMs of 512 × 32 bits, 16 × 32 × 512 = 256 Kb, one RAMB18 per lane
//! (512 × 36), 8 BRAM36, small beside the permutation's 1,000-2,000 DSP48E2. The lanes are
//! Montgomery form in and out, as the permutation's.
//!
//! Negative controls: [`Poseidon2Stream16::overcommitted`] (one state of credit too many:
//! a long stall drops a result) and a permutation built from a perturbed [`Poseidon2Spec`]
//! through [`Poseidon2Stream16::with_spec`].

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use super::Poseidon2Perm16;
use super::internal_layer::UnsupportedDiagonal;
use crate::field::Prime31;
use crate::stream_credit::lane_stream;

lane_stream!(
    /// The streaming permutation of width 16. Build it with [`Poseidon2Stream16::new`].
    Poseidon2Stream16,
    Poseidon2Perm16,
    16,
    32,
    // 425 cycles for both fields (checked by the tests below and at construction).
    9
);

impl Poseidon2Stream16 {
    /// The streaming permutation of `prime`'s field, with the golden model's constants.
    pub fn new(prime: Prime31) -> Result<Self, UnsupportedDiagonal> {
        Self::with_spec(prime, &Poseidon2Spec::for_field(prime.field))
    }

    /// The streaming permutation with `spec`'s constants (for negative controls).
    pub fn with_spec(prime: Prime31, spec: &Poseidon2Spec) -> Result<Self, UnsupportedDiagonal> {
        Ok(Self::around(Poseidon2Perm16::with_spec(prime, spec)?, Poseidon2Perm16::latency(prime)))
    }

    /// Cycles from an accepted state to its permutation on offer, consumer ready.
    pub fn latency(prime: Prime31) -> usize {
        Poseidon2Perm16::latency(prime) + crate::stream_credit::FIFO_LATENCY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eda::yosys_validate;
    use crate::stream_credit::credit_bits;
    use slotproof_core::FieldId;

    #[test]
    fn stream16_fifo_is_the_smallest_for_full_rate() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let prime = Prime31::new(field).unwrap();
            assert_eq!(credit_bits(Poseidon2Perm16::latency(prime)), BITS, "{field}");
        }
        assert_eq!(Poseidon2Stream16::DEPTH, 512);
    }

    #[test]
    fn stream16_is_synthesizable() {
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        let mut uut = Poseidon2Stream16::new(prime).unwrap();
        uut.connect_all();
        yosys_validate("poseidon2_stream16", &generate_verilog(&uut)).unwrap();
    }
}
