//! `GoldilocksMulStream`: [`GoldilocksMul`] behind valid/ready streams, with back-pressure.
//!
//! The multiplier's six stages cannot stop, so its products land in a FIFO and [`StreamCredit`]
//! never lets more operand pairs in than that FIFO can hold: nothing is lost however long the
//! consumer stalls, and an unstalled stream still moves one pair per cycle (the depth is sized from
//! the latency).
//!
//! `operands.data` is `{b, a}` (`a` in bits 0..64, `b` in bits 64..128); `products.data` is
//! `a · b mod (2^64 − 2^32 + 1)`, canonical.

use rust_hdl::prelude::*;

use super::GoldilocksMul;
use crate::stream_credit::binary_op_stream;

binary_op_stream!(
    /// The streaming Goldilocks multiplier. Build it with [`GoldilocksMulStream::new`].
    GoldilocksMulStream, GoldilocksMul, 64, 128, products, "Products `a · b mod p`, canonical."
);

impl GoldilocksMulStream {
    /// The streaming multiplier.
    pub fn new() -> Self {
        Self::around(GoldilocksMul::new())
    }
}

impl Default for GoldilocksMulStream {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goldilocks_mul_stream_is_synthesizable() {
        let mut uut = GoldilocksMulStream::new();
        uut.connect_all();
        yosys_validate("goldilocks_mul_stream", &generate_verilog(&uut)).unwrap();
    }
}
