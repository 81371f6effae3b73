//! Ladder step 1: the golden models equal Plonky3 0.8.0, bit for bit, on random inputs.
//!
//! Sizes: every height 2^1..2^14 for the LDE; the full commitment (LDE + Poseidon2 tree) under
//! a work budget, because the golden Poseidon2 is plain `u64` code (~tens of µs per
//! permutation): tall traces are narrow, wide traces (up to 300 columns) are short. Widths are
//! drawn to include 1, odd widths and widths that are not a multiple of the sponge rate.
//! Every test draws a fresh seed (printed; replay with `SLOTPROOF_SEED`).

mod common;

use common::Oracle;
use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::golden::{self, Fp, Poseidon2Spec};
use slotproof_core::sample::{SplitMix64, random_trace, test_seed};
use slotproof_core::{FieldId, RowMajor};

fn poseidon2_matches<F: Oracle>(seed: u64) {
    let id = F::ID;
    let spec = Poseidon2Spec::for_field(id);
    let mut rng = SplitMix64::new(seed);
    let p = id.modulus();
    let mut states: Vec<Vec<u64>> = vec![vec![0; spec.width], vec![p - 1; spec.width]];
    states.push((0..spec.width as u64).collect());
    for _ in 0..300 {
        states.push((0..spec.width).map(|_| rng.element(id)).collect());
    }
    for s in states {
        let mut g = s.clone();
        spec.permute(&mut g);
        assert_eq!(g, F::p3_permute(&s), "{id}: Poseidon2 of {s:?}");
    }
}

#[test]
fn poseidon2_matches_plonky3() {
    let seed = test_seed("poseidon2_matches_plonky3");
    poseidon2_matches::<BabyBear>(seed);
    poseidon2_matches::<KoalaBear>(seed);
    poseidon2_matches::<Goldilocks>(seed);
}

/// A width drawn to cover 1, odd widths, rate multiples ± 1, and wide traces.
fn draw_width(rng: &mut SplitMix64, max: usize) -> usize {
    let picks = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 255, 300];
    let w = if rng.next_u64().is_multiple_of(2) {
        picks[(rng.next_u64() % picks.len() as u64) as usize]
    } else {
        1 + (rng.next_u64() % 300) as usize
    };
    w.clamp(1, max.max(1))
}

fn lde_matches<F: Oracle>(seed: u64) {
    let id = F::ID;
    let f = Fp::new(id);
    let mut rng = SplitMix64::new(seed);
    let mut cases = 0;
    for log_h in 1..=14usize {
        for log_blowup in 1..=3usize {
            // One case as wide as ~2^20 output elements allow, then small ones (≤ 2^13
            // elements) with other widths: 12 cases per height and blowup, 504 per field.
            let budgets = [20usize, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13];
            for budget in budgets {
                let max_w = (1usize << budget) >> (log_h + log_blowup).min(budget);
                let w = draw_width(&mut rng, max_w);
                let trace = random_trace(id, 1 << log_h, w, rng.next_u64());
                let g = golden::coset_lde_batch(f, &trace, log_blowup);
                assert_eq!(g, F::p3_coset_lde(&trace, log_blowup), "{id}: LDE 2^{log_h}x{w} blowup 2^{log_blowup}");
                cases += 1;
            }
        }
    }
    eprintln!("{id}: {cases} LDE cases");
}

#[test]
fn coset_lde_matches_plonky3() {
    let seed = test_seed("coset_lde_matches_plonky3");
    lde_matches::<BabyBear>(seed);
    lde_matches::<KoalaBear>(seed);
    lde_matches::<Goldilocks>(seed);
}

/// Golden permutations per case for a full commitment.
fn perms(id: FieldId, log_h: usize, w: usize, log_blowup: usize) -> usize {
    let sp = SpongeParams::for_field(id);
    let rows = 1usize << (log_h + log_blowup);
    rows * w.div_ceil(sp.rate) + rows
}

fn commit_matches<F: Oracle>(seed: u64, budget: usize) {
    let id = F::ID;
    let f = Fp::new(id);
    let mut rng = SplitMix64::new(seed);
    let mut spent = 0;
    let mut cases = 0;
    // Every height once, widest width affordable; then random cases until the budget is spent.
    let mut plan: Vec<(usize, usize)> = (1..=14).map(|log_h| (log_h, 1 + (rng.next_u64() % 3) as usize)).collect();
    for _ in 0..40 {
        plan.push((1 + (rng.next_u64() % 6) as usize, 1 + (rng.next_u64() % 3) as usize));
    }
    for (log_h, log_blowup) in plan {
        let per_col_block = perms(id, log_h, 1, log_blowup);
        let remaining = budget.saturating_sub(spent);
        if remaining < per_col_block {
            continue;
        }
        let max_w = SpongeParams::for_field(id).rate * (remaining.min(budget / 6) / per_col_block).max(1);
        let w = draw_width(&mut rng, max_w);
        spent += perms(id, log_h, w, log_blowup);
        let trace = random_trace(id, 1 << log_h, w, rng.next_u64());
        let root = golden::commit(f, &trace, log_blowup);
        assert_eq!(root, F::p3_mmcs_root(&trace, log_blowup), "{id}: root 2^{log_h}x{w} blowup 2^{log_blowup}");
        cases += 1;
    }
    eprintln!("{id}: {cases} commitments, {spent} golden permutations");
    assert!(cases >= 14, "budget too small to cover every height");
}

#[test]
fn commit_root_matches_plonky3_mmcs() {
    let seed = test_seed("commit_root_matches_plonky3_mmcs");
    commit_matches::<BabyBear>(seed, 120_000);
    commit_matches::<KoalaBear>(seed, 120_000);
    commit_matches::<Goldilocks>(seed, 120_000);
}

fn pcs_matches<F: Oracle>(seed: u64) {
    let id = F::ID;
    let mut rng = SplitMix64::new(seed);
    for log_blowup in 1..=3 {
        let trace = random_trace(id, 1 << (2 + log_blowup), draw_width(&mut rng, 40), rng.next_u64());
        let root = golden::commit(Fp::new(id), &trace, log_blowup);
        assert_eq!(root, F::p3_pcs_root(&trace, log_blowup), "{id}: TwoAdicFriPcs root, blowup 2^{log_blowup}");
    }
}

#[test]
fn commit_root_matches_plonky3_two_adic_fri_pcs() {
    let seed = test_seed("commit_root_matches_plonky3_two_adic_fri_pcs");
    pcs_matches::<BabyBear>(seed);
    pcs_matches::<KoalaBear>(seed);
    pcs_matches::<Goldilocks>(seed);
}

/// Negative control: one perturbed element, one swapped pair of rows, or the wrong coset
/// shift each change the root, so the equality tests above can fail.
fn perturbations_change_root<F: Oracle>(seed: u64) {
    let id = F::ID;
    let f = Fp::new(id);
    let mut rng = SplitMix64::new(seed);
    let trace = random_trace(id, 16, 11, rng.next_u64());
    let reference = F::p3_mmcs_root(&trace, 1);
    assert_eq!(golden::commit(f, &trace, 1), reference);

    let (r, c) = ((rng.next_u64() % 16) as usize, (rng.next_u64() % 11) as usize);
    let mut bumped = trace.clone();
    bumped.row_mut(r)[c] = f.add(bumped.row(r)[c], 1);
    assert_ne!(golden::commit(f, &bumped, 1), reference, "{id}: perturbed element at ({r}, {c})");

    let swapped = RowMajor::from_fn(16, 11, |row, col| trace.row(row ^ 1)[col]);
    assert_ne!(golden::commit(f, &swapped, 1), reference, "{id}: swapped rows");

    // The same LDE, committed in natural instead of bit-reversed order.
    let lde = golden::coset_lde_batch(f, &trace, 1);
    let natural = golden::merkle_root(&Poseidon2Spec::for_field(id), SpongeParams::for_field(id), &lde);
    assert_ne!(natural, reference, "{id}: natural row order");
}

#[test]
fn perturbed_trace_changes_root() {
    let seed = test_seed("perturbed_trace_changes_root");
    perturbations_change_root::<BabyBear>(seed);
    perturbations_change_root::<KoalaBear>(seed);
    perturbations_change_root::<Goldilocks>(seed);
}

/// Known answers, pinned: the roots of small seeded traces, computed once by the golden
/// model and Plonky3 together. They catch a change in any backend, or in the generator, even
/// where the live oracle is not linked in (the device model, the RTL harness).
/// (field, rows, cols, seed, log_blowup, root).
type KnownRoot = (FieldId, usize, usize, u64, usize, &'static [u64]);

const KNOWN_ROOTS: [KnownRoot; 3] = [
    (FieldId::BabyBear, 64, 9, 1, 1, &KAT_BABYBEAR),
    (FieldId::KoalaBear, 32, 17, 2, 2, &KAT_KOALABEAR),
    (FieldId::Goldilocks, 16, 5, 3, 3, &KAT_GOLDILOCKS),
];
const KAT_BABYBEAR: [u64; 8] =
    [956511454, 884556014, 52416551, 119883535, 1378584025, 1030746433, 888352231, 1690706789];
const KAT_KOALABEAR: [u64; 8] =
    [1182495005, 2081773804, 96398084, 1932841867, 146879973, 1514031513, 2054365714, 1101927572];
const KAT_GOLDILOCKS: [u64; 4] = [6814868641016244149, 1779794429201884363, 15630787668536288921, 11446696062967107755];

#[test]
fn known_answer_roots() {
    let roots: Vec<Vec<u64>> = KNOWN_ROOTS
        .iter()
        .map(|&(field, rows, cols, seed, log_blowup, _)| {
            let trace = random_trace(field, rows, cols, seed);
            let root = golden::commit(Fp::new(field), &trace, log_blowup);
            println!("KAT {field} {rows}x{cols} seed {seed} blowup 2^{log_blowup}: {root:?}");
            let oracle = match field {
                FieldId::BabyBear => BabyBear::p3_mmcs_root(&trace, log_blowup),
                FieldId::KoalaBear => KoalaBear::p3_mmcs_root(&trace, log_blowup),
                FieldId::Goldilocks => Goldilocks::p3_mmcs_root(&trace, log_blowup),
            };
            assert_eq!(root, oracle, "{field}: golden vs Plonky3");
            root
        })
        .collect();
    for ((field, .., want), root) in KNOWN_ROOTS.iter().zip(roots) {
        assert_eq!(root, *want, "{field}: pinned root");
    }
}
