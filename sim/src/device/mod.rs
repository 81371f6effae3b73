//! The device model: one file per part of the card.
//!
//! - [`memory`]: card memory ([`CardMemory`], [`SparseMemory`]);
//! - [`regs`]: the register block's semantics ([`RegisterFile`]);
//! - [`executor`]: what each command computes and every check it makes ([`Executor`]);
//! - [`msm`]: the MSM engine's commands and checks ([`msm::MsmEngine`]);
//! - [`timing`]: how long commands and transfers take, and the dataflow schedule of a
//!   whole run ([`Timing`], [`Timeline`]);
//! - [`faults`]: what goes wrong, when ([`FaultPlan`]);
//! - [`card`]: the parts assembled into a card with its own worker thread ([`SimCard`]).
//!
//! The register file, the executor and the memory do not know about threads, so a host
//! test harness can drive them from a servicer thread of its own.

pub mod card;
pub mod executor;
pub mod faults;
pub mod memory;
pub mod msm;
pub mod regs;
pub mod timing;

pub use card::{CardConfig, SimCard, TransferFault};
pub use executor::{Completion, ComputeFault, Executor, Footprint, constants_table, twiddle_table};
pub use faults::{Fault, FaultKind, FaultPlan, Filter, Injected, Trigger, When};
pub use memory::{CardMemory, MemError, SparseMemory};
pub use regs::{Doorbell, RegisterFile};
pub use timing::{Datapath, Direction, KindTotals, Span, SpanKind, Timeline, Timing};
