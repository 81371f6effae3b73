//! `CardRegs`: the user-BAR register block of `slotproof_firmware::regs` as an AXI4-Lite
//! slave, the XDMA IP's user BAR being an AXI4-Lite master with 32-bit data.
//!
//! # Generated from the ABI
//!
//! Every register's word offset, every bit field's position, the refusal code of a busy
//! doorbell and every identity value are `Constant` fields set by [`CardRegs::new`] from
//! `slotproof_firmware::regs` (and [`Identity`], the build-dependent values, derived by the
//! same code as the device model's); the emitted Verilog carries them as `localparam`s.
//! What is written here is only *behaviour* per register, which the ABI names but cannot
//! express. Port widths are fixed by Rust's types, so the constructor checks that the ABI's
//! fields still fit them and refuses to build a block that would silently truncate.
//!
//! # Semantics
//!
//! The same as the device model's `RegisterFile` (`slotproof_sim`), which the tests use as
//! the oracle: identity registers read their values and ignore writes; `CTRL` is read-write
//! with `SOFT_RESET` self-clearing (it clears `BUSY`, `DONE`, `ERROR`, the error code and the
//! echo registers, and pulses `soft_reset`, but keeps `CMD` and sets `IRQ_ENABLE` from the
//! same write); `IRQ_STATUS` is write-one-to-clear over `DONE`/`ERROR`; `DOORBELL` is
//! write-only (reads 0): on an idle card it latches `CMD` into `desc`, sets `BUSY` and pulses
//! `doorbell` with the written value, on a busy one it sets `ERROR` with code `BUSY`;
//! `CMD[16]` is read-write; `HEARTBEAT` is a free-running 31-bit microsecond counter; a
//! completion (`done` or `error` pulse from the command processor) clears `BUSY`, sets
//! `DONE` or `ERROR` with code and word, and the echo registers; offsets between registers
//! read 0.
//!
//! Within one clock edge the order is the model's: a read sees the state before the edge,
//! then the edge's write acts, then its completion; a completion in the edge of a soft
//! reset is dropped.
//!
//! Where `RegisterFile` depends on what RTL cannot have, the comparison maps it:
//! - its heartbeat is wall-clock microseconds since start; here it counts edges divided by
//!   `cycles_per_us` (the tests expect exactly that);
//! - its reset *epochs* drop completions of commands abandoned by a soft reset; here the
//!   command processor sees `soft_reset` and abandons the command itself, so every
//!   completion that arrives belongs to the current epoch;
//! - `freeze` (a hung card) and lost interrupts are fault injection of the model only;
//! - its event 0 is raised on completions while `IRQ_ENABLE`; here `irq` is a level,
//!   `IRQ_ENABLE && (DONE || ERROR)`, which an MSI-X bridge turns into one message per
//!   rising edge. The tests compare it with that function of the model's registers;
//! - the `busy` input (the command processor still busy, e.g. draining after a soft reset)
//!   is ORed into `BUSY` and refuses doorbells; the model has no such state, so the random
//!   comparison holds it low and a directed test covers it.
//!
//! # Bus
//!
//! AW and W are accepted independently, in either order or together, into the one-entry
//! address and data stages (`aw_*`, `w_*`); the write acts in the edge after both are full
//! and no response is pending, raising `bvalid` (OKAY). A read is accepted while no read
//! response is pending; its data is registered at acceptance (`r_data`) and held until
//! `rready`. Decoding uses `addr[7:2]` (the block spans `BLOCK_BYTES` = 0x100): the host
//! makes only aligned 32-bit accesses, so `addr[1:0]` and `wstrb` are ignored (the model
//! reads unaligned offsets as 0 and has no byte writes; the tests use aligned words).
//! `awready`, `wready`, `arready`, `bvalid`, `rvalid`, `rdata` and every output to the
//! command processor depend on registers only.

use rust_hdl::prelude::*;
use slotproof_firmware::command::WORDS;
use slotproof_firmware::regs::{self, BitField, Identity, Register, ctrl, error_code, irq_status, status};

/// Word offsets are `addr[7:2]`: the block is 64 words.
const WORD_BITS: usize = 6;

/// Why a block cannot be built for this ABI or build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardRegsError {
    /// A field no longer matches the port it is wired to.
    #[error("{0} is {1} bits wide in the ABI but its port has {2}")]
    FieldWidth(&'static str, u8, usize),
    /// The block no longer fits the 8-bit AXI address.
    #[error("register block of {0:#x} bytes does not fit addr[7:2]")]
    BlockSize(u32),
    /// `CMD` is not one word per descriptor word.
    #[error("CMD has {0} words, the descriptor {1}")]
    CmdWords(u32, usize),
    /// The heartbeat prescaler is 16 bits.
    #[error("{0} clock cycles per microsecond is outside 1..=65536")]
    CyclesPerMicrosecond(u32),
}

/// The register block. Ports first; the rest is constants from the ABI and state.
#[derive(LogicBlock)]
pub struct CardRegs {
    /// The AXI clock (the XDMA IP's `axi_aclk`).
    pub clock: Signal<In, Clock>,
    /// Write address valid.
    pub awvalid: Signal<In, Bit>,
    /// Write address ready.
    pub awready: Signal<Out, Bit>,
    /// Write byte address in the block.
    pub awaddr: Signal<In, Bits<8>>,
    /// Write data valid.
    pub wvalid: Signal<In, Bit>,
    /// Write data ready.
    pub wready: Signal<Out, Bit>,
    /// Write data.
    pub wdata: Signal<In, Bits<32>>,
    /// Write strobes (ignored: the host writes whole words).
    pub wstrb: Signal<In, Bits<4>>,
    /// Write response valid.
    pub bvalid: Signal<Out, Bit>,
    /// Write response ready.
    pub bready: Signal<In, Bit>,
    /// Write response: always OKAY.
    pub bresp: Signal<Out, Bits<2>>,
    /// Read address valid.
    pub arvalid: Signal<In, Bit>,
    /// Read address ready.
    pub arready: Signal<Out, Bit>,
    /// Read byte address in the block.
    pub araddr: Signal<In, Bits<8>>,
    /// Read data valid.
    pub rvalid: Signal<Out, Bit>,
    /// Read data ready.
    pub rready: Signal<In, Bit>,
    /// Read data.
    pub rdata: Signal<Out, Bits<32>>,
    /// Read response: always OKAY.
    pub rresp: Signal<Out, Bits<2>>,

    /// One-cycle pulse: a doorbell on an idle card; `desc` and `doorbell_value` are valid
    /// from this cycle until the next pulse.
    pub doorbell: Signal<Out, Bit>,
    /// The value written to `DOORBELL` (the command's sequence number).
    pub doorbell_value: Signal<Out, Bits<32>>,
    /// The descriptor as `CMD` held when the doorbell rang. An array of 32-bit ports rather
    /// than one 512-bit bus: rust-hdl simulates `Bits<N>` above 32 bits bit by bit
    /// (`[bool; N]`), and the command processor reads descriptor words, not a bus.
    pub desc: [Signal<Out, Bits<32>>; WORDS],
    /// One-cycle pulse: `CTRL.SOFT_RESET` was written; abandon the running command.
    pub soft_reset: Signal<Out, Bit>,
    /// The command processor is busy (shown in `STATUS.BUSY`, refuses doorbells).
    pub busy: Signal<In, Bit>,
    /// One-cycle pulse: the command completed.
    pub done: Signal<In, Bit>,
    /// One-cycle pulse: the command failed (wins over `done`).
    pub error: Signal<In, Bit>,
    /// With `error`: the `CardError` code.
    pub error_code: Signal<In, Bits<8>>,
    /// With `error`: the descriptor word at fault.
    pub error_word: Signal<In, Bits<4>>,
    /// With `done`/`error`: the finished command's sequence number.
    pub completed_seq: Signal<In, Bits<32>>,
    /// With `done`/`error`: checksum of the input payload.
    pub payload_crc: Signal<In, Bits<32>>,
    /// With `done`/`error`: checksum of the result.
    pub result_crc: Signal<In, Bits<32>>,
    /// With `done`/`error`: bytes of the result.
    pub result_len: Signal<In, Bits<32>>,
    /// Twiddles and round constants are loaded for `tables_field`.
    pub tables_loaded: Signal<In, Bit>,
    /// The field (a `Field` code) whose tables are loaded.
    pub tables_field: Signal<In, Bits<4>>,
    /// Interrupt request, a level: `IRQ_ENABLE && (DONE || ERROR)`.
    pub irq: Signal<Out, Bit>,

    // Word offsets (byte offset / 4) from `regs`.
    o_id: Constant<Bits<WORD_BITS>>,
    o_abi: Constant<Bits<WORD_BITS>>,
    o_bs_lo: Constant<Bits<WORD_BITS>>,
    o_bs_hi: Constant<Bits<WORD_BITS>>,
    o_caps: Constant<Bits<WORD_BITS>>,
    o_limits: Constant<Bits<WORD_BITS>>,
    o_clock: Constant<Bits<WORD_BITS>>,
    o_mem: Constant<Bits<WORD_BITS>>,
    o_ctrl: Constant<Bits<WORD_BITS>>,
    o_status: Constant<Bits<WORD_BITS>>,
    o_error: Constant<Bits<WORD_BITS>>,
    o_irq: Constant<Bits<WORD_BITS>>,
    o_heartbeat: Constant<Bits<WORD_BITS>>,
    o_seq: Constant<Bits<WORD_BITS>>,
    o_payload: Constant<Bits<WORD_BITS>>,
    o_result_crc: Constant<Bits<WORD_BITS>>,
    o_result_len: Constant<Bits<WORD_BITS>>,
    o_doorbell: Constant<Bits<WORD_BITS>>,
    o_cmd: Constant<Bits<WORD_BITS>>,
    // Identity values.
    v_id: Constant<Bits<32>>,
    v_abi: Constant<Bits<32>>,
    v_bs_lo: Constant<Bits<32>>,
    v_bs_hi: Constant<Bits<32>>,
    v_caps: Constant<Bits<32>>,
    v_limits: Constant<Bits<32>>,
    v_clock: Constant<Bits<32>>,
    v_mem: Constant<Bits<32>>,
    // Bit positions of the fields the block composes (reads) ...
    s_busy: Constant<Bits<5>>,
    s_done: Constant<Bits<5>>,
    s_error: Constant<Bits<5>>,
    s_tables: Constant<Bits<5>>,
    s_code: Constant<Bits<5>>,
    s_word: Constant<Bits<5>>,
    s_field: Constant<Bits<5>>,
    s_irq_enable: Constant<Bits<5>>,
    s_pend_done: Constant<Bits<5>>,
    s_pend_error: Constant<Bits<5>>,
    // ... and masks of the one-bit fields it decodes (writes).
    m_soft_reset: Constant<Bits<32>>,
    m_irq_enable: Constant<Bits<32>>,
    m_pend_done: Constant<Bits<32>>,
    m_pend_error: Constant<Bits<32>>,
    /// `CardError::Busy`: the code of a refused doorbell.
    busy_code: Constant<Bits<8>>,
    /// `cycles_per_us − 1`: the heartbeat prescaler's last count.
    us_last: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,

    // Write address and data stages, and the write response.
    aw_full: DFF<Bit>,
    aw_word: DFF<Bits<WORD_BITS>>,
    w_full: DFF<Bit>,
    w_data: DFF<Bits<32>>,
    b_valid: DFF<Bit>,
    // Read response.
    r_valid: DFF<Bit>,
    r_data: DFF<Bits<32>>,
    // Register state.
    irq_enable: DFF<Bit>,
    pending: DFF<Bit>,
    done_flag: DFF<Bit>,
    error_flag: DFF<Bit>,
    code: DFF<Bits<8>>,
    word: DFF<Bits<4>>,
    seq: DFF<Bits<32>>,
    payload: DFF<Bits<32>>,
    res_crc: DFF<Bits<32>>,
    res_len: DFF<Bits<32>>,
    cmd: [DFF<Bits<32>>; WORDS],
    // To the command processor.
    desc_q: [DFF<Bits<32>>; WORDS],
    db_pulse: DFF<Bit>,
    db_value: DFF<Bits<32>>,
    soft_pulse: DFF<Bit>,
    // Heartbeat: edges within the current microsecond, and microseconds.
    prescale: DFF<Bits<16>>,
    heartbeat: DFF<Bits<31>>,

    // Write decode (the edge where the write acts).
    wr_go: Signal<Local, Bit>,
    wr_ctrl: Signal<Local, Bit>,
    wr_irq: Signal<Local, Bit>,
    wr_cmd: Signal<Local, Bits<WORDS>>,
    soft_now: Signal<Local, Bit>,
    ring: Signal<Local, Bit>,
    busy_now: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    refuse: Signal<Local, Bit>,
    finish: Signal<Local, Bit>,
    fail: Signal<Local, Bit>,
    // Read decode.
    rd_word: Signal<Local, Bits<WORD_BITS>>,
    rd_cmd_rel: Signal<Local, Bits<WORD_BITS>>,
    rd_cmd: Signal<Local, Bits<WORDS>>,
    wr_cmd_rel: Signal<Local, Bits<WORD_BITS>>,
    rd_mux: Signal<Local, Bits<32>>,
    status_word: Signal<Local, Bits<32>>,
    error_word_r: Signal<Local, Bits<32>>,
    field_shown: Signal<Local, Bits<4>>,
    pend_word: Signal<Local, Bits<32>>,
    ctrl_word: Signal<Local, Bits<32>>,
}

/// How a block is built: the identity it reports and its clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardRegsConfig {
    /// The build-dependent identity (`BITSTREAM_*`, `CAPS`, `LIMITS`, `CLOCK_KHZ`, `MEM_MIB`,
    /// `ABI_VERSION`).
    pub identity: Identity,
    /// AXI clock cycles per microsecond: the heartbeat's prescaler.
    pub cycles_per_us: u32,
}

fn word_of(r: &Register) -> Constant<Bits<WORD_BITS>> {
    Constant::new(u64::from(r.offset / 4).into())
}

fn lsb(f: &BitField) -> Constant<Bits<5>> {
    Constant::new(u64::from(f.lsb).into())
}

fn mask(f: &BitField) -> Constant<Bits<32>> {
    Constant::new(u64::from(f.mask()).into())
}

fn word32(v: u32) -> Constant<Bits<32>> {
    Constant::new(u64::from(v).into())
}

impl CardRegs {
    /// Cycles from a read's acceptance (`arvalid & arready` at an edge) to `rvalid`.
    pub const READ_LATENCY: usize = 1;

    /// The block for `config`, every offset and field position taken from the ABI.
    pub fn new(config: &CardRegsConfig) -> Result<Self, CardRegsError> {
        if regs::BLOCK_BYTES > 4 << WORD_BITS {
            return Err(CardRegsError::BlockSize(regs::BLOCK_BYTES));
        }
        if regs::CMD.count as usize != WORDS {
            return Err(CardRegsError::CmdWords(regs::CMD.count, WORDS));
        }
        if !(1..=1 << 16).contains(&config.cycles_per_us) {
            return Err(CardRegsError::CyclesPerMicrosecond(config.cycles_per_us));
        }
        for (f, port) in [(error_code::CODE, 8), (error_code::WORD, 4), (error_code::FIELD, 4)] {
            if usize::from(f.width) != port {
                return Err(CardRegsError::FieldWidth(f.name, f.width, port));
            }
        }
        for f in [status::BUSY, status::DONE, status::ERROR, status::TABLES_LOADED, ctrl::SOFT_RESET, ctrl::IRQ_ENABLE]
            .iter()
            .chain([irq_status::DONE, irq_status::ERROR].iter())
        {
            if f.width != 1 {
                return Err(CardRegsError::FieldWidth(f.name, f.width, 1));
            }
        }
        let id = &config.identity;
        let value = |r: &Register| word32(id.read(r.offset).expect("an identity register"));
        Ok(Self {
            clock: Default::default(),
            awvalid: Default::default(),
            awready: Default::default(),
            awaddr: Default::default(),
            wvalid: Default::default(),
            wready: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            bvalid: Default::default(),
            bready: Default::default(),
            bresp: Default::default(),
            arvalid: Default::default(),
            arready: Default::default(),
            araddr: Default::default(),
            rvalid: Default::default(),
            rready: Default::default(),
            rdata: Default::default(),
            rresp: Default::default(),
            doorbell: Default::default(),
            doorbell_value: Default::default(),
            desc: Default::default(),
            soft_reset: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            error: Default::default(),
            error_code: Default::default(),
            error_word: Default::default(),
            completed_seq: Default::default(),
            payload_crc: Default::default(),
            result_crc: Default::default(),
            result_len: Default::default(),
            tables_loaded: Default::default(),
            tables_field: Default::default(),
            irq: Default::default(),
            o_id: word_of(&regs::ID),
            o_abi: word_of(&regs::ABI_VERSION),
            o_bs_lo: word_of(&regs::BITSTREAM_LO),
            o_bs_hi: word_of(&regs::BITSTREAM_HI),
            o_caps: word_of(&regs::CAPS),
            o_limits: word_of(&regs::LIMITS),
            o_clock: word_of(&regs::CLOCK_KHZ),
            o_mem: word_of(&regs::MEM_MIB),
            o_ctrl: word_of(&regs::CTRL),
            o_status: word_of(&regs::STATUS),
            o_error: word_of(&regs::ERROR_CODE),
            o_irq: word_of(&regs::IRQ_STATUS),
            o_heartbeat: word_of(&regs::HEARTBEAT),
            o_seq: word_of(&regs::COMPLETED_SEQ),
            o_payload: word_of(&regs::PAYLOAD_CRC),
            o_result_crc: word_of(&regs::RESULT_CRC),
            o_result_len: word_of(&regs::RESULT_LEN),
            o_doorbell: word_of(&regs::DOORBELL),
            o_cmd: word_of(&regs::CMD),
            v_id: value(&regs::ID),
            v_abi: value(&regs::ABI_VERSION),
            v_bs_lo: value(&regs::BITSTREAM_LO),
            v_bs_hi: value(&regs::BITSTREAM_HI),
            v_caps: value(&regs::CAPS),
            v_limits: value(&regs::LIMITS),
            v_clock: value(&regs::CLOCK_KHZ),
            v_mem: value(&regs::MEM_MIB),
            s_busy: lsb(&status::BUSY),
            s_done: lsb(&status::DONE),
            s_error: lsb(&status::ERROR),
            s_tables: lsb(&status::TABLES_LOADED),
            s_code: lsb(&error_code::CODE),
            s_word: lsb(&error_code::WORD),
            s_field: lsb(&error_code::FIELD),
            s_irq_enable: lsb(&ctrl::IRQ_ENABLE),
            s_pend_done: lsb(&irq_status::DONE),
            s_pend_error: lsb(&irq_status::ERROR),
            m_soft_reset: mask(&ctrl::SOFT_RESET),
            m_irq_enable: mask(&ctrl::IRQ_ENABLE),
            m_pend_done: mask(&irq_status::DONE),
            m_pend_error: mask(&irq_status::ERROR),
            busy_code: Constant::new(u64::from(slotproof_firmware::CardError::Busy as u8).into()),
            us_last: Constant::new(u64::from(config.cycles_per_us - 1).into()),
            one16: Constant::new(1u64.into()),
            aw_full: Default::default(),
            aw_word: Default::default(),
            w_full: Default::default(),
            w_data: Default::default(),
            b_valid: Default::default(),
            r_valid: Default::default(),
            r_data: Default::default(),
            irq_enable: Default::default(),
            pending: Default::default(),
            done_flag: Default::default(),
            error_flag: Default::default(),
            code: Default::default(),
            word: Default::default(),
            seq: Default::default(),
            payload: Default::default(),
            res_crc: Default::default(),
            res_len: Default::default(),
            cmd: Default::default(),
            desc_q: Default::default(),
            db_pulse: Default::default(),
            db_value: Default::default(),
            soft_pulse: Default::default(),
            prescale: Default::default(),
            heartbeat: Default::default(),
            wr_go: Default::default(),
            wr_ctrl: Default::default(),
            wr_irq: Default::default(),
            wr_cmd: Default::default(),
            soft_now: Default::default(),
            ring: Default::default(),
            busy_now: Default::default(),
            accept: Default::default(),
            refuse: Default::default(),
            finish: Default::default(),
            fail: Default::default(),
            rd_word: Default::default(),
            rd_cmd_rel: Default::default(),
            rd_cmd: Default::default(),
            wr_cmd_rel: Default::default(),
            rd_mux: Default::default(),
            status_word: Default::default(),
            error_word_r: Default::default(),
            field_shown: Default::default(),
            pend_word: Default::default(),
            ctrl_word: Default::default(),
        })
    }
}

impl Logic for CardRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, aw_full, aw_word, w_full, w_data, b_valid, r_valid, r_data, irq_enable, pending, done_flag,
            error_flag, code, word, seq, payload, res_crc, res_len, db_pulse, db_value, soft_pulse, prescale,
            heartbeat
        );
        for i in 0..16 {
            self.cmd[i].clock.next = self.clock.val();
            self.cmd[i].d.next = self.cmd[i].q.val();
            self.desc_q[i].clock.next = self.clock.val();
            self.desc_q[i].d.next = self.desc_q[i].q.val();
            self.desc[i].next = self.desc_q[i].q.val();
        }

        // Ports that are registers.
        self.awready.next = !self.aw_full.q.val();
        self.wready.next = !self.w_full.q.val();
        self.bvalid.next = self.b_valid.q.val();
        self.bresp.next = 0.into();
        self.arready.next = !self.r_valid.q.val();
        self.rvalid.next = self.r_valid.q.val();
        self.rdata.next = self.r_data.q.val();
        self.rresp.next = 0.into();
        self.doorbell.next = self.db_pulse.q.val();
        self.doorbell_value.next = self.db_value.q.val();
        self.soft_reset.next = self.soft_pulse.q.val();
        self.irq.next = self.irq_enable.q.val() & (self.done_flag.q.val() | self.error_flag.q.val());

        // Heartbeat.
        if self.prescale.q.val() == self.us_last.val() {
            self.prescale.d.next = 0.into();
            self.heartbeat.d.next = self.heartbeat.q.val() + 1;
        } else {
            self.prescale.d.next = self.prescale.q.val() + 1;
        }

        // Read stage: the address decoded, the word registered at acceptance.
        self.rd_word.next = self.araddr.val().get_bits::<WORD_BITS>(2);
        self.rd_cmd_rel.next = self.rd_word.val() - self.o_cmd.val();
        // `rel` wraps above 16 below `CMD` as long as `CMD` ends inside the block.
        self.rd_cmd.next = 0.into();
        if self.rd_cmd_rel.val() < 16 {
            self.rd_cmd.next = bit_cast::<16, 16>(self.one16.val() << self.rd_cmd_rel.val());
        }
        self.status_word.next = (bit_cast::<32, 1>((self.pending.q.val() | self.busy.val()).into())
            << self.s_busy.val())
            | (bit_cast::<32, 1>(self.done_flag.q.val().into()) << self.s_done.val())
            | (bit_cast::<32, 1>(self.error_flag.q.val().into()) << self.s_error.val())
            | (bit_cast::<32, 1>(self.tables_loaded.val().into()) << self.s_tables.val());
        self.field_shown.next = 0.into();
        if self.tables_loaded.val() {
            self.field_shown.next = self.tables_field.val();
        }
        self.error_word_r.next = (bit_cast::<32, 8>(self.code.q.val()) << self.s_code.val())
            | (bit_cast::<32, 4>(self.word.q.val()) << self.s_word.val())
            | (bit_cast::<32, 4>(self.field_shown.val()) << self.s_field.val());
        self.pend_word.next = (bit_cast::<32, 1>(self.done_flag.q.val().into()) << self.s_pend_done.val())
            | (bit_cast::<32, 1>(self.error_flag.q.val().into()) << self.s_pend_error.val());
        self.ctrl_word.next = bit_cast::<32, 1>(self.irq_enable.q.val().into()) << self.s_irq_enable.val();
        self.rd_mux.next = 0.into();
        if self.rd_word.val() == self.o_id.val() {
            self.rd_mux.next = self.v_id.val();
        }
        if self.rd_word.val() == self.o_abi.val() {
            self.rd_mux.next = self.v_abi.val();
        }
        if self.rd_word.val() == self.o_bs_lo.val() {
            self.rd_mux.next = self.v_bs_lo.val();
        }
        if self.rd_word.val() == self.o_bs_hi.val() {
            self.rd_mux.next = self.v_bs_hi.val();
        }
        if self.rd_word.val() == self.o_caps.val() {
            self.rd_mux.next = self.v_caps.val();
        }
        if self.rd_word.val() == self.o_limits.val() {
            self.rd_mux.next = self.v_limits.val();
        }
        if self.rd_word.val() == self.o_clock.val() {
            self.rd_mux.next = self.v_clock.val();
        }
        if self.rd_word.val() == self.o_mem.val() {
            self.rd_mux.next = self.v_mem.val();
        }
        if self.rd_word.val() == self.o_ctrl.val() {
            self.rd_mux.next = self.ctrl_word.val();
        }
        if self.rd_word.val() == self.o_status.val() {
            self.rd_mux.next = self.status_word.val();
        }
        if self.rd_word.val() == self.o_error.val() {
            self.rd_mux.next = self.error_word_r.val();
        }
        if self.rd_word.val() == self.o_irq.val() {
            self.rd_mux.next = self.pend_word.val();
        }
        if self.rd_word.val() == self.o_heartbeat.val() {
            self.rd_mux.next = bit_cast::<32, 31>(self.heartbeat.q.val());
        }
        if self.rd_word.val() == self.o_seq.val() {
            self.rd_mux.next = self.seq.q.val();
        }
        if self.rd_word.val() == self.o_payload.val() {
            self.rd_mux.next = self.payload.q.val();
        }
        if self.rd_word.val() == self.o_result_crc.val() {
            self.rd_mux.next = self.res_crc.q.val();
        }
        if self.rd_word.val() == self.o_result_len.val() {
            self.rd_mux.next = self.res_len.q.val();
        }
        for i in 0..16 {
            if self.rd_cmd.val().get_bit(i) {
                self.rd_mux.next = self.cmd[i].q.val();
            }
        }
        if self.r_valid.q.val() {
            if self.rready.val() {
                self.r_valid.d.next = false;
            }
        } else if self.arvalid.val() {
            self.r_valid.d.next = true;
            self.r_data.d.next = self.rd_mux.val();
        }

        // Write stages: address and data accepted independently, one of each.
        if self.awvalid.val() & !self.aw_full.q.val() {
            self.aw_full.d.next = true;
            self.aw_word.d.next = self.awaddr.val().get_bits::<WORD_BITS>(2);
        }
        if self.wvalid.val() & !self.w_full.q.val() {
            self.w_full.d.next = true;
            self.w_data.d.next = self.wdata.val();
        }
        if self.b_valid.q.val() & self.bready.val() {
            self.b_valid.d.next = false;
        }
        self.wr_go.next = self.aw_full.q.val() & self.w_full.q.val() & !self.b_valid.q.val();
        if self.wr_go.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.b_valid.d.next = true;
        }
        self.wr_ctrl.next = self.wr_go.val() & (self.aw_word.q.val() == self.o_ctrl.val());
        self.wr_irq.next = self.wr_go.val() & (self.aw_word.q.val() == self.o_irq.val());
        self.ring.next = self.wr_go.val() & (self.aw_word.q.val() == self.o_doorbell.val());
        self.wr_cmd_rel.next = self.aw_word.q.val() - self.o_cmd.val();
        self.wr_cmd.next = 0.into();
        if self.wr_go.val() & (self.wr_cmd_rel.val() < 16) {
            self.wr_cmd.next = bit_cast::<16, 16>(self.one16.val() << self.wr_cmd_rel.val());
        }
        for i in 0..16 {
            if self.wr_cmd.val().get_bit(i) {
                self.cmd[i].d.next = self.w_data.q.val();
            }
        }
        self.soft_now.next = self.wr_ctrl.val() & (self.w_data.q.val() & self.m_soft_reset.val()).any();
        if self.wr_ctrl.val() {
            self.irq_enable.d.next = (self.w_data.q.val() & self.m_irq_enable.val()).any();
        }
        self.busy_now.next = self.pending.q.val() | self.busy.val();
        self.accept.next = self.ring.val() & !self.busy_now.val();
        self.refuse.next = self.ring.val() & self.busy_now.val();
        self.soft_pulse.d.next = self.soft_now.val();
        self.db_pulse.d.next = self.accept.val();
        if self.accept.val() {
            self.db_value.d.next = self.w_data.q.val();
            for i in 0..16 {
                self.desc_q[i].d.next = self.cmd[i].q.val();
            }
        }

        // Flags, in the model's order: the write, then the completion (dropped by a soft reset).
        self.finish.next = (self.done.val() | self.error.val()) & !self.soft_now.val();
        self.fail.next = self.error.val() & !self.soft_now.val();
        if self.soft_now.val() {
            self.pending.d.next = false;
            self.done_flag.d.next = false;
            self.error_flag.d.next = false;
            self.code.d.next = 0.into();
            self.word.d.next = 0.into();
            self.seq.d.next = 0.into();
            self.payload.d.next = 0.into();
            self.res_crc.d.next = 0.into();
            self.res_len.d.next = 0.into();
        }
        if self.wr_irq.val() {
            if (self.w_data.q.val() & self.m_pend_done.val()).any() {
                self.done_flag.d.next = false;
            }
            if (self.w_data.q.val() & self.m_pend_error.val()).any() {
                self.error_flag.d.next = false;
            }
        }
        if self.accept.val() {
            self.pending.d.next = true;
        }
        if self.refuse.val() {
            self.error_flag.d.next = true;
            self.code.d.next = self.busy_code.val();
            self.word.d.next = 0.into();
        }
        if self.finish.val() {
            self.pending.d.next = false;
            self.seq.d.next = self.completed_seq.val();
            self.payload.d.next = self.payload_crc.val();
            self.res_crc.d.next = self.result_crc.val();
            self.res_len.d.next = self.result_len.val();
            if self.fail.val() {
                self.error_flag.d.next = true;
                self.code.d.next = self.error_code.val();
                self.word.d.next = self.error_word.val();
            } else {
                self.done_flag.d.next = true;
                self.code.d.next = 0.into();
                self.word.d.next = 0.into();
            }
        }
    }
}
