//! `GoldilocksMul`: pipelined multiplier modulo `p = 2^64 − 2^32 + 1`.
//!
//! Latency [`GoldilocksMul::LATENCY`] = 6, initiation interval 1. The 64×64 product is
//! sixteen 16×16 partial products (16 DSP48E2), summed by column then into 128 bits; the
//! reduction needs no multiplier because `2^64 ≡ 2^32 − 1` and `2^96 ≡ −1 (mod p)`:
//! for `x = x_lo + 2^64·(x_hl + 2^32·x_hh)`, `x ≡ x_lo − x_hh + (2^32 − 1)·x_hl`.
//!
//! Inputs and output are canonical (`< p`), plain (not Montgomery) values.

use rust_hdl::prelude::*;

/// The multiplier.
#[derive(LogicBlock)]
pub struct GoldilocksMul {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Operands are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// First operand, canonical.
    pub a: Signal<In, Bits<64>>,
    /// Second operand, canonical.
    pub b: Signal<In, Bits<64>>,
    /// `c` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `a · b mod p`, canonical.
    pub c: Signal<Out, Bits<64>>,
    p: Constant<Bits<64>>,
    epsilon: Constant<Bits<64>>,
    a0: Signal<Local, Bits<16>>,
    a1: Signal<Local, Bits<16>>,
    a2: Signal<Local, Bits<16>>,
    a3: Signal<Local, Bits<16>>,
    b0: Signal<Local, Bits<16>>,
    b1: Signal<Local, Bits<16>>,
    b2: Signal<Local, Bits<16>>,
    b3: Signal<Local, Bits<16>>,
    x_hi: Signal<Local, Bits<64>>,
    x_hh: Signal<Local, Bits<64>>,
    x_hl: Signal<Local, Bits<64>>,
    // Stage 1: a_i · b_j, one DSP each.
    s1_v: DFF<Bit>,
    s1_p00: DFF<Bits<32>>,
    s1_p01: DFF<Bits<32>>,
    s1_p02: DFF<Bits<32>>,
    s1_p03: DFF<Bits<32>>,
    s1_p10: DFF<Bits<32>>,
    s1_p11: DFF<Bits<32>>,
    s1_p12: DFF<Bits<32>>,
    s1_p13: DFF<Bits<32>>,
    s1_p20: DFF<Bits<32>>,
    s1_p21: DFF<Bits<32>>,
    s1_p22: DFF<Bits<32>>,
    s1_p23: DFF<Bits<32>>,
    s1_p30: DFF<Bits<32>>,
    s1_p31: DFF<Bits<32>>,
    s1_p32: DFF<Bits<32>>,
    s1_p33: DFF<Bits<32>>,
    // Stage 2: column sums c_k = Σ_{i+j=k} a_i·b_j (≤ 4 products, < 2^34).
    s2_v: DFF<Bit>,
    s2_c0: DFF<Bits<64>>,
    s2_c1: DFF<Bits<64>>,
    s2_c2: DFF<Bits<64>>,
    s2_c3: DFF<Bits<64>>,
    s2_c4: DFF<Bits<64>>,
    s2_c5: DFF<Bits<64>>,
    s2_c6: DFF<Bits<64>>,
    // Stage 3: the 128-bit product x = Σ c_k·2^(16k).
    s3_v: DFF<Bit>,
    s3_x: DFF<Bits<128>>,
    // Stage 4: t0 = x_lo − x_hh (borrow repaired by −(2^32 − 1)), t1 = (2^32 − 1)·x_hl.
    s4_v: DFF<Bit>,
    s4_t0: DFF<Bits<64>>,
    s4_t1: DFF<Bits<64>>,
    // Stage 5: t2 = t0 + t1 (carry repaired by +(2^32 − 1)), < 2^64.
    s5_v: DFF<Bit>,
    s5_t2: DFF<Bits<64>>,
    s5_sum: Signal<Local, Bits<64>>,
    // Stage 6: canonical.
    s6_v: DFF<Bit>,
    s6_c: DFF<Bits<64>>,
}

impl Default for GoldilocksMul {
    fn default() -> Self {
        Self::new()
    }
}

impl GoldilocksMul {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 6;

    /// The multiplier.
    pub fn new() -> Self {
        Self::with_epsilon(0xffff_ffff)
    }

    /// A multiplier whose reduction uses a wrong `2^32 − 1` (here `2^32 − 2`), for negative
    /// controls: every checker must reject it.
    pub fn with_wrong_epsilon() -> Self {
        Self::with_epsilon(0xffff_fffe)
    }

    fn with_epsilon(epsilon: u64) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(0xffff_ffff_0000_0001u64.to_bits()),
            epsilon: Constant::new(epsilon.to_bits()),
            a0: Default::default(),
            a1: Default::default(),
            a2: Default::default(),
            a3: Default::default(),
            b0: Default::default(),
            b1: Default::default(),
            b2: Default::default(),
            b3: Default::default(),
            x_hi: Default::default(),
            x_hh: Default::default(),
            x_hl: Default::default(),
            s1_v: Default::default(),
            s1_p00: Default::default(),
            s1_p01: Default::default(),
            s1_p02: Default::default(),
            s1_p03: Default::default(),
            s1_p10: Default::default(),
            s1_p11: Default::default(),
            s1_p12: Default::default(),
            s1_p13: Default::default(),
            s1_p20: Default::default(),
            s1_p21: Default::default(),
            s1_p22: Default::default(),
            s1_p23: Default::default(),
            s1_p30: Default::default(),
            s1_p31: Default::default(),
            s1_p32: Default::default(),
            s1_p33: Default::default(),
            s2_v: Default::default(),
            s2_c0: Default::default(),
            s2_c1: Default::default(),
            s2_c2: Default::default(),
            s2_c3: Default::default(),
            s2_c4: Default::default(),
            s2_c5: Default::default(),
            s2_c6: Default::default(),
            s3_v: Default::default(),
            s3_x: Default::default(),
            s4_v: Default::default(),
            s4_t0: Default::default(),
            s4_t1: Default::default(),
            s5_v: Default::default(),
            s5_t2: Default::default(),
            s5_sum: Default::default(),
            s6_v: Default::default(),
            s6_c: Default::default(),
        }
    }
}

impl Logic for GoldilocksMul {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s1_v, s1_p00, s1_p01, s1_p02, s1_p03, s1_p10, s1_p11, s1_p12, s1_p13, s1_p20, s1_p21, s1_p22,
            s1_p23, s1_p30, s1_p31, s1_p32, s1_p33, s2_v, s2_c0, s2_c1, s2_c2, s2_c3, s2_c4, s2_c5, s2_c6, s3_v, s3_x,
            s4_v, s4_t0, s4_t1, s5_v, s5_t2, s6_v, s6_c
        );
        // Stage 1.
        self.a0.next = self.a.val().get_bits::<16>(0);
        self.a1.next = self.a.val().get_bits::<16>(16);
        self.a2.next = self.a.val().get_bits::<16>(32);
        self.a3.next = self.a.val().get_bits::<16>(48);
        self.b0.next = self.b.val().get_bits::<16>(0);
        self.b1.next = self.b.val().get_bits::<16>(16);
        self.b2.next = self.b.val().get_bits::<16>(32);
        self.b3.next = self.b.val().get_bits::<16>(48);
        self.s1_p00.d.next = self.a0.val() * self.b0.val();
        self.s1_p01.d.next = self.a0.val() * self.b1.val();
        self.s1_p02.d.next = self.a0.val() * self.b2.val();
        self.s1_p03.d.next = self.a0.val() * self.b3.val();
        self.s1_p10.d.next = self.a1.val() * self.b0.val();
        self.s1_p11.d.next = self.a1.val() * self.b1.val();
        self.s1_p12.d.next = self.a1.val() * self.b2.val();
        self.s1_p13.d.next = self.a1.val() * self.b3.val();
        self.s1_p20.d.next = self.a2.val() * self.b0.val();
        self.s1_p21.d.next = self.a2.val() * self.b1.val();
        self.s1_p22.d.next = self.a2.val() * self.b2.val();
        self.s1_p23.d.next = self.a2.val() * self.b3.val();
        self.s1_p30.d.next = self.a3.val() * self.b0.val();
        self.s1_p31.d.next = self.a3.val() * self.b1.val();
        self.s1_p32.d.next = self.a3.val() * self.b2.val();
        self.s1_p33.d.next = self.a3.val() * self.b3.val();
        self.s1_v.d.next = self.valid_in.val();
        // Stage 2. Operands widened before adding (pitfall 2 of notes/rust-hdl.md).
        self.s2_c0.d.next = bit_cast::<64, 32>(self.s1_p00.q.val());
        self.s2_c1.d.next = bit_cast::<64, 32>(self.s1_p01.q.val()) + bit_cast::<64, 32>(self.s1_p10.q.val());
        self.s2_c2.d.next = bit_cast::<64, 32>(self.s1_p02.q.val())
            + bit_cast::<64, 32>(self.s1_p11.q.val())
            + bit_cast::<64, 32>(self.s1_p20.q.val());
        self.s2_c3.d.next = bit_cast::<64, 32>(self.s1_p03.q.val())
            + bit_cast::<64, 32>(self.s1_p12.q.val())
            + bit_cast::<64, 32>(self.s1_p21.q.val())
            + bit_cast::<64, 32>(self.s1_p30.q.val());
        self.s2_c4.d.next = bit_cast::<64, 32>(self.s1_p13.q.val())
            + bit_cast::<64, 32>(self.s1_p22.q.val())
            + bit_cast::<64, 32>(self.s1_p31.q.val());
        self.s2_c5.d.next = bit_cast::<64, 32>(self.s1_p23.q.val()) + bit_cast::<64, 32>(self.s1_p32.q.val());
        self.s2_c6.d.next = bit_cast::<64, 32>(self.s1_p33.q.val());
        self.s2_v.d.next = self.s1_v.q.val();
        // Stage 3.
        self.s3_x.d.next = bit_cast::<128, 64>(self.s2_c0.q.val())
            + (bit_cast::<128, 64>(self.s2_c1.q.val()) << 16)
            + (bit_cast::<128, 64>(self.s2_c2.q.val()) << 32)
            + (bit_cast::<128, 64>(self.s2_c3.q.val()) << 48)
            + (bit_cast::<128, 64>(self.s2_c4.q.val()) << 64)
            + (bit_cast::<128, 64>(self.s2_c5.q.val()) << 80)
            + (bit_cast::<128, 64>(self.s2_c6.q.val()) << 96);
        self.s3_v.d.next = self.s2_v.q.val();
        // Stage 4. A borrow means the 64-bit result wrapped by 2^64 ≡ 2^32 − 1: take it back.
        self.x_hi.next = self.s3_x.q.val().get_bits::<64>(64);
        self.x_hh.next = bit_cast::<64, 32>(self.x_hi.val().get_bits::<32>(32));
        self.x_hl.next = bit_cast::<64, 32>(self.x_hi.val().get_bits::<32>(0));
        if self.s3_x.q.val().get_bits::<64>(0) < self.x_hh.val() {
            self.s4_t0.d.next = self.s3_x.q.val().get_bits::<64>(0) - self.x_hh.val() - self.epsilon.val();
        } else {
            self.s4_t0.d.next = self.s3_x.q.val().get_bits::<64>(0) - self.x_hh.val();
        }
        self.s4_t1.d.next = (self.x_hl.val() << 32) - self.x_hl.val();
        self.s4_v.d.next = self.s3_v.q.val();
        // Stage 5. A carry out of 64 bits is worth 2^64 ≡ 2^32 − 1: add it back.
        self.s5_sum.next = self.s4_t0.q.val() + self.s4_t1.q.val();
        if self.s5_sum.val() < self.s4_t0.q.val() {
            self.s5_t2.d.next = self.s5_sum.val() + self.epsilon.val();
        } else {
            self.s5_t2.d.next = self.s5_sum.val();
        }
        self.s5_v.d.next = self.s4_v.q.val();
        // Stage 6.
        if self.s5_t2.q.val() >= self.p.val() {
            self.s6_c.d.next = self.s5_t2.q.val() - self.p.val();
        } else {
            self.s6_c.d.next = self.s5_t2.q.val();
        }
        self.s6_v.d.next = self.s5_v.q.val();
        self.valid_out.next = self.s6_v.q.val();
        self.c.next = self.s6_c.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goldilocks_mul_is_synthesizable() {
        let mut uut = GoldilocksMul::new();
        uut.connect_all();
        yosys_validate("goldilocks_mul", &generate_verilog(&uut)).unwrap();
    }
}
