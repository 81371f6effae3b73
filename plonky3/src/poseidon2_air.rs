//! The Poseidon2 permutation as an AIR: Plonky3's `VectorizedPoseidon2Air` on each field's
//! default round constants, the very permutation the standard configurations hash with.
//!
//! This is Plonky3's own benchmark workload (a zkVM spends much of its trace on hashing): a
//! row holds `V` permutations side by side, every round's state a column group, constraint
//! degree 3 (the S-box is split with one register where its degree is 7). A trace of `2^k`
//! rows proves `V · 2^k` permutations.

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use p3_poseidon2_air::{Poseidon2Cols, RoundConstants, VectorizedPoseidon2Air, generate_vectorized_trace_rows};

macro_rules! poseidon2_air {
    ($(#[$doc:meta])* $module:ident, $val:ty, $layers:ty, $width:literal, $degree:expr, $registers:literal,
     $half_full:expr, $partial:expr, $initial:path, $internal:path, $terminal:path) => {
        $(#[$doc])*
        pub mod $module {
            use super::*;

            /// The field.
            pub type Val = $val;
            /// State width.
            pub const WIDTH: usize = $width;
            /// Rounds with the S-box on one lane.
            pub const PARTIAL_ROUNDS: usize = $partial;
            /// Full rounds before (and after) the partial ones.
            pub const HALF_FULL_ROUNDS: usize = $half_full;
            /// The S-box exponent.
            pub const SBOX_DEGREE: u64 = $degree;
            /// Intermediate columns per S-box.
            pub const SBOX_REGISTERS: usize = $registers;
            /// One permutation's columns (a row holds `V` of them side by side).
            pub type Cols<T> = Poseidon2Cols<T, $width, { $degree }, $registers, { $half_full }, { $partial }>;
            /// The AIR with `V` permutations per row.
            pub type Air<const V: usize> =
                VectorizedPoseidon2Air<Val, $layers, $width, { $degree }, $registers, { $half_full }, { $partial }, V>;
            /// The default round constants (those of the configuration's permutation).
            pub type Constants = RoundConstants<Val, $width, { $half_full }, { $partial }>;

            /// The round constants of the field's default Poseidon2.
            pub fn constants() -> Constants {
                RoundConstants::new($initial, $internal, $terminal)
            }

            /// The AIR on the default constants.
            pub fn air<const V: usize>() -> Air<V> {
                VectorizedPoseidon2Air::new(constants())
            }

            /// The trace of the permutations of `inputs`, `V` per row (`inputs.len() / V` must be
            /// a power of two), with room reserved for a `2^log_blowup` LDE.
            pub fn trace<const V: usize>(inputs: Vec<[Val; $width]>, log_blowup: usize) -> RowMajorMatrix<Val> {
                generate_vectorized_trace_rows::<
                    Val,
                    $layers,
                    $width,
                    { $degree },
                    $registers,
                    { $half_full },
                    { $partial },
                    V,
                >(inputs, &constants(), log_blowup)
            }

            /// Inputs for `count` permutations drawn from `next` (a 64-bit generator), reduced
            /// into the field.
            pub fn random_inputs(count: usize, mut next: impl FnMut() -> u64) -> Vec<[Val; $width]> {
                (0..count).map(|_| core::array::from_fn(|_| Val::from_u64(next()))).collect()
            }
        }
    };
}

poseidon2_air!(
    /// BabyBear, width 16, `x^7` (one S-box register).
    babybear, p3_baby_bear::BabyBear, p3_baby_bear::GenericPoseidon2LinearLayersBabyBear, 16,
    p3_baby_bear::BABYBEAR_S_BOX_DEGREE, 1,
    p3_baby_bear::BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS, p3_baby_bear::BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
    p3_baby_bear::BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL, p3_baby_bear::BABYBEAR_POSEIDON2_RC_16_INTERNAL,
    p3_baby_bear::BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL
);
poseidon2_air!(
    /// KoalaBear, width 16, `x^3` (no S-box register).
    koalabear, p3_koala_bear::KoalaBear, p3_koala_bear::GenericPoseidon2LinearLayersKoalaBear, 16,
    p3_koala_bear::KOALABEAR_S_BOX_DEGREE, 0,
    p3_koala_bear::KOALABEAR_POSEIDON2_HALF_FULL_ROUNDS, p3_koala_bear::KOALABEAR_POSEIDON2_PARTIAL_ROUNDS_16,
    p3_koala_bear::KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL, p3_koala_bear::KOALABEAR_POSEIDON2_RC_16_INTERNAL,
    p3_koala_bear::KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL
);
poseidon2_air!(
    /// Goldilocks, width 8, `x^7` (one S-box register; Plonky3 0.8.0 names no constant for
    /// the Goldilocks S-box degree).
    goldilocks, p3_goldilocks::Goldilocks, p3_goldilocks::GenericPoseidon2LinearLayersGoldilocks, 8,
    7, 1,
    p3_goldilocks::GOLDILOCKS_POSEIDON2_HALF_FULL_ROUNDS, p3_goldilocks::GOLDILOCKS_POSEIDON2_PARTIAL_ROUNDS_8,
    p3_goldilocks::GOLDILOCKS_POSEIDON2_RC_8_EXTERNAL_INITIAL, p3_goldilocks::GOLDILOCKS_POSEIDON2_RC_8_INTERNAL,
    p3_goldilocks::GOLDILOCKS_POSEIDON2_RC_8_EXTERNAL_FINAL
);
