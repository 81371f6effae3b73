#![allow(missing_docs)] // criterion_group! generates undocumented items
//! The host runtime, measured two ways:
//! - **overhead**: a commitment through the simulated card with a zero-time model (every
//!   command and transfer instantaneous in the model, the card's arithmetic done by the same
//!   CPU kernels) against the CPU kernel called directly. What remains is the runtime's own
//!   cost: packing column batches, DMA copies into card memory, checksums, commands,
//!   read-back and the sampled verification. Printed as `overhead <name>: <sim / cpu>x`.
//! - **link**: one commitment through a card with the default timing model (a U55C-class
//!   card on PCIe Gen3 x16: 11 GB/s H2C, 30 µs per call), and how busy the streaming pipeline
//!   keeps the modelled H2C link on the model's own clock. Printed as `link <name>: ...`.
//!
//! `SLOTPROOF_BENCH_QUICK=1` measures the overhead at the smallest size only.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use slotproof_bench::{bench_group, quick};
use slotproof_core::FieldId;
use slotproof_host::backend::card::{CardBackend, DEADLINES, VerifyMode};
use slotproof_host::backend::cpu::CpuBackend;
use slotproof_host::backend::{Backend, NoProgress};
use slotproof_host::card::discover::admit;
use slotproof_host::card::driver::CardDriver;
use slotproof_host::card::stream::StreamOptions;
use slotproof_host::job::{CommitJob, TraceInput};
use slotproof_host::transport::Transport;
use slotproof_host::transport::inproc::SimTransport;
use slotproof_sim::{CardConfig, FaultPlan, SimCard, Timing};

const RUNS: u32 = 3;

fn job(log_rows: usize, cols: usize) -> CommitJob {
    CommitJob {
        trace: TraceInput::Generated { field: FieldId::BabyBear, rows: 1 << log_rows, cols, seed: 7 },
        log_blowup: 1,
    }
}

fn overhead(c: &mut Criterion, log_rows: usize, cols: usize) {
    let name = format!("runtime/babybear/2^{log_rows}x{cols}");
    let j = job(log_rows, cols);
    let config = CardConfig { timing: Timing::zero(), ..CardConfig::default() };
    let model = SimCard::new(config, FaultPlan::none());
    let card = admit(Box::new(SimTransport::new(model.clone())), DEADLINES, None).unwrap();
    let sim = CardBackend::new("sim", vec![card], VerifyMode::Sample(8), StreamOptions::default());
    let cpu = CpuBackend::new();
    let (a, b) = (sim.commit(&j, &NoProgress).unwrap(), cpu.commit(&j, &NoProgress).unwrap());
    assert_eq!(a.backend, "sim");
    assert_eq!(a.root, b.root, "{name}: roots differ");
    let mut group = bench_group(c, &name, Duration::from_secs(8));
    group.bench_function("sim-zero-time", |bch| bch.iter(|| sim.commit(&j, &NoProgress).unwrap()));
    group.bench_function("cpu", |bch| bch.iter(|| cpu.commit(&j, &NoProgress).unwrap()));
    group.finish();
    // Commit times as the backends report them: the trace is generated before the clock
    // starts on both sides, so only the commitment itself is compared.
    let (mut s, mut p, mut m) = (0.0, 0.0, Duration::ZERO);
    for _ in 0..RUNS {
        let before = model.compute_wall();
        s += sim.commit(&j, &NoProgress).unwrap().timings_ms.commit;
        m += model.compute_wall() - before;
        p += cpu.commit(&j, &NoProgress).unwrap().timings_ms.commit;
    }
    let runs = f64::from(RUNS);
    let (s, p, m) = (s / runs, p / runs, m.as_secs_f64() * 1e3 / runs);
    // The model computes the card's arithmetic on this CPU, which a card does in hardware:
    // what is left of the sim commit is the host runtime (packing, DMA copies, checksums,
    // commands, read-back, sampled verification).
    let host = (s - m).max(0.0);
    println!(
        "overhead {name}: sim commit {:.2}x the cpu kernel ({s:.1} ms vs {p:.1} ms); of the sim commit, the model's \
         arithmetic {m:.1} ms and the host runtime {host:.1} ms = {:.0}% of the cpu kernel's time (mean of {RUNS} \
         interleaved runs, trace generation excluded on both sides)",
        s / p,
        100.0 * host / p
    );
}

/// One commitment on a card with the default timing model; prints the modelled schedule.
fn link(log_rows: usize, cols: usize) {
    let name = format!("runtime/babybear/2^{log_rows}x{cols}");
    let j = job(log_rows, cols);
    let sim = SimCard::new(CardConfig::default(), FaultPlan::none());
    // No canary: the schedule should hold the job alone.
    let t: Box<dyn Transport> = Box::new(SimTransport::new(sim.clone()));
    let card = CardDriver::open(t, DEADLINES).unwrap();
    let backend = CardBackend::new("sim", vec![card], VerifyMode::Sample(8), StreamOptions::default());
    let report = backend.commit(&j, &NoProgress).unwrap();
    assert_eq!(report.backend, "sim");
    let tl = sim.timeline();
    let (h2c, c2h, cmds) = tl.totals();
    println!(
        "link {name}: H2C link busy {:.1}% of the modelled {:.2} ms ({} calls, {:.0} MiB; {} commands busy {:.2} ms; {} C2H calls)",
        100.0 * tl.link_utilization(),
        tl.makespan().as_secs_f64() * 1e3,
        h2c.count,
        h2c.bytes as f64 / (1 << 20) as f64,
        cmds.count,
        cmds.busy.as_secs_f64() * 1e3,
        c2h.count
    );
}

fn runtime(c: &mut Criterion) {
    // One modelled commitment each: cheap enough to run at every size even in quick mode.
    for log_rows in [16, 18, 20] {
        link(log_rows, 64);
    }
    let sizes: &[usize] = if quick() { &[14] } else { &[16, 18, 20] };
    for &log_rows in sizes {
        overhead(c, log_rows, 64);
    }
}

criterion_group!(benches, runtime);
criterion_main!(benches);
