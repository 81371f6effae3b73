//! Every block, with the parameters it is built with: what `slotproof-hdl emit` writes and
//! `slotproof-hdl reports` synthesises. One entry per (block, field) variant.

use slotproof_core::FieldId;

use crate::eda::verilog_of;
use crate::field::Reduce31;
use crate::field::{GoldilocksMul, ModAdd31, ModSub31, MontMul31, MontMul31Stream, Prime31};
use crate::merkle::{LeafSponge, MerkleTree};
use crate::ntt::{Butterfly31, TwiddleRom};
use crate::poseidon2::{ExternalLayer16, FullRound16, InternalLayer16, PartialRound16, Poseidon2Perm16, Sbox31};

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
    out.push(Entry {
        name: "reduce31_babybear".into(),
        description: "lazy sum (< 2^38) to canonical: two folds of 2^31 ≡ 2^s − 1, one subtraction",
        latency: Reduce31::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(Reduce31::new(prime)),
    });
    out.extend(poseidon2_entries());
    let bb = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    out.push(Entry {
        name: "merkle_tree_babybear".into(),
        description: "Merkle root of 2^k streamed leaf digests (k ≤ 20): one Poseidon2-16, pending-left per level; rate = leaves taken, latency = per level",
        latency: MerkleTree::compression_latency(bb) + 2,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(MerkleTree::new(bb, MerkleTree::MAX_LOG).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "leaf_sponge_babybear".into(),
        description: "padding-free Poseidon2-16 sponge (rate 8), rows chunk-interleaved over 512 slots, state RAM + busy bits; rate = chunks",
        latency: LeafSponge::latency(bb),
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(LeafSponge::new(bb).expect("golden diagonal")),
    });
    out
}

/// The Poseidon2 datapath: its layers and rounds (BabyBear, with the first rounds' constants)
/// and the whole permutation for both fields. Results are permutations (or rounds) of a
/// 16-lane state.
fn poseidon2_entries() -> Vec<Entry> {
    let mut out = Vec::new();
    let bb = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    let rc = |r: usize| {
        let spec = slotproof_core::golden::Poseidon2Spec::for_field(FieldId::BabyBear);
        std::array::from_fn(|i| spec.rc_external_initial[r][i])
    };
    out.push(Entry {
        name: "external_layer16_babybear".into(),
        description: "Poseidon2 external layer, 16 lanes: M4 + column sums + next constants, shift-add only",
        latency: ExternalLayer16::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(ExternalLayer16::new(bb, &rc(0))),
    });
    out.push(Entry {
        name: "internal_layer16_babybear".into(),
        description: "Poseidon2 internal layer, 16 lanes: sum + diagonal ±c·2^-k by shifts + next constant",
        latency: InternalLayer16::LATENCY,
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(InternalLayer16::new(bb, &rc(0)).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "full_round16_babybear".into(),
        description: "Poseidon2 full round: 16 S-boxes x^7 + external layer",
        latency: FullRound16::latency(bb),
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(FullRound16::new(bb, &rc(1))),
    });
    out.push(Entry {
        name: "partial_round16_babybear".into(),
        description: "Poseidon2 partial round: 1 S-box x^7, 15 delayed lanes, internal layer",
        latency: PartialRound16::latency(bb),
        ii: 1,
        results_per_input: 1,
        verilog: verilog_of(PartialRound16::new(bb, &rc(1)).expect("golden diagonal")),
    });
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        out.push(Entry {
            name: format!("poseidon2_perm16_{field}"),
            description: if field == FieldId::BabyBear {
                "Poseidon2-16 permutation, fully unrolled: 8 full + 13 partial rounds, one per cycle"
            } else {
                "Poseidon2-16 permutation, fully unrolled: 8 full + 20 partial rounds, one per cycle"
            },
            latency: Poseidon2Perm16::latency(prime),
            ii: 1,
            results_per_input: 1,
            verilog: verilog_of(Poseidon2Perm16::new(prime).expect("golden diagonal")),
        });
    }
    out
}
