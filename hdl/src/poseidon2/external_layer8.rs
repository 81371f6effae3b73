//! `ExternalLayer8`: the Goldilocks Poseidon2 external linear layer on 8 lanes, followed by
//! the next round's constants. The same `M4` addition chain and column sums as
//! [`super::ExternalLayer16`], over two groups of four; lanes leave `M4` below `7p`, the
//! column sums add `14p` and the constant `p`, and one [`Reduce64`] per lane brings the
//! `< 22p < 2^69` result back to canonical form. Lanes are canonical (Goldilocks has no
//! Montgomery form here). Latency [`ExternalLayer8::LATENCY`] = 5.

use rust_hdl::prelude::*;
use seq_macro::seq;

use crate::field::Reduce64;

seq!(N in 0..8 {
    /// The layer. Build it with [`ExternalLayer8::new`].
    #[derive(LogicBlock)]
    pub struct ExternalLayer8 {
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
        xin: [Signal<Local, Bits<72>>; 8],
        col: [Signal<Local, Bits<72>>; 4],
        // Stage 1, per group of four: t01, t23, t0123, x1, x3, 2·x0, 2·x2.
        s1_v: DFF<Bit>,
        s1_t01: [DFF<Bits<72>>; 2],
        s1_t23: [DFF<Bits<72>>; 2],
        s1_t0123: [DFF<Bits<72>>; 2],
        s1_x1: [DFF<Bits<72>>; 2],
        s1_x3: [DFF<Bits<72>>; 2],
        s1_d0: [DFF<Bits<72>>; 2],
        s1_d2: [DFF<Bits<72>>; 2],
        // Stage 2: the M4 outputs, below 7p.
        s2_v: DFF<Bit>,
        s2_y: [DFF<Bits<72>>; 8],
        // Stage 3: plus the column sum and the constant, below 22p.
        s3_v: DFF<Bit>,
        s3_z: [DFF<Bits<72>>; 8],
        reduce: [Reduce64; 8],
    }

    impl ExternalLayer8 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = 3 + Reduce64::LATENCY;

        /// The layer, adding `next_rc[i]` (canonical) to lane `i`.
        pub fn new(next_rc: &[u64; 8]) -> Self {
            Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                rc: next_rc.map(|c| Constant::new(c.to_bits())),
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
                reduce: std::array::from_fn(|_| Reduce64::new()),
            }
        }
    }

    impl Logic for ExternalLayer8 {
        #[hdl_gen]
        fn update(&mut self) {
            // dff_setup! takes named registers only: the arrays are clocked in the loops, and
            // every element's `d` is assigned on every cycle.
            dff_setup!(self, clock, s1_v, s2_v, s3_v);
            #( self.xin[N].next = bit_cast::<72, 64>(self.x~N.val()); )*
            for g in 0..2 {
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
            for g in 0..2 {
                self.s2_y[4 * g].d.next = self.s1_t0123[g].q.val() + self.s1_x1[g].q.val() + self.s1_t01[g].q.val();
                self.s2_y[4 * g + 1].d.next = self.s1_t0123[g].q.val() + self.s1_x1[g].q.val() + self.s1_d2[g].q.val();
                self.s2_y[4 * g + 2].d.next = self.s1_t0123[g].q.val() + self.s1_x3[g].q.val() + self.s1_t23[g].q.val();
                self.s2_y[4 * g + 3].d.next = self.s1_t0123[g].q.val() + self.s1_x3[g].q.val() + self.s1_d0[g].q.val();
            }
            self.s2_v.d.next = self.s1_v.q.val();
            for k in 0..4 {
                self.col[k].next = self.s2_y[k].q.val() + self.s2_y[k + 4].q.val();
            }
            for i in 0..8 {
                self.s2_y[i].clock.next = self.clock.val();
                self.s3_z[i].clock.next = self.clock.val();
                self.s3_z[i].d.next = self.s2_y[i].q.val() + self.col[i % 4].val() + self.rc[i].val();
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
    fn external_layer8_is_synthesizable() {
        let mut uut = ExternalLayer8::new(&[7; 8]);
        uut.connect_all();
        yosys_validate("external_layer8", &generate_verilog(&uut)).unwrap();
    }
}
