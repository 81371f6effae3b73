//! `TwiddleCheck` and `ConstantsCheck`: whether the payload of `LOAD_TWIDDLES` or
//! `LOAD_CONSTANTS` is exactly the table the device model expects (`twiddle_table` and
//! `constants_table` in `slotproof_sim::device::executor`), one 32-bit word per cycle.
//!
//! The device model accepts a table only if its bytes equal the expected table and otherwise
//! refuses with `TablesNotLoaded` at word `SRC`. The card reads the payload from card memory
//! one little-endian word per beat, possibly with gaps, so each checker looks at that word
//! stream and keeps one verdict: every word so far is the expected word at its index. The
//! 31-bit fields only (BabyBear, KoalaBear): one canonical element per word, so a
//! non-canonical word (`≥ p`) never equals the expected value and fails.
//!
//! # Twiddles: one multiplier instead of a table
//!
//! The twiddle table of an LDE of `2^log_n` rows is `ω^i` for `i < 2^(log_n − 1)`, `ω` the
//! field's primitive `2^log_n`-th root of unity as Plonky3 chooses it (the two-adic
//! generator squared down). Word 0 must be 1 and word `i + 1` must be word `i · ω`, so the
//! checker multiplies every word by `ω` in one [`MontMul31`] (`ω` from a ROM of Montgomery
//! forms indexed by `log_n`, built at construction from the golden field) and compares the
//! next word with that product. The incoming stream waits in a delay line of the
//! multiplier's latency, so a word meets the product of its predecessor whether it came back
//! to back (the product leaves the multiplier in the same cycle as the word leaves the delay
//! line and is registered for the next word) or after any gap. Word 1 is checked against
//! word `0 · ω`, which is `ω` itself once word 0 has passed as 1. A `log_n` with no table
//! (0, or above the field's two-adicity: the device model's table is empty) has no entry in
//! the ROM, and its first word fails.
//!
//! The length of the table is checked elsewhere (the descriptor's `SRC_LEN`); `words` counts
//! the words seen.
//!
//! # Constants: a ROM
//!
//! The Poseidon2 round constants are a few hundred arbitrary words (141 for BabyBear, 148 for
//! KoalaBear): a ROM built at construction from the golden [`Poseidon2Spec`] in the order the
//! device model lays them out (the 4 initial external rounds, the partial rounds, the 4
//! terminal external rounds), indexed by the word count. `complete` says the whole table,
//! and nothing more, has been seen and was right.
//!
//! # Interface
//!
//! `clear` starts a new table (alone, or on the cycle of its first word); for the twiddles
//! `log_n` is held from `clear` until the table's last word has entered. `valid_in` with
//! `word` delivers the next word. [`TwiddleCheck::LATENCY`] (or
//! [`ConstantsCheck::LATENCY`]) cycles after a word, `valid_out` is high for one cycle and
//! `ok`, `words` (and `complete`) include it; they hold between words. A `clear` without a
//! word resets the verdict to `ok` (an empty table is right so far) with `words` = 0, after
//! the same latency.

use std::collections::BTreeMap;

use rust_hdl::prelude::*;
use slotproof_core::golden::{Fp, Poseidon2Spec};

use crate::field::{MontMul31, Prime31};

/// The stages of the twiddle checker's delay line: the multiplier's latency.
const DELAY: usize = MontMul31::LATENCY;

/// The twiddle checker. Build it with [`TwiddleCheck::new`].
#[derive(LogicBlock)]
pub struct TwiddleCheck {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A new table starts (this cycle's word, if any, is its word 0).
    pub clear: Signal<In, Bit>,
    /// The table's size: `2^log_n` LDE rows, `2^(log_n − 1)` words. Held from `clear` on.
    pub log_n: Signal<In, Bits<5>>,
    /// A word arrives this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The word, one canonical element.
    pub word: Signal<In, Bits<32>>,
    /// `ok` and `words` include a word that arrived [`TwiddleCheck::LATENCY`] cycles ago.
    pub valid_out: Signal<Out, Bit>,
    /// Every word of this table so far equals the expected word at its index.
    pub ok: Signal<Out, Bit>,
    /// Words of this table seen.
    pub words: Signal<Out, Bits<32>>,
    one: Constant<Bits<32>>,
    /// `ω_T·2^32 mod p` at address `T` for every `T` with a table, nothing (0) elsewhere.
    omega_rom: ROM<Bits<32>, 5>,
    mul: MontMul31,
    // The incoming stream, held back by the multiplier's latency. `bad`: `log_n` has no
    // table.
    valid_dl: [DFF<Bit>; DELAY],
    clear_dl: [DFF<Bit>; DELAY],
    bad_dl: [DFF<Bit>; DELAY],
    word_dl: [DFF<Bits<32>>; DELAY],
    /// The product of the last word leaving the delay line and `ω`: the next word's value.
    next: DFF<Bits<32>>,
    /// Words of this table seen (after the delay line).
    count: DFF<Bits<32>>,
    /// Some word of this table was wrong.
    fail: DFF<Bit>,
    out_valid: DFF<Bit>,
    // The table as the word leaving the delay line sees it (a clear in the same cycle
    // starts a new one).
    seen: Signal<Local, Bits<32>>,
    failed: Signal<Local, Bit>,
    expected: Signal<Local, Bits<32>>,
}

/// `ω_T` in Montgomery form for every `T` in `1..=two_adicity` of `prime`'s field, at address
/// `T`: the multiplier's constant operand for a table of `2^T` rows.
fn omega_table(prime: Prime31) -> BTreeMap<Bits<5>, Bits<32>> {
    let f = Fp::new(prime.field);
    (1..=prime.field.two_adicity()).map(|t| (t.to_bits(), prime.to_mont(f.two_adic_root(t)).to_bits())).collect()
}

impl TwiddleCheck {
    /// Cycles from a word to `valid_out` with the verdict that includes it: the delay line,
    /// then the verdict register.
    pub const LATENCY: usize = DELAY + 1;

    /// The checker for `prime`'s field.
    pub fn new(prime: Prime31) -> Self {
        const { assert!(DELAY == 5, "the delay line is written out for the multiplier's latency") };
        Self {
            clock: Default::default(),
            clear: Default::default(),
            log_n: Default::default(),
            valid_in: Default::default(),
            word: Default::default(),
            valid_out: Default::default(),
            ok: Default::default(),
            words: Default::default(),
            one: Constant::new(1u64.to_bits()),
            omega_rom: ROM::new(omega_table(prime)),
            mul: MontMul31::new(prime),
            valid_dl: Default::default(),
            clear_dl: Default::default(),
            bad_dl: Default::default(),
            word_dl: Default::default(),
            next: Default::default(),
            count: Default::default(),
            fail: Default::default(),
            out_valid: Default::default(),
            seen: Default::default(),
            failed: Default::default(),
            expected: Default::default(),
        }
    }
}

impl Logic for TwiddleCheck {
    #[hdl_gen]
    fn update(&mut self) {
        // The delay line is written out for rust-hdl: `DELAY` stages, the last one [4].
        dff_setup!(self, clock, next, count, fail, out_valid);
        for i in 0..5 {
            self.valid_dl[i].clock.next = self.clock.val();
            self.clear_dl[i].clock.next = self.clock.val();
            self.bad_dl[i].clock.next = self.clock.val();
            self.word_dl[i].clock.next = self.clock.val();
        }
        // Every word times ω, in the cycle it arrives.
        self.omega_rom.address.next = self.log_n.val();
        self.mul.clock.next = self.clock.val();
        self.mul.valid_in.next = self.valid_in.val();
        self.mul.a.next = self.word.val();
        self.mul.b.next = self.omega_rom.data.val();
        // The stream waits for the product.
        self.valid_dl[0].d.next = self.valid_in.val();
        self.clear_dl[0].d.next = self.clear.val();
        self.bad_dl[0].d.next = !self.omega_rom.data.val().any();
        self.word_dl[0].d.next = self.word.val();
        for i in 1..5 {
            self.valid_dl[i].d.next = self.valid_dl[i - 1].q.val();
            self.clear_dl[i].d.next = self.clear_dl[i - 1].q.val();
            self.bad_dl[i].d.next = self.bad_dl[i - 1].q.val();
            self.word_dl[i].d.next = self.word_dl[i - 1].q.val();
        }
        // The word leaving the delay line against 1 (word 0) or its predecessor times ω.
        if self.clear_dl[4].q.val() {
            self.seen.next = 0.into();
            self.failed.next = false;
        } else {
            self.seen.next = self.count.q.val();
            self.failed.next = self.fail.q.val();
        }
        if self.seen.val().any() {
            self.expected.next = self.next.q.val();
        } else {
            self.expected.next = self.one.val();
        }
        if self.valid_dl[4].q.val() {
            self.fail.d.next =
                self.failed.val() || self.bad_dl[4].q.val() || self.word_dl[4].q.val() != self.expected.val();
            self.count.d.next = self.seen.val() + 1;
        } else {
            self.fail.d.next = self.failed.val();
            self.count.d.next = self.seen.val();
        }
        // The product of this word leaves the multiplier in the same cycle.
        if self.mul.valid_out.val() {
            self.next.d.next = self.mul.c.val();
        }
        self.out_valid.d.next = self.valid_dl[4].q.val();
        self.valid_out.next = self.out_valid.q.val();
        self.ok.next = !self.fail.q.val();
        self.words.next = self.count.q.val();
    }
}

/// Address bits of the constants ROM: room for 256 words.
const CONST_ADDR: usize = 8;

/// The words `LOAD_CONSTANTS` expects for `prime`'s field, in the device model's order: the
/// round constants of the 4 initial external rounds, of the partial rounds (one each), of the
/// 4 terminal external rounds; canonical elements.
pub fn constants_words(prime: Prime31) -> Vec<u32> {
    let spec = Poseidon2Spec::for_field(prime.field);
    let external = |rounds: &[Vec<u64>]| rounds.iter().flatten().copied().collect::<Vec<_>>();
    [external(&spec.rc_external_initial), spec.rc_internal.clone(), external(&spec.rc_external_final)]
        .concat()
        .into_iter()
        .map(|c| u32::try_from(c).expect("a 31-bit element"))
        .collect()
}

/// The round-constants checker. Build it with [`ConstantsCheck::new`].
#[derive(LogicBlock)]
pub struct ConstantsCheck {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A new table starts (this cycle's word, if any, is its word 0).
    pub clear: Signal<In, Bit>,
    /// A word arrives this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The word, one canonical element.
    pub word: Signal<In, Bits<32>>,
    /// `ok`, `words` and `complete` include a word that arrived on the previous edge.
    pub valid_out: Signal<Out, Bit>,
    /// Every word of this table so far equals the expected word at its index (and there
    /// were no more words than the table has).
    pub ok: Signal<Out, Bit>,
    /// Words of this table seen.
    pub words: Signal<Out, Bits<32>>,
    /// Exactly the whole table has been seen, every word right.
    pub complete: Signal<Out, Bit>,
    len: Constant<Bits<32>>,
    rom: ROM<Bits<32>, CONST_ADDR>,
    count: DFF<Bits<32>>,
    fail: DFF<Bit>,
    out_valid: DFF<Bit>,
    seen: Signal<Local, Bits<32>>,
    failed: Signal<Local, Bit>,
}

impl ConstantsCheck {
    /// Cycles from a word to `valid_out` with the verdict that includes it.
    pub const LATENCY: usize = 1;

    /// The checker for `prime`'s field.
    pub fn new(prime: Prime31) -> Self {
        let words = constants_words(prime);
        assert!(words.len() <= 1 << CONST_ADDR, "{} round constants do not fit the ROM", words.len());
        Self {
            clock: Default::default(),
            clear: Default::default(),
            valid_in: Default::default(),
            word: Default::default(),
            valid_out: Default::default(),
            ok: Default::default(),
            words: Default::default(),
            complete: Default::default(),
            len: Constant::new(words.len().to_bits()),
            rom: words.iter().map(|&w| u64::from(w).to_bits()).into(),
            count: Default::default(),
            fail: Default::default(),
            out_valid: Default::default(),
            seen: Default::default(),
            failed: Default::default(),
        }
    }
}

impl Logic for ConstantsCheck {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, count, fail, out_valid);
        if self.clear.val() {
            self.seen.next = 0.into();
            self.failed.next = false;
        } else {
            self.seen.next = self.count.q.val();
            self.failed.next = self.fail.q.val();
        }
        self.rom.address.next = self.seen.val().get_bits::<8>(0);
        if self.valid_in.val() {
            self.fail.d.next =
                self.failed.val() || self.seen.val() >= self.len.val() || self.word.val() != self.rom.data.val();
            self.count.d.next = self.seen.val() + 1;
        } else {
            self.fail.d.next = self.failed.val();
            self.count.d.next = self.seen.val();
        }
        self.out_valid.d.next = self.valid_in.val();
        self.valid_out.next = self.out_valid.q.val();
        self.ok.next = !self.fail.q.val();
        self.words.next = self.count.q.val();
        self.complete.next = !self.fail.q.val() && self.count.q.val() == self.len.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn table_checks_are_synthesizable() {
        let prime = Prime31::new(FieldId::BabyBear).unwrap();
        let mut uut = TwiddleCheck::new(prime);
        uut.connect_all();
        yosys_validate("twiddle_check", &generate_verilog(&uut)).unwrap();
        let mut uut = ConstantsCheck::new(prime);
        uut.connect_all();
        yosys_validate("constants_check", &generate_verilog(&uut)).unwrap();
    }

    /// The ROM covers exactly the sizes with a table, and no ω is 0 (0 marks "no table").
    #[test]
    fn omega_rom_covers_the_two_adic_sizes() {
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let rom = omega_table(Prime31::new(field).unwrap());
            assert_eq!(rom.len(), field.two_adicity());
            assert!(rom.values().all(|w| w.any()));
        }
    }
}
