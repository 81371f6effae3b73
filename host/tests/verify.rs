//! The host's checker of a card's commitment (`card::verify`) against the golden model:
//! `lde_row` against the whole golden LDE, honest paths from the golden tree, negative
//! controls (every kind of corruption must be rejected), and a Monte Carlo check of the
//! detection probability the CLI promises. Random inputs are seeded; the seed is printed and
//! `SLOTPROOF_SEED` replays it.

use std::borrow::Cow;

use slotproof_core::golden::Fp;
use slotproof_core::golden::lde::{bit_reverse_rows, coset_lde_batch};
use slotproof_core::golden::merkle::{commit, leaf_hash, merkle_levels};
use slotproof_core::golden::poseidon2::{Poseidon2Spec, SpongeParams};
use slotproof_core::sample::{SplitMix64, random_trace, test_seed};
use slotproof_core::{FieldId, RowMajor};
use slotproof_host::card::trace_view::{TraceView, Words};
use slotproof_host::card::verify::{
    OpenedPath, VerifyError, check_path, detection_probability, lde_row, parse_paths, sample_check, sample_indices,
};

type Levels = Vec<Vec<Vec<u64>>>;

/// A view of `m`; 31-bit fields alternate between 32-bit and 64-bit words so both layouts
/// of `TraceView` are exercised.
fn view(field: FieldId, m: &RowMajor<u64>, narrow: bool) -> TraceView<'static> {
    let words = if narrow && field != FieldId::Goldilocks {
        Words::U32(Cow::Owned(m.values().iter().map(|&v| v as u32).collect()))
    } else {
        Words::U64(Cow::Owned(m.values().to_vec()))
    };
    TraceView::new(field, m.height(), m.width(), words).expect("shape")
}

/// The golden bit-reversed LDE of `trace`.
fn golden_lde(field: FieldId, trace: &RowMajor<u64>, log_blowup: usize) -> RowMajor<u64> {
    bit_reverse_rows(&coset_lde_batch(Fp::new(field), trace, log_blowup))
}

/// The golden tree over the rows of a (bit-reversed) LDE.
fn tree(field: FieldId, lde: &RowMajor<u64>) -> Levels {
    let (perm, sp) = (Poseidon2Spec::for_field(field), SpongeParams::for_field(field));
    merkle_levels(&perm, sp, lde.rows().map(|r| leaf_hash(&perm, sp, r)).collect())
}

fn root(levels: &Levels) -> Vec<u64> {
    levels.last().expect("levels")[0].clone()
}

/// What an honest card's READ_PATHS gives for `index`.
fn open(levels: &Levels, index: usize) -> OpenedPath {
    let height = levels.len() - 1;
    OpenedPath {
        index,
        leaf: levels[0][index].clone(),
        siblings: (0..height).map(|l| levels[l][(index >> l) ^ 1].clone()).collect(),
    }
}

/// The card's little-endian READ_PATHS layout.
fn encode(field: FieldId, paths: &[OpenedPath]) -> Vec<u8> {
    let eb = field.word_bytes();
    let mut out = Vec::new();
    for p in paths {
        for d in std::iter::once(&p.leaf).chain(&p.siblings) {
            for v in d {
                out.extend_from_slice(&v.to_le_bytes()[..eb]);
            }
        }
    }
    out
}

/// `v` with bit `bit` flipped, kept canonical (falls back to the top bit, which is clear in
/// every value just below p for our three primes).
fn flip(field: FieldId, v: u64, bit: u32) -> u64 {
    let p = field.modulus();
    let top = 63 - p.leading_zeros();
    [v ^ (1 << bit), v ^ 1, v ^ (1 << top)].into_iter().find(|&w| w < p).expect("some flip stays below p")
}

fn random_bit(rng: &mut SplitMix64, field: FieldId) -> u32 {
    (rng.next_u64() % u64::from(64 - field.modulus().leading_zeros())) as u32
}

#[test]
fn lde_row_matches_the_golden_lde_at_every_row() {
    let seed = test_seed("lde_row_matches_the_golden_lde_at_every_row");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        for log_h in 0..=8 {
            for log_blowup in 0..=3 {
                // Widths 1 and 20 (a sponge of 1 and of 3 blocks) always, the rest at random.
                let width = match log_h {
                    1 => 1,
                    8 => 20,
                    _ => (rng.next_u64() % 20) as usize + 1,
                };
                let trace = random_trace(field, 1 << log_h, width, rng.next_u64());
                let lde = golden_lde(field, &trace, log_blowup);
                let v = view(field, &trace, log_h % 2 == 0);
                for j in 0..lde.height() {
                    assert_eq!(
                        lde_row(&v, log_blowup, j),
                        lde.row(j),
                        "{field} 2^{log_h}x{width} blowup 2^{log_blowup} row {j} (seed {seed})"
                    );
                }
            }
        }
    }
}

#[test]
fn honest_paths_pass_and_round_trip_through_the_card_layout() {
    let seed = test_seed("honest_paths_pass_and_round_trip_through_the_card_layout");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        let (rows, width, log_blowup) = (16, (rng.next_u64() % 20) as usize + 1, 2);
        let trace = random_trace(field, rows, width, rng.next_u64());
        let levels = tree(field, &golden_lde(field, &trace, log_blowup));
        let r = root(&levels);
        assert_eq!(r, commit(Fp::new(field), &trace, log_blowup), "{field}: the test's tree is the commitment");
        let indices: Vec<u32> = (0..64).collect();
        let paths: Vec<OpenedPath> = indices.iter().map(|&i| open(&levels, i as usize)).collect();
        let parsed = parse_paths(field, 6, &indices, &encode(field, &paths)).expect("honest answer parses");
        assert_eq!(parsed, paths, "{field}");
        for p in &paths {
            check_path(field, &r, p).unwrap_or_else(|e| panic!("{field}: {e} (seed {seed})"));
        }
        let v = view(field, &trace, true);
        sample_check(&v, log_blowup, &r, &paths).unwrap_or_else(|e| panic!("{field}: {e} (seed {seed})"));
        // A sample, as the CLI would draw it.
        let some: Vec<OpenedPath> =
            sample_indices(6, 5, rng.next_u64()).iter().map(|&i| open(&levels, i as usize)).collect();
        sample_check(&v, log_blowup, &r, &some).unwrap_or_else(|e| panic!("{field}: {e} (seed {seed})"));
        sample_check(&v, log_blowup, &r, &[]).expect("nothing opened, nothing to reject");
    }
}

#[test]
fn flipped_bits_in_root_leaf_or_sibling_are_rejected() {
    let seed = test_seed("flipped_bits_in_root_leaf_or_sibling_are_rejected");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        let (rows, width, log_blowup) = (8, 5, 1);
        let trace = random_trace(field, rows, width, rng.next_u64());
        let v = view(field, &trace, false);
        let levels = tree(field, &golden_lde(field, &trace, log_blowup));
        let r = root(&levels);
        let index = (rng.next_u64() % 16) as usize;
        let honest = open(&levels, index);
        let ctx = format!("{field} row {index} (seed {seed})");

        let mut bad_root = r.clone();
        let e = (rng.next_u64() % bad_root.len() as u64) as usize;
        bad_root[e] = flip(field, bad_root[e], random_bit(&mut rng, field));
        let err = sample_check(&v, log_blowup, &bad_root, std::slice::from_ref(&honest)).expect_err(&ctx);
        assert!(matches!(err, VerifyError::PathMismatch { index: i, .. } if i == index), "{ctx}: {err}");
        assert!(check_path(field, &bad_root, &honest).is_err(), "{ctx}");

        let mut bad_leaf = honest.clone();
        bad_leaf.leaf[e] = flip(field, bad_leaf.leaf[e], random_bit(&mut rng, field));
        let err = sample_check(&v, log_blowup, &r, &[bad_leaf.clone()]).expect_err(&ctx);
        assert!(matches!(err, VerifyError::LeafMismatch { index: i, .. } if i == index), "{ctx}: {err}");
        assert!(matches!(check_path(field, &r, &bad_leaf), Err(VerifyError::PathMismatch { .. })), "{ctx}");

        let mut bad_sibling = honest.clone();
        let level = (rng.next_u64() % 4) as usize;
        bad_sibling.siblings[level][e] = flip(field, bad_sibling.siblings[level][e], random_bit(&mut rng, field));
        let err = sample_check(&v, log_blowup, &r, &[bad_sibling.clone()]).expect_err(&ctx);
        assert!(matches!(err, VerifyError::PathMismatch { .. }), "{ctx} level {level}: {err}");
        assert!(check_path(field, &r, &bad_sibling).is_err(), "{ctx}");

        // A path opened at the wrong index (the card answered another row).
        let mut moved = honest.clone();
        moved.index ^= 1;
        assert!(sample_check(&v, log_blowup, &r, &[moved]).is_err(), "{ctx}");
    }
}

#[test]
fn swapped_rows_are_caught_where_sampled() {
    let seed = test_seed("swapped_rows_are_caught_where_sampled");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        let (rows, width, log_blowup) = (8, 9, 2);
        let trace = random_trace(field, rows, width, rng.next_u64());
        let v = view(field, &trace, true);
        let mut lde = golden_lde(field, &trace, log_blowup);
        let a = (rng.next_u64() % 32) as usize;
        let b = (a + 1 + (rng.next_u64() % 31) as usize) % 32;
        let (ra, rb) = (lde.row(a).to_vec(), lde.row(b).to_vec());
        lde.row_mut(a).copy_from_slice(&rb);
        lde.row_mut(b).copy_from_slice(&ra);
        let levels = tree(field, &lde);
        let r = root(&levels);
        for i in 0..32 {
            let res = sample_check(&v, log_blowup, &r, &[open(&levels, i)]);
            if i == a || i == b {
                let err = res.expect_err(&format!("{field}: swapped rows {a}, {b} (seed {seed})"));
                assert!(matches!(err, VerifyError::LeafMismatch { index, .. } if index == i), "{err}");
            } else {
                // The tree is consistent with the swap: only the swapped rows show it.
                res.unwrap_or_else(|e| panic!("{field}: row {i} is untouched by the swap: {e}"));
            }
        }
    }
}

#[test]
fn a_perturbed_trace_is_caught_at_every_row() {
    let seed = test_seed("a_perturbed_trace_is_caught_at_every_row");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        let (rows, width, log_blowup) = (16, 4, 1);
        let trace = random_trace(field, rows, width, rng.next_u64());
        let v = view(field, &trace, false);
        let mut wrong = trace.clone();
        let (rr, cc) = ((rng.next_u64() % 16) as usize, (rng.next_u64() % 4) as usize);
        wrong.row_mut(rr)[cc] = Fp::new(field).add(wrong.row(rr)[cc], 1 + rng.next_u64() % 1000);
        let levels = tree(field, &golden_lde(field, &wrong, log_blowup));
        let r = root(&levels);
        // One trace value changes its column's polynomial by δ·L_i, which vanishes only on
        // H \ {ω^i}; the LDE coset misses H, so every LDE row is wrong and any sample of one
        // row catches it.
        for i in 0..32 {
            let err = sample_check(&v, log_blowup, &r, &[open(&levels, i)])
                .expect_err(&format!("{field}: trace ({rr}, {cc}) perturbed, row {i} (seed {seed})"));
            assert!(matches!(err, VerifyError::LeafMismatch { .. }), "{err}");
        }
    }
}

#[test]
fn malformed_answers_are_errors_not_panics() {
    let seed = test_seed("malformed_answers_are_errors_not_panics");
    let mut rng = SplitMix64::new(seed);
    for field in FieldId::ALL {
        let (rows, width, log_blowup) = (4, 3, 1);
        let trace = random_trace(field, rows, width, rng.next_u64());
        let v = view(field, &trace, false);
        let levels = tree(field, &golden_lde(field, &trace, log_blowup));
        let r = root(&levels);
        let indices = [1u32, 6, 2];
        let paths: Vec<OpenedPath> = indices.iter().map(|&i| open(&levels, i as usize)).collect();
        let bytes = encode(field, &paths);
        let eb = field.word_bytes();

        let truncated = parse_paths(field, 3, &indices, &bytes[..bytes.len() - 1]);
        assert!(matches!(truncated, Err(VerifyError::AnswerLength { .. })), "{field}: {truncated:?}");
        let mut oversized = bytes.clone();
        oversized.extend_from_slice(&vec![0; eb]);
        assert!(matches!(parse_paths(field, 3, &indices, &oversized), Err(VerifyError::AnswerLength { .. })));
        assert!(matches!(parse_paths(field, 4, &indices, &bytes), Err(VerifyError::AnswerLength { .. })));
        assert!(matches!(parse_paths(field, usize::MAX, &indices, &bytes), Err(VerifyError::AnswerLength { .. })));

        // The last element of the second index's first sibling: p, then all ones.
        let digest = SpongeParams::for_field(field).digest;
        let at = (4 * digest + 2 * digest - 1) * eb;
        for bad in [field.modulus(), u64::MAX >> (64 - 8 * eb)] {
            let mut b = bytes.clone();
            b[at..at + eb].copy_from_slice(&bad.to_le_bytes()[..eb]);
            let err = parse_paths(field, 3, &indices, &b).expect_err("non-canonical");
            assert_eq!(
                err,
                VerifyError::NonCanonical {
                    index: 6,
                    what: "sibling at level 0".into(),
                    element: digest - 1,
                    value: bad,
                    p: field.modulus()
                },
                "{field}"
            );
            assert!(err.to_string().contains("row 6"), "{err}");
        }
        let out_of_range = parse_paths(field, 3, &[1, 8, 2], &bytes);
        assert!(matches!(out_of_range, Err(VerifyError::IndexOutOfRange { index: 8, .. })), "{out_of_range:?}");

        // Hand-built paths are as untrusted as parsed ones.
        let mut short = paths[0].clone();
        short.siblings[1].pop();
        assert!(matches!(check_path(field, &r, &short), Err(VerifyError::DigestLength { .. })));
        assert!(matches!(sample_check(&v, log_blowup, &r, &[short]), Err(VerifyError::DigestLength { .. })));
        let mut missing = paths[0].clone();
        missing.siblings.pop();
        assert!(matches!(sample_check(&v, log_blowup, &r, &[missing]), Err(VerifyError::PathLength { .. })));
        let mut beyond = paths[0].clone();
        beyond.index = 8;
        assert!(matches!(check_path(field, &r, &beyond), Err(VerifyError::IndexOutOfRange { .. })));
        assert!(matches!(sample_check(&v, log_blowup, &r, &[beyond]), Err(VerifyError::IndexOutOfRange { .. })));
        let mut non_canonical = paths[0].clone();
        non_canonical.leaf[0] = field.modulus();
        assert!(matches!(check_path(field, &r, &non_canonical), Err(VerifyError::NonCanonical { .. })));
        assert!(matches!(check_path(field, &r[1..], &paths[0]), Err(VerifyError::Root { .. })));
        let mut big_root = r.clone();
        big_root[0] = field.modulus();
        assert!(matches!(sample_check(&v, log_blowup, &big_root, &[]), Err(VerifyError::Root { .. })));

        // Shapes the trace has no LDE for.
        assert!(matches!(sample_check(&v, 40, &r, &paths), Err(VerifyError::Domain { .. })));
        let three = random_trace(field, 3, 2, 1);
        assert!(matches!(sample_check(&view(field, &three, false), 1, &r, &paths), Err(VerifyError::Domain { .. })));
    }
}

#[test]
fn detection_rate_of_a_one_row_fault_is_k_over_n() {
    let seed = test_seed("detection_rate_of_a_one_row_fault_is_k_over_n");
    let mut rng = SplitMix64::new(seed);
    let field = FieldId::BabyBear;
    let (perm, sp) = (Poseidon2Spec::for_field(field), SpongeParams::for_field(field));
    let (rows, width, log_blowup, k, trials) = (16usize, 3usize, 2usize, 4usize, 1200usize);
    let log_leaves = 6;
    let trace = random_trace(field, rows, width, rng.next_u64());
    let v = view(field, &trace, true);
    let lde = golden_lde(field, &trace, log_blowup);
    let honest = tree(field, &lde);

    let mut detected = 0usize;
    for _ in 0..trials {
        // A compute fault in one row: the card hashes the wrong row and builds a tree (and
        // root) consistent with it, so only opening that row can show it.
        let bad = (rng.next_u64() % 64) as usize;
        let mut row = lde.row(bad).to_vec();
        let c = (rng.next_u64() % width as u64) as usize;
        row[c] = Fp::new(field).add(row[c], 1);
        let mut levels = honest.clone();
        levels[0][bad] = leaf_hash(&perm, sp, &row);
        for l in 1..levels.len() {
            let i = bad >> l;
            let node = slotproof_core::golden::compress(&perm, sp, &levels[l - 1][2 * i], &levels[l - 1][2 * i + 1]);
            levels[l][i] = node;
        }
        let sample = sample_indices(log_leaves, k, rng.next_u64());
        let paths: Vec<OpenedPath> = sample.iter().map(|&i| open(&levels, i as usize)).collect();
        let caught = sample_check(&v, log_blowup, &root(&levels), &paths).is_err();
        assert_eq!(caught, sample.contains(&(bad as u32)), "row {bad}, sample {sample:?} (seed {seed})");
        detected += usize::from(caught);
    }
    let p = detection_probability(log_leaves, k);
    assert_eq!(p, 4.0 / 64.0);
    let rate = detected as f64 / trials as f64;
    let sigma = (p * (1.0 - p) / trials as f64).sqrt();
    eprintln!("detection rate {rate:.4} over {trials} trials, expected {p:.4} ± {sigma:.4}");
    // Five sigma: a fresh seed on every run must not fail by chance (about 6 in 10^7); each
    // trial's outcome is already checked exactly above, so the band only guards the sampler.
    assert!((rate - p).abs() <= 5.0 * sigma, "rate {rate} vs {p} ± 5·{sigma} (seed {seed})");
}
