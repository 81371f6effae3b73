//! The reference-size commit (2^20 × 64 BabyBear, blowup 2) through the card: it must take
//! seconds, not minutes, for the model to stand in for a card in host tests. Ignored by
//! default (it needs ~2 GiB); run with `cargo test -p slotproof-sim --release --test perf -- --ignored`.

mod common;

use std::time::Instant;

use common::*;
use slotproof_core::FieldId;
use slotproof_core::cpu::CpuCommit;
use slotproof_core::field::BabyBear;
use slotproof_core::sample::random_trace;
use slotproof_firmware::Field;
use slotproof_sim::{CardConfig, FaultPlan};

#[test]
#[ignore = "reference size: ~2 GiB and several seconds"]
fn reference_commit_takes_seconds() {
    let (rows, cols) = (1 << 20, 64);
    let trace = random_trace(FieldId::BabyBear, rows, cols, 1);
    let mut d = Driver::with_config(CardConfig::default(), FaultPlan::none());
    d.load_tables(Field::BabyBear, 21);
    let t = Instant::now();
    let root = commit_in_batches(&mut d, Field::BabyBear, &trace, 1, 64);
    let card = t.elapsed();
    let timeline = d.card.timeline();
    let t = Instant::now();
    let mut narrow = Driver::with_config(CardConfig::default(), FaultPlan::none());
    narrow.load_tables(Field::BabyBear, 21);
    assert_eq!(commit_on_card(&mut narrow, Field::BabyBear, &trace, 1), root);
    let narrow_wall = t.elapsed();
    let narrow_timeline = narrow.card.timeline();
    drop(narrow);
    let typed = trace.map(|&v| <BabyBear as slotproof_core::TraceField>::from_canonical(v));
    drop(trace);
    let t = Instant::now();
    let cpu = BabyBear::commit_cpu(typed, 1, &|_| {}).unwrap().root;
    eprintln!(
        "model, one 64-column batch: {card:?} wall, {:?} modelled (link {:.0}% busy); \
         8-column batches: {narrow_wall:?} wall, {:?} modelled (link {:.0}% busy); cpu backend: {:?}",
        timeline.makespan(),
        100.0 * timeline.link_utilization(),
        narrow_timeline.makespan(),
        100.0 * narrow_timeline.link_utilization(),
        t.elapsed()
    );
    assert_eq!(root, cpu);
}
