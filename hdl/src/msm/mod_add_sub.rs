//! `ModAddSub`: modular addition or subtraction in a pairing curve's base field, one cycle.
//!
//! `c = a ± b mod p` for canonical `a, b < p`: both the raw result and its correction by `p`
//! are formed side by side and the sign of one picks the other, so the path is one
//! `N + 2`-bit carry chain and a multiplexer. The operation is a construction parameter
//! ([`ModOp`]); like [`super::MontMul`] this is Verilog with a Rust model beside it (rust-hdl
//! arithmetic on `[bool; N]` bits would be the slowest part of the point adder's
//! simulation), tied together by cross-simulation.

use num_bigint::BigUint;
use rust_hdl::prelude::*;

use super::{ModelPipe, WideField};

/// What a [`ModAddSub`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModOp {
    /// `a + b mod p`.
    Add,
    /// `a − b mod p`.
    Sub,
}

/// The adder or subtractor for an `N`-bit field. Build it with [`ModAddSub::new`].
#[derive(LogicBlock)]
pub struct ModAddSub<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Operands are valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// First operand, canonical.
    pub a: Signal<In, Bits<N>>,
    /// Second operand, canonical.
    pub b: Signal<In, Bits<N>>,
    /// `c` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `a ± b mod p`, canonical.
    pub c: Signal<Out, Bits<N>>,
    _field: WideField,
    _op: ModOp,
    _pipe: ModelPipe,
}

impl<const N: usize> ModAddSub<N> {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 1;

    /// `op` in `field`, whose modulus must be `N` bits wide.
    pub fn new(field: &WideField, op: ModOp) -> Result<Self, String> {
        if field.bits != N {
            return Err(format!("the {} base field is {} bits; this unit is {N}", field.curve, field.bits));
        }
        Ok(Self {
            clock: Default::default(),
            valid_in: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_out: Default::default(),
            c: Default::default(),
            _field: field.clone(),
            _op: op,
            _pipe: ModelPipe::new(Self::LATENCY),
        })
    }

    /// The golden result.
    fn golden(field: &WideField, op: ModOp, a: &BigUint, b: &BigUint) -> BigUint {
        let p = &field.p;
        match op {
            ModOp::Add => (a + b) % p,
            ModOp::Sub => (a + p - b % p) % p,
        }
    }
}

impl<const N: usize> Logic for ModAddSub<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let (a, b) = (BigUint::from(self.a.val()), BigUint::from(self.b.val()));
            let (valid, c) = self._pipe.clock(self.valid_in.val(), || Self::golden(&self._field, self._op, &a, &b));
            self.valid_out.next = valid;
            self.c.next = c.into();
        }
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        self.c.connect();
    }

    fn hdl(&self) -> Verilog {
        let (n, p) = (N, WideField::literal(N + 2, &self._field.p));
        // Two's complement over N + 2 bits: the top bit of a difference is its sign.
        let (raw, corrected) = match self._op {
            ModOp::Add => ("{2'b0, a} + {2'b0, b}", "raw - P"),
            ModOp::Sub => ("{2'b0, a} - {2'b0, b}", "raw + P"),
        };
        let pick = match self._op {
            ModOp::Add => "corrected[N1] ? raw[N0:0] : corrected[N0:0]",
            ModOp::Sub => "raw[N1] ? corrected[N0:0] : raw[N0:0]",
        }
        .replace("N1", &(n + 1).to_string())
        .replace("N0", &(n - 1).to_string());
        Verilog::Custom(format!(
            "localparam [{w}:0] P = {p};
wire [{w}:0] raw = {raw};
wire [{w}:0] corrected = {corrected};
initial valid_out = 1'b0;
always @(posedge clock) begin
  c <= {pick};
  valid_out <= valid_in;
end
",
            w = n + 1,
        ))
    }
}
