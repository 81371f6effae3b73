//! Deterministic random traces from a seed: the built-in default trace of `slotproof
//! commit`, `slotproof gen-trace`, and the random inputs of the tests.
//!
//! The generator is splitmix64, written out here so that a seed names the same trace on
//! every platform and every version of the `rand` crate.

use crate::field::{FieldId, TraceField};
use crate::matrix::RowMajor;

/// splitmix64: a tiny, well-mixed, fully specified generator.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// Starts the sequence at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform canonical element of `field` (rejection sampling, so no bias).
    pub fn element(&mut self, field: FieldId) -> u64 {
        let p = field.modulus();
        let mask = u64::MAX >> p.leading_zeros();
        loop {
            let v = self.next_u64() & mask;
            if v < p {
                return v;
            }
        }
    }
}

/// A `rows × cols` trace of uniform canonical values of `field`, the same for the same seed.
/// Each row has its own stream, so rows can be generated in any order or in parallel.
pub fn random_trace(field: FieldId, rows: usize, cols: usize, seed: u64) -> RowMajor<u64> {
    random_rows(field, rows, cols, seed, |v| v)
}

/// [`random_trace`] directly in a Plonky3 field type (the same values, no `u64` copy).
pub fn random_matrix<F: TraceField>(rows: usize, cols: usize, seed: u64) -> RowMajor<F> {
    random_rows(F::ID, rows, cols, seed, F::from_canonical)
}

fn random_rows<T: Send + Copy + Default>(
    field: FieldId,
    rows: usize,
    cols: usize,
    seed: u64,
    convert: impl Fn(u64) -> T + Sync,
) -> RowMajor<T> {
    use rayon::prelude::*;
    assert!(cols > 0, "a trace needs at least one column");
    let mut values = vec![T::default(); rows * cols];
    values.par_chunks_mut(cols).enumerate().for_each(|(r, row)| {
        let mut rng = SplitMix64::new(seed ^ (r as u64).wrapping_mul(0xd134_2543_de82_ef95));
        for v in row {
            *v = convert(rng.element(field));
        }
    });
    RowMajor::new(values, cols).expect("whole rows")
}

/// A seed no one can know in advance: the clock and the process, mixed.
pub fn fresh_seed() -> u64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64);
    SplitMix64::new(t.unwrap_or(0) ^ u64::from(std::process::id())).next_u64()
}

/// A seed for a randomized test: `SLOTPROOF_SEED` if set (to replay a failure), otherwise
/// [`fresh_seed`]. Printed so that a failing run can be replayed.
pub fn test_seed(test: &str) -> u64 {
    let seed = std::env::var("SLOTPROOF_SEED").ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(fresh_seed);
    eprintln!("{test}: seed {seed} (replay with SLOTPROOF_SEED={seed})");
    seed
}

/// A uniform element of a large prime field: 512 random bits reduced mod p (bias below
/// 2^-250 for the MSM curves' fields).
pub fn prime_field_element<F: ark_ff::PrimeField>(rng: &mut SplitMix64) -> F {
    let bytes: Vec<u8> = (0..8).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
    F::from_le_bytes_mod_order(&bytes)
}

/// `n` MSM inputs from a seed: points of the curve's prime-order subgroup and uniform
/// scalars, the same for the same seed on every platform (`slotproof msm --size`).
///
/// A point per chunk of 1024 is found from a random `x` (`y` by square root, cofactor
/// cleared); the rest of the chunk walks from it by random steps among 16 such points, which
/// costs one addition a point instead of a square root and a cofactor multiplication.
pub fn msm_inputs<P: crate::curve::MsmCurve>(
    n: usize,
    seed: u64,
) -> (Vec<ark_ec::short_weierstrass::Affine<P>>, Vec<P::ScalarField>) {
    use ark_ec::short_weierstrass::{Affine, Projective};
    use ark_ec::{AffineRepr, CurveGroup};
    use rayon::prelude::*;
    const CHUNK: usize = 1024;

    let random_point = |rng: &mut SplitMix64| -> Affine<P> {
        loop {
            let x: P::BaseField = prime_field_element(rng);
            if let Some(p) = Affine::<P>::get_point_from_x_unchecked(x, rng.next_u64() & 1 == 1) {
                let p = p.clear_cofactor();
                if !p.is_zero() {
                    return p;
                }
            }
        }
    };
    let mut points = vec![Affine::<P>::identity(); n];
    points.par_chunks_mut(CHUNK).enumerate().for_each(|(k, chunk)| {
        let mut rng = SplitMix64::new(seed ^ 0x6d73_6d5f_706f_696e ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let steps: Vec<Affine<P>> = (0..16).map(|_| random_point(&mut rng)).collect();
        let mut at: Projective<P> = random_point(&mut rng).into();
        let walk: Vec<Projective<P>> = (0..chunk.len())
            .map(|_| {
                let here = at;
                at += steps[(rng.next_u64() % 16) as usize];
                here
            })
            .collect();
        chunk.copy_from_slice(&Projective::normalize_batch(&walk));
    });
    let mut rng = SplitMix64::new(seed ^ 0x6d73_6d5f_7363_616c);
    let scalars = (0..n).map(|_| prime_field_element(&mut rng)).collect();
    (points, scalars)
}
