//! `MontMul31Stream`: [`MontMul31`] behind valid/ready streams, with back-pressure.
//!
//! A fixed-latency pipeline cannot stop, so the wrapper never lets more items in than its result
//! FIFO can hold ([`StreamCredit`] counts them). Results then always find room, however long the
//! consumer stalls, and with a consumer that never stalls it still takes one item per cycle (the
//! FIFO's depth is sized from the multiplier's latency).
//!
//! `operands.data` is `{b, a}` (`a` in bits 0..32, `b` in bits 32..64); `products.data` is
//! `a · b · 2^(−32) mod p`.

use rust_hdl::prelude::*;

use super::{MontMul31, Prime31};
use crate::stream_credit::binary_op_stream;

binary_op_stream!(
    /// The streaming multiplier. Build it with [`MontMul31Stream::new`].
    MontMul31Stream, MontMul31, 32, 64, products, "Products `a · b · 2^(−32) mod p`."
);

impl MontMul31Stream {
    /// A streaming multiplier for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self::around(MontMul31::new(prime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn mont_mul31_stream_is_synthesizable() {
        let mut uut = MontMul31Stream::new(Prime31::new(FieldId::BabyBear).unwrap());
        uut.connect_all();
        yosys_validate("mont_mul31_stream", &generate_verilog(&uut)).unwrap();
    }
}
