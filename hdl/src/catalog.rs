//! Every block, with the parameters it is built with: what `slotproof-hdl emit` writes and
//! `slotproof-hdl reports` synthesises. One entry per (block, field) variant.

use slotproof_core::FieldId;

use crate::eda::verilog_of;
use crate::field::{GoldilocksMul, ModAdd31, ModSub31, MontMul31, MontMul31Stream, Prime31};
use crate::ntt::{Butterfly31, NttCore, NttMode, TwiddleRom};
use crate::poseidon2::Sbox31;

/// A block variant as the tools see it.
pub struct Entry {
    /// File-name stem: `<block>_<field>`.
    pub name: String,
    /// What it is, for the report table.
    pub description: &'static str,
    /// Cycles from input to output.
    pub latency: usize,
    /// Initiation interval: cycles between accepted inputs at full rate.
    pub ii: usize,
    /// Results per accepted input (1 for a field unit, 2 for a butterfly).
    pub results_per_input: usize,
    /// Its Verilog (top module `top`).
    pub verilog: String,
}

/// All block variants, in report order.
pub fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        out.push(Entry {
            name: format!("mont_mul31_{field}"),
            description: "Montgomery multiplier, 4 × 16×16 products, shift-add REDC",
            latency: MontMul31::LATENCY,
            ii: 1,
            results_per_input: 1,
            verilog: verilog_of(MontMul31::new(prime)),
        });
    }
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        out.push(Entry {
            name: format!("butterfly31_{field}"),
            description: "radix-2 NTT butterfly (a ± w·b), twiddle in Montgomery form",
            latency: Butterfly31::LATENCY,
            ii: 1,
            results_per_input: 2,
            verilog: verilog_of(Butterfly31::new(prime)),
        });
    }
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        out.push(Entry {
            name: format!("sbox31_{field}"),
            description: if field == FieldId::BabyBear {
                "Poseidon2 S-box x^7 (Montgomery form), 4 multiplications, depth 3"
            } else {
                "Poseidon2 S-box x^3 (Montgomery form), 2 multiplications, depth 2"
            },
            latency: Sbox31::latency(prime),
            ii: 1,
            results_per_input: 1,
            verilog: verilog_of(Sbox31::new(prime)),
        });
    }
    out.push(Entry {
        name: "mont_mul31_stream_babybear".into(),
        description: "Montgomery multiplier behind valid/ready streams, 16-deep result FIFO",
        latency: MontMul31::LATENCY + 2,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(MontMul31Stream::new(Prime31::new(FieldId::BabyBear).expect("31-bit"))),
    });
    // The largest on-chip NTT (2^12 points) needs 2^11 twiddles.
    out.push(Entry {
        name: "twiddle_rom_4096_babybear".into(),
        description: "twiddle ROM of a 2^12-point NTT, 2,048 × 32 bits, Montgomery form",
        latency: TwiddleRom::<11>::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(TwiddleRom::<11>::new(Prime31::new(FieldId::BabyBear).expect("31-bit"), false)),
    });
    // The streaming NTT at the on-chip maximum, 2^12 points, one lane: the plain transform and
    // the coset one the LDE runs (shift = the generator, factors from a 4,096-word ROM).
    let babybear = Prime31::new(FieldId::BabyBear).expect("31-bit");
    out.push(Entry {
        name: "ntt_core_4096_babybear".into(),
        description: "streaming NTT, 2^12 points, 1 lane, SDF-style DIF pipeline, bit-reversed output",
        latency: NttCore::<1>::latency(12),
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(NttCore::<1>::new(babybear, 12, NttMode::Forward)),
    });
    out.push(Entry {
        name: "ntt_core_coset_4096_babybear".into(),
        description: "streaming coset NTT (x_i·g^i pre-multiplied), 2^12 points, 1 lane, bit-reversed output",
        latency: NttCore::<1>::latency(12),
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(NttCore::<1>::new(
            babybear,
            12,
            NttMode::Coset { shift: slotproof_core::golden::Fp::new(FieldId::BabyBear).generator() },
        )),
    });
    out.push(Entry {
        name: "goldilocks_mul".into(),
        description: "Goldilocks multiplier, 16 × 16×16 products, 2^64 − 2^32 + 1 reduction",
        latency: GoldilocksMul::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(GoldilocksMul::new()),
    });
    // The adders do not depend on the prime's form beyond its value: one variant each.
    let prime = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    out.push(Entry {
        name: "mod_add31_babybear".into(),
        description: "modular adder",
        latency: ModAdd31::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(ModAdd31::new(prime)),
    });
    out.push(Entry {
        name: "mod_sub31_babybear".into(),
        description: "modular subtractor",
        latency: ModSub31::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(ModSub31::new(prime)),
    });
    out
}
