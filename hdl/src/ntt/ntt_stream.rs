//! `NttStream`: an `L`-lane [`NttCore`] behind a valid/ready handshake on both sides, with
//! back-pressure.
//!
//! # Interface
//!
//! A lane stream (the convention of [`crate::eda::LaneHandshake::STANDARD`]): a vector of one
//! element per lane moves in at an edge with `valid_in` and `ready` both high, and a vector of
//! one result per lane moves out at an edge with `valid_out` and `out_ready` both high. Lane
//! `l` carries its own column's transforms, back to back in natural order, and gets them back
//! bit-reversed, as from the core.
//!
//! # Why a credit and not a stall
//!
//! The core cannot be stopped (its stages drain by themselves), so this is the credit scheme
//! of [`crate::stream_credit`]: count the vectors accepted and not yet taken by the consumer
//! (`used`) and drop `ready` when that reaches the result FIFO's capacity. Every result then
//! finds room however long the consumer stalls. The FIFO is sized to the core's latency plus a
//! margin ([`NttStream::capacity`]), so a consumer that never stalls sees one vector per cycle:
//! the credit never runs out at full rate.
//!
//! The lanes move in lockstep (the core's lanes share their control), so one credit counter,
//! one pair of FIFO pointers and one head-queue control serve them all; only the data is per
//! lane, one FIFO memory and two head registers each. That keeps the control as small as the
//! one-lane wrapper's, and `L` memories of 32 bits map to block RAM as well as one would.
//!
//! The FIFO is a [`SyncMem32`] per lane (block RAM for the 2^12-point core) with a one-cycle
//! read, so its head lives in a two-entry register queue (`h0`, `h1`): a read is issued only
//! when the queue is sure to have a free slot when the word arrives, and `data_out` is a
//! register. Results leave [`NttStream::FIFO_LATENCY`] cycles after the core emits them when
//! the consumer is ready.

use rust_hdl::prelude::*;

use crate::field::Prime31;
use crate::ntt::sync_mem32::MEM_ADDR_BITS;
use crate::ntt::{NttCore, NttMode, SyncMem32};

type Count = Bits<MEM_ADDR_BITS>;

/// The streaming NTT, `L` lanes. Build it with [`NttStream::new`].
#[derive(LogicBlock)]
pub struct NttStream<const L: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The producer offers a vector (`data_in`) this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The stream takes the offered vector at the next edge (depends on registers only).
    pub ready: Signal<Out, Bit>,
    /// One element per lane, canonical, each lane's transforms in natural order.
    pub data_in: [Signal<In, Bits<32>>; L],
    /// A vector of results (`data_out`) is on offer this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The consumer takes the offered results at the next edge.
    pub out_ready: Signal<In, Bit>,
    /// One result per lane, canonical, each transform in bit-reversed order.
    pub data_out: [Signal<Out, Bits<32>>; L],
    core: NttCore<L>,
    fifo: [SyncMem32; L],
    /// `used` at which `ready` drops: the FIFO's capacity.
    limit: Constant<Count>,
    last: Constant<Count>,
    can_accept: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    // The queue after this cycle's pop, before this cycle's arriving word.
    a_v: Signal<Local, Bit>,
    a_d: [Signal<Local, Bits<32>>; L],
    b_v: Signal<Local, Bit>,
    /// Vectors accepted and not yet taken by the consumer.
    used: DFF<Count>,
    wp: DFF<Count>,
    rp: DFF<Count>,
    /// Vectors written to the FIFO memories and not yet read out.
    stored: DFF<Count>,
    /// A read was issued last cycle: its words are on the memories' `rdata` now.
    rd_pend: DFF<Bit>,
    h0_v: DFF<Bit>,
    h1_v: DFF<Bit>,
    // Per lane, so clocked in a loop (`dff_setup!` takes named fields only).
    h0_d: [DFF<Bits<32>>; L],
    h1_d: [DFF<Bits<32>>; L],
}

impl<const L: usize> NttStream<L> {
    /// Cycles from a result leaving the core to its being on offer: the memory write, the
    /// read and the head register.
    pub const FIFO_LATENCY: usize = 3;

    /// Vectors the wrapper holds at most for `2^log_n` points: the core's latency plus room
    /// for the FIFO's own path and a margin.
    pub fn capacity(log_n: usize) -> usize {
        NttCore::<L>::latency(log_n) + 16
    }

    /// Cycles from an accepted vector to its results on offer, consumer ready.
    pub fn latency(log_n: usize) -> usize {
        NttCore::<L>::latency(log_n) + Self::FIFO_LATENCY
    }

    /// A streaming `2^log_n`-point NTT of `mode` over `prime` (see [`NttCore::new`]).
    pub fn new(prime: Prime31, log_n: usize, mode: NttMode) -> Self {
        Self::around(NttCore::new(prime, log_n, mode), log_n)
    }

    /// `core` (a `2^log_n`-point core, e.g. a negative control's) behind the streams.
    pub fn around(core: NttCore<L>, log_n: usize) -> Self {
        let cap = Self::capacity(log_n) as u64;
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            ready: Default::default(),
            data_in: std::array::from_fn(|_| Default::default()),
            valid_out: Default::default(),
            out_ready: Default::default(),
            data_out: std::array::from_fn(|_| Default::default()),
            core,
            fifo: std::array::from_fn(|_| SyncMem32::ram(cap as usize)),
            limit: Constant::new(cap.to_bits()),
            last: Constant::new((cap - 1).to_bits()),
            can_accept: Default::default(),
            accept: Default::default(),
            pop: Default::default(),
            issue: Default::default(),
            a_v: Default::default(),
            a_d: std::array::from_fn(|_| Default::default()),
            b_v: Default::default(),
            used: Default::default(),
            wp: Default::default(),
            rp: Default::default(),
            stored: Default::default(),
            rd_pend: Default::default(),
            h0_v: Default::default(),
            h1_v: Default::default(),
            h0_d: std::array::from_fn(|_| Default::default()),
            h1_d: std::array::from_fn(|_| Default::default()),
        }
    }

    /// Negative control: credit for twice the vectors the FIFO holds. A consumer that stalls
    /// long enough makes the memories overwrite unread results, which every stream check must
    /// catch. (Credit only just above the capacity can go unnoticed: the results of a
    /// transform whose input is incomplete stay in the core, so a stalled consumer sees up to
    /// `n − 1` fewer results than the credit allows.)
    pub fn overcommitted(self) -> Self {
        let over = 2 * self.fifo[0].depth() as u64;
        Self { limit: Constant::new(over.to_bits()), ..self }
    }
}

impl<const L: usize> Logic for NttStream<L> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, used, wp, rp, stored, rd_pend, h0_v, h1_v);
        for l in 0..L {
            self.h0_d[l].clock.next = self.clock.val();
            self.h0_d[l].d.next = self.h0_d[l].q.val();
            self.h1_d[l].clock.next = self.clock.val();
            self.h1_d[l].d.next = self.h1_d[l].q.val();
        }
        // Credit.
        self.can_accept.next = self.used.q.val() < self.limit.val();
        self.ready.next = self.can_accept.val();
        self.accept.next = self.valid_in.val() & self.can_accept.val();
        self.core.clock.next = self.clock.val();
        self.core.valid_in.next = self.accept.val();
        for l in 0..L {
            self.core.data_in[l].next = self.data_in[l].val();
        }
        // Results into the FIFO memories, all at the same address.
        for l in 0..L {
            self.fifo[l].clock.next = self.clock.val();
            self.fifo[l].we.next = self.core.valid_out.val();
            self.fifo[l].waddr.next = self.wp.q.val();
            self.fifo[l].wdata.next = self.core.data_out[l].val();
            self.fifo[l].raddr.next = self.rp.q.val();
        }
        if self.core.valid_out.val() {
            if self.wp.q.val() == self.last.val() {
                self.wp.d.next = 0.into();
            } else {
                self.wp.d.next = self.wp.q.val() + 1;
            }
        }
        // The head queue.
        self.valid_out.next = self.h0_v.q.val();
        for l in 0..L {
            self.data_out[l].next = self.h0_d[l].q.val();
        }
        self.pop.next = self.h0_v.q.val() & self.out_ready.val();
        if self.pop.val() {
            self.a_v.next = self.h1_v.q.val();
            self.b_v.next = false;
        } else {
            self.a_v.next = self.h0_v.q.val();
            self.b_v.next = self.h1_v.q.val();
        }
        for l in 0..L {
            if self.pop.val() {
                self.a_d[l].next = self.h1_d[l].q.val();
            } else {
                self.a_d[l].next = self.h0_d[l].q.val();
            }
        }
        // A read issued now lands at the end of next cycle: issue only if at most one slot is
        // taken at the start of next cycle (the queue after the pop, plus the word arriving
        // now). `b_v` implies `a_v`, so two are taken exactly when `b_v | (a_v & rd_pend)`.
        self.issue.next = (self.stored.q.val() != 0) & !(self.b_v.val() | (self.a_v.val() & self.rd_pend.q.val()));
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
        // The arriving words join the queue behind what is left of it.
        self.h0_v.d.next = self.a_v.val();
        self.h1_v.d.next = self.b_v.val();
        if self.rd_pend.q.val() {
            if self.a_v.val() {
                self.h1_v.d.next = true;
            } else {
                self.h0_v.d.next = true;
            }
        }
        for l in 0..L {
            self.h0_d[l].d.next = self.a_d[l].val();
            if self.rd_pend.q.val() & self.a_v.val() {
                self.h1_d[l].d.next = self.fifo[l].rdata.val();
            }
            if self.rd_pend.q.val() & !self.a_v.val() {
                self.h0_d[l].d.next = self.fifo[l].rdata.val();
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
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        let mut one = NttStream::<1>::new(prime, 3, NttMode::Inverse);
        one.connect_all();
        yosys_validate("ntt_stream_1", &generate_verilog(&one)).unwrap();
        let mut four = NttStream::<4>::new(prime, 3, NttMode::CosetInverse { shift: 31 });
        four.connect_all();
        yosys_validate("ntt_stream_4", &generate_verilog(&four)).unwrap();
    }
}
