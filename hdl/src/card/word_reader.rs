//! `WordReader`: a run of 32-bit words (consecutive, or a stride apart) read from card memory through the AXI4
//! master port, delivered in order with their index, as fast as the memory answers.
//!
//! The command processor reads every operand this way before it acts on it: the payload at
//! `SRC` through the checksum (a command whose payload arrived damaged is refused before
//! anything is computed), then again into the LDE unit's columns, a table into its checker,
//! the leaf indices of `READ_PATHS`. Its consumers take a word every cycle (a checksum, a
//! RAM write port, a comparator), so the reader has no output back-pressure: `mem_rready` is
//! always high while it runs and a beat is delivered the cycle it arrives. Reads are issued
//! ahead, at most [`WordReader::READS_IN_FLIGHT`] outstanding, so the port streams at one
//! word per cycle whatever the memory's latency (up to that many cycles).
//!
//! # Interface
//!
//! `start` (while idle) latches `base` (a multiple of 4), `stride` (bytes, a multiple of 4)
//! and `words`; `busy` rises the next
//! cycle and falls the cycle after the last word is delivered. Each delivered word is one cycle of
//! `valid_out` with `data` and its `index` (0 for the word at `base`), one edge after its
//! beat (registered, so the consumers' logic starts from flops). A read
//! answered with an error response sets `error` (sticky until the next `start`); the word is
//! still delivered (as the memory gave it), so the consumer's count stays right and the
//! processor refuses the command at the end.

use rust_hdl::prelude::*;

/// The reader. Build it with [`WordReader::new`].
#[derive(LogicBlock)]
pub struct WordReader {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a run (sampled while `busy` is low).
    pub start: Signal<In, Bit>,
    /// Byte address of the first word.
    pub base: Signal<In, Bits<64>>,
    /// Bytes from one word to the next: 4 for consecutive words, more for a column of a
    /// row-major matrix (the four-step schedule's loads).
    pub stride: Signal<In, Bits<64>>,
    /// Words to read.
    pub words: Signal<In, Bits<32>>,
    /// Issue no new addresses this cycle (the consumer's queue is nearly full).
    pub hold: Signal<In, Bit>,
    /// A run is in progress.
    pub busy: Signal<Out, Bit>,
    /// A read of this run was answered with an error response.
    pub error: Signal<Out, Bit>,
    /// A word is delivered this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The word.
    pub data: Signal<Out, Bits<32>>,
    /// Its index in the run.
    pub index: Signal<Out, Bits<32>>,
    /// Card memory: read address valid.
    pub mem_arvalid: Signal<Out, Bit>,
    /// Read address ready.
    pub mem_arready: Signal<In, Bit>,
    /// Read byte address.
    pub mem_araddr: Signal<Out, Bits<64>>,
    /// Read data valid.
    pub mem_rvalid: Signal<In, Bit>,
    /// Read data ready.
    pub mem_rready: Signal<Out, Bit>,
    /// Read data.
    pub mem_rdata: Signal<In, Bits<32>>,
    /// Read response (0 = OKAY).
    pub mem_rresp: Signal<In, Bits<2>>,
    max_reads: Constant<Bits<7>>,
    run: DFF<Bit>,
    err: DFF<Bit>,
    addr: DFF<Bits<64>>,
    p_stride: DFF<Bits<64>>,
    issued: DFF<Bits<32>>,
    received: DFF<Bits<32>>,
    total: DFF<Bits<32>>,
    outstanding: DFF<Bits<7>>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<32>>,
    o_index: DFF<Bits<32>>,
    ar_go: Signal<Local, Bit>,
    ar_fire: Signal<Local, Bit>,
    r_fire: Signal<Local, Bit>,
}

impl WordReader {
    /// Most reads outstanding.
    pub const READS_IN_FLIGHT: usize = 32;

    /// Cycles `busy` is high for a run of `words` words from a memory that never stalls and
    /// answers after `read_latency` edges (at most [`Self::READS_IN_FLIGHT`]): one address
    /// per cycle from the first, the data `read_latency` behind, the last word one edge
    /// later. An estimate for timing models; the tests hold it to the RTL.
    pub fn run_cycles(words: u64, read_latency: u64) -> u64 {
        if words == 0 { 1 } else { words + read_latency + 1 }
    }

    /// The reader.
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            base: Default::default(),
            stride: Default::default(),
            words: Default::default(),
            hold: Default::default(),
            busy: Default::default(),
            error: Default::default(),
            valid_out: Default::default(),
            data: Default::default(),
            index: Default::default(),
            mem_arvalid: Default::default(),
            mem_arready: Default::default(),
            mem_araddr: Default::default(),
            mem_rvalid: Default::default(),
            mem_rready: Default::default(),
            mem_rdata: Default::default(),
            mem_rresp: Default::default(),
            max_reads: Constant::new((Self::READS_IN_FLIGHT as u64).to_bits()),
            run: Default::default(),
            err: Default::default(),
            addr: Default::default(),
            p_stride: Default::default(),
            issued: Default::default(),
            received: Default::default(),
            total: Default::default(),
            outstanding: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_index: Default::default(),
            ar_go: Default::default(),
            ar_fire: Default::default(),
            r_fire: Default::default(),
        }
    }
}

impl Default for WordReader {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for WordReader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            run,
            err,
            addr,
            p_stride,
            issued,
            received,
            total,
            outstanding,
            o_valid,
            o_data,
            o_index
        );
        self.busy.next = self.run.q.val();
        self.error.next = self.err.q.val();
        if self.start.val() & !self.run.q.val() {
            self.run.d.next = true;
            self.err.d.next = false;
            self.addr.d.next = self.base.val();
            self.p_stride.d.next = self.stride.val();
            self.issued.d.next = 0.into();
            self.received.d.next = 0.into();
            self.total.d.next = self.words.val();
            self.outstanding.d.next = 0.into();
        }
        // Addresses run ahead of the data by up to READS_IN_FLIGHT words.
        self.ar_go.next = self.run.q.val()
            & !self.hold.val()
            & (self.issued.q.val() < self.total.q.val())
            & (self.outstanding.q.val() < self.max_reads.val());
        self.mem_arvalid.next = self.ar_go.val();
        self.mem_araddr.next = self.addr.q.val();
        self.ar_fire.next = self.ar_go.val() & self.mem_arready.val();
        if self.ar_fire.val() {
            self.issued.d.next = self.issued.q.val() + 1;
            self.addr.d.next = self.addr.q.val() + self.p_stride.q.val();
        }
        // Data: taken the cycle it arrives, delivered with its index.
        self.mem_rready.next = self.run.q.val();
        self.r_fire.next = self.run.q.val() & self.mem_rvalid.val();
        // Registered: the consumers see a word one edge after its beat, from flops.
        self.o_valid.d.next = self.r_fire.val();
        self.o_data.d.next = self.mem_rdata.val();
        self.o_index.d.next = self.received.q.val();
        self.valid_out.next = self.o_valid.q.val();
        self.data.next = self.o_data.q.val();
        self.index.next = self.o_index.q.val();
        if self.r_fire.val() {
            self.received.d.next = self.received.q.val() + 1;
            if self.mem_rresp.val().any() {
                self.err.d.next = true;
            }
        }
        if self.ar_fire.val() & !self.r_fire.val() {
            self.outstanding.d.next = self.outstanding.q.val() + 1;
        } else if self.r_fire.val() & !self.ar_fire.val() {
            self.outstanding.d.next = self.outstanding.q.val() - 1;
        }
        // Done when every word is in; the last word is delivered in the first idle cycle.
        if self.run.q.val() & (self.received.q.val() == self.total.q.val()) & !self.start.val() {
            self.run.d.next = false;
        }
    }
}
