//! # The system planner: can this box prove a mainnet block within the slot?
//!
//! The device model answers "how long does this card take for this command"; the planner
//! answers the buyer's question one level up. It takes a workload (a block's trace
//! commitments, with cited figures), a board from a cited catalogue, an accelerator sized to
//! that board from the committed yosys reports, and a host, and returns the per-commit
//! stages, the bottleneck, the energy, the capital cost and a verdict against the
//! real-time-proving targets.
//!
//! - [`workload`]: block presets and custom workloads (TOML);
//! - [`boards`]: the board and host catalogue (TOML, every figure cited);
//! - [`resources`]: what an NTT lane and a Poseidon2 pipeline cost, from the yosys reports;
//! - [`model`]: the accelerator sizing and the timeline, energy and cost model;
//! - [`msm`]: an MSM on the card's bucket units, costed from their yosys report and measured
//!   rate, against the FPGA anchors;
//! - [`security`]: FRI queries and proof size for a security target;
//! - [`report`]: one plan end to end, and how it prints;
//! - [`sweep`]: boards × cards × clocks × lanes, as CSV, and the cheapest box meeting a target;
//! - [`plot`]: the Pareto plots of a sweep.

pub mod boards;
pub mod error;
pub mod model;
pub mod msm;
pub mod plot;
pub mod report;
pub mod resources;
pub mod security;
pub mod sweep;
pub mod workload;

pub use boards::{Board, Catalogue, Host};
pub use error::PlanError;
pub use security::{PROOF_LIMIT_BYTES, ProofEstimate, SecurityTarget, estimate_proof, fri_queries};
pub use workload::{BlockDistribution, MatrixSpec, MsmSpec, Workload};
