//! # slotproof-host: the runtime users run
//!
//! Who does what:
//! - [`backend`]: the public face. One [`backend::Backend`] trait, one implementation per
//!   place a commitment can run (today `cpu`; the card and its simulator join behind the same
//!   trait), and `--backend auto`, which picks the best one present and says which;
//! - [`job`]: what a commitment is asked to do (a trace file or the built-in trace, a
//!   blowup) and what it reports (root, stage timings, throughput, memory);
//! - [`msm`]: MSM jobs (`slotproof msm`): a curve, points and scalars, a backend, the sum;
//! - [`transport`]: layer 0 of the card runtime, bytes and registers to and from a card
//!   through the XDMA driver's char devices, or an emulated directory of the same shape;
//! - `bin/slotproof.rs`: the command line, the only place that turns errors into exit codes.
//!
//! Validation happens once, at the edge: the trace file is checked by
//! [`slotproof_core::trace`], the shape and blowup by [`slotproof_core::cpu::check_shape`],
//! before any backend sees the job.

pub mod backend;
pub mod card;
pub mod job;
pub mod msm;
pub mod transport;
