//! The Poseidon2 permutation (Grassi, Khovratovich, Schofnegger, eprint 2023/323), with the
//! parameters and round constants of Plonky3 0.8.0's `default_*_poseidon2_*`.
//!
//! Round structure (what the hardware pipeline unrolls, one stage per round):
//! `external_linear` → 4 × full round → R_P × partial round → 4 × full round, where
//! - a full round adds a constant to every lane, applies the S-box `x^d` to every lane, then
//!   the external linear layer: `M4 = circ-like [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]` on
//!   each group of 4 lanes, then every lane adds the sum of its position across groups;
//! - a partial round adds a constant to lane 0 only, applies the S-box to lane 0 only, then
//!   the internal linear layer `s_i ← Σ_j s_j + D_i·s_i` with a sparse diagonal `D` whose
//!   entries are small powers of two (shifts and adds in hardware).

use p3_field::PrimeField64;

use super::arith::Fp;
use crate::field::FieldId;

/// A Poseidon2 instance as plain data: width, S-box degree, constants and diagonal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poseidon2Spec {
    /// The field.
    pub f: Fp,
    /// State width t.
    pub width: usize,
    /// S-box exponent d (7 for BabyBear and Goldilocks, 3 for KoalaBear).
    pub sbox_degree: u64,
    /// Constants of the 4 full rounds before the partial rounds.
    pub rc_external_initial: Vec<Vec<u64>>,
    /// Constants (lane 0) of the partial rounds.
    pub rc_internal: Vec<u64>,
    /// Constants of the 4 full rounds after the partial rounds.
    pub rc_external_final: Vec<Vec<u64>>,
    /// Diagonal `D` of the internal linear layer `Σ s + D·s`.
    pub internal_diag: Vec<u64>,
}

/// Sponge and compression parameters that go with the permutation of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpongeParams {
    /// Permutation width.
    pub width: usize,
    /// Elements absorbed per permutation.
    pub rate: usize,
    /// Elements in a digest (and in each half of a compression input).
    pub digest: usize,
}

impl SpongeParams {
    /// The standard Plonky3 Merkle configuration of `id`: width 16 / rate 8 / digest 8 for
    /// the 31-bit fields, width 8 / rate 4 / digest 4 for Goldilocks.
    pub const fn for_field(id: FieldId) -> Self {
        match id {
            FieldId::BabyBear | FieldId::KoalaBear => Self { width: 16, rate: 8, digest: 8 },
            FieldId::Goldilocks => Self { width: 8, rate: 4, digest: 4 },
        }
    }
}

fn canon<F: PrimeField64>(xs: &[F]) -> Vec<u64> {
    xs.iter().map(|x| x.as_canonical_u64()).collect()
}

fn canon2<F: PrimeField64, const W: usize>(rows: &[[F; W]]) -> Vec<Vec<u64>> {
    rows.iter().map(|r| canon(r)).collect()
}

impl Poseidon2Spec {
    /// The default instance of `id` (the one slotproof's Merkle trees use).
    pub fn for_field(id: FieldId) -> Self {
        let f = Fp::new(id);
        // ±2^−k as field elements, the building blocks of the sparse diagonals.
        let ip = |k: u32| f.inv_pow2(k);
        let nip = |k: u32| f.neg(f.inv_pow2(k));
        let m = |x: i64| if x >= 0 { x as u64 } else { f.neg((-x) as u64) };
        match id {
            FieldId::BabyBear => {
                use p3_baby_bear::*;
                Self {
                    f,
                    width: 16,
                    sbox_degree: 7,
                    rc_external_initial: canon2(&BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL),
                    rc_internal: canon(&BABYBEAR_POSEIDON2_RC_16_INTERNAL),
                    rc_external_final: canon2(&BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL),
                    // [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27]
                    internal_diag: vec![
                        m(-2),
                        1,
                        2,
                        ip(1),
                        3,
                        4,
                        nip(1),
                        m(-3),
                        m(-4),
                        ip(8),
                        ip(2),
                        ip(3),
                        ip(27),
                        nip(8),
                        nip(4),
                        nip(27),
                    ],
                }
            }
            FieldId::KoalaBear => {
                use p3_koala_bear::*;
                Self {
                    f,
                    width: 16,
                    sbox_degree: 3,
                    rc_external_initial: canon2(&KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL),
                    rc_internal: canon(&KOALABEAR_POSEIDON2_RC_16_INTERNAL),
                    rc_external_final: canon2(&KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL),
                    // [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/8, 1/2^24, -1/2^8, -1/8, -1/16, -1/2^24]
                    internal_diag: vec![
                        m(-2),
                        1,
                        2,
                        ip(1),
                        3,
                        4,
                        nip(1),
                        m(-3),
                        m(-4),
                        ip(8),
                        ip(3),
                        ip(24),
                        nip(8),
                        nip(3),
                        nip(4),
                        nip(24),
                    ],
                }
            }
            FieldId::Goldilocks => {
                use p3_goldilocks::*;
                Self {
                    f,
                    width: 8,
                    sbox_degree: 7,
                    rc_external_initial: canon2(&GOLDILOCKS_POSEIDON2_RC_8_EXTERNAL_INITIAL),
                    rc_internal: canon(&GOLDILOCKS_POSEIDON2_RC_8_INTERNAL),
                    rc_external_final: canon2(&GOLDILOCKS_POSEIDON2_RC_8_EXTERNAL_FINAL),
                    // [-2, 1, 2, 1/2, 3, -1/2, -3, -4]
                    internal_diag: vec![m(-2), 1, 2, ip(1), 3, nip(1), m(-3), m(-4)],
                }
            }
        }
    }

    /// The external linear layer: M4 on each group of four lanes, then each lane adds the
    /// sum of the lanes at its position in every group.
    pub fn external_linear(&self, s: &mut [u64]) {
        let f = self.f;
        for g in s.chunks_exact_mut(4) {
            let (a, b, c, d) = (g[0], g[1], g[2], g[3]);
            let lin = |k: [u64; 4]| [a, b, c, d].iter().zip(k).fold(0, |acc, (&x, k)| f.add(acc, f.mul(x, k)));
            g.copy_from_slice(&[lin([2, 3, 1, 1]), lin([1, 2, 3, 1]), lin([1, 1, 2, 3]), lin([3, 1, 1, 2])]);
        }
        let sums: Vec<u64> = (0..4).map(|k| s.iter().skip(k).step_by(4).fold(0, |acc, &x| f.add(acc, x))).collect();
        for (i, x) in s.iter_mut().enumerate() {
            *x = f.add(*x, sums[i % 4]);
        }
    }

    /// The internal linear layer `s_i ← Σ_j s_j + D_i·s_i`.
    pub fn internal_linear(&self, s: &mut [u64]) {
        let f = self.f;
        let sum = s.iter().fold(0, |acc, &x| f.add(acc, x));
        for (x, &d) in s.iter_mut().zip(&self.internal_diag) {
            *x = f.add(sum, f.mul(d, *x));
        }
    }

    fn full_round(&self, s: &mut [u64], rc: &[u64]) {
        for (x, &c) in s.iter_mut().zip(rc) {
            *x = self.f.pow(self.f.add(*x, c), self.sbox_degree);
        }
        self.external_linear(s);
    }

    fn partial_round(&self, s: &mut [u64], rc: u64) {
        s[0] = self.f.pow(self.f.add(s[0], rc), self.sbox_degree);
        self.internal_linear(s);
    }

    /// Applies the permutation to `state` (canonical values, length `width`).
    pub fn permute(&self, state: &mut [u64]) {
        assert_eq!(state.len(), self.width, "Poseidon2 state width");
        self.external_linear(state);
        for rc in &self.rc_external_initial {
            self.full_round(state, rc);
        }
        for &rc in &self.rc_internal {
            self.partial_round(state, rc);
        }
        for rc in &self.rc_external_final {
            self.full_round(state, rc);
        }
    }
}
