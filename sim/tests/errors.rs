//! Every error code of the ABI is reachable from the register interface, names the right
//! descriptor word, and leaves the card usable.

mod common;

use std::time::Duration;

use common::*;
use slotproof_core::FieldId;
use slotproof_core::sample::random_trace;
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::command::header;
use slotproof_firmware::memory_map::{SPONGE, STAGE_A, TABLES, TREE};
use slotproof_firmware::regs::{self, caps, ctrl, status};
use slotproof_firmware::{CardError, Command, Field, Flags, Opcode};
use slotproof_sim::device::{Timing, twiddle_table};
use slotproof_sim::{CardConfig, FaultPlan};

/// A COMMIT_BATCH of one uploaded 16-row batch of `cols` columns, CRC-protected.
fn batch_cmd(d: &Driver, field: Field, cols: usize, flags: Flags) -> Command {
    let trace = random_trace(FieldId::BabyBear, 16, cols, 9);
    let bytes = column_batch(&trace, 0, cols, field.elem_bytes());
    d.upload(STAGE_A.base, &bytes);
    let mut c =
        Command::new(Opcode::CommitBatch, field).with_payload(STAGE_A.base, bytes.len() as u32, checksum(&bytes));
    c.aux = SPONGE.base;
    c.dst = TREE.base;
    c.log_rows = 4;
    c.log_blowup = 1;
    c.cols = cols as u16;
    c.flags = c.flags | flags;
    c
}

fn expect(o: Outcome, e: CardError, word: u32) {
    assert_eq!((o.error, o.word), (Some(e), word), "{o:?}");
    assert!(status::ERROR.is_set(o.status) && !status::DONE.is_set(o.status) && !status::BUSY.is_set(o.status));
}

#[test]
fn descriptor_sequence_capability_and_shape() {
    let mut d = Driver::new(FaultPlan::none());
    let mut w = Command::new(Opcode::ReadRoot, Field::BabyBear).encode();
    w[0] = header::OPCODE.put(w[0], 0x77);
    w[1] = 41;
    d.submit_words(&w, 41);
    let o = d.finish();
    expect(o, CardError::BadDescriptor, 0);
    assert_eq!(o.completed_seq, 41);
    let mut w = Command::new(Opcode::ReadRoot, Field::BabyBear).encode();
    w[13] = 1;
    d.submit_words(&w, 0);
    expect(d.finish(), CardError::BadDescriptor, 13);

    let w = Command { seq: 5, ..Command::new(Opcode::ReadRoot, Field::BabyBear) }.encode();
    d.submit_words(&w, 6);
    expect(d.finish(), CardError::BadSequence, 1);

    let mut c = Command::new(Opcode::Lde, Field::BabyBear);
    c.log_rows = 4;
    c.log_blowup = 4;
    c.cols = 1;
    expect(d.run(c), CardError::BadShape, 8);
    c.log_blowup = 1;
    c.cols = 0;
    expect(d.run(c), CardError::BadShape, 8);
    let mut cap = Command::new(Opcode::ReadCap, Field::BabyBear);
    cap.log_rows = 3;
    cap.count = 4;
    expect(d.run(cap), CardError::BadShape, 10);

    let no_goldilocks =
        CardConfig { caps: CardConfig::default().caps & !caps::GOLDILOCKS.mask(), ..CardConfig::instant() };
    let mut g = Driver::with_config(no_goldilocks, FaultPlan::none());
    expect(g.run(Command::new(Opcode::LoadConstants, Field::Goldilocks)), CardError::Unsupported, 0);
    let no_fused =
        CardConfig { caps: CardConfig::default().caps & !caps::FUSED_COMMIT.mask(), ..CardConfig::instant() };
    let mut g = Driver::with_config(no_fused, FaultPlan::none());
    let c = batch_cmd(&g, Field::BabyBear, 8, Flags::FIRST);
    expect(g.run(c), CardError::Unsupported, 0);
}

#[test]
fn bounds_checksum_tables_and_batch_order() {
    let mut d = Driver::new(FaultPlan::none());
    let mut c = batch_cmd(&d, Field::BabyBear, 8, Flags::FIRST);
    expect(d.run(c), CardError::TablesNotLoaded, 0);
    let mut lde = c;
    lde.opcode = Opcode::Lde;
    lde.dst = slotproof_firmware::memory_map::LDE.base;
    expect(d.run(lde), CardError::TablesNotLoaded, 0);

    // Wrong twiddles are refused and leave no tables loaded.
    let mut tw = twiddle_table(Field::BabyBear, 5);
    tw[4] ^= 1;
    d.upload(TABLES.base, &tw);
    let mut load =
        Command::new(Opcode::LoadTwiddles, Field::BabyBear).with_payload(TABLES.base, tw.len() as u32, checksum(&tw));
    load.log_rows = 5;
    expect(d.run(load), CardError::TablesNotLoaded, 2);
    assert!(!status::TABLES_LOADED.is_set(d.card.read_reg(regs::STATUS.offset)));
    d.load_tables(Field::BabyBear, 5);
    assert!(status::TABLES_LOADED.is_set(d.card.read_reg(regs::STATUS.offset)));
    // Twiddles for 2^5 do not cover a 2^6 LDE.
    c.log_blowup = 2;
    expect(d.run(c), CardError::TablesNotLoaded, 0);
    c.log_blowup = 1;

    let mut bad = c;
    bad.src = TREE.base;
    expect(d.run(bad), CardError::OutOfBounds, 2);
    bad = c;
    bad.aux = STAGE_A.base;
    expect(d.run(bad), CardError::OutOfBounds, 6);
    bad = c;
    bad.flags = bad.flags | Flags::LAST;
    bad.dst = u64::MAX - 8;
    expect(d.run(bad), CardError::OutOfBounds, 4);
    bad = c;
    bad.src = STAGE_A.end() - 16;
    expect(d.run(bad), CardError::OutOfBounds, 2);

    bad = c;
    bad.src_crc ^= 1;
    let o = d.run(bad);
    expect(o, CardError::PayloadChecksum, 9);
    assert_eq!(o.payload_crc, c.src_crc, "PAYLOAD_CRC echoes what the card computed");
    bad = c;
    bad.src_len += 4;
    expect(d.run(bad), CardError::BadShape, 11);

    let mut not_first = c;
    not_first.flags = Flags::CHECK_SRC;
    expect(d.run(not_first), CardError::BadBatchOrder, 0);
    let narrow = batch_cmd(&d, Field::BabyBear, 5, Flags::FIRST);
    expect(d.run(narrow), CardError::BadBatchOrder, 8);
    // A narrow batch is fine when it is the last one, and so is continuing a started one.
    let first = batch_cmd(&d, Field::BabyBear, 8, Flags::FIRST);
    d.ok(first);
    let mut other_aux = batch_cmd(&d, Field::BabyBear, 8, Flags(0));
    other_aux.aux = SPONGE.base + 4096;
    expect(d.run(other_aux), CardError::BadBatchOrder, 0);
    let last = batch_cmd(&d, Field::BabyBear, 5, Flags::LAST);
    d.ok(last);
    let after_last = batch_cmd(&d, Field::BabyBear, 8, Flags(0));
    expect(d.run(after_last), CardError::BadBatchOrder, 0);
}

#[test]
fn doorbell_while_busy_is_refused_without_disturbing_the_running_command() {
    // A 100 Hz card holding BUSY for its modelled time: a HASH_LEAVES takes ~0.4 s.
    let slow = Timing { clock_hz: 100.0, ..Timing::zero() };
    let mut d =
        Driver::with_config(CardConfig { timing: slow, pace: true, ..CardConfig::instant() }, FaultPlan::none());
    d.load_tables(Field::BabyBear, 4);
    let mut h = batch_cmd(&d, Field::BabyBear, 8, Flags::FIRST | Flags::LAST);
    h.opcode = Opcode::HashLeaves;
    let first = d.submit(h);
    assert!(status::BUSY.is_set(d.card.read_reg(regs::STATUS.offset)));
    let second = d.submit(Command::new(Opcode::ReadRoot, Field::BabyBear));
    assert!(d.card.wait_irq(WAIT), "the refusal raises an event");
    let o = d.outcome();
    assert_eq!((o.error, o.word), (Some(CardError::Busy), 0));
    assert!(status::BUSY.is_set(o.status), "the running command keeps running");
    assert_ne!(o.completed_seq, second);
    d.card.write_reg(regs::IRQ_STATUS.offset, 0b11);
    let o = d.finish();
    assert_eq!(o.completed_seq, first);
    assert!(status::DONE.is_set(o.status) && !status::BUSY.is_set(o.status) && o.error.is_none());
    assert_eq!(o.result_len as usize, 31 * Field::BabyBear.digest_bytes());

    // A soft reset abandons a running command: its completion never lands.
    let mut h2 = h;
    h2.flags = Flags::FIRST | Flags::LAST | Flags::CHECK_SRC;
    let abandoned = d.submit(h2);
    d.card.write_reg(regs::CTRL.offset, ctrl::SOFT_RESET.bits(1) | ctrl::IRQ_ENABLE.bits(1));
    assert_eq!(d.card.read_reg(regs::STATUS.offset) & 0b111, 0);
    assert!(!d.card.wait_irq(Duration::from_millis(700)));
    assert_ne!(d.card.read_reg(regs::COMPLETED_SEQ.offset), abandoned);
    d.ok(Command {
        aux: TREE.base,
        dst: slotproof_firmware::memory_map::RESULT.base,
        log_rows: 4,
        ..Command::new(Opcode::ReadRoot, Field::BabyBear)
    });
}

/// Random descriptors near the real regions, straight into an [`Executor`] (no card thread):
/// every one ends in a completion or a card error, none panics, and a refused command
/// writes nothing.
#[test]
fn random_descriptors_never_panic() {
    use slotproof_firmware::command::{WORDS, header, shape};
    use slotproof_firmware::memory_map;
    use slotproof_sim::device::ComputeFault;
    use slotproof_sim::{CardMemory, Executor, SparseMemory};

    let config = CardConfig::instant();
    let mem = SparseMemory::new(config.mem_bytes);
    let mut exec = Executor::new(&config);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Tables for every field, so commands get past the table check too.
    for &f in Field::ALL {
        for (op, bytes) in [
            (Opcode::LoadTwiddles, twiddle_table(f, 12)),
            (Opcode::LoadConstants, slotproof_sim::device::constants_table(f)),
        ] {
            mem.write(TABLES.base, &bytes).unwrap();
            let mut c = Command::new(op, f).with_payload(TABLES.base, bytes.len() as u32, checksum(&bytes));
            c.log_rows = 12;
            let done = exec.run(&c.encode(), 0, &mem, ComputeFault::None);
            assert_eq!(done.error, None);
        }
    }
    let mut outcomes = std::collections::HashMap::new();
    for _ in 0..600 {
        let op = Opcode::ALL[(next() % Opcode::ALL.len() as u64) as usize];
        let mut w = [0u32; WORDS];
        w[0] = header::OPCODE.bits(op as u32)
            | header::FIELD.bits(1 + (next() % 3) as u32)
            | header::FLAGS.bits((next() % 4) as u32);
        if next() % 16 == 0 {
            w[0] ^= 1 << (next() % 32);
        }
        w[1] = (next() % 4) as u32;
        // Each operand mostly lands in a region it may use, sometimes anywhere at all.
        use memory_map::{LDE, RESULT, SPONGE};
        let plausible: [&[memory_map::Region]; 3] =
            [&[STAGE_A, LDE, TREE, RESULT], &[TREE, LDE, RESULT], &[SPONGE, TREE]];
        for ((lo, hi), regions) in [(2, 3), (4, 5), (6, 7)].into_iter().zip(plausible) {
            let region = regions[(next() % regions.len() as u64) as usize];
            let addr = match next() % 8 {
                0 => next(),
                1 => region.end() - (next() % 4096),
                _ => region.base + (next() % 4) * 4096,
            };
            w[lo] = addr as u32;
            w[hi] = (addr >> 32) as u32;
        }
        w[8] = shape::LOG_ROWS.bits((next() % 13) as u32)
            | shape::LOG_BLOWUP.bits((next() % 5) as u32)
            | shape::COLS.bits((next() % 24) as u32);
        w[9] = next() as u32;
        w[10] = (next() % 16) as u32;
        w[11] = if next() % 8 == 0 { (next() % 65536) as u32 } else { 0 };
        let c = exec.run(&w, w[1], &mem, ComputeFault::None);
        *outcomes.entry(c.error.map(|(e, _)| e)).or_insert(0) += 1;
        if c.error.is_some() {
            assert_eq!((c.result_len, c.result_crc), (0, 0), "a refused command reports no result");
        }
    }
    eprintln!("outcomes: {outcomes:?}");
    // The mix is broad: several distinct refusals and some completions.
    assert!(outcomes.len() >= 5, "{outcomes:?}");
    assert!(outcomes.contains_key(&None), "{outcomes:?}");
}
