//! `InternalLayer16`: Poseidon2's internal linear layer `y_i = Σ_j x_j + D_i·x_i` on 16 lanes,
//! followed by the next round's constants, for 31-bit fields. No DSP.
//!
//! Plonky3 chose the diagonal `D` so that every entry is `±c·2^(−k)` with `c ∈ {1, 2, 3, 4}`:
//! the whole layer is shifts and adds. Multiplying by `2^(−k)` is an exact division after
//! adding a multiple of `p`: with `m = −x mod 2^k`, `x + m·p` is divisible by `2^k`, and since
//! `p ≡ 1 (mod 2^k)` for `k ≤ s`, `(x + m·p) / 2^k = m·2^(31−k) − m·2^(s−k) + (x + m)/2^k`,
//! below `1.5p`. `k = 0` gives `m = 0` and `x` back, so one datapath serves every lane; the
//! constructor reads each lane's `(sign, c, k)` off the golden model's diagonal. A negative
//! entry adds `4p − c·x·2^(−k)` instead, which stays non-negative.
//!
//! The sum of 16 lanes (`< 16p`), a diagonal term (`≤ 4p`) and a constant (`< p`) stay below
//! `2^36`; one [`Reduce31`] per lane finishes. Lanes are Montgomery form: the layer is linear.
//! Latency [`InternalLayer16::LATENCY`] = 5: halvings and partial sums, terms and the sum,
//! the lane outputs with constants, then the two reduction stages.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::{Fp, Poseidon2Spec};

use crate::field::{Prime31, Reduce31};

/// A diagonal entry the shift-and-add datapath cannot form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal diagonal entry {lane} ({value}) is not ±c·2^-k with c in 1..=4 and k <= {max_k}")]
pub struct UnsupportedDiagonal {
    /// The lane.
    pub lane: usize,
    /// The entry, canonical.
    pub value: u64,
    /// The largest `k` the field allows (`s`, from `p ≡ 1 mod 2^s`).
    pub max_k: u64,
}

/// One diagonal entry as the datapath forms it: `(−1)^neg · c · 2^(−k)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiagonalTerm {
    /// Subtract instead of add.
    pub neg: bool,
    /// The small multiplier `c ∈ {1, 2, 3, 4}`.
    pub c: u64,
    /// The power of two divided out.
    pub k: u64,
}

impl DiagonalTerm {
    /// Reads `value` as `±c·2^(−k)` in `prime`'s field.
    pub fn of(prime: Prime31, lane: usize, value: u64) -> Result<Self, UnsupportedDiagonal> {
        Self::in_field(Fp::new(prime.field), prime.s, lane, value)
    }

    /// Reads `value` as `±c·2^(−k)` in field `f`, with `k ≤ max_k`.
    pub fn in_field(f: Fp, max_k: u64, lane: usize, value: u64) -> Result<Self, UnsupportedDiagonal> {
        for k in 0..=max_k {
            for c in 1..=4u64 {
                let mag = f.mul(c, f.inv_pow2(k as u32));
                for neg in [false, true] {
                    if (if neg { f.neg(mag) } else { mag }) == value {
                        return Ok(Self { neg, c, k });
                    }
                }
            }
        }
        Err(UnsupportedDiagonal { lane, value, max_k })
    }
}

/// One constant per lane, from its diagonal term.
fn lane_constants<const W: usize>(
    terms: &[DiagonalTerm; 16],
    f: impl Fn(&DiagonalTerm) -> u64,
) -> [Constant<Bits<W>>; 16] {
    terms.map(|t| Constant::new(f(&t).to_bits()))
}

seq!(N in 0..16 {
    /// The layer. Build it with [`InternalLayer16::new`].
    #[derive(LogicBlock)]
    pub struct InternalLayer16 {
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
        rc: [Constant<Bits<40>>; 16],
        /// Per lane: `2^k − 1`, `k`, `31 − k`, `s − k`, `c ∈ {2, 4}` as a shift, `c = 3`, sign.
        mask: [Constant<Bits<32>>; 16],
        k: [Constant<Bits<8>>; 16],
        k_hi: [Constant<Bits<8>>; 16],
        k_s: [Constant<Bits<8>>; 16],
        shl: [Constant<Bits<8>>; 16],
        times3: [Constant<Bit>; 16],
        neg: [Constant<Bit>; 16],
        four_p: Constant<Bits<40>>,
        xin: [Signal<Local, Bits<32>>; 16],
        xw: [Signal<Local, Bits<40>>; 16],
        m: [Signal<Local, Bits<32>>; 16],
        wide: [Signal<Local, Bits<40>>; 16],
        mag: [Signal<Local, Bits<40>>; 16],
        // Stage 1: x_i·2^(−k_i) (below 1.5p) and four partial sums of the lanes.
        s1_v: DFF<Bit>,
        s1_half: [DFF<Bits<32>>; 16],
        s1_part: [DFF<Bits<40>>; 4],
        // Stage 2: the signed diagonal terms (0..=4p) and the lane sum (below 16p).
        s2_v: DFF<Bit>,
        s2_term: [DFF<Bits<40>>; 16],
        s2_sum: DFF<Bits<40>>,
        // Stage 3: sum + term + constant, below 21p.
        s3_v: DFF<Bit>,
        s3_z: [DFF<Bits<40>>; 16],
        reduce: [Reduce31; 16],
    }

    impl InternalLayer16 {
        /// Cycles from `valid_in` to `valid_out`.
        pub const LATENCY: usize = 3 + Reduce31::LATENCY;

        /// The layer of `prime`'s Poseidon2 (the golden model's diagonal), adding `next_rc[i]`
        /// (canonical; the constructor converts to Montgomery form) to lane `i`.
        pub fn new(prime: Prime31, next_rc: &[u64; 16]) -> Result<Self, UnsupportedDiagonal> {
            let diag = Poseidon2Spec::for_field(prime.field).internal_diag;
            Self::with_diagonal(prime, &diag, next_rc)
        }

        /// The layer with diagonal `diag` (for negative controls: a wrong diagonal must fail
        /// the golden check).
        pub fn with_diagonal(prime: Prime31, diag: &[u64], next_rc: &[u64; 16]) -> Result<Self, UnsupportedDiagonal> {
            let mut terms = [DiagonalTerm { neg: false, c: 1, k: 0 }; 16];
            for (lane, (t, &d)) in terms.iter_mut().zip(diag).enumerate() {
                *t = DiagonalTerm::of(prime, lane, d)?;
            }
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                #( x~N: Default::default(), )*
                valid_out: Default::default(),
                #( y~N: Default::default(), )*
                rc: next_rc.map(|c| Constant::new(prime.to_mont(c).to_bits())),
                mask: lane_constants(&terms, |t| (1 << t.k) - 1),
                k: lane_constants(&terms, |t| t.k),
                k_hi: lane_constants(&terms, |t| 31 - t.k),
                k_s: lane_constants(&terms, |t| prime.s - t.k),
                shl: lane_constants(&terms, |t| match t.c { 2 => 1, 4 => 2, _ => 0 }),
                times3: terms.map(|t| Constant::new(t.c == 3)),
                neg: terms.map(|t| Constant::new(t.neg)),
                four_p: Constant::new((4 * prime.p).to_bits()),
                xin: Default::default(),
                xw: Default::default(),
                m: Default::default(),
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
                reduce: std::array::from_fn(|_| Reduce31::new(prime)),
            })
        }
    }

    impl Logic for InternalLayer16 {
        #[hdl_gen]
        fn update(&mut self) {
            // dff_setup! takes named registers only: the arrays are clocked in the loops, and
            // every element's `d` is assigned on every cycle.
            dff_setup!(self, clock, s1_v, s2_v, s2_sum, s3_v);
            // bit_cast cannot take a loop index: widen lane by lane.
            #(
                self.xin[N].next = self.x~N.val();
                self.xw[N].next = bit_cast::<40, 32>(self.x~N.val());
                self.wide[N].next = bit_cast::<40, 32>(self.s1_half[N].q.val());
            )*
            // Stage 1. m = −x mod 2^k wraps at 32 bits on purpose; x + m < 2^32.
            for i in 0..16 {
                self.m[i].next = (!self.xin[i].val() + 1) & self.mask[i].val();
                self.s1_half[i].clock.next = self.clock.val();
                self.s1_half[i].d.next = (self.m[i].val() << self.k_hi[i].val()) - (self.m[i].val() << self.k_s[i].val())
                    + ((self.m[i].val() + self.xin[i].val()) >> self.k[i].val());
            }
            for g in 0..4 {
                self.s1_part[g].clock.next = self.clock.val();
                self.s1_part[g].d.next = self.xw[4 * g].val() + self.xw[4 * g + 1].val() + self.xw[4 * g + 2].val()
                    + self.xw[4 * g + 3].val();
            }
            self.s1_v.d.next = self.valid_in.val();
            // Stage 2.
            for i in 0..16 {
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
            self.s2_sum.d.next = self.s1_part[0].q.val() + self.s1_part[1].q.val() + self.s1_part[2].q.val()
                + self.s1_part[3].q.val();
            self.s2_v.d.next = self.s1_v.q.val();
            // Stage 3.
            for i in 0..16 {
                self.s3_z[i].clock.next = self.clock.val();
                self.s3_z[i].d.next = self.s2_sum.q.val() + self.s2_term[i].q.val() + self.rc[i].val();
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
    fn every_golden_diagonal_is_shifts_and_adds() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let prime = Prime31::new(field).unwrap();
            assert!(InternalLayer16::new(prime, &[0; 16]).is_ok(), "{field}");
        }
        // 5 is not ±c·2^-k: the constructor names the lane instead of building a wrong layer.
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        let mut diag = Poseidon2Spec::for_field(FieldId::BabyBear).internal_diag;
        diag[7] = 5;
        let err = InternalLayer16::with_diagonal(prime, &diag, &[0; 16]).err().unwrap();
        assert_eq!(err.lane, 7);
    }

    #[test]
    fn internal_layer16_is_synthesizable() {
        let mut uut = InternalLayer16::new(Prime31::new(FieldId::KoalaBear).unwrap(), &[7; 16]).unwrap();
        uut.connect_all();
        yosys_validate("internal_layer16", &generate_verilog(&uut)).unwrap();
    }
}
