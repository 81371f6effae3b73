//! The MSM golden model and the fast CPU MSM against arkworks 0.6's `VariableBaseMSM`, the
//! outside oracle, on BN254 and BLS12-381 G1: random inputs at many sizes and window widths,
//! and the inputs the group law makes awkward (zero scalars, repeated points, a point beside
//! its negation, the point at infinity, scalars 1 and r - 1).

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{One, Zero};
use slotproof_core::cpu::msm as fast;
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve, MsmError};
use slotproof_core::golden::msm as golden;
use slotproof_core::sample::{SplitMix64, msm_inputs, prime_field_element, test_seed};

fn oracle<P: MsmCurve>(points: &[Affine<P>], scalars: &[P::ScalarField]) -> Projective<P> {
    Projective::<P>::msm(points, scalars).expect("equal lengths")
}

type Case<P> = (&'static str, Vec<Affine<P>>, Vec<<P as ark_ec::CurveConfig>::ScalarField>);

/// Inputs whose buckets meet every case of the group law.
fn awkward_inputs<P: MsmCurve>(n: usize, seed: u64) -> Vec<Case<P>> {
    let (points, scalars) = msm_inputs::<P>(n, seed);
    let mut rng = SplitMix64::new(seed ^ 1);
    let zero = P::ScalarField::zero();
    let minus_one = -P::ScalarField::one();
    let mut cases = Vec::new();

    cases.push(("all scalars zero", points.clone(), vec![zero; n]));
    let sparse = scalars.iter().enumerate().map(|(i, s)| if i % 3 == 0 { zero } else { *s }).collect();
    cases.push(("every third scalar zero", points.clone(), sparse));
    cases.push(("one point repeated", vec![points[0]; n], scalars.clone()));
    let same = prime_field_element::<P::ScalarField>(&mut rng);
    cases.push(("one point, one scalar, repeated", vec![points[0]; n], vec![same; n]));
    // A point beside its negation with the same scalar: they meet in one bucket and cancel.
    let paired: Vec<Affine<P>> =
        points.iter().enumerate().map(|(i, p)| if i % 2 == 1 { -points[i - 1] } else { *p }).collect();
    let twin: Vec<P::ScalarField> =
        scalars.iter().enumerate().map(|(i, s)| if i % 2 == 1 { scalars[i - 1] } else { *s }).collect();
    cases.push(("points beside their negations", paired, twin));
    let with_infinity =
        points.iter().enumerate().map(|(i, p)| if i % 4 == 0 { Affine::identity() } else { *p }).collect();
    cases.push(("every fourth point at infinity", with_infinity, scalars.clone()));
    let extremes = (0..n).map(|i| [P::ScalarField::one(), minus_one, zero, minus_one + minus_one][i % 4]).collect();
    cases.push(("scalars 1, r - 1, 0, r - 2", points.clone(), extremes));
    cases.push(("random", points, scalars));
    cases
}

fn golden_matches_oracle<P: MsmCurve>(test: &str) {
    let seed = test_seed(test);
    let mut rng = SplitMix64::new(seed);
    for n in [0usize, 1, 2, 3, 5, 17, 64, 200] {
        for (case, points, scalars) in awkward_inputs::<P>(n.max(1), rng.next_u64()) {
            let points = &points[..n];
            let scalars = &scalars[..n];
            let c = 1 + (rng.next_u64() % 10) as u32;
            let want = oracle(points, scalars);
            let got = golden::msm(points, scalars, c).expect("valid inputs");
            assert_eq!(got, want, "{} golden, n = {n}, c = {c}, {case} (seed {seed})", P::ID);
        }
    }
}

fn fast_matches_oracle<P: MsmCurve>(test: &str, sizes: &[usize]) {
    let seed = test_seed(test);
    let mut rng = SplitMix64::new(seed);
    for &n in sizes {
        for (case, points, scalars) in awkward_inputs::<P>(n, rng.next_u64()) {
            let want = oracle(&points, &scalars);
            let got = fast::msm(&points, &scalars).expect("valid inputs");
            assert_eq!(got, want, "{} fast, n = {n}, {case} (seed {seed})", P::ID);
            // Every window width, narrow ones included: c = 1 puts all points in one bucket,
            // the deepest addition tree and the most doublings.
            if n <= 300 {
                for c in [1, 2, 3, 5, 8, 13] {
                    let got = fast::msm_with_window(&points, &scalars, c).expect("valid inputs");
                    assert_eq!(got, want, "{} fast, n = {n}, c = {c}, {case} (seed {seed})", P::ID);
                }
            }
        }
    }
}

#[test]
fn golden_msm_matches_arkworks_bn254() {
    golden_matches_oracle::<Bn254>("golden_msm_matches_arkworks_bn254");
}

#[test]
fn golden_msm_matches_arkworks_bls12_381() {
    golden_matches_oracle::<Bls12_381>("golden_msm_matches_arkworks_bls12_381");
}

// 5000 = one whole block of recoded digits (4096) and a partial one.
#[test]
fn fast_msm_matches_arkworks_bn254() {
    fast_matches_oracle::<Bn254>("fast_msm_matches_arkworks_bn254", &[1, 2, 3, 4, 7, 31, 100, 300, 1000, 4096, 5000]);
}

#[test]
fn fast_msm_matches_arkworks_bls12_381() {
    fast_matches_oracle::<Bls12_381>(
        "fast_msm_matches_arkworks_bls12_381",
        &[1, 2, 3, 4, 7, 31, 100, 300, 1000, 4096, 5000],
    );
}

#[test]
fn fast_msm_matches_arkworks_at_2_16_points() {
    // The top test size, once per curve on random inputs (the awkward cases run at
    // the sizes above; benches go to 2^20).
    let seed = test_seed("fast_msm_matches_arkworks_at_2_16_points");
    let (points, scalars) = msm_inputs::<Bn254>(1 << 16, seed);
    assert_eq!(fast::msm(&points, &scalars).unwrap(), oracle(&points, &scalars), "bn254 2^16 (seed {seed})");
    let (points, scalars) = msm_inputs::<Bls12_381>(1 << 16, seed);
    assert_eq!(fast::msm(&points, &scalars).unwrap(), oracle(&points, &scalars), "bls12-381 2^16 (seed {seed})");
}

#[test]
fn one_changed_scalar_changes_the_sum() {
    // Negative control: the comparisons above can fail. A single scalar off by one moves
    // the result by exactly that point, in both models.
    let seed = test_seed("one_changed_scalar_changes_the_sum");
    let (points, mut scalars) = msm_inputs::<Bn254>(500, seed);
    let want = oracle(&points, &scalars);
    scalars[123] += <Bn254 as ark_ec::CurveConfig>::ScalarField::one();
    let fast_sum = fast::msm(&points, &scalars).unwrap();
    let golden_sum = golden::msm(&points, &scalars, 6).unwrap();
    assert_ne!(fast_sum, want);
    assert_ne!(golden_sum, want);
    assert_eq!(fast_sum, want + points[123]);
    assert_eq!(golden_sum, want + points[123]);
}

#[test]
fn sample_points_are_in_the_prime_order_subgroup() {
    let seed = test_seed("sample_points_are_in_the_prime_order_subgroup");
    let (points, _) = msm_inputs::<Bls12_381>(2100, seed);
    assert!(points.iter().all(|p| p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve() && !p.is_zero()));
    let (points, _) = msm_inputs::<Bn254>(300, seed);
    assert!(points.iter().all(|p| p.is_on_curve() && !p.is_zero()));
    // The same seed gives the same inputs; another seed, others.
    assert_eq!(msm_inputs::<Bn254>(300, seed), msm_inputs::<Bn254>(300, seed));
    assert_ne!(msm_inputs::<Bn254>(300, seed).0, msm_inputs::<Bn254>(300, seed ^ 1).0);
}

#[test]
fn bad_inputs_are_refused_with_their_place() {
    let (mut points, scalars) = msm_inputs::<Bn254>(40, 7);
    let err = fast::msm(&points[..39], &scalars).unwrap_err();
    assert_eq!(err, MsmError::LengthMismatch { points: 39, scalars: 40 });
    assert_eq!(golden::msm(&points[..39], &scalars, 4).unwrap_err(), err);
    assert!(err.to_string().contains("39 points but 40 scalars"), "{err}");

    let generator = Projective::<Bn254>::generator().into_affine();
    points[17] = Affine::new_unchecked(generator.x, generator.y + generator.y);
    let err = fast::msm(&points, &scalars).unwrap_err();
    assert_eq!(err, MsmError::NotOnCurve { index: 17, curve: Bn254::ID });
    assert_eq!(golden::msm(&points, &scalars, 4).unwrap_err(), err);
    assert!(err.to_string().contains("point 17 is not on bn254"), "{err}");

    let (points, scalars) = msm_inputs::<Bn254>(4, 7);
    for bits in [0, 25] {
        assert_eq!(fast::msm_with_window(&points, &scalars, bits).unwrap_err(), MsmError::WindowBits { bits });
        assert_eq!(golden::msm(&points, &scalars, bits).unwrap_err(), MsmError::WindowBits { bits });
    }
}
