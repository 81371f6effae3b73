//! NTT datapaths. [`Butterfly31`] is the decimation-in-time butterfly,
//! `(a, b) → (a + w·b, a − w·b)`; [`DifButterfly31`] the decimation-in-frequency one,
//! `(a, b) → (a + b, (a − b)·w)`, from which [`NttCore`], the streaming NTT, is built
//! ([`NttStream`] puts its lanes behind one valid/ready handshake per side).
//! [`LdeUnit`] is the command processor's coset LDE: runtime-sized, in on-chip RAM, with the
//! twiddle table the host loads; [`four_step`] is the schedule of its passes that extends a
//! column too tall for its RAM through card memory.
//! Twiddles are in Montgomery form so the multiplier's `2^(−32)` cancels.

pub mod butterfly;
pub mod butterfly_stream;
pub mod dif_butterfly;
pub mod factor_rom;
pub mod four_step;
pub mod lde_unit;
pub mod ntt_core;
pub mod ntt_stream;
pub mod scale_lane;
pub mod sdf_control;
pub mod sdf_lane;
pub mod sync_mem32;
pub mod twiddles;

pub use butterfly::Butterfly31;
pub use butterfly_stream::Butterfly31Stream;
pub use dif_butterfly::DifButterfly31;
pub use factor_rom::FactorRom;
pub use lde_unit::{LdeUnit, LdeUnitError};
pub use ntt_core::{NttCore, NttMode, TwiddleFault};
pub use ntt_stream::NttStream;
pub use scale_lane::ScaleLane;
pub use sdf_control::SdfControl;
pub use sdf_lane::SdfLane;
pub use sync_mem32::SyncMem32;
pub use twiddles::TwiddleRom;
