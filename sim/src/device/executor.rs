//! What the card computes: one doorbelled descriptor in, one [`Completion`] out.
//!
//! [`Executor::run`] is the command processor of the card: it decodes the descriptor and
//! makes every check the ABI promises, in this order, stopping at the first that fails
//! (the descriptor word at fault goes into `ERROR_CODE.WORD`):
//!
//! 1. decode (`BAD_DESCRIPTOR`) and the doorbell value against word 1 (`BAD_SEQUENCE`);
//! 2. the bitstream's capabilities for the field and the opcode (`UNSUPPORTED`);
//! 3. the shape against the card's limits and the field's two-adicity, and `SRC_LEN`, when
//!    given, against the input the shape implies (`BAD_SHAPE`);
//! 4. every address range against the memory-map region its operand belongs in
//!    (`OUT_OF_BOUNDS`; table below);
//! 5. with `CHECK_SRC`, the payload checksum over the input (`PAYLOAD_CHECKSUM`);
//! 6. twiddles and round constants for the field (`TABLES_NOT_LOADED`);
//! 7. batch order for the sponge commands (`BAD_BATCH_ORDER`).
//!
//! | opcode | SRC in | AUX in | DST in |
//! |---|---|---|---|
//! | `LOAD_*` | TABLES, STAGE_A/B | – | – |
//! | `LDE` | STAGE_A/B | – | LDE |
//! | `HASH_LEAVES` | LDE, STAGE_A/B | SPONGE | TREE (with `LAST`) |
//! | `COMMIT_BATCH` | STAGE_A/B | SPONGE | TREE (with `LAST`) |
//! | `BUILD_TREE` | TREE | – | TREE |
//! | `READ_ROOT`, `READ_CAP` | – | TREE | RESULT |
//! | `READ_PATHS` | RESULT, STAGE_A/B | TREE | RESULT |
//!
//! A command that fails a check leaves card memory and the batch in progress untouched, so
//! the host may fix the cause (re-upload a damaged payload, load the tables) and resend it.
//!
//! With `LAST`, `HASH_LEAVES` and `COMMIT_BATCH` write the whole tree to DST: the leaf
//! digests, then every layer above them, root last, the layout `READ_*` read (the card's
//! tree unit hangs off the sponge's output). Between batches the per-row sponge states live
//! at AUX, `W` elements per LDE row.
//!
//! The arithmetic is the CPU kernels' of `slotproof-core` (Plonky3's packed fields and
//! Poseidon2), so the model commits a 2^20-row trace in seconds and its roots are the CPU
//! backend's bit for bit.

use std::time::Duration;

use p3_baby_bear::{BabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_field::{Field as P3Field, PackedValue};
use p3_goldilocks::{Goldilocks, Poseidon2Goldilocks, default_goldilocks_poseidon2_8};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_16};
use rayon::prelude::*;
use slotproof_core::cpu::coset_lde_bitrev;
use slotproof_core::cpu::merkle::{LanePermutation, compress_level};
use slotproof_core::cpu::ntt::powers;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::{FieldId, RowMajor, TraceField};
use slotproof_firmware::command::{MAX_LOG_HEIGHT, WORDS, word};
use slotproof_firmware::memory_map::{self, Operand};
use slotproof_firmware::{CardError, Command, Field, Flags, Opcode, checksum::checksum};

use super::card::CardConfig;
use super::memory::CardMemory;
use super::timing::Timing;

/// The outcome of one command, as the registers report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The descriptor's sequence number (word 1), for `COMPLETED_SEQ`.
    pub seq: u32,
    /// Why it failed and the descriptor word at fault, or `None` when it completed.
    pub error: Option<(CardError, u8)>,
    /// Checksum of the input the card read (with `CHECK_SRC`; 0 otherwise).
    pub payload_crc: u32,
    /// Checksum of the bytes written to DST.
    pub result_crc: u32,
    /// Bytes written to DST.
    pub result_len: u32,
    /// How long the card would have taken (zero for a command refused before it ran).
    pub modelled: Duration,
}

/// A compute fault to inject into one command (chosen by [`crate::device::FaultPlan`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ComputeFault {
    /// Run correctly.
    #[default]
    None,
    /// Flip one bit of the output (chosen by `pick`) before the result checksum.
    FlipResultBit {
        /// Selects the bit.
        pick: u64,
    },
    /// In `COMMIT_BATCH`, flip one bit of one LDE element before it is hashed.
    FlipLdeBit {
        /// Selects row, column and bit.
        pick: u64,
    },
    /// Fail with `MEMORY_ECC` after the checks pass; the batch in progress is lost.
    MemoryEcc,
}

/// Which card memory a command reads and writes: what the [`crate::device::Timeline`]
/// schedules its dependencies on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// `(addr, len)` ranges read.
    pub reads: Vec<(u64, u64)>,
    /// `(addr, len)` ranges written.
    pub writes: Vec<(u64, u64)>,
}

impl Footprint {
    /// The ranges `cmd` reads and writes when it succeeds.
    pub fn of(cmd: &Command) -> Self {
        let mut f = Footprint::default();
        if let Ok(r) = ranges(cmd) {
            if let Some(len) = r.src {
                f.reads.push((cmd.src, len));
            }
            if let Some(len) = r.aux {
                if reads_aux(cmd) {
                    f.reads.push((cmd.aux, len));
                }
                if writes_aux(cmd) {
                    f.writes.push((cmd.aux, len));
                }
            }
            if let Some(len) = r.dst {
                f.writes.push((cmd.dst, len));
            }
        }
        f
    }
}

fn is_sponge(op: Opcode) -> bool {
    matches!(op, Opcode::HashLeaves | Opcode::CommitBatch)
}

fn reads_aux(cmd: &Command) -> bool {
    !is_sponge(cmd.opcode) || !cmd.flags.contains(Flags::FIRST)
}

fn writes_aux(cmd: &Command) -> bool {
    is_sponge(cmd.opcode) && !cmd.flags.contains(Flags::LAST)
}

/// A check that failed: the error and the descriptor word at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fail(pub CardError, pub u8);

/// Operand sizes in bytes a command's shape implies (`None`: the command has no such
/// operand). Where each may lie is `memory_map::operand_regions`.
struct Ranges {
    src: Option<u64>,
    aux: Option<u64>,
    dst: Option<u64>,
}

impl Ranges {
    fn of(&self, operand: Operand) -> Option<u64> {
        match operand {
            Operand::Src => self.src,
            Operand::Aux => self.aux,
            Operand::Dst => self.dst,
        }
    }
}

/// Digests in a tree over `2^log_leaves` leaves, leaves included.
fn tree_digests(log_leaves: u32) -> u64 {
    (2u64 << log_leaves) - 1
}

/// log2 of the number of slices a `COMMIT_BATCH` cuts its LDE into, and which one it
/// computes (`COUNT`); every other opcode works on the whole height.
fn slice_of(cmd: &Command) -> Result<(u32, u32), Fail> {
    if cmd.opcode != Opcode::CommitBatch {
        return Ok((0, 0));
    }
    let log_count = slotproof_firmware::command::slice::LOG_SLICES.get(cmd.count);
    let index = slotproof_firmware::command::slice::SLICE.get(cmd.count);
    let lde_log = u32::from(cmd.log_rows) + u32::from(cmd.log_blowup);
    let unused = cmd.count
        & !(slotproof_firmware::command::slice::SLICE.mask() | slotproof_firmware::command::slice::LOG_SLICES.mask());
    if log_count > lde_log
        || log_count > u32::from(slotproof_firmware::command::slice::SLICE.width)
        || u64::from(index) >= 1u64 << log_count
        || unused != 0
    {
        return Err(Fail(CardError::BadShape, word::COUNT));
    }
    Ok((index, log_count))
}

/// Sizes of every operand, from the shape alone (limits are checked separately).
fn ranges(cmd: &Command) -> Result<Ranges, Fail> {
    let f = cmd.field;
    let eb = f.elem_bytes() as u64;
    let db = f.digest_bytes() as u64;
    let state_bytes = f.width() as u64 * eb;
    let cols = u64::from(cmd.cols);
    let lr = u32::from(cmd.log_rows);
    let lde_log = lr + u32::from(cmd.log_blowup);
    // Shapes this tall are refused by the limits check on real cards; this keeps shifts sane.
    if lde_log > MAX_LOG_HEIGHT {
        return Err(Fail(CardError::BadShape, word::SHAPE));
    }
    let rows = 1u64 << lr;
    let last = cmd.flags.contains(Flags::LAST);
    Ok(match cmd.opcode {
        Opcode::LoadTwiddles => Ranges { src: Some(if lr == 0 { 0 } else { (rows / 2) * eb }), aux: None, dst: None },
        Opcode::LoadConstants => Ranges { src: Some(constants_len(f)), aux: None, dst: None },
        Opcode::Lde => Ranges { src: Some(cols * rows * eb), aux: None, dst: Some((cols * eb) << lde_log) },
        Opcode::HashLeaves => Ranges {
            src: Some(cols * rows * eb),
            aux: Some(rows * state_bytes),
            dst: last.then_some(tree_digests(lr) * db),
        },
        Opcode::CommitBatch => {
            // A slice is a whole subtree: its rows' states, and its own tree.
            let out_log = lde_log - slice_of(cmd)?.1;
            Ranges {
                src: Some(cols * rows * eb),
                aux: Some((1u64 << out_log) * state_bytes),
                dst: last.then_some(tree_digests(out_log) * db),
            }
        }
        Opcode::BuildTree => Ranges { src: Some(rows * db), aux: None, dst: Some((rows - 1) * db) },
        Opcode::ReadRoot => Ranges { src: None, aux: Some(tree_digests(lr) * db), dst: Some(db) },
        Opcode::ReadCap => Ranges {
            src: None,
            aux: Some(tree_digests(lr) * db),
            dst: Some((1u64 << u64::from(cmd.count).min(u64::from(MAX_LOG_HEIGHT))) * db),
        },
        Opcode::ReadPaths => Ranges {
            src: Some(u64::from(cmd.count) * 4),
            aux: Some(tree_digests(lr) * db),
            dst: Some(u64::from(cmd.count) * (1 + u64::from(lr)) * db),
        },
    })
}

/// Checks 1 and 2 of the list above, the ones that need nothing but the descriptor, the
/// doorbell value and the bitstream's capabilities: the card's command decoder
/// (`slotproof_hdl::card::CommandDecoder`) makes exactly these, and is tested against this.
pub fn admit(words: &[u32; WORDS], doorbell: u32, caps: u32) -> Result<Command, Fail> {
    let cmd = Command::decode(words).map_err(|e| {
        log::debug!("refused: {e}");
        Fail(CardError::BadDescriptor, e.word() as u8)
    })?;
    if doorbell != cmd.seq {
        return Err(Fail(CardError::BadSequence, word::SEQ));
    }
    if !cmd.field.cap().is_set(caps) || cmd.opcode.required_cap().is_some_and(|b| !b.is_set(caps)) {
        return Err(Fail(CardError::Unsupported, word::HEADER));
    }
    Ok(cmd)
}

/// The rest of check 3 and check 4: `SRC_LEN` against the input the shape implies, then
/// every operand range inside a region its opcode allows and inside the card's `mem_len`
/// bytes (SRC, AUX, DST in that order).
fn check_operands(cmd: &Command, r: &Ranges, mem_len: u64) -> Result<(), Fail> {
    let src_len = r.src.unwrap_or(0);
    if r.src.is_some() && cmd.src_len != 0 && u64::from(cmd.src_len) != src_len
        || cmd.flags.contains(Flags::CHECK_SRC) && u64::from(cmd.src_len) != src_len
    {
        return Err(Fail(CardError::BadShape, word::SRC_LEN));
    }
    for operand in Operand::ALL {
        let addr = match operand {
            Operand::Src => cmd.src,
            Operand::Aux => cmd.aux,
            Operand::Dst => cmd.dst,
        };
        if let Some(len) = r.of(operand) {
            let allowed = memory_map::operand_regions(cmd.opcode, operand);
            let inside = memory_map::region_of(addr, len).is_some_and(|reg| allowed.contains(reg));
            if !inside || addr.checked_add(len).is_none_or(|end| end > mem_len) {
                return Err(Fail(CardError::OutOfBounds, operand.word()));
            }
        }
    }
    Ok(())
}

/// Checks 3 and 4 after [`admit_shape`]: `SRC_LEN` and every operand's range, on a card of
/// `mem_len` bytes. The card's operand checker (`slotproof_hdl::card::OperandChecker`) makes
/// exactly these, and is tested against this, for a command [`admit`] and [`admit_shape`]
/// accepted.
pub fn admit_operands(cmd: &Command, mem_len: u64) -> Result<(), Fail> {
    check_operands(cmd, &ranges(cmd)?, mem_len)
}

/// The bytes `operand` of `cmd` spans, or `None` when the command has no such operand (or
/// its shape cannot be sized: see [`admit_shape`]).
pub fn operand_size(cmd: &Command, operand: Operand) -> Option<u64> {
    ranges(cmd).ok()?.of(operand)
}

/// The shape limits a bitstream was built with (`LIMITS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeLimits {
    /// Largest log2 LDE height.
    pub max_log_lde_rows: u8,
    /// Largest log2 blowup.
    pub max_log_blowup: u8,
    /// Largest column batch.
    pub max_batch_cols: u16,
}

impl ShapeLimits {
    /// The limits of a card built as `config` says.
    pub fn of(config: &CardConfig) -> Self {
        Self {
            max_log_lde_rows: config.max_log_lde_rows,
            max_log_blowup: config.max_log_blowup,
            max_batch_cols: config.max_batch_cols,
        }
    }
}

/// Check 3 of the list above without `SRC_LEN` (which needs the operand sizes): the shape
/// against the card's limits and the field's two-adicity, the `COUNT` of the opcodes that
/// use it, the `COMMIT_BATCH` slice, and the height cap every operand size relies on. The
/// card's shape checker (`slotproof_hdl::card::ShapeChecker`) makes exactly these, and is
/// tested against this, for a command [`admit`] accepted.
pub fn admit_shape(cmd: &Command, limits: &ShapeLimits) -> Result<(), Fail> {
    check_shape(cmd, limits)?;
    ranges(cmd).map(|_| ())
}

fn check_shape(cmd: &Command, limits: &ShapeLimits) -> Result<(), Fail> {
    let bad = Err(Fail(CardError::BadShape, word::SHAPE));
    let lr = cmd.log_rows;
    let adicity = field_id(cmd.field).two_adicity();
    let lde_log = usize::from(lr) + usize::from(cmd.log_blowup);
    let cols_ok = cmd.cols >= 1 && cmd.cols <= limits.max_batch_cols;
    match cmd.opcode {
        Opcode::LoadTwiddles => {
            if lr == 0 || lr > limits.max_log_lde_rows || usize::from(lr) > adicity {
                return bad;
            }
        }
        Opcode::LoadConstants => {}
        Opcode::Lde | Opcode::CommitBatch => {
            if !cols_ok
                || cmd.log_blowup > limits.max_log_blowup
                || lde_log > usize::from(limits.max_log_lde_rows)
                || lde_log > adicity
            {
                return bad;
            }
        }
        Opcode::HashLeaves => {
            if !cols_ok || lr > limits.max_log_lde_rows {
                return bad;
            }
        }
        Opcode::BuildTree | Opcode::ReadRoot => {
            if lr > limits.max_log_lde_rows {
                return bad;
            }
        }
        Opcode::ReadCap => {
            if lr > limits.max_log_lde_rows {
                return bad;
            }
            if cmd.count > u32::from(lr) {
                return Err(Fail(CardError::BadShape, word::COUNT));
            }
        }
        Opcode::ReadPaths => {
            if lr > limits.max_log_lde_rows {
                return bad;
            }
            if cmd.count == 0 {
                return Err(Fail(CardError::BadShape, word::COUNT));
            }
        }
    }
    Ok(())
}

/// The core field of an ABI field code.
pub fn field_id(f: Field) -> FieldId {
    match f {
        Field::BabyBear => FieldId::BabyBear,
        Field::KoalaBear => FieldId::KoalaBear,
        Field::Goldilocks => FieldId::Goldilocks,
    }
}

/// The ABI's field code for a core field.
pub fn abi_field(f: FieldId) -> Field {
    match f {
        FieldId::BabyBear => Field::BabyBear,
        FieldId::KoalaBear => Field::KoalaBear,
        FieldId::Goldilocks => Field::Goldilocks,
    }
}

fn field_index(f: Field) -> usize {
    f as usize - 1
}

/// Bytes of the round-constant table of `f` (what `LOAD_CONSTANTS` carries).
pub fn constants_len(f: Field) -> u64 {
    let rounds = match f {
        Field::BabyBear => p3_baby_bear::BABYBEAR_POSEIDON2_RC_16_INTERNAL.len(),
        Field::KoalaBear => p3_koala_bear::KOALABEAR_POSEIDON2_RC_16_INTERNAL.len(),
        Field::Goldilocks => p3_goldilocks::GOLDILOCKS_POSEIDON2_RC_8_INTERNAL.len(),
    };
    // 4 initial and 4 terminal external rounds of `width` constants, one per partial round.
    ((8 * f.width() + rounds) * f.elem_bytes()) as u64
}

fn put_elem(out: &mut Vec<u8>, v: u64, eb: usize) {
    out.extend_from_slice(&v.to_le_bytes()[..eb]);
}

/// Bytes of the twiddle table of `f` for an LDE of up to `2^log_n` rows (what
/// [`twiddle_table`] returns).
pub fn twiddles_len(f: Field, log_n: u8) -> u64 {
    if log_n == 0 { 0 } else { (f.elem_bytes() as u64) << (log_n - 1) }
}

/// The bytes `LOAD_TWIDDLES` expects for `field` and an LDE of up to `2^log_n` rows:
/// `ω^i` for `i < 2^(log_n − 1)`, `ω` Plonky3's primitive `2^log_n`-th root of unity,
/// little-endian canonical elements. Empty for `log_n = 0` (no butterflies).
pub fn twiddle_table(field: Field, log_n: u8) -> Vec<u8> {
    fn table<F: TraceField>(log_n: usize) -> Vec<u8> {
        if log_n == 0 || log_n > F::ID.two_adicity() {
            return Vec::new();
        }
        let w = F::two_adic_generator(log_n);
        let eb = F::ID.word_bytes();
        let mut out = Vec::with_capacity((eb << log_n) / 2);
        for x in powers(w, 1 << (log_n - 1)) {
            put_elem(&mut out, x.as_canonical_u64(), eb);
        }
        out
    }
    match field {
        Field::BabyBear => table::<BabyBear>(log_n.into()),
        Field::KoalaBear => table::<KoalaBear>(log_n.into()),
        Field::Goldilocks => table::<Goldilocks>(log_n.into()),
    }
}

/// The bytes `LOAD_CONSTANTS` expects for `field`: the round constants of Plonky3's default
/// Poseidon2 (`default_*_poseidon2_*`) in the order the hardware pipeline consumes them: the
/// 4 initial external rounds (`width` each), the partial rounds (one each), the 4 terminal
/// external rounds; little-endian canonical elements.
pub fn constants_table(field: Field) -> Vec<u8> {
    let spec = Poseidon2Spec::for_field(field_id(field));
    let eb = field.elem_bytes();
    let mut out = Vec::with_capacity(constants_len(field) as usize);
    for round in &spec.rc_external_initial {
        round.iter().for_each(|&c| put_elem(&mut out, c, eb));
    }
    spec.rc_internal.iter().for_each(|&c| put_elem(&mut out, c, eb));
    for round in &spec.rc_external_final {
        round.iter().for_each(|&c| put_elem(&mut out, c, eb));
    }
    out
}

/// The commitment in progress: which sponge states the next batch continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Batch {
    field: Field,
    aux: u64,
    log_lde_rows: u32,
}

/// The three Poseidon2 instances, built once (their constants are a few KiB each).
struct Perms {
    bb: Poseidon2BabyBear<16>,
    kb: Poseidon2KoalaBear<16>,
    gl: Poseidon2Goldilocks<8>,
}

/// The card's command processor and its state between commands: which tables are loaded
/// and which commitment is in progress.
pub struct Executor {
    caps: u32,
    limits: ShapeLimits,
    timing: Timing,
    /// Largest loaded LDE size (log2) per field.
    twiddles: [Option<u8>; 3],
    constants: [bool; 3],
    last_loaded: Option<Field>,
    batch: Option<Batch>,
    perms: Perms,
    msm: super::msm::MsmEngine,
}

/// What a command produced, before it is written back.
#[derive(Default)]
struct Output {
    dst: Vec<u8>,
    aux: Vec<u8>,
}

impl Executor {
    /// The command processor of a card built as `config` says, with no tables loaded.
    pub fn new(config: &CardConfig) -> Self {
        Self {
            caps: config.caps,
            limits: ShapeLimits::of(config),
            timing: config.timing,
            twiddles: [None; 3],
            constants: [false; 3],
            last_loaded: None,
            batch: None,
            perms: Perms {
                bb: default_babybear_poseidon2_16(),
                kb: default_koalabear_poseidon2_16(),
                gl: default_goldilocks_poseidon2_8(),
            },
            msm: Default::default(),
        }
    }

    /// The field whose twiddles and constants are both loaded (the most recently loaded
    /// one when several are), for `STATUS.TABLES_LOADED` and `ERROR_CODE.FIELD`.
    pub fn tables_loaded(&self) -> Option<Field> {
        let complete = |f: Field| self.twiddles[field_index(f)].is_some() && self.constants[field_index(f)];
        self.last_loaded.filter(|&f| complete(f)).or_else(|| Field::ALL.iter().copied().find(|&f| complete(f)))
    }

    /// Forgets the commitment in progress (a soft reset abandons it). Tables survive: they
    /// are in card memory.
    pub fn reset(&mut self) {
        self.batch = None;
        self.msm.reset();
    }

    /// Runs the descriptor `words`, rung with doorbell value `doorbell`, against `mem`,
    /// injecting `fault`. Never panics on bad input: every refusal is a [`CardError`].
    pub fn run(
        &mut self,
        words: &[u32; WORDS],
        doorbell: u32,
        mem: &dyn CardMemory,
        fault: ComputeFault,
    ) -> Completion {
        let mut c = Completion {
            seq: words[1],
            error: None,
            payload_crc: 0,
            result_crc: 0,
            result_len: 0,
            modelled: Duration::ZERO,
        };
        // Only a card with an MSM engine decodes the MSM opcodes; to any other they are
        // unknown bytes, refused by `admit` as every unknown opcode is.
        if self.caps & slotproof_firmware::msm::MSM_CAPS != 0 && slotproof_firmware::msm::is_msm_descriptor(words) {
            let outcome = super::msm::admit_msm(words, doorbell, self.caps)
                .and_then(|cmd| Ok((cmd, self.msm.execute(&cmd, mem, fault)?)));
            match outcome {
                Ok((cmd, out)) => {
                    c.payload_crc = out.payload_crc;
                    c.result_crc = checksum(&out.dst);
                    c.result_len = u32::try_from(out.dst.len()).unwrap_or(u32::MAX);
                    c.modelled = self.timing.msm_time(&cmd);
                }
                Err(Fail(e, w)) => {
                    log::debug!("MSM descriptor seq {} refused: {}", words[1], e.mnemonic());
                    c.error = Some((e, w));
                }
            }
            return c;
        }
        let cmd = match admit(words, doorbell, self.caps) {
            Ok(cmd) => cmd,
            Err(Fail(e, w)) => {
                c.error = Some((e, w));
                return c;
            }
        };
        match self.execute(&cmd, mem, fault, &mut c) {
            Ok(()) => c.modelled = self.timing.command_time(&cmd),
            Err(Fail(e, w)) => {
                log::debug!("{} seq {} refused: {}", cmd.opcode.mnemonic(), cmd.seq, e.mnemonic());
                c.error = Some((e, w));
            }
        }
        c
    }

    fn check_tables(&self, cmd: &Command) -> Result<(), Fail> {
        let i = field_index(cmd.field);
        let lde_log = cmd.log_rows + cmd.log_blowup;
        let twiddles_ok = self.twiddles[i].is_some_and(|l| l >= lde_log);
        let ok = match cmd.opcode {
            Opcode::Lde => twiddles_ok,
            Opcode::CommitBatch => twiddles_ok && self.constants[i],
            Opcode::HashLeaves | Opcode::BuildTree => self.constants[i],
            _ => true,
        };
        if ok { Ok(()) } else { Err(Fail(CardError::TablesNotLoaded, word::HEADER)) }
    }

    fn check_batch(&self, cmd: &Command) -> Result<Option<Batch>, Fail> {
        if !is_sponge(cmd.opcode) {
            return Ok(None);
        }
        // For COMMIT_BATCH the states are those of the slice's LDE rows (`slice_of` checked
        // that the slice count does not exceed the LDE height).
        let log_lde_rows = if cmd.opcode == Opcode::CommitBatch {
            u32::from(cmd.log_rows) + u32::from(cmd.log_blowup) - slice_of(cmd)?.1
        } else {
            u32::from(cmd.log_rows)
        };
        let this = Batch { field: cmd.field, aux: cmd.aux, log_lde_rows };
        if !cmd.flags.contains(Flags::FIRST) && self.batch != Some(this) {
            return Err(Fail(CardError::BadBatchOrder, word::HEADER));
        }
        if !cmd.flags.contains(Flags::LAST) && !usize::from(cmd.cols).is_multiple_of(cmd.field.rate()) {
            return Err(Fail(CardError::BadBatchOrder, word::SHAPE));
        }
        Ok(Some(this))
    }

    fn execute(
        &mut self,
        cmd: &Command,
        mem: &dyn CardMemory,
        fault: ComputeFault,
        c: &mut Completion,
    ) -> Result<(), Fail> {
        check_shape(cmd, &self.limits)?;
        let r = ranges(cmd)?;
        check_operands(cmd, &r, mem.len())?;
        let src = match r.src {
            Some(len) => read(mem, cmd.src, len, word::SRC)?,
            None => Vec::new(),
        };
        if cmd.flags.contains(Flags::CHECK_SRC) {
            c.payload_crc = checksum(&src);
            if c.payload_crc != cmd.src_crc {
                return Err(Fail(CardError::PayloadChecksum, word::SRC_CRC));
            }
        }
        self.check_tables(cmd)?;
        let batch = self.check_batch(cmd)?;
        if fault == ComputeFault::MemoryEcc {
            // The sponge states may be half-written: the commitment must start over.
            self.batch = None;
            return Err(Fail(CardError::MemoryEcc, word::HEADER));
        }

        let mut out = match cmd.opcode {
            Opcode::LoadTwiddles => {
                let ok = src == twiddle_table(cmd.field, cmd.log_rows);
                self.twiddles[field_index(cmd.field)] = ok.then_some(cmd.log_rows);
                self.last_loaded = Some(cmd.field);
                if !ok {
                    return Err(Fail(CardError::TablesNotLoaded, word::SRC));
                }
                Output::default()
            }
            Opcode::LoadConstants => {
                let ok = src == constants_table(cmd.field);
                self.constants[field_index(cmd.field)] = ok;
                self.last_loaded = Some(cmd.field);
                if !ok {
                    return Err(Fail(CardError::TablesNotLoaded, word::SRC));
                }
                Output::default()
            }
            Opcode::ReadRoot | Opcode::ReadCap | Opcode::ReadPaths => read_tree(cmd, &src, mem)?,
            Opcode::Lde | Opcode::HashLeaves | Opcode::CommitBatch | Opcode::BuildTree => {
                let states = match r.aux {
                    Some(len) if is_sponge(cmd.opcode) && !cmd.flags.contains(Flags::FIRST) => {
                        read(mem, cmd.aux, len, word::AUX)?
                    }
                    _ => Vec::new(),
                };
                let job = Job { cmd, src: &src, states: &states, fault };
                match cmd.field {
                    Field::BabyBear => compute::<BabyBear, _, 16, 8, 8>(&self.perms.bb, &job),
                    Field::KoalaBear => compute::<KoalaBear, _, 16, 8, 8>(&self.perms.kb, &job),
                    Field::Goldilocks => compute::<Goldilocks, _, 8, 4, 4>(&self.perms.gl, &job),
                }
            }
        };

        if let ComputeFault::FlipResultBit { pick } = fault {
            let target = if out.dst.is_empty() { &mut out.aux } else { &mut out.dst };
            flip_bit(target, pick);
        }
        if !out.aux.is_empty() {
            write(mem, cmd.aux, &out.aux, word::AUX)?;
        }
        if !out.dst.is_empty() {
            write(mem, cmd.dst, &out.dst, word::DST)?;
        }
        c.result_crc = checksum(&out.dst);
        c.result_len = u32::try_from(out.dst.len()).unwrap_or(u32::MAX);
        if let Some(b) = batch {
            self.batch = (!cmd.flags.contains(Flags::LAST)).then_some(b);
        }
        Ok(())
    }
}

pub(super) fn flip_bit(bytes: &mut [u8], pick: u64) {
    if !bytes.is_empty() {
        let bit = pick % (bytes.len() as u64 * 8);
        bytes[(bit / 8) as usize] ^= 1 << (bit % 8);
    }
}

pub(super) fn read(mem: &dyn CardMemory, addr: u64, len: u64, w: u8) -> Result<Vec<u8>, Fail> {
    let len = usize::try_from(len).map_err(|_| Fail(CardError::OutOfBounds, w))?;
    let mut buf = vec![0u8; len];
    mem.read(addr, &mut buf).map_err(|_| Fail(CardError::OutOfBounds, w))?;
    Ok(buf)
}

pub(super) fn write(mem: &dyn CardMemory, addr: u64, bytes: &[u8], w: u8) -> Result<(), Fail> {
    mem.write(addr, bytes).map_err(|_| Fail(CardError::OutOfBounds, w))
}

/// `READ_ROOT`, `READ_CAP` and `READ_PATHS`: copies out of the tree at AUX, whose layer `k`
/// (`2^(L−k)` digests) starts `2^(L+1) − 2^(L−k+1)` digests in.
fn read_tree(cmd: &Command, src: &[u8], mem: &dyn CardMemory) -> Result<Output, Fail> {
    let db = cmd.field.digest_bytes() as u64;
    let l = u32::from(cmd.log_rows);
    let layer_start = |k: u32| (2u64 << l) - (2u64 << (l - k));
    let digest = |layer: u32, i: u64| read(mem, cmd.aux + (layer_start(layer) + i) * db, db, word::AUX);
    let dst = match cmd.opcode {
        Opcode::ReadRoot => digest(l, 0)?,
        Opcode::ReadCap => {
            let h = cmd.count;
            read(mem, cmd.aux + layer_start(l - h) * db, db << h, word::AUX)?
        }
        _ => {
            let mut out = Vec::with_capacity(src.len() / 4 * (1 + l as usize) * db as usize);
            for idx in src.chunks_exact(4) {
                let i = u64::from(u32::from_le_bytes([idx[0], idx[1], idx[2], idx[3]]));
                if i >> l != 0 {
                    return Err(Fail(CardError::OutOfBounds, word::SRC));
                }
                out.extend(digest(0, i)?);
                for k in 0..l {
                    out.extend(digest(k, (i >> k) ^ 1)?);
                }
            }
            out
        }
    };
    Ok(Output { dst, aux: Vec::new() })
}

/// One field-typed command: the operands the executor has read for it.
struct Job<'a> {
    cmd: &'a Command,
    src: &'a [u8],
    states: &'a [u8],
    fault: ComputeFault,
}

/// One little-endian element of `eb` bytes. Non-canonical words are reduced, as the card's
/// input stage would: bad data gives a wrong (and detectable) result, never a crash.
#[inline]
fn elem<F: TraceField>(b: &[u8], eb: usize) -> F {
    let mut w = [0u8; 8];
    w[..eb].copy_from_slice(&b[..eb]);
    F::from_u64(u64::from_le_bytes(w))
}

/// Fixed-size groups of elements (sponge states, digests) straight from bytes.
fn arrays_from_bytes<F: TraceField, const N: usize>(bytes: &[u8]) -> Vec<[F; N]> {
    let eb = F::ID.word_bytes();
    bytes.par_chunks_exact(N * eb).map(|g| core::array::from_fn(|i| elem(&g[i * eb..], eb))).collect()
}

fn to_bytes<F: TraceField>(elems: &[F]) -> Vec<u8> {
    let eb = F::ID.word_bytes();
    let mut out = vec![0u8; elems.len() * eb];
    out.par_chunks_exact_mut(eb).zip(elems.par_iter()).for_each(|(o, x)| {
        o.copy_from_slice(&x.as_canonical_u64().to_le_bytes()[..eb]);
    });
    out
}

/// Rows transposed per parallel task: a task's reads stay within a few pages per column.
const TRANSPOSE_ROWS: usize = 256;

/// A column batch in card layout (columns one after the other, `rows` elements each) as a
/// row-major matrix: converted and transposed in one pass.
fn batch_to_rows<F: TraceField>(bytes: &[u8], rows: usize, cols: usize) -> RowMajor<F> {
    let eb = F::ID.word_bytes();
    let mut values = vec![F::ZERO; rows * cols];
    values.par_chunks_mut(TRANSPOSE_ROWS * cols).enumerate().for_each(|(blk, out)| {
        let r0 = blk * TRANSPOSE_ROWS;
        for c in 0..cols {
            let col = &bytes[(c * rows + r0) * eb..];
            for (i, row) in out.chunks_exact_mut(cols).enumerate() {
                row[c] = elem(&col[i * eb..], eb);
            }
        }
    });
    RowMajor::new(values, cols).expect("whole rows")
}

/// A row-major matrix as a column batch in card layout (the inverse of [`batch_to_rows`]).
fn rows_to_batch<F: TraceField>(m: &RowMajor<F>) -> Vec<u8> {
    let (rows, cols, eb) = (m.height(), m.width(), F::ID.word_bytes());
    let mut out = vec![0u8; rows * cols * eb];
    out.par_chunks_mut(rows * eb).enumerate().for_each(|(c, col)| {
        for (r, o) in col.chunks_exact_mut(eb).enumerate() {
            o.copy_from_slice(&m.row(r)[c].as_canonical_u64().to_le_bytes()[..eb]);
        }
    });
    out
}

/// The field-typed commands: `LDE`, `HASH_LEAVES`, `COMMIT_BATCH`, `BUILD_TREE`.
fn compute<F, P, const W: usize, const R: usize, const D: usize>(perm: &P, job: &Job<'_>) -> Output
where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    let cmd = job.cmd;
    let rows = 1usize << cmd.log_rows;
    let cols = usize::from(cmd.cols);
    let lde = |src: &[u8]| {
        let trace = batch_to_rows::<F>(src, rows, cols);
        // The shape was checked against the field's two-adicity, so the kernel accepts it.
        coset_lde_bitrev(&trace, cmd.log_blowup.into()).expect("shape checked")
    };
    match cmd.opcode {
        Opcode::Lde => Output { dst: rows_to_batch(&lde(job.src)), aux: Vec::new() },
        Opcode::BuildTree => {
            let leaves = arrays_from_bytes::<F, D>(job.src);
            let tree = tree_of::<F, P, W, D>(perm, leaves);
            Output { dst: digests_to_bytes(&tree[rows..]), aux: Vec::new() }
        }
        _ => {
            let mut matrix = if cmd.opcode == Opcode::CommitBatch {
                let full = lde(job.src);
                // The card computes only its slice's rows; the model computes all and keeps
                // those (the shape was checked by `slice_of`).
                match slice_of(cmd) {
                    Ok((index, log_count)) if log_count > 0 => {
                        let per = full.height() >> log_count;
                        let start = index as usize * per * cols;
                        RowMajor::new(full.values()[start..start + per * cols].to_vec(), cols).expect("whole rows")
                    }
                    _ => full,
                }
            } else {
                batch_to_rows::<F>(job.src, rows, cols)
            };
            if let ComputeFault::FlipLdeBit { pick } = job.fault {
                flip_element_bit(matrix.values_mut(), pick);
            }
            let mut states = if job.states.is_empty() {
                vec![[F::ZERO; W]; matrix.height()]
            } else {
                arrays_from_bytes::<F, W>(job.states)
            };
            absorb::<F, P, W, R>(perm, &mut states, matrix.values(), cols);
            if cmd.flags.contains(Flags::LAST) {
                let leaves = states.par_iter().map(|s| core::array::from_fn(|i| s[i])).collect();
                Output { dst: digests_to_bytes(&tree_of::<F, P, W, D>(perm, leaves)), aux: Vec::new() }
            } else {
                Output { dst: Vec::new(), aux: to_bytes(states.as_flattened()) }
            }
        }
    }
}

fn flip_element_bit<F: TraceField>(values: &mut [F], pick: u64) {
    if values.is_empty() {
        return;
    }
    let bits = 8 * F::ID.word_bytes() as u64 - 1;
    let i = (pick / bits % values.len() as u64) as usize;
    let v = values[i].as_canonical_u64() ^ (1 << (pick % bits));
    // v ± 2^k is never ≡ v mod p, so the element always changes.
    values[i] = F::from_u64(v);
}

/// Absorbs one batch of rows (row-major, `width` columns) into the per-row sponge states,
/// overwrite mode: each chunk of up to `R` elements replaces the state's first lanes, then
/// the state is permuted. `P::WIDTH` rows share one packed permutation.
fn absorb<F, P, const W: usize, const R: usize>(perm: &P, states: &mut [[F; W]], rows: &[F], width: usize)
where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    const BLOCK: usize = 1 << 10;
    states.par_chunks_mut(BLOCK).zip(rows.par_chunks(BLOCK * width)).for_each(|(st, rw)| {
        let lanes = <F as P3Field>::Packing::WIDTH;
        let full = st.len() - st.len() % lanes;
        for g in (0..full).step_by(lanes) {
            let mut state: [<F as P3Field>::Packing; W] =
                core::array::from_fn(|i| <F as P3Field>::Packing::from_fn(|l| st[g + l][i]));
            let mut k = 0;
            while k < width {
                let take = R.min(width - k);
                for (i, lane) in state.iter_mut().enumerate().take(take) {
                    *lane = <F as P3Field>::Packing::from_fn(|l| rw[(g + l) * width + k + i]);
                }
                perm.permute_mut(&mut state);
                k += take;
            }
            for (l, s) in st[g..g + lanes].iter_mut().enumerate() {
                *s = core::array::from_fn(|i| state[i].as_slice()[l]);
            }
        }
        for (r, s) in st.iter_mut().enumerate().skip(full) {
            for chunk in rw[r * width..(r + 1) * width].chunks(R) {
                s[..chunk.len()].copy_from_slice(chunk);
                perm.permute_mut(s);
            }
        }
    });
}

/// Every digest of the tree over `leaves`: the leaves, then each layer above, root last.
fn tree_of<F, P, const W: usize, const D: usize>(perm: &P, leaves: Vec<[F; D]>) -> Vec<[F; D]>
where
    F: TraceField,
    P: LanePermutation<F, W>,
{
    // Wide layers are split across threads; narrow ones are not worth the fork.
    const PAR_NODES: usize = 1 << 12;
    let mut all = leaves;
    let (mut start, mut len) = (0, all.len());
    while len > 1 {
        let mut next = vec![[F::ZERO; D]; len / 2];
        let input = &all[start..start + len];
        if next.len() >= PAR_NODES {
            next.par_chunks_mut(PAR_NODES / 2)
                .zip(input.par_chunks(PAR_NODES))
                .for_each(|(o, i)| compress_level::<F, P, W, D>(perm, i, o));
        } else {
            compress_level::<F, P, W, D>(perm, input, &mut next);
        }
        start += len;
        len /= 2;
        all.extend(next);
    }
    all
}

fn digests_to_bytes<F: TraceField, const D: usize>(digests: &[[F; D]]) -> Vec<u8> {
    to_bytes(digests.as_flattened())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_the_documented_sizes() {
        for &f in Field::ALL {
            assert_eq!(constants_table(f).len() as u64, constants_len(f));
            assert_eq!(twiddle_table(f, 5).len(), 16 * f.elem_bytes());
            assert_eq!(&twiddle_table(f, 5)[..f.elem_bytes()], &[1, 0, 0, 0, 0, 0, 0, 0][..f.elem_bytes()]);
        }
        assert!(twiddle_table(Field::BabyBear, 0).is_empty());
    }

    #[test]
    fn layer_offsets_match_the_tree_layout() {
        // L = 3: 8 leaves at 0, 4 at 8, 2 at 12, root at 14.
        let l = 3u32;
        let layer_start = |k: u32| (2u64 << l) - (2u64 << (l - k));
        assert_eq!([0, 1, 2, 3].map(layer_start), [0, 8, 12, 14]);
        assert_eq!(tree_digests(3), 15);
    }
}
