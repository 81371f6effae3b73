//! A tiny hand-written driver for the tests: the ABI driven register by register, the way
//! the host's card driver will, with nothing hidden.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use slotproof_core::{FieldId, RowMajor};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{RESULT, SPONGE, STAGE_A, STAGE_B, TABLES, TREE};
use slotproof_firmware::regs::{self, ctrl, error_code, irq_status, status};
use slotproof_firmware::{CardError, Command, Field, Flags, Opcode};
use slotproof_sim::device::{constants_table, twiddle_table};
use slotproof_sim::{CardConfig, FaultPlan, SimCard};

/// How long a test waits for a command that should finish.
pub const WAIT: Duration = Duration::from_secs(10);

pub fn field_of(id: FieldId) -> Field {
    match id {
        FieldId::BabyBear => Field::BabyBear,
        FieldId::KoalaBear => Field::KoalaBear,
        FieldId::Goldilocks => Field::Goldilocks,
    }
}

/// What the registers said when a command finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: u32,
    pub error: Option<CardError>,
    pub word: u32,
    pub completed_seq: u32,
    pub payload_crc: u32,
    pub result_crc: u32,
    pub result_len: u32,
}

pub struct Driver {
    pub card: Arc<SimCard>,
    pub seq: u32,
}

impl Driver {
    pub fn new(faults: FaultPlan) -> Self {
        Self::with_config(CardConfig::instant(), faults)
    }

    pub fn with_config(config: CardConfig, faults: FaultPlan) -> Self {
        let card = SimCard::new(config, faults);
        card.write_reg(regs::CTRL.offset, ctrl::IRQ_ENABLE.bits(1));
        Self { card, seq: 0 }
    }

    /// Writes the descriptor and rings the doorbell with its sequence number (a fresh one).
    pub fn submit(&mut self, mut cmd: Command) -> u32 {
        self.seq += 1;
        cmd.seq = self.seq;
        self.submit_words(&cmd.encode(), self.seq);
        self.seq
    }

    pub fn submit_words(&mut self, words: &[u32; 16], doorbell: u32) {
        for (i, &w) in words.iter().enumerate() {
            self.card.write_reg(regs::CMD.at(i as u32), w);
        }
        self.card.write_reg(regs::DOORBELL.offset, doorbell);
    }

    /// Waits for the interrupt, reads the outcome and clears DONE/ERROR.
    pub fn finish(&mut self) -> Outcome {
        assert!(self.card.wait_irq(WAIT), "no interrupt within {WAIT:?}");
        let o = self.outcome();
        self.card.write_reg(regs::IRQ_STATUS.offset, irq_status::DONE.bits(1) | irq_status::ERROR.bits(1));
        o
    }

    pub fn outcome(&self) -> Outcome {
        let st = self.card.read_reg(regs::STATUS.offset);
        let ec = self.card.read_reg(regs::ERROR_CODE.offset);
        Outcome {
            status: st,
            error: CardError::from_code(error_code::CODE.get(ec) as u8).filter(|_| status::ERROR.is_set(st)),
            word: error_code::WORD.get(ec),
            completed_seq: self.card.read_reg(regs::COMPLETED_SEQ.offset),
            payload_crc: self.card.read_reg(regs::PAYLOAD_CRC.offset),
            result_crc: self.card.read_reg(regs::RESULT_CRC.offset),
            result_len: self.card.read_reg(regs::RESULT_LEN.offset),
        }
    }

    pub fn run(&mut self, cmd: Command) -> Outcome {
        let seq = self.submit(cmd);
        let o = self.finish();
        assert_eq!(o.completed_seq, seq);
        o
    }

    /// Runs and insists it completed.
    pub fn ok(&mut self, cmd: Command) -> Outcome {
        let o = self.run(cmd);
        assert_eq!(o.error, None, "{} failed: {o:?}", cmd.opcode.mnemonic());
        assert!(status::DONE.is_set(o.status));
        o
    }

    pub fn upload(&self, addr: u64, bytes: &[u8]) {
        self.card.h2c(0, addr, bytes).expect("h2c");
    }

    pub fn download(&self, addr: u64, len: usize) -> Vec<u8> {
        let mut b = vec![0u8; len];
        self.card.c2h(0, addr, &mut b).expect("c2h");
        b
    }

    /// Uploads and loads the twiddles (for LDEs up to 2^log_n) and the round constants.
    pub fn load_tables(&mut self, field: Field, log_n: u8) {
        let tw = twiddle_table(field, log_n);
        self.upload(TABLES.base, &tw);
        let mut c = Command::new(Opcode::LoadTwiddles, field).with_payload(TABLES.base, tw.len() as u32, checksum(&tw));
        c.log_rows = log_n;
        self.ok(c);
        let k = constants_table(field);
        let at = TABLES.base + (TABLES.size / 2);
        self.upload(at, &k);
        self.ok(Command::new(Opcode::LoadConstants, field).with_payload(at, k.len() as u32, checksum(&k)));
    }
}

/// Columns `c0..c1` of a canonical trace as a column batch in card layout.
pub fn column_batch(trace: &RowMajor<u64>, c0: usize, c1: usize, elem_bytes: usize) -> Vec<u8> {
    use rayon::prelude::*;
    let rows = trace.height();
    let mut out = vec![0u8; (c1 - c0) * rows * elem_bytes];
    out.par_chunks_mut(rows * elem_bytes).enumerate().for_each(|(k, col)| {
        for (r, o) in col.chunks_exact_mut(elem_bytes).enumerate() {
            o.copy_from_slice(&trace.row(r)[c0 + k].to_le_bytes()[..elem_bytes]);
        }
    });
    out
}

pub fn elems(bytes: &[u8], elem_bytes: usize) -> Vec<u64> {
    bytes
        .chunks_exact(elem_bytes)
        .map(|b| {
            let mut w = [0u8; 8];
            w[..elem_bytes].copy_from_slice(b);
            u64::from_le_bytes(w)
        })
        .collect()
}

/// The batch width the host uses: 8 columns for the 31-bit fields, 4 for Goldilocks.
pub fn batch_width(field: Field) -> usize {
    field.rate()
}

/// Commits `trace` through the card with COMMIT_BATCH (ping-pong staging buffers) and
/// returns the root read back with READ_ROOT, after checking RESULT_CRC against it.
pub fn commit_on_card(d: &mut Driver, field: Field, trace: &RowMajor<u64>, log_blowup: u8) -> Vec<u64> {
    commit_in_batches(d, field, trace, log_blowup, batch_width(field))
}

/// [`commit_on_card`] with batches of `bw` columns (a multiple of the rate).
pub fn commit_in_batches(d: &mut Driver, field: Field, trace: &RowMajor<u64>, log_blowup: u8, bw: usize) -> Vec<u64> {
    let (rows, cols) = (trace.height(), trace.width());
    let log_rows = rows.trailing_zeros() as u8;
    let eb = field.elem_bytes();
    let starts: Vec<usize> = (0..cols).step_by(bw).collect();
    for (i, &c0) in starts.iter().enumerate() {
        let c1 = (c0 + bw).min(cols);
        let batch = column_batch(trace, c0, c1, eb);
        let stage = if i % 2 == 0 { STAGE_A.base } else { STAGE_B.base };
        d.card.h2c(i % 2, stage, &batch).expect("h2c");
        let mut c = Command::new(Opcode::CommitBatch, field).with_payload(stage, batch.len() as u32, checksum(&batch));
        c.aux = SPONGE.base;
        c.dst = TREE.base;
        c.log_rows = log_rows;
        c.log_blowup = log_blowup;
        c.cols = (c1 - c0) as u16;
        if i == 0 {
            c.flags = c.flags | Flags::FIRST;
        }
        if i + 1 == starts.len() {
            c.flags = c.flags | Flags::LAST;
        }
        d.ok(c);
    }
    read_root(d, field, log_rows + log_blowup)
}

pub fn read_root(d: &mut Driver, field: Field, log_leaves: u8) -> Vec<u64> {
    let mut c = Command::new(Opcode::ReadRoot, field);
    c.aux = TREE.base;
    c.dst = RESULT.base;
    c.log_rows = log_leaves;
    let o = d.ok(c);
    assert_eq!(o.result_len as usize, field.digest_bytes());
    let bytes = d.download(RESULT.base, field.digest_bytes());
    assert_eq!(o.result_crc, checksum(&bytes), "RESULT_CRC vouches for the bytes read back");
    elems(&bytes, field.elem_bytes())
}
