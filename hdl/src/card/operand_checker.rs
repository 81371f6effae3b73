//! `OperandChecker`: the command processor's third stage. For a descriptor whose shape the
//! [`super::ShapeChecker`] accepted, it sizes every memory operand the way the command will
//! use it, checks `SRC_LEN` against the input size, and checks that each range lies inside a
//! memory-map region its opcode allows and inside the card's memory: the device model's
//! `slotproof_sim::device::executor::admit_operands`, same order (`SRC_LEN`, then SRC, AUX,
//! DST), same error code and word. A range that strays is refused before the command reads
//! or writes a byte, so a wrong address from the host can never corrupt the tree of another
//! commitment in progress.
//!
//! Where each operand may lie is `memory_map::operand_regions`, turned into one ROM per
//! operand (opcode → a mask over `memory_map::ALL`); the regions' bounds, the field sizes and
//! the word numbers are constants from `slotproof_firmware`. A range belongs to the *first*
//! region in address order that contains it, as in `memory_map::region_of`: adjacent regions
//! share a boundary, and an empty range on it belongs to the lower one.
//!
//! Three register stages: `s1_` the operand sizes (shifts; the one product, `COUNT × (1 +
//! LOG_ROWS)` of `READ_PATHS`, as two 16×16 DSP products) and the `SRC_LEN` verdict; `s2_`
//! each range's containment and bounds; `s3_` the first failure. Latency
//! [`OperandChecker::LATENCY`], one descriptor per cycle.

use std::collections::BTreeMap;

use rust_hdl::prelude::*;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_firmware::command::{MAX_LOG_HEIGHT, header, shape, slice, word};
use slotproof_firmware::memory_map::{self, Operand};
use slotproof_firmware::{CardError, Field, Flags, Opcode};

use super::field_id;

/// Bytes of the Poseidon2 round constants of `f` as `LOAD_CONSTANTS` expects them: every
/// external and internal round constant, one element each.
pub fn constants_bytes(f: Field) -> u64 {
    let spec = Poseidon2Spec::for_field(field_id(f));
    let count: usize = spec.rc_external_initial.iter().chain(&spec.rc_external_final).map(Vec::len).sum::<usize>()
        + spec.rc_internal.len();
    (count * f.elem_bytes()) as u64
}

/// Per field: log2 bytes per element, per digest and per sponge state, and the bytes of
/// its round constants, packed `[eb_log, db_log, state_log]` in bytes 0..3 and constants
/// bytes above (all fit: logs ≤ 7, constants < 2^24).
fn field_table() -> BTreeMap<Bits<4>, Bits<64>> {
    let log2 = |x: usize| {
        assert!(x.is_power_of_two(), "a size the card shifts by must be a power of two");
        x.trailing_zeros() as u64
    };
    Field::ALL
        .iter()
        .map(|&f| {
            let v = log2(f.elem_bytes())
                | log2(f.digest_bytes()) << 8
                | log2(f.width() * f.elem_bytes()) << 16
                | constants_bytes(f) << 24;
            ((f as u64).to_bits(), v.to_bits())
        })
        .collect()
}

/// Opcode → mask over `memory_map::ALL` of the regions `operand` may lie in.
fn region_table(operand: Operand) -> BTreeMap<Bits<8>, Bits<8>> {
    Opcode::ALL
        .iter()
        .map(|&op| {
            let allowed = memory_map::operand_regions(op, operand);
            let mask = memory_map::ALL
                .iter()
                .enumerate()
                .filter(|(_, r)| allowed.contains(r))
                .fold(0u64, |m, (i, _)| m | 1 << i);
            ((op as u64).to_bits(), mask.to_bits())
        })
        .collect()
}

// Every opcode has its operand sizes in `update`: a new opcode must be sized there.
const _: () = assert!(Opcode::ALL.len() == 9);

// One bit per region in an 8-bit mask.
const _: () = assert!(memory_map::ALL.len() <= 8);

/// One operand's range checks in stage 2: containment in each region, the first region
/// containing it, and the card's memory bound.
#[derive(LogicBlock)]
pub struct RangeCheck {
    /// The operand's address.
    pub addr: Signal<In, Bits<64>>,
    /// Its size in bytes.
    pub len: Signal<In, Bits<64>>,
    /// Regions its opcode allows (mask over `memory_map::ALL`).
    pub allowed: Signal<In, Bits<8>>,
    /// The range strays: outside its first containing region's permission, or past memory.
    pub outside: Signal<Out, Bit>,
    range_end: Signal<Local, Bits<64>>,
    wraps: Signal<Local, Bit>,
    contained: Signal<Local, Bits<8>>,
    first: Signal<Local, Bits<8>>,
    base0: Constant<Bits<64>>,
    base1: Constant<Bits<64>>,
    base2: Constant<Bits<64>>,
    base3: Constant<Bits<64>>,
    base4: Constant<Bits<64>>,
    base5: Constant<Bits<64>>,
    base6: Constant<Bits<64>>,
    end0: Constant<Bits<64>>,
    end1: Constant<Bits<64>>,
    end2: Constant<Bits<64>>,
    end3: Constant<Bits<64>>,
    end4: Constant<Bits<64>>,
    end5: Constant<Bits<64>>,
    end6: Constant<Bits<64>>,
    bit0: Constant<Bits<8>>,
    bit1: Constant<Bits<8>>,
    bit2: Constant<Bits<8>>,
    bit3: Constant<Bits<8>>,
    bit4: Constant<Bits<8>>,
    bit5: Constant<Bits<8>>,
    bit6: Constant<Bits<8>>,
    mem_bytes: Constant<Bits<64>>,
}

// One comparator pair per region of the memory map, written out: a change to the map's
// length must change the block.
const _: () = assert!(memory_map::ALL.len() == 7);

/// The operand checker. Build it with [`OperandChecker::new`].
#[derive(LogicBlock)]
pub struct OperandChecker {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A descriptor is presented this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Descriptor word 0.
    pub header: Signal<In, Bits<32>>,
    /// Descriptor word 8.
    pub shape: Signal<In, Bits<32>>,
    /// Descriptor word 10 (`COUNT`).
    pub count: Signal<In, Bits<32>>,
    /// Descriptor word 11 (`SRC_LEN`).
    pub src_len: Signal<In, Bits<32>>,
    /// `SRC` (words 2, 3).
    pub src: Signal<In, Bits<64>>,
    /// `AUX` (words 6, 7).
    pub aux: Signal<In, Bits<64>>,
    /// `DST` (words 4, 5).
    pub dst: Signal<In, Bits<64>>,
    /// The verdict on the descriptor presented [`OperandChecker::LATENCY`] cycles ago.
    pub valid_out: Signal<Out, Bit>,
    /// `BAD_SHAPE` (for `SRC_LEN`), `OUT_OF_BOUNDS`, or 0.
    pub error_code: Signal<Out, Bits<8>>,
    /// The descriptor word at fault (0 when none).
    pub error_word: Signal<Out, Bits<4>>,
    field_rom: ROM<Bits<64>, 4>,
    src_rom: ROM<Bits<8>, 8>,
    aux_rom: ROM<Bits<8>, 8>,
    dst_rom: ROM<Bits<8>, 8>,
    opcode_word: Signal<Local, Bits<32>>,
    field_word: Signal<Local, Bits<32>>,
    lr_plus_one: Signal<Local, Bits<64>>,
    opcode: Signal<Local, Bits<8>>,
    flags: Signal<Local, Bits<32>>,
    lr: Signal<Local, Bits<64>>,
    lde: Signal<Local, Bits<64>>,
    cols: Signal<Local, Bits<64>>,
    cnt: Signal<Local, Bits<64>>,
    out_log: Signal<Local, Bits<64>>,
    eb_log: Signal<Local, Bits<64>>,
    db_log: Signal<Local, Bits<64>>,
    state_log: Signal<Local, Bits<64>>,
    constants: Signal<Local, Bits<64>>,
    tree_lr: Signal<Local, Bits<64>>,
    tree_out: Signal<Local, Bits<64>>,
    paths_lo: Signal<Local, Bits<32>>,
    paths_hi: Signal<Local, Bits<32>>,
    src_size: Signal<Local, Bits<64>>,
    aux_size: Signal<Local, Bits<64>>,
    dst_size: Signal<Local, Bits<64>>,
    dst_used: Signal<Local, Bit>,
    src_check: RangeCheck,
    aux_check: RangeCheck,
    dst_check: RangeCheck,
    c_last: Constant<Bits<32>>,
    c_check_src: Constant<Bits<32>>,
    op_load_twiddles: Constant<Bits<8>>,
    op_load_constants: Constant<Bits<8>>,
    op_lde: Constant<Bits<8>>,
    op_hash_leaves: Constant<Bits<8>>,
    op_commit_batch: Constant<Bits<8>>,
    op_build_tree: Constant<Bits<8>>,
    op_read_root: Constant<Bits<8>>,
    op_read_cap: Constant<Bits<8>>,
    op_read_paths: Constant<Bits<8>>,
    c_max_height: Constant<Bits<64>>,
    c_one: Constant<Bits<64>>,
    c_index_bytes_log: Constant<Bits<64>>,
    c_lr_lsb: Constant<Bits<32>>,
    c_lb_lsb: Constant<Bits<32>>,
    c_cols_lsb: Constant<Bits<32>>,
    c_slices_lsb: Constant<Bits<32>>,
    c_lr_mask: Constant<Bits<32>>,
    c_lb_mask: Constant<Bits<32>>,
    c_cols_mask: Constant<Bits<32>>,
    c_slices_mask: Constant<Bits<32>>,
    c_opcode_mask: Constant<Bits<32>>,
    c_field_lsb: Constant<Bits<32>>,
    c_field_mask: Constant<Bits<32>>,
    c_flags_lsb: Constant<Bits<32>>,
    bad_shape: Constant<Bits<8>>,
    out_of_bounds: Constant<Bits<8>>,
    word_src_len: Constant<Bits<4>>,
    word_src: Constant<Bits<4>>,
    word_aux: Constant<Bits<4>>,
    word_dst: Constant<Bits<4>>,
    s1_v: DFF<Bit>,
    s1_src_len_bad: DFF<Bit>,
    s1_src: DFF<Bits<64>>,
    s1_aux: DFF<Bits<64>>,
    s1_dst: DFF<Bits<64>>,
    s1_src_size: DFF<Bits<64>>,
    s1_aux_size: DFF<Bits<64>>,
    s1_dst_size: DFF<Bits<64>>,
    s1_src_allowed: DFF<Bits<8>>,
    s1_aux_allowed: DFF<Bits<8>>,
    s1_dst_allowed: DFF<Bits<8>>,
    s1_src_used: DFF<Bit>,
    s1_aux_used: DFF<Bit>,
    s1_dst_used: DFF<Bit>,
    s2_v: DFF<Bit>,
    s2_src_len_bad: DFF<Bit>,
    s2_src_bad: DFF<Bit>,
    s2_aux_bad: DFF<Bit>,
    s2_dst_bad: DFF<Bit>,
    s3_v: DFF<Bit>,
    s3_code: DFF<Bits<8>>,
    s3_word: DFF<Bits<4>>,
}

fn c<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}

fn field_mask(f: slotproof_firmware::regs::BitField) -> Constant<Bits<32>> {
    c(u64::from(f.mask() >> f.lsb))
}

impl RangeCheck {
    fn new(mem_bytes: u64) -> Self {
        let base = |i: usize| c(memory_map::ALL[i].base);
        let end = |i: usize| c(memory_map::ALL[i].end());
        let bit = |i: usize| c(1 << i);
        Self {
            addr: Default::default(),
            len: Default::default(),
            allowed: Default::default(),
            outside: Default::default(),
            range_end: Default::default(),
            wraps: Default::default(),
            contained: Default::default(),
            first: Default::default(),
            base0: base(0),
            base1: base(1),
            base2: base(2),
            base3: base(3),
            base4: base(4),
            base5: base(5),
            base6: base(6),
            end0: end(0),
            end1: end(1),
            end2: end(2),
            end3: end(3),
            end4: end(4),
            end5: end(5),
            end6: end(6),
            bit0: bit(0),
            bit1: bit(1),
            bit2: bit(2),
            bit3: bit(3),
            bit4: bit(4),
            bit5: bit(5),
            bit6: bit(6),
            mem_bytes: c(mem_bytes),
        }
    }
}

impl Logic for RangeCheck {
    #[hdl_gen]
    fn update(&mut self) {
        self.range_end.next = self.addr.val() + self.len.val();
        self.wraps.next = self.range_end.val() < self.addr.val();
        self.contained.next = 0.into();
        if self.addr.val() >= self.base0.val() && self.range_end.val() <= self.end0.val() {
            self.contained.next = self.contained.val() | self.bit0.val();
        }
        if self.addr.val() >= self.base1.val() && self.range_end.val() <= self.end1.val() {
            self.contained.next = self.contained.val() | self.bit1.val();
        }
        if self.addr.val() >= self.base2.val() && self.range_end.val() <= self.end2.val() {
            self.contained.next = self.contained.val() | self.bit2.val();
        }
        if self.addr.val() >= self.base3.val() && self.range_end.val() <= self.end3.val() {
            self.contained.next = self.contained.val() | self.bit3.val();
        }
        if self.addr.val() >= self.base4.val() && self.range_end.val() <= self.end4.val() {
            self.contained.next = self.contained.val() | self.bit4.val();
        }
        if self.addr.val() >= self.base5.val() && self.range_end.val() <= self.end5.val() {
            self.contained.next = self.contained.val() | self.bit5.val();
        }
        if self.addr.val() >= self.base6.val() && self.range_end.val() <= self.end6.val() {
            self.contained.next = self.contained.val() | self.bit6.val();
        }
        // The lowest containing region (x & −x): adjacent regions share a boundary, and an
        // empty range on it belongs to the lower one, as in `memory_map::region_of`.
        self.first.next = self.contained.val() & (!self.contained.val() + 1);
        self.outside.next = !(self.first.val() & self.allowed.val()).any()
            || self.wraps.val()
            || self.range_end.val() > self.mem_bytes.val();
    }
}

impl OperandChecker {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 3;

    /// The checker of a card with `mem_bytes` of memory.
    pub fn new(mem_bytes: u64) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            header: Default::default(),
            shape: Default::default(),
            count: Default::default(),
            src_len: Default::default(),
            src: Default::default(),
            aux: Default::default(),
            dst: Default::default(),
            valid_out: Default::default(),
            error_code: Default::default(),
            error_word: Default::default(),
            field_rom: ROM::new(field_table()),
            src_rom: ROM::new(region_table(Operand::Src)),
            aux_rom: ROM::new(region_table(Operand::Aux)),
            dst_rom: ROM::new(region_table(Operand::Dst)),
            opcode_word: Default::default(),
            field_word: Default::default(),
            lr_plus_one: Default::default(),
            opcode: Default::default(),
            flags: Default::default(),
            lr: Default::default(),
            lde: Default::default(),
            cols: Default::default(),
            cnt: Default::default(),
            out_log: Default::default(),
            eb_log: Default::default(),
            db_log: Default::default(),
            state_log: Default::default(),
            constants: Default::default(),
            tree_lr: Default::default(),
            tree_out: Default::default(),
            paths_lo: Default::default(),
            paths_hi: Default::default(),
            src_size: Default::default(),
            aux_size: Default::default(),
            dst_size: Default::default(),
            dst_used: Default::default(),
            src_check: RangeCheck::new(mem_bytes),
            aux_check: RangeCheck::new(mem_bytes),
            dst_check: RangeCheck::new(mem_bytes),
            c_last: c(u64::from(Flags::LAST.0)),
            c_check_src: c(u64::from(Flags::CHECK_SRC.0)),
            op_load_twiddles: c(Opcode::LoadTwiddles as u64),
            op_load_constants: c(Opcode::LoadConstants as u64),
            op_lde: c(Opcode::Lde as u64),
            op_hash_leaves: c(Opcode::HashLeaves as u64),
            op_commit_batch: c(Opcode::CommitBatch as u64),
            op_build_tree: c(Opcode::BuildTree as u64),
            op_read_root: c(Opcode::ReadRoot as u64),
            op_read_cap: c(Opcode::ReadCap as u64),
            op_read_paths: c(Opcode::ReadPaths as u64),
            c_max_height: c(u64::from(MAX_LOG_HEIGHT)),
            c_one: c(1),
            // READ_PATHS reads one little-endian u32 leaf index per path.
            c_index_bytes_log: c(2),
            c_lr_lsb: c(u64::from(shape::LOG_ROWS.lsb)),
            c_lb_lsb: c(u64::from(shape::LOG_BLOWUP.lsb)),
            c_cols_lsb: c(u64::from(shape::COLS.lsb)),
            c_slices_lsb: c(u64::from(slice::LOG_SLICES.lsb)),
            c_lr_mask: field_mask(shape::LOG_ROWS),
            c_lb_mask: field_mask(shape::LOG_BLOWUP),
            c_cols_mask: field_mask(shape::COLS),
            c_slices_mask: field_mask(slice::LOG_SLICES),
            c_opcode_mask: field_mask(header::OPCODE),
            c_field_lsb: c(u64::from(header::FIELD.lsb)),
            c_field_mask: field_mask(header::FIELD),
            c_flags_lsb: c(u64::from(header::FLAGS.lsb)),
            bad_shape: c(CardError::BadShape as u64),
            out_of_bounds: c(CardError::OutOfBounds as u64),
            word_src_len: c(u64::from(word::SRC_LEN)),
            word_src: c(u64::from(Operand::Src.word())),
            word_aux: c(u64::from(Operand::Aux.word())),
            word_dst: c(u64::from(Operand::Dst.word())),
            s1_v: Default::default(),
            s1_src_len_bad: Default::default(),
            s1_src: Default::default(),
            s1_aux: Default::default(),
            s1_dst: Default::default(),
            s1_src_size: Default::default(),
            s1_aux_size: Default::default(),
            s1_dst_size: Default::default(),
            s1_src_allowed: Default::default(),
            s1_aux_allowed: Default::default(),
            s1_dst_allowed: Default::default(),
            s1_src_used: Default::default(),
            s1_aux_used: Default::default(),
            s1_dst_used: Default::default(),
            s2_v: Default::default(),
            s2_src_len_bad: Default::default(),
            s2_src_bad: Default::default(),
            s2_aux_bad: Default::default(),
            s2_dst_bad: Default::default(),
            s3_v: Default::default(),
            s3_code: Default::default(),
            s3_word: Default::default(),
        }
    }
}

impl Logic for OperandChecker {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            s1_v,
            s1_src_len_bad,
            s1_src,
            s1_aux,
            s1_dst,
            s1_src_size,
            s1_aux_size,
            s1_dst_size,
            s1_src_allowed,
            s1_aux_allowed,
            s1_dst_allowed,
            s1_src_used,
            s1_aux_used,
            s1_dst_used,
            s2_v,
            s2_src_len_bad,
            s2_src_bad,
            s2_aux_bad,
            s2_dst_bad,
            s3_v,
            s3_code,
            s3_word
        );
        // Stage 1: the fields, widened to 64 bits, and every operand's size.
        self.opcode_word.next = self.header.val() & self.c_opcode_mask.val();
        self.opcode.next = self.opcode_word.val().get_bits::<8>(0);
        self.flags.next = self.header.val() >> self.c_flags_lsb.val();
        self.field_word.next = (self.header.val() >> self.c_field_lsb.val()) & self.c_field_mask.val();
        self.field_rom.address.next = self.field_word.val().get_bits::<4>(0);
        self.eb_log.next = bit_cast::<64, 8>(self.field_rom.data.val().get_bits::<8>(0));
        self.db_log.next = bit_cast::<64, 8>(self.field_rom.data.val().get_bits::<8>(8));
        self.state_log.next = bit_cast::<64, 8>(self.field_rom.data.val().get_bits::<8>(16));
        self.constants.next = self.field_rom.data.val() >> 24;
        self.lr.next = bit_cast::<64, 32>((self.shape.val() >> self.c_lr_lsb.val()) & self.c_lr_mask.val());
        self.lde.next =
            self.lr.val() + bit_cast::<64, 32>((self.shape.val() >> self.c_lb_lsb.val()) & self.c_lb_mask.val());
        self.cols.next = bit_cast::<64, 32>((self.shape.val() >> self.c_cols_lsb.val()) & self.c_cols_mask.val());
        self.cnt.next = bit_cast::<64, 32>(self.count.val());
        self.out_log.next = self.lde.val()
            - bit_cast::<64, 32>((self.count.val() >> self.c_slices_lsb.val()) & self.c_slices_mask.val());
        // Digests in a tree over 2^k leaves, leaves included: 2^(k+1) − 1.
        self.tree_lr.next = ((self.c_one.val() << (self.lr.val() + 1)) - 1) << self.db_log.val();
        self.tree_out.next = ((self.c_one.val() << (self.out_log.val() + 1)) - 1) << self.db_log.val();
        // COUNT × (1 + LOG_ROWS) digests per READ_PATHS: two 16×16 products.
        self.lr_plus_one.next = self.lr.val() + 1;
        self.paths_lo.next = self.count.val().get_bits::<16>(0) * self.lr_plus_one.val().get_bits::<16>(0);
        self.paths_hi.next = self.count.val().get_bits::<16>(16) * self.lr_plus_one.val().get_bits::<16>(0);

        self.src_size.next = 0.into();
        self.aux_size.next = 0.into();
        self.dst_size.next = 0.into();
        if self.opcode.val() == self.op_load_twiddles.val() {
            // LOAD_TWIDDLES: ω^i for i < 2^(LOG_ROWS − 1).
            if self.lr.val().any() {
                self.src_size.next = self.c_one.val() << (self.lr.val() - 1 + self.eb_log.val());
            }
        }
        if self.opcode.val() == self.op_load_constants.val() {
            self.src_size.next = self.constants.val();
        }
        if self.opcode.val() == self.op_lde.val() {
            self.src_size.next = self.cols.val() << (self.lr.val() + self.eb_log.val());
            self.dst_size.next = self.cols.val() << (self.lde.val() + self.eb_log.val());
        }
        if self.opcode.val() == self.op_hash_leaves.val() {
            self.src_size.next = self.cols.val() << (self.lr.val() + self.eb_log.val());
            self.aux_size.next = self.c_one.val() << (self.lr.val() + self.state_log.val());
            self.dst_size.next = self.tree_lr.val();
        }
        if self.opcode.val() == self.op_commit_batch.val() {
            self.src_size.next = self.cols.val() << (self.lr.val() + self.eb_log.val());
            self.aux_size.next = self.c_one.val() << (self.out_log.val() + self.state_log.val());
            self.dst_size.next = self.tree_out.val();
        }
        if self.opcode.val() == self.op_build_tree.val() {
            self.src_size.next = self.c_one.val() << (self.lr.val() + self.db_log.val());
            self.dst_size.next = ((self.c_one.val() << self.lr.val()) - 1) << self.db_log.val();
        }
        if self.opcode.val() == self.op_read_root.val() {
            self.aux_size.next = self.tree_lr.val();
            self.dst_size.next = self.c_one.val() << self.db_log.val();
        }
        if self.opcode.val() == self.op_read_cap.val() {
            self.aux_size.next = self.tree_lr.val();
            if self.cnt.val() > self.c_max_height.val() {
                self.dst_size.next = self.c_one.val() << (self.c_max_height.val() + self.db_log.val());
            } else {
                self.dst_size.next = self.c_one.val() << (self.cnt.val() + self.db_log.val());
            }
        }
        if self.opcode.val() == self.op_read_paths.val() {
            self.src_size.next = self.cnt.val() << self.c_index_bytes_log.val();
            self.aux_size.next = self.tree_lr.val();
            self.dst_size.next = ((bit_cast::<64, 32>(self.paths_hi.val()) << 16)
                + bit_cast::<64, 32>(self.paths_lo.val()))
                << self.db_log.val();
        }
        self.src_rom.address.next = self.opcode.val();
        self.aux_rom.address.next = self.opcode.val();
        self.dst_rom.address.next = self.opcode.val();
        // The sponge commands write their tree only with LAST.
        self.dst_used.next = self.dst_rom.data.val().any();
        if (self.opcode.val() == self.op_hash_leaves.val() || self.opcode.val() == self.op_commit_batch.val())
            && !(self.flags.val() & self.c_last.val()).any()
        {
            self.dst_used.next = false;
        }
        // SRC_LEN, when given, must be the input's size; with CHECK_SRC it must be given, and
        // a command without an input must then say 0.
        self.s1_src_len_bad.d.next = (self.src_rom.data.val().any() && self.src_len.val().any()
            || (self.flags.val() & self.c_check_src.val()).any())
            && bit_cast::<64, 32>(self.src_len.val()) != self.src_size.val();
        self.s1_src.d.next = self.src.val();
        self.s1_aux.d.next = self.aux.val();
        self.s1_dst.d.next = self.dst.val();
        self.s1_src_size.d.next = self.src_size.val();
        self.s1_aux_size.d.next = self.aux_size.val();
        self.s1_dst_size.d.next = self.dst_size.val();
        self.s1_src_allowed.d.next = self.src_rom.data.val();
        self.s1_aux_allowed.d.next = self.aux_rom.data.val();
        self.s1_dst_allowed.d.next = self.dst_rom.data.val();
        self.s1_src_used.d.next = self.src_rom.data.val().any();
        self.s1_aux_used.d.next = self.aux_rom.data.val().any();
        self.s1_dst_used.d.next = self.dst_used.val();
        self.s1_v.d.next = self.valid_in.val();

        // Stage 2: each range against the memory map and the card's memory.
        self.src_check.addr.next = self.s1_src.q.val();
        self.src_check.len.next = self.s1_src_size.q.val();
        self.src_check.allowed.next = self.s1_src_allowed.q.val();
        self.aux_check.addr.next = self.s1_aux.q.val();
        self.aux_check.len.next = self.s1_aux_size.q.val();
        self.aux_check.allowed.next = self.s1_aux_allowed.q.val();
        self.dst_check.addr.next = self.s1_dst.q.val();
        self.dst_check.len.next = self.s1_dst_size.q.val();
        self.dst_check.allowed.next = self.s1_dst_allowed.q.val();
        self.s2_src_len_bad.d.next = self.s1_src_len_bad.q.val();
        self.s2_src_bad.d.next = self.s1_src_used.q.val() && self.src_check.outside.val();
        self.s2_aux_bad.d.next = self.s1_aux_used.q.val() && self.aux_check.outside.val();
        self.s2_dst_bad.d.next = self.s1_dst_used.q.val() && self.dst_check.outside.val();
        self.s2_v.d.next = self.s1_v.q.val();

        // Stage 3: the first failure in the model's order.
        self.s3_code.d.next = 0.into();
        self.s3_word.d.next = 0.into();
        if self.s2_src_len_bad.q.val() {
            self.s3_code.d.next = self.bad_shape.val();
            self.s3_word.d.next = self.word_src_len.val();
        } else if self.s2_src_bad.q.val() {
            self.s3_code.d.next = self.out_of_bounds.val();
            self.s3_word.d.next = self.word_src.val();
        } else if self.s2_aux_bad.q.val() {
            self.s3_code.d.next = self.out_of_bounds.val();
            self.s3_word.d.next = self.word_aux.val();
        } else if self.s2_dst_bad.q.val() {
            self.s3_code.d.next = self.out_of_bounds.val();
            self.s3_word.d.next = self.word_dst.val();
        }
        self.s3_v.d.next = self.s2_v.q.val();
        self.valid_out.next = self.s3_v.q.val();
        self.error_code.next = self.s3_code.q.val();
        self.error_word.next = self.s3_word.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operand_checker_is_synthesizable() {
        let mut uut = OperandChecker::new(8 << 30);
        uut.connect_all();
        yosys_validate("operand_checker", &generate_verilog(&uut)).unwrap();
    }
}
