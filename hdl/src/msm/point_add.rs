//! `PointAdd`: the bucket unit's point adder, one mixed XYZZ addition per cycle.
//!
//! It computes `slotproof_core::golden::xyzz::add_mixed` exactly (the same coordinates, not
//! merely the same point): a bucket `(X1, Y1, ZZ1, ZZZ1)` plus an affine point `(x2, y2)`.
//!
//! **Why XYZZ.** A mixed addition into an XYZZ bucket is 8 multiplications and 2 squarings
//! (Jacobian: 7 + 4 = 11; homogeneous projective: 11 + 2 by a constant) with a dependency
//! depth of four products, so ten multipliers and four multiplier latencies make the whole
//! pipeline. The host's bucket reduction already works in XYZZ (arkworks' `Bucket`), so
//! buckets come back from the card without a change of coordinates. And the special cases
//! are two comparisons on values the pipeline has anyway (`P = 0`, `R = 0`).
//!
//! **Schedule** (`L` = the multiplier's latency, every add/sub 1 cycle):
//!
//! | cycle | units | values out |
//! |---|---|---|
//! | 0 | `U2 = x2·ZZ1`, `S2 = y2·ZZZ1` | |
//! | L | `P = U2 − X1`, `R = S2 − Y1` | `U2`, `S2` |
//! | L+1 | `PP = P²`, `RR = R²` | `P`, `R`, the zero tests |
//! | 2L+1 | `PPP = P·PP`, `Q = X1·PP`, `ZZ3 = ZZ1·PP` | `PP`, `RR` |
//! | 3L+1 | `T = RR − PPP`, `2Q`, `Y1·PPP`, `ZZZ3 = ZZZ1·PPP` | `PPP`, `Q`, `ZZ3` |
//! | 3L+2 | `X3 = T − 2Q` | |
//! | 3L+3 | `Q − X3` | `X3` |
//! | 3L+4 | `R·(Q − X3)` | |
//! | 4L+4 | `Y3 = R·(Q − X3) − Y1·PPP` | |
//! | 4L+5 | the special cases pick the result into the output registers | `Y3` |
//!
//! so the latency is `4L + 6` cycles (90 for BN254, 130 for BLS12-381). Operands wait for
//! the step that reads them in [`WideDelay`] shift registers.
//!
//! **Special cases.** An empty bucket (`inf1`) gives `(x2, y2, 1, 1)`. `P = 0, R ≠ 0` gives
//! the empty bucket (`inf3`; the formula's `ZZ3 = ZZZ3 = 0`). `P = R = 0` raises `doubling`:
//! the result is not the sum, the bucket unit keeps the bucket and hands the point back to
//! the host (`x2_out`, `y2_out`). The point is never at infinity (the host sends none).

use rust_hdl::prelude::*;

use super::{ModAddSub, ModOp, MontMul, WideDelay, WideField};

/// Width of the tag that travels with an addition (the bucket unit's bucket index).
pub const TAG_BITS: usize = 32;

/// The point adder for an `N`-bit base field. Build it with [`PointAdd::new`].
#[derive(LogicBlock)]
pub struct PointAdd<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// An addition enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Carried to `tag_out` unchanged.
    pub tag_in: Signal<In, Bits<TAG_BITS>>,
    /// The bucket is empty (its coordinates are ignored).
    pub inf1: Signal<In, Bit>,
    /// Bucket `X1`.
    pub x1: Signal<In, Bits<N>>,
    /// Bucket `Y1`.
    pub y1: Signal<In, Bits<N>>,
    /// Bucket `ZZ1`.
    pub zz1: Signal<In, Bits<N>>,
    /// Bucket `ZZZ1`.
    pub zzz1: Signal<In, Bits<N>>,
    /// Point `x2`.
    pub x2: Signal<In, Bits<N>>,
    /// Point `y2`.
    pub y2: Signal<In, Bits<N>>,
    /// The result of an addition is out this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// Its tag.
    pub tag_out: Signal<Out, Bits<TAG_BITS>>,
    /// `X3`.
    pub x3: Signal<Out, Bits<N>>,
    /// `Y3`.
    pub y3: Signal<Out, Bits<N>>,
    /// `ZZ3`.
    pub zz3: Signal<Out, Bits<N>>,
    /// `ZZZ3`.
    pub zzz3: Signal<Out, Bits<N>>,
    /// The sum is the point at infinity.
    pub inf3: Signal<Out, Bit>,
    /// The point equalled the bucket: no sum was formed (the coordinates are not one).
    pub doubling: Signal<Out, Bit>,
    /// The point, for the host when `doubling`.
    pub x2_out: Signal<Out, Bits<N>>,
    /// The point, for the host when `doubling`.
    pub y2_out: Signal<Out, Bits<N>>,
    one: Constant<Bits<N>>,
    // Cycle 0.
    m_u2: MontMul<N>,
    m_s2: MontMul<N>,
    // Cycle L.
    sub_p: ModAddSub<N>,
    sub_r: ModAddSub<N>,
    // Cycle L + 1.
    m_pp: MontMul<N>,
    m_rr: MontMul<N>,
    flags: Signal<Local, Bits<2>>,
    // Cycle 2L + 1.
    m_ppp: MontMul<N>,
    m_q: MontMul<N>,
    m_zz3: MontMul<N>,
    // Cycle 3L + 1.
    sub_t: ModAddSub<N>,
    add_q2: ModAddSub<N>,
    m_y1ppp: MontMul<N>,
    m_zzz3: MontMul<N>,
    // Cycles 3L + 2 to 4L + 4.
    sub_x3: ModAddSub<N>,
    sub_qx: ModAddSub<N>,
    m_y3a: MontMul<N>,
    sub_y3: ModAddSub<N>,
    // Operands on their way to the step that reads them (name: value @ cycle it arrives).
    d_x1a: WideDelay<N>,   // X1 @ L
    d_y1a: WideDelay<N>,   // Y1 @ L
    d_p: WideDelay<N>,     // P @ 2L + 1
    d_x1b: WideDelay<N>,   // X1 @ 2L + 1
    d_zz1: WideDelay<N>,   // ZZ1 @ 2L + 1
    d_rr: WideDelay<N>,    // RR @ 3L + 1
    d_y1b: WideDelay<N>,   // Y1 @ 3L + 1
    d_zzz1: WideDelay<N>,  // ZZZ1 @ 3L + 1
    d_q: WideDelay<N>,     // Q @ 3L + 3
    d_r: WideDelay<N>,     // R @ 3L + 4
    d_y1ppp: WideDelay<N>, // Y1·PPP @ 4L + 4
    d_x3: WideDelay<N>,    // X3 @ 4L + 5
    d_zz3: WideDelay<N>,   // ZZ3 @ 4L + 5
    d_zzz3: WideDelay<N>,  // ZZZ3 @ 4L + 5
    d_x2: WideDelay<N>,    // x2 @ 4L + 5
    d_y2: WideDelay<N>,    // y2 @ 4L + 5
    d_meta: WideDelay<34>, // valid, inf1, tag @ 4L + 5
    d_flags: WideDelay<2>, // P = 0, R = 0 @ 4L + 5
    meta_in: Signal<Local, Bits<34>>,
    meta: Signal<Local, Bits<34>>,
    p_zero: Signal<Local, Bit>,
    r_zero: Signal<Local, Bit>,
    // Cycle 4L + 5: the result registers.
    s_out_v: DFF<Bit>,
    s_out_tag: DFF<Bits<TAG_BITS>>,
    s_out_x: DFF<Bits<N>>,
    s_out_y: DFF<Bits<N>>,
    s_out_zz: DFF<Bits<N>>,
    s_out_zzz: DFF<Bits<N>>,
    s_out_inf: DFF<Bit>,
    s_out_dbl: DFF<Bit>,
    s_out_x2: DFF<Bits<N>>,
    s_out_y2: DFF<Bits<N>>,
}

impl<const N: usize> PointAdd<N> {
    /// Cycles from `valid_in` to `valid_out`: `4L + 6`, `L` the multiplier's latency.
    pub fn latency(field: &WideField) -> usize {
        4 * MontMul::<N>::latency(field) + 6
    }

    /// The adder for `field`, whose modulus must be `N` bits wide.
    pub fn new(field: &WideField) -> Result<Self, String> {
        let l = MontMul::<N>::latency(field);
        let mul = || MontMul::<N>::new(field);
        let op = |op| ModAddSub::<N>::new(field, op);
        let end = 4 * l + 5;
        Ok(Self {
            clock: Default::default(),
            valid_in: Default::default(),
            tag_in: Default::default(),
            inf1: Default::default(),
            x1: Default::default(),
            y1: Default::default(),
            zz1: Default::default(),
            zzz1: Default::default(),
            x2: Default::default(),
            y2: Default::default(),
            valid_out: Default::default(),
            tag_out: Default::default(),
            x3: Default::default(),
            y3: Default::default(),
            zz3: Default::default(),
            zzz3: Default::default(),
            inf3: Default::default(),
            doubling: Default::default(),
            x2_out: Default::default(),
            y2_out: Default::default(),
            one: Constant::new(field.one.clone().into()),
            m_u2: mul()?,
            m_s2: mul()?,
            sub_p: op(ModOp::Sub)?,
            sub_r: op(ModOp::Sub)?,
            m_pp: mul()?,
            m_rr: mul()?,
            flags: Default::default(),
            m_ppp: mul()?,
            m_q: mul()?,
            m_zz3: mul()?,
            sub_t: op(ModOp::Sub)?,
            add_q2: op(ModOp::Add)?,
            m_y1ppp: mul()?,
            m_zzz3: mul()?,
            sub_x3: op(ModOp::Sub)?,
            sub_qx: op(ModOp::Sub)?,
            m_y3a: mul()?,
            sub_y3: op(ModOp::Sub)?,
            d_x1a: WideDelay::new(l),
            d_y1a: WideDelay::new(l),
            d_p: WideDelay::new(l),
            d_x1b: WideDelay::new(l + 1),
            d_zz1: WideDelay::new(2 * l + 1),
            d_rr: WideDelay::new(l),
            d_y1b: WideDelay::new(2 * l + 1),
            d_zzz1: WideDelay::new(3 * l + 1),
            d_q: WideDelay::new(2),
            d_r: WideDelay::new(2 * l + 3),
            d_y1ppp: WideDelay::new(3),
            d_x3: WideDelay::new(l + 2),
            d_zz3: WideDelay::new(l + 4),
            d_zzz3: WideDelay::new(4),
            d_x2: WideDelay::new(end),
            d_y2: WideDelay::new(end),
            d_meta: WideDelay::new(end),
            d_flags: WideDelay::new(end - (l + 1)),
            meta_in: Default::default(),
            meta: Default::default(),
            p_zero: Default::default(),
            r_zero: Default::default(),
            s_out_v: Default::default(),
            s_out_tag: Default::default(),
            s_out_x: Default::default(),
            s_out_y: Default::default(),
            s_out_zz: Default::default(),
            s_out_zzz: Default::default(),
            s_out_inf: Default::default(),
            s_out_dbl: Default::default(),
            s_out_x2: Default::default(),
            s_out_y2: Default::default(),
        })
    }
}

impl<const N: usize> Logic for PointAdd<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s_out_v, s_out_tag, s_out_x, s_out_y, s_out_zz, s_out_zzz, s_out_inf, s_out_dbl, s_out_x2,
            s_out_y2
        );
        clock!(
            self, clock, m_u2, m_s2, sub_p, sub_r, m_pp, m_rr, m_ppp, m_q, m_zz3, sub_t, add_q2, m_y1ppp, m_zzz3,
            sub_x3, sub_qx, m_y3a, sub_y3, d_x1a, d_y1a, d_p, d_x1b, d_zz1, d_rr, d_y1b, d_zzz1, d_q, d_r, d_y1ppp,
            d_x3, d_zz3, d_zzz3, d_x2, d_y2, d_meta, d_flags
        );
        // Cycle 0: the point brought to the bucket's Z.
        self.m_u2.valid_in.next = self.valid_in.val();
        self.m_u2.a.next = self.x2.val();
        self.m_u2.b.next = self.zz1.val();
        self.m_s2.valid_in.next = self.valid_in.val();
        self.m_s2.a.next = self.y2.val();
        self.m_s2.b.next = self.zzz1.val();
        self.d_x1a.d.next = self.x1.val();
        self.d_y1a.d.next = self.y1.val();
        self.d_zz1.d.next = self.zz1.val();
        self.d_zzz1.d.next = self.zzz1.val();
        self.d_x2.d.next = self.x2.val();
        self.d_y2.d.next = self.y2.val();
        self.meta_in.next = bit_cast::<34, TAG_BITS>(self.tag_in.val())
            .replace_bit(33, self.valid_in.val())
            .replace_bit(32, self.inf1.val());
        self.d_meta.d.next = self.meta_in.val();
        // Cycle L: P = U2 − X1, R = S2 − Y1.
        self.sub_p.valid_in.next = self.m_u2.valid_out.val();
        self.sub_p.a.next = self.m_u2.c.val();
        self.sub_p.b.next = self.d_x1a.q.val();
        self.sub_r.valid_in.next = self.m_s2.valid_out.val();
        self.sub_r.a.next = self.m_s2.c.val();
        self.sub_r.b.next = self.d_y1a.q.val();
        self.d_x1b.d.next = self.d_x1a.q.val();
        self.d_y1b.d.next = self.d_y1a.q.val();
        // Cycle L + 1: squares, and the special cases decided on canonical P and R.
        self.m_pp.valid_in.next = self.sub_p.valid_out.val();
        self.m_pp.a.next = self.sub_p.c.val();
        self.m_pp.b.next = self.sub_p.c.val();
        self.m_rr.valid_in.next = self.sub_r.valid_out.val();
        self.m_rr.a.next = self.sub_r.c.val();
        self.m_rr.b.next = self.sub_r.c.val();
        self.d_p.d.next = self.sub_p.c.val();
        self.d_r.d.next = self.sub_r.c.val();
        self.flags.next =
            bits::<2>(0).replace_bit(0, !self.sub_p.c.val().any()).replace_bit(1, !self.sub_r.c.val().any());
        self.d_flags.d.next = self.flags.val();
        // Cycle 2L + 1: everything PP multiplies.
        self.m_ppp.valid_in.next = self.m_pp.valid_out.val();
        self.m_ppp.a.next = self.d_p.q.val();
        self.m_ppp.b.next = self.m_pp.c.val();
        self.m_q.valid_in.next = self.m_pp.valid_out.val();
        self.m_q.a.next = self.d_x1b.q.val();
        self.m_q.b.next = self.m_pp.c.val();
        self.m_zz3.valid_in.next = self.m_pp.valid_out.val();
        self.m_zz3.a.next = self.d_zz1.q.val();
        self.m_zz3.b.next = self.m_pp.c.val();
        self.d_rr.d.next = self.m_rr.c.val();
        // Cycle 3L + 1: X3's first half, and everything PPP multiplies.
        self.sub_t.valid_in.next = self.m_ppp.valid_out.val();
        self.sub_t.a.next = self.d_rr.q.val();
        self.sub_t.b.next = self.m_ppp.c.val();
        self.add_q2.valid_in.next = self.m_q.valid_out.val();
        self.add_q2.a.next = self.m_q.c.val();
        self.add_q2.b.next = self.m_q.c.val();
        self.m_y1ppp.valid_in.next = self.m_ppp.valid_out.val();
        self.m_y1ppp.a.next = self.d_y1b.q.val();
        self.m_y1ppp.b.next = self.m_ppp.c.val();
        self.m_zzz3.valid_in.next = self.m_ppp.valid_out.val();
        self.m_zzz3.a.next = self.d_zzz1.q.val();
        self.m_zzz3.b.next = self.m_ppp.c.val();
        self.d_q.d.next = self.m_q.c.val();
        self.d_zz3.d.next = self.m_zz3.c.val();
        // Cycles 3L + 2 to 4L + 4: X3, then Y3.
        self.sub_x3.valid_in.next = self.sub_t.valid_out.val();
        self.sub_x3.a.next = self.sub_t.c.val();
        self.sub_x3.b.next = self.add_q2.c.val();
        self.sub_qx.valid_in.next = self.sub_x3.valid_out.val();
        self.sub_qx.a.next = self.d_q.q.val();
        self.sub_qx.b.next = self.sub_x3.c.val();
        self.d_x3.d.next = self.sub_x3.c.val();
        self.m_y3a.valid_in.next = self.sub_qx.valid_out.val();
        self.m_y3a.a.next = self.d_r.q.val();
        self.m_y3a.b.next = self.sub_qx.c.val();
        self.d_y1ppp.d.next = self.m_y1ppp.c.val();
        self.d_zzz3.d.next = self.m_zzz3.c.val();
        self.sub_y3.valid_in.next = self.m_y3a.valid_out.val();
        self.sub_y3.a.next = self.m_y3a.c.val();
        self.sub_y3.b.next = self.d_y1ppp.q.val();
        // Cycle 4L + 5: the special cases pick the result.
        self.meta.next = self.d_meta.q.val();
        self.p_zero.next = self.d_flags.q.val().get_bit(0);
        self.r_zero.next = self.d_flags.q.val().get_bit(1);
        self.s_out_v.d.next = self.meta.val().get_bit(33);
        self.s_out_tag.d.next = self.meta.val().get_bits::<TAG_BITS>(0);
        self.s_out_x2.d.next = self.d_x2.q.val();
        self.s_out_y2.d.next = self.d_y2.q.val();
        if self.meta.val().get_bit(32) {
            self.s_out_x.d.next = self.d_x2.q.val();
            self.s_out_y.d.next = self.d_y2.q.val();
            self.s_out_zz.d.next = self.one.val();
            self.s_out_zzz.d.next = self.one.val();
            self.s_out_inf.d.next = false;
            self.s_out_dbl.d.next = false;
        } else {
            self.s_out_x.d.next = self.d_x3.q.val();
            self.s_out_y.d.next = self.sub_y3.c.val();
            self.s_out_zz.d.next = self.d_zz3.q.val();
            self.s_out_zzz.d.next = self.d_zzz3.q.val();
            self.s_out_inf.d.next = self.p_zero.val() & !self.r_zero.val();
            self.s_out_dbl.d.next = self.p_zero.val() & self.r_zero.val();
        }
        self.valid_out.next = self.s_out_v.q.val();
        self.tag_out.next = self.s_out_tag.q.val();
        self.x3.next = self.s_out_x.q.val();
        self.y3.next = self.s_out_y.q.val();
        self.zz3.next = self.s_out_zz.q.val();
        self.zzz3.next = self.s_out_zzz.q.val();
        self.inf3.next = self.s_out_inf.q.val();
        self.doubling.next = self.s_out_dbl.q.val();
        self.x2_out.next = self.s_out_x2.q.val();
        self.y2_out.next = self.s_out_y2.q.val();
    }
}
