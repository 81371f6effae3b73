//! `NttStream`: a one-lane [`NttCore`] behind valid/ready streams, with back-pressure.
//!
//! The core cannot be stopped (its stages drain by themselves), so this is the credit
//! scheme of [`crate::field::MontMul31Stream`]: count the elements accepted and not yet taken
//! by the consumer (`used`) and drop `ready` when that reaches the result FIFO's capacity.
//! Every result then finds room however long the consumer stalls. The FIFO is sized to the
//! core's latency plus a margin ([`NttStream::capacity`]), so a consumer that never stalls
//! sees one result per cycle: the credit never runs out at full rate.
//!
//! The FIFO is a [`SyncMem32`] (block RAM for the 2^12-point core) with a one-cycle read, so
//! its head lives in a two-entry register queue (`h0`, `h1`): a read is issued only when the
//! queue is sure to have a free slot when the word arrives, and `results.data` is a register.
//! Results leave 3 cycles after the core emits them when the consumer is ready.

use rust_hdl::prelude::*;

use crate::field::Prime31;
use crate::ntt::sync_mem32::MEM_ADDR_BITS;
use crate::ntt::{NttCore, NttMode, SyncMem32};
use crate::stream::{StreamSink, StreamSource};

type Count = Bits<MEM_ADDR_BITS>;

/// The streaming NTT. Build it with [`NttStream::new`].
#[derive(LogicBlock)]
pub struct NttStream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Elements, canonical, transforms back to back in natural order.
    pub elements: StreamSink<Bits<32>>,
    /// Results, each transform in bit-reversed order (see [`NttCore`]).
    pub results: StreamSource<Bits<32>>,
    core: NttCore<1>,
    fifo: SyncMem32,
    cap: Constant<Count>,
    last: Constant<Count>,
    can_accept: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    // The queue after this cycle's pop, before this cycle's arriving word.
    a_v: Signal<Local, Bit>,
    a_d: Signal<Local, Bits<32>>,
    b_v: Signal<Local, Bit>,
    /// Elements accepted and not yet taken by the consumer.
    used: DFF<Count>,
    wp: DFF<Count>,
    rp: DFF<Count>,
    /// Words written to the FIFO memory and not yet read out.
    stored: DFF<Count>,
    /// A read was issued last cycle: its word is on `fifo.rdata` now.
    rd_pend: DFF<Bit>,
    h0_v: DFF<Bit>,
    h0_d: DFF<Bits<32>>,
    h1_v: DFF<Bit>,
    h1_d: DFF<Bits<32>>,
}

impl NttStream {
    /// Elements the wrapper holds at most for `2^log_n` points: the core's latency plus room
    /// for the FIFO's own 3-cycle path and a margin.
    pub fn capacity(log_n: usize) -> usize {
        NttCore::<1>::latency(log_n) + 16
    }

    /// A streaming `2^log_n`-point NTT of `mode` over `prime`.
    pub fn new(prime: Prime31, log_n: usize, mode: NttMode) -> Self {
        let cap = Self::capacity(log_n) as u64;
        Self {
            clock: Default::default(),
            elements: Default::default(),
            results: Default::default(),
            core: NttCore::new(prime, log_n, mode),
            fifo: SyncMem32::ram(cap as usize),
            cap: Constant::new(cap.to_bits()),
            last: Constant::new((cap - 1).to_bits()),
            can_accept: Default::default(),
            accept: Default::default(),
            pop: Default::default(),
            issue: Default::default(),
            a_v: Default::default(),
            a_d: Default::default(),
            b_v: Default::default(),
            used: Default::default(),
            wp: Default::default(),
            rp: Default::default(),
            stored: Default::default(),
            rd_pend: Default::default(),
            h0_v: Default::default(),
            h0_d: Default::default(),
            h1_v: Default::default(),
            h1_d: Default::default(),
        }
    }
}

impl Logic for NttStream {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, used, wp, rp, stored, rd_pend, h0_v, h0_d, h1_v, h1_d);
        // Credit.
        self.can_accept.next = self.used.q.val() < self.cap.val();
        self.elements.ready.next = self.can_accept.val();
        self.accept.next = self.elements.valid.val() & self.can_accept.val();
        self.core.clock.next = self.clock.val();
        self.core.valid_in.next = self.accept.val();
        self.core.data_in[0].next = self.elements.data.val();
        // Results into the FIFO memory.
        self.fifo.clock.next = self.clock.val();
        self.fifo.we.next = self.core.valid_out.val();
        self.fifo.waddr.next = self.wp.q.val();
        self.fifo.wdata.next = self.core.data_out[0].val();
        if self.core.valid_out.val() {
            if self.wp.q.val() == self.last.val() {
                self.wp.d.next = 0.into();
            } else {
                self.wp.d.next = self.wp.q.val() + 1;
            }
        }
        // The head queue.
        self.results.valid.next = self.h0_v.q.val();
        self.results.data.next = self.h0_d.q.val();
        self.pop.next = self.h0_v.q.val() & self.results.ready.val();
        if self.pop.val() {
            self.a_v.next = self.h1_v.q.val();
            self.a_d.next = self.h1_d.q.val();
            self.b_v.next = false;
        } else {
            self.a_v.next = self.h0_v.q.val();
            self.a_d.next = self.h0_d.q.val();
            self.b_v.next = self.h1_v.q.val();
        }
        // A read issued now lands at the end of next cycle: issue only if at most one slot is
        // taken at the start of next cycle (the queue after the pop, plus the word arriving
        // now). `b_v` implies `a_v`, so two are taken exactly when `b_v | (a_v & rd_pend)`.
        self.issue.next = (self.stored.q.val() != 0) & !(self.b_v.val() | (self.a_v.val() & self.rd_pend.q.val()));
        self.fifo.raddr.next = self.rp.q.val();
        self.rd_pend.d.next = self.issue.val();
        if self.issue.val() {
            if self.rp.q.val() == self.last.val() {
                self.rp.d.next = 0.into();
            } else {
                self.rp.d.next = self.rp.q.val() + 1;
            }
        }
        if self.core.valid_out.val() & !self.issue.val() {
            self.stored.d.next = self.stored.q.val() + 1;
        } else if self.issue.val() & !self.core.valid_out.val() {
            self.stored.d.next = self.stored.q.val() - 1;
        }
        // The arriving word joins the queue behind what is left of it.
        self.h0_v.d.next = self.a_v.val();
        self.h0_d.d.next = self.a_d.val();
        self.h1_v.d.next = self.b_v.val();
        if self.rd_pend.q.val() {
            if self.a_v.val() {
                self.h1_v.d.next = true;
                self.h1_d.d.next = self.fifo.rdata.val();
            } else {
                self.h0_v.d.next = true;
                self.h0_d.d.next = self.fifo.rdata.val();
            }
        }
        if self.accept.val() & !self.pop.val() {
            self.used.d.next = self.used.q.val() + 1;
        } else if self.pop.val() & !self.accept.val() {
            self.used.d.next = self.used.q.val() - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn ntt_stream_is_synthesizable() {
        let mut uut = NttStream::new(Prime31::new(FieldId::BabyBear).unwrap(), 3, NttMode::Inverse);
        uut.connect_all();
        yosys_validate("ntt_stream", &generate_verilog(&uut)).unwrap();
    }
}
