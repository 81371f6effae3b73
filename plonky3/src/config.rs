//! Plonky3's standard Poseidon2 STARK configuration per field, with the DFT as a parameter.
//!
//! These are the types Plonky3's own examples and benches build (`PaddingFreeSponge` leaves,
//! `TruncatedPermutation` compression, binary `MerkleTreeMmcs`, `DuplexChallenger`, a
//! binomial extension for challenges, `TwoAdicFriPcs`), with the default Poseidon2 constants.
//! A prover picks its DFT (`SlotproofDft` or Plonky3's `Radix2DitParallel`), its Merkle
//! scheme (`SlotproofMmcs` or Plonky3's `MerkleTreeMmcs`) and FRI parameters; everything else
//! is fixed, so configurations that differ only in those kernels must give the same proof
//! bytes. `slotproof(fri)` and `stock(fri)` are the two ends.

use p3_challenger::DuplexChallenger;
use p3_commit::{ExtensionMmcs, Mmcs};
use p3_dft::Radix2DitParallel;
use p3_field::Field;
use p3_field::extension::BinomialExtensionField;
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;

use crate::SlotproofDft;
use crate::mmcs::SlotproofMmcs;

/// The FRI parameters a configuration is built with (its `mmcs` is the configuration's own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FriOptions {
    /// log2 of the LDE blowup.
    pub log_blowup: usize,
    /// Queries.
    pub num_queries: usize,
    /// Proof-of-work bits before the queries. With any, Plonky3's parallel witness search
    /// keeps the first witness any thread finds, so proofs are valid but not reproducible
    /// byte for byte; compare proofs at 0.
    pub query_proof_of_work_bits: usize,
}

impl Default for FriOptions {
    /// Blowup 2, 100 queries, 16 bits of grinding: Plonky3's examples' shape at blowup 2.
    fn default() -> Self {
        Self { log_blowup: 1, num_queries: 100, query_proof_of_work_bits: 16 }
    }
}

macro_rules! standard_config {
    ($(#[$doc:meta])* $module:ident, $val:ty, $perm:ty, $make_perm:path, $width:literal, $rate:literal, $digest:literal, $ext:literal) => {
        $(#[$doc])*
        pub mod $module {
            use super::*;

            /// The base field.
            pub type Val = $val;
            /// The Poseidon2 permutation (Plonky3's default constants).
            pub type Perm = $perm;
            /// Leaf hash: the padding-free sponge.
            pub type Hash = PaddingFreeSponge<Perm, $width, $rate, $digest>;
            /// 2-to-1 compression: the truncated permutation.
            pub type Compress = TruncatedPermutation<Perm, 2, $digest, $width>;
            /// Plonky3's trace and quotient commitment scheme.
            pub type ValMmcs =
                MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, $digest>;
            /// The same scheme on slotproof's kernels.
            pub type SlotMmcs = SlotproofMmcs<Val, Perm, $width, $rate, $digest>;
            /// The same scheme with its trees on a slotproof card.
            pub type CardMmcs = crate::card::CardMmcs<Val, Perm, $width, $rate, $digest>;
            /// The challenge field.
            pub type Challenge = BinomialExtensionField<Val, $ext>;
            /// FRI's commitment scheme over challenges, on the value scheme `M`.
            pub type ChallengeMmcs<M> = ExtensionMmcs<Val, Challenge, M>;
            /// The Fiat–Shamir challenger.
            pub type Challenger = DuplexChallenger<Val, Perm, $width, $rate>;
            /// The PCS with DFT `Dft` and value scheme `M`.
            pub type Pcs<Dft, M> = TwoAdicFriPcs<Val, Dft, M, ChallengeMmcs<M>>;
            /// The STARK configuration with DFT `Dft` and value scheme `M`.
            pub type Config<Dft, M> = StarkConfig<Pcs<Dft, M>, Challenge, Challenger>;
            /// Plonky3's own kernels.
            pub type StockConfig = Config<Radix2DitParallel<Val>, ValMmcs>;
            /// slotproof's kernels.
            pub type SlotproofConfig = Config<SlotproofDft<Val>, SlotMmcs>;

            /// The field's default Poseidon2 (Plonky3's constants): the hash, the compression
            /// and the challenger's permutation.
            pub fn perm() -> Perm {
                $make_perm()
            }

            /// Plonky3's Merkle scheme with the default constants, the root as commitment.
            pub fn stock_mmcs() -> ValMmcs {
                let perm = $make_perm();
                ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm), 0)
            }

            /// slotproof's Merkle scheme, the same commitments and proofs as [`stock_mmcs`].
            pub fn slotproof_mmcs() -> SlotMmcs {
                SlotMmcs::new($make_perm(), 0)
            }

            /// The configuration with `dft`, value scheme `mmcs` and `fri`.
            pub fn config<Dft, M>(dft: Dft, mmcs: M, fri: FriOptions) -> Config<Dft, M>
            where
                Dft: p3_dft::TwoAdicSubgroupDft<Val>,
                M: Mmcs<Val>,
            {
                let params = FriParameters {
                    log_blowup: fri.log_blowup,
                    log_final_poly_len: 0,
                    max_log_arity: 1,
                    num_queries: fri.num_queries,
                    batch_proof_of_work_bits: 0,
                    commit_proof_of_work_bits: 0,
                    query_proof_of_work_bits: fri.query_proof_of_work_bits,
                    mmcs: ChallengeMmcs::new(mmcs.clone()),
                };
                Config::new(Pcs::new(dft, mmcs, params), Challenger::new($make_perm()))
            }

            /// Stock Plonky3: `Radix2DitParallel` and `MerkleTreeMmcs`.
            pub fn stock(fri: FriOptions) -> StockConfig {
                config(Radix2DitParallel::default(), stock_mmcs(), fri)
            }

            /// Plonky3 on slotproof: `SlotproofDft` and `SlotproofMmcs`.
            pub fn slotproof(fri: FriOptions) -> SlotproofConfig {
                config(SlotproofDft::default(), slotproof_mmcs(), fri)
            }
        }
    };
}

standard_config!(
    /// BabyBear: Poseidon2 width 16, rate 8, 8-element digests, degree-4 challenges.
    babybear, p3_baby_bear::BabyBear, p3_baby_bear::Poseidon2BabyBear<16>,
    p3_baby_bear::default_babybear_poseidon2_16, 16, 8, 8, 4
);
standard_config!(
    /// KoalaBear: Poseidon2 width 16, rate 8, 8-element digests, degree-4 challenges.
    koalabear, p3_koala_bear::KoalaBear, p3_koala_bear::Poseidon2KoalaBear<16>,
    p3_koala_bear::default_koalabear_poseidon2_16, 16, 8, 8, 4
);
standard_config!(
    /// Goldilocks: Poseidon2 width 8, rate 4, 4-element digests, degree-2 challenges.
    goldilocks, p3_goldilocks::Goldilocks, p3_goldilocks::Poseidon2Goldilocks<8>,
    p3_goldilocks::default_goldilocks_poseidon2_8, 8, 4, 4, 2
);
