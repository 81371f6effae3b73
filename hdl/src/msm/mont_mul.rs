//! `MontMul`: a pipelined Montgomery multiplier for a pairing curve's base field.
//!
//! `c = a · b · R^(−1) mod p` for canonical `a, b < p`, `R = 2^(64·k)` with `k` the limbs of
//! arkworks' representation (4 for BN254, 6 for BLS12-381). One product per cycle, latency
//! `5k + 1` ([`MontMul::latency`]: 21 and 31 cycles).
//!
//! The reduction is limb-serial Montgomery (CIOS) unrolled into `k` pipeline stages, one per
//! 64-bit limb `b_s` of `b`:
//!
//! ```text
//! t = T + a·b_s;  m = (t mod 2^64)·(−p^(−1)) mod 2^64;  T = (t + m·p) / 2^64
//! ```
//!
//! `T < 2p` holds after every stage (`t + m·p < 2p + 2·2^64·p`), so the `(N+1)`-bit register
//! carries it and one conditional subtraction ends the product. Why this shape rather than a
//! full `a·b` followed by a full reduction: every product is `N × 64` bits (yosys tiles it
//! onto DSP48E2s) and every addition `N + 66` bits wide, instead of a `2N`-bit product
//! tree; the `m` of a stage depends only on the low limb of `t`, so the stages stay short.
//! Each stage takes five registered steps, so a DSP product is never followed by a wide
//! addition in the same cycle:
//! 1. `a·b_s` (DSPs); 2. `t = T + a·b_s`; 3. `m` (DSPs, 64×64 low half);
//! 4. `m·p` (DSPs); 5. `T = (t + m·p) >> 64`.
//!
//! rust-hdl cannot describe products wider than 16×16, so this block is hand-written Verilog
//! (`Verilog::Custom`) beside a Rust cycle model: the model is the golden product delayed by
//! the latency, and cross-simulation of the Verilog under iverilog and Verilator against the
//! golden model (`hdl/tests/msm_units.rs`) is what ties the two together.

use std::fmt::Write as _;

use num_bigint::BigUint;
use rust_hdl::prelude::*;

use super::{ModelPipe, WideField};

/// The multiplier for an `N`-bit field (`N` = the modulus' bits). Build it with
/// [`MontMul::new`].
#[derive(LogicBlock)]
pub struct MontMul<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Operands are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// First operand, canonical, Montgomery form.
    pub a: Signal<In, Bits<N>>,
    /// Second operand, canonical, Montgomery form.
    pub b: Signal<In, Bits<N>>,
    /// `c` is valid this cycle (`valid_in` delayed by the latency).
    pub valid_out: Signal<Out, Bit>,
    /// `a · b · R^(−1) mod p`, canonical.
    pub c: Signal<Out, Bits<N>>,
    _field: WideField,
    /// The model's pipeline: the product and valid bit of each input in flight.
    _pipe: ModelPipe,
}

impl<const N: usize> MontMul<N> {
    /// Pipeline steps per 64-bit limb of the second operand.
    pub const STEPS_PER_LIMB: usize = 5;

    /// Cycles from `valid_in` to `valid_out` for `field`: `5k + 1`.
    pub fn latency(field: &WideField) -> usize {
        Self::STEPS_PER_LIMB * field.limbs + 1
    }

    /// A multiplier for `field`, whose modulus must be `N` bits wide.
    pub fn new(field: &WideField) -> Result<Self, String> {
        if field.bits != N {
            return Err(format!("the {} base field is {} bits; this multiplier is {N}", field.curve, field.bits));
        }
        Ok(Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            _pipe: ModelPipe::new(Self::latency(field)),
            _field: field.clone(),
        })
    }

    /// The Verilog body: one `always` block per pipeline step, registers named by stage
    /// (`s<limb>_`) and by the cycle they hold a value in (`a_d<cycle>`).
    fn verilog(&self) -> String {
        let f = &self._field;
        let (n, k) = (N, f.limbs);
        let w = 64 * k;
        let mut v = String::new();
        let _ = writeln!(v, "localparam [{}:0] P = {};", n - 1, WideField::literal(n, &f.p));
        let _ = writeln!(v, "localparam [63:0] P_INV = 64'h{:x};", f.p_inv);
        // The operands travel along with the stages that still need their limbs; yosys drops
        // the limbs of `b` no later stage reads.
        let last = Self::STEPS_PER_LIMB * (k - 1);
        let _ = writeln!(v, "wire [{}:0] b_0 = b;", w - 1);
        for j in 1..=last {
            let _ = writeln!(v, "reg [{}:0] a_d{j};\nreg [{}:0] b_d{j};", n - 1, w - 1);
        }
        for j in 1..=Self::STEPS_PER_LIMB * k {
            let _ = writeln!(v, "reg v_d{j} = 1'b0;");
        }
        let _ = writeln!(v, "initial valid_out = 1'b0;\nalways @(posedge clock) begin\n  v_d1 <= valid_in;");
        for j in 1..Self::STEPS_PER_LIMB * k {
            let _ = writeln!(v, "  v_d{} <= v_d{j};", j + 1);
        }
        for j in 1..=last {
            let (a, b) = if j == 1 {
                ("a".to_string(), "b_0".to_string())
            } else {
                (format!("a_d{}", j - 1), format!("b_d{}", j - 1))
            };
            let _ = writeln!(v, "  a_d{j} <= {a};\n  b_d{j} <= {b};");
        }
        let _ = writeln!(v, "end");
        for s in 0..k {
            let base = Self::STEPS_PER_LIMB * s;
            let (a, b) = if s == 0 {
                ("a".to_string(), "b_0".to_string())
            } else {
                (format!("a_d{base}"), format!("b_d{base}"))
            };
            let t_in = if s == 0 { format!("{}'d0", n + 1) } else { format!("s{}_T", s - 1) };
            let _ = writeln!(
                v,
                "// stage {s}: limb {s} of b
reg [{pw}:0] s{s}_p1;
reg [{n}:0] s{s}_tin;
reg [{tw}:0] s{s}_t, s{s}_t3, s{s}_t4;
reg [63:0] s{s}_m;
reg [{pw}:0] s{s}_mp;
reg [{n}:0] s{s}_T;
wire [{sw}:0] s{s}_sum = {{1'b0, s{s}_t4}} + {{2'b0, s{s}_mp}};",
                pw = n + 63,
                tw = n + 64,
                sw = n + 65,
            );
            let limb = format!("{b}[{} +: 64]", 64 * s);
            let p1 = tiled_product(&mut v, &format!("s{s}_ab_prod"), (&a, n), (&limb, 64), n + 64);
            let low = format!("s{s}_t[63:0]");
            let m = tiled_product(&mut v, &format!("s{s}_m_prod"), (&low, 64), ("P_INV", 64), 64);
            let m_reg = format!("s{s}_m");
            let mp = tiled_product(&mut v, &format!("s{s}_mp_prod"), ("P", n), (&m_reg, 64), n + 64);
            let _ = writeln!(
                v,
                "always @(posedge clock) begin
  s{s}_p1 <= {p1};
  s{s}_tin <= {t_in};
  s{s}_t <= s{s}_tin + s{s}_p1;
  s{s}_m <= {m};
  s{s}_t3 <= s{s}_t;
  s{s}_mp <= {mp};
  s{s}_t4 <= s{s}_t3;
  s{s}_T <= s{s}_sum[{sw_hi}:64];
end",
                sw_hi = n + 64,
            );
        }
        let _ = writeln!(
            v,
            "// T < 2p: one conditional subtraction
always @(posedge clock) begin
  c <= (s{t}_T >= {{1'b0, P}}) ? s{t}_T - {{1'b0, P}} : s{t}_T;
  valid_out <= v_d{vl};
end",
            t = k - 1,
            vl = Self::STEPS_PER_LIMB * k,
        );
        v
    }
}

/// DSP48E2 multiplies 27 × 18 signed, so 26 × 17 unsigned: the tile of every product.
const TILE_A: usize = 26;
const TILE_B: usize = 17;

/// Declares the DSP-sized partial products of `a × b` (`a` of `a_bits`, `b` of `b_bits`) and
/// returns the expression summing them, truncated to its low `keep` bits (tiles wholly above
/// them are left out: the 64-bit `m` needs 9 of the 12 tiles). Written out tile by tile
/// because yosys, given a wide `*`, tiles it 17 × 17 and spends half again as many DSPs.
fn tiled_product(
    v: &mut String,
    name: &str,
    (a, a_bits): (&str, usize),
    (b, b_bits): (&str, usize),
    keep: usize,
) -> String {
    let (ka, kb) = (a_bits.div_ceil(TILE_A), b_bits.div_ceil(TILE_B));
    let _ = writeln!(v, "wire [{}:0] {name}_a = {a};", ka * TILE_A - 1);
    let _ = writeln!(v, "wire [{}:0] {name}_b = {b};", kb * TILE_B - 1);
    let mut terms = Vec::new();
    for i in 0..ka {
        for j in 0..kb {
            let shift = TILE_A * i + TILE_B * j;
            if shift >= keep {
                continue;
            }
            let _ = writeln!(
                v,
                "wire [{}:0] {name}_{i}_{j} = {name}_a[{} +: {TILE_A}] * {name}_b[{} +: {TILE_B}];",
                TILE_A + TILE_B - 1,
                TILE_A * i,
                TILE_B * j
            );
            terms.push(format!("({{{}'d0, {name}_{i}_{j}}} << {shift})", keep.saturating_sub(TILE_A + TILE_B).max(1)));
        }
    }
    let _ = writeln!(v, "wire [{}:0] {name} = {};", keep - 1, terms.join(" + "));
    name.to_string()
}

impl<const N: usize> Logic for MontMul<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let (a, b, field) = (&self.a, &self.b, &self._field);
            let (valid, c) = self
                ._pipe
                .clock(self.valid_in.val(), || field.mont_mul(&BigUint::from(a.val()), &BigUint::from(b.val())));
            self.valid_out.next = valid;
            self.c.next = c.into();
        }
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        self.c.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog())
    }
}
