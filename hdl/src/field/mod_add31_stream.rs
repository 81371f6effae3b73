//! `ModAdd31Stream`: [`ModAdd31`] behind valid/ready streams, with back-pressure.
//!
//! The adder is a one-stage pipeline that cannot stop, so its results land in a FIFO and
//! [`StreamCredit`] never lets more items in than that FIFO can hold: nothing is lost however long
//! the consumer stalls, and an unstalled stream still moves one item per cycle. Streams let it sit
//! between blocks that pause (a memory port, a host link) without the valid-only handshake's
//! "always ready" contract.
//!
//! `operands.data` is `{b, a}` (`a` in bits 0..32, `b` in bits 32..64); `sums.data` is
//! `a + b mod p`.

use rust_hdl::prelude::*;

use super::{ModAdd31, Prime31};
use crate::stream_credit::binary_op_stream;

binary_op_stream!(
    /// The streaming adder. Build it with [`ModAdd31Stream::new`].
    ModAdd31Stream, ModAdd31, 32, 64, sums, "`a + b mod p`, canonical."
);

impl ModAdd31Stream {
    /// A streaming adder for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self::around(ModAdd31::new(prime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn mod_add31_stream_is_synthesizable() {
        let mut uut = ModAdd31Stream::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("mod_add31_stream", &generate_verilog(&uut)).unwrap();
    }
}
