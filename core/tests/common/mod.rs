//! Plonky3 0.8.0 as the outside oracle: its permutations, its `coset_lde_batch`, its
//! `MerkleTreeMmcs` root and its `TwoAdicFriPcs` commitment, per field, behind one trait so
//! every test runs over the three fields with one line each.
#![allow(dead_code, missing_docs)]

use p3_baby_bear::{BabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_challenger::DuplexChallenger;
use p3_commit::{ExtensionMmcs, Mmcs, Pcs};
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::extension::BinomialExtensionField;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_goldilocks::{Goldilocks, Poseidon2Goldilocks, default_goldilocks_poseidon2_8};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_16};
use p3_matrix::Matrix;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, Permutation, TruncatedPermutation};
use slotproof_core::{RowMajor, TraceField};

/// What the tests need from Plonky3 for one field.
pub trait Oracle: TraceField {
    /// Plonky3's default permutation applied to a canonical state.
    fn p3_permute(state: &[u64]) -> Vec<u64>;
    /// Plonky3's `Radix2DitParallel::coset_lde_batch` with shift = generator, natural order.
    fn p3_coset_lde(trace: &RowMajor<u64>, log_blowup: usize) -> RowMajor<u64> {
        let m = to_p3::<Self>(trace);
        let lde =
            Radix2DitParallel::<Self>::default().coset_lde_batch(m, log_blowup, Self::GENERATOR).to_row_major_matrix();
        from_p3(&lde)
    }
    /// The root of `MerkleTreeMmcs::commit` over the bit-reversed coset LDE.
    fn p3_mmcs_root(trace: &RowMajor<u64>, log_blowup: usize) -> Vec<u64>;
    /// The commitment of `TwoAdicFriPcs::commit` on the trace (its natural domain).
    fn p3_pcs_root(trace: &RowMajor<u64>, log_blowup: usize) -> Vec<u64>;
}

pub fn to_p3<F: TraceField>(m: &RowMajor<u64>) -> RowMajorMatrix<F> {
    RowMajorMatrix::new(m.values().iter().map(|&v| F::from_canonical(v)).collect(), m.width())
}

pub fn from_p3<F: TraceField>(m: &RowMajorMatrix<F>) -> RowMajor<u64> {
    RowMajor::new(m.values.iter().map(|x| x.canonical()).collect(), m.width).unwrap()
}

fn bitrev_lde<F: TraceField>(trace: &RowMajor<u64>, log_blowup: usize) -> RowMajorMatrix<F> {
    Radix2DitParallel::<F>::default()
        .coset_lde_batch(to_p3::<F>(trace), log_blowup, F::GENERATOR)
        .bit_reverse_rows()
        .to_row_major_matrix()
}

macro_rules! oracle {
    ($F:ty, $Perm:ty, $perm:expr, $W:literal, $R:literal, $D:literal, $ext:literal) => {
        impl Oracle for $F {
            fn p3_permute(state: &[u64]) -> Vec<u64> {
                let mut s: [$F; $W] = core::array::from_fn(|i| <$F>::from_canonical(state[i]));
                $perm.permute_mut(&mut s);
                s.iter().map(|x| x.canonical()).collect()
            }

            fn p3_mmcs_root(trace: &RowMajor<u64>, log_blowup: usize) -> Vec<u64> {
                type H = PaddingFreeSponge<$Perm, $W, $R, $D>;
                type C = TruncatedPermutation<$Perm, 2, $D, $W>;
                type M = MerkleTreeMmcs<<$F as Field>::Packing, <$F as Field>::Packing, H, C, 2, $D>;
                let perm = $perm;
                let mmcs = M::new(H::new(perm.clone()), C::new(perm), 0);
                let (cap, _) = mmcs.commit(vec![bitrev_lde::<$F>(trace, log_blowup)]);
                let roots = cap.into_roots();
                assert_eq!(roots.len(), 1);
                roots[0].iter().map(|x| x.canonical()).collect()
            }

            fn p3_pcs_root(trace: &RowMajor<u64>, log_blowup: usize) -> Vec<u64> {
                type H = PaddingFreeSponge<$Perm, $W, $R, $D>;
                type C = TruncatedPermutation<$Perm, 2, $D, $W>;
                type M = MerkleTreeMmcs<<$F as Field>::Packing, <$F as Field>::Packing, H, C, 2, $D>;
                type EF = BinomialExtensionField<$F, $ext>;
                type Ch = DuplexChallenger<$F, $Perm, $W, $R>;
                type P = TwoAdicFriPcs<$F, Radix2DitParallel<$F>, M, ExtensionMmcs<$F, EF, M>>;
                let perm = $perm;
                let mmcs = M::new(H::new(perm.clone()), C::new(perm), 0);
                let fri = FriParameters {
                    log_blowup,
                    log_final_poly_len: 0,
                    max_log_arity: 1,
                    num_queries: 2,
                    batch_proof_of_work_bits: 0,
                    commit_proof_of_work_bits: 0,
                    query_proof_of_work_bits: 0,
                    mmcs: ExtensionMmcs::new(mmcs.clone()),
                };
                let pcs = P::new(Radix2DitParallel::default(), mmcs, fri);
                let domain = <P as Pcs<EF, Ch>>::natural_domain_for_degree(&pcs, trace.height());
                let (cap, _) = <P as Pcs<EF, Ch>>::commit(&pcs, vec![(domain, to_p3::<$F>(trace))]).expect("commit");
                let roots = cap.into_roots();
                assert_eq!(roots.len(), 1);
                roots[0].iter().map(|x| x.canonical()).collect()
            }
        }
    };
}

oracle!(BabyBear, Poseidon2BabyBear<16>, default_babybear_poseidon2_16(), 16, 8, 8, 4);
oracle!(KoalaBear, Poseidon2KoalaBear<16>, default_koalabear_poseidon2_16(), 16, 8, 8, 4);
oracle!(Goldilocks, Poseidon2Goldilocks<8>, default_goldilocks_poseidon2_8(), 8, 4, 4, 2);

/// Silences an unused import on fields where the ring trait is only used by the macro.
pub fn one<F: PrimeCharacteristicRing>() -> F {
    F::ONE
}
