//! `Admission`: the command processor's whole admission, checks 1–4 of the device model
//! (`slotproof_sim::device::executor`): the [`CommandDecoder`], the [`ShapeChecker`] and the
//! [`OperandChecker`] side by side on the same latched descriptor, and one verdict.
//!
//! The three stages run in parallel rather than one after the other: each sees the raw
//! descriptor words, and a later stage's verdict on a descriptor an earlier one refused is
//! meaningless but harmless, because the final stage takes the *first* refusal in the
//! model's order (decoder, then shape, then operands). The decoder's and the shape checker's
//! verdicts wait one register (`s3_`) so that all three arrive together; `s4_` holds the
//! result. Latency [`Admission::LATENCY`], one descriptor per cycle, so admission never
//! holds up a card whose doorbells come faster than its commands run.

use rust_hdl::prelude::*;

use super::{CommandDecoder, Limits, OperandChecker, ShapeChecker};

/// What the bitstream admits: its `CAPS`, its `LIMITS` and its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdmissionConfig {
    /// The `CAPS` bits.
    pub caps: u32,
    /// The shape limits.
    pub limits: Limits,
    /// Bytes of card memory.
    pub mem_bytes: u64,
}

/// The admission block. Build it with [`Admission::new`].
#[derive(LogicBlock)]
pub struct Admission {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A descriptor is presented this cycle (the doorbell rang).
    pub valid_in: Signal<In, Bit>,
    /// Descriptor word 0.
    pub header: Signal<In, Bits<32>>,
    /// Descriptor word 1.
    pub seq: Signal<In, Bits<32>>,
    /// `SRC` (words 2, 3).
    pub src: Signal<In, Bits<64>>,
    /// `DST` (words 4, 5).
    pub dst: Signal<In, Bits<64>>,
    /// `AUX` (words 6, 7).
    pub aux: Signal<In, Bits<64>>,
    /// Descriptor word 8.
    pub shape: Signal<In, Bits<32>>,
    /// Descriptor word 10.
    pub count: Signal<In, Bits<32>>,
    /// Descriptor word 11.
    pub src_len: Signal<In, Bits<32>>,
    /// Descriptor word 12.
    pub w12: Signal<In, Bits<32>>,
    /// Descriptor word 13.
    pub w13: Signal<In, Bits<32>>,
    /// Descriptor word 14.
    pub w14: Signal<In, Bits<32>>,
    /// Descriptor word 15.
    pub w15: Signal<In, Bits<32>>,
    /// The value written to `DOORBELL`.
    pub doorbell: Signal<In, Bits<32>>,
    /// The verdict on the descriptor presented [`Admission::LATENCY`] cycles ago.
    pub valid_out: Signal<Out, Bit>,
    /// A `CardError` code, 0 when the command may run.
    pub error_code: Signal<Out, Bits<8>>,
    /// The descriptor word at fault (0 when none).
    pub error_word: Signal<Out, Bits<4>>,
    /// The opcode byte.
    pub opcode: Signal<Out, Bits<8>>,
    /// The field code.
    pub field: Signal<Out, Bits<4>>,
    decoder: CommandDecoder,
    shape_checker: ShapeChecker,
    operand_checker: OperandChecker,
    s3_decoder_code: DFF<Bits<8>>,
    s3_decoder_word: DFF<Bits<4>>,
    s3_shape_code: DFF<Bits<8>>,
    s3_shape_word: DFF<Bits<4>>,
    s3_opcode: DFF<Bits<8>>,
    s3_field: DFF<Bits<4>>,
    s4_v: DFF<Bit>,
    s4_code: DFF<Bits<8>>,
    s4_word: DFF<Bits<4>>,
    s4_opcode: DFF<Bits<8>>,
    s4_field: DFF<Bits<4>>,
}

// The alignment register assumes this pipeline shape.
const _: () = assert!(CommandDecoder::LATENCY == 2 && ShapeChecker::LATENCY == 2 && OperandChecker::LATENCY == 3);

impl Admission {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = OperandChecker::LATENCY + 1;

    /// The admission of a bitstream built as `config` says.
    pub fn new(config: AdmissionConfig) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            header: Default::default(),
            seq: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            aux: Default::default(),
            shape: Default::default(),
            count: Default::default(),
            src_len: Default::default(),
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
            decoder: CommandDecoder::new(config.caps),
            shape_checker: ShapeChecker::new(config.limits),
            operand_checker: OperandChecker::new(config.mem_bytes),
            s3_decoder_code: Default::default(),
            s3_decoder_word: Default::default(),
            s3_shape_code: Default::default(),
            s3_shape_word: Default::default(),
            s3_opcode: Default::default(),
            s3_field: Default::default(),
            s4_v: Default::default(),
            s4_code: Default::default(),
            s4_word: Default::default(),
            s4_opcode: Default::default(),
            s4_field: Default::default(),
        }
    }
}

impl Logic for Admission {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            s3_decoder_code,
            s3_decoder_word,
            s3_shape_code,
            s3_shape_word,
            s3_opcode,
            s3_field,
            s4_v,
            s4_code,
            s4_word,
            s4_opcode,
            s4_field
        );
        self.decoder.clock.next = self.clock.val();
        self.decoder.valid_in.next = self.valid_in.val();
        self.decoder.header.next = self.header.val();
        self.decoder.seq.next = self.seq.val();
        self.decoder.shape.next = self.shape.val();
        self.decoder.w12.next = self.w12.val();
        self.decoder.w13.next = self.w13.val();
        self.decoder.w14.next = self.w14.val();
        self.decoder.w15.next = self.w15.val();
        self.decoder.doorbell.next = self.doorbell.val();
        self.shape_checker.clock.next = self.clock.val();
        self.shape_checker.valid_in.next = self.valid_in.val();
        self.shape_checker.header.next = self.header.val();
        self.shape_checker.shape.next = self.shape.val();
        self.shape_checker.count.next = self.count.val();
        self.operand_checker.clock.next = self.clock.val();
        self.operand_checker.valid_in.next = self.valid_in.val();
        self.operand_checker.header.next = self.header.val();
        self.operand_checker.shape.next = self.shape.val();
        self.operand_checker.count.next = self.count.val();
        self.operand_checker.src_len.next = self.src_len.val();
        self.operand_checker.src.next = self.src.val();
        self.operand_checker.aux.next = self.aux.val();
        self.operand_checker.dst.next = self.dst.val();
        // Stage 3: the two-cycle verdicts wait for the operand checker's.
        self.s3_decoder_code.d.next = self.decoder.error_code.val();
        self.s3_decoder_word.d.next = self.decoder.error_word.val();
        self.s3_shape_code.d.next = self.shape_checker.error_code.val();
        self.s3_shape_word.d.next = self.shape_checker.error_word.val();
        self.s3_opcode.d.next = self.decoder.opcode.val();
        self.s3_field.d.next = self.decoder.field.val();
        // Stage 4: the first refusal in the model's order.
        if self.s3_decoder_code.q.val().any() {
            self.s4_code.d.next = self.s3_decoder_code.q.val();
            self.s4_word.d.next = self.s3_decoder_word.q.val();
        } else if self.s3_shape_code.q.val().any() {
            self.s4_code.d.next = self.s3_shape_code.q.val();
            self.s4_word.d.next = self.s3_shape_word.q.val();
        } else {
            self.s4_code.d.next = self.operand_checker.error_code.val();
            self.s4_word.d.next = self.operand_checker.error_word.val();
        }
        self.s4_opcode.d.next = self.s3_opcode.q.val();
        self.s4_field.d.next = self.s3_field.q.val();
        self.s4_v.d.next = self.operand_checker.valid_out.val();
        self.valid_out.next = self.s4_v.q.val();
        self.error_code.next = self.s4_code.q.val();
        self.error_word.next = self.s4_word.q.val();
        self.opcode.next = self.s4_opcode.q.val();
        self.field.next = self.s4_field.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_is_synthesizable() {
        let mut uut = Admission::new(AdmissionConfig { caps: u32::MAX >> 1, limits: Limits::U55C, mem_bytes: 8 << 30 });
        uut.connect_all();
        yosys_validate("admission", &generate_verilog(&uut)).unwrap();
    }
}
