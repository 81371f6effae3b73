//! The error codes a card reports in [`crate::regs::ERROR_CODE`]`.CODE`.

macro_rules! card_errors {
    ($( $(#[doc = $doc:literal])+ $name:ident = $code:literal, $mnemonic:literal; )+) => {
        /// Why the card refused or abandoned a command.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum CardError {
            $( $(#[doc = $doc])+ $name = $code, )+
        }

        impl CardError {
            /// Every code, in order.
            pub const ALL: &[CardError] = &[$(CardError::$name),+];

            /// Decodes a code; 0 (no error) and unknown codes give `None`.
            pub const fn from_code(code: u8) -> Option<CardError> {
                match code {
                    $( $code => Some(CardError::$name), )+
                    _ => None,
                }
            }

            /// The name in the tables.
            pub const fn mnemonic(self) -> &'static str {
                match self { $( CardError::$name => $mnemonic, )+ }
            }

            /// What it means, for the user.
            pub const fn doc(self) -> &'static str {
                match self { $( CardError::$name => concat!($($doc),+), )+ }
            }
        }
    };
}

card_errors! {
    /// The descriptor does not decode (unknown opcode, field or flags, reserved bits set);
    /// `ERROR_CODE.WORD` names the word.
    BadDescriptor = 1, "BAD_DESCRIPTOR";
    /// The bitstream lacks the capability (field or opcode) the command needs.
    Unsupported = 2, "UNSUPPORTED";
    /// The shape is outside the card's limits (height, blowup, columns, count).
    BadShape = 3, "BAD_SHAPE";
    /// An address range falls outside its memory-map region.
    OutOfBounds = 4, "OUT_OF_BOUNDS";
    /// The input payload's checksum differs from SRC_CRC: the transfer was damaged.
    PayloadChecksum = 5, "PAYLOAD_CHECKSUM";
    /// Twiddles or round constants for the field are not loaded, or are wrong.
    TablesNotLoaded = 6, "TABLES_NOT_LOADED";
    /// The doorbell value differs from the descriptor's sequence number.
    BadSequence = 7, "BAD_SEQUENCE";
    /// The doorbell rang while a command was running.
    Busy = 8, "BUSY";
    /// An uncorrectable memory error during the command: its results are invalid.
    MemoryEcc = 9, "MEMORY_ECC";
    /// A batch arrived out of order (no FIRST, or a width not a multiple of the rate before LAST).
    BadBatchOrder = 10, "BAD_BATCH_ORDER";
    /// An element of the input is out of range: an MSM point coordinate not below p, a point
    /// off the curve, a scalar not below the group order. `ERROR_CODE.WORD` names the operand.
    BadOperandValue = 11, "BAD_OPERAND_VALUE";
}

impl core::fmt::Display for CardError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.mnemonic(), self.doc())
    }
}

impl core::error::Error for CardError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_zero_is_no_error() {
        assert_eq!(CardError::from_code(0), None);
        for &e in CardError::ALL {
            assert_eq!(CardError::from_code(e as u8), Some(e));
        }
    }
}
