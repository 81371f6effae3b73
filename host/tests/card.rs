//! The card path end to end: roots through the in-process simulated card, through the real
//! XDMA binding against an emulated device directory, and through 2–4 cards, all equal to the
//! CPU's; and the fault matrix: every fault kind of the device model against every command
//! and transfer of a job, each ending in the correct root (after retry or CPU fallback) or a
//! clear error, never a wrong root.

use std::sync::Arc;
use std::time::Duration;

use slotproof_core::FieldId;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::Opcode;
use slotproof_host::backend::card::{AnyCard, CardBackend, VerifyMode};
use slotproof_host::backend::cpu::CpuBackend;
use slotproof_host::backend::{Backend, NoProgress};
use slotproof_host::card::discover::admit;
use slotproof_host::card::driver::{CardFault, Deadlines};
use slotproof_host::card::stream::StreamOptions;
use slotproof_host::job::{CommitJob, TraceInput};
use slotproof_host::transport::emulated::{EmulatedDevice, EmulatedSpec};
use slotproof_host::transport::inproc::SimTransport;
use slotproof_host::transport::servicer::Servicer;
use slotproof_host::transport::xdma::{XdmaOptions, XdmaTransport};
use slotproof_sim::device::{Direction, Trigger};
use slotproof_sim::{CardConfig, FaultKind, FaultPlan, SimCard};

/// Short deadlines: a hung or stuck card must be given up on quickly in tests.
const FAST: Deadlines = Deadlines {
    command: Duration::from_millis(800),
    heartbeat: Duration::from_millis(100),
    poll: Duration::from_millis(5),
};

fn job(field: FieldId, rows: usize, cols: usize, log_blowup: usize, seed: u64) -> CommitJob {
    CommitJob { trace: TraceInput::Generated { field, rows, cols, seed }, log_blowup }
}

fn cpu_root(job: &CommitJob) -> Vec<u64> {
    CpuBackend::new().commit(job, &NoProgress).expect("cpu commit").root
}

/// Narrow batches (one rate-width batch per command) so that a job has several batches.
fn narrow(rows: usize, field: FieldId) -> StreamOptions {
    let rate = if field == FieldId::Goldilocks { 4 } else { 8 };
    StreamOptions { batch_bytes: rate * rows * field.word_bytes(), ..StreamOptions::default() }
}

/// `n` admitted simulated cards and their handles (to arm faults after admission).
fn sim_cards(n: usize) -> (Vec<AnyCard>, Vec<Arc<SimCard>>) {
    (0..n)
        .map(|i| {
            let sim = SimCard::new(CardConfig { name: format!("sim{i}"), ..CardConfig::default() }, FaultPlan::none());
            let card = admit(Box::new(SimTransport::new(sim.clone())), FAST, None).expect("a healthy card is admitted");
            (card, sim)
        })
        .unzip()
}

#[test]
fn sim_card_roots_equal_the_cpu() {
    let seed = test_seed("sim_card_roots_equal_the_cpu");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        for &(log_rows, cols, log_blowup) in &[(1, 1, 0), (3, 5, 1), (5, 13, 2), (6, 20, 3), (8, 9, 1), (4, 17, 1)] {
            let rows = 1 << log_rows;
            let j = job(field, rows, cols, log_blowup, rng.next_u64());
            let (cards, _) = sim_cards(1);
            let backend = CardBackend::new("sim", cards, VerifyMode::Sample(4), narrow(rows, field));
            let report = backend.commit(&j, &NoProgress).expect("sim commit");
            assert_eq!(report.backend, "sim", "{field} 2^{log_rows}x{cols}: {}", report.backend);
            assert_eq!(report.root, cpu_root(&j), "{field} 2^{log_rows} x {cols}, blowup 2^{log_blowup}");
        }
    }
}

#[test]
fn two_three_and_four_cards_give_the_cpu_root() {
    let seed = test_seed("two_three_and_four_cards_give_the_cpu_root");
    let mut rng = SplitMix64::new(seed);
    for n in [2, 3, 4] {
        for field in FieldId::ALL {
            let j = job(field, 64, 11, 1, rng.next_u64());
            let (cards, sims) = sim_cards(n);
            let backend = CardBackend::new("sim", cards, VerifyMode::Sample(6), narrow(64, field));
            // Commands each card ran during admission (the canary), to count the job's own.
            let before: Vec<u64> = sims.iter().map(|s| s.timeline().totals().2.count).collect();
            let report = backend.commit(&j, &NoProgress).expect("commit");
            assert_eq!(report.backend, "sim");
            assert_eq!(report.root, cpu_root(&j), "{n} cards, {field}");
            // The slices were shared out. Cards take slices from one queue as they free up,
            // so on a loaded machine one card may take two before another's thread is
            // scheduled; but no card can take them all while the others wait.
            let working = sims.iter().zip(before).filter(|(s, b)| s.timeline().totals().2.count > *b).count();
            assert!(working >= 2, "{n} cards, {field}: only {working} worked");
        }
    }
}

#[test]
fn the_real_xdma_binding_against_an_emulated_directory_gives_the_cpu_root() {
    let seed = test_seed("emulated_directory");
    let mut rng = SplitMix64::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let spec = EmulatedSpec { channels: 2, ..EmulatedSpec::default() };
    let dev = EmulatedDevice::create(dir.path(), 0, spec).unwrap();
    let _servicer = Servicer::spawn(dev.card_port(), CardConfig::default(), FaultPlan::none());
    // Small calls so every batch is many pwrite/pread calls on both channels.
    let opts = XdmaOptions { max_call_bytes: 4096 + 3, ..XdmaOptions::default() };
    let t = XdmaTransport::open_at(dir.path(), 0, opts).unwrap();
    let card = admit(Box::new(t), FAST, None).expect("admitted through the emulated directory");
    let backend = CardBackend::new("fpga", vec![card], VerifyMode::Sample(4), narrow(128, FieldId::BabyBear));
    for field in FieldId::ALL {
        let j = job(field, 128, 13, 1, rng.next_u64());
        let report = backend.commit(&j, &NoProgress).unwrap();
        assert_eq!(report.backend, "fpga", "{}", report.backend);
        assert_eq!(report.root, cpu_root(&j), "{field}");
    }
}

#[test]
fn a_card_hanging_behind_the_emulated_directory_is_refused_or_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let dev = EmulatedDevice::create(dir.path(), 0, EmulatedSpec::default()).unwrap();
    let plan = FaultPlan::new(7).with(FaultKind::Hung, Trigger::nth(1).on_opcode(Opcode::ReadRoot));
    let _servicer = Servicer::spawn(dev.card_port(), CardConfig::default(), plan);
    let t = XdmaTransport::open_at(dir.path(), 0, XdmaOptions::default()).unwrap();
    // The canary itself reads its root, so the hang strikes admission: a clear refusal.
    match admit(Box::new(t), FAST, None) {
        Err(CardFault::Hung { card, opcode, .. }) => {
            assert!(card.contains("xdma0"), "{card}");
            assert_eq!(opcode, "READ_ROOT");
        }
        other => panic!("expected a hung card, got {:?}", other.map(|c| c.identity().clone())),
    }
    // Hanging on the job's READ_ROOT instead (the canary ran the first): admitted, then the
    // job falls back to the CPU with the reason, and the root is right.
    let dir = tempfile::tempdir().unwrap();
    let dev = EmulatedDevice::create(dir.path(), 0, EmulatedSpec::default()).unwrap();
    let plan = FaultPlan::new(7).with(FaultKind::Hung, Trigger::nth(2).on_opcode(Opcode::ReadRoot));
    let _servicer = Servicer::spawn(dev.card_port(), CardConfig::default(), plan);
    let t = XdmaTransport::open_at(dir.path(), 0, XdmaOptions::default()).unwrap();
    let card = admit(Box::new(t), FAST, None).expect("the canary passes before the hang");
    let backend = CardBackend::new("fpga", vec![card], VerifyMode::Sample(4), narrow(64, FieldId::KoalaBear));
    let j = job(FieldId::KoalaBear, 64, 10, 2, 99);
    let report = backend.commit(&j, &NoProgress).unwrap();
    assert!(report.backend.contains("fallback from fpga") && report.backend.contains("hung"), "{}", report.backend);
    assert_eq!(report.root, cpu_root(&j));
}

/// What one fault-matrix case ended in.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The cards' root, checked.
    Card,
    /// The CPU's root after the cards failed or were caught.
    Fallback,
}

/// Runs `j` on one admitted sim card armed with `plan`; the root must be the CPU's.
fn run_case(j: &CommitJob, want: &[u64], plan: FaultPlan, verify: VerifyMode, rows: usize) -> (Outcome, u64) {
    let (cards, sims) = sim_cards(1);
    sims[0].arm(plan);
    let backend = CardBackend::new("sim", cards, verify, narrow(rows, j.trace.field()));
    let report = backend.commit(j, &NoProgress).expect("the CPU fallback never fails on a good trace");
    assert_eq!(report.root, want, "a wrong root escaped ({})", report.backend);
    let outcome = if report.backend == "sim" { Outcome::Card } else { Outcome::Fallback };
    (outcome, sims[0].injected().total())
}

#[test]
fn fault_matrix_transfer_and_protocol_faults_never_give_a_wrong_root() {
    let seed = test_seed("fault_matrix");
    // 2^7 rows, 20 columns: three column batches (8, 8, 4) on two channels; its tables
    // (2^8 LDE) differ from the canary's, so LOAD_* run inside the job.
    let (rows, cols) = (128, 20);
    let j = job(FieldId::BabyBear, rows, cols, 1, seed);
    let want = cpu_root(&j);
    let mut table = Vec::new();
    // Transfer faults on every H2C (tables, 3 batches x 2 channels, path indices) and C2H.
    for kind in
        [FaultKind::ShortTransfer, FaultKind::FailedTransfer, FaultKind::InterruptedTransfer, FaultKind::CorruptPayload]
    {
        for (dir, count) in [(Direction::H2c, 9), (Direction::C2h, 2)] {
            for n in 1..=count {
                let plan = FaultPlan::new(seed ^ n).with(kind, Trigger::nth(n).on_direction(dir));
                let (outcome, injected) = run_case(&j, &want, plan, VerifyMode::Sample(4), rows);
                assert_eq!(injected, 1, "{kind:?} on {dir:?} #{n} never struck");
                // Each is caught where it happens (a short count, an errno, the card's payload
                // check, the host's result check) and retried: the card keeps its job. A
                // corrupted read-back that slipped past the checksum would fail the sampled
                // check instead and fall back, so this also shows the checksums work.
                assert_eq!(outcome, Outcome::Card, "{kind:?} on {dir:?} #{n} was not retried");
                table.push(format!("{kind:?} {dir:?} #{n}: {outcome:?}"));
            }
        }
    }
    // Protocol faults on every command of the job.
    let commands =
        [Opcode::LoadTwiddles, Opcode::LoadConstants, Opcode::CommitBatch, Opcode::ReadRoot, Opcode::ReadPaths];
    for kind in [FaultKind::StuckBusy, FaultKind::ErrorStatus, FaultKind::Hung, FaultKind::LostIrq] {
        for op in commands {
            let plan = FaultPlan::new(seed).with(kind, Trigger::nth(1).on_opcode(op));
            let (outcome, injected) = run_case(&j, &want, plan, VerifyMode::Sample(4), rows);
            assert_eq!(injected, 1, "{kind:?} on {op:?} never struck");
            // A lost event is absorbed by polling STATUS: the card's root stands.
            if kind == FaultKind::LostIrq {
                assert_eq!(outcome, Outcome::Card, "a lost interrupt must not cost the card its job");
            } else {
                assert_eq!(outcome, Outcome::Fallback, "{kind:?} on {op:?} must fall back");
            }
            table.push(format!("{kind:?} {}: {outcome:?}", op.mnemonic()));
        }
    }
    // A transient fault is retried on the card, not abandoned: a damaged batch payload is
    // sent again and the card's root stands.
    let plan = FaultPlan::new(seed).with(FaultKind::CorruptPayload, Trigger::nth(3).on_direction(Direction::H2c));
    assert_eq!(run_case(&j, &want, plan, VerifyMode::Sample(4), rows).0, Outcome::Card);
    println!("fault matrix ({} cases, 0 wrong roots):\n  {}", table.len(), table.join("\n  "));
}

#[test]
fn compute_faults_give_no_wrong_root_under_full_verification() {
    let seed = test_seed("compute_faults_full");
    let (rows, cols) = (128, 20);
    let j = job(FieldId::KoalaBear, rows, cols, 1, seed);
    let want = cpu_root(&j);
    let mut caught = 0;
    for kind in [FaultKind::FlipResultBit, FaultKind::FlipLdeBit] {
        for op in [Opcode::CommitBatch, Opcode::ReadRoot, Opcode::ReadPaths] {
            if kind == FaultKind::FlipLdeBit && op != Opcode::CommitBatch {
                continue; // LDE rows exist only inside COMMIT_BATCH.
            }
            for n in 1..=3 {
                let plan = FaultPlan::new(seed ^ n).with(kind, Trigger::nth(n).on_opcode(op));
                let (outcome, injected) = run_case(&j, &want, plan, VerifyMode::Full, rows);
                // Every LDE element feeds its row's leaf, and the root read back is the
                // root: a flip in either always changes the root, so it must be caught.
                // A flipped bit in a batch's sponge state may land in the rate lanes the
                // next batch overwrites, and one in a stored node after the root was
                // computed cannot reach it: those may stand, and run_case has already
                // checked that the root they gave is right.
                let must_change_root = kind == FaultKind::FlipLdeBit || op == Opcode::ReadRoot;
                if injected > 0 && must_change_root {
                    assert_eq!(outcome, Outcome::Fallback, "{kind:?} on {op:?} #{n} was not caught");
                    caught += 1;
                }
            }
        }
    }
    // Three batches flip an LDE bit and the one READ_ROOT flips its root: the checker did
    // fail each time, so it can fail.
    assert_eq!(caught, 4, "expected four root-changing compute faults to strike");
}

#[test]
fn sampled_verification_detects_a_single_wrong_row_at_the_stated_rate() {
    let seed = test_seed("sample_rate");
    let mut rng = SplitMix64::new(seed);
    // 2^5 rows, blowup 2: 64 LDE rows; one flipped LDE element corrupts one row's leaf.
    let (rows, cols, k) = (32, 8, 4);
    let p = slotproof_host::card::verify::detection_probability(6, k);
    let trials = 1000;
    let mut detected = 0;
    for _ in 0..trials {
        let j = job(FieldId::BabyBear, rows, cols, 1, rng.next_u64());
        let want = cpu_root(&j);
        let plan =
            FaultPlan::new(rng.next_u64()).with(FaultKind::FlipLdeBit, Trigger::nth(1).on_opcode(Opcode::CommitBatch));
        // run_case asserts the reported root is right either way: a missed fault must still
        // not be reported... unless sampling missed it, which is exactly what is measured.
        let (cards, sims) = sim_cards(1);
        sims[0].arm(plan);
        let backend = CardBackend::new("sim", cards, VerifyMode::Sample(k), narrow(rows, FieldId::BabyBear));
        let report = backend.commit(&j, &NoProgress).unwrap();
        assert_eq!(sims[0].injected().total(), 1);
        if report.backend != "sim" {
            detected += 1;
            assert_eq!(report.root, want);
        } else {
            assert_ne!(report.root, want, "the flipped row must change the card's root (negative control)");
        }
    }
    let mean = p * trials as f64;
    let sigma = (trials as f64 * p * (1.0 - p)).sqrt();
    println!("sampled verification: {detected}/{trials} detected, expected {mean:.1} ± {sigma:.1} (k = {k}, N = 64)");
    // Five sigma: a fresh seed on every run must not fail by chance (about 6 in 10^7),
    // while a checker that never samples the flipped row (0) or always does (1,000) is
    // far outside the band.
    assert!((detected as f64 - mean).abs() <= 5.0 * sigma, "{detected} detections, expected {mean:.1} ± 5·{sigma:.2}");
}

#[test]
fn a_card_that_hangs_mid_job_hands_its_slices_to_the_others() {
    let seed = test_seed("failover");
    let j = job(FieldId::Goldilocks, 64, 9, 1, seed);
    let (cards, sims) = sim_cards(4);
    sims[2].arm(FaultPlan::new(seed).with(FaultKind::Hung, Trigger::nth(2).on_opcode(Opcode::CommitBatch)));
    let backend = CardBackend::new("sim", cards, VerifyMode::Sample(4), narrow(64, FieldId::Goldilocks));
    let view_job = &j;
    let report = backend.commit(view_job, &NoProgress).unwrap();
    assert_eq!(report.backend, "sim", "three cards remain: no CPU fallback");
    assert_eq!(report.root, cpu_root(&j));
    assert_eq!(sims[2].injected().count(FaultKind::Hung), 1);
    // Every card dead: the CPU finishes the job.
    let (cards, sims) = sim_cards(2);
    for s in &sims {
        s.kill();
    }
    let backend = CardBackend::new("sim", cards, VerifyMode::Sample(4), narrow(64, FieldId::Goldilocks));
    let report = backend.commit(&j, &NoProgress).unwrap();
    assert!(report.backend.starts_with("cpu (fallback from sim"), "{}", report.backend);
    assert_eq!(report.root, cpu_root(&j));
}

#[test]
fn admission_refuses_a_wrong_abi_and_a_card_that_computes_wrongly() {
    let sim = SimCard::new(CardConfig::default(), FaultPlan::new(1).with(FaultKind::WrongAbi, Trigger::every()));
    match admit(Box::new(SimTransport::new(sim)), FAST, None) {
        Err(e @ CardFault::AbiMismatch { .. }) => assert!(e.to_string().contains("ABI 2.1"), "{e}"),
        other => panic!("expected an ABI mismatch, got {:?}", other.map(|c| c.identity().clone())),
    }
    // Every COMMIT_BATCH flips an LDE bit: the canary's root is wrong, the card is refused.
    let plan = FaultPlan::new(2).with(FaultKind::FlipLdeBit, Trigger::every().on_opcode(Opcode::CommitBatch));
    let sim = SimCard::new(CardConfig::default(), plan);
    match admit(Box::new(SimTransport::new(sim)), FAST, None) {
        Err(e @ CardFault::Protocol { .. }) => assert!(e.to_string().contains("canary"), "{e}"),
        other => panic!("expected the canary to refuse the card, got {:?}", other.map(|c| c.identity().clone())),
    }
    // Negative control: the same card without the fault is admitted.
    let sim = SimCard::new(CardConfig::default(), FaultPlan::none());
    assert!(admit(Box::new(SimTransport::new(sim)), FAST, None).is_ok());
}

/// The committed manifest of `board`.
fn committed_manifest(board: &str) -> slotproof_host::card::driver::ExpectedBitstream {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/boards").join(board).join("manifest.json");
    slotproof_host::card::driver::ExpectedBitstream::load(&path).expect("the committed manifest loads")
}

#[test]
fn a_card_must_match_the_manifest_the_user_names() {
    use slotproof_host::card::driver::CardDriver;
    let expected = committed_manifest("u55c");
    // A card running exactly that build: its identity matches, and admission goes on to the
    // canary, which the build (the executing card) passes.
    let config = expected.emulated_config();
    assert_eq!(config.identity(), expected.manifest.identity());
    let sim = SimCard::new(config.clone(), FaultPlan::none());
    let card = CardDriver::open(
        Box::new(SimTransport::new(sim.clone())) as Box<dyn slotproof_host::transport::Transport>,
        FAST,
    )
    .expect("opens");
    card.identity().check_manifest(&expected).expect("the card runs the manifest's build");
    admit(Box::new(SimTransport::new(sim)), FAST, Some(&expected)).expect("the manifest's build passes the canary");
    // Another build, another board, the full-capability model: each refused by name.
    for (other, register) in [
        (CardConfig { bitstream_id: config.bitstream_id ^ 1, ..config.clone() }, "BITSTREAM_LO"),
        (committed_manifest("c1100").emulated_config(), "MEM_MIB"),
        (CardConfig::instant(), "CAPS"),
    ] {
        match admit(Box::new(SimTransport::new(SimCard::new(other, FaultPlan::none()))), FAST, Some(&expected)) {
            Err(CardFault::ManifestMismatch { what, manifest, .. }) => {
                assert!(what.contains(register), "{what} should name {register}");
                assert!(manifest.ends_with("manifest.json"), "{manifest}");
            }
            Err(e) => panic!("expected a manifest mismatch naming {register}, got {e}"),
            Ok(_) => panic!("a card of another build was admitted"),
        }
    }
    // Without a manifest the full-capability model is admitted (the check is not vacuous).
    assert!(
        admit(Box::new(SimTransport::new(SimCard::new(CardConfig::instant(), FaultPlan::none()))), FAST, None).is_ok()
    );
}
