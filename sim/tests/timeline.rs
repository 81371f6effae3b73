//! The card's own clock on a hand-made schedule: two uploads sharing the link, commands
//! waiting for their data, a refill waiting for the command reading the buffer, and a
//! download waiting for the command that wrote it. Every number is worked out by hand.

mod common;

use std::time::Duration;

use common::*;
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{RESULT, STAGE_A, STAGE_B, TREE};
use slotproof_firmware::{Command, Field, Opcode};
use slotproof_sim::device::{Datapath, SpanKind, Timing, constants_table, twiddle_table};
use slotproof_sim::{CardConfig, FaultPlan};

#[test]
fn hand_made_schedule() {
    // 1 byte/µs each way, 10 µs per DMA call, a 1 MHz kernel clock.
    let timing = Timing {
        datapath: Datapath::Streaming,
        clock_hz: 1e6,
        ntt_lanes: 1,
        hash_pipelines: 1,
        h2c_bytes_per_s: 1e6,
        c2h_bytes_per_s: 1e6,
        per_call: Duration::from_micros(10),
        msm_units: [1, 1],
    };
    let mut d = Driver::with_config(CardConfig { timing, ..CardConfig::instant() }, FaultPlan::none());
    let k = constants_table(Field::BabyBear);
    let tw = twiddle_table(Field::BabyBear, 4);
    assert_eq!((k.len(), tw.len()), (564, 32));

    // ch0: constants → [0, 10 + 564]. ch1: its call overlaps, its bytes wait for the link → [0, 606].
    d.card.h2c(0, STAGE_A.base, &k).unwrap();
    d.card.h2c(1, STAGE_B.base, &tw).unwrap();
    // LOAD_CONSTANTS waits for its upload: 564 B at 64 B/cycle = 9 cycles → [574, 583].
    d.ok(Command::new(Opcode::LoadConstants, Field::BabyBear).with_payload(STAGE_A.base, k.len() as u32, checksum(&k)));
    // LOAD_TWIDDLES: 1 cycle once its upload is in → [606, 607].
    let mut lt = Command::new(Opcode::LoadTwiddles, Field::BabyBear).with_payload(STAGE_B.base, 32, checksum(&tw));
    lt.log_rows = 4;
    d.ok(lt);
    // Refilling STAGE_A waits for LOAD_CONSTANTS to finish reading it (583); its bytes wait
    // for the link (606) → [583, 670].
    d.card.h2c(0, STAGE_A.base, &[7u8; 64]).unwrap();
    // READ_ROOT of a one-leaf tree: 1 cycle after the engine frees → [607, 608].
    d.ok(Command { aux: TREE.base, dst: RESULT.base, log_rows: 0, ..Command::new(Opcode::ReadRoot, Field::BabyBear) });
    // Its download waits for it (608); C2H channel 0 is its own engine, idle → [608, 650].
    let mut root = [0u8; 32];
    d.card.c2h(0, RESULT.base, &mut root).unwrap();

    let t = d.card.timeline();
    let us = |x: u64| Duration::from_micros(x);
    let got: Vec<(SpanKind, Duration, Duration)> = t.spans().iter().map(|s| (s.kind, s.start, s.end)).collect();
    let (h, c) = (|ch| SpanKind::H2c { channel: ch }, |ch| SpanKind::C2h { channel: ch });
    assert_eq!(
        got,
        vec![
            (h(0), us(0), us(574)),
            (h(1), us(0), us(606)),
            (SpanKind::Command, us(574), us(583)),
            (SpanKind::Command, us(606), us(607)),
            (h(0), us(583), us(670)),
            (SpanKind::Command, us(607), us(608)),
            (c(0), us(608), us(650)),
        ]
    );
    assert_eq!(t.makespan(), us(670));
    assert_eq!(t.h2c_busy(), us(564 + 32 + 64));
    assert!((t.link_utilization() - 660.0 / 670.0).abs() < 1e-9);
    let (h2c, c2h, cmds) = t.totals();
    assert_eq!((h2c.count, h2c.bytes, c2h.count, c2h.bytes, cmds.count), (3, 660, 1, 32, 3));
    assert_eq!(cmds.busy, us(11));
}
