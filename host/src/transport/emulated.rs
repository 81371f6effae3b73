//! # An emulated XDMA device directory: the real transport code without a card
//!
//! [`EmulatedDevice::create`] lays out a directory the way the driver lays out `/dev`, using
//! only ordinary files, so [`super::xdma::XdmaTransport::open_at`] runs its real
//! `pwrite`/`pread`/`mmap`/`poll` paths against it in CI:
//! - card memory is one sparse file, hard-linked as every `xdmaN_h2c_K` and `xdmaN_c2h_K`,
//!   so bytes written through any H2C channel read back through any C2H channel at the same
//!   card address (gigabytes of address space cost only the pages written);
//! - `xdmaN_user` is a regular file of the BAR length, mapped `MAP_SHARED` by both sides;
//! - `xdmaN_events_I` are FIFOs carrying one 4-byte token per raised interrupt; `pread` on a
//!   FIFO fails with `ESPIPE`, which catches a transport that misuses the event nodes.
//!
//! The [`CardPort`] is the card's side of the same files, for a device model serviced in
//! another thread. This is plumbing only: no device behaviour lives here.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nix::sys::stat::Mode;

use super::mmio::MmioRegion;
use super::xdma::{MAX_CHANNELS, MAX_EVENTS};
use super::{XferError, classify_io};

/// Shape of an emulated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatedSpec {
    /// Size of card memory in bytes (a sparse file: only written pages use disk).
    pub mem_bytes: u64,
    /// Length of the user BAR in bytes (a multiple of 4).
    pub bar_len: u64,
    /// DMA channels each way, `1..=4`.
    pub channels: usize,
    /// User-interrupt event nodes, `0..=16`.
    pub events: usize,
}

impl Default for EmulatedSpec {
    /// 8 GiB of card memory (addresses above 4 GiB exercise 64-bit offsets), a 64 KiB BAR,
    /// one channel each way, one event.
    fn default() -> Self {
        Self { mem_bytes: 8 << 30, bar_len: 64 << 10, channels: 1, events: 1 }
    }
}

/// An emulated device directory and the card side of it.
#[derive(Debug)]
pub struct EmulatedDevice {
    dir: PathBuf,
    index: usize,
    spec: EmulatedSpec,
    port: CardPort,
}

/// The card's view of an emulated device: its memory, its BAR and its interrupt lines.
/// Cheap to clone; all clones share the same open files.
#[derive(Debug, Clone)]
pub struct CardPort {
    inner: Arc<PortInner>,
}

#[derive(Debug)]
struct PortInner {
    mem: File,
    mem_path: PathBuf,
    mem_len: u64,
    bar: CardBar,
    events: Vec<(PathBuf, File)>,
}

/// The card's side of the user BAR: the same shared mapping the host writes.
#[derive(Debug)]
pub struct CardBar {
    region: MmioRegion,
}

fn config(what: String) -> XferError {
    XferError::Config { what }
}

fn create_file(path: &Path, len: u64) -> Result<File, XferError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| classify_io(format!("create {}", path.display()), e))?;
    file.set_len(len).map_err(|e| classify_io(format!("size {} to {len:#x} bytes", path.display()), e))?;
    Ok(file)
}

impl EmulatedDevice {
    /// Creates the nodes of device `index` in `dir` (created if missing). Fails, naming the
    /// path, if any node already exists.
    pub fn create(dir: &Path, index: usize, spec: EmulatedSpec) -> Result<Self, XferError> {
        if !(1..=MAX_CHANNELS).contains(&spec.channels) {
            return Err(config(format!("emulated device with {} channels: 1..={MAX_CHANNELS} allowed", spec.channels)));
        }
        if spec.events > MAX_EVENTS {
            return Err(config(format!("emulated device with {} event nodes: at most {MAX_EVENTS}", spec.events)));
        }
        if spec.mem_bytes == 0 || spec.mem_bytes > i64::MAX as u64 {
            return Err(config(format!("emulated card memory of {:#x} bytes: must be 1..=i64::MAX", spec.mem_bytes)));
        }
        if spec.bar_len < 4 || !spec.bar_len.is_multiple_of(4) || usize::try_from(spec.bar_len).is_err() {
            return Err(config(format!(
                "emulated BAR of {:#x} bytes: must be a non-zero multiple of 4 that fits in memory",
                spec.bar_len
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| classify_io(format!("create directory {}", dir.display()), e))?;
        let name = format!("xdma{index}");

        let mem_path = dir.join(format!("{name}_h2c_0"));
        let mem = create_file(&mem_path, spec.mem_bytes)?;
        let links = (1..spec.channels)
            .map(|k| format!("{name}_h2c_{k}"))
            .chain((0..spec.channels).map(|k| format!("{name}_c2h_{k}")));
        for link in links {
            let path = dir.join(link);
            std::fs::hard_link(&mem_path, &path)
                .map_err(|e| classify_io(format!("hard-link {} as {}", mem_path.display(), path.display()), e))?;
        }

        let user_path = dir.join(format!("{name}_user"));
        let user = create_file(&user_path, spec.bar_len)?;
        let bar = CardBar { region: MmioRegion::map(&user, &user_path, spec.bar_len)? };

        let mut events = Vec::with_capacity(spec.events);
        for i in 0..spec.events {
            let path = dir.join(format!("{name}_events_{i}"));
            nix::unistd::mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR)
                .map_err(|e| classify_io(format!("mkfifo {}", path.display()), std::io::Error::from(e)))?;
            // Read-write (Linux defines this for FIFOs): the open never blocks or fails for
            // want of a reader, and tokens raised before the host opens the node stay queued.
            // Non-blocking: a full FIFO means the event is already pending.
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&path)
                .map_err(|e| classify_io(format!("open {}", path.display()), e))?;
            events.push((path, file));
        }

        log::debug!(
            "emulated {name} in {}: {:#x} bytes of memory, BAR {:#x}, {} channels, {} events",
            dir.display(),
            spec.mem_bytes,
            spec.bar_len,
            spec.channels,
            spec.events
        );
        Ok(Self {
            dir: dir.to_path_buf(),
            index,
            port: CardPort { inner: Arc::new(PortInner { mem, mem_path, mem_len: spec.mem_bytes, bar, events }) },
            spec,
        })
    }

    /// The directory holding the nodes (pass it to `XdmaTransport::open_at`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The device index `N` in `xdmaN_*`.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The shape it was created with.
    pub fn spec(&self) -> &EmulatedSpec {
        &self.spec
    }

    /// The card side, for a device model (clone it into the servicing thread).
    pub fn card_port(&self) -> CardPort {
        self.port.clone()
    }
}

impl CardPort {
    /// Size of card memory in bytes.
    pub fn mem_len(&self) -> u64 {
        self.inner.mem_len
    }

    /// Card memory is fixed-size: a write past the end would silently grow the file.
    fn check(&self, addr: u64, len: usize) -> Result<(), XferError> {
        match addr.checked_add(len as u64) {
            Some(end) if end <= self.inner.mem_len => Ok(()),
            _ => Err(XferError::OutOfRange {
                offset: addr,
                len: len as u64,
                limit: self.inner.mem_len,
                what: "emulated card memory",
            }),
        }
    }

    /// Reads card memory at `addr` into all of `dst`.
    pub fn mem_read(&self, addr: u64, dst: &mut [u8]) -> Result<(), XferError> {
        self.check(addr, dst.len())?;
        let wanted = dst.len();
        let mut done = 0usize;
        while done < wanted {
            let at = addr + done as u64;
            match self.inner.mem.read_at(&mut dst[done..], at) {
                Ok(0) => {
                    return Err(XferError::Short { dir: "card memory read", channel: 0, addr: at, done, wanted });
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(classify_io(format!("card read of {} at {at:#x}", self.inner.mem_path.display()), e));
                }
            }
        }
        Ok(())
    }

    /// Writes all of `src` to card memory at `addr`.
    pub fn mem_write(&self, addr: u64, src: &[u8]) -> Result<(), XferError> {
        self.check(addr, src.len())?;
        let mut done = 0usize;
        while done < src.len() {
            let at = addr + done as u64;
            match self.inner.mem.write_at(&src[done..], at) {
                Ok(0) => {
                    return Err(XferError::Short {
                        dir: "card memory write",
                        channel: 0,
                        addr: at,
                        done,
                        wanted: src.len(),
                    });
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(classify_io(format!("card write to {} at {at:#x}", self.inner.mem_path.display()), e));
                }
            }
        }
        Ok(())
    }

    /// The card's side of the user BAR.
    pub fn bar(&self) -> &CardBar {
        &self.inner.bar
    }

    /// Raises user interrupt `vector` (queues one token on its FIFO).
    pub fn raise_irq(&self, vector: usize) -> Result<(), XferError> {
        let (path, file) = self.inner.events.get(vector).ok_or(XferError::NoChannel {
            dir: "event",
            channel: vector,
            available: self.inner.events.len(),
        })?;
        // 4 bytes is below PIPE_BUF, so the write is atomic: all or nothing.
        match (&*file).write(&1u32.to_le_bytes()) {
            Ok(_) => Ok(()),
            // Full FIFO: the host has not consumed earlier raises, and events coalesce.
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(classify_io(format!("raise event {vector} on {}", path.display()), e)),
        }
    }
}

impl CardBar {
    /// BAR length in bytes.
    pub fn len(&self) -> u64 {
        self.region.len()
    }

    /// Whether the BAR is empty (never, for a created device).
    pub fn is_empty(&self) -> bool {
        self.region.len() == 0
    }

    /// Reads the register at `offset` as the card sees it (no device-lost interpretation).
    pub fn read32(&self, offset: u64) -> Result<u32, XferError> {
        self.region.read32(offset)
    }

    /// Writes the register at `offset` from the card side.
    pub fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        self.region.write32(offset, value)
    }
}
