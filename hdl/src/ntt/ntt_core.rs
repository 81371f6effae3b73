//! `NttCore`: a streaming radix-2 NTT of `n = 2^k` points over `L` columns at once.
//!
//! # Interface
//!
//! Every cycle with `valid_in` high, lane `l` takes the next element of its column's current
//! transform, in natural order; transforms follow each other with no gap needed between
//! them, and `valid_in` may drop for any number of cycles anywhere (the core only counts
//! valid elements). Each lane emits its transforms' results in the same sequence, **in
//! bit-reversed order**: output position `i` of a transform is `X[bitrev_k(i)]`, exactly the
//! array the golden model's `dif_bitrev` leaves behind, and the order the Merkle tree of the
//! LDE rows wants (so no reorder buffer). A result is the golden transform of its mode:
//!
//! | [`NttMode`] | result, then bit-reversed | golden model |
//! |---|---|---|
//! | `Forward` | `dft(x)` | `dif_bitrev(x, ω)` |
//! | `Inverse` | `idft(x)` | `idft` = `dif_bitrev(x, ω^(−1))` · `n^(−1)` |
//! | `Coset { shift }` | `coset_dft(x, shift)` | `dft(x_i · shift^i)` |
//! | `CosetInverse { shift }` | `coset_idft(x, shift)` | `idft(x)_i · shift^(−i)` |
//!
//! The mode, `k` and the field are construction parameters: they only change ROM contents
//! (a card holding several transforms instantiates several cores, or reloads the FPGA).
//!
//! # Scaling: before the stages for the forward modes, after them for the inverse ones
//!
//! Every mode but `Forward` multiplies each element by a factor. The coset DFT's `shift^i`
//! belongs to the input, in natural order, so a pre-multiplier ([`ScaleLane`]) in front of
//! the stages applies it. The coset inverse's `shift^(−i)` belongs to the transform's
//! output, which leaves in bit-reversed order: output position `j` holds coefficient
//! `bitrev_k(j)`, so a post-multiplier behind the stages takes factor
//! `n^(−1) · shift^(−bitrev_k(j))` from a ROM stored in that order. The plain inverse's
//! `n^(−1)` rides on the same post-multiplier (a one-word ROM), so the rule is one: forward
//! modes scale the input, inverse modes the output. Both multipliers are always in place, the
//! unused one bypassed (a delay of the same length that synthesis reduces to registers), so
//! every mode has the same latency and schedule.
//!
//! # Architecture and why
//!
//! A pipeline of a [`ScaleLane`] per lane, `k` DIF stages and another `ScaleLane` per lane,
//! a single-path delay (SDF-style) design: stage `s` pairs elements `D = 2^(k−1−s)` apart,
//! buffers the first half of each block, runs the butterfly `(a + b, (a − b)·ω_{2D}^j)` as
//! the second half streams in, and emits the sums and then the parked differences ([`SdfControl`] has the schedule). Each
//! lane takes and emits one element per cycle with no bubble at full input, across transform
//! boundaries; every stage's butterfly works half of the cycles (radix-2 single-path
//! pipelines do), so a lane runs `k/2` butterflies per cycle and finishes an `n`-point
//! transform every `n` cycles. Each stage has its own twiddle ROM of `D` entries (`n − 1`
//! words in all), since all stages read a twiddle every cycle; one [`SdfControl`] per stage
//! drives all lanes, so lanes share counters and twiddle reads and add only datapath
//! ([`SdfLane`]). Counting valid elements rather than cycles is what makes input gaps free of
//! special cases, and since a stage drains its parked differences by itself after a block's
//! last pair, the pipeline empties without a flush when the input stops. The cost against a
//! textbook SDF (one feedback delay of `D` words per stage) is a second `D`-word buffer per
//! stage, which frees the butterfly to have any pipeline depth.
//!
//! Latency at full rate (element `i` in to output position `i` out): [`NttCore::latency`]
//! `= 12 + (n − 1) + 9k` cycles (each `ScaleLane` 6, stage `s` `D_s + 9`).
//!
//! Memory per lane: `2(n − 1)` data words plus the shared `n − 1` twiddle words (and `n`
//! factors for a coset or coset inverse core); DSPs: 4 per butterfly, `4k` per lane (+4 for a
//! scaled mode).

use rust_hdl::prelude::*;
use slotproof_core::golden::Fp;

use crate::field::Prime31;
use crate::ntt::{FactorRom, ScaleLane, SdfControl, SdfLane};

/// Largest `k` the core is built for: a 2^12-point transform is the on-chip maximum.
pub const MAX_LOG_N: usize = 12;

/// Which transform a core computes (see the module doc for the golden definitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NttMode {
    /// The DFT, `X_j = Σ x_i ω^(ij)`.
    Forward,
    /// The inverse DFT, including the `n^(−1)` factor.
    Inverse,
    /// The DFT of `x_i · shift^i`: evaluations over the coset `shift·H`.
    Coset {
        /// The coset's shift (Plonky3's LDE uses the field's generator).
        shift: u64,
    },
    /// The inverse of `Coset`: coefficients from evaluations over `shift·H`,
    /// `idft(x)_i · shift^(−i)`.
    CosetInverse {
        /// The coset's shift, nonzero.
        shift: u64,
    },
}

impl NttMode {
    /// The stages run on inverse roots and the output is scaled.
    pub fn is_inverse(self) -> bool {
        matches!(self, NttMode::Inverse | NttMode::CosetInverse { .. })
    }
}

/// `i` with its low `bits` bits reversed: the output position of element `i` (and back).
pub fn bit_reverse(i: usize, bits: usize) -> usize {
    if bits == 0 { 0 } else { i.reverse_bits() >> (usize::BITS as usize - bits) }
}

/// A twiddle-table fault, for negative controls: a checker must reject a core built with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwiddleFault {
    /// The golden twiddles.
    None,
    /// Every stage's ROM built from `ω²` instead of `ω` (the root of the wrong order).
    WrongRoot,
}

/// The core, `L` lanes. Build it with [`NttCore::new`].
#[derive(LogicBlock)]
pub struct NttCore<const L: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Every lane's `data_in` is an element this cycle.
    pub valid_in: Signal<In, Bit>,
    /// One element per lane, canonical, natural order within a transform.
    pub data_in: [Signal<In, Bits<32>>; L],
    /// Every lane's `data_out` is a result this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// One result per lane, canonical, bit-reversed order within a transform.
    pub data_out: [Signal<Out, Bits<32>>; L],
    pre_rom: FactorRom,
    pre: [ScaleLane; L],
    // In output (bit-reversed) order, counting the results out of the last stage.
    post_rom: FactorRom,
    post: [ScaleLane; L],
    ctrl: Vec<SdfControl>,
    // Stage-major: lane `l` of stage `s` is `lanes[s·L + l]`. rust-hdl resolves one index per
    // signal name in Verilog, so a stage's lanes cannot be a nested array.
    lanes: Vec<SdfLane>,
}

impl<const L: usize> NttCore<L> {
    /// Cycles from element `i` in to output position `i` out, at full rate, for `n = 2^log_n`.
    pub fn latency(log_n: usize) -> usize {
        2 * ScaleLane::LATENCY + (0..log_n).map(|s| SdfControl::latency(1 << (log_n - 1 - s))).sum::<usize>()
    }

    /// The twiddles of stage `s` (half-size `n/2^(s+1)`), canonical: `(ω^(2^s))^j`.
    pub fn stage_twiddles(prime: Prime31, log_n: usize, inverse: bool, fault: TwiddleFault) -> Vec<Vec<u64>> {
        let f = Fp::new(prime.field);
        let mut omega = f.two_adic_root(log_n);
        if inverse {
            omega = f.inv(omega);
        }
        if fault == TwiddleFault::WrongRoot {
            omega = f.mul(omega, omega);
        }
        (0..log_n)
            .map(|s| {
                let w = f.pow(omega, 1 << s);
                (0..1u64 << (log_n - 1 - s)).map(|j| f.pow(w, j)).collect()
            })
            .collect()
    }

    /// The pre-multiplier factors of `mode`, canonical, in input order: `shift^i` for a coset
    /// core, else the single `1` (bypassed).
    pub fn pre_factors(prime: Prime31, log_n: usize, mode: NttMode) -> Vec<u64> {
        let f = Fp::new(prime.field);
        match mode {
            NttMode::Coset { shift } => (0..1u64 << log_n).map(|i| f.pow(shift, i)).collect(),
            _ => vec![1],
        }
    }

    /// The post-multiplier factors of `mode`, canonical, in output (bit-reversed) order:
    /// `n^(−1) · shift^(−bitrev_k(j))` at position `j` for a coset inverse core, the single
    /// `n^(−1)` for the inverse, else the single `1` (bypassed).
    pub fn post_factors(prime: Prime31, log_n: usize, mode: NttMode) -> Vec<u64> {
        let f = Fp::new(prime.field);
        let n_inv = f.inv((1u64 << log_n) % f.p);
        match mode {
            NttMode::Inverse => vec![n_inv],
            NttMode::CosetInverse { shift } => {
                let shift_inv = f.inv(shift);
                (0..1usize << log_n).map(|j| f.mul(n_inv, f.pow(shift_inv, bit_reverse(j, log_n) as u64))).collect()
            }
            _ => vec![1],
        }
    }

    /// A core for `2^log_n`-point transforms of `mode` over `prime`, `1 ≤ log_n ≤ 12`.
    pub fn new(prime: Prime31, log_n: usize, mode: NttMode) -> Self {
        Self::with_fault(prime, log_n, mode, TwiddleFault::None)
    }

    /// [`NttCore::new`] with a deliberately wrong twiddle table (negative controls).
    pub fn with_fault(prime: Prime31, log_n: usize, mode: NttMode, fault: TwiddleFault) -> Self {
        const { assert!(L >= 1, "an NTT core needs at least one lane") };
        assert!((1..=MAX_LOG_N).contains(&log_n), "log_n = {log_n} is outside 1..={MAX_LOG_N}");
        if let NttMode::CosetInverse { shift } = mode {
            assert!(shift % prime.field.modulus() != 0, "a coset inverse needs a nonzero shift");
        }
        let twiddles = Self::stage_twiddles(prime, log_n, mode.is_inverse(), fault);
        let mont = |factors: Vec<u64>| -> Vec<u64> { factors.iter().map(|&x| prime.to_mont(x)).collect() };
        let pre = mont(Self::pre_factors(prime, log_n, mode));
        let post = mont(Self::post_factors(prime, log_n, mode));
        let pre_bypass = !matches!(mode, NttMode::Coset { .. });
        let post_bypass = !mode.is_inverse();
        let mut ctrl = Vec::with_capacity(log_n);
        let mut lanes = Vec::with_capacity(log_n * L);
        for stage in &twiddles {
            let mont: Vec<u64> = stage.iter().map(|&w| prime.to_mont(w)).collect();
            ctrl.push(SdfControl::new(&mont));
            lanes.extend((0..L).map(|_| SdfLane::new(prime, stage.len())));
        }
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            data_in: std::array::from_fn(|_| Default::default()),
            valid_out: Default::default(),
            data_out: std::array::from_fn(|_| Default::default()),
            pre_rom: FactorRom::new(&pre),
            pre: std::array::from_fn(|_| ScaleLane::new(prime, pre_bypass)),
            post_rom: FactorRom::new(&post),
            post: std::array::from_fn(|_| ScaleLane::new(prime, post_bypass)),
            ctrl,
            lanes,
        }
    }
}

impl<const L: usize> Logic for NttCore<L> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, pre_rom, post_rom);
        self.pre_rom.valid.next = self.valid_in.val();
        for l in 0..L {
            self.pre[l].clock.next = self.clock.val();
            self.pre[l].valid_in.next = self.valid_in.val();
            self.pre[l].data_in.next = self.data_in[l].val();
            self.pre[l].factor_mont.next = self.pre_rom.factor_mont.val();
        }
        // Stage controls, chained by their valids.
        for s in 0..(self.ctrl.len()) {
            self.ctrl[s].clock.next = self.clock.val();
        }
        self.ctrl[0].valid_in.next = self.pre[0].valid_out.val();
        for s in 1..(self.ctrl.len()) {
            self.ctrl[s].valid_in.next = self.ctrl[s - 1].valid_out.val();
        }
        for s in (self.ctrl.len() - 1)..(self.ctrl.len()) {
            self.post_rom.valid.next = self.ctrl[s].valid_out.val();
            for l in 0..L {
                self.post[l].clock.next = self.clock.val();
                self.post[l].valid_in.next = self.ctrl[s].valid_out.val();
                self.post[l].factor_mont.next = self.post_rom.factor_mont.val();
            }
        }
        self.valid_out.next = self.post[0].valid_out.val();
        for l in 0..L {
            self.data_out[l].next = self.post[l].data_out.val();
        }
        // Lanes. The one-pass loop binds `nl = L` where the Verilog generator evaluates
        // indices (it knows loop variables only).
        for nl in L..(L + 1) {
            for s in 0..(self.ctrl.len()) {
                for l in 0..L {
                    self.lanes[s * nl + l].clock.next = self.clock.val();
                    self.lanes[s * nl + l].in_we.next = self.ctrl[s].in_we.val();
                    self.lanes[s * nl + l].in_addr.next = self.ctrl[s].in_addr.val();
                    self.lanes[s * nl + l].bf_valid.next = self.ctrl[s].bf_valid.val();
                    self.lanes[s * nl + l].w_mont.next = self.ctrl[s].w_mont.val();
                    self.lanes[s * nl + l].dw_we.next = self.ctrl[s].dw_we.val();
                    self.lanes[s * nl + l].dw_addr.next = self.ctrl[s].dw_addr.val();
                    self.lanes[s * nl + l].dr_addr.next = self.ctrl[s].dr_addr.val();
                    self.lanes[s * nl + l].sel_diff.next = self.ctrl[s].sel_diff.val();
                }
            }
            for l in 0..L {
                self.lanes[l].data_in.next = self.pre[l].data_out.val();
            }
            for s in 1..(self.ctrl.len()) {
                for l in 0..L {
                    self.lanes[s * nl + l].data_in.next = self.lanes[s * nl + l - nl].data_out.val();
                }
            }
            for s in (self.ctrl.len() - 1)..(self.ctrl.len()) {
                for l in 0..L {
                    self.post[l].data_in.next = self.lanes[s * nl + l].data_out.val();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn ntt_core_is_synthesizable() {
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        for (name, mode) in
            [("coset", NttMode::Coset { shift: 31 }), ("coset_inv", NttMode::CosetInverse { shift: 31 })]
        {
            let mut uut = NttCore::<2>::new(prime, 3, mode);
            uut.connect_all();
            yosys_validate(&format!("ntt_core_{name}"), &generate_verilog(&uut)).unwrap();
        }
    }

    /// The report flow maps every memory shape the core uses (depths 1 to 4, RAM and ROM):
    /// yosys 0.23's xcup LUT-RAM mapper once rejected the one-word ones.
    #[test]
    fn small_ntt_core_maps_to_both_targets() {
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        let verilog = crate::eda::verilog_of(NttCore::<1>::new(prime, 2, NttMode::Coset { shift: 31 }));
        for target in [crate::eda::Target::Xcup, crate::eda::Target::Ice40] {
            let stat = crate::eda::yosys_stat("ntt_core_small", &verilog, target).unwrap();
            assert!(stat.contains("Number of cells"), "{target:?}: {stat}");
        }
    }
}
