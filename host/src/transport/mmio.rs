//! # A mapped register window: the one place the transport touches memory through raw pointers
//!
//! Both the host side ([`super::xdma::XdmaTransport`]) and the emulated card side
//! ([`super::emulated::CardPort`]) map a user BAR node with `MAP_SHARED` and access it one
//! aligned `u32` at a time with volatile loads and stores. Every offset is checked here,
//! before the pointer is formed: the XDMA driver does not bounds-check BAR accesses, and a
//! mapping of a real BAR has no guard pages behind it.
#![allow(unsafe_code)]

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::{MmapOptions, MmapRaw};

use super::{XferError, classify_io};

/// A shared read-write mapping of a BAR node, accessed as 32-bit registers.
pub(crate) struct MmioRegion {
    map: MmapRaw,
    len: u64,
    path: PathBuf,
}

impl MmioRegion {
    /// Maps `len` bytes of `file` (opened read-write). The length is explicit because a char
    /// device reports size 0; callers check it against what backs the node.
    pub(crate) fn map(file: &File, path: &Path, len: u64) -> Result<Self, XferError> {
        if len < 4 {
            return Err(XferError::Config {
                what: format!("BAR length {len} of {} is below one register", path.display()),
            });
        }
        let map_len = usize::try_from(len).map_err(|_| XferError::Config {
            what: format!("BAR length {len:#x} of {} exceeds the address space", path.display()),
        })?;
        let map = MmapOptions::new()
            .len(map_len)
            .map_raw(file)
            .map_err(|e| classify_io(format!("mmap {len:#x} bytes of {}", path.display()), e))?;
        Ok(Self { map, len, path: path.to_path_buf() })
    }

    /// Mapped length in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The node the mapping came from, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Range first, then alignment: an offset that is both misaligned and past the end is
    /// reported as out of range, the more dangerous of the two.
    fn check(&self, offset: u64) -> Result<usize, XferError> {
        match offset.checked_add(4) {
            Some(end) if end <= self.len => {}
            _ => {
                return Err(XferError::OutOfRange { offset, len: 4, limit: self.len, what: "user BAR register" });
            }
        }
        if !offset.is_multiple_of(4) {
            return Err(XferError::Misaligned { offset });
        }
        // In range of a mapping of `len` bytes, which fit in usize at map time.
        Ok(offset as usize)
    }

    /// Volatile 32-bit load at a checked offset.
    pub(crate) fn read32(&self, offset: u64) -> Result<u32, XferError> {
        let at = self.check(offset)?;
        // SAFETY: `check` guarantees at + 4 <= the mapped length, and the mapping lives as long
        // as `self`; the base is page-aligned and `at` a multiple of 4, so the u32 pointer is
        // aligned. Volatile because the other side (card or device model) changes the memory.
        Ok(unsafe { self.map.as_ptr().add(at).cast::<u32>().read_volatile() })
    }

    /// Volatile 32-bit store at a checked offset.
    pub(crate) fn write32(&self, offset: u64, value: u32) -> Result<(), XferError> {
        let at = self.check(offset)?;
        // SAFETY: as in `read32`: in bounds of a live, writable shared mapping and aligned.
        // The mapping is only accessed through volatile u32 operations, so there are no Rust
        // references into it that this store could invalidate.
        unsafe { self.map.as_mut_ptr().add(at).cast::<u32>().write_volatile(value) };
        Ok(())
    }
}

impl std::fmt::Debug for MmioRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmioRegion").field("path", &self.path).field("len", &self.len).finish()
    }
}
