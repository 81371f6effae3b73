//! The user-BAR register block's behaviour, in one place: what each register of
//! `slotproof_firmware::regs` reads as and what a write to it does.
//!
//! [`RegisterFile`] is plain state without threads or clocks of its own beyond the
//! heartbeat's start instant: [`crate::device::SimCard`] wraps it in a lock and runs the
//! doorbelled commands on a worker, and a host test harness can instead mirror it into a
//! memory-mapped file from a servicer thread. A doorbell hands the latched descriptor out
//! ([`Doorbell`]); the command's outcome comes back through [`RegisterFile::complete`].

use std::time::Instant;

use slotproof_firmware::regs::{self, Identity, caps, ctrl, error_code, irq_status, status};
use slotproof_firmware::{CardError, Field, command::WORDS};

use super::card::CardConfig;
use super::executor::Completion;

/// A command the host rang the doorbell for: the descriptor as latched at that moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doorbell {
    /// The 16 descriptor words.
    pub words: [u32; WORDS],
    /// The value written to `DOORBELL` (must equal the descriptor's sequence number).
    pub value: u32,
    /// The reset epoch the command belongs to: a completion from before a soft reset is
    /// dropped, because the host abandoned that command.
    pub epoch: u64,
}

/// The register block's state and semantics.
#[derive(Clone, Debug)]
pub struct RegisterFile {
    identity: Identity,
    irq_enable: bool,
    busy: bool,
    done: bool,
    error: bool,
    code: u8,
    word: u8,
    tables: Option<Field>,
    completed_seq: u32,
    payload_crc: u32,
    result_crc: u32,
    result_len: u32,
    cmd: [u32; WORDS],
    epoch: u64,
    started: Instant,
    frozen: Option<u32>,
    event: bool,
}

impl RegisterFile {
    /// The register block of a card built as `config` says, just after reset.
    pub fn new(config: &CardConfig) -> Self {
        Self {
            identity: config.identity(),
            irq_enable: false,
            busy: false,
            done: false,
            error: false,
            code: 0,
            word: 0,
            tables: None,
            completed_seq: 0,
            payload_crc: 0,
            result_crc: 0,
            result_len: 0,
            cmd: [0; WORDS],
            epoch: 0,
            started: Instant::now(),
            frozen: None,
            event: false,
        }
    }

    /// The 31-bit heartbeat: microseconds since the card came up, or the value it stopped at.
    pub fn heartbeat(&self) -> u32 {
        self.frozen.unwrap_or_else(|| (self.started.elapsed().as_micros() as u64 & 0x7fff_ffff) as u32)
    }

    /// Stops the heartbeat and the command processor: the card is hung. Registers still
    /// read (the PCIe endpoint lives on) but writes no longer do anything.
    pub fn freeze(&mut self) {
        if self.frozen.is_none() {
            self.frozen = Some(self.heartbeat());
        }
    }

    /// Whether the card is hung.
    pub fn is_hung(&self) -> bool {
        self.frozen.is_some()
    }

    /// Whether a command is running.
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The current reset epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Records which field's tables are loaded (shown in `STATUS.TABLES_LOADED` and
    /// `ERROR_CODE.FIELD`).
    pub fn set_tables(&mut self, field: Option<Field>) {
        self.tables = field;
    }

    /// Takes the pending event 0, if one was raised since the last call.
    pub fn take_event(&mut self) -> bool {
        std::mem::take(&mut self.event)
    }

    fn status(&self) -> u32 {
        status::BUSY.bits(u32::from(self.busy))
            | status::DONE.bits(u32::from(self.done))
            | status::ERROR.bits(u32::from(self.error))
            | status::TABLES_LOADED.bits(u32::from(self.tables.is_some()))
    }

    /// Reads the register at byte offset `off`. Offsets outside the block, unaligned or
    /// between registers read 0, as do write-only registers.
    pub fn read(&self, off: u32) -> u32 {
        if !off.is_multiple_of(4) {
            return 0;
        }
        if let Some(v) = self.identity.read(off) {
            return v;
        }
        match off {
            o if o == regs::CTRL.offset => ctrl::IRQ_ENABLE.bits(u32::from(self.irq_enable)),
            o if o == regs::STATUS.offset => self.status(),
            o if o == regs::ERROR_CODE.offset => {
                error_code::CODE.bits(u32::from(self.code))
                    | error_code::WORD.bits(u32::from(self.word))
                    | error_code::FIELD.bits(self.tables.map_or(0, |f| f as u32))
            }
            o if o == regs::IRQ_STATUS.offset => {
                irq_status::DONE.bits(u32::from(self.done)) | irq_status::ERROR.bits(u32::from(self.error))
            }
            o if o == regs::HEARTBEAT.offset => self.heartbeat(),
            o if o == regs::COMPLETED_SEQ.offset => self.completed_seq,
            o if o == regs::PAYLOAD_CRC.offset => self.payload_crc,
            o if o == regs::RESULT_CRC.offset => self.result_crc,
            o if o == regs::RESULT_LEN.offset => self.result_len,
            o if (regs::CMD.offset..regs::CMD.offset + regs::CMD.span()).contains(&o) => {
                self.cmd[((o - regs::CMD.offset) / 4) as usize]
            }
            _ => 0,
        }
    }

    /// Writes `value` to the register at `off`. Returns the command to run when the write
    /// rang the doorbell of an idle card.
    pub fn write(&mut self, off: u32, value: u32) -> Option<Doorbell> {
        if !off.is_multiple_of(4) || self.is_hung() {
            return None;
        }
        match off {
            o if o == regs::CTRL.offset => {
                self.irq_enable = ctrl::IRQ_ENABLE.is_set(value);
                if ctrl::SOFT_RESET.is_set(value) {
                    self.soft_reset();
                }
            }
            o if o == regs::IRQ_STATUS.offset => {
                if irq_status::DONE.is_set(value) {
                    self.done = false;
                }
                if irq_status::ERROR.is_set(value) {
                    self.error = false;
                }
            }
            o if o == regs::DOORBELL.offset => return self.doorbell(value),
            o if (regs::CMD.offset..regs::CMD.offset + regs::CMD.span()).contains(&o) => {
                self.cmd[((o - regs::CMD.offset) / 4) as usize] = value;
            }
            _ => {}
        }
        None
    }

    fn soft_reset(&mut self) {
        log::debug!("soft reset (epoch {} -> {})", self.epoch, self.epoch + 1);
        self.epoch += 1;
        self.busy = false;
        self.done = false;
        self.error = false;
        self.code = 0;
        self.word = 0;
        self.completed_seq = 0;
        self.payload_crc = 0;
        self.result_crc = 0;
        self.result_len = 0;
        self.event = false;
    }

    fn doorbell(&mut self, value: u32) -> Option<Doorbell> {
        if self.busy {
            // The running command keeps going; only the refusal is reported.
            log::debug!("doorbell {value} while busy: refused");
            self.error = true;
            self.code = CardError::Busy as u8;
            self.word = 0;
            self.raise();
            return None;
        }
        self.busy = true;
        Some(Doorbell { words: self.cmd, value, epoch: self.epoch })
    }

    fn raise(&mut self) {
        if self.irq_enable {
            self.event = true;
        }
    }

    /// Applies a finished command's outcome: clears `BUSY`, sets `DONE` or `ERROR` and the
    /// echo registers, and raises event 0 unless `raise_irq` is false (a lost interrupt).
    /// Returns false (and changes nothing) when the command belongs to an epoch the host
    /// abandoned with a soft reset, or the card is hung.
    pub fn complete(&mut self, epoch: u64, c: &Completion, raise_irq: bool) -> bool {
        if epoch != self.epoch || self.is_hung() {
            return false;
        }
        self.busy = false;
        self.completed_seq = c.seq;
        self.payload_crc = c.payload_crc;
        self.result_crc = c.result_crc;
        self.result_len = c.result_len;
        match c.error {
            Some((e, word)) => {
                self.error = true;
                self.code = e as u8;
                self.word = word;
            }
            None => {
                self.done = true;
                self.code = 0;
                self.word = 0;
            }
        }
        if raise_irq {
            self.raise();
        }
        true
    }

    /// Whether a capability bit is present (for callers that check before running).
    pub fn has_cap(&self, cap: slotproof_firmware::regs::BitField) -> bool {
        cap.is_set(self.identity.caps)
    }
}

/// Every capability bit set: what a full bitstream reports.
pub fn all_caps() -> u32 {
    caps::ALL.iter().fold(0, |acc, f| acc | f.mask())
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_firmware::CARD_ID;
    use slotproof_firmware::regs::limits;
    use std::time::Duration;

    fn rf() -> RegisterFile {
        RegisterFile::new(&CardConfig::default())
    }

    #[test]
    fn identity_and_unknown_offsets() {
        let r = rf();
        assert_eq!(r.read(regs::ID.offset), CARD_ID);
        assert_eq!(r.read(regs::ABI_VERSION.offset), slotproof_firmware::ABI_VERSION.to_reg());
        assert_eq!(r.read(regs::DOORBELL.offset), 0);
        assert_eq!(r.read(0xF0), 0);
        assert_eq!(r.read(0x1000), 0);
        assert_eq!(r.read(2), 0);
        assert_eq!(limits::MAX_LOG_LDE_ROWS.get(r.read(regs::LIMITS.offset)), 24);
    }

    #[test]
    fn doorbell_busy_complete_w1c_and_reset() {
        let mut r = rf();
        r.write(regs::CTRL.offset, ctrl::IRQ_ENABLE.bits(1));
        r.write(regs::CMD.at(1), 7);
        r.write(regs::ID.offset, 1);
        assert_eq!(r.read(regs::ID.offset), CARD_ID);
        let d = r.write(regs::DOORBELL.offset, 7).expect("idle card runs it");
        assert_eq!(d.words[1], 7);
        assert!(status::BUSY.is_set(r.read(regs::STATUS.offset)));
        assert!(r.write(regs::DOORBELL.offset, 8).is_none());
        assert_eq!(error_code::CODE.get(r.read(regs::ERROR_CODE.offset)), CardError::Busy as u32);
        assert!(r.take_event());
        r.write(regs::IRQ_STATUS.offset, irq_status::ERROR.bits(1));
        let c =
            Completion { seq: 7, error: None, payload_crc: 1, result_crc: 2, result_len: 3, modelled: Duration::ZERO };
        assert!(r.complete(d.epoch, &c, true));
        let s = r.read(regs::STATUS.offset);
        assert!(!status::BUSY.is_set(s) && status::DONE.is_set(s) && !status::ERROR.is_set(s));
        assert_eq!(r.read(regs::COMPLETED_SEQ.offset), 7);
        assert!(r.take_event());
        r.write(regs::IRQ_STATUS.offset, irq_status::DONE.bits(1));
        assert!(!status::DONE.is_set(r.read(regs::STATUS.offset)));
        let d2 = r.write(regs::DOORBELL.offset, 9).unwrap();
        r.write(regs::CTRL.offset, ctrl::SOFT_RESET.bits(1));
        assert!(!r.complete(d2.epoch, &c, true), "a completion from before the reset is dropped");
        assert_eq!(r.read(regs::STATUS.offset) & 0b111, 0);
        assert_eq!(r.read(regs::COMPLETED_SEQ.offset), 0);
    }

    #[test]
    fn heartbeat_moves_until_frozen() {
        let mut r = rf();
        let a = r.heartbeat();
        std::thread::sleep(Duration::from_millis(2));
        assert!(r.heartbeat() > a);
        r.freeze();
        let f = r.heartbeat();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(r.heartbeat(), f);
        assert!(r.write(regs::DOORBELL.offset, 1).is_none());
    }
}
