//! The card side of the host: the driver for one card ([`driver`]), finding and admitting
//! cards ([`discover`]), MSM with resident points ([`msm`]), the streaming commitment that runs a trace through one or several
//! cards ([`stream`]), trees of host rows the card keeps for a prover's openings
//! ([`resident`]), and the host's check of what a card answers ([`verify`]).

pub mod discover;
pub mod driver;
pub mod msm;
pub mod resident;
pub mod stream;
pub mod trace_view;
pub mod verify;
