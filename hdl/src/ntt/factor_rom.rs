//! `FactorRom`: the factors a [`crate::ntt::ScaleLane`] multiplies by, one per element of a
//! transform, shared by all lanes.
//!
//! The ROM holds the factors of one transform in the order the elements pass (`len` words,
//! or a single word when every element takes the same factor), and a counter of the valid
//! elements, wrapping at `len`, addresses it: counting valid elements rather than cycles is
//! what lets the stream have gaps, as everywhere in the core. The factor of an element comes
//! out one cycle after the element (the ROM read), which is what `ScaleLane` expects.

use rust_hdl::prelude::*;

use crate::ntt::SyncMem32;
use crate::ntt::sync_mem32::MEM_ADDR_BITS;

/// The ROM and its counter. Build it with [`FactorRom::new`].
#[derive(LogicBlock)]
pub struct FactorRom {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// An element passes this cycle.
    pub valid: Signal<In, Bit>,
    /// Its factor, in Montgomery form, one cycle later.
    pub factor_mont: Signal<Out, Bits<32>>,
    rom: SyncMem32,
    last: Constant<Bits<MEM_ADDR_BITS>>,
    count: DFF<Bits<MEM_ADDR_BITS>>,
}

impl FactorRom {
    /// A ROM of `factors_mont` (Montgomery form), element `i` taking factor `i mod len`.
    pub fn new(factors_mont: &[u64]) -> Self {
        Self {
            clock: Default::default(),
            valid: Default::default(),
            factor_mont: Default::default(),
            last: Constant::new((factors_mont.len() as u64 - 1).to_bits()),
            rom: SyncMem32::rom(factors_mont),
            count: Default::default(),
        }
    }
}

impl Logic for FactorRom {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, count);
        self.rom.clock.next = self.clock.val();
        self.rom.we.next = false;
        self.rom.waddr.next = 0.into();
        self.rom.wdata.next = 0.into();
        self.rom.raddr.next = self.count.q.val();
        self.factor_mont.next = self.rom.rdata.val();
        if self.valid.val() {
            if self.count.q.val() == self.last.val() {
                self.count.d.next = 0.into();
            } else {
                self.count.d.next = self.count.q.val() + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_rom_is_synthesizable() {
        for words in [&[7][..], &[1, 2, 3, 4]] {
            let mut uut = FactorRom::new(words);
            uut.connect_all();
            yosys_validate(&format!("factor_rom_{}", words.len()), &generate_verilog(&uut)).unwrap();
        }
    }
}
