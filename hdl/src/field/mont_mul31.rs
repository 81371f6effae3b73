//! `MontMul31`: pipelined Montgomery multiplier for `p = 2^31 − 2^s + 1`.
//!
//! Latency [`MontMul31::LATENCY`] = 5 cycles, initiation interval 1. Resources (xcup): 4
//! DSP48E2 for the four 16×16 partial products; the reduction is shifts and adds.
//!
//! `c = a · b · 2^(−32) mod p` for canonical `a, b < p`. Feed one operand in Montgomery form
//! (`b·2^32 mod p`, as a twiddle or round-constant ROM stores it) and the result is the plain
//! product `a · b mod p`: no conversion stage.

use rust_hdl::prelude::*;

use super::Prime31;

/// The multiplier. Build it with [`MontMul31::new`].
#[derive(LogicBlock)]
pub struct MontMul31 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Operands are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// First operand, canonical.
    pub a: Signal<In, Bits<32>>,
    /// Second operand, canonical.
    pub b: Signal<In, Bits<32>>,
    /// `c` is valid this cycle (`valid_in` delayed by the latency).
    pub valid_out: Signal<Out, Bit>,
    /// `a · b · 2^(−32) mod p`, canonical.
    pub c: Signal<Out, Bits<32>>,
    p: Constant<Bits<32>>,
    s: Constant<Bits<8>>,
    a_lo: Signal<Local, Bits<16>>,
    a_hi: Signal<Local, Bits<16>>,
    b_lo: Signal<Local, Bits<16>>,
    b_hi: Signal<Local, Bits<16>>,
    lh_plus_hl: Signal<Local, Bits<64>>,
    x_lo: Signal<Local, Bits<32>>,
    m64: Signal<Local, Bits<64>>,
    redc: Signal<Local, Bits<64>>,
    // Stage 1: the four 16×16 partial products (one DSP each).
    s1_v: DFF<Bit>,
    s1_ll: DFF<Bits<32>>,
    s1_lh: DFF<Bits<32>>,
    s1_hl: DFF<Bits<32>>,
    s1_hh: DFF<Bits<32>>,
    // Stage 2: the 62-bit product x = a·b.
    s2_v: DFF<Bit>,
    s2_x: DFF<Bits<64>>,
    // Stage 3: m = x mod 2^32 · (−p^(−1)) mod 2^32, with −p^(−1) = 2^31 − 2^s − 1.
    s3_v: DFF<Bit>,
    s3_x: DFF<Bits<64>>,
    s3_m: DFF<Bits<32>>,
    // Stage 4: t = (x + m·p) / 2^32 < 2p, with m·p = m·2^31 − m·2^s + m.
    s4_v: DFF<Bit>,
    s4_t: DFF<Bits<32>>,
    // Stage 5: t mod p.
    s5_v: DFF<Bit>,
    s5_c: DFF<Bits<32>>,
}

impl MontMul31 {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 5;

    /// A multiplier for `prime`.
    pub fn new(prime: Prime31) -> Self {
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            p: Constant::new(prime.p.to_bits()),
            s: Constant::new(prime.s.to_bits()),
            a_lo: Default::default(),
            a_hi: Default::default(),
            b_lo: Default::default(),
            b_hi: Default::default(),
            lh_plus_hl: Default::default(),
            x_lo: Default::default(),
            m64: Default::default(),
            redc: Default::default(),
            s1_v: Default::default(),
            s1_ll: Default::default(),
            s1_lh: Default::default(),
            s1_hl: Default::default(),
            s1_hh: Default::default(),
            s2_v: Default::default(),
            s2_x: Default::default(),
            s3_v: Default::default(),
            s3_x: Default::default(),
            s3_m: Default::default(),
            s4_v: Default::default(),
            s4_t: Default::default(),
            s5_v: Default::default(),
            s5_c: Default::default(),
        }
    }
}

impl Logic for MontMul31 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v, s1_ll, s1_lh, s1_hl, s1_hh, s2_v, s2_x, s3_v, s3_x, s3_m, s4_v, s4_t, s5_v, s5_c);
        // Stage 1. Only 16×16 products exist in rust-hdl, and they are what a DSP48E2 or an
        // SB_MAC16 does in one cycle.
        self.a_lo.next = self.a.val().get_bits::<16>(0);
        self.a_hi.next = self.a.val().get_bits::<16>(16);
        self.b_lo.next = self.b.val().get_bits::<16>(0);
        self.b_hi.next = self.b.val().get_bits::<16>(16);
        self.s1_ll.d.next = self.a_lo.val() * self.b_lo.val();
        self.s1_lh.d.next = self.a_lo.val() * self.b_hi.val();
        self.s1_hl.d.next = self.a_hi.val() * self.b_lo.val();
        self.s1_hh.d.next = self.a_hi.val() * self.b_hi.val();
        self.s1_v.d.next = self.valid_in.val();
        // Stage 2. Widen every operand before adding (never bit_cast a sum: rust-hdl and
        // Verilog size it differently).
        self.lh_plus_hl.next = bit_cast::<64, 32>(self.s1_lh.q.val()) + bit_cast::<64, 32>(self.s1_hl.q.val());
        self.s2_x.d.next = bit_cast::<64, 32>(self.s1_ll.q.val())
            + (self.lh_plus_hl.val() << 16)
            + (bit_cast::<64, 32>(self.s1_hh.q.val()) << 32);
        self.s2_v.d.next = self.s1_v.q.val();
        // Stage 3. Wraps at 32 bits on purpose: m is only needed mod 2^32.
        self.x_lo.next = self.s2_x.q.val().get_bits::<32>(0);
        self.s3_m.d.next = (self.x_lo.val() << 31) - (self.x_lo.val() << self.s.val()) - self.x_lo.val();
        self.s3_x.d.next = self.s2_x.q.val();
        self.s3_v.d.next = self.s2_v.q.val();
        // Stage 4. x + m·2^31 ≥ m·2^s, so the running sum never goes negative, and
        // x + m·p < 2p·2^32 < 2^64.
        self.m64.next = bit_cast::<64, 32>(self.s3_m.q.val());
        self.redc.next = self.s3_x.q.val() + (self.m64.val() << 31) - (self.m64.val() << self.s.val()) + self.m64.val();
        self.s4_t.d.next = self.redc.val().get_bits::<32>(32);
        self.s4_v.d.next = self.s3_v.q.val();
        // Stage 5.
        if self.s4_t.q.val() >= self.p.val() {
            self.s5_c.d.next = self.s4_t.q.val() - self.p.val();
        } else {
            self.s5_c.d.next = self.s4_t.q.val();
        }
        self.s5_v.d.next = self.s4_v.q.val();
        self.valid_out.next = self.s5_v.q.val();
        self.c.next = self.s5_c.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn mont_mul31_is_synthesizable() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let mut uut = MontMul31::new(Prime31::new(field).unwrap());
            uut.connect_all();
            yosys_validate(&format!("mont_mul31_{field}"), &generate_verilog(&uut)).unwrap();
        }
    }
}
