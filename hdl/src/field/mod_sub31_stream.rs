//! `ModSub31Stream`: [`ModSub31`] behind valid/ready streams, with back-pressure.
//!
//! The subtractor is a one-stage pipeline that cannot stop, so its results land in a FIFO and
//! [`StreamCredit`] never lets more items in than that FIFO can hold: nothing is lost however long
//! the consumer stalls, and an unstalled stream still moves one item per cycle. Streams let it sit
//! between blocks that pause (a memory port, a host link) without the valid-only handshake's
//! "always ready" contract.
//!
//! `operands.data` is `{b, a}` (`a` in bits 0..32, `b` in bits 32..64); `differences.data` is
//! `a − b mod p`.

use rust_hdl::prelude::*;

use super::{ModSub31, Prime31};
use crate::stream_credit::binary_op_stream;

binary_op_stream!(
    /// The streaming subtractor. Build it with [`ModSub31Stream::new`].
    ModSub31Stream, ModSub31, 32, 64, differences, "`a − b mod p`, canonical."
);

impl ModSub31Stream {
    /// A streaming subtractor for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self::around(ModSub31::new(prime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn mod_sub31_stream_is_synthesizable() {
        let mut uut = ModSub31Stream::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("mod_sub31_stream", &generate_verilog(&uut)).unwrap();
    }
}
