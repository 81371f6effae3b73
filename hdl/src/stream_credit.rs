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
//! asserts it at compile time, [`LaneCredit::for_latency`] at construction for a latency that
//! depends on the field).
//!
//! The parent wires ([`Admission`]): its input stream's `valid` to `admit.offer` and `ready`
//! from `admit.ready`; `admit.accept` to its pipeline's `valid_in` (the pipeline's data inputs
//! straight from the input stream's `data`); its pipeline's `valid_out` to
//! `admit.result_valid` and its result to `result`; and links `results` to its output stream.
//!
//! The storage is lane-wise: [`LaneCredit`] is the counter and the FIFO's pointers, and its
//! parent keeps one RAM per lane, all written and read at the pointers it gives. A result of
//! many lanes (a Poseidon2 state, 16 × 32 bits) is then W narrow memories that map to block
//! RAM lane by lane, with one copy of the control. [`StreamCredit`] is the one-lane case.

use rust_hdl::prelude::*;
use rust_hdl::widgets::fifo::fifo_logic::{FIFOReadLogic, FIFOWriteLogic};

use crate::stream::StreamSource;

/// The producer's side of a credit block, as its parent wires it: the input stream's `valid`
/// and `ready`, and the pipeline's `valid_in` and `valid_out`.
#[derive(LogicInterface, Default)]
pub struct Admission {
    /// The producer offers an item this cycle (its stream's `valid`).
    pub offer: Signal<In, Bit>,
    /// The block can take an item this cycle (drive the producer's stream's `ready`).
    pub ready: Signal<Out, Bit>,
    /// An item is accepted this cycle: drive the pipeline's `valid_in`.
    pub accept: Signal<Out, Bit>,
    /// The pipeline's `valid_out`.
    pub result_valid: Signal<In, Bit>,
}

/// Cycles from a FIFO write until the FIFO shows the item (rust-hdl's FIFO logic delays its
/// write pointer by one register so it never reads a word being written, and the RAM read is
/// registered).
pub const FIFO_LATENCY: usize = 2;

/// Address bits of the smallest FIFO that keeps a pipeline of `latency` cycles at full rate:
/// the `N` of `StreamCredit<T, N, NP1>` (`NP1 = N + 1`).
pub const fn credit_bits(latency: usize) -> usize {
    clog2(latency + FIFO_LATENCY + 1)
}

/// The credit counter and the result FIFO's control, for a FIFO of `2^N` entries (`NP1 =
/// N + 1`, the width of the counter and of the pointers) whose storage the parent keeps: one
/// `RAM<_, N>` per lane, written with `write_enable` at `write_address` and read at
/// `read_address` (both RAM clocks the block's). Build it with [`LaneCredit::new`] or
/// [`LaneCredit::for_latency`].
#[derive(LogicBlock)]
pub struct LaneCredit<const N: usize, const NP1: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Items in, pipeline in and out.
    pub admit: Admission,
    /// A result is on offer to the consumer (the lane RAMs' read data).
    pub valid_out: Signal<Out, Bit>,
    /// The consumer takes the result on offer, if any.
    pub out_ready: Signal<In, Bit>,
    /// Write the pipeline's result into every lane RAM this cycle.
    pub write_enable: Signal<Out, Bit>,
    /// Where.
    pub write_address: Signal<Out, Bits<N>>,
    /// The lane RAMs' read address.
    pub read_address: Signal<Out, Bits<N>>,
    // The FIFO's pointers; their data paths carry nothing (tied low), the lanes bypass them.
    read_logic: FIFOReadLogic<Bit, N, NP1, 1>,
    write_logic: FIFOWriteLogic<Bit, N, NP1, 1>,
    /// Items accepted and not yet taken by the consumer (in the pipeline or the FIFO).
    used: DFF<Bits<NP1>>,
    /// `used` at which `ready` drops: the FIFO's depth.
    limit: Constant<Bits<NP1>>,
    can_accept: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
}

impl<const N: usize, const NP1: usize> LaneCredit<N, NP1> {
    /// Entries in the result FIFO: the most items the block holds.
    pub const DEPTH: usize = 1 << N;

    /// The block for a pipeline of `LATENCY` cycles; fails to compile if the FIFO is too
    /// shallow to keep that pipeline at one item per cycle.
    pub fn new<const LATENCY: usize>() -> Self {
        const {
            assert!(
                LATENCY + FIFO_LATENCY < Self::DEPTH,
                "the result FIFO must cover the pipeline and its own latency for full rate"
            )
        };
        Self::with_limit(Self::DEPTH as u64)
    }

    /// [`LaneCredit::new`] for a latency known only at run time (it depends on the field):
    /// panics if the FIFO is too shallow for full rate.
    pub fn for_latency(latency: usize) -> Self {
        assert!(
            latency + FIFO_LATENCY < Self::DEPTH,
            "a {}-entry result FIFO is too shallow for a {latency}-cycle pipeline at full rate",
            Self::DEPTH
        );
        Self::with_limit(Self::DEPTH as u64)
    }

    /// Negative control: the same block with a credit limit one above the FIFO's depth. A
    /// consumer that stalls long enough makes the FIFO drop a result, which every stream
    /// check must catch.
    pub fn overcommitted(self) -> Self {
        Self { limit: Constant::new((Self::DEPTH as u64 + 1).to_bits()), ..self }
    }

    fn with_limit(limit: u64) -> Self {
        const { assert!(NP1 == N + 1, "the counter is one bit wider than the FIFO address") };
        Self {
            clock: Default::default(),
            admit: Default::default(),
            valid_out: Default::default(),
            out_ready: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            read_address: Default::default(),
            read_logic: Default::default(),
            write_logic: Default::default(),
            used: Default::default(),
            limit: Constant::new(limit.to_bits()),
            can_accept: Default::default(),
            pop: Default::default(),
        }
    }
}

/// A full-depth credit with no latency check, for [`StreamCredit`]'s `Default`; the
/// constructors check.
impl<const N: usize, const NP1: usize> Default for LaneCredit<N, NP1> {
    fn default() -> Self {
        Self::with_limit(Self::DEPTH as u64)
    }
}

impl<const N: usize, const NP1: usize> Logic for LaneCredit<N, NP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, used);
        clock!(self, clock, read_logic, write_logic);
        self.can_accept.next = self.used.q.val() < self.limit.val();
        self.admit.ready.next = self.can_accept.val();
        self.admit.accept.next = self.admit.offer.val() & self.can_accept.val();
        // The FIFO's pointers, wired as rust-hdl's SynchronousFIFO wires them.
        self.write_logic.write.next = self.admit.result_valid.val();
        self.write_logic.data_in.next = false;
        self.write_enable.next = self.write_logic.ram_write_enable.val();
        self.write_address.next = self.write_logic.ram_write_address.val();
        self.read_logic.ram_read_data.next = false;
        self.read_address.next = self.read_logic.ram_read_address.val();
        self.read_logic.write_address_delayed.next = self.write_logic.write_address_delayed.val();
        self.write_logic.read_address.next = self.read_logic.read_address_out.val();
        self.valid_out.next = !self.read_logic.empty.val();
        self.pop.next = !self.read_logic.empty.val() & self.out_ready.val();
        self.read_logic.read.next = self.pop.val();
        if self.admit.accept.val() & !self.pop.val() {
            self.used.d.next = self.used.q.val() + 1;
        } else if self.pop.val() & !self.admit.accept.val() {
            self.used.d.next = self.used.q.val() - 1;
        }
    }
}

/// The credit counter and result FIFO of a stream wrapper with one lane: results of type `T`
/// and a FIFO of `2^N` entries (`NP1 = N + 1`). Build it with [`StreamCredit::new`].
#[derive(LogicBlock, Default)]
pub struct StreamCredit<T: Synth, const N: usize, const NP1: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Items in, pipeline in and out.
    pub admit: Admission,
    /// The pipeline's result.
    pub result: Signal<In, T>,
    /// The results, to the consumer.
    pub results: StreamSource<T>,
    control: LaneCredit<N, NP1>,
    ram: RAM<T, N>,
}

impl<T: Synth, const N: usize, const NP1: usize> StreamCredit<T, N, NP1> {
    /// The FIFO's entries ([`LaneCredit::DEPTH`]).
    pub const DEPTH: usize = LaneCredit::<N, NP1>::DEPTH;

    /// [`LaneCredit::new`] with its one lane's RAM.
    pub fn new<const LATENCY: usize>() -> Self {
        Self { control: LaneCredit::new::<LATENCY>(), ..Default::default() }
    }

    /// [`LaneCredit::overcommitted`].
    pub fn overcommitted(self) -> Self {
        Self { control: self.control.overcommitted(), ..self }
    }
}

impl<T: Synth, const N: usize, const NP1: usize> Logic for StreamCredit<T, N, NP1> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, control);
        Admission::link(&mut self.admit, &mut self.control.admit);
        self.ram.write_clock.next = self.clock.val();
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_enable.next = self.control.write_enable.val();
        self.ram.write_address.next = self.control.write_address.val();
        self.ram.write_data.next = self.result.val();
        self.ram.read_address.next = self.control.read_address.val();
        self.results.data.next = self.ram.read_data.val();
        self.results.valid.next = self.control.valid_out.val();
        self.control.out_ready.next = self.results.ready.val();
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
                self.credit.admit.offer.next = self.operands.valid.val();
                self.operands.ready.next = self.credit.admit.ready.val();
                self.unit.valid_in.next = self.credit.admit.accept.val();
                self.unit.a.next = self.operands.data.val().get_bits::<$w>(0);
                self.unit.b.next = self.operands.data.val().get_bits::<$w>($w);
                self.credit.admit.result_valid.next = self.unit.valid_out.val();
                self.credit.result.next = self.unit.c.val();
                StreamSource::<Bits<$w>>::link(&mut self.$out, &mut self.credit.results);
            }
        }
    };
}
pub(crate) use binary_op_stream;

/// Declares `$name`: the fixed-latency lane unit `$unit` (ports `clock`, `valid_in`,
/// `x0..x{$width-1}` → `valid_out`, `y0..`, each lane `$bits` bits) behind a [`LaneCredit`]
/// with a `2^$credit_bits`-entry FIFO of one RAM per lane, as a lane stream: `clock`,
/// `valid_in`, `ready` (out), `x0..` (in), `valid_out` (out), `out_ready` (in), `y0..` (out)
/// ([`crate::eda::LaneHandshake::STANDARD`]). Constructors: `around(unit, latency)` (any
/// instance of the unit, e.g. a negative control's; panics if the FIFO is too shallow for
/// `latency` at full rate) and `overcommitted()`; the invoking file adds `new`.
macro_rules! lane_stream {
    ($(#[$doc:meta])* $name:ident, $unit:ty, $width:literal, $bits:literal, $credit_bits:expr) => {
        const BITS: usize = $credit_bits;
        type Credit = $crate::stream_credit::LaneCredit<BITS, { BITS + 1 }>;

        seq!(N in 0..$width {
            $(#[$doc])*
            #[derive(LogicBlock)]
            pub struct $name {
                /// Clock.
                pub clock: Signal<In, Clock>,
                /// A state is offered this cycle.
                pub valid_in: Signal<In, Bit>,
                /// The offered state is taken this cycle, if `valid_in` (depends on registers
                /// only).
                pub ready: Signal<Out, Bit>,
                #(
                    #[doc = concat!("State lane ", N, " in.")]
                    pub x~N: Signal<In, Bits<$bits>>,
                )*
                /// A permuted state is on offer this cycle.
                pub valid_out: Signal<Out, Bit>,
                /// The consumer takes the state on offer this cycle, if `valid_out`.
                pub out_ready: Signal<In, Bit>,
                #(
                    #[doc = concat!("Permuted lane ", N, " out.")]
                    pub y~N: Signal<Out, Bits<$bits>>,
                )*
                perm: $unit,
                credit: Credit,
                /// The result FIFO's storage, one RAM per lane.
                lanes: Vec<RAM<Bits<$bits>, BITS>>,
            }

            impl $name {
                /// States the wrapper holds at most: the result FIFO's depth.
                pub const DEPTH: usize = Credit::DEPTH;

                /// `perm`, of `latency` cycles, behind the streams.
                pub fn around(perm: $unit, latency: usize) -> Self {
                    Self {
                        clock: Default::default(),
                        valid_in: Default::default(),
                        ready: Default::default(),
                        #( x~N: Default::default(), )*
                        valid_out: Default::default(),
                        out_ready: Default::default(),
                        #( y~N: Default::default(), )*
                        perm,
                        credit: Credit::for_latency(latency),
                        lanes: (0..$width).map(|_| Default::default()).collect(),
                    }
                }

                /// Negative control: one more state of credit than the FIFO holds
                /// ([`LaneCredit::overcommitted`](crate::stream_credit::LaneCredit::overcommitted)).
                pub fn overcommitted(self) -> Self {
                    Self { credit: self.credit.overcommitted(), ..self }
                }
            }

            impl Logic for $name {
                #[hdl_gen]
                fn update(&mut self) {
                    clock!(self, clock, perm, credit);
                    self.credit.admit.offer.next = self.valid_in.val();
                    self.ready.next = self.credit.admit.ready.val();
                    self.perm.valid_in.next = self.credit.admit.accept.val();
                    self.credit.admit.result_valid.next = self.perm.valid_out.val();
                    self.valid_out.next = self.credit.valid_out.val();
                    self.credit.out_ready.next = self.out_ready.val();
                    #(
                        self.perm.x~N.next = self.x~N.val();
                        self.lanes[N].write_clock.next = self.clock.val();
                        self.lanes[N].read_clock.next = self.clock.val();
                        self.lanes[N].write_enable.next = self.credit.write_enable.val();
                        self.lanes[N].write_address.next = self.credit.write_address.val();
                        self.lanes[N].write_data.next = self.perm.y~N.val();
                        self.lanes[N].read_address.next = self.credit.read_address.val();
                        self.y~N.next = self.lanes[N].read_data.val();
                    )*
                }
            }
        });
    };
}
pub(crate) use lane_stream;

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
        // The Poseidon2 permutations: 425 cycles need 512 entries, 695 need 1,024.
        assert_eq!(credit_bits(425), 9);
        assert_eq!(credit_bits(695), 10);
    }

    #[test]
    fn stream_credit_is_synthesizable() {
        let mut uut = StreamCredit::<Bits<32>, 3, 4>::new::<5>();
        uut.connect_all();
        yosys_validate("stream_credit", &generate_verilog(&uut)).unwrap();
    }

    #[test]
    fn lane_credit_is_synthesizable() {
        let mut uut = LaneCredit::<3, 4>::for_latency(5);
        uut.connect_all();
        yosys_validate("lane_credit", &generate_verilog(&uut)).unwrap();
    }

    #[test]
    #[should_panic(expected = "too shallow")]
    fn lane_credit_refuses_a_shallow_fifo() {
        let _ = LaneCredit::<3, 4>::for_latency(6);
    }
}
