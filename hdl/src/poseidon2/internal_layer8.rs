//! `InternalLayer8`: the Goldilocks Poseidon2 internal linear layer `y_i = Σ_j x_j + D_i·x_i`
//! on 8 lanes, followed by the next round's constants. No DSP.
//!
//! Plonky3's width-8 diagonal is `[−2, 1, 2, 1/2, 3, −1/2, −3, −4]`: `±c·2^(−k)` with
//! `k ≤ 1`. Halving is exact after adding `p` to an odd value, and `(x + p)/2 =
//! ⌊x/2⌋ + (p + 1)/2`, so it is a shift and a conditional constant add, canonical as it
//! stands. A negative entry adds `4p − c·x/2^k` instead. The sum of 8 lanes (`< 8p`), a term
//! (`≤ 4p`) and a constant stay below `2^68`; one [`Reduce64`] per lane finishes.
//! Latency [`InternalLayer8::LATENCY`] = 5.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::{Fp, Poseidon2Spec};

use super::internal_layer::{DiagonalTerm, UnsupportedDiagonal};
use crate::field::Reduce64;

seq!(N in 0..8 {
    /// The layer. Build it with [`InternalLayer8::new`].
    #[derive(LogicBlock)]
    pub struct InternalLayer8 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// The lanes are valid this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("Lane ", N, " in, canonical.")]
            pub x~N: Signal<In, Bits<64>>,
        )*
        /// The outputs are valid this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Lane ", N, " out: the layer plus the next round's constant, canonical.")]
            pub y~N: Signal<Out, Bits<64>>,
        )*
        rc: [Constant<Bits<72>>; 8],
        /// Per lane: halve, `c ∈ {2, 4}` as a shift, `c = 3`, sign.
        halve: [Constant<Bit>; 8],
        shl: [Constant<Bits<8>>; 8],
        times3: [Constant<Bit>; 8],
        neg: [Constant<Bit>; 8],
        half_p: Constant<Bits<64>>,
        four_p: Constant<Bits<72>>,
        xin: [Signal<Local, Bits<64>>; 8],
        xw: [Signal<Local, Bits<72>>; 8],
        wide: [Signal<Local, Bits<72>>; 8],
        mag: [Signal<Local, Bits<72>>; 8],
        // Stage 1: x_i / 2^k_i (canonical) and two partial sums of the lanes.
        s1_v: DFF<Bit>,
        s1_half: [DFF<Bits<64>>; 8],
        s1_part: [DFF<Bits<72>>; 2],
        // Stage 2: the signed diagonal terms (0..=4p) and the lane sum (below 8p).
        s2_v: DFF<Bit>,
        s2_term: [DFF<Bits<72>>; 8],
        s2_sum: DFF<Bits<72>>,
        // Stage 3: sum + term + constant, below 13p.
        s3_v: DFF<Bit>,
        s3_z: [DFF<Bits<72>>; 8],
        reduce: [Reduce64; 8],
    }

    impl InternalLayer8 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = 3 + Reduce64::LATENCY;

        /// The layer with the golden model's diagonal, adding `next_rc[i]` (canonical) to lane `i`.
        pub fn new(next_rc: &[u64; 8]) -> Result<Self, UnsupportedDiagonal> {
            Self::with_diagonal(&Poseidon2Spec::for_field(FieldId::Goldilocks).internal_diag, next_rc)
        }

        /// The layer with diagonal `diag` (entries `±c·2^(−k)`, `c ≤ 4`, `k ≤ 1`).
        pub fn with_diagonal(diag: &[u64], next_rc: &[u64; 8]) -> Result<Self, UnsupportedDiagonal> {
            let f = Fp::new(FieldId::Goldilocks);
            let mut terms = [DiagonalTerm { neg: false, c: 1, k: 0 }; 8];
            for (lane, (t, &d)) in terms.iter_mut().zip(diag).enumerate() {
                *t = DiagonalTerm::in_field(f, 1, lane, d)?;
            }
            let p = FieldId::Goldilocks.modulus();
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                rc: next_rc.map(|c| Constant::new(c.to_bits())),
                halve: terms.map(|t| Constant::new(t.k == 1)),
                shl: terms.map(|t| Constant::new(match t.c { 2 => 1u64, 4 => 2, _ => 0 }.to_bits())),
                times3: terms.map(|t| Constant::new(t.c == 3)),
                neg: terms.map(|t| Constant::new(t.neg)),
                half_p: Constant::new((p / 2 + 1).to_bits()),
                four_p: Constant::new(bit_cast::<72, 64>(p.to_bits()) << 2),
                xin: Default::default(),
                xw: Default::default(),
                wide: Default::default(),
                mag: Default::default(),
                s1_v: Default::default(),
                s1_half: Default::default(),
                s1_part: Default::default(),
                s2_v: Default::default(),
                s2_term: Default::default(),
                s2_sum: Default::default(),
                s3_v: Default::default(),
                s3_z: Default::default(),
                reduce: std::array::from_fn(|_| Reduce64::new()),
            })
        }
    }

    impl Logic for InternalLayer8 {
        #[hdl_gen]
        fn update(&mut self) {
            // dff_setup! takes named registers only: the arrays are clocked in the loops, and
            // every element's `d` is assigned on every cycle.
            dff_setup!(self, clock, s1_v, s2_v, s2_sum, s3_v);
            // bit_cast cannot take a loop index: widen lane by lane.
            #(
                self.xin[N].next = self.x~N.val();
                self.xw[N].next = bit_cast::<72, 64>(self.x~N.val());
                self.wide[N].next = bit_cast::<72, 64>(self.s1_half[N].q.val());
            )*
            for i in 0..8 {
                self.s1_half[i].clock.next = self.clock.val();
                if self.halve[i].val() & self.xin[i].val().get_bit(0) {
                    self.s1_half[i].d.next = (self.xin[i].val() >> 1) + self.half_p.val();
                } else if self.halve[i].val() {
                    self.s1_half[i].d.next = self.xin[i].val() >> 1;
                } else {
                    self.s1_half[i].d.next = self.xin[i].val();
                }
            }
            for g in 0..2 {
                self.s1_part[g].clock.next = self.clock.val();
                self.s1_part[g].d.next = self.xw[4 * g].val() + self.xw[4 * g + 1].val() + self.xw[4 * g + 2].val()
                    + self.xw[4 * g + 3].val();
            }
            self.s1_v.d.next = self.valid_in.val();
            for i in 0..8 {
                if self.times3[i].val() {
                    self.mag[i].next = self.wide[i].val() + (self.wide[i].val() << 1);
                } else {
                    self.mag[i].next = self.wide[i].val() << self.shl[i].val();
                }
                self.s2_term[i].clock.next = self.clock.val();
                if self.neg[i].val() {
                    self.s2_term[i].d.next = self.four_p.val() - self.mag[i].val();
                } else {
                    self.s2_term[i].d.next = self.mag[i].val();
                }
            }
            self.s2_sum.d.next = self.s1_part[0].q.val() + self.s1_part[1].q.val();
            self.s2_v.d.next = self.s1_v.q.val();
            for i in 0..8 {
                self.s3_z[i].clock.next = self.clock.val();
                self.s3_z[i].d.next = self.s2_sum.q.val() + self.s2_term[i].q.val() + self.rc[i].val();
            }
            self.s3_v.d.next = self.s2_v.q.val();
            for i in 0..8 {
                self.reduce[i].clock.next = self.clock.val();
                self.reduce[i].valid_in.next = self.s3_v.q.val();
                self.reduce[i].x.next = self.s3_z[i].q.val();
            }
            self.valid_out.next = self.reduce[0].valid_out.val();
            #( self.y~N.next = self.reduce[N].c.val(); )*
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_layer8_is_synthesizable() {
        let mut uut = InternalLayer8::new(&[7; 8]).unwrap();
        uut.connect_all();
        yosys_validate("internal_layer8", &generate_verilog(&uut)).unwrap();
    }
}
