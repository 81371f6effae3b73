//! `PayloadCrc`: the ABI's payload checksum (`slotproof_firmware::checksum`, CRC-32 IEEE with
//! bit 31 cleared) over a stream of 32-bit words, one word per cycle.
//!
//! The card recomputes the checksum of every command's input as it reads it (refusing a
//! payload whose checksum differs from `SRC_CRC`, and echoing it in `PAYLOAD_CRC`), and of
//! every result as it writes it (`RESULT_CRC`), so a word must be absorbed in the cycle its
//! beat arrives: the memory port never waits for the checksum.
//!
//! # Why one XOR layer per word
//!
//! The reflected CRC register update for one byte is `c ← step⁸(c ⊕ byte)`, `step` the
//! shift-and-conditionally-xor-the-polynomial of one bit, which is linear over GF(2). A
//! little-endian word is four bytes in order, so the update for a word is
//! `c ← L(c ⊕ word)` with `L = step³²`, a fixed 32×32 bit matrix: output bit `j` is the
//! parity of `(c ⊕ word)` masked by row `j`. The block holds `L`'s columns as constants,
//! computed at construction by running `step` on each unit vector, and adds the columns
//! selected by the bits of `c ⊕ word`: 32 XOR trees of at most 32 inputs, no carry chain and
//! no loop, so it closes timing at the memory clock. The register starts at all ones; the
//! checksum is its complement with bit 31 cleared (the ABI keeps all-ones for a dead link).
//!
//! # Interface
//!
//! `valid_in` with `word` absorbs the word (`clear` first restarts the checksum, so a payload
//! starts with `clear` on its first word). One cycle later `valid_out` is high and `crc` is
//! the checksum of the payload so far, the first word up to this one. `crc` holds between
//! words.

use rust_hdl::prelude::*;
use seq_macro::seq;

/// The reflected CRC-32 (IEEE) polynomial.
const POLY: u32 = 0xEDB8_8320;

/// `step³²` of the reflected register: 32 bit-serial steps, all data bits already xored in.
fn shift_word(poly: u32, mut c: u32) -> u32 {
    for _ in 0..32 {
        c = (c >> 1) ^ (poly & (c & 1).wrapping_neg());
    }
    c
}

seq!(N in 0..32 {
    /// The checksum unit. Build it with [`PayloadCrc::new`].
    #[derive(LogicBlock)]
    pub struct PayloadCrc {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// A word is absorbed this cycle.
        pub valid_in: Signal<In, Bit>,
        /// This word starts a new payload.
        pub clear: Signal<In, Bit>,
        /// The word: payload bytes `4k..4k+4`, little-endian.
        pub word: Signal<In, Bits<32>>,
        /// The checksum below was updated by a word on the previous edge.
        pub valid_out: Signal<Out, Bit>,
        /// The checksum of the payload so far.
        pub crc: Signal<Out, Bits<32>>,
        s1_valid: DFF<Bit>,
        c: DFF<Bits<32>>,
        x: Signal<Local, Bits<32>>,
        ones: Constant<Bits<32>>,
        low31: Constant<Bits<32>>,
        #(col~N: Constant<Bits<32>>,)*
    }

    impl PayloadCrc {
        /// Cycles from a word to the checksum that includes it.
        pub const LATENCY: usize = 1;

        /// The unit.
        pub fn new() -> Self {
            Self::with_polynomial(POLY)
        }

        /// The unit for another reflected polynomial (a negative control: CRC-32C's
        /// `0x82F63B78` must disagree with the ABI's checksum).
        pub fn with_polynomial(poly: u32) -> Self {
            Self {
                clock: Default::default(),
                valid_in: Default::default(),
                clear: Default::default(),
                word: Default::default(),
                valid_out: Default::default(),
                crc: Default::default(),
                s1_valid: Default::default(),
                c: Default::default(),
                x: Default::default(),
                ones: Constant::new(u64::from(u32::MAX).to_bits()),
                low31: Constant::new(0x7fff_ffffu64.to_bits()),
                #(col~N: Constant::new(u64::from(shift_word(poly, 1 << N)).to_bits()),)*
            }
        }
    }

    impl Default for PayloadCrc {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Logic for PayloadCrc {
        #[hdl_gen]
        fn update(&mut self) {
            dff_setup!(self, clock, s1_valid, c);
            // The register before this word: all ones at the start of a payload.
            if self.clear.val() {
                self.x.next = self.ones.val() ^ self.word.val();
            } else {
                self.x.next = self.c.q.val() ^ self.word.val();
            }
            if self.valid_in.val() {
                // L(x): the columns of L that x's set bits select, added.
                self.c.d.next = 0 #(^ (self.col~N.val() & (0 - bit_cast::<32, 1>(self.x.val().get_bits::<1>(N)))))*;
            }
            self.s1_valid.d.next = self.valid_in.val();
            self.valid_out.next = self.s1_valid.q.val();
            self.crc.next = !self.c.q.val() & self.low31.val();
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The matrix form agrees with the byte-wise CRC it was derived from.
    #[test]
    fn word_update_is_the_bytewise_crc() {
        let words = [0x0403_0201u32, 0xdead_beef, 0, u32::MAX];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut c = u32::MAX;
        for &w in &words {
            let x = c ^ w;
            c = (0..32).filter(|k| x >> k & 1 == 1).fold(0, |acc, k| acc ^ shift_word(POLY, 1 << k));
        }
        assert_eq!(!c & 0x7fff_ffff, slotproof_firmware::checksum::checksum(&bytes));
    }

    #[test]
    fn payload_crc_is_synthesizable() {
        let mut uut = PayloadCrc::new();
        uut.connect_all();
        yosys_validate("payload_crc", &generate_verilog(&uut)).unwrap();
    }
}
