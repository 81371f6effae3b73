//! `ShapeChecker`: the command processor's second stage. For a descriptor the
//! [`super::CommandDecoder`] admitted, it checks the shape against the limits the bitstream
//! was built with (`LIMITS`) and the field's two-adicity, the `COUNT` of the opcodes that use
//! it, the `COMMIT_BATCH` slice and the height cap every operand size relies on: the device
//! model's check 3 (`slotproof_sim::device::executor::admit_shape`), same order, same error
//! code and word, because a shape the card cannot hold must be refused before a single byte
//! of card memory is read.
//!
//! The opcode codes, bit-field positions, error code, word numbers and caps are constants
//! from `slotproof_firmware`; the limits are the bitstream's, given at construction; the
//! two-adicity of each field is a ROM filled from [`Field::ALL`].
//!
//! Every field is widened to 32 bits before it is compared, so `LOG_ROWS + LOG_BLOWUP` and
//! the slice's `SLICE >> LOG_SLICES` cannot wrap. Two register stages: `s1_` holds the four
//! families of failure side by side, `s2_` the first one in the model's order. Latency
//! [`ShapeChecker::LATENCY`], one descriptor per cycle.

use rust_hdl::prelude::*;
use slotproof_firmware::command::{MAX_LOG_HEIGHT, header, shape, slice, word};
use slotproof_firmware::{CardError, Field, Opcode};

/// The limits a bitstream was built with, as `LIMITS` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest log2 LDE height.
    pub max_log_lde_rows: u8,
    /// Largest log2 blowup.
    pub max_log_blowup: u8,
    /// Largest column batch.
    pub max_batch_cols: u16,
}

impl Limits {
    /// The limits of the default simulated card (`slotproof_sim::device::CardConfig`): the
    /// largest tree its TREE region holds is 2^24 leaves.
    pub const U55C: Limits = Limits { max_log_lde_rows: 24, max_log_blowup: 3, max_batch_cols: 256 };
}

/// The two-adicity of an ABI field: the largest log2 NTT its twiddles exist for.
pub fn two_adicity(f: Field) -> usize {
    super::field_id(f).two_adicity()
}

/// The checker. Build it with [`ShapeChecker::new`].
#[derive(LogicBlock)]
pub struct ShapeChecker {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A descriptor is presented this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Descriptor word 0: `OPCODE`, `FIELD`, `FLAGS`.
    pub header: Signal<In, Bits<32>>,
    /// Descriptor word 8: `LOG_ROWS`, `LOG_BLOWUP`, `COLS`.
    pub shape: Signal<In, Bits<32>>,
    /// Descriptor word 10: `COUNT`.
    pub count: Signal<In, Bits<32>>,
    /// The verdict on the descriptor presented [`ShapeChecker::LATENCY`] cycles ago.
    pub valid_out: Signal<Out, Bit>,
    /// `BAD_SHAPE`, or 0 when the shape fits.
    pub error_code: Signal<Out, Bits<8>>,
    /// The descriptor word at fault (`SHAPE` or `COUNT`; 0 when none).
    pub error_word: Signal<Out, Bits<4>>,
    opcode: Signal<Local, Bits<32>>,
    field: Signal<Local, Bits<32>>,
    lr: Signal<Local, Bits<32>>,
    lb: Signal<Local, Bits<32>>,
    cols: Signal<Local, Bits<32>>,
    lde: Signal<Local, Bits<32>>,
    adicity: Signal<Local, Bits<32>>,
    log_slices: Signal<Local, Bits<32>>,
    slice_index: Signal<Local, Bits<32>>,
    cols_bad: Signal<Local, Bit>,
    lr_big: Signal<Local, Bit>,
    adicity_rom: ROM<Bits<8>, 4>,
    c_opcode_lsb: Constant<Bits<32>>,
    c_field_lsb: Constant<Bits<32>>,
    c_opcode_mask: Constant<Bits<32>>,
    c_field_mask: Constant<Bits<32>>,
    c_lr_lsb: Constant<Bits<32>>,
    c_lb_lsb: Constant<Bits<32>>,
    c_cols_lsb: Constant<Bits<32>>,
    c_lr_mask: Constant<Bits<32>>,
    c_lb_mask: Constant<Bits<32>>,
    c_cols_mask: Constant<Bits<32>>,
    c_slices_lsb: Constant<Bits<32>>,
    c_slices_mask: Constant<Bits<32>>,
    c_index_lsb: Constant<Bits<32>>,
    c_index_mask: Constant<Bits<32>>,
    c_count_unused: Constant<Bits<32>>,
    c_max_slices: Constant<Bits<32>>,
    c_max_height: Constant<Bits<32>>,
    c_max_lde: Constant<Bits<32>>,
    c_max_blowup: Constant<Bits<32>>,
    c_max_cols: Constant<Bits<32>>,
    op_load_twiddles: Constant<Bits<32>>,
    op_lde: Constant<Bits<32>>,
    op_hash_leaves: Constant<Bits<32>>,
    op_build_tree: Constant<Bits<32>>,
    op_commit_batch: Constant<Bits<32>>,
    op_read_root: Constant<Bits<32>>,
    op_read_cap: Constant<Bits<32>>,
    op_read_paths: Constant<Bits<32>>,
    bad_shape: Constant<Bits<8>>,
    word_shape: Constant<Bits<4>>,
    word_count: Constant<Bits<4>>,
    s1_v: DFF<Bit>,
    s1_shape_bad: DFF<Bit>,
    s1_count_bad: DFF<Bit>,
    s1_too_tall: DFF<Bit>,
    s1_slice_bad: DFF<Bit>,
    s2_v: DFF<Bit>,
    s2_code: DFF<Bits<8>>,
    s2_word: DFF<Bits<4>>,
}

fn c32(v: u64) -> Constant<Bits<32>> {
    Constant::new(v.to_bits())
}

fn op(o: Opcode) -> Constant<Bits<32>> {
    c32(o as u64)
}

impl ShapeChecker {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 2;

    /// The checker of a bitstream built with `limits`.
    pub fn new(limits: Limits) -> Self {
        let adicity = Field::ALL.iter().map(|&f| ((f as u64).to_bits(), (two_adicity(f) as u64).to_bits())).collect();
        let field_mask = |f: slotproof_firmware::regs::BitField| c32(u64::from(f.mask() >> f.lsb));
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            header: Default::default(),
            shape: Default::default(),
            count: Default::default(),
            valid_out: Default::default(),
            error_code: Default::default(),
            error_word: Default::default(),
            opcode: Default::default(),
            field: Default::default(),
            lr: Default::default(),
            lb: Default::default(),
            cols: Default::default(),
            lde: Default::default(),
            adicity: Default::default(),
            log_slices: Default::default(),
            slice_index: Default::default(),
            cols_bad: Default::default(),
            lr_big: Default::default(),
            adicity_rom: ROM::new(adicity),
            c_opcode_lsb: c32(u64::from(header::OPCODE.lsb)),
            c_field_lsb: c32(u64::from(header::FIELD.lsb)),
            c_opcode_mask: field_mask(header::OPCODE),
            c_field_mask: field_mask(header::FIELD),
            c_lr_lsb: c32(u64::from(shape::LOG_ROWS.lsb)),
            c_lb_lsb: c32(u64::from(shape::LOG_BLOWUP.lsb)),
            c_cols_lsb: c32(u64::from(shape::COLS.lsb)),
            c_lr_mask: field_mask(shape::LOG_ROWS),
            c_lb_mask: field_mask(shape::LOG_BLOWUP),
            c_cols_mask: field_mask(shape::COLS),
            c_slices_lsb: c32(u64::from(slice::LOG_SLICES.lsb)),
            c_slices_mask: field_mask(slice::LOG_SLICES),
            c_index_lsb: c32(u64::from(slice::SLICE.lsb)),
            c_index_mask: field_mask(slice::SLICE),
            c_count_unused: c32(u64::from(!(slice::SLICE.mask() | slice::LOG_SLICES.mask()))),
            c_max_slices: c32(u64::from(slice::SLICE.width)),
            c_max_height: c32(u64::from(MAX_LOG_HEIGHT)),
            c_max_lde: c32(u64::from(limits.max_log_lde_rows)),
            c_max_blowup: c32(u64::from(limits.max_log_blowup)),
            c_max_cols: c32(u64::from(limits.max_batch_cols)),
            op_load_twiddles: op(Opcode::LoadTwiddles),
            op_lde: op(Opcode::Lde),
            op_hash_leaves: op(Opcode::HashLeaves),
            op_build_tree: op(Opcode::BuildTree),
            op_commit_batch: op(Opcode::CommitBatch),
            op_read_root: op(Opcode::ReadRoot),
            op_read_cap: op(Opcode::ReadCap),
            op_read_paths: op(Opcode::ReadPaths),
            bad_shape: Constant::new((CardError::BadShape as u64).to_bits()),
            word_shape: Constant::new(u64::from(word::SHAPE).to_bits()),
            word_count: Constant::new(u64::from(word::COUNT).to_bits()),
            s1_v: Default::default(),
            s1_shape_bad: Default::default(),
            s1_count_bad: Default::default(),
            s1_too_tall: Default::default(),
            s1_slice_bad: Default::default(),
            s2_v: Default::default(),
            s2_code: Default::default(),
            s2_word: Default::default(),
        }
    }
}

impl Logic for ShapeChecker {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_shape_bad, s1_count_bad, s1_too_tall, s1_slice_bad, s2_v, s2_code, s2_word);
        // Stage 1: the fields, widened, and every family of failure at once.
        self.opcode.next = (self.header.val() >> self.c_opcode_lsb.val()) & self.c_opcode_mask.val();
        self.field.next = (self.header.val() >> self.c_field_lsb.val()) & self.c_field_mask.val();
        self.lr.next = (self.shape.val() >> self.c_lr_lsb.val()) & self.c_lr_mask.val();
        self.lb.next = (self.shape.val() >> self.c_lb_lsb.val()) & self.c_lb_mask.val();
        self.cols.next = (self.shape.val() >> self.c_cols_lsb.val()) & self.c_cols_mask.val();
        self.lde.next = self.lr.val() + self.lb.val();
        self.adicity_rom.address.next = self.field.val().get_bits::<4>(0);
        self.adicity.next = bit_cast::<32, 8>(self.adicity_rom.data.val());
        self.log_slices.next = (self.count.val() >> self.c_slices_lsb.val()) & self.c_slices_mask.val();
        self.slice_index.next = (self.count.val() >> self.c_index_lsb.val()) & self.c_index_mask.val();
        self.cols_bad.next = !self.cols.val().any() || self.cols.val() > self.c_max_cols.val();
        self.lr_big.next = self.lr.val() > self.c_max_lde.val();

        self.s1_shape_bad.d.next = false;
        self.s1_count_bad.d.next = false;
        self.s1_slice_bad.d.next = false;
        if self.opcode.val() == self.op_load_twiddles.val() {
            self.s1_shape_bad.d.next = !self.lr.val().any() || self.lr_big.val() || self.lr.val() > self.adicity.val();
        }
        if self.opcode.val() == self.op_lde.val() || self.opcode.val() == self.op_commit_batch.val() {
            self.s1_shape_bad.d.next = self.cols_bad.val()
                || self.lb.val() > self.c_max_blowup.val()
                || self.lde.val() > self.c_max_lde.val()
                || self.lde.val() > self.adicity.val();
        }
        if self.opcode.val() == self.op_hash_leaves.val() {
            self.s1_shape_bad.d.next = self.cols_bad.val() || self.lr_big.val();
        }
        if self.opcode.val() == self.op_build_tree.val()
            || self.opcode.val() == self.op_read_root.val()
            || self.opcode.val() == self.op_read_cap.val()
            || self.opcode.val() == self.op_read_paths.val()
        {
            self.s1_shape_bad.d.next = self.lr_big.val();
        }
        if self.opcode.val() == self.op_read_cap.val() {
            self.s1_count_bad.d.next = self.count.val() > self.lr.val();
        }
        if self.opcode.val() == self.op_read_paths.val() {
            self.s1_count_bad.d.next = !self.count.val().any();
        }
        if self.opcode.val() == self.op_commit_batch.val() {
            // A slice is a whole subtree: at most as many slices as LDE rows, an index below
            // their number, and no bit of COUNT outside the two fields.
            self.s1_slice_bad.d.next = self.log_slices.val() > self.lde.val()
                || self.log_slices.val() > self.c_max_slices.val()
                || (self.slice_index.val() >> self.log_slices.val()).any()
                || (self.count.val() & self.c_count_unused.val()).any();
        }
        self.s1_too_tall.d.next = self.lde.val() > self.c_max_height.val();
        self.s1_v.d.next = self.valid_in.val();
        // Stage 2: the first failure in the model's order: the limits, the count, then the
        // height cap and the slice (which the model checks while sizing the operands).
        self.s2_code.d.next = 0.into();
        self.s2_word.d.next = 0.into();
        if self.s1_shape_bad.q.val() {
            self.s2_code.d.next = self.bad_shape.val();
            self.s2_word.d.next = self.word_shape.val();
        } else if self.s1_count_bad.q.val() {
            self.s2_code.d.next = self.bad_shape.val();
            self.s2_word.d.next = self.word_count.val();
        } else if self.s1_too_tall.q.val() {
            self.s2_code.d.next = self.bad_shape.val();
            self.s2_word.d.next = self.word_shape.val();
        } else if self.s1_slice_bad.q.val() {
            self.s2_code.d.next = self.bad_shape.val();
            self.s2_word.d.next = self.word_count.val();
        }
        self.s2_v.d.next = self.s1_v.q.val();
        self.valid_out.next = self.s2_v.q.val();
        self.error_code.next = self.s2_code.q.val();
        self.error_word.next = self.s2_word.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_checker_is_synthesizable() {
        let mut uut = ShapeChecker::new(Limits::U55C);
        uut.connect_all();
        yosys_validate("shape_checker", &generate_verilog(&uut)).unwrap();
    }
}
