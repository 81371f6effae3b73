//! `StreamCredit`: the back-pressure of a fixed-latency pipeline behind valid/ready streams,
//! shared by every `*Stream` wrapper.
//!
//! A fixed-latency pipeline cannot stop: whatever enters leaves `LATENCY` cycles later,
//! whether or not the consumer is ready. So the results land in a FIFO, and the block never
//! lets more items in than that FIFO can hold: it counts the items accepted and not yet taken
//! by the consumer (`used`, in the pipeline or the FIFO) and drops `ready` once `used`
//! reaches the FIFO's depth. Every result then finds room, however long the consumer stalls.
//!
//! Full rate needs a deep enough FIFO. With a consumer that never stalls, an item is counted
//! from the edge that accepts it until the edge that pops it: `LATENCY` cycles in the pipeline,
//! [`FIFO_LATENCY`] cycles until the FIFO shows it, and the cycle that pops it.
//! `ready` looks at the registered count only (no combinational path from the consumer's
//! `ready` back to the producer's), so the depth must exceed that count:
//! `depth ≥ LATENCY + FIFO_LATENCY + 1` ([`credit_bits`] sizes it, [`StreamCredit::new`]
//! asserts it at compile time).
//!
//! The parent wires: its input stream's `valid` to `offer` and `ready` from `ready`;
//! `accept` to its pipeline's `valid_in` (the pipeline's data inputs straight from the input
//! stream's `data`); its pipeline's `valid_out` and result to `result_valid` and `result`;
//! and links `results` to its output stream.

use rust_hdl::prelude::*;

use crate::stream::StreamSource;

/// Cycles from a FIFO write until the FIFO shows the item (rust-hdl's `SynchronousFIFO`
/// delays its write pointer by one register so it never reads a word being written).
pub const FIFO_LATENCY: usize = 2;

/// Address bits of the smallest FIFO that keeps a pipeline of `latency` cycles at full rate:
/// the `N` of `StreamCredit<T, N, NP1>` (`NP1 = N + 1`).
pub const fn credit_bits(latency: usize) -> usize {
    clog2(latency + FIFO_LATENCY + 1)
}

/// The credit counter and result FIFO of a stream wrapper, for results of type `T` and a FIFO
/// of `2^N` entries (`NP1 = N + 1`, the width of the counter). Build it with
/// [`StreamCredit::new`].
#[derive(LogicBlock)]
pub struct StreamCredit<T: Synth, const N: usize, const NP1: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The producer offers an item this cycle (its stream's `valid`).
    pub offer: Signal<In, Bit>,
    /// The block can take an item this cycle (drive the producer's stream's `ready`).
    pub ready: Signal<Out, Bit>,
    /// An item is accepted this cycle: drive the pipeline's `valid_in`.
    pub accept: Signal<Out, Bit>,
    /// The pipeline's `valid_out`.
    pub result_valid: Signal<In, Bit>,
    /// The pipeline's result.
    pub result: Signal<In, T>,
    /// The results, to the consumer.
    pub results: StreamSource<T>,
    fifo: SynchronousFIFO<T, N, NP1, 1>,
    /// Items accepted and not yet taken by the consumer (in the pipeline or the FIFO).
    used: DFF<Bits<NP1>>,
    /// `used` at which `ready` drops: the FIFO's depth.
    limit: Constant<Bits<NP1>>,
    can_accept: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
}

impl<T: Synth, const N: usize, const NP1: usize> StreamCredit<T, N, NP1> {
    /// Entries in the result FIFO: the most items the block holds.
    pub const DEPTH: usize = 1 << N;

    /// The block for a pipeline of `LATENCY` cycles; fails to compile if the FIFO is too
    /// shallow to keep that pipeline at one item per cycle.
    pub fn new<const LATENCY: usize>() -> Self {
        const {
            assert!(NP1 == N + 1, "the counter is one bit wider than the FIFO address");
            assert!(
                LATENCY + FIFO_LATENCY < Self::DEPTH,
                "the result FIFO must cover the pipeline and its own latency for full rate"
            );
        };
        Self::with_limit(Self::DEPTH as u64)
    }

    /// Negative control: the same block with a credit limit one above the FIFO's depth. A
    /// consumer that stalls long enough makes the FIFO drop a result, which every stream
    /// check must catch.
    pub fn overcommitted(self) -> Self {
        Self { limit: Constant::new((Self::DEPTH as u64 + 1).to_bits()), ..self }
    }

    fn with_limit(limit: u64) -> Self {
        Self {
            clock: Default::default(),
            offer: Default::default(),
            ready: Default::default(),
            accept: Default::default(),
            result_valid: Default::default(),
            result: Default::default(),
            results: Default::default(),
            fifo: Default::default(),
            used: Default::default(),
            limit: Constant::new(limit.to_bits()),
            can_accept: Default::default(),
            pop: Default::default(),
        }
    }
}

impl<T: Synth, const N: usize, const NP1: usize> Logic for StreamCredit<T, N, NP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, used);
        self.can_accept.next = self.used.q.val() < self.limit.val();
        self.ready.next = self.can_accept.val();
        self.accept.next = self.offer.val() & self.can_accept.val();
        self.fifo.clock.next = self.clock.val();
        self.fifo.data_in.next = self.result.val();
        self.fifo.write.next = self.result_valid.val();
        self.results.data.next = self.fifo.data_out.val();
        self.results.valid.next = !self.fifo.empty.val();
        self.pop.next = !self.fifo.empty.val() & self.results.ready.val();
        self.fifo.read.next = self.pop.val();
        if self.accept.val() & !self.pop.val() {
            self.used.d.next = self.used.q.val() + 1;
        } else if self.pop.val() & !self.accept.val() {
            self.used.d.next = self.used.q.val() - 1;
        }
    }
}

/// Declares `$name`: the two-operand unit `$unit` (ports `clock`, `valid_in`, `a`, `b` →
/// `valid_out`, `c`, each `$w` bits, and a `LATENCY` constant) behind a [`StreamCredit`], with
/// an input stream `operands` of `{b, a}` (`a` in the low `$w` bits) and an output stream
/// `$out`. Constructors: `around(unit)` (any instance of the unit, e.g. a negative control's)
/// and `overcommitted()`; the invoking file adds `new`.
macro_rules! binary_op_stream {
    ($(#[$doc:meta])* $name:ident, $unit:ident, $w:tt, $ww:tt, $out:ident, $out_doc:literal) => {
        use $crate::stream::{StreamSink, StreamSource};
        use $crate::stream_credit::{StreamCredit, credit_bits};

        const BITS: usize = credit_bits($unit::LATENCY);
        type Credit = StreamCredit<Bits<$w>, BITS, { BITS + 1 }>;

        $(#[$doc])*
        #[derive(LogicBlock)]
        pub struct $name {
            /// Clock.
            pub clock: Signal<In, Clock>,
            /// Operand pairs `{b, a}` (`a` in the low half).
            pub operands: StreamSink<Bits<$ww>>,
            #[doc = $out_doc]
            pub $out: StreamSource<Bits<$w>>,
            unit: $unit,
            credit: Credit,
        }

        impl $name {
            /// Items the wrapper holds at most: the result FIFO's depth.
            pub const DEPTH: usize = Credit::DEPTH;
            /// Cycles from an accepted item to its result on offer, consumer ready.
            pub const LATENCY: usize = $unit::LATENCY + $crate::stream_credit::FIFO_LATENCY;

            /// `unit` behind the streams.
            pub fn around(unit: $unit) -> Self {
                Self {
                    clock: Default::default(),
                    operands: Default::default(),
                    $out: Default::default(),
                    unit,
                    credit: Credit::new::<{ $unit::LATENCY }>(),
                }
            }

            /// Negative control: one more item of credit than the FIFO holds
            /// ([`StreamCredit::overcommitted`]).
            pub fn overcommitted(self) -> Self {
                Self { credit: self.credit.overcommitted(), ..self }
            }
        }

        impl Logic for $name {
            #[hdl_gen]
            fn update(&mut self) {
                clock!(self, clock, unit, credit);
                self.credit.offer.next = self.operands.valid.val();
                self.operands.ready.next = self.credit.ready.val();
                self.unit.valid_in.next = self.credit.accept.val();
                self.unit.a.next = self.operands.data.val().get_bits::<$w>(0);
                self.unit.b.next = self.operands.data.val().get_bits::<$w>($w);
                self.credit.result_valid.next = self.unit.valid_out.val();
                self.credit.result.next = self.unit.c.val();
                StreamSource::<Bits<$w>>::link(&mut self.$out, &mut self.credit.results);
            }
        }
    };
}
pub(crate) use binary_op_stream;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_bits_cover_the_latency() {
        // MontMul31: 5 + 2 + 1 = 8 fits 8 entries; the x^7 S-box's 15 needs 32.
        assert_eq!(credit_bits(5), 3);
        assert_eq!(credit_bits(6), 4);
        assert_eq!(credit_bits(15), 5);
        assert_eq!(StreamCredit::<Bits<32>, 3, 4>::DEPTH, 8);
    }

    #[test]
    fn stream_credit_is_synthesizable() {
        let mut uut = StreamCredit::<Bits<32>, 3, 4>::new::<5>();
        uut.connect_all();
        yosys_validate("stream_credit", &generate_verilog(&uut)).unwrap();
    }
}
