//! Whole commitments through the card's register and DMA interface equal the CPU backend's
//! (and so Plonky3's) roots, for every field, several shapes and every blowup; the split
//! path (LDE, HASH_LEAVES, BUILD_TREE) and the opening commands agree with them.

mod common;

use common::*;
use slotproof_core::cpu::CpuCommit;
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::golden::{self, Fp, Poseidon2Spec};
use slotproof_core::sample::{random_matrix, random_trace};
use slotproof_core::{TraceField, field::BabyBear, field::Goldilocks, field::KoalaBear};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{LDE, RESULT, SPONGE, STAGE_A, TREE};
use slotproof_firmware::{Command, Field, Flags, Opcode};
use slotproof_sim::FaultPlan;

const SHAPES: [(usize, usize); 3] = [(1 << 4, 13), (1 << 6, 8), (1 << 8, 20)];

fn cpu_root<F: CpuCommit>(rows: usize, cols: usize, seed: u64, log_blowup: u8) -> Vec<u64> {
    F::commit_cpu(random_matrix::<F>(rows, cols, seed), log_blowup.into(), &|_| {}).expect("cpu commit").root
}

fn roots_match<F: CpuCommit + TraceField>() {
    let field = field_of(F::ID);
    let mut d = Driver::new(FaultPlan::none());
    d.load_tables(field, 11);
    for (i, &(rows, cols)) in SHAPES.iter().enumerate() {
        for log_blowup in 0..=3u8 {
            let seed = 1000 * i as u64 + u64::from(log_blowup);
            let trace = random_trace(F::ID, rows, cols, seed);
            let card = commit_on_card(&mut d, field, &trace, log_blowup);
            assert_eq!(
                card,
                cpu_root::<F>(rows, cols, seed, log_blowup),
                "{field:?} {rows}x{cols} log_blowup {log_blowup}"
            );
        }
    }
}

#[test]
fn babybear_roots_equal_cpu() {
    roots_match::<BabyBear>();
}

#[test]
fn koalabear_roots_equal_cpu() {
    roots_match::<KoalaBear>();
}

#[test]
fn goldilocks_roots_equal_cpu() {
    roots_match::<Goldilocks>();
}

#[test]
fn root_equals_the_golden_model() {
    for id in [slotproof_core::FieldId::BabyBear, slotproof_core::FieldId::Goldilocks] {
        let field = field_of(id);
        let mut d = Driver::new(FaultPlan::none());
        d.load_tables(field, 6);
        let trace = random_trace(id, 16, 9, 77);
        let card = commit_on_card(&mut d, field, &trace, 2);
        assert_eq!(card, golden::merkle::commit(Fp::new(id), &trace, 2), "{id}");
    }
}

/// LDE to card memory, HASH_LEAVES over it, BUILD_TREE over the leaves: the same tree as the
/// fused commit, and the openings verify against its root.
#[test]
fn split_path_and_openings_agree() {
    for id in slotproof_core::FieldId::ALL {
        let field = field_of(id);
        let (eb, db) = (field.elem_bytes(), field.digest_bytes());
        let mut d = Driver::new(FaultPlan::none());
        let (log_rows, log_blowup, cols) = (5u8, 1u8, field.rate() + 3);
        let log_n = log_rows + log_blowup;
        let n = 1usize << log_n;
        d.load_tables(field, log_n);
        let trace = random_trace(id, 1 << log_rows, cols, 5);
        let fused = commit_on_card(&mut d, field, &trace, log_blowup);

        let batch = column_batch(&trace, 0, cols, eb);
        d.upload(STAGE_A.base, &batch);
        let mut c = Command::new(Opcode::Lde, field).with_payload(STAGE_A.base, batch.len() as u32, checksum(&batch));
        c.dst = LDE.base;
        c.log_rows = log_rows;
        c.log_blowup = log_blowup;
        c.cols = cols as u16;
        let o = d.ok(c);
        assert_eq!(o.result_len as usize, cols * n * eb);
        let mut h = Command::new(Opcode::HashLeaves, field);
        h.src = LDE.base;
        h.aux = SPONGE.base;
        h.dst = TREE.base;
        h.log_rows = log_n;
        h.cols = cols as u16;
        h.flags = Flags::FIRST | Flags::LAST;
        d.ok(h);
        assert_eq!(read_root(&mut d, field, log_n), fused, "{id}: LDE + HASH_LEAVES");
        let tree = d.download(TREE.base, (2 * n - 1) * db);

        let mut b = Command::new(Opcode::BuildTree, field);
        b.src = TREE.base;
        b.dst = TREE.base + (n * db) as u64;
        b.log_rows = log_n;
        let o = d.ok(b);
        assert_eq!(o.result_len as usize, (n - 1) * db);
        assert_eq!(d.download(TREE.base, (2 * n - 1) * db), tree, "{id}: BUILD_TREE rebuilds the same layers");

        let spec = Poseidon2Spec::for_field(id);
        let sp = SpongeParams::for_field(id);
        let compress = |l: &[u64], r: &[u64]| golden::compress(&spec, sp, l, r);
        let indices: [u32; 3] = [0, 5, (n - 1) as u32];
        let idx_bytes: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
        let at = RESULT.base + (1 << 20);
        d.upload(at, &idx_bytes);
        let mut p =
            Command::new(Opcode::ReadPaths, field).with_payload(at, idx_bytes.len() as u32, checksum(&idx_bytes));
        p.aux = TREE.base;
        p.dst = RESULT.base;
        p.log_rows = log_n;
        p.count = indices.len() as u32;
        let o = d.ok(p);
        let per = (1 + usize::from(log_n)) * db;
        assert_eq!(o.result_len as usize, indices.len() * per);
        let paths = d.download(RESULT.base, indices.len() * per);
        for (k, &i) in indices.iter().enumerate() {
            let digests: Vec<Vec<u64>> = paths[k * per..(k + 1) * per].chunks(db).map(|b| elems(b, eb)).collect();
            let mut cur = digests[0].clone();
            for (level, sib) in digests[1..].iter().enumerate() {
                cur = if (i >> level) & 1 == 0 { compress(&cur, sib) } else { compress(sib, &cur) };
            }
            assert_eq!(cur, fused, "{id}: path of leaf {i}");
        }

        let mut cap = Command::new(Opcode::ReadCap, field);
        cap.aux = TREE.base;
        cap.dst = RESULT.base;
        cap.log_rows = log_n;
        cap.count = 2;
        d.ok(cap);
        let c: Vec<Vec<u64>> = d.download(RESULT.base, 4 * db).chunks(db).map(|b| elems(b, eb)).collect();
        assert_eq!(compress(&compress(&c[0], &c[1]), &compress(&c[2], &c[3])), fused, "{id}: cap of height 2");
    }
}

#[test]
fn timeline_records_the_run() {
    let mut d = Driver::with_config(slotproof_sim::CardConfig::default(), FaultPlan::none());
    d.load_tables(Field::BabyBear, 8);
    let trace = random_trace(slotproof_core::FieldId::BabyBear, 1 << 6, 16, 3);
    commit_on_card(&mut d, Field::BabyBear, &trace, 2);
    let t = d.card.timeline();
    let (h2c, c2h, cmds) = t.totals();
    // Two tables and two batches up; two loads, two batches and READ_ROOT; the root down.
    assert_eq!((h2c.count, cmds.count, c2h.count), (4, 5, 1));
    assert_eq!(
        h2c.bytes,
        (slotproof_sim::device::twiddle_table(Field::BabyBear, 8).len()
            + slotproof_sim::device::constants_table(Field::BabyBear).len()
            + 16 * 64 * 4) as u64
    );
    assert!(t.makespan() > t.h2c_busy() && t.link_utilization() > 0.0 && t.link_utilization() < 1.0);
}

/// The smallest shapes: one row, one column, a single-leaf tree.
#[test]
fn degenerate_shapes() {
    for (rows, cols, log_blowup) in [(1, 3, 0u8), (1, 9, 2), (2, 1, 0), (4, 1, 3)] {
        let mut d = Driver::new(FaultPlan::none());
        d.load_tables(Field::BabyBear, 5);
        let trace = random_trace(slotproof_core::FieldId::BabyBear, rows, cols, 8);
        let card = commit_on_card(&mut d, Field::BabyBear, &trace, log_blowup);
        assert_eq!(card, cpu_root::<BabyBear>(rows, cols, 8, log_blowup), "{rows}x{cols} log_blowup {log_blowup}");
    }
}

/// COMMIT_BATCH slices are whole subtrees: the roots of the 2^s slices, compressed up,
/// give the whole commitment's root.
#[test]
fn slices_are_subtrees() {
    use slotproof_firmware::command::slice;
    for id in [slotproof_core::FieldId::KoalaBear, slotproof_core::FieldId::Goldilocks] {
        let field = field_of(id);
        let (log_rows, log_blowup, cols) = (5u8, 1u8, 2 * field.rate() + 1);
        let mut d = Driver::new(FaultPlan::none());
        d.load_tables(field, log_rows + log_blowup);
        let trace = random_trace(id, 1 << log_rows, cols, 21);
        let whole = commit_on_card(&mut d, field, &trace, log_blowup);
        let spec = Poseidon2Spec::for_field(id);
        let sp = SpongeParams::for_field(id);
        for log_slices in 1..=3u32 {
            let mut roots: Vec<Vec<u64>> = Vec::new();
            for index in 0..1u32 << log_slices {
                let starts: Vec<usize> = (0..cols).step_by(field.rate()).collect();
                for (i, &c0) in starts.iter().enumerate() {
                    let c1 = (c0 + field.rate()).min(cols);
                    let batch = column_batch(&trace, c0, c1, field.elem_bytes());
                    d.upload(STAGE_A.base, &batch);
                    let mut c = Command::new(Opcode::CommitBatch, field).with_payload(
                        STAGE_A.base,
                        batch.len() as u32,
                        checksum(&batch),
                    );
                    c.aux = SPONGE.base;
                    c.dst = TREE.base;
                    c.log_rows = log_rows;
                    c.log_blowup = log_blowup;
                    c.cols = (c1 - c0) as u16;
                    c.count = slice::SLICE.bits(index) | slice::LOG_SLICES.bits(log_slices);
                    if i == 0 {
                        c.flags = c.flags | Flags::FIRST;
                    }
                    if i + 1 == starts.len() {
                        c.flags = c.flags | Flags::LAST;
                    }
                    d.ok(c);
                }
                roots.push(read_root(&mut d, field, log_rows + log_blowup - log_slices as u8));
            }
            while roots.len() > 1 {
                roots = roots.chunks(2).map(|p| golden::compress(&spec, sp, &p[0], &p[1])).collect();
            }
            assert_eq!(roots[0], whole, "{id}: 2^{log_slices} slices");
        }
    }
}
