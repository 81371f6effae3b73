//! # XdmaTransport: the Linux XDMA driver's char devices as a [`Transport`]
//!
//! The driver (Xilinx `dma_ip_drivers`, `XDMA/linux-kernel`) exposes one node per engine and
//! per BAR under `/dev`: `xdmaN_h2c_K`/`xdmaN_c2h_K` take `pwrite`/`pread` whose file
//! position is the AXI card address, `xdmaN_user` is the user BAR (mapped here, 32-bit
//! volatile accesses), and `xdmaN_events_I` delivers user interrupt I as a blocking 4-byte
//! `read`. This module is deliberately only those plain calls on dedicated threads:
//! the driver's `writev`/AIO paths (and so io_uring) send every request to the wrong card
//! address, so they are never used.
//!
//! The same code opens an emulated directory ([`super::emulated`]) where the nodes are a
//! hard-linked sparse file, a regular file and FIFOs; the few places where a node kind
//! changes behaviour (BAR length, event draining) are marked.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::mmio::MmioRegion;
use super::{DeviceInfo, Transport, XferError, classify_io};

/// The driver creates at most 4 H2C and 4 C2H engines per card.
pub const MAX_CHANNELS: usize = 4;
/// The driver creates at most 16 user-interrupt nodes per card.
pub const MAX_EVENTS: usize = 16;
/// Linux caps one `read`/`write` at this many bytes; Xilinx's own tools loop at the same size.
pub const RW_MAX_SIZE: usize = 0x7fff_f000;

/// How to open an XDMA device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdmaOptions {
    /// Largest byte count passed to one `pwrite`/`pread`; longer transfers loop. Tests set
    /// small values to exercise the loop.
    pub max_call_bytes: usize,
    /// Length of the user BAR to map. `None`: the file length for a regular file (emulated),
    /// the `resource0` size from sysfs for a char device.
    pub bar_len: Option<u64>,
    /// How many `xdmaN_events_I` nodes to open (`I = 0..events`).
    pub events: usize,
}

impl Default for XdmaOptions {
    fn default() -> Self {
        Self { max_call_bytes: RW_MAX_SIZE, bar_len: None, events: 1 }
    }
}

/// One DMA engine node. The driver runs one transfer per engine at a time; holding the lock
/// for a whole (looped) transfer keeps two of our threads from interleaving pieces on it.
#[derive(Debug)]
struct Channel {
    path: PathBuf,
    file: Mutex<File>,
}

/// One user-interrupt node.
#[derive(Debug)]
struct EventNode {
    path: PathBuf,
    /// Serialises waiters so one wake is consumed by exactly one of them.
    file: Mutex<File>,
    /// Emulated (FIFO) only: our own writer, so that with no card-side writer open the FIFO
    /// does not report POLLHUP forever (a busy spin). `Some` also marks the node as a FIFO.
    fifo_writer: Option<File>,
}

/// An open XDMA card (or emulated directory): DMA channels, the mapped user BAR, events.
#[derive(Debug)]
pub struct XdmaTransport {
    info: DeviceInfo,
    h2c: Vec<Channel>,
    c2h: Vec<Channel>,
    bar: MmioRegion,
    events: Vec<EventNode>,
    max_call: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked mid-transfer; the fd is still sound,
    // and the card state is as uncertain as after any failed transfer.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn metadata_of(what: impl Into<String>, path: &Path) -> Result<std::fs::Metadata, XferError> {
    std::fs::metadata(path).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            XferError::NotFound { what: what.into(), path: path.to_path_buf() }
        } else {
            classify_io(format!("stat {}", path.display()), e)
        }
    })
}

fn open_node(path: &Path, opts: &OpenOptions) -> Result<File, XferError> {
    opts.open(path).map_err(|e| classify_io(format!("open {}", path.display()), e))
}

/// `pos` is a kernel `loff_t`: a span must end at or below `i64::MAX`.
fn check_span(what: &'static str, addr: u64, len: usize) -> Result<(), XferError> {
    let limit = i64::MAX as u64;
    match addr.checked_add(len as u64) {
        Some(end) if end <= limit => Ok(()),
        _ => Err(XferError::OutOfRange { offset: addr, len: len as u64, limit, what }),
    }
}

/// BAR size of a real card's user BAR, from the PCI device behind the driver's class node.
fn sysfs_bar_len(index: usize) -> Option<(PathBuf, u64)> {
    let path = PathBuf::from(format!("/sys/class/xdma/xdma{index}_user/device/resource0"));
    let len = std::fs::metadata(&path).ok()?.len();
    (len > 0).then_some((path, len))
}

impl XdmaTransport {
    /// Opens card `index` of the XDMA driver (`/dev/xdma{index}_*`).
    pub fn open(index: usize, opts: XdmaOptions) -> Result<Self, XferError> {
        Self::open_at(Path::new("/dev"), index, opts)
    }

    /// Opens `xdma{index}_*` nodes under `dir`: `/dev` for a card, or an emulated directory.
    pub fn open_at(dir: &Path, index: usize, opts: XdmaOptions) -> Result<Self, XferError> {
        if opts.max_call_bytes == 0 {
            return Err(XferError::Config { what: "max_call_bytes must be at least 1".into() });
        }
        if opts.events > MAX_EVENTS {
            return Err(XferError::Config {
                what: format!("{} event nodes asked for, the driver has at most {MAX_EVENTS}", opts.events),
            });
        }
        let dir_meta = metadata_of("device directory", dir)?;
        if !dir_meta.is_dir() {
            return Err(XferError::NotFound {
                what: "device directory (this is not a directory)".into(),
                path: dir.to_path_buf(),
            });
        }
        let name = format!("xdma{index}");

        let user_path = dir.join(format!("{name}_user"));
        let user_meta = metadata_of(format!("user BAR node of {name}"), &user_path)?;
        let user_file = open_node(&user_path, OpenOptions::new().read(true).write(true))?;
        let bar_len = Self::bar_len(index, &user_path, &user_meta, opts.bar_len)?;
        let bar = MmioRegion::map(&user_file, &user_path, bar_len)?;

        let h2c = Self::channels(dir, &name, "h2c", OpenOptions::new().write(true))?;
        let c2h = Self::channels(dir, &name, "c2h", OpenOptions::new().read(true))?;
        // Only an emulated memory file knows the size of card memory.
        let mem_len = std::fs::metadata(&h2c[0].path).ok().filter(|m| m.is_file()).map(|m| m.len());

        let events = (0..opts.events).map(|i| Self::event(dir, &name, i)).collect::<Result<Vec<_>, _>>()?;

        let info = DeviceInfo { name, h2c_channels: h2c.len(), c2h_channels: c2h.len(), bar_len, mem_len };
        log::debug!(
            "opened {} under {}: {} h2c, {} c2h, BAR {:#x} bytes, {} event nodes, memory {:?}",
            info.name,
            dir.display(),
            info.h2c_channels,
            info.c2h_channels,
            info.bar_len,
            events.len(),
            info.mem_len
        );
        Ok(Self { info, h2c, c2h, bar, events, max_call: opts.max_call_bytes })
    }

    /// The mapped length must not exceed what backs the node: past the end of a regular file
    /// an access faults (SIGBUS), past a real BAR it reaches whatever the host decodes there.
    fn bar_len(index: usize, path: &Path, meta: &std::fs::Metadata, asked: Option<u64>) -> Result<u64, XferError> {
        let (backing, source) = if meta.is_file() {
            (Some(meta.len()), format!("the length of {}", path.display()))
        } else if meta.file_type().is_char_device() {
            match sysfs_bar_len(index) {
                Some((sys, len)) => (Some(len), format!("the size of {}", sys.display())),
                None => (None, String::new()),
            }
        } else {
            return Err(XferError::Config {
                what: format!("{} is neither a char device nor a regular file", path.display()),
            });
        };
        match (asked, backing) {
            (Some(a), Some(b)) if a > b => {
                Err(XferError::Config { what: format!("bar_len {a:#x} exceeds {source} ({b:#x})") })
            }
            (Some(a), _) => Ok(a),
            (None, Some(b)) => Ok(b),
            (None, None) => Err(XferError::Config {
                what: format!(
                    "cannot tell the BAR length of {} (no sysfs resource0 size): set XdmaOptions::bar_len",
                    path.display()
                ),
            }),
        }
    }

    /// The driver numbers engines from 0 without gaps, so discovery stops at the first missing
    /// node; a device needs at least one channel each way to be of use.
    fn channels(dir: &Path, name: &str, kind: &'static str, opts: &OpenOptions) -> Result<Vec<Channel>, XferError> {
        let mut out = Vec::new();
        for k in 0..MAX_CHANNELS {
            let path = dir.join(format!("{name}_{kind}_{k}"));
            if !path.exists() {
                break;
            }
            let file = open_node(&path, opts)?;
            out.push(Channel { path, file: Mutex::new(file) });
        }
        if out.is_empty() {
            return Err(XferError::NotFound {
                what: format!("{kind} DMA channel 0 of {name}"),
                path: dir.join(format!("{name}_{kind}_0")),
            });
        }
        Ok(out)
    }

    fn event(dir: &Path, name: &str, i: usize) -> Result<EventNode, XferError> {
        let path = dir.join(format!("{name}_events_{i}"));
        let meta = metadata_of(format!("event node {i} of {name}"), &path)?;
        if meta.file_type().is_fifo() {
            // Non-blocking so draining stops at an empty FIFO; the reader is opened first so
            // the non-blocking writer open finds it (otherwise ENXIO).
            let file = open_node(&path, OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK))?;
            let writer = open_node(&path, OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK))?;
            Ok(EventNode { path, file: Mutex::new(file), fifo_writer: Some(writer) })
        } else {
            // The driver ignores O_NONBLOCK on reads (it always waits); poll() guards them.
            let file = open_node(&path, OpenOptions::new().read(true))?;
            Ok(EventNode { path, file: Mutex::new(file), fifo_writer: None })
        }
    }

    fn channel<'a>(list: &'a [Channel], dir: &'static str, channel: usize) -> Result<&'a Channel, XferError> {
        list.get(channel).ok_or(XferError::NoChannel { dir, channel, available: list.len() })
    }

    /// Consumes a pending event after POLLIN; `false` if there was nothing to read after all.
    fn consume(ev: &EventNode, file: &File) -> Result<bool, XferError> {
        let what = || format!("read event node {}", ev.path.display());
        let mut reader = file;
        if ev.fifo_writer.is_none() {
            // The driver's node is a flag: one read clears it, a second would block.
            let mut token = [0u8; 4];
            return match reader.read(&mut token) {
                Ok(n) => Ok(n > 0),
                Err(e) => Err(classify_io(what(), e)),
            };
        }
        // A FIFO queues one 4-byte token per raise; events coalesce, so take them all now
        // rather than let stale ones fire later waits.
        let mut got = 0usize;
        let mut buf = [0u8; 256];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(classify_io(what(), e)),
            }
        }
        Ok(got > 0)
    }
}

impl Transport for XdmaTransport {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), XferError> {
        let ch = Self::channel(&self.h2c, "h2c", channel)?;
        check_span("h2c card address", addr, src.len())?;
        let file = lock(&ch.file);
        let mut done = 0usize;
        while done < src.len() {
            let piece = &src[done..done + (src.len() - done).min(self.max_call)];
            let at = addr + done as u64;
            // EINTR is not retried: for the driver it means the transfer was aborted midway
            // and the caller must decide (the card may have taken part of it).
            match file.write_at(piece, at) {
                Ok(0) => {
                    return Err(XferError::Short { dir: "h2c", channel, addr: at, done, wanted: src.len() });
                }
                Ok(n) => done += n,
                Err(e) => {
                    return Err(classify_io(
                        format!("h2c write of {} bytes to {} at card address {at:#x}", piece.len(), ch.path.display()),
                        e,
                    ));
                }
            }
        }
        Ok(())
    }

    fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), XferError> {
        let ch = Self::channel(&self.c2h, "c2h", channel)?;
        check_span("c2h card address", addr, dst.len())?;
        let file = lock(&ch.file);
        let wanted = dst.len();
        let mut done = 0usize;
        while done < wanted {
            let end = done + (wanted - done).min(self.max_call);
            let at = addr + done as u64;
            match file.read_at(&mut dst[done..end], at) {
                // End of an emulated memory file: an error, never made-up zeros.
                Ok(0) => {
                    return Err(XferError::Short { dir: "c2h", channel, addr: at, done, wanted });
                }
                Ok(n) => done += n,
                Err(e) => {
                    return Err(classify_io(
                        format!("c2h read of {} bytes from {} at card address {at:#x}", end - done, ch.path.display()),
                        e,
                    ));
                }
            }
        }
        Ok(())
    }

    /// The card's register ABI never lets a register read as all ones (reserved bits read 0,
    /// counters are narrower than 32 bits), so `0xffff_ffff` can only be a PCIe master abort:
    /// the device fell off the bus.
    fn read32(&self, offset: u64) -> Result<u32, XferError> {
        let v = self.bar.read32(offset)?;
        if v == u32::MAX {
            log::error!("{}: register {offset:#x} read all ones, device lost", self.bar.path().display());
            return Err(XferError::DeviceLost { offset });
        }
        Ok(v)
    }

    fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        self.bar.write32(offset, value)
    }

    fn wait_irq(&self, vector: usize, timeout: Duration) -> Result<bool, XferError> {
        let ev = self.events.get(vector).ok_or(XferError::NoChannel {
            dir: "event",
            channel: vector,
            available: self.events.len(),
        })?;
        let file = lock(&ev.file);
        // A timeout too large for an Instant waits as long as poll allows, repeatedly.
        let deadline = Instant::now().checked_add(timeout);
        loop {
            let remaining = deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(Instant::now()));
            // Rounded up: poll must not return before the caller's timeout.
            let ms = remaining.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
            let mut fds = [PollFd::new(file.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)) {
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    return Err(classify_io(format!("poll event node {}", ev.path.display()), std::io::Error::from(e)));
                }
                Ok(0) => {}
                Ok(_) => {
                    let rev = fds[0].revents().unwrap_or(PollFlags::empty());
                    if rev.contains(PollFlags::POLLIN) {
                        if Self::consume(ev, &file)? {
                            return Ok(true);
                        }
                    } else {
                        // POLLERR/POLLHUP/POLLNVAL without data would wake poll forever.
                        return Err(XferError::Io {
                            what: format!("poll event node {}", ev.path.display()),
                            source: std::io::Error::other(format!("poll reported {rev:?}")),
                        });
                    }
                }
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(false);
            }
        }
    }
}
