//! Card memory: the HBM/DDR the XDMA channels and the kernels read and write.
//!
//! The model's memory is sparse because the card has gigabytes and a test touches
//! megabytes: chunks are allocated on first write and anything never written reads as
//! zero, as it would after the card's power-on memory initialisation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Why a memory access was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MemError {
    /// The range `[addr, addr + len)` is not inside the memory.
    #[error("card memory access of {len} bytes at {addr:#x} is outside the {size:#x} bytes of card memory")]
    OutOfRange {
        /// First byte asked for.
        addr: u64,
        /// Bytes asked for.
        len: u64,
        /// Bytes of memory.
        size: u64,
    },
}

/// Byte-addressed card memory, shared between the DMA channels and the kernels.
pub trait CardMemory: Send + Sync {
    /// Copies `dst.len()` bytes at `addr` into `dst`.
    fn read(&self, addr: u64, dst: &mut [u8]) -> Result<(), MemError>;
    /// Copies `src` to `addr`.
    fn write(&self, addr: u64, src: &[u8]) -> Result<(), MemError>;
    /// Bytes of memory.
    fn len(&self) -> u64;
    /// Whether the memory has no bytes at all.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Chunk size: large enough that a multi-MiB transfer takes a handful of locks, small
/// enough that a scattered test does not allocate much.
const CHUNK_BITS: u32 = 21;
const CHUNK: u64 = 1 << CHUNK_BITS;

type Chunk = Arc<Mutex<Box<[u8]>>>;

/// Memory whose 2 MiB chunks are allocated on first write. Each chunk has its own lock, so
/// two channels filling different buffers and a kernel reading a third do not contend.
pub struct SparseMemory {
    size: u64,
    chunks: RwLock<HashMap<u64, Chunk>>,
}

impl SparseMemory {
    /// `size` bytes of zeros.
    pub fn new(size: u64) -> Self {
        Self { size, chunks: RwLock::new(HashMap::new()) }
    }

    /// Bytes actually allocated (for tests and reports).
    pub fn allocated(&self) -> u64 {
        self.chunks.read().unwrap_or_else(|e| e.into_inner()).len() as u64 * CHUNK
    }

    fn check(&self, addr: u64, len: usize) -> Result<(), MemError> {
        let len = len as u64;
        match addr.checked_add(len) {
            Some(end) if end <= self.size => Ok(()),
            _ => Err(MemError::OutOfRange { addr, len, size: self.size }),
        }
    }

    fn existing(&self, index: u64) -> Option<Chunk> {
        self.chunks.read().unwrap_or_else(|e| e.into_inner()).get(&index).cloned()
    }

    fn get_or_alloc(&self, index: u64) -> Chunk {
        if let Some(c) = self.existing(index) {
            return c;
        }
        let mut map = self.chunks.write().unwrap_or_else(|e| e.into_inner());
        map.entry(index).or_insert_with(|| Arc::new(Mutex::new(vec![0u8; CHUNK as usize].into_boxed_slice()))).clone()
    }

    /// Splits `[addr, addr + len)` into (chunk index, offset in chunk, offset in buffer, length).
    fn pieces(addr: u64, len: usize) -> impl Iterator<Item = (u64, usize, usize, usize)> {
        let mut done = 0usize;
        std::iter::from_fn(move || {
            if done >= len {
                return None;
            }
            let a = addr + done as u64;
            let off = (a & (CHUNK - 1)) as usize;
            let take = (CHUNK as usize - off).min(len - done);
            let piece = (a >> CHUNK_BITS, off, done, take);
            done += take;
            Some(piece)
        })
    }
}

impl CardMemory for SparseMemory {
    fn read(&self, addr: u64, dst: &mut [u8]) -> Result<(), MemError> {
        self.check(addr, dst.len())?;
        for (index, off, at, take) in Self::pieces(addr, dst.len()) {
            let out = &mut dst[at..at + take];
            match self.existing(index) {
                Some(c) => out.copy_from_slice(&c.lock().unwrap_or_else(|e| e.into_inner())[off..off + take]),
                None => out.fill(0),
            }
        }
        Ok(())
    }

    fn write(&self, addr: u64, src: &[u8]) -> Result<(), MemError> {
        self.check(addr, src.len())?;
        for (index, off, at, take) in Self::pieces(addr, src.len()) {
            let c = self.get_or_alloc(index);
            c.lock().unwrap_or_else(|e| e.into_inner())[off..off + take].copy_from_slice(&src[at..at + take]);
        }
        Ok(())
    }

    fn len(&self) -> u64 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritten_reads_zero_and_writes_cross_chunks() {
        let m = SparseMemory::new(8 << 30);
        let mut b = [0xaau8; 16];
        m.read(5 << 30, &mut b).unwrap();
        assert_eq!(b, [0; 16]);
        let data: Vec<u8> = (0..3 * CHUNK as usize / 2).map(|i| (i * 7 + 3) as u8).collect();
        let at = 3 * CHUNK - 100;
        m.write(at, &data).unwrap();
        let mut back = vec![0u8; data.len()];
        m.read(at, &mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(m.allocated(), 3 * CHUNK);
    }

    #[test]
    fn bounds_are_checked_without_overflow() {
        let m = SparseMemory::new(1 << 20);
        assert_eq!(
            m.write((1 << 20) - 2, &[1, 2, 3]),
            Err(MemError::OutOfRange { addr: (1 << 20) - 2, len: 3, size: 1 << 20 })
        );
        let mut b = [0u8; 8];
        assert!(m.read(u64::MAX - 3, &mut b).is_err());
        assert!(m.write((1 << 20) - 3, &[1, 2, 3]).is_ok());
    }
}
