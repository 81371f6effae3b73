//! `Poseidon2Stream8`: [`Poseidon2Perm8`] (Goldilocks) behind valid/ready streams, so a
//! consumer can stall it.
//!
//! As for [`super::Poseidon2Stream16`]: the permutation is a fixed pipeline (695 stages) that
//! cannot stop, so its results land in a FIFO and the credit scheme of
//! [`crate::stream_credit`] never accepts more states than the FIFO holds. Full rate needs
//! `depth ≥ 695 + FIFO_LATENCY + 1`, hence 1,024 entries: one RAM per lane, 8 × 64 × 1,024 =
//! 512 Kb (16 BRAM36 if packed). Lanes are canonical in and out, as the permutation's.
//!
//! Negative controls: [`Poseidon2Stream8::overcommitted`] and a perturbed [`Poseidon2Spec`]
//! through [`Poseidon2Stream8::with_spec`].

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use super::Poseidon2Perm8;
use super::internal_layer::UnsupportedDiagonal;
use crate::stream_credit::{FIFO_LATENCY, credit_bits, lane_stream};

lane_stream!(
    /// The streaming Goldilocks permutation of width 8. Build it with [`Poseidon2Stream8::new`].
    Poseidon2Stream8,
    Poseidon2Perm8,
    8,
    64,
    credit_bits(Poseidon2Perm8::LATENCY)
);

impl Poseidon2Stream8 {
    /// Cycles from an accepted state to its permutation on offer, consumer ready.
    pub const LATENCY: usize = Poseidon2Perm8::LATENCY + FIFO_LATENCY;

    /// The streaming permutation with the golden model's constants.
    pub fn new() -> Result<Self, UnsupportedDiagonal> {
        Ok(Self::around(Poseidon2Perm8::new()?, Poseidon2Perm8::LATENCY))
    }

    /// The streaming permutation with `spec`'s constants (for negative controls).
    pub fn with_spec(spec: &Poseidon2Spec) -> Result<Self, UnsupportedDiagonal> {
        Ok(Self::around(Poseidon2Perm8::with_spec(spec)?, Poseidon2Perm8::LATENCY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eda::yosys_validate;

    #[test]
    fn stream8_is_synthesizable() {
        assert_eq!(Poseidon2Stream8::DEPTH, 1024);
        let mut uut = Poseidon2Stream8::new().unwrap();
        uut.connect_all();
        yosys_validate("poseidon2_stream8", &generate_verilog(&uut)).unwrap();
    }
}
