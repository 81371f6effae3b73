//! # Transport: layer 0 of the card runtime, moving bytes and register words
//!
//! Everything above this module (register maps, per-kernel drivers, the `FpgaBackend`) talks
//! to a card only through the [`Transport`] trait: bulk host→card (`h2c`) and card→host (`c2h`)
//! copies at AXI card addresses, 32-bit user-BAR registers, and user interrupts. One
//! implementation exists per way of reaching a card:
//! - [`xdma::XdmaTransport`]: the Linux XDMA driver's char devices (`/dev/xdmaN_*`);
//! - [`emulated`]: not a transport but a directory laid out like `/dev` (hard-linked sparse
//!   file for card memory, regular file for the BAR, FIFOs for events), so CI runs the real
//!   `XdmaTransport` code without a card, with a [`emulated::CardPort`] for the device model;
//! - [`inproc::SimTransport`]: the device model of `slotproof-sim` in this process;
//! - [`rtl::RtlTransport`]: the card top level's Verilog under Verilator (hardware in the
//!   loop), so the driver is checked against the RTL that goes into the bitstream;
//! - [`servicer`]: runs the device model behind an emulated directory, in a thread of this
//!   process or in `slotproof emulate`.
//!
//! The contract every backend keeps: a transfer moves the full length or returns an error
//! (never a silent short transfer); register offsets are checked against the BAR before any
//! access (the driver does not check, and a bad offset can oops the kernel); errors are
//! [`XferError`]s naming what was being done and where.

use std::time::Duration;

use aligned_vec::{AVec, ConstAlign};

pub mod emulated;
pub mod inproc;
mod mmio;
pub mod rtl;
pub mod servicer;
pub mod xdma;

/// What a transport found when it opened a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Device name, e.g. `xdma0`.
    pub name: String,
    /// Host→card DMA channels (engines), numbered `0..h2c_channels`.
    pub h2c_channels: usize,
    /// Card→host DMA channels, numbered `0..c2h_channels`.
    pub c2h_channels: usize,
    /// Length in bytes of the user BAR (the register window).
    pub bar_len: u64,
    /// Size of card memory when the transport can know it (emulated directories); `None` for
    /// real cards, whose address map lives in the bitstream, not in the driver.
    pub mem_len: Option<u64>,
}

/// Everything that can go wrong between the host and a card, each naming what and where.
#[derive(Debug, thiserror::Error)]
pub enum XferError {
    /// The driver gave up on a transfer (its per-transfer timeout) or a wait ran out.
    #[error("{what}: timed out after {after:?} (0ns: the driver's own timeout expired)")]
    TimedOut {
        /// What was being done, with the node and address.
        what: String,
        /// How long we waited; zero when the driver timed out on its own clock.
        after: Duration,
    },
    /// A signal interrupted the call (EINTR, or errno 512 ERESTARTSYS that the XDMA driver
    /// leaks to user space); the transfer's state on the card is unknown.
    #[error("{what}: interrupted by a signal (the transfer may be partially done)")]
    Interrupted {
        /// What was being done, with the node and address.
        what: String,
    },
    /// A register read returned all ones: the card fell off the bus.
    #[error("register read at {offset:#x} returned 0xffffffff: the device is lost (off the bus)")]
    DeviceLost {
        /// BAR offset of the read.
        offset: u64,
    },
    /// An access would reach past the end of what it addresses.
    #[error("{what}: {len} bytes at {offset:#x} reach past the limit {limit:#x}")]
    OutOfRange {
        /// Start of the access.
        offset: u64,
        /// Length of the access in bytes.
        len: u64,
        /// First offset that may not be touched.
        limit: u64,
        /// What was addressed (BAR, card memory, ...).
        what: &'static str,
    },
    /// Register offsets must be multiples of 4 (the AXI-Lite master is 32-bit).
    #[error("register offset {offset:#x} is not a multiple of 4")]
    Misaligned {
        /// The offending BAR offset.
        offset: u64,
    },
    /// A transfer call returned 0 bytes before the end (e.g. reading past the end of the
    /// emulated memory file, where zeros would otherwise be made up).
    #[error("{dir} channel {channel}: transfer stopped at card address {addr:#x} after {done} of {wanted} bytes")]
    Short {
        /// `h2c`, `c2h`, or the card-side operation.
        dir: &'static str,
        /// DMA channel.
        channel: usize,
        /// Card address where the transfer stopped.
        addr: u64,
        /// Bytes moved before it stopped.
        done: usize,
        /// Bytes asked for.
        wanted: usize,
    },
    /// A channel or event vector the device does not have.
    #[error("{dir} channel {channel} does not exist (the device has {available})")]
    NoChannel {
        /// `h2c`, `c2h` or `event`.
        dir: &'static str,
        /// The requested index.
        channel: usize,
        /// How many the device has.
        available: usize,
    },
    /// A device node or directory that must exist does not.
    #[error("{what} not found: {}", path.display())]
    NotFound {
        /// What was looked for.
        what: String,
        /// Where it was looked for.
        path: std::path::PathBuf,
    },
    /// Options or a spec that cannot work, said before anything is touched.
    #[error("invalid configuration: {what}")]
    Config {
        /// What is wrong with it.
        what: String,
    },
    /// Any other operating-system error.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, with the node and address.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// errno the XDMA driver leaks when a signal lands during a transfer wait (kernel-internal
/// ERESTARTSYS, printed by libc as "Unknown error 512").
pub const ERESTARTSYS: i32 = 512;

/// Maps an OS error from a driver call to the [`XferError`] the caller can act on.
pub fn classify_io(what: impl Into<String>, e: std::io::Error) -> XferError {
    let what = what.into();
    match e.raw_os_error() {
        Some(ERESTARTSYS) | Some(libc::EINTR) => XferError::Interrupted { what },
        Some(libc::ETIMEDOUT) => XferError::TimedOut { what, after: Duration::ZERO },
        _ if e.kind() == std::io::ErrorKind::Interrupted => XferError::Interrupted { what },
        _ => XferError::Io { what, source: e },
    }
}

/// One way of reaching a card. Implementations are shared between the DMA worker threads.
pub trait Transport: Send + Sync {
    /// What was found at open.
    fn info(&self) -> &DeviceInfo;
    /// Copies all of `src` to card address `addr` over H2C channel `channel`, or fails.
    fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), XferError>;
    /// Fills all of `dst` from card address `addr` over C2H channel `channel`, or fails.
    fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), XferError>;
    /// Reads the 32-bit user-BAR register at `offset`.
    fn read32(&self, offset: u64) -> Result<u32, XferError>;
    /// Writes the 32-bit user-BAR register at `offset`.
    fn write32(&self, offset: u64, value: u32) -> Result<(), XferError>;
    /// Waits up to `timeout` for user interrupt `vector`: `Ok(true)` when it fired, `Ok(false)`
    /// on timeout. Events coalesce, so after waking re-read the status registers.
    fn wait_irq(&self, vector: usize, timeout: Duration) -> Result<bool, XferError>;
}

/// Page size the staging buffers are aligned to and sized in.
pub const DMA_PAGE: usize = 4096;

/// A zero-filled, 4 KiB-aligned byte buffer whose length is a whole number of pages: the
/// driver builds one descriptor per page and pins the pages per call, so aligned page-multiple
/// staging buffers, allocated once and reused, keep descriptors few and calls cheap.
pub struct DmaBuffer {
    buf: AVec<u8, ConstAlign<DMA_PAGE>>,
}

impl DmaBuffer {
    /// A buffer of at least `min_len` bytes, rounded up to whole pages. The zero fill also
    /// faults every page in, so the first transfer does not pay for it.
    pub fn new(min_len: usize) -> Result<Self, XferError> {
        let len = min_len.checked_next_multiple_of(DMA_PAGE).filter(|&l| l <= isize::MAX as usize - DMA_PAGE).ok_or(
            XferError::OutOfRange {
                offset: 0,
                len: min_len as u64,
                limit: (isize::MAX as usize - DMA_PAGE) as u64,
                what: "DMA buffer length",
            },
        )?;
        let mut buf = AVec::<u8, ConstAlign<DMA_PAGE>>::with_capacity(DMA_PAGE, len);
        buf.resize(len, 0);
        Ok(Self { buf })
    }

    /// Length in bytes (a multiple of [`DMA_PAGE`]).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether the buffer holds no pages.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// The bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        self.buf.as_mut_slice()
    }
}

impl std::fmt::Debug for DmaBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmaBuffer").field("len", &self.len()).finish()
    }
}

/// A boxed transport is a transport: the backends hold cards of different kinds (real,
/// emulated, simulated) side by side.
impl<T: Transport + ?Sized> Transport for Box<T> {
    fn info(&self) -> &DeviceInfo {
        (**self).info()
    }
    fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), XferError> {
        (**self).h2c(channel, addr, src)
    }
    fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), XferError> {
        (**self).c2h(channel, addr, dst)
    }
    fn read32(&self, offset: u64) -> Result<u32, XferError> {
        (**self).read32(offset)
    }
    fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        (**self).write32(offset, value)
    }
    fn wait_irq(&self, vector: usize, timeout: Duration) -> Result<bool, XferError> {
        (**self).wait_irq(vector, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_512_is_interrupted() {
        let e = classify_io("h2c", std::io::Error::from_raw_os_error(512));
        assert!(matches!(e, XferError::Interrupted { ref what } if what == "h2c"), "{e}");
    }

    #[test]
    fn eintr_is_interrupted_etimedout_is_timed_out_rest_is_io() {
        let e = classify_io("x", std::io::Error::from_raw_os_error(libc::EINTR));
        assert!(matches!(e, XferError::Interrupted { .. }), "{e}");
        let e = classify_io("x", std::io::Error::from_raw_os_error(libc::ETIMEDOUT));
        assert!(matches!(e, XferError::TimedOut { after, .. } if after == Duration::ZERO));
        let e = classify_io("c2h node at 0x10", std::io::Error::from_raw_os_error(libc::EIO));
        assert!(matches!(e, XferError::Io { .. }), "{e}");
        assert!(e.to_string().contains("c2h node at 0x10"), "{e}");
    }

    #[test]
    fn dma_buffer_is_aligned_zeroed_and_page_multiple() {
        let b = DmaBuffer::new(5000).unwrap();
        assert_eq!(b.len(), 8192);
        assert_eq!(b.as_slice().as_ptr() as usize % DMA_PAGE, 0);
        assert!(b.as_slice().iter().all(|&x| x == 0));
        assert!(DmaBuffer::new(usize::MAX).is_err());
        assert!(DmaBuffer::new(0).unwrap().is_empty());
    }
}
