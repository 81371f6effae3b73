//! The card side of the host: the driver for one card ([`driver`]) and the streaming
//! commitment that runs a trace through one or several cards ([`stream`]).

pub mod driver;
pub mod trace_view;
