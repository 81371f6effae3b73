//! Poseidon2 datapaths. Inside the permutation every lane is kept in Montgomery form
//! (`x·2^32 mod p`): a Montgomery product of two Montgomery forms is the Montgomery form of the
//! product, so the S-box is a chain of [`crate::field::MontMul31`]s with no conversions, and
//! the linear layers are additions (and, for the internal diagonal, shifts).

pub mod external_layer;
pub mod external_layer8;
pub mod full_round;
pub mod full_round8;
pub mod internal_layer;
pub mod internal_layer8;
pub mod lane_delay;
pub mod partial_round;
pub mod partial_round8;
pub mod permutation;
pub mod permutation8;
pub mod permutation8_stream;
pub mod permutation_stream;
pub mod sbox;
pub mod sbox64;
pub mod sbox_stream;

pub use external_layer::ExternalLayer16;
pub use external_layer8::ExternalLayer8;
pub use full_round::FullRound16;
pub use full_round8::FullRound8;
pub use internal_layer::{DiagonalTerm, InternalLayer16, UnsupportedDiagonal};
pub use internal_layer8::InternalLayer8;
pub use lane_delay::LaneDelay;
pub use partial_round::PartialRound16;
pub use partial_round8::PartialRound8;
pub use permutation::Poseidon2Perm16;
pub use permutation_stream::Poseidon2Stream16;
pub use permutation8::Poseidon2Perm8;
pub use permutation8_stream::Poseidon2Stream8;
pub use sbox::Sbox31;
pub use sbox_stream::Sbox31Stream;
pub use sbox64::Sbox64;

use rust_hdl::prelude::*;
use seq_macro::seq;

/// A Poseidon2 block as a testbench drives it: lanes `x0..x{WIDTH-1}` with `valid_in` in, lanes
/// `y0..` with `valid_out` out. The ports are named fields (not arrays) because rust-hdl's
/// Verilog generator resolves one array index per name, and a round's lanes are read through
/// an array of rounds.
pub trait StateLanes {
    /// Lanes in the state.
    const WIDTH: usize;
    /// Bits per lane.
    const LANE_BITS: usize;
    /// Sets the inputs for the next clock edge (`lanes` has `WIDTH` values).
    fn drive(&mut self, valid: bool, lanes: &[u64]);
    /// The outputs after the last edge, if `valid_out`.
    fn sample(&self) -> Option<Vec<u64>>;
    /// Is the clock high (what a testbench waits on).
    fn clock_high(&self) -> bool;
    /// Inverts the clock (what the simulator's clock driver does every half period).
    fn toggle_clock(&mut self);
    /// The port names, for the Verilog testbenches: inputs, then outputs.
    fn ports() -> crate::eda::Ports {
        crate::eda::Ports {
            inputs: LANE_IN[..Self::WIDTH].iter().map(|n| (*n, Self::LANE_BITS)).collect(),
            outputs: LANE_OUT[..Self::WIDTH].iter().map(|n| (*n, Self::LANE_BITS)).collect(),
        }
    }
}

seq!(N in 0..16 {
    const LANE_IN: [&str; 16] = [#(concat!("x", N),)*];
    const LANE_OUT: [&str; 16] = [#(concat!("y", N),)*];
});

macro_rules! state_lanes {
    ($block:ty, $width:literal, $bits:literal) => {
        seq!(N in 0..$width {
            impl StateLanes for $block {
                const WIDTH: usize = $width;
                const LANE_BITS: usize = $bits;
                fn drive(&mut self, valid: bool, lanes: &[u64]) {
                    self.valid_in.next = valid;
                    #( self.x~N.next = lanes[N].to_bits(); )*
                }
                fn sample(&self) -> Option<Vec<u64>> {
                    self.valid_out.val().then(|| vec![#( self.y~N.val().to_u64(), )*])
                }
                fn clock_high(&self) -> bool {
                    self.clock.val().clk
                }
                fn toggle_clock(&mut self) {
                    self.clock.next = !self.clock.val();
                }
            }
        });
    };
}

state_lanes!(ExternalLayer16, 16, 32);
state_lanes!(InternalLayer16, 16, 32);
state_lanes!(FullRound16, 16, 32);
state_lanes!(PartialRound16, 16, 32);
state_lanes!(Poseidon2Perm16, 16, 32);
state_lanes!(ExternalLayer8, 8, 64);
state_lanes!(InternalLayer8, 8, 64);
state_lanes!(FullRound8, 8, 64);
state_lanes!(PartialRound8, 8, 64);
state_lanes!(Poseidon2Perm8, 8, 64);
state_lanes!(Poseidon2Stream16, 16, 32);
state_lanes!(Poseidon2Stream8, 8, 64);
