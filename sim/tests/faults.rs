//! Every fault kind is observable from the register and DMA interface, and each injection
//! is counted (so a host test that survives a fault knows the fault happened).

mod common;

use std::time::Duration;

use common::*;
use slotproof_core::FieldId;
use slotproof_core::cpu::CpuCommit;
use slotproof_core::field::BabyBear;
use slotproof_core::sample::{random_matrix, random_trace};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{RESULT, SPONGE, STAGE_A, TREE};
use slotproof_firmware::regs::{self, ctrl, status};
use slotproof_firmware::{ABI_VERSION, AbiVersion, CardError, Command, Field, Flags, Opcode};
use slotproof_sim::device::{Direction, Trigger};
use slotproof_sim::{FaultKind, FaultPlan, TransferFault};

const ROWS: usize = 32;
const COLS: usize = 12;

fn cpu_root() -> Vec<u64> {
    BabyBear::commit_cpu(random_matrix::<BabyBear>(ROWS, COLS, 1), 1, &|_| {}).unwrap().root
}

fn trace() -> slotproof_core::RowMajor<u64> {
    random_trace(FieldId::BabyBear, ROWS, COLS, 1)
}

fn driver(plan: FaultPlan) -> Driver {
    let mut d = Driver::new(plan);
    d.load_tables(Field::BabyBear, 6);
    d
}

#[test]
fn transfer_faults() {
    let plan = FaultPlan::new(7)
        .with(FaultKind::ShortTransfer, Trigger::nth(1).on_direction(Direction::H2c))
        .with(FaultKind::FailedTransfer, Trigger::nth(2).on_direction(Direction::H2c))
        .with(FaultKind::InterruptedTransfer, Trigger::nth(3).on_direction(Direction::H2c))
        .with(FaultKind::ShortTransfer, Trigger::nth(1).on_direction(Direction::C2h));
    let d = Driver::new(plan);
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 31 + 7) as u8).collect();
    let at = STAGE_A.base + 64;
    match d.card.h2c(0, at, &data) {
        Err(TransferFault::Short { done }) => {
            assert!(done < data.len());
            let mut back = vec![0u8; data.len()];
            d.card.memory().read(at, &mut back).unwrap();
            assert_eq!(&back[..done], &data[..done]);
            assert!(back[done..].iter().all(|&b| b == 0), "nothing past the short count landed");
        }
        other => panic!("expected a short write, got {other:?}"),
    }
    assert_eq!(d.card.h2c(0, at + 8192, &data), Err(TransferFault::Failed));
    assert_eq!(d.card.h2c(1, at + 8192, &data), Err(TransferFault::Interrupted));
    let mut back = vec![0u8; data.len()];
    d.card.memory().read(at + 8192, &mut back).unwrap();
    assert!(back.iter().all(|&b| b == 0), "failed and interrupted calls move nothing");
    d.card.h2c(0, at, &data).unwrap();
    assert!(matches!(d.card.c2h(0, at, &mut back), Err(TransferFault::Short { done }) if done < data.len()));
    d.card.c2h(0, at, &mut back).unwrap();
    assert_eq!(back, data);
    assert!(matches!(d.card.h2c(0, u64::MAX - 2, &data), Err(TransferFault::Memory(_))));
    let i = d.card.injected();
    assert_eq!(
        (
            i.count(FaultKind::ShortTransfer),
            i.count(FaultKind::FailedTransfer),
            i.count(FaultKind::InterruptedTransfer)
        ),
        (2, 1, 1)
    );
}

#[test]
fn corrupt_payload_is_caught_by_the_checksums() {
    // The 3rd H2C (after the two tables) is the first batch; the 1st C2H is the root.
    let plan = FaultPlan::new(3)
        .with(FaultKind::CorruptPayload, Trigger::nth(3).on_direction(Direction::H2c))
        .with(FaultKind::CorruptPayload, Trigger::nth(1).on_direction(Direction::C2h));
    let mut d = driver(plan);
    let t = trace();
    let batch = column_batch(&t, 0, 8, 4);
    d.upload(STAGE_A.base, &batch);
    let mut c = Command::new(Opcode::CommitBatch, Field::BabyBear).with_payload(
        STAGE_A.base,
        batch.len() as u32,
        checksum(&batch),
    );
    c.aux = SPONGE.base;
    c.dst = TREE.base;
    c.log_rows = 5;
    c.log_blowup = 1;
    c.cols = 8;
    c.flags = c.flags | Flags::FIRST;
    let o = d.run(c);
    assert_eq!(o.error, Some(CardError::PayloadChecksum));
    assert_ne!(o.payload_crc, c.src_crc);
    // Re-upload and resend: the refused batch left no trace.
    let root = commit_on_card_expecting_bad_c2h(&mut d, &t);
    assert_eq!(root, cpu_root());
    assert_eq!(d.card.injected().count(FaultKind::CorruptPayload), 2);
}

/// commit_on_card, but the root's first download is damaged on the way: RESULT_CRC shows it,
/// and a second download is clean.
fn commit_on_card_expecting_bad_c2h(d: &mut Driver, t: &slotproof_core::RowMajor<u64>) -> Vec<u64> {
    commit_batches(d, t);
    let mut r = Command::new(Opcode::ReadRoot, Field::BabyBear);
    r.aux = TREE.base;
    r.dst = RESULT.base;
    r.log_rows = 6;
    let o = d.ok(r);
    let bad = d.download(RESULT.base, 32);
    assert_ne!(checksum(&bad), o.result_crc, "the host sees the damaged download");
    let good = d.download(RESULT.base, 32);
    assert_eq!(checksum(&good), o.result_crc);
    elems(&good, 4)
}

#[test]
fn compute_faults_are_vouched_for_by_the_result_checksum() {
    // FlipResultBit on READ_ROOT: the root is wrong, and RESULT_CRC matches the wrong bytes
    // (read_root checks that): only recomputation can catch it.
    let mut d = driver(FaultPlan::new(11).with(FaultKind::FlipResultBit, Trigger::nth(1).on_opcode(Opcode::ReadRoot)));
    let root = commit_on_card(&mut d, Field::BabyBear, &trace(), 1);
    assert_ne!(root, cpu_root());
    assert_eq!(d.card.injected().count(FaultKind::FlipResultBit), 1);
    assert_eq!(read_root(&mut d, Field::BabyBear, 6), cpu_root(), "the tree itself was right");

    // FlipResultBit on the last COMMIT_BATCH: the tree in card memory is the flipped one
    // and RESULT_CRC is its checksum.
    let mut d =
        driver(FaultPlan::new(12).with(FaultKind::FlipResultBit, Trigger::nth(2).on_opcode(Opcode::CommitBatch)));
    commit_on_card(&mut d, Field::BabyBear, &trace(), 1);
    let tree = d.download(TREE.base, 127 * 32);
    let mut clean = driver(FaultPlan::none());
    commit_on_card(&mut clean, Field::BabyBear, &trace(), 1);
    let good_tree = clean.download(TREE.base, 127 * 32);
    let diff: u32 = tree.iter().zip(&good_tree).map(|(a, b)| (a ^ b).count_ones()).sum();
    assert_eq!(diff, 1, "exactly one bit of the tree is wrong");

    // FlipLdeBit: one LDE element changes before hashing; the tree is consistent with it.
    let mut d = driver(FaultPlan::new(13).with(FaultKind::FlipLdeBit, Trigger::nth(1)));
    let root = commit_on_card(&mut d, Field::BabyBear, &trace(), 1);
    assert_ne!(root, cpu_root());
    assert_eq!(d.card.injected().count(FaultKind::FlipLdeBit), 1);
}

#[test]
fn result_checksum_covers_the_whole_tree() {
    let mut d =
        driver(FaultPlan::new(12).with(FaultKind::FlipResultBit, Trigger::nth(2).on_opcode(Opcode::CommitBatch)));
    let o = commit_batches(&mut d, &trace());
    assert_eq!(o[1].result_len, 127 * 32);
    assert_eq!(o[1].result_crc, checksum(&d.download(TREE.base, 127 * 32)));
}

/// The two COMMIT_BATCH commands of the test trace (8 columns, then the last 4).
fn commit_batches(d: &mut Driver, t: &slotproof_core::RowMajor<u64>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (i, (c0, c1)) in [(0, 8), (8, COLS)].into_iter().enumerate() {
        let batch = column_batch(t, c0, c1, 4);
        d.upload(STAGE_A.base, &batch);
        let mut c = Command::new(Opcode::CommitBatch, Field::BabyBear).with_payload(
            STAGE_A.base,
            batch.len() as u32,
            checksum(&batch),
        );
        c.aux = SPONGE.base;
        c.dst = TREE.base;
        c.log_rows = 5;
        c.log_blowup = 1;
        c.cols = (c1 - c0) as u16;
        c.flags = c.flags | if i == 0 { Flags::FIRST } else { Flags::LAST };
        out.push(d.ok(c));
    }
    out
}

fn read_root_cmd() -> Command {
    Command { aux: TREE.base, dst: RESULT.base, log_rows: 6, ..Command::new(Opcode::ReadRoot, Field::BabyBear) }
}

fn heartbeat_moves(d: &Driver) -> bool {
    let a = d.card.read_reg(regs::HEARTBEAT.offset);
    std::thread::sleep(Duration::from_millis(5));
    d.card.read_reg(regs::HEARTBEAT.offset) != a
}

#[test]
fn stuck_busy_error_status_and_lost_irq() {
    let plan = FaultPlan::new(5)
        .with(FaultKind::StuckBusy, Trigger::nth(1).on_opcode(Opcode::ReadRoot))
        .with(FaultKind::ErrorStatus, Trigger::nth(1).on_opcode(Opcode::CommitBatch))
        .with(FaultKind::LostIrq, Trigger::nth(2).on_opcode(Opcode::ReadRoot));
    let mut d = driver(plan);
    let t = trace();
    let batch = column_batch(&t, 0, 8, 4);
    d.upload(STAGE_A.base, &batch);
    let mut c = Command::new(Opcode::CommitBatch, Field::BabyBear).with_payload(
        STAGE_A.base,
        batch.len() as u32,
        checksum(&batch),
    );
    c.aux = SPONGE.base;
    c.dst = TREE.base;
    c.log_rows = 5;
    c.log_blowup = 1;
    c.cols = 8;
    c.flags = c.flags | Flags::FIRST;
    assert_eq!(d.run(c).error, Some(CardError::MemoryEcc));
    let mut next = c;
    next.flags = Flags::CHECK_SRC;
    assert_eq!(d.run(next).error, Some(CardError::BadBatchOrder), "an ECC error loses the batch in progress");
    commit_batches(&mut d, &t);

    // StuckBusy: BUSY stays, no event, the heartbeat moves; a soft reset recovers.
    let seq = d.submit(read_root_cmd());
    assert!(!d.card.wait_irq(Duration::from_millis(300)));
    assert!(status::BUSY.is_set(d.card.read_reg(regs::STATUS.offset)));
    assert_ne!(d.card.read_reg(regs::COMPLETED_SEQ.offset), seq);
    assert!(heartbeat_moves(&d), "a stuck command is not a hung card");
    d.card.write_reg(regs::CTRL.offset, ctrl::SOFT_RESET.bits(1) | ctrl::IRQ_ENABLE.bits(1));
    assert!(!status::BUSY.is_set(d.card.read_reg(regs::STATUS.offset)));

    // LostIrq: the command completes, but only polling sees it.
    let seq = d.submit(read_root_cmd());
    assert!(!d.card.wait_irq(Duration::from_millis(300)), "the completion raised no event");
    let deadline = std::time::Instant::now() + WAIT;
    while !status::DONE.is_set(d.card.read_reg(regs::STATUS.offset)) {
        assert!(std::time::Instant::now() < deadline, "never completed");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(d.card.read_reg(regs::COMPLETED_SEQ.offset), seq);
    assert_eq!(elems(&d.download(RESULT.base, 32), 4), cpu_root());
    let i = d.card.injected();
    assert_eq!(
        (i.count(FaultKind::StuckBusy), i.count(FaultKind::ErrorStatus), i.count(FaultKind::LostIrq)),
        (1, 1, 1)
    );
}

#[test]
fn wrong_abi_is_reported() {
    let d = Driver::new(FaultPlan::new(0).with(FaultKind::WrongAbi, Trigger::every()));
    let v = AbiVersion::from_reg(d.card.read_reg(regs::ABI_VERSION.offset));
    assert_eq!(v.major, ABI_VERSION.major + 1);
    assert!(!ABI_VERSION.accepts(v));
    assert!(d.card.injected().count(FaultKind::WrongAbi) >= 1);
    let healthy = Driver::new(FaultPlan::none());
    assert!(ABI_VERSION.accepts(AbiVersion::from_reg(healthy.card.read_reg(regs::ABI_VERSION.offset))));
}

#[test]
fn hung_and_killed_cards_stop_their_heartbeat() {
    let mut d = driver(FaultPlan::new(0).with(FaultKind::Hung, Trigger::nth(1).on_opcode(Opcode::CommitBatch)));
    assert!(heartbeat_moves(&d));
    let t = trace();
    let batch = column_batch(&t, 0, 8, 4);
    d.upload(STAGE_A.base, &batch);
    let mut c = Command::new(Opcode::CommitBatch, Field::BabyBear);
    c.src = STAGE_A.base;
    c.aux = SPONGE.base;
    c.log_rows = 5;
    c.log_blowup = 1;
    c.cols = 8;
    c.flags = Flags::FIRST;
    let seq = d.submit(c);
    assert!(!d.card.wait_irq(Duration::from_millis(300)));
    assert!(!heartbeat_moves(&d), "HEARTBEAT frozen");
    assert!(status::BUSY.is_set(d.card.read_reg(regs::STATUS.offset)));
    assert_ne!(d.card.read_reg(regs::COMPLETED_SEQ.offset), seq);
    d.card.write_reg(regs::CTRL.offset, ctrl::SOFT_RESET.bits(1));
    assert!(status::BUSY.is_set(d.card.read_reg(regs::STATUS.offset)), "a hung card ignores a soft reset");
    assert_eq!(d.card.injected().count(FaultKind::Hung), 1);

    let d = driver(FaultPlan::none());
    d.card.kill();
    assert!(!heartbeat_moves(&d));
    assert_eq!(d.card.h2c(0, STAGE_A.base, &[1, 2, 3]), Err(TransferFault::Failed));
}

/// Two completions before the host waits raise one event: the flag coalesces, and the host
/// must read the registers to learn what finished.
#[test]
fn interrupts_coalesce() {
    let mut d = driver(FaultPlan::none());
    commit_batches(&mut d, &trace());
    let wait_done = |d: &Driver, seq: u32| {
        let deadline = std::time::Instant::now() + WAIT;
        while d.card.read_reg(regs::COMPLETED_SEQ.offset) != seq {
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    let a = d.submit(read_root_cmd());
    wait_done(&d, a);
    let b = d.submit(read_root_cmd());
    wait_done(&d, b);
    assert!(d.card.wait_irq(Duration::ZERO), "one event pending");
    assert!(!d.card.wait_irq(Duration::from_millis(50)), "and only one");
    assert!(status::DONE.is_set(d.card.read_reg(regs::STATUS.offset)));
}
