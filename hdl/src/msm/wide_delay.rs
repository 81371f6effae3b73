//! `WideDelay`: `d` delayed by a depth chosen at construction, any width.
//!
//! The point adder carries each operand alongside the multipliers until the step that reads
//! it, up to ~130 cycles of 381-bit values. rust-hdl's `DelayLine` takes its depth as a type
//! parameter and simulates every stage as `[bool; N]` registers; this block is a plain
//! Verilog shift register (yosys maps it to SRL16E/SRLC32E shift-register LUTs, 32 cycles of
//! one bit per LUT) with a queue as its Rust model.

use std::collections::VecDeque;

use num_bigint::BigUint;
use rust_hdl::prelude::*;

/// `q` is `d` of `depth` cycles ago. Build it with [`WideDelay::new`].
#[derive(LogicBlock)]
pub struct WideDelay<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Input.
    pub d: Signal<In, Bits<N>>,
    /// `d`, `depth` cycles later.
    pub q: Signal<Out, Bits<N>>,
    _depth: usize,
    _pipe: VecDeque<BigUint>,
}

impl<const N: usize> WideDelay<N> {
    /// A delay of `depth ≥ 1` cycles.
    pub fn new(depth: usize) -> Self {
        assert!(depth >= 1, "a delay line is at least one register deep");
        Self {
            clock: Default::default(),
            d: Default::default(),
            q: Default::default(),
            _depth: depth,
            _pipe: VecDeque::from(vec![BigUint::ZERO; depth - 1]),
        }
    }

    /// Its depth in cycles.
    pub fn depth(&self) -> usize {
        self._depth
    }
}

impl<const N: usize> Logic for WideDelay<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self._pipe.push_back(BigUint::from(self.d.val()));
            let q = self._pipe.pop_front().unwrap_or(BigUint::ZERO);
            self.q.next = q.into();
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        let n = N - 1;
        if self._depth == 1 {
            return Verilog::Custom(format!("initial q = {N}'d0;\nalways @(posedge clock) q <= d;\n"));
        }
        // One named register per cycle: a memory shifted in a loop would reach yosys as a
        // memory with a write port per element instead of a shift register.
        let last = self._depth - 1;
        let mut v = String::new();
        for r in 1..=last {
            v += &format!("reg [{n}:0] r{r} = {N}'d0;\n");
        }
        v += &format!("initial q = {N}'d0;\nalways @(posedge clock) begin\n  r1 <= d;\n");
        for r in 2..=last {
            v += &format!("  r{r} <= r{};\n", r - 1);
        }
        v += &format!("  q <= r{last};\nend\n");
        Verilog::Custom(v)
    }
}
