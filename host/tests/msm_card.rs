//! MSM on a card (the simulated card in process, and the emulated XDMA device through the
//! real driver path): the sum equals arkworks' `VariableBaseMSM` and the CPU backend's on
//! random inputs of both curves; points stay resident across calls; doublings handed back
//! by the card and overflowing exception lists are added in by the host; and every bad
//! input or damaged answer is refused with the operand named, never summed.

use std::sync::Arc;
use std::time::Duration;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve};
use slotproof_core::msm_layout::{encode_points, encode_scalars};
use slotproof_core::sample::{SplitMix64, msm_inputs, test_seed};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::memory_map::{BUCKETS, POINTS, STAGE_A};
use slotproof_firmware::msm::{Curve, MSM_CAPS, MsmCommand, MsmOpcode};
use slotproof_firmware::{CardError, Flags};
use slotproof_host::backend::card::AnyCard;
use slotproof_host::card::discover::admit;
use slotproof_host::card::driver::{CardFault, Deadlines};
use slotproof_host::card::msm::{CardMsmOptions, msm_on_card};
use slotproof_host::transport::emulated::{EmulatedDevice, EmulatedSpec};
use slotproof_host::transport::inproc::SimTransport;
use slotproof_host::transport::servicer::Servicer;
use slotproof_host::transport::xdma::{XdmaOptions, XdmaTransport};
use slotproof_sim::device::Trigger;
use slotproof_sim::{CardConfig, FaultKind, FaultPlan, SimCard};

const FAST: Deadlines =
    Deadlines { command: Duration::from_secs(60), heartbeat: Duration::from_secs(10), poll: Duration::from_millis(2) };

fn sim_card(config: CardConfig) -> (AnyCard, Arc<SimCard>) {
    let sim = SimCard::new(config, FaultPlan::none());
    let card = admit(Box::new(SimTransport::new(sim.clone())), FAST, None).expect("the sim card is admitted");
    (card, sim)
}

fn arkworks<P: MsmCurve>(points: &[Affine<P>], scalars: &[P::ScalarField]) -> Affine<P> {
    Projective::<P>::msm(points, scalars).expect("same lengths").into_affine()
}

fn opts(c: u32, chunk: usize) -> CardMsmOptions {
    CardMsmOptions { window_bits: Some(c), chunk_points: chunk, attempts: 3 }
}

/// Random sizes, windows and chunkings, with zero scalars, repeated points and points at
/// infinity mixed in: the card's sum is arkworks'.
fn equals_arkworks<P: MsmCurve>(name: &str) {
    let seed = test_seed(name);
    let mut rng = SplitMix64::new(seed);
    let (card, _sim) = sim_card(CardConfig::default());
    for round in 0..4 {
        let n = [1, 2 + (rng.next_u64() % 300) as usize, 700, 1 + (rng.next_u64() % 1500) as usize][round];
        let (mut points, mut scalars) = msm_inputs::<P>(n, rng.next_u64());
        for _ in 0..n / 8 {
            let i = (rng.next_u64() % n as u64) as usize;
            let j = (rng.next_u64() % n as u64) as usize;
            match rng.next_u64() % 3 {
                0 => scalars[i] = P::ScalarField::from(0u64),
                1 => points[i] = points[j],
                _ => points[i] = Affine::identity(),
            }
        }
        let c = 2 + (rng.next_u64() % 12) as u32;
        let chunk = 1 + (rng.next_u64() % n as u64) as usize;
        let (sum, used, stats) = msm_on_card(&card, &points, &scalars, &opts(c, chunk)).expect("card MSM");
        assert_eq!(used, c);
        assert_eq!(stats.chunks, n.div_ceil(chunk));
        assert_eq!(
            sum.into_affine(),
            arkworks(&points, &scalars),
            "{name}: n {n}, c {c}, chunk {chunk}, seed {seed:#x}"
        );
    }
}

#[test]
fn bn254_card_msm_equals_arkworks() {
    equals_arkworks::<Bn254>("bn254_card_msm_equals_arkworks");
}

#[test]
fn bls12_381_card_msm_equals_arkworks() {
    equals_arkworks::<Bls12_381>("bls12_381_card_msm_equals_arkworks");
}

/// The points cross the link once: a second MSM over them sends only scalars, and new
/// points replace them.
#[test]
fn points_stay_resident_across_calls() {
    let seed = test_seed("points_stay_resident_across_calls");
    let (card, _sim) = sim_card(CardConfig::default());
    let (points, scalars) = msm_inputs::<Bn254>(500, seed);
    let (_, other) = msm_inputs::<Bn254>(500, seed ^ 1);
    let (sum, _, first) = msm_on_card(&card, &points, &scalars, &opts(6, 200)).unwrap();
    assert!(first.points_uploaded);
    assert_eq!(sum.into_affine(), arkworks(&points, &scalars));
    let (sum, _, second) = msm_on_card(&card, &points, &other, &opts(7, 500)).unwrap();
    assert!(!second.points_uploaded, "the same points were sent again");
    assert_eq!(sum.into_affine(), arkworks(&points, &other));
    let (fresh, _) = msm_inputs::<Bn254>(500, seed ^ 2);
    let (sum, _, third) = msm_on_card(&card, &fresh, &other, &opts(7, 500)).unwrap();
    assert!(third.points_uploaded);
    assert_eq!(sum.into_affine(), arkworks(&fresh, &other));
    // A reset forgets them (a LOAD_POINTS may have been cut short).
    card.reset().unwrap();
    let (_, _, after) = msm_on_card(&card, &fresh, &other, &opts(7, 500)).unwrap();
    assert!(after.points_uploaded);
}

/// One point with one scalar many times over: every window's bucket meets a point equal to
/// itself, so the card hands doublings back; with more than the list holds, the host
/// recomputes the window. Both end in arkworks' sum.
#[test]
fn doublings_come_back_and_overflowing_windows_are_recomputed() {
    let seed = test_seed("doublings_come_back");
    let (card, _sim) = sim_card(CardConfig::default());
    let (points, scalars) = msm_inputs::<Bls12_381>(64, seed);
    for repeats in [3usize, 40] {
        let mut p = points.clone();
        let mut s = scalars.clone();
        for k in 1..=repeats {
            p[k] = p[0];
            s[k] = s[0];
        }
        let (sum, _, stats) = msm_on_card(&card, &p, &s, &opts(8, 64)).unwrap();
        assert_eq!(sum.into_affine(), arkworks(&p, &s), "{repeats} repeats, seed {seed:#x}");
        assert!(stats.exceptions > 0, "{repeats} repeats and no doubling handed back");
        assert_eq!(stats.windows_recomputed > 0, repeats > 16, "{stats:?}");
    }
}

/// The same code path behind the emulated XDMA device files (what `--backend fpga` opens).
#[test]
fn emulated_xdma_card_runs_the_msm() {
    let seed = test_seed("emulated_xdma_card_runs_the_msm");
    let dir = tempfile::tempdir().unwrap();
    let dev = EmulatedDevice::create(dir.path(), 0, EmulatedSpec::default()).unwrap();
    let _servicer = Servicer::spawn(dev.card_port(), CardConfig::default(), FaultPlan::none());
    let t = XdmaTransport::open_at(dir.path(), 0, XdmaOptions::default()).unwrap();
    let card = admit(Box::new(t), FAST, None).expect("admitted");
    let (points, scalars) = msm_inputs::<Bn254>(300, seed);
    let (sum, _, _) = msm_on_card(&card, &points, &scalars, &opts(5, 128)).unwrap();
    assert_eq!(sum.into_affine(), arkworks(&points, &scalars), "seed {seed:#x}");
}

/// A card without an MSM engine is refused before anything is sent, naming what it lacks.
#[test]
fn a_card_without_an_msm_engine_is_refused() {
    let config = CardConfig { caps: CardConfig::default().caps & !MSM_CAPS, ..CardConfig::default() };
    let (card, _sim) = sim_card(config.clone());
    let (points, scalars) = msm_inputs::<Bn254>(8, 1);
    match msm_on_card(&card, &points, &scalars, &CardMsmOptions::default()) {
        Err(CardFault::Missing { what, .. }) => assert!(what.contains("MSM_BN254"), "{what}"),
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.0)),
    }
    // Such a card does not even know the opcode.
    let cmd = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254);
    match card.run_msm(cmd) {
        Err(CardFault::Command { error: CardError::BadDescriptor, word: Some(0), .. }) => {}
        other => panic!("expected BAD_DESCRIPTOR, got {other:?}"),
    }
}

fn command_error(r: Result<slotproof_host::card::driver::Completion, CardFault>) -> (CardError, Option<u8>) {
    match r {
        Err(CardFault::Command { error, word, .. }) => (error, word),
        other => panic!("expected the card to refuse, got {other:?}"),
    }
}

/// The card's own checks, one per negative control: a point off the curve, a coordinate
/// not reduced, a scalar not below the group order, a chunk without `FIRST` on fresh
/// buckets, a chunk past the POINTS region, the wrong SRC_LEN. Each is refused; none
/// writes DST.
#[test]
fn the_card_refuses_bad_operands() {
    let seed = test_seed("the_card_refuses_bad_operands");
    let (card, sim) = sim_card(CardConfig::default());
    let (points, scalars) = msm_inputs::<Bn254>(16, seed);
    let good = encode_points(&points);
    let load = |bytes: &[u8]| {
        card.upload(0, STAGE_A.base, bytes).unwrap();
        let mut cmd = MsmCommand::new(MsmOpcode::LoadPoints, Curve::Bn254).with_payload(
            STAGE_A.base,
            bytes.len() as u32,
            checksum(bytes),
        );
        cmd.dst = POINTS.base;
        cmd.count = 16;
        card.run_msm(cmd)
    };
    let mut off_curve = good.clone();
    off_curve[64 * 5] ^= 1;
    assert_eq!(command_error(load(&off_curve)).0, CardError::BadOperandValue);
    let mut unreduced = good.clone();
    unreduced[64 * 7..64 * 7 + 32].fill(0xff);
    assert_eq!(command_error(load(&unreduced)).0, CardError::BadOperandValue);
    let mut poisoned = vec![0u8; 64];
    sim.memory().read(POINTS.base, &mut poisoned).unwrap();
    assert!(poisoned.iter().all(|&b| b == 0), "a refused LOAD_POINTS wrote POINTS");
    load(&good).expect("good points load");

    let msm = |bytes: &[u8], flags: Flags, aux: u64| {
        card.upload(0, STAGE_A.base, bytes).unwrap();
        let mut cmd = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254).with_payload(
            STAGE_A.base,
            bytes.len() as u32,
            checksum(bytes),
        );
        cmd.flags = cmd.flags | flags;
        cmd.aux = aux;
        cmd.dst = BUCKETS.base;
        cmd.count = 16;
        cmd.window_bits = 4;
        card.run_msm(cmd)
    };
    let good_scalars = encode_scalars::<Bn254>(&scalars);
    let mut big = good_scalars.clone();
    big[32 * 3..32 * 4].fill(0xff);
    assert_eq!(command_error(msm(&big, Flags::FIRST, POINTS.base)), (CardError::BadOperandValue, None));
    assert_eq!(command_error(msm(&good_scalars, Flags(0), POINTS.base)).0, CardError::BadBatchOrder);
    assert_eq!(command_error(msm(&good_scalars, Flags::FIRST, POINTS.end() - 100)).0, CardError::OutOfBounds);
    let mut short = MsmCommand::new(MsmOpcode::Msm, Curve::Bn254).with_payload(STAGE_A.base, 100, 0);
    short.dst = BUCKETS.base;
    short.aux = POINTS.base;
    short.count = 16;
    short.window_bits = 4;
    assert_eq!(command_error(card.run_msm(short)).0, CardError::BadShape);
    let mut buckets = vec![0u8; 128];
    sim.memory().read(BUCKETS.base, &mut buckets).unwrap();
    assert!(buckets.iter().all(|&b| b == 0), "a refused MSM wrote its buckets");
    // The positive control: the same card, the same operands, FIRST set.
    msm(&good_scalars, Flags::FIRST, POINTS.base).expect("good MSM");
}

/// A bit flipped in the card's buckets (after its checksum is taken: the link cannot see
/// it) makes a bucket leave the curve; the host refuses the answer rather than sum it.
#[test]
fn a_damaged_bucket_is_caught() {
    let seed = test_seed("a_damaged_bucket_is_caught");
    let (card, sim) = sim_card(CardConfig::default());
    let (points, scalars) = msm_inputs::<Bn254>(200, seed);
    // Load the points first, so that the fault strikes the MSM.
    let _ = msm_on_card(&card, &points, &scalars, &opts(8, 200)).unwrap();
    let mut caught = 0;
    // With 8-bit windows nearly all of DST is buckets, four in five of them full: each try
    // is caught with probability about 0.8.
    for k in 0..8u64 {
        sim.arm(FaultPlan::new(seed ^ k).with(FaultKind::FlipResultBit, Trigger::nth(1)));
        match msm_on_card(&card, &points, &scalars, &opts(8, 200)) {
            Err(CardFault::Protocol { what, .. }) => {
                assert!(what.contains("not on the curve") || what.contains("≥ p"), "{what}");
                caught += 1;
            }
            // The flip may land in an empty bucket's zeros or an unused exception slot,
            // which no sum reads: then the answer must still be right.
            Ok((sum, _, _)) => assert_eq!(sum.into_affine(), arkworks(&points, &scalars), "seed {seed:#x}"),
            Err(e) => panic!("{e}"),
        }
    }
    assert!(caught > 0, "no flipped bit was caught in 8 tries (seed {seed:#x})");
}
