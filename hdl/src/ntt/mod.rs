//! NTT datapaths. The butterfly is the decimation-in-time kind, `(a, b) → (a + w·b, a − w·b)`,
//! with the twiddle in Montgomery form so the multiplier's `2^(−32)` cancels.

pub mod butterfly;
pub mod butterfly_stream;
pub mod twiddles;

pub use butterfly::Butterfly31;
pub use butterfly_stream::Butterfly31Stream;
pub use twiddles::TwiddleRom;
