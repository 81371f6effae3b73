//! `ExternalLayer16`: Poseidon2's external linear layer on 16 lanes, followed by the next
//! round's constants, for 31-bit fields. No DSP: every coefficient is 1, 2 or 3.
//!
//! The layer applies `M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]` to each group of four
//! lanes, then adds to each lane the sum of the lanes at its position in every group. `M4`
//! uses Plonky3's addition chain (`t01 = x0+x1`, `t23 = x2+x3`, `t0123 = t01+t23`, then two
//! adds per output), so no output needs a multiplier. Nothing is reduced on the way: a lane
//! leaves `M4` below `7p`, the column sums add `28p` and the round constant `p`, and one
//! [`Reduce31`] per lane brings the `< 36p < 2^37` result back to canonical form.
//!
//! Folding the next round's constants in here saves the add-constant stage at the start of
//! every round: the round that follows goes straight into its S-boxes. Lanes are in
//! Montgomery form; the layer is linear, so it commutes with the form.
//!
//! Latency [`ExternalLayer16::LATENCY`] = 5: group sums, `M4` outputs, column sums with the
//! constants, then the two reduction stages.

use rust_hdl::prelude::*;
use seq_macro::seq;

use crate::field::{Prime31, Reduce31};

seq!(N in 0..16 {
    /// The layer. Build it with [`ExternalLayer16::new`].
    #[derive(LogicBlock)]
    pub struct ExternalLayer16 {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// The lanes are valid this cycle.
        pub valid_in: Signal<In, Bit>,
        #(
            #[doc = concat!("Lane ", N, " in, canonical (Montgomery form).")]
            pub x~N: Signal<In, Bits<32>>,
        )*
        /// The outputs are valid this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Lane ", N, " out: the layer plus the next round's constant, canonical.")]
            pub y~N: Signal<Out, Bits<32>>,
        )*
        /// The next round's constants, Montgomery form (zero after the last round).
        rc: [Constant<Bits<40>>; 16],
        /// The lanes, widened to the lazy width.
        xin: [Signal<Local, Bits<40>>; 16],
        col: [Signal<Local, Bits<40>>; 4],
        // Stage 1, per group of four: t01, t23, t0123, x1, x3, 2·x0, 2·x2.
        s1_v: DFF<Bit>,
        s1_t01: [DFF<Bits<40>>; 4],
        s1_t23: [DFF<Bits<40>>; 4],
        s1_t0123: [DFF<Bits<40>>; 4],
        s1_x1: [DFF<Bits<40>>; 4],
        s1_x3: [DFF<Bits<40>>; 4],
        s1_d0: [DFF<Bits<40>>; 4],
        s1_d2: [DFF<Bits<40>>; 4],
        // Stage 2: the M4 outputs, below 7p.
        s2_v: DFF<Bit>,
        s2_y: [DFF<Bits<40>>; 16],
        // Stage 3: plus the column sum and the constant, below 36p.
        s3_v: DFF<Bit>,
        s3_z: [DFF<Bits<40>>; 16],
        reduce: [Reduce31; 16],
    }

    impl ExternalLayer16 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = 3 + Reduce31::LATENCY;

        /// The layer for `prime`, adding `next_rc[i]` (canonical, not Montgomery form: the
        /// constructor converts) to lane `i`.
        pub fn new(prime: Prime31, next_rc: &[u64; 16]) -> Self {
            Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                rc: next_rc.map(|c| Constant::new(prime.to_mont(c).to_bits())),
                xin: Default::default(),
                col: Default::default(),
                s1_v: Default::default(),
                s1_t01: Default::default(),
                s1_t23: Default::default(),
                s1_t0123: Default::default(),
                s1_x1: Default::default(),
                s1_x3: Default::default(),
                s1_d0: Default::default(),
                s1_d2: Default::default(),
                s2_v: Default::default(),
                s2_y: Default::default(),
                s3_v: Default::default(),
                s3_z: Default::default(),
                reduce: std::array::from_fn(|_| Reduce31::new(prime)),
            }
        }
    }

    impl Logic for ExternalLayer16 {
        #[hdl_gen]
        fn update(&mut self) {
            // dff_setup! takes named registers only: the arrays are clocked in the loops, and
            // every element's `d` is assigned on every cycle.
            dff_setup!(self, clock, s1_v, s2_v, s3_v);
            // Widen before adding (a sum bit_cast wider is sized differently by rust-hdl and
            // by Verilog).
            #( self.xin[N].next = bit_cast::<40, 32>(self.x~N.val()); )*
            // Stage 1.
            for g in 0..4 {
                self.s1_t01[g].clock.next = self.clock.val();
                self.s1_t23[g].clock.next = self.clock.val();
                self.s1_t0123[g].clock.next = self.clock.val();
                self.s1_x1[g].clock.next = self.clock.val();
                self.s1_x3[g].clock.next = self.clock.val();
                self.s1_d0[g].clock.next = self.clock.val();
                self.s1_d2[g].clock.next = self.clock.val();
                self.s1_t01[g].d.next = self.xin[4 * g].val() + self.xin[4 * g + 1].val();
                self.s1_t23[g].d.next = self.xin[4 * g + 2].val() + self.xin[4 * g + 3].val();
                self.s1_t0123[g].d.next = self.xin[4 * g].val() + self.xin[4 * g + 1].val()
                    + self.xin[4 * g + 2].val() + self.xin[4 * g + 3].val();
                self.s1_x1[g].d.next = self.xin[4 * g + 1].val();
                self.s1_x3[g].d.next = self.xin[4 * g + 3].val();
                self.s1_d0[g].d.next = self.xin[4 * g].val() << 1;
                self.s1_d2[g].d.next = self.xin[4 * g + 2].val() << 1;
            }
            self.s1_v.d.next = self.valid_in.val();
            // Stage 2: 2x0+3x1+x2+x3, x0+2x1+3x2+x3, x0+x1+2x2+3x3, 3x0+x1+x2+2x3.
            for g in 0..4 {
                self.s2_y[4 * g].d.next = self.s1_t0123[g].q.val() + self.s1_x1[g].q.val() + self.s1_t01[g].q.val();
                self.s2_y[4 * g + 1].d.next = self.s1_t0123[g].q.val() + self.s1_x1[g].q.val() + self.s1_d2[g].q.val();
                self.s2_y[4 * g + 2].d.next = self.s1_t0123[g].q.val() + self.s1_x3[g].q.val() + self.s1_t23[g].q.val();
                self.s2_y[4 * g + 3].d.next = self.s1_t0123[g].q.val() + self.s1_x3[g].q.val() + self.s1_d0[g].q.val();
            }
            self.s2_v.d.next = self.s1_v.q.val();
            // Stage 3.
            for k in 0..4 {
                self.col[k].next = self.s2_y[k].q.val() + self.s2_y[k + 4].q.val() + self.s2_y[k + 8].q.val()
                    + self.s2_y[k + 12].q.val();
            }
            for i in 0..16 {
                self.s2_y[i].clock.next = self.clock.val();
                self.s3_z[i].clock.next = self.clock.val();
                self.s3_z[i].d.next = self.s2_y[i].q.val() + self.col[i % 4].val() + self.rc[i].val();
            }
            self.s3_v.d.next = self.s2_v.q.val();
            // Stages 4–5.
            for i in 0..16 {
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
    use slotproof_core::FieldId;

    #[test]
    fn external_layer16_is_synthesizable() {
        let mut uut = ExternalLayer16::new(Prime31::new(FieldId::BabyBear).unwrap(), &[7; 16]);
        uut.connect_all();
        yosys_validate("external_layer16", &generate_verilog(&uut)).unwrap();
    }
}
