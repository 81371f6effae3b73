//! # The system planner: can this box prove a mainnet block within the slot?
//!
//! The device model answers "how long does this card take for this command"; the planner
//! answers the buyer's question one level up. It takes a workload (a block's trace
//! commitments, with cited figures), a board from a cited catalogue, an accelerator sized to
//! that board from the committed yosys reports, and a host, and returns the per-shard
//! timeline, the bottleneck, the energy, the capital cost and a verdict against the
//! real-time-proving targets.

pub mod error;
pub mod plot;

pub use error::PlanError;
