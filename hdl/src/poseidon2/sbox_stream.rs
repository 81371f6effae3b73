//! `Sbox31Stream`: [`Sbox31`] behind valid/ready streams, with back-pressure.
//!
//! The S-box's chain of multipliers (10 or 15 stages) cannot stop, so its outputs land in a
//! FIFO and [`StreamCredit`] never lets more lanes in than that FIFO can hold: nothing is lost
//! however long the consumer stalls, and an unstalled stream still moves one lane per cycle.
//! The FIFO is sized for the longest S-box ([`Sbox31::MAX_LATENCY`], `x^7`), so one type
//! serves both fields.
//!
//! `lanes.data` is a lane in Montgomery form; `powers.data` is its `x^d`, in Montgomery form.

use rust_hdl::prelude::*;

use super::Sbox31;
use crate::field::Prime31;
use crate::stream::{StreamSink, StreamSource};
use crate::stream_credit::{FIFO_LATENCY, StreamCredit, credit_bits};

const BITS: usize = credit_bits(Sbox31::MAX_LATENCY);
type Credit = StreamCredit<Bits<32>, BITS, { BITS + 1 }>;

/// The streaming S-box. Build it with [`Sbox31Stream::new`].
#[derive(LogicBlock)]
pub struct Sbox31Stream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Lanes, in Montgomery form.
    pub lanes: StreamSink<Bits<32>>,
    /// `x^d` of each lane, in Montgomery form.
    pub powers: StreamSource<Bits<32>>,
    unit: Sbox31,
    credit: Credit,
}

impl Sbox31Stream {
    /// Items the wrapper holds at most: the result FIFO's depth.
    pub const DEPTH: usize = Credit::DEPTH;

    /// The streaming S-box of `prime`'s field.
    pub fn new(prime: Prime31) -> Self {
        Self::around(Sbox31::new(prime))
    }

    /// `unit` behind the streams.
    pub fn around(unit: Sbox31) -> Self {
        Self {
            clock: Default::default(),
            lanes: Default::default(),
            powers: Default::default(),
            unit,
            credit: Credit::new::<{ Sbox31::MAX_LATENCY }>(),
        }
    }

    /// Cycles from an accepted lane to its power on offer, consumer ready.
    pub fn latency(prime: Prime31) -> usize {
        Sbox31::latency(prime) + FIFO_LATENCY
    }

    /// Negative control: one more item of credit than the FIFO holds
    /// ([`StreamCredit::overcommitted`]).
    pub fn overcommitted(self) -> Self {
        Self { credit: self.credit.overcommitted(), ..self }
    }
}

impl Logic for Sbox31Stream {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, unit, credit);
        self.credit.admit.offer.next = self.lanes.valid.val();
        self.lanes.ready.next = self.credit.admit.ready.val();
        self.unit.valid_in.next = self.credit.admit.accept.val();
        self.unit.x.next = self.lanes.data.val();
        self.credit.admit.result_valid.next = self.unit.valid_out.val();
        self.credit.result.next = self.unit.y.val();
        StreamSource::<Bits<32>>::link(&mut self.powers, &mut self.credit.results);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn sbox31_stream_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let mut uut = Sbox31Stream::new(Prime31::new(field).unwrap());
            uut.connect_all();
            yosys_validate(&format!("sbox31_stream_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}
