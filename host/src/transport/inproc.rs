//! The simulated card as a [`Transport`]: the same driver code that runs a real card over
//! XDMA runs the device model of `slotproof-sim` in this process. Register offsets are
//! checked against the register block exactly as the XDMA binding checks them against the
//! BAR, and the model's transfer faults come back as the errors a real driver gives.

use std::sync::Arc;
use std::time::Duration;

use slotproof_firmware::regs::BLOCK_BYTES;
use slotproof_sim::{SimCard, TransferFault};

use super::{DeviceInfo, Transport, XferError};

/// H2C/C2H channels the simulated card offers (an XDMA IP has up to 4 of each).
pub const SIM_CHANNELS: usize = 4;

/// Checks that `channel` is one of the [`SIM_CHANNELS`] of a simulated card.
pub(super) fn check_channel(dir: &'static str, channel: usize) -> Result<(), XferError> {
    if channel < SIM_CHANNELS { Ok(()) } else { Err(XferError::NoChannel { dir, channel, available: SIM_CHANNELS }) }
}

/// Checks a register offset against a BAR of `bar_len` bytes, as the XDMA binding does.
pub(super) fn check_reg(bar_len: u64, offset: u64) -> Result<u32, XferError> {
    if offset.checked_add(4).is_none_or(|end| end > bar_len) {
        return Err(XferError::OutOfRange { offset, len: 4, limit: bar_len, what: "register offset" });
    }
    if !offset.is_multiple_of(4) {
        return Err(XferError::Misaligned { offset });
    }
    Ok(offset as u32)
}

/// A transport to an in-process [`SimCard`].
pub struct SimTransport {
    card: Arc<SimCard>,
    info: DeviceInfo,
}

impl SimTransport {
    /// Wraps `card`.
    pub fn new(card: Arc<SimCard>) -> Self {
        let info = DeviceInfo {
            name: card.config().name.clone(),
            h2c_channels: SIM_CHANNELS,
            c2h_channels: SIM_CHANNELS,
            bar_len: u64::from(BLOCK_BYTES),
            mem_len: Some(card.config().mem_bytes),
        };
        Self { card, info }
    }

    /// The card behind the transport (for tests and timing reports).
    pub fn card(&self) -> &Arc<SimCard> {
        &self.card
    }

    fn map(&self, dir: &'static str, channel: usize, addr: u64, wanted: usize, f: TransferFault) -> XferError {
        let what = format!("{} {dir}_{channel} at {addr:#x} ({wanted} bytes)", self.info.name);
        match f {
            TransferFault::Short { done } => XferError::Short { dir, channel, addr, done, wanted },
            TransferFault::Failed => XferError::Io { what, source: std::io::Error::from_raw_os_error(libc::EIO) },
            TransferFault::Interrupted => XferError::Interrupted { what },
            TransferFault::Memory(_) => XferError::OutOfRange {
                offset: addr,
                len: wanted as u64,
                limit: self.card.config().mem_bytes,
                what: "card memory",
            },
        }
    }
}

impl Transport for SimTransport {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), XferError> {
        check_channel("h2c", channel)?;
        self.card.h2c(channel, addr, src).map_err(|f| self.map("h2c", channel, addr, src.len(), f))
    }

    fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), XferError> {
        check_channel("c2h", channel)?;
        let wanted = dst.len();
        self.card.c2h(channel, addr, dst).map_err(|f| self.map("c2h", channel, addr, wanted, f))
    }

    fn read32(&self, offset: u64) -> Result<u32, XferError> {
        let off = check_reg(self.info.bar_len, offset)?;
        match self.card.read_reg(off) {
            u32::MAX => Err(XferError::DeviceLost { offset }),
            v => Ok(v),
        }
    }

    fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        let off = check_reg(self.info.bar_len, offset)?;
        self.card.write_reg(off, value);
        Ok(())
    }

    fn wait_irq(&self, vector: usize, timeout: Duration) -> Result<bool, XferError> {
        if vector != 0 {
            return Err(XferError::NoChannel { dir: "events", channel: vector, available: 1 });
        }
        Ok(self.card.wait_irq(timeout))
    }
}
