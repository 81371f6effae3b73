//! Calibration of the system planner (`slotproof_sim::plan::model`): its closed-form
//! schedule of one commitment against the host runtime really streaming that commitment
//! to the device model, on the model's own clock. They must agree within 5% on every
//! case: link-bound, compute-bound and balanced cards, on-chip and four-step sizes, 31-bit
//! and 64-bit fields. A negative control shows the comparison can fail.
//!
//! With one H2C channel the runtime's schedule is deterministic and so is the comparison.
//! With two (the default) the two upload threads of a batch reach the modelled link in either
//! order, which moves the device model's own makespan by a few call set-ups (30 µs each) from
//! run to run; those cases are sized so that this stays well inside the tolerance.

use std::borrow::Cow;
use std::time::Duration;

use slotproof_core::FieldId;
use slotproof_core::sample::random_trace;
use slotproof_host::backend::card::DEADLINES;
use slotproof_host::card::driver::CardDriver;
use slotproof_host::card::stream::{Slice, StreamOptions, commit_slice};
use slotproof_host::card::trace_view::{TraceView, Words};
use slotproof_host::transport::Transport;
use slotproof_host::transport::inproc::SimTransport;
use slotproof_sim::plan::model::{Accelerator, commit_time, commit_time_after, tables_time};
use slotproof_sim::plan::workload::MatrixSpec;
use slotproof_sim::{CardConfig, FaultPlan, SimCard, Timing};

/// The device model's makespan for one commitment on a fresh card (tables loaded first),
/// streamed over `channels` H2C channels.
fn simulated(timing: Timing, m: &MatrixSpec, channels: usize) -> Duration {
    let sim = SimCard::new(CardConfig { timing, ..CardConfig::default() }, FaultPlan::none());
    let t: Box<dyn Transport> = Box::new(SimTransport::new(sim.clone()));
    let card = CardDriver::open(t, DEADLINES).expect("open");
    let (rows, cols) = (1usize << m.log_rows, m.cols as usize);
    let words = random_trace(m.field, rows, cols, 11).into_values();
    let view = TraceView::new(m.field, rows, cols, Words::U64(Cow::Owned(words))).expect("shape");
    let opts = StreamOptions { channels, ..StreamOptions::default() };
    commit_slice(&card, &view, m.log_blowup as usize, Slice::WHOLE, &[], &opts, &|_| {}).expect("commit");
    sim.timeline().makespan()
}

fn predicted(timing: Timing, m: &MatrixSpec, channels: usize) -> f64 {
    let acc = Accelerator { h2c_channels: channels as u32, ..Accelerator::from_timing(m.field, &timing) };
    commit_time_after(&acc, m, false, tables_time(&acc, m.field, m.log_rows + m.log_blowup)).makespan_s
}

fn spec(field: FieldId, log_rows: u32, cols: u32, log_blowup: u32) -> MatrixSpec {
    MatrixSpec { name: "calibration".into(), field, log_rows, cols, log_blowup, count: 1 }
}

fn timings() -> Vec<(&'static str, Timing)> {
    let d = Timing::default();
    vec![
        ("default (U55C-class)", d),
        ("slow link (1 GB/s)", Timing { h2c_bytes_per_s: 1e9, ..d }),
        ("weak card (4 lanes, 1 pipeline)", Timing { ntt_lanes: 4, hash_pipelines: 1, ..d }),
    ]
}

fn calibrate(cases: &[MatrixSpec], channels: usize) -> f64 {
    let mut worst = 0.0f64;
    for (name, timing) in timings() {
        for m in cases {
            let sim = simulated(timing, m, channels).as_secs_f64();
            let model = predicted(timing, m, channels);
            let err = (model - sim).abs() / sim;
            println!(
                "{channels} channel(s), {name}: {} 2^{} x {} blowup 2^{}: device model {:.1} µs, planner {:.1} µs, {:+.2}%",
                m.field,
                m.log_rows,
                m.cols,
                m.log_blowup,
                sim * 1e6,
                model * 1e6,
                100.0 * (model - sim) / sim
            );
            worst = worst.max(err);
            assert!(err <= 0.05, "{name} {m:?}: planner {model} s vs device model {sim} s ({:.1}%)", 100.0 * err);
        }
    }
    println!("{channels} channel(s): worst disagreement {:.2}%", 100.0 * worst);
    worst
}

#[test]
fn planner_matches_the_device_model_on_one_channel() {
    let cases = [
        spec(FieldId::BabyBear, 12, 16, 1),
        spec(FieldId::BabyBear, 14, 64, 1),
        spec(FieldId::KoalaBear, 13, 40, 2),
        spec(FieldId::Goldilocks, 13, 20, 1),
    ];
    calibrate(&cases, 1);
}

#[test]
fn planner_matches_the_device_model_on_two_channels() {
    let cases =
        [spec(FieldId::BabyBear, 17, 64, 1), spec(FieldId::KoalaBear, 18, 32, 1), spec(FieldId::Goldilocks, 18, 12, 1)];
    calibrate(&cases, 2);
}

/// Negative control: a planner that ignored the overlap of uploads with compute (the sum of
/// the stages) is off by far more than 5% on a balanced case, so the tolerance has teeth.
#[test]
fn a_serial_schedule_fails_the_calibration() {
    let timing = Timing { h2c_bytes_per_s: 4e9, ..Timing::default() };
    let m = spec(FieldId::BabyBear, 14, 64, 1);
    let sim = simulated(timing, &m, 1).as_secs_f64();
    let acc = Accelerator { h2c_channels: 1, ..Accelerator::from_timing(m.field, &timing) };
    let c = commit_time(&acc, &m, false);
    let serial = tables_time(&acc, m.field, 15) + c.h2c_s + c.lde_s.max(c.hash_s) + c.tree_s + c.c2h_s;
    let err = (serial - sim).abs() / sim;
    assert!(err > 0.05, "serial schedule {serial} s vs {sim} s: only {:.1}% apart", 100.0 * err);
}
