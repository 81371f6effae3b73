//! `Butterfly31Stream`: [`Butterfly31`] behind valid/ready streams, with back-pressure.
//!
//! The butterfly's six stages cannot stop, so its outputs land in a FIFO and
//! [`StreamCredit`] never lets more inputs in than that FIFO can hold: nothing is lost however
//! long the consumer stalls, and an unstalled stream still moves one butterfly per cycle (the
//! depth is sized from the latency). A stream lets an NTT stage be fed from, and drain into,
//! memories that are not ready every cycle.
//!
//! `inputs.data` is `{w_mont, b, a}` (`a` in bits 0..32, `b` in 32..64, the twiddle in
//! Montgomery form in 64..96); `outputs.data` is `{y, x}` (`x = a + w·b` in bits 0..32,
//! `y = a − w·b` in 32..64).

use rust_hdl::prelude::*;

use super::Butterfly31;
use crate::field::Prime31;
use crate::stream::{StreamSink, StreamSource};
use crate::stream_credit::{FIFO_LATENCY, StreamCredit, credit_bits};

const BITS: usize = credit_bits(Butterfly31::LATENCY);
type Credit = StreamCredit<Bits<64>, BITS, { BITS + 1 }>;

/// The streaming butterfly. Build it with [`Butterfly31Stream::new`].
#[derive(LogicBlock)]
pub struct Butterfly31Stream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Inputs `{w_mont, b, a}`.
    pub inputs: StreamSink<Bits<96>>,
    /// Outputs `{y, x}`.
    pub outputs: StreamSource<Bits<64>>,
    unit: Butterfly31,
    credit: Credit,
    /// `x` and `y` widened to the output word, before they are combined.
    x_wide: Signal<Local, Bits<64>>,
    y_wide: Signal<Local, Bits<64>>,
}

impl Butterfly31Stream {
    /// Items the wrapper holds at most: the result FIFO's depth.
    pub const DEPTH: usize = Credit::DEPTH;
    /// Cycles from an accepted input to its outputs on offer, consumer ready.
    pub const LATENCY: usize = Butterfly31::LATENCY + FIFO_LATENCY;

    /// A streaming butterfly for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self::around(Butterfly31::new(prime))
    }

    /// `unit` behind the streams.
    pub fn around(unit: Butterfly31) -> Self {
        Self {
            clock: Default::default(),
            inputs: Default::default(),
            outputs: Default::default(),
            unit,
            credit: Credit::new::<{ Butterfly31::LATENCY }>(),
            x_wide: Default::default(),
            y_wide: Default::default(),
        }
    }

    /// Negative control: one more item of credit than the FIFO holds
    /// ([`StreamCredit::overcommitted`]).
    pub fn overcommitted(self) -> Self {
        Self { credit: self.credit.overcommitted(), ..self }
    }
}

impl Logic for Butterfly31Stream {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, unit, credit);
        self.credit.admit.offer.next = self.inputs.valid.val();
        self.inputs.ready.next = self.credit.admit.ready.val();
        self.unit.valid_in.next = self.credit.admit.accept.val();
        self.unit.a.next = self.inputs.data.val().get_bits::<32>(0);
        self.unit.b.next = self.inputs.data.val().get_bits::<32>(32);
        self.unit.w_mont.next = self.inputs.data.val().get_bits::<32>(64);
        self.x_wide.next = bit_cast::<64, 32>(self.unit.x.val());
        self.y_wide.next = bit_cast::<64, 32>(self.unit.y.val());
        self.credit.admit.result_valid.next = self.unit.valid_out.val();
        self.credit.result.next = self.x_wide.val() | (self.y_wide.val() << 32);
        StreamSource::<Bits<64>>::link(&mut self.outputs, &mut self.credit.results);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn butterfly31_stream_is_synthesizable() {
        let mut uut = Butterfly31Stream::new(Prime31::new(FieldId::KoalaBear).unwrap());
        uut.connect_all();
        yosys_validate("butterfly31_stream", &generate_verilog(&uut)).unwrap();
    }
}
