//! Every block, with the parameters it is built with: what `slotproof-hdl emit` writes and
//! `slotproof-hdl reports` synthesises (and, for the butterflies and field units,
//! `slotproof-hdl ice40` places and routes). One entry per (block, field) variant.

use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::{CurveId, FieldId};

use slotproof_firmware::memory_map;

use crate::card::regs_axil::CardRegsConfig;
use crate::card::{
    Admission, AdmissionConfig, CardRegs, CardTop, CardTopConfig, CommandDecoder, ConstantsCheck, ExecCardTop,
    HashPass, LaneWriter, Limits, OperandChecker, PassShape, PayloadCrc, ShapeChecker, TwiddleCheck, WordReader,
};
use crate::eda::{Target, verilog_of};
use crate::field::{
    GoldilocksMul, GoldilocksMulStream, ModAdd31, ModAdd31Stream, ModSub31, ModSub31Stream, MontMul31, MontMul31Stream,
    Prime31, Reduce31, Reduce64,
};
use crate::merkle::{LeafSponge, LeafSponge8, MerkleTree, MerkleTree8};
use crate::msm::{BucketUnit, ModAddSub, ModOp, MontMul, PointAdd, WideField};
use crate::ntt::{Butterfly31, Butterfly31Stream, LdeUnit, NttCore, NttMode, NttStream, TwiddleRom};
use crate::poseidon2::{
    ExternalLayer8, ExternalLayer16, FullRound8, FullRound16, InternalLayer8, InternalLayer16, PartialRound8,
    PartialRound16, Poseidon2Perm8, Poseidon2Perm16, Poseidon2Stream8, Poseidon2Stream16, Sbox31, Sbox31Stream, Sbox64,
};
use crate::stream_credit::FIFO_LATENCY;

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
    /// What it is synthesised for in the reports.
    pub targets: &'static [Target],
    /// Its Verilog (top module `top`).
    pub verilog: String,
}

/// All block variants, in report order.
pub fn entries() -> Vec<Entry> {
    let mut out = multipliers_and_butterflies();
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
            targets: BOTH_TARGETS,
            verilog: verilog_of(Sbox31::new(prime)),
        });
    }
    out.extend(stream_entries());
    // The largest on-chip NTT (2^12 points) needs 2^11 twiddles.
    out.push(Entry {
        name: "twiddle_rom_4096_babybear".into(),
        description: "twiddle ROM of a 2^12-point NTT, 2,048 × 32 bits, Montgomery form",
        latency: TwiddleRom::<11>::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(TwiddleRom::<11>::new(Prime31::new(FieldId::BabyBear).expect("31-bit"), false)),
    });
    // The streaming NTT at the on-chip maximum, 2^12 points: one lane of the plain transform,
    // of the coset one the LDE runs (shift = the generator, factors from a 4,096-word ROM) and
    // of its inverse (factors after the stages, in bit-reversed order), and the four-lane
    // stream with back-pressure.
    let babybear = Prime31::new(FieldId::BabyBear).expect("31-bit");
    let generator = slotproof_core::golden::Fp::new(FieldId::BabyBear).generator();
    out.push(Entry {
        name: "ntt_core_4096_babybear".into(),
        description: "streaming NTT, 2^12 points, 1 lane, SDF-style DIF pipeline, bit-reversed output",
        latency: NttCore::<1>::latency(12),
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(NttCore::<1>::new(babybear, 12, NttMode::Forward)),
    });
    out.push(Entry {
        name: "ntt_core_coset_4096_babybear".into(),
        description: "streaming coset NTT (x_i·g^i pre-multiplied), 2^12 points, 1 lane, bit-reversed output",
        latency: NttCore::<1>::latency(12),
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(NttCore::<1>::new(babybear, 12, NttMode::Coset { shift: generator })),
    });
    out.push(Entry {
        name: "ntt_core_coset_inverse_4096_babybear".into(),
        description: "streaming coset inverse NTT (n^-1·g^-i post-multiplied in bit-reversed order), 2^12 points, 1 lane",
        latency: NttCore::<1>::latency(12),
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(NttCore::<1>::new(babybear, 12, NttMode::CosetInverse { shift: generator })),
    });
    out.push(Entry {
        name: "ntt_stream_4096_x4_babybear".into(),
        description: "streaming NTT, 2^12 points, 4 lanes, valid/ready both sides: credit + one FIFO RAM per lane; rate = elements",
        latency: NttStream::<4>::latency(12),
        ii: 1,
        results_per_input: 4,
        targets: BOTH_TARGETS,
        verilog: verilog_of(NttStream::<4>::new(babybear, 12, NttMode::Forward)),
    });
    // The command processor's LDE: sizes chosen per command up to 2^13 rows, twiddles
    // loaded. Latency and II are one 2^12-row column set extended 2×, eight lanes at once.
    let lde_cycles = LdeUnit::cycles(12, 1) as usize;
    out.push(Entry {
        name: "lde_unit_8x13_babybear".into(),
        description: "runtime-sized coset LDE, 8 lanes, up to 2^13 rows (two RAMs per lane), loaded twiddles; latency/II = one 2^12-row LDE, blowup 2; rate = extended elements",
        latency: lde_cycles,
        ii: lde_cycles,
        results_per_input: LdeUnit::LANES << 13,
        targets: BOTH_TARGETS,
        verilog: verilog_of(LdeUnit::new(FieldId::BabyBear, 13).expect("BabyBear, 2^13 rows")),
    });
    out.push(Entry {
        name: "goldilocks_mul".into(),
        description: "Goldilocks multiplier, 16 × 16×16 products, 2^64 − 2^32 + 1 reduction",
        latency: GoldilocksMul::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(GoldilocksMul::new()),
    });
    out.extend(adders());
    out.extend(msm_entries());
    out.extend(poseidon2_entries());
    let bb = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    out.push(Entry {
        name: "merkle_tree_babybear".into(),
        description: "Merkle root of 2^k streamed leaf digests (k ≤ 20): one Poseidon2-16, pending-left per level, 512-root FIFO behind a credit (valid/ready both sides); rate = leaves taken, latency = per level",
        latency: MerkleTree::compression_latency(bb) + 2,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(MerkleTree::new(bb, MerkleTree::MAX_LOG).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "leaf_sponge_babybear".into(),
        description: "padding-free Poseidon2-16 sponge (rate 8), rows chunk-interleaved over 512 slots, state RAM + busy bits, 512-digest FIFO behind a credit (valid/ready both sides); rate = chunks",
        latency: LeafSponge::latency(bb),
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(LeafSponge::new(bb).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "merkle_tree8_goldilocks".into(),
        description: "Merkle root of 2^k streamed Goldilocks leaf digests (4 lanes, k ≤ 20): one Poseidon2-8, pending-left per level, 512-root FIFO behind a credit; rate = leaves taken, latency = per level",
        latency: MerkleTree8::COMPRESSION_LATENCY + 2,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(MerkleTree8::new(MerkleTree8::MAX_LOG).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "leaf_sponge8_goldilocks".into(),
        description: "padding-free Poseidon2-8 sponge (rate 4, Goldilocks), rows chunk-interleaved over 512 slots, state RAM + busy bits, 1,024-digest FIFO behind a credit; rate = chunks",
        latency: LeafSponge8::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(LeafSponge8::new().expect("golden diagonal")),
    });
    out.push(Entry {
        name: "card_regs".into(),
        description: "card user-BAR register block, AXI4-Lite slave generated from the firmware ABI (offsets, fields, identity); rate = reads (one in flight)",
        latency: CardRegs::READ_LATENCY,
        ii: 2,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(CardRegs::new(&card_regs_config()).expect("the ABI fits the block")),
    });
    let every_cap = slotproof_firmware::regs::caps::ALL.iter().fold(0, |m, f| m | f.mask());
    out.push(Entry {
        name: "command_decoder".into(),
        description: "card command decoder: descriptor decode, doorbell sequence and capability checks, tables from the firmware ABI; rate = descriptors",
        latency: CommandDecoder::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(CommandDecoder::new(every_cap)),
    });
    out.push(Entry {
        name: "shape_checker".into(),
        description: "card shape checker: limits, two-adicity, COUNT, COMMIT_BATCH slice and height cap of an admitted descriptor (U55C-class limits); rate = descriptors",
        latency: ShapeChecker::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(ShapeChecker::new(Limits::U55C)),
    });
    out.push(Entry {
        name: "operand_checker".into(),
        description: "card operand checker: operand sizes, SRC_LEN and every range against the memory map and an 8 GiB card; rate = descriptors",
        latency: OperandChecker::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(OperandChecker::new(memory_map::REQUIRED_BYTES.next_power_of_two())),
    });
    out.push(Entry {
        name: "admission".into(),
        description: "card admission: command decoder, shape and operand checkers side by side, first refusal in the device model's order (every capability, U55C-class limits, 8 GiB); rate = descriptors",
        latency: Admission::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(Admission::new(AdmissionConfig {
            caps: every_cap,
            limits: Limits::U55C,
            mem_bytes: memory_map::REQUIRED_BYTES.next_power_of_two(),
        })),
    });
    out.push(Entry {
        name: "word_reader".into(),
        description: "a run of 32-bit words from card memory, consecutive or a stride apart (AXI4 master, 32 reads in flight), delivered in order with their index, registered; rate = words",
        latency: 2,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(WordReader::new()),
    });
    out.push(Entry {
        name: "lane_writer".into(),
        description: "one lane of the LDE unit's output to card memory as a strided run (AXI4 master, single-beat writes), the unit read at the bit-reversed index: the four-step schedule's store; rate = words",
        latency: LaneWriter::ROW_LATENCY + 2,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(LaneWriter::new()),
    });
    out.push(Entry {
        name: "payload_crc".into(),
        description: "the ABI payload checksum (CRC-32 IEEE, bit 31 cleared) over one 32-bit word per cycle: one XOR layer of the word-update matrix",
        latency: PayloadCrc::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(PayloadCrc::new()),
    });
    out.push(Entry {
        name: "twiddle_check_babybear".into(),
        description: "LOAD_TWIDDLES payload check: word 0 is 1, every next word the previous one times ω_log_n (one Montgomery multiplier, ω ROM by log_n, the stream in a delay line of its latency); rate = words",
        latency: TwiddleCheck::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(TwiddleCheck::new(bb)),
    });
    out.push(Entry {
        name: "constants_check_babybear".into(),
        description: "LOAD_CONSTANTS payload check: every word against a ROM of the Poseidon2-16 round constants in the device model's order, and the whole table seen; rate = words",
        latency: ConstantsCheck::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(ConstantsCheck::new(bb)),
    });
    out.push(Entry {
        name: "hash_pass_babybear".into(),
        description: "one pass of independent Poseidon2-16 permutations between card memory (AXI4 master, 32-bit beats) and card memory: sponge absorb from LDE rows and saved states, or a tree layer; word-serial assembler and serializer with Montgomery conversions, a streaming permutation; rate = permutations",
        latency: HashPass::cycles_estimate(bb, ONE_STATE, PASS_ROW_LATENCY, 1, 1) as usize,
        ii: HashPass::cycles_per_permutation(8, PASS_ROW_LATENCY) as usize,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(HashPass::new(bb, PASS_ROW_LATENCY as usize).expect("golden diagonal")),
    });
    out.push(Entry {
        name: "exec_card_top_babybear".into(),
        description: "the executing card: register block, admission and the command processor's execution stage (word reader and checksums, table checks, an 8-lane LDE unit of 2^13 rows, a hash pass over one Poseidon2-16, a copy writer) on a 32-bit AXI4 card-memory master; rate = permutations of a pass",
        latency: HashPass::cycles_estimate(bb, ONE_STATE, LDE_ROW_LATENCY, 1, 1) as usize,
        ii: HashPass::cycles_per_permutation(8, LDE_ROW_LATENCY) as usize,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(
            ExecCardTop::new(
                &exec_card_top_config(slotproof_firmware::Field::BabyBear),
                slotproof_firmware::Field::BabyBear,
                EXEC_MAX_LOG_LDE,
            )
                .expect("one BabyBear card"),
        ),
    });
    out.push(Entry {
        name: "card_top".into(),
        description: "card top level for bring-up: register block + admission behind the doorbell, CAPS = 0 so every command is refused (U55C-class limits, 8 GiB); rate = reads (one in flight)",
        latency: CardRegs::READ_LATENCY,
        ii: 2,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(CardTop::new(&card_top_config()).expect("caps 0, one card")),
    });
    out
}

/// The row port latency the stand-alone hash pass of the reports is built for.
const PASS_ROW_LATENCY: u64 = 2;

/// A pass of one permutation absorbing a row of 8 into a saved state: the catalogue's latency.
const ONE_STATE: PassShape = PassShape { count: 1, chunk: 8, in_mem: true, out_words: 16 };

/// The executing card's row port: the LDE unit's RAM.
const LDE_ROW_LATENCY: u64 = crate::ntt::lde_unit::READ_LATENCY as u64;

/// The LDE rows the executing card of the report holds (its LDE unit's RAM).
pub const EXEC_MAX_LOG_LDE: usize = 13;

/// The limits the executing card admits: the rows its LDE unit holds.
pub const EXEC_LIMITS: Limits =
    Limits { max_log_lde_rows: EXEC_MAX_LOG_LDE as u8, max_log_blowup: 3, max_batch_cols: 256 };

/// The executing card's permutation module in its Verilog, left as a black box when the card
/// is synthesised (its report is the sum of its rounds').
pub const EXEC_PERM_MODULE: &str = "top$exec$pass$perm$perm";

/// The capabilities of the executing card for `field`: the fused commit, the tree and the
/// openings, the host's commit needs.
pub fn exec_caps(field: slotproof_firmware::Field) -> u32 {
    use slotproof_firmware::regs::caps;
    field.cap().mask() | caps::FUSED_COMMIT.mask() | caps::TREE.mask() | caps::OPEN.mask()
}

/// The executing card for `field` (of the report: BabyBear) with the fused commit, the tree
/// and the openings (the capabilities the host's commit needs), the limits its LDE unit
/// holds, 8 GiB.
pub fn exec_card_top_config(field: slotproof_firmware::Field) -> CardTopConfig {
    let mut regs = card_regs_config();
    let limits = EXEC_LIMITS;
    regs.identity.caps = exec_caps(field);
    regs.identity.max_log_lde_rows = limits.max_log_lde_rows;
    regs.identity.max_log_blowup = limits.max_log_blowup;
    regs.identity.max_batch_cols = limits.max_batch_cols;
    CardTopConfig { regs, admission: AdmissionConfig { caps: regs.identity.caps, limits, mem_bytes: 8 << 30 } }
}

/// The top level of the report: the register block of [`card_regs_config`] with `CAPS`
/// zeroed (the top has no datapath yet, so it admits nothing) and admission for the same
/// card, U55C-class limits and 8 GiB ([`CardTop::new`] checks that they agree).
pub fn card_top_config() -> CardTopConfig {
    let mut regs = card_regs_config();
    regs.identity.caps = 0;
    CardTopConfig { regs, admission: AdmissionConfig { caps: 0, limits: Limits::U55C, mem_bytes: 8 << 30 } }
}

/// The register block of the report: a full-capability card with a 250 MHz AXI clock. The
/// identity values are constants in the logic, so another build costs the same.
pub fn card_regs_config() -> CardRegsConfig {
    use slotproof_firmware::regs::{Identity, caps};
    let clock_hz = 250e6;
    CardRegsConfig {
        identity: Identity {
            abi: slotproof_firmware::ABI_VERSION,
            bitstream_id: 0,
            // Every capability of the card RTL's command set: it has no MSM engine.
            caps: caps::ALL.iter().fold(0, |acc, f| acc | f.mask()) & !slotproof_firmware::msm::MSM_CAPS,
            ntt_lanes: 4,
            max_log_lde_rows: 24,
            max_log_blowup: 3,
            max_batch_cols: 256,
            clock_hz,
            mem_bytes: 8 << 30,
        },
        cycles_per_us: (clock_hz / 1e6) as u32,
    }
}

/// The Poseidon2 datapath: its layers and rounds per field (built with the constants of the
/// first rounds) and the whole permutations. Results are permutations (or rounds) of a state.
fn poseidon2_entries() -> Vec<Entry> {
    let mut out = Vec::new();
    let entry = |name: String, description, latency, verilog| Entry {
        name,
        description,
        latency,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog,
    };
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        let spec = Poseidon2Spec::for_field(field);
        let rc = |r: usize| std::array::from_fn(|i| spec.rc_external_initial[r][i]);
        let (full, partial) = if field == FieldId::BabyBear {
            (
                "Poseidon2 full round: 16 S-boxes x^7 + external layer",
                "Poseidon2 partial round: 1 S-box x^7, 15 delayed lanes, internal layer",
            )
        } else {
            (
                "Poseidon2 full round: 16 S-boxes x^3 + external layer",
                "Poseidon2 partial round: 1 S-box x^3, 15 delayed lanes, internal layer",
            )
        };
        out.push(entry(
            format!("external_layer16_{field}"),
            "Poseidon2 external layer, 16 lanes: M4 + column sums + next constants, shift-add only",
            ExternalLayer16::LATENCY,
            verilog_of(ExternalLayer16::new(prime, &rc(0))),
        ));
        out.push(entry(
            format!("internal_layer16_{field}"),
            "Poseidon2 internal layer, 16 lanes: sum + diagonal ±c·2^-k by shifts + next constant",
            InternalLayer16::LATENCY,
            verilog_of(InternalLayer16::new(prime, &rc(0)).expect("golden diagonal")),
        ));
        out.push(entry(
            format!("full_round16_{field}"),
            full,
            FullRound16::latency(prime),
            verilog_of(FullRound16::new(prime, &rc(1))),
        ));
        out.push(entry(
            format!("partial_round16_{field}"),
            partial,
            PartialRound16::latency(prime),
            verilog_of(PartialRound16::new(prime, &rc(1)).expect("golden diagonal")),
        ));
        out.push(entry(
            format!("poseidon2_perm16_{field}"),
            if field == FieldId::BabyBear {
                "Poseidon2-16 permutation, fully unrolled: 8 full + 13 partial rounds, one per cycle (sum of rounds)"
            } else {
                "Poseidon2-16 permutation, fully unrolled: 8 full + 20 partial rounds, one per cycle (sum of rounds)"
            },
            Poseidon2Perm16::latency(prime),
            verilog_of(Poseidon2Perm16::new(prime).expect("golden diagonal")),
        ));
    }
    let spec = Poseidon2Spec::for_field(FieldId::Goldilocks);
    let rc = |r: usize| std::array::from_fn(|i| spec.rc_external_initial[r][i]);
    out.push(entry(
        "reduce64_goldilocks".into(),
        "lazy Goldilocks sum (< 2^72) to canonical: two folds of 2^64 ≡ 2^32 − 1",
        Reduce64::LATENCY,
        verilog_of(Reduce64::new()),
    ));
    out.push(entry(
        "sbox64_goldilocks".into(),
        "Poseidon2 S-box x^7 on Goldilocks, 4 multiplications, depth 3",
        Sbox64::LATENCY,
        verilog_of(Sbox64::new()),
    ));
    out.push(entry(
        "external_layer8_goldilocks".into(),
        "Poseidon2 external layer, 8 Goldilocks lanes: M4 + column sums + next constants",
        ExternalLayer8::LATENCY,
        verilog_of(ExternalLayer8::new(&rc(0))),
    ));
    out.push(entry(
        "internal_layer8_goldilocks".into(),
        "Poseidon2 internal layer, 8 Goldilocks lanes: sum + diagonal ±c·2^-k (k ≤ 1) + next constant",
        InternalLayer8::LATENCY,
        verilog_of(InternalLayer8::new(&rc(0)).expect("golden diagonal")),
    ));
    out.push(entry(
        "full_round8_goldilocks".into(),
        "Poseidon2 full round: 8 S-boxes x^7 + external layer",
        FullRound8::LATENCY,
        verilog_of(FullRound8::new(&rc(1))),
    ));
    out.push(entry(
        "partial_round8_goldilocks".into(),
        "Poseidon2 partial round: 1 S-box x^7, 7 delayed lanes, internal layer",
        PartialRound8::LATENCY,
        verilog_of(PartialRound8::new(&rc(1)).expect("golden diagonal")),
    ));
    out.push(entry(
        "poseidon2_perm8_goldilocks".into(),
        "Poseidon2-8 permutation, fully unrolled: 8 full + 22 partial rounds, one per cycle (sum of rounds)",
        Poseidon2Perm8::LATENCY,
        verilog_of(Poseidon2Perm8::new().expect("golden diagonal")),
    ));
    // The permutations behind valid/ready streams: the result FIFO (one RAM per lane) and its
    // credit around the permutation, reported as the permutation plus that shell.
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let prime = Prime31::new(field).expect("31-bit field");
        out.push(entry(
            format!("poseidon2_stream16_{field}"),
            "Poseidon2-16 permutation behind valid/ready streams: credit + 512-state FIFO, one RAM per lane (perm + shell)",
            Poseidon2Stream16::latency(prime),
            verilog_of(Poseidon2Stream16::new(prime).expect("golden diagonal")),
        ));
    }
    out.push(entry(
        "poseidon2_stream8_goldilocks".into(),
        "Poseidon2-8 permutation behind valid/ready streams: credit + 1,024-state FIFO, one RAM per lane (perm + shell)",
        Poseidon2Stream8::LATENCY,
        verilog_of(Poseidon2Stream8::new().expect("golden diagonal")),
    ));
    out
}

/// The NTT butterflies and the field units they are built from: the blocks `slotproof-hdl
/// ice40` places and routes, in its table's order. Part of [`entries`], but built without the
/// rest of it (the Poseidon2 and NTT blocks take minutes to emit).
pub fn butterfly_and_field_units() -> Vec<Entry> {
    let mut out = multipliers_and_butterflies();
    out.extend(adders());
    out
}

/// The Montgomery multipliers, then the butterflies, for each 31-bit field.
fn multipliers_and_butterflies() -> Vec<Entry> {
    let fields = [FieldId::BabyBear, FieldId::KoalaBear].map(|f| (f, Prime31::new(f).expect("31-bit field")));
    let unit = |name: &str, field, description, latency, results_per_input, verilog| Entry {
        name: format!("{name}_{field}"),
        description,
        latency,
        ii: 1,
        results_per_input,
        targets: BOTH_TARGETS,
        verilog,
    };
    let mut out: Vec<Entry> = fields
        .iter()
        .map(|&(field, prime)| {
            let description = "Montgomery multiplier, 4 × 16×16 products, shift-add REDC";
            unit("mont_mul31", field, description, MontMul31::LATENCY, 1, verilog_of(MontMul31::new(prime)))
        })
        .collect();
    out.extend(fields.iter().map(|&(field, prime)| {
        let description = "radix-2 NTT butterfly (a ± w·b), twiddle in Montgomery form";
        unit("butterfly31", field, description, Butterfly31::LATENCY, 2, verilog_of(Butterfly31::new(prime)))
    }));
    out
}

/// The modular adder and subtractor and the lazy-sum reduction.
fn adders() -> Vec<Entry> {
    let mut out = Vec::new();
    // The adders do not depend on the prime's form beyond its value: one variant each.
    let prime = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    out.push(Entry {
        name: "mod_add31_babybear".into(),
        description: "modular adder",
        latency: ModAdd31::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(ModAdd31::new(prime)),
    });
    out.push(Entry {
        name: "mod_sub31_babybear".into(),
        description: "modular subtractor",
        latency: ModSub31::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(ModSub31::new(prime)),
    });
    out.push(Entry {
        name: "reduce31_babybear".into(),
        description: "lazy sum (< 2^38) to canonical: two folds of 2^31 ≡ 2^s − 1, one subtraction",
        latency: Reduce31::LATENCY,
        ii: 1,
        results_per_input: 1,
        targets: BOTH_TARGETS,
        verilog: verilog_of(Reduce31::new(prime)),
    });
    out
}

/// A block too large to synthesise in one yosys run on a workstation (the flattened
/// Poseidon2 permutation ran for over 18 minutes and 3.5 GB without finishing): its reports
/// are the sums of its parts' reports, each part synthesised alone. The rounds differ only in
/// their constants, so one round of each kind stands for all of them.
pub struct Composition {
    /// The composed entry.
    pub name: String,
    /// Its parts: entry name and how many times the part occurs.
    pub parts: Vec<(String, u64)>,
    /// Modules of the entry's own Verilog left as black boxes when the rest of it is
    /// synthesised as one more part, its "shell" (empty: the entry is its parts alone).
    pub shell_around: Vec<&'static str>,
}

/// The blocks reported as sums of their parts, parts before the blocks built from them.
pub fn compositions() -> Vec<Composition> {
    let mut out = Vec::new();
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let partials = Poseidon2Spec::for_field(field).rc_internal.len() as u64;
        out.push(Composition {
            name: format!("poseidon2_perm16_{field}"),
            parts: vec![
                (format!("external_layer16_{field}"), 1),
                (format!("full_round16_{field}"), 8),
                (format!("partial_round16_{field}"), partials),
            ],
            shell_around: vec![],
        });
    }
    out.push(Composition {
        name: "poseidon2_perm8_goldilocks".into(),
        parts: vec![
            ("external_layer8_goldilocks".into(), 1),
            ("full_round8_goldilocks".into(), 8),
            (
                "partial_round8_goldilocks".into(),
                Poseidon2Spec::for_field(FieldId::Goldilocks).rc_internal.len() as u64,
            ),
        ],
        shell_around: vec![],
    });
    // The Merkle units and the streams are their control and memories around one permutation
    // (field `perm`).
    let around_perm = [
        ("merkle_tree_babybear", "poseidon2_perm16_babybear"),
        ("leaf_sponge_babybear", "poseidon2_perm16_babybear"),
        ("merkle_tree8_goldilocks", "poseidon2_perm8_goldilocks"),
        ("leaf_sponge8_goldilocks", "poseidon2_perm8_goldilocks"),
        ("poseidon2_stream16_babybear", "poseidon2_perm16_babybear"),
        ("poseidon2_stream16_koalabear", "poseidon2_perm16_koalabear"),
        ("poseidon2_stream8_goldilocks", "poseidon2_perm8_goldilocks"),
    ];
    for (name, perm) in around_perm {
        out.push(Composition { name: name.into(), parts: vec![(perm.into(), 1)], shell_around: vec!["top$perm"] });
    }
    // The pass engine holds a streaming permutation: its control, FIFO and the engine's own
    // logic are the shell.
    out.push(Composition {
        name: "exec_card_top_babybear".into(),
        parts: vec![("poseidon2_perm16_babybear".into(), 1)],
        shell_around: vec![EXEC_PERM_MODULE],
    });
    // The point adder: its ten multipliers and seven adders are synthesised alone; the shell
    // is its delay lines and the special-case selection.
    for curve in [CurveId::Bn254, CurveId::Bls12_381] {
        out.push(Composition {
            name: format!("point_add_{curve}"),
            parts: vec![
                (format!("mont_mul_{curve}"), POINT_ADD_MULTIPLIERS.len() as u64),
                (format!("mod_sub_{curve}"), POINT_ADD_ADDERS.len() as u64 - 1),
                (format!("mod_add_{curve}"), 1),
            ],
            shell_around: POINT_ADD_MULTIPLIERS.iter().chain(&POINT_ADD_ADDERS).copied().collect(),
        });
        // The bucket unit: its RAMs, state bits and control around one point adder.
        out.push(Composition {
            name: format!("bucket_unit_4096_{curve}"),
            parts: vec![(format!("point_add_{curve}"), 1)],
            shell_around: vec!["top$adder"],
        });
    }
    out.push(Composition {
        name: "hash_pass_babybear".into(),
        parts: vec![("poseidon2_perm16_babybear".into(), 1)],
        shell_around: vec!["top$perm$perm"],
    });
    out
}

/// The MSM arithmetic on both curves: the Montgomery multiplier, the modular adder and
/// subtractor, and the XYZZ point adder built from them.
fn msm_entries() -> Vec<Entry> {
    let mut out = msm_curve_entries::<254>(CurveId::Bn254);
    out.extend(msm_curve_entries::<381>(CurveId::Bls12_381));
    out
}

/// [`msm_entries`] of one curve, whose base field is `N` bits wide.
fn msm_curve_entries<const N: usize>(curve: CurveId) -> Vec<Entry> {
    let f = WideField::new(curve);
    let width = "the catalogue's field width";
    let entry = |name: String, description: &'static str, latency: usize, verilog: String| Entry {
        name,
        description,
        latency,
        ii: 1,
        results_per_input: 1,
        targets: XCUP_ONLY,
        verilog,
    };
    vec![
        entry(
            format!("mont_mul_{curve}"),
            if curve == CurveId::Bn254 {
                "BN254 base-field Montgomery multiplier, R = 2^256: 4 unrolled 64-bit CIOS stages, N×64 products on DSPs"
            } else {
                "BLS12-381 base-field Montgomery multiplier, R = 2^384: 6 unrolled 64-bit CIOS stages, N×64 products on DSPs"
            },
            MontMul::<N>::latency(&f),
            verilog_of(MontMul::<N>::new(&f).expect(width)),
        ),
        entry(
            format!("mod_add_{curve}"),
            "wide modular adder, one cycle",
            1,
            verilog_of(ModAddSub::<N>::new(&f, ModOp::Add).expect(width)),
        ),
        entry(
            format!("mod_sub_{curve}"),
            "wide modular subtractor, one cycle",
            1,
            verilog_of(ModAddSub::<N>::new(&f, ModOp::Sub).expect(width)),
        ),
        entry(
            format!("point_add_{curve}"),
            "XYZZ mixed point adder (bucket + affine point), 10 multipliers, 7 add/sub, special cases flagged; one addition per cycle",
            PointAdd::<N>::latency(&f),
            verilog_of(PointAdd::<N>::new(&f).expect(width)),
        ),
        // A 13-bit signed window: 2^12 buckets, as the CPU MSM picks for ~2^16 points.
        entry(
            format!("bucket_unit_4096_{curve}"),
            "bucket accumulation of one window: 2^12 XYZZ buckets in RAM, busy and empty bits, the point adder, 16-slot exception list; rate = points",
            BucketUnit::<N, 12, 4096, 4>::latency(&f),
            verilog_of(BucketUnit::<N, 12, 4096, 4>::new(&f).expect(width)),
        ),
    ]
}

/// The report targets of most blocks: xcup, and iCE40 for the open flow.
pub const BOTH_TARGETS: &[Target] = &[Target::Xcup, Target::Ice40];

/// The report targets of the MSM blocks: xcup only. One BN254 multiplier alone needs 348
/// DSP48E2 where an iCE40 UP5K has 8 SB_MAC16, and yosys spends over a quarter of an hour
/// mapping the point adder's delay lines to iCE40 flip-flops for a report of a design no iCE40
/// could hold.
pub const XCUP_ONLY: &[Target] = &[Target::Xcup];

/// The point adder's arithmetic units, each a module of its Verilog (named by field): ten
/// multipliers, then six subtractors and one adder.
const POINT_ADD_MULTIPLIERS: [&str; 10] = [
    "top$m_u2",
    "top$m_s2",
    "top$m_pp",
    "top$m_rr",
    "top$m_ppp",
    "top$m_q",
    "top$m_zz3",
    "top$m_y1ppp",
    "top$m_zzz3",
    "top$m_y3a",
];
const POINT_ADD_ADDERS: [&str; 7] =
    ["top$sub_p", "top$sub_r", "top$sub_t", "top$sub_x3", "top$sub_qx", "top$sub_y3", "top$add_q2"];

/// The fixed-latency blocks behind valid/ready streams (BabyBear variants): the wrapped
/// block's latency plus the result FIFO's, one item per cycle when the consumer keeps up.
fn stream_entries() -> Vec<Entry> {
    let prime = Prime31::new(FieldId::BabyBear).expect("31-bit field");
    let entry = |name: &str, description, latency, results_per_input, verilog| Entry {
        name: name.into(),
        description,
        latency: latency + FIFO_LATENCY,
        ii: 1,
        results_per_input,
        targets: BOTH_TARGETS,
        verilog,
    };
    vec![
        entry(
            "mont_mul31_stream_babybear",
            "Montgomery multiplier behind valid/ready streams, credit-limited result FIFO",
            MontMul31::LATENCY,
            1,
            verilog_of(MontMul31Stream::new(prime)),
        ),
        entry(
            "mod_add31_stream_babybear",
            "modular adder behind valid/ready streams",
            ModAdd31::LATENCY,
            1,
            verilog_of(ModAdd31Stream::new(prime)),
        ),
        entry(
            "mod_sub31_stream_babybear",
            "modular subtractor behind valid/ready streams",
            ModSub31::LATENCY,
            1,
            verilog_of(ModSub31Stream::new(prime)),
        ),
        entry(
            "goldilocks_mul_stream",
            "Goldilocks multiplier behind valid/ready streams",
            GoldilocksMul::LATENCY,
            1,
            verilog_of(GoldilocksMulStream::new()),
        ),
        entry(
            "butterfly31_stream_babybear",
            "radix-2 NTT butterfly behind valid/ready streams",
            Butterfly31::LATENCY,
            2,
            verilog_of(Butterfly31Stream::new(prime)),
        ),
        entry(
            "sbox31_stream_babybear",
            "Poseidon2 S-box x^7 behind valid/ready streams, FIFO sized for 15 stages",
            Sbox31::latency(prime),
            1,
            verilog_of(Sbox31Stream::new(prime)),
        ),
    ]
}
