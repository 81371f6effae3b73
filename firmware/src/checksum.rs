//! The payload checksum both sides compute over every DMA payload.
//!
//! The host puts the checksum of a command's input in the descriptor; the card recomputes it
//! over the bytes it actually read from its memory, refuses the command on a mismatch
//! ([`crate::CardError::PayloadChecksum`]) and echoes what it computed in
//! [`crate::regs::PAYLOAD_CRC`]. Results come back with their checksum in
//! [`crate::regs::RESULT_CRC`], which the host checks after the card-to-host transfer. A
//! transfer that lost or flipped bytes on the way is therefore caught in either direction.
//!
//! It is CRC-32 (IEEE) with the top bit cleared. The cleared bit keeps every register of the
//! ABI from ever legitimately reading `0xffff_ffff`, the value a PCIe read returns when the
//! card has fallen off the bus: the host can treat all-ones as "device lost" everywhere.

/// The checksum of `bytes`: CRC-32 (IEEE) with bit 31 cleared.
pub fn checksum(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes) & 0x7fff_ffff
}

/// An incremental checksum, for payloads that arrive in pieces.
#[derive(Clone, Default)]
pub struct Checksum(crc32fast::Hasher);

impl Checksum {
    /// A fresh checksum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` to the payload.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The checksum of everything added.
    pub fn finish(self) -> u32 {
        self.0.finalize() & 0x7fff_ffff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_and_pieces() {
        // CRC-32 of "123456789" is 0xCBF43926; bit 31 cleared.
        assert_eq!(checksum(b"123456789"), 0xCBF4_3926 & 0x7fff_ffff);
        let mut c = Checksum::new();
        c.update(b"1234");
        c.update(b"56789");
        assert_eq!(c.finish(), checksum(b"123456789"));
        assert_ne!(checksum(b"123456789"), checksum(b"123456788"));
    }
}
