//! Poseidon2 datapaths. Inside the permutation every lane is kept in Montgomery form
//! (`x·2^32 mod p`): a Montgomery product of two Montgomery forms is the Montgomery form of the
//! product, so the S-box is a chain of [`crate::field::MontMul31`]s with no conversions, and
//! the linear layers are additions (and, for the internal diagonal, shifts).

pub mod external_layer;
pub mod full_round;
pub mod internal_layer;
pub mod lane_delay;
pub mod partial_round;
pub mod permutation;
pub mod sbox;
pub mod sbox_stream;

pub use external_layer::ExternalLayer16;
pub use full_round::FullRound16;
pub use internal_layer::{DiagonalTerm, InternalLayer16, UnsupportedDiagonal};
pub use lane_delay::LaneDelay;
pub use partial_round::PartialRound16;
pub use permutation::Poseidon2Perm16;
pub use sbox::Sbox31;
pub use sbox_stream::Sbox31Stream;

use rust_hdl::prelude::*;
use seq_macro::seq;

/// A 16-lane block as a testbench drives it: lanes `x0..x15` with `valid_in` in, lanes
/// `y0..y15` with `valid_out` out. The ports are named fields (not arrays) because rust-hdl's
/// Verilog generator resolves one array index per name, and a round's lanes are read through
/// an array of rounds.
pub trait Lanes16 {
    /// Sets the inputs for the next clock edge.
    fn drive(&mut self, valid: bool, lanes: &[u64; 16]);
    /// The outputs after the last edge, if `valid_out`.
    fn sample(&self) -> Option<[u64; 16]>;
    /// Is the clock high (what a testbench waits on).
    fn clock_high(&self) -> bool;
    /// Inverts the clock (what the simulator's clock driver does every half period).
    fn toggle_clock(&mut self);
    /// The port names, for the Verilog testbenches: inputs, then outputs.
    fn ports() -> crate::eda::Ports {
        crate::eda::Ports {
            inputs: LANE_IN.iter().map(|n| (*n, 32)).collect(),
            outputs: LANE_OUT.iter().map(|n| (*n, 32)).collect(),
        }
    }
}

seq!(N in 0..16 {
    const LANE_IN: [&str; 16] = [#(concat!("x", N),)*];
    const LANE_OUT: [&str; 16] = [#(concat!("y", N),)*];
});

macro_rules! lanes16 {
    ($block:ty) => {
        seq!(N in 0..16 {
            impl Lanes16 for $block {
                fn drive(&mut self, valid: bool, lanes: &[u64; 16]) {
                    self.valid_in.next = valid;
                    #( self.x~N.next = lanes[N].to_bits(); )*
                }
                fn sample(&self) -> Option<[u64; 16]> {
                    self.valid_out.val().then(|| [#( self.y~N.val().to_u64(), )*])
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

lanes16!(ExternalLayer16);
lanes16!(InternalLayer16);
lanes16!(FullRound16);
lanes16!(PartialRound16);
lanes16!(Poseidon2Perm16);
