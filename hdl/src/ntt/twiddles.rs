//! `TwiddleRom`: the twiddles of one NTT size, in Montgomery form, as a synchronous ROM.
//!
//! Entry `j` (for `j < 2^LOG_N / 2`) is `ω^j · 2^32 mod p` with `ω` the primitive `2^LOG_N`-th
//! root of unity the golden model uses (Plonky3's), or its inverse for the inverse transform.
//! Stage `s` of a radix-2 network uses every `2^s`-th entry, so one ROM serves all stages.
//! Stored in Montgomery form so that [`crate::ntt::Butterfly31`]'s multiplier returns `w·b`
//! with no conversion. Latency [`TwiddleRom::LATENCY`] = 1 (one block-RAM read).

use std::collections::BTreeMap;

use rust_hdl::prelude::*;
use slotproof_core::golden::Fp;

use crate::field::Prime31;

/// The ROM for `2^(A + 1)`-point transforms: `2^A` entries, address width `A`.
#[derive(LogicBlock)]
pub struct TwiddleRom<const A: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// `addr` is valid this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Entry index `j`.
    pub addr: Signal<In, Bits<A>>,
    /// `w_mont` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// `ω^j · 2^32 mod p`.
    pub w_mont: Signal<Out, Bits<32>>,
    rom: SyncROM<Bits<32>, A>,
    s1_v: DFF<Bit>,
}

impl<const A: usize> TwiddleRom<A> {
    /// Cycles from `valid_in` to `valid_out`.
    pub const LATENCY: usize = 1;

    /// The canonical twiddles `ω^j` (not in Montgomery form), `j < 2^A`, for a `2^(A+1)`-point
    /// forward (`inverse = false`) or inverse transform: the golden model's values.
    pub fn twiddles(prime: Prime31, inverse: bool) -> Vec<u64> {
        let f = Fp::new(prime.field);
        let mut w = f.two_adic_root(A + 1);
        if inverse {
            w = f.inv(w);
        }
        (0..1u64 << A).map(|j| f.pow(w, j)).collect()
    }

    /// The ROM for `prime`.
    pub fn new(prime: Prime31, inverse: bool) -> Self {
        let contents: BTreeMap<Bits<A>, Bits<32>> = Self::twiddles(prime, inverse)
            .into_iter()
            .enumerate()
            .map(|(j, w)| ((j as u64).to_bits(), prime.to_mont(w).to_bits()))
            .collect();
        Self {
            clock: Default::default(),
            valid_in: Default::default(),
            addr: Default::default(),
            valid_out: Default::default(),
            w_mont: Default::default(),
            rom: SyncROM::new(contents),
            s1_v: Default::default(),
        }
    }
}

impl<const A: usize> Logic for TwiddleRom<A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s1_v);
        self.rom.clock.next = self.clock.val();
        self.rom.address.next = self.addr.val();
        self.s1_v.d.next = self.valid_in.val();
        self.valid_out.next = self.s1_v.q.val();
        self.w_mont.next = self.rom.data.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn twiddle_rom_is_synthesizable() {
        let mut uut = TwiddleRom::<6>::new(Prime31::new(FieldId::BabyBear).unwrap(), false);
        uut.connect_all();
        yosys_validate("twiddle_rom", &generate_verilog(&uut)).unwrap();
    }
}
