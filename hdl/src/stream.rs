//! Valid/ready streams: the handshake every block that can be back-pressured speaks.
//!
//! rust-hdl has no AXI-Stream, so the pair is declared here. A transfer happens on a rising
//! edge where `valid` and `ready` are both high; a source holds `data` and `valid` until then.
//! [`StreamSource`] is the producer's side, [`StreamSink`] the consumer's; `#[join]` lets a
//! parent connect one to the other in one statement.

// `#[derive(LogicInterface)]` generates undocumented `join` methods.
#![allow(missing_docs)]

use rust_hdl::prelude::*;

/// The producer's side of a stream.
#[derive(LogicInterface, Clone, Debug, Default)]
#[join = "StreamSink"]
pub struct StreamSource<T: Synth> {
    /// The item on offer.
    pub data: Signal<Out, T>,
    /// `data` is an item this cycle.
    pub valid: Signal<Out, Bit>,
    /// The consumer takes it this cycle if `valid`.
    pub ready: Signal<In, Bit>,
}

/// The consumer's side of a stream.
#[derive(LogicInterface, Clone, Debug, Default)]
#[join = "StreamSource"]
pub struct StreamSink<T: Synth> {
    /// The item on offer.
    pub data: Signal<In, T>,
    /// `data` is an item this cycle.
    pub valid: Signal<In, Bit>,
    /// This side takes it this cycle if `valid`.
    pub ready: Signal<Out, Bit>,
}
