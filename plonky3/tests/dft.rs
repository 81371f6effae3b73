//! `SlotproofDft` against Plonky3's `Radix2DitParallel`, method by method, on random matrices
//! of many shapes in all three fields, with fresh seeds each run.

use p3_baby_bear::BabyBear;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use slotproof_core::TraceField;
use slotproof_core::sample::{SplitMix64, random_trace, test_seed};
use slotproof_plonky3::SlotproofDft;

fn random_matrix<F: TraceField>(rows: usize, cols: usize, seed: u64) -> RowMajorMatrix<F> {
    let m = random_trace(F::ID, rows, cols, seed);
    RowMajorMatrix::new(m.values().iter().map(|&v| F::from_canonical(v)).collect(), cols)
}

/// A random element other than zero (a coset shift).
fn random_shift<F: TraceField>(rng: &mut SplitMix64) -> F {
    loop {
        let v = F::from_canonical(rng.element(F::ID));
        if v != F::ZERO {
            return v;
        }
    }
}

fn values<F: Clone + Send + Sync>(m: impl Matrix<F>) -> Vec<F> {
    m.to_row_major_matrix().values
}

/// Every method a PCS calls, ours against Plonky3's, on `2^log_n × width`.
fn check_shape<F: TraceField>(ours: &SlotproofDft<F>, log_n: usize, width: usize, rng: &mut SplitMix64) {
    let theirs = Radix2DitParallel::<F>::default();
    let m = random_matrix::<F>(1 << log_n, width, rng.next_u64());
    let what = format!("{} 2^{log_n} × {width}", F::ID);

    assert_eq!(values(ours.dft_batch(m.clone())), values(theirs.dft_batch(m.clone())), "dft_batch, {what}");
    assert_eq!(ours.idft_batch(m.clone()).values, theirs.idft_batch(m.clone()).values, "idft_batch, {what}");
    let shift = random_shift::<F>(rng);
    assert_eq!(
        values(ours.coset_dft_batch(m.clone(), shift)),
        values(theirs.coset_dft_batch(m.clone(), shift)),
        "coset_dft_batch, {what}"
    );
    assert_eq!(
        ours.coset_idft_batch(m.clone(), shift).values,
        theirs.coset_idft_batch(m.clone(), shift).values,
        "coset_idft_batch, {what}"
    );
    for added_bits in 0..=3 {
        if log_n + added_bits > F::ID.two_adicity() {
            continue;
        }
        // The shift a PCS uses (the generator) and an arbitrary one.
        for shift in [F::GENERATOR, random_shift::<F>(rng)] {
            let (a, b) = (
                ours.coset_lde_batch(m.clone(), added_bits, shift),
                theirs.coset_lde_batch(m.clone(), added_bits, shift),
            );
            assert_eq!((a.height(), a.width()), (b.height(), b.width()), "coset_lde_batch shape, {what}");
            assert_eq!(values(a), values(b), "coset_lde_batch +{added_bits} bits, shift {shift}, {what}");
        }
        assert_eq!(
            values(ours.lde_batch(m.clone(), added_bits)),
            values(theirs.lde_batch(m.clone(), added_bits)),
            "lde_batch +{added_bits}, {what}"
        );
    }
}

fn every_method_equals_radix2_dit_parallel<F: TraceField>(seed: u64) {
    let mut rng = SplitMix64::new(seed ^ F::ID.modulus());
    let ours = SlotproofDft::<F>::default();
    // Heights from one row up; widths below, at and above a SIMD packing, odd ones included.
    for log_n in 0..=11 {
        for width in [1, 2, 3, 7, 8, 16, 17, 33, 67] {
            if (width > 17 && log_n > 9) || (log_n == 11 && width > 3) {
                continue; // keep the big shapes few: CI runs this on 2 cores
            }
            check_shape(&ours, log_n, width, &mut rng);
        }
    }
    // The cache of twiddles is shared by clones and reused: a second pass over a shape gives
    // the same answer.
    check_shape(&ours.clone(), 6, 5, &mut rng);
}

#[test]
fn babybear_equals_radix2_dit_parallel() {
    every_method_equals_radix2_dit_parallel::<BabyBear>(test_seed("dft_babybear"));
}

#[test]
fn koalabear_equals_radix2_dit_parallel() {
    every_method_equals_radix2_dit_parallel::<KoalaBear>(test_seed("dft_koalabear"));
}

#[test]
fn goldilocks_equals_radix2_dit_parallel() {
    every_method_equals_radix2_dit_parallel::<Goldilocks>(test_seed("dft_goldilocks"));
}

/// Negative controls: the comparison above sees a single changed element, a wrong shift and
/// a wrong blowup.
#[test]
fn the_comparison_sees_a_changed_input_shift_or_blowup() {
    let seed = test_seed("dft_negative_controls");
    let mut rng = SplitMix64::new(seed);
    let (ours, theirs) = (SlotproofDft::<BabyBear>::default(), Radix2DitParallel::<BabyBear>::default());
    let m = random_matrix::<BabyBear>(1 << 7, 9, rng.next_u64());
    let mut bumped = m.clone();
    let at = (rng.next_u64() % bumped.values.len() as u64) as usize;
    bumped.values[at] += BabyBear::ONE;
    assert_ne!(values(ours.dft_batch(bumped.clone())), values(theirs.dft_batch(m.clone())), "element {at}");
    let g = BabyBear::GENERATOR;
    assert_ne!(values(ours.coset_lde_batch(bumped, 1, g)), values(theirs.coset_lde_batch(m.clone(), 1, g)));
    assert_ne!(values(ours.coset_lde_batch(m.clone(), 1, g.double())), values(theirs.coset_lde_batch(m.clone(), 1, g)));
    assert_ne!(values(ours.coset_lde_batch(m.clone(), 2, g)).len(), values(theirs.coset_lde_batch(m, 1, g)).len());
}

#[test]
#[should_panic(expected = "is not a power of two")]
fn a_height_that_is_not_a_power_of_two_is_named() {
    let m = RowMajorMatrix::new(vec![BabyBear::ONE; 3 * 12], 3);
    let _ = SlotproofDft::<BabyBear>::default().dft_batch(m);
}

#[test]
#[should_panic(expected = "two-adicity")]
fn an_lde_past_the_two_adic_subgroup_is_named() {
    let m = RowMajorMatrix::new(vec![BabyBear::ONE; 4 * 2], 2);
    let _ = SlotproofDft::<BabyBear>::default().coset_lde_batch(m, 27, BabyBear::GENERATOR);
}
