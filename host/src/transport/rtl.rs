//! The card's RTL as a [`Transport`] (hardware in the loop): the registers are the emitted
//! Verilog of the card top level (`CardTop`) for a board's committed build, verilated and
//! driven over AXI4-Lite one transaction at a time ([`AxiLiteSession`]), so the unchanged
//! host driver runs against the logic that goes into the bitstream, not against a model of
//! it. Card memory: a top with the card memory master port (`mem_arvalid` ...) gets the
//! harness's memory ([`MemoryModel`]), which the RTL reads and writes cycle by cycle and DMA
//! fills and drains; a top without it (the CAPS = 0 card, which never reads memory) keeps a
//! behavioural memory on this side, so DMA only has to keep bytes faithfully. Either way
//! DMA has the bounds errors of the simulated transport.
//!
//! Every command rung through the doorbell is timed on the card's own clock, from the
//! doorbell write to the edge its completion raised `irq` ([`RtlTransport::command_cycles`]):
//! the figures the device model's timing of the executing card is held to.
//!
//! Time is simulated time. [`Transport::wait_irq`] runs the model, in chunks, until `irq`
//! rises or the timeout has passed in *simulated* cycles at the board's clock: a wait costs
//! what it would on the card in card time, and the wall time it takes is Verilator's speed.

use std::sync::Mutex;
use std::time::Duration;

use slotproof_firmware::command::WORDS;
use slotproof_firmware::regs::{self, BLOCK_BYTES};
use slotproof_firmware::{Command, Field};
use slotproof_hdl::bitstream::build::{card_top_config, sources};
use slotproof_hdl::bitstream::{Board, BuildError};
use slotproof_hdl::card::ExecCardTop;
use slotproof_hdl::catalog::{EXEC_MAX_LOG_LDE, exec_card_top_config};
use slotproof_hdl::eda::{
    AxiLiteHarness, AxiLiteSession, EdaError, MemoryModel, SessionStats, has_card_memory_port, verilog_of,
};
use slotproof_sim::device::{CardMemory, SparseMemory};

use super::inproc::{SIM_CHANNELS, check_channel, check_reg};
use super::{DeviceInfo, Transport, XferError};

/// Cycles [`Transport::wait_irq`] runs per request to the model, so a long wait stays a
/// series of short ones.
pub const IRQ_CHUNK_CYCLES: u64 = 1 << 16;

/// Why an RTL card could not be built or started.
#[derive(Debug, thiserror::Error)]
pub enum RtlError {
    /// The board's Verilog could not be generated.
    #[error("card top of board {board}: {source}")]
    Build {
        /// The board.
        board: &'static str,
        /// Why.
        source: BuildError,
    },
    /// The executing card cannot be built or verilated for this field.
    #[error("executing card for {field:?}: {reason}")]
    Exec {
        /// The field.
        field: Field,
        /// Why.
        reason: String,
    },
    /// Verilator (or the model it built) failed.
    #[error("verilated card top of board {board}: {source}")]
    Eda {
        /// The board.
        board: &'static str,
        /// Why.
        source: EdaError,
    },
}

/// A board's card top, verilated once; each [`RtlCard::transport`] starts a fresh card.
pub struct RtlCard {
    harness: AxiLiteHarness,
    name: String,
    clock_hz: f64,
    mem_bytes: u64,
}

impl RtlCard {
    /// Builds the card top Verilog of `board`'s committed build (the executing card, with the
    /// build ID its recipe's sources give) and verilates it with a behavioural card memory of
    /// the board's size behind its master port: minutes. The device is named `rtl-<board>`.
    pub fn card_top(board: &'static Board) -> Result<Self, RtlError> {
        let src = sources(board).map_err(|source| RtlError::Build { board: board.id, source })?;
        let config = card_top_config(board, src.bitstream_id);
        Self::from_verilog(
            &format!("rtl-{}", board.id),
            &src.core_as_top,
            board.axi_clock_hz,
            config.admission.mem_bytes,
        )
        .map_err(|source| RtlError::Eda { board: board.id, source })
    }

    /// Builds the executing card (`ExecCardTop`, the card that runs commands) for `field`
    /// with the report's configuration (`exec_card_top_config`) and verilates it: minutes,
    /// the permutation is large. The device is named `rtl-exec-<field>`.
    pub fn executing(field: Field) -> Result<Self, RtlError> {
        let config = exec_card_top_config(field);
        let name = format!("rtl-exec-{}", slotproof_hdl::card::field_id(field));
        let top = ExecCardTop::new(&config, field, EXEC_MAX_LOG_LDE)
            .map_err(|e| RtlError::Exec { field, reason: e.to_string() })?;
        Self::from_verilog(&name, &verilog_of(top), config.regs.identity.clock_hz, config.admission.mem_bytes)
            .map_err(|e| RtlError::Exec { field, reason: e.to_string() })
    }

    /// Verilates a card top given as Verilog (top module `top`, the card top's AXI4-Lite
    /// and `irq` ports), running at `clock_hz` with `mem_bytes` of card memory: in the
    /// harness when the top has the card memory master port, on this side when it has
    /// not. For tops other than a board's committed one (the next card top, test tops).
    pub fn from_verilog(name: &str, verilog: &str, clock_hz: f64, mem_bytes: u64) -> Result<Self, EdaError> {
        let harness = if has_card_memory_port(verilog) {
            AxiLiteHarness::build_with_memory(name, verilog, MemoryModel::new(mem_bytes))?
        } else {
            AxiLiteHarness::build(name, verilog)?
        };
        Ok(Self { harness, name: name.into(), clock_hz, mem_bytes })
    }

    /// Whether the card's memory is the harness's, behind the RTL's master port.
    pub fn has_memory_port(&self) -> bool {
        self.harness.memory().is_some()
    }

    /// A transport to a freshly started card (reset state, cycle 0, empty memory).
    pub fn transport(&self) -> Result<RtlTransport, EdaError> {
        let mem = match self.harness.memory() {
            Some(_) => CardMem::Harness,
            None => CardMem::Behavioural(SparseMemory::new(self.mem_bytes)),
        };
        Ok(RtlTransport {
            session: self.harness.start()?,
            mem,
            timed: Mutex::new(CommandTimer::default()),
            clock_hz: self.clock_hz,
            info: DeviceInfo {
                name: self.name.clone(),
                h2c_channels: SIM_CHANNELS,
                c2h_channels: SIM_CHANNELS,
                bar_len: u64::from(BLOCK_BYTES),
                mem_len: Some(self.mem_bytes),
            },
        })
    }
}

/// Where a [`RtlTransport`]'s DMA goes.
enum CardMem {
    /// The harness's memory, the one the RTL's master port reads and writes.
    Harness,
    /// A memory on this side, for a top without the master port.
    Behavioural(SparseMemory),
}

/// One command as the RTL ran it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandCycles {
    /// The descriptor, as the doorbell found it in `CMD`.
    pub cmd: Command,
    /// Card cycles from the end of the doorbell write to the edge at which `irq` rose.
    pub cycles: u64,
}

/// The descriptor words as written, the command in flight and the ones finished.
#[derive(Default)]
struct CommandTimer {
    words: [u32; WORDS],
    /// The command rung and the cycle count after its doorbell write.
    pending: Option<(Command, u64)>,
    done: Vec<CommandCycles>,
}

/// A transport to a verilated card top (see the module documentation).
pub struct RtlTransport {
    session: AxiLiteSession,
    mem: CardMem,
    timed: Mutex<CommandTimer>,
    clock_hz: f64,
    info: DeviceInfo,
}

impl RtlTransport {
    /// Builds and starts the card top of `board` ([`RtlCard::card_top`]).
    pub fn card_top(board: &'static Board) -> Result<Self, RtlError> {
        let card = RtlCard::card_top(board)?;
        card.transport().map_err(|source| RtlError::Eda { board: board.id, source })
    }

    /// Rising edges simulated so far.
    pub fn cycles(&self) -> u64 {
        self.session.cycles()
    }

    /// Cycles, register transactions, card memory counters and wall time spent in the
    /// model so far.
    pub fn stats(&self) -> SessionStats {
        self.session.stats()
    }

    /// Every command completed so far with its cycles, in doorbell order. A descriptor that
    /// does not decode (the card refuses it) is not timed.
    pub fn command_cycles(&self) -> Result<Vec<CommandCycles>, XferError> {
        self.settle_timer()?;
        Ok(self.timed.lock().unwrap_or_else(|e| e.into_inner()).done.clone())
    }

    /// Notes a register write: a descriptor word, or the doorbell (which starts the clock).
    fn note_write(&self, offset: u32, value: u32) {
        let mut t = self.timed.lock().unwrap_or_else(|e| e.into_inner());
        if (regs::CMD.offset..regs::CMD.at(regs::CMD.count)).contains(&offset) {
            t.words[((offset - regs::CMD.offset) / 4) as usize] = value;
        } else if offset == regs::DOORBELL.offset {
            let cmd = Command::decode(&t.words).ok().map(|cmd| Command { seq: value, ..cmd });
            t.pending = cmd.map(|cmd| (cmd, self.session.cycles()));
        }
    }

    /// Closes the command in flight once `irq` has risen after its doorbell.
    fn settle_timer(&self) -> Result<(), XferError> {
        let mut t = self.timed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((cmd, rung)) = t.pending {
            let rose = self.session.irq_rose_at().map_err(|e| self.model("irq edge query".into(), e))?;
            if let Some(at) = rose.filter(|&at| at > rung) {
                let cycles = at - rung;
                log::info!("{}: {}", self.info.name, self.describe(&cmd, cycles));
                t.done.push(CommandCycles { cmd, cycles });
                t.pending = None;
            }
        }
        Ok(())
    }

    /// A timed command for the log: its cycles, their time at the card's clock, and what the
    /// executing card's timing model counts for it.
    fn describe(&self, cmd: &Command, cycles: u64) -> String {
        let model = self.session.memory().and_then(|m| {
            slotproof_hdl::card::Executor::cycles_estimate(cmd, m.read_latency.into(), m.write_latency.into())
        });
        format!(
            "{} 2^{} x {} (blowup 2^{}): {cycles} cycles, {:.3} ms at {:.0} MHz; the timing model counts {}",
            cmd.opcode.mnemonic(),
            cmd.log_rows,
            cmd.cols,
            cmd.log_blowup,
            cycles as f64 / self.clock_hz * 1e3,
            self.clock_hz / 1e6,
            model.map_or("nothing (this card refuses it)".to_string(), |m| m.to_string()),
        )
    }

    fn out_of_memory(&self, addr: u64, len: usize) -> XferError {
        XferError::OutOfRange { offset: addr, len: len as u64, limit: self.mem_bytes(), what: "card memory" }
    }

    /// The range checked before it reaches either memory, so both refuse alike.
    fn check_memory(&self, addr: u64, len: usize) -> Result<(), XferError> {
        match addr.checked_add(len as u64) {
            Some(end) if end <= self.mem_bytes() => Ok(()),
            _ => Err(self.out_of_memory(addr, len)),
        }
    }

    fn mem_bytes(&self) -> u64 {
        self.info.mem_len.unwrap_or(0)
    }

    fn model(&self, what: String, e: EdaError) -> XferError {
        XferError::Io { what: format!("{} {what}", self.info.name), source: std::io::Error::other(e.to_string()) }
    }
}

impl Transport for RtlTransport {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), XferError> {
        check_channel("h2c", channel)?;
        self.check_memory(addr, src.len())?;
        match &self.mem {
            CardMem::Harness => self
                .session
                .mem_write(addr, src)
                .map_err(|e| self.model(format!("DMA of {} bytes to {addr:#x}", src.len()), e)),
            CardMem::Behavioural(mem) => mem.write(addr, src).map_err(|_| self.out_of_memory(addr, src.len())),
        }
    }

    fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), XferError> {
        check_channel("c2h", channel)?;
        let len = dst.len();
        self.check_memory(addr, len)?;
        match &self.mem {
            CardMem::Harness => {
                let got = self
                    .session
                    .mem_read(addr, len)
                    .map_err(|e| self.model(format!("DMA of {len} bytes from {addr:#x}"), e))?;
                dst.copy_from_slice(&got);
                Ok(())
            }
            CardMem::Behavioural(mem) => mem.read(addr, dst).map_err(|_| self.out_of_memory(addr, len)),
        }
    }

    fn read32(&self, offset: u64) -> Result<u32, XferError> {
        let off = check_reg(self.info.bar_len, offset)?;
        // The host looks for a completion: a command it may find finished is closed first.
        if off == regs::STATUS.offset || off == regs::COMPLETED_SEQ.offset {
            self.settle_timer()?;
        }
        match self.session.read32(off).map_err(|e| self.model(format!("register read at {offset:#x}"), e))? {
            u32::MAX => Err(XferError::DeviceLost { offset }),
            v => Ok(v),
        }
    }

    fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        let off = check_reg(self.info.bar_len, offset)?;
        // The last edge `irq` rose at is the command in flight's until the next is rung.
        if off == regs::DOORBELL.offset {
            self.settle_timer()?;
        }
        self.session.write32(off, value).map_err(|e| self.model(format!("register write at {offset:#x}"), e))?;
        self.note_write(off, value);
        Ok(())
    }

    fn wait_irq(&self, vector: usize, timeout: Duration) -> Result<bool, XferError> {
        if vector != 0 {
            return Err(XferError::NoChannel { dir: "events", channel: vector, available: 1 });
        }
        let what = || format!("wait for irq 0 ({timeout:?} simulated)");
        let mut left = (timeout.as_secs_f64() * self.clock_hz).ceil() as u64;
        loop {
            let chunk = left.min(IRQ_CHUNK_CYCLES);
            let ran = self.session.run_until_irq(chunk).map_err(|e| self.model(what(), e))?;
            if ran < chunk {
                return Ok(true);
            }
            left -= chunk;
            if left == 0 {
                return self.session.irq().map_err(|e| self.model(what(), e));
            }
        }
    }
}
