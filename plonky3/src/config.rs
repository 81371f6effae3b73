//! Plonky3's standard Poseidon2 STARK configuration per field, with the DFT as a parameter.
//!
//! These are the types Plonky3's own examples and benches build (`PaddingFreeSponge` leaves,
//! `TruncatedPermutation` compression, binary `MerkleTreeMmcs`, `DuplexChallenger`, a
//! binomial extension for challenges, `TwoAdicFriPcs`), with the default Poseidon2 constants.
//! A prover picks its DFT (`SlotproofDft` or a stock one) and FRI parameters; everything
//! else is fixed, so two configurations that differ only in the DFT must give the same
//! proof bytes.

use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_field::Field;
use p3_field::extension::BinomialExtensionField;
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;

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
            /// The trace and quotient commitment scheme.
            pub type ValMmcs =
                MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, $digest>;
            /// The challenge field.
            pub type Challenge = BinomialExtensionField<Val, $ext>;
            /// FRI's commitment scheme over challenges.
            pub type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
            /// The Fiat–Shamir challenger.
            pub type Challenger = DuplexChallenger<Val, Perm, $width, $rate>;
            /// The PCS with DFT `Dft`.
            pub type Pcs<Dft> = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
            /// The STARK configuration with DFT `Dft`.
            pub type Config<Dft> = StarkConfig<Pcs<Dft>, Challenge, Challenger>;

            /// The configuration with `dft` and `fri`.
            pub fn config<Dft: p3_dft::TwoAdicSubgroupDft<Val>>(dft: Dft, fri: FriOptions) -> Config<Dft> {
                let perm = $make_perm();
                let val_mmcs = ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), 0);
                let params = FriParameters {
                    log_blowup: fri.log_blowup,
                    log_final_poly_len: 0,
                    max_log_arity: 1,
                    num_queries: fri.num_queries,
                    batch_proof_of_work_bits: 0,
                    commit_proof_of_work_bits: 0,
                    query_proof_of_work_bits: fri.query_proof_of_work_bits,
                    mmcs: ChallengeMmcs::new(val_mmcs.clone()),
                };
                Config::new(Pcs::new(dft, val_mmcs, params), Challenger::new(perm))
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
