//! `CommandDecoder`: the command processor's first stage. It takes the descriptor the
//! register block latched at the doorbell and decides, before anything touches card memory,
//! whether the card will run it: checks 1 and 2 of the device model's command processor
//! (`slotproof_sim::device::executor`), in the same order and with the same error code and
//! descriptor word, because the host driver reads the answer from the same
//! `ERROR_CODE` register whichever card it talks to.
//!
//! 1. the descriptor decodes: a known opcode and field, no unknown flag, no reserved bit in
//!    words 0 and 8, reserved words zero (`BAD_DESCRIPTOR`, with the word at fault);
//! 2. the doorbell value equals the sequence number in word 1 (`BAD_SEQUENCE`);
//! 3. the bitstream has the capability bits of the field and of the opcode (`UNSUPPORTED`).
//!
//! Nothing here is written twice: the opcode and field tables are ROMs filled from
//! [`Opcode::ALL`] and [`Field::ALL`] at construction (whether each is supported is
//! [`Opcode::required_cap`] and [`Field::cap`] against the bitstream's `CAPS`), and the bit
//! positions, masks, error codes and word numbers are constants taken from
//! `slotproof_firmware`. Change the ABI and the emitted Verilog changes with it.
//!
//! Two register stages: `s1_` holds every check's outcome side by side (ROM lookups and
//! 32-bit compares, no priority yet); `s2_` holds the first failing check's code and word,
//! the priority encoder being the only logic between them. Latency
//! [`CommandDecoder::LATENCY`], one descriptor per cycle.

use std::collections::BTreeMap;

use rust_hdl::prelude::*;
use slotproof_firmware::command::{WORDS, header, shape, word};
use slotproof_firmware::{CardError, Field, Flags, Opcode};

// The block has one port per reserved word; a change to the descriptor's length or to where
// the reserved words start must change the ports too.
const _: () = assert!(WORDS - word::FIRST_RESERVED as usize == 4);

/// A table entry: bit 0 the code is defined, bit 1 this bitstream supports it.
const KNOWN: u64 = 0b01;
const SUPPORTED: u64 = 0b10;

/// The decoder. Build it with [`CommandDecoder::new`] from the bitstream's `CAPS` value.
#[derive(LogicBlock)]
pub struct CommandDecoder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A descriptor is presented this cycle (the doorbell rang).
    pub valid_in: Signal<In, Bit>,
    /// Descriptor word 0: `OPCODE`, `FIELD`, `FLAGS`.
    pub header: Signal<In, Bits<32>>,
    /// Descriptor word 1: the sequence number.
    pub seq: Signal<In, Bits<32>>,
    /// Descriptor word 8: `LOG_ROWS`, `LOG_BLOWUP`, `COLS`.
    pub shape: Signal<In, Bits<32>>,
    /// Descriptor word 12 (reserved, must be zero).
    pub w12: Signal<In, Bits<32>>,
    /// Descriptor word 13 (reserved).
    pub w13: Signal<In, Bits<32>>,
    /// Descriptor word 14 (reserved).
    pub w14: Signal<In, Bits<32>>,
    /// Descriptor word 15 (reserved).
    pub w15: Signal<In, Bits<32>>,
    /// The value the host wrote to `DOORBELL`.
    pub doorbell: Signal<In, Bits<32>>,
    /// The verdict on the descriptor presented [`CommandDecoder::LATENCY`] cycles ago.
    pub valid_out: Signal<Out, Bit>,
    /// A `CardError` code, 0 when the command may run.
    pub error_code: Signal<Out, Bits<8>>,
    /// The descriptor word at fault (0 when none).
    pub error_word: Signal<Out, Bits<4>>,
    /// The opcode byte, for the stages that run the command.
    pub opcode: Signal<Out, Bits<8>>,
    /// The field code.
    pub field: Signal<Out, Bits<4>>,
    opcode_shifted: Signal<Local, Bits<32>>,
    field_shifted: Signal<Local, Bits<32>>,
    opcode_rom: ROM<Bits<2>, 8>,
    field_rom: ROM<Bits<2>, 4>,
    opcode_lsb: Constant<Bits<8>>,
    field_lsb: Constant<Bits<8>>,
    unknown_flags: Constant<Bits<32>>,
    header_reserved: Constant<Bits<32>>,
    shape_reserved: Constant<Bits<32>>,
    bad_descriptor: Constant<Bits<8>>,
    bad_sequence: Constant<Bits<8>>,
    unsupported: Constant<Bits<8>>,
    word_header: Constant<Bits<4>>,
    word_seq: Constant<Bits<4>>,
    word_shape: Constant<Bits<4>>,
    word_w12: Constant<Bits<4>>,
    word_w13: Constant<Bits<4>>,
    word_w14: Constant<Bits<4>>,
    word_w15: Constant<Bits<4>>,
    known_bit: Constant<Bits<2>>,
    supported_bit: Constant<Bits<2>>,
    s1_v: DFF<Bit>,
    s1_header_bad: DFF<Bit>,
    s1_shape_bad: DFF<Bit>,
    s1_w12_bad: DFF<Bit>,
    s1_w13_bad: DFF<Bit>,
    s1_w14_bad: DFF<Bit>,
    s1_w15_bad: DFF<Bit>,
    s1_seq_bad: DFF<Bit>,
    s1_unsupported: DFF<Bit>,
    s1_opcode: DFF<Bits<8>>,
    s1_field: DFF<Bits<4>>,
    s2_v: DFF<Bit>,
    s2_code: DFF<Bits<8>>,
    s2_word: DFF<Bits<4>>,
    s2_opcode: DFF<Bits<8>>,
    s2_field: DFF<Bits<4>>,
}

fn constant<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}

impl CommandDecoder {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 2;

    /// The decoder of a bitstream reporting `caps` in `CAPS`.
    pub fn new(caps: u32) -> Self {
        let opcodes: BTreeMap<Bits<8>, Bits<2>> = Opcode::ALL
            .iter()
            .map(|&op| {
                let supported = op.required_cap().is_none_or(|b| b.is_set(caps));
                ((op as u64).to_bits(), (KNOWN | if supported { SUPPORTED } else { 0 }).to_bits())
            })
            .collect();
        let fields: BTreeMap<Bits<4>, Bits<2>> = Field::ALL
            .iter()
            .map(|&f| ((f as u64).to_bits(), (KNOWN | if f.cap().is_set(caps) { SUPPORTED } else { 0 }).to_bits()))
            .collect();
        let flags_bits = u64::from(header::FLAGS.mask() & !(u32::from(Flags::KNOWN.0) << header::FLAGS.lsb));
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            header: Default::default(),
            seq: Default::default(),
            shape: Default::default(),
            w12: Default::default(),
            w13: Default::default(),
            w14: Default::default(),
            w15: Default::default(),
            doorbell: Default::default(),
            valid_out: Default::default(),
            error_code: Default::default(),
            error_word: Default::default(),
            opcode: Default::default(),
            field: Default::default(),
            opcode_shifted: Default::default(),
            field_shifted: Default::default(),
            opcode_rom: ROM::new(opcodes),
            field_rom: ROM::new(fields),
            opcode_lsb: constant(u64::from(header::OPCODE.lsb)),
            field_lsb: constant(u64::from(header::FIELD.lsb)),
            unknown_flags: constant(flags_bits),
            header_reserved: constant(u64::from(header::RESERVED)),
            shape_reserved: constant(u64::from(shape::RESERVED)),
            bad_descriptor: constant(CardError::BadDescriptor as u64),
            bad_sequence: constant(CardError::BadSequence as u64),
            unsupported: constant(CardError::Unsupported as u64),
            word_header: constant(u64::from(word::HEADER)),
            word_seq: constant(u64::from(word::SEQ)),
            word_shape: constant(u64::from(word::SHAPE)),
            word_w12: constant(u64::from(word::FIRST_RESERVED)),
            word_w13: constant(u64::from(word::FIRST_RESERVED) + 1),
            word_w14: constant(u64::from(word::FIRST_RESERVED) + 2),
            word_w15: constant(u64::from(word::FIRST_RESERVED) + 3),
            known_bit: constant(KNOWN),
            supported_bit: constant(SUPPORTED),
            s1_v: Default::default(),
            s1_header_bad: Default::default(),
            s1_shape_bad: Default::default(),
            s1_w12_bad: Default::default(),
            s1_w13_bad: Default::default(),
            s1_w14_bad: Default::default(),
            s1_w15_bad: Default::default(),
            s1_seq_bad: Default::default(),
            s1_unsupported: Default::default(),
            s1_opcode: Default::default(),
            s1_field: Default::default(),
            s2_v: Default::default(),
            s2_code: Default::default(),
            s2_word: Default::default(),
            s2_opcode: Default::default(),
            s2_field: Default::default(),
        }
    }
}

impl Logic for CommandDecoder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            s1_v,
            s1_header_bad,
            s1_shape_bad,
            s1_w12_bad,
            s1_w13_bad,
            s1_w14_bad,
            s1_w15_bad,
            s1_seq_bad,
            s1_unsupported,
            s1_opcode,
            s1_field,
            s2_v,
            s2_code,
            s2_word,
            s2_opcode,
            s2_field
        );
        // Stage 1: every check at once.
        self.opcode_shifted.next = self.header.val() >> self.opcode_lsb.val();
        self.field_shifted.next = self.header.val() >> self.field_lsb.val();
        self.opcode_rom.address.next = self.opcode_shifted.val().get_bits::<8>(0);
        self.field_rom.address.next = self.field_shifted.val().get_bits::<4>(0);
        self.s1_header_bad.d.next = !(self.opcode_rom.data.val() & self.known_bit.val()).any()
            || !(self.field_rom.data.val() & self.known_bit.val()).any()
            || (self.header.val() & self.unknown_flags.val()).any()
            || (self.header.val() & self.header_reserved.val()).any();
        self.s1_shape_bad.d.next = (self.shape.val() & self.shape_reserved.val()).any();
        self.s1_w12_bad.d.next = self.w12.val().any();
        self.s1_w13_bad.d.next = self.w13.val().any();
        self.s1_w14_bad.d.next = self.w14.val().any();
        self.s1_w15_bad.d.next = self.w15.val().any();
        self.s1_seq_bad.d.next = self.seq.val() != self.doorbell.val();
        self.s1_unsupported.d.next = !(self.opcode_rom.data.val() & self.supported_bit.val()).any()
            || !(self.field_rom.data.val() & self.supported_bit.val()).any();
        self.s1_opcode.d.next = self.opcode_shifted.val().get_bits::<8>(0);
        self.s1_field.d.next = self.field_shifted.val().get_bits::<4>(0);
        self.s1_v.d.next = self.valid_in.val();
        // Stage 2: the first failing check, in the device model's order.
        self.s2_code.d.next = 0.into();
        self.s2_word.d.next = 0.into();
        if self.s1_header_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_header.val();
        } else if self.s1_shape_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_shape.val();
        } else if self.s1_w12_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_w12.val();
        } else if self.s1_w13_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_w13.val();
        } else if self.s1_w14_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_w14.val();
        } else if self.s1_w15_bad.q.val() {
            self.s2_code.d.next = self.bad_descriptor.val();
            self.s2_word.d.next = self.word_w15.val();
        } else if self.s1_seq_bad.q.val() {
            self.s2_code.d.next = self.bad_sequence.val();
            self.s2_word.d.next = self.word_seq.val();
        } else if self.s1_unsupported.q.val() {
            self.s2_code.d.next = self.unsupported.val();
            self.s2_word.d.next = self.word_header.val();
        }
        self.s2_opcode.d.next = self.s1_opcode.q.val();
        self.s2_field.d.next = self.s1_field.q.val();
        self.s2_v.d.next = self.s1_v.q.val();
        self.valid_out.next = self.s2_v.q.val();
        self.error_code.next = self.s2_code.q.val();
        self.error_word.next = self.s2_word.q.val();
        self.opcode.next = self.s2_opcode.q.val();
        self.field.next = self.s2_field.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_decoder_is_synthesizable() {
        let mut uut = CommandDecoder::new(u32::MAX >> 1);
        uut.connect_all();
        yosys_validate("command_decoder", &generate_verilog(&uut)).unwrap();
    }
}
