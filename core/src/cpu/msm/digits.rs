//! Signed-window recoding of scalars.
//!
//! Unsigned `c`-bit windows need `2^c - 1` buckets. Recoding each window into
//! `(-2^(c-1), 2^(c-1)]`, borrowing `2^c` from the next window when a digit is above half,
//! halves that to `2^(c-1)`: a negative digit adds the point's negation `(x, -y)`, which costs
//! nothing. The bucket unit on the card uses the same recoding, so the same digits drive both.

use ark_ff::BigInteger;

/// Windows needed for `scalar_bits`-bit scalars in `c`-bit signed windows.
///
/// The top window must have at most `c - 1` bits so that its digit plus the incoming carry
/// never exceeds `2^(c-1)` and so never carries out: `windows · c >= scalar_bits + 1`.
pub fn signed_windows(scalar_bits: u32, c: u32) -> usize {
    (scalar_bits + 1).div_ceil(c) as usize
}

/// Bits `[first, first + c)` of the little-endian limbs, as an unsigned integer (`c <= 32`).
#[inline]
pub fn window_bits(limbs: &[u64], first: usize, c: u32) -> u64 {
    let (word, shift) = (first / 64, first % 64);
    let mask = (1u64 << c) - 1;
    let Some(&low) = limbs.get(word) else { return 0 };
    let mut v = low >> shift;
    if shift + c as usize > 64
        && let Some(&high) = limbs.get(word + 1)
    {
        v |= high << (64 - shift);
    }
    v & mask
}

/// The signed `c`-bit digits of `scalar`, least significant first, into `out`
/// (`out.len()` windows, at least [`signed_windows`]): `scalar = sum_j out[j] · 2^(c·j)`
/// with every digit in `(-2^(c-1), 2^(c-1)]`.
pub fn signed_digits<B: BigInteger>(scalar: &B, c: u32, out: &mut [i32]) {
    let half = 1i64 << (c - 1);
    let full = 1i64 << c;
    let limbs = scalar.as_ref();
    let mut carry = 0i64;
    for (j, digit) in out.iter_mut().enumerate() {
        let raw = window_bits(limbs, j * c as usize, c) as i64 + carry;
        (*digit, carry) = if raw > half { ((raw - full) as i32, 1) } else { (raw as i32, 0) };
    }
    debug_assert_eq!(carry, 0, "too few windows for the scalar");
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInt, PrimeField};

    /// Rebuilds the scalar from its digits over i128 limbs-free arithmetic on BigInt.
    fn rebuild(digits: &[i32], c: u32) -> BigInt<4> {
        // Horner from the top: acc = acc · 2^c + d, with d possibly negative.
        let mut acc = num_bigint::BigInt::from(0);
        for &d in digits.iter().rev() {
            acc = (acc << c) + d;
        }
        let (sign, bytes) = acc.to_bytes_le();
        assert_ne!(sign, num_bigint::Sign::Minus, "a scalar's digits sum to a negative number");
        let mut limbs = [0u64; 4];
        for (i, b) in bytes.iter().enumerate() {
            limbs[i / 8] |= u64::from(*b) << (8 * (i % 8));
        }
        BigInt(limbs)
    }

    #[test]
    fn digits_rebuild_the_scalar_and_stay_in_range() {
        let seed = crate::sample::test_seed("digits_rebuild_the_scalar_and_stay_in_range");
        let mut rng = crate::sample::SplitMix64::new(seed);
        let bits = ark_bn254::Fr::MODULUS_BIT_SIZE;
        let extremes = [BigInt([0; 4]), BigInt([1, 0, 0, 0]), ark_bn254::Fr::MODULUS, BigInt([u64::MAX; 4])];
        for c in 1..=20u32 {
            let windows = signed_windows(bits + 2, c);
            let mut digits = vec![0i32; windows];
            let randoms =
                (0..50).map(|_| BigInt([rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64() >> 2]));
            for scalar in extremes.into_iter().filter(|s| s.num_bits() <= bits + 2).chain(randoms) {
                signed_digits(&scalar, c, &mut digits);
                assert_eq!(rebuild(&digits, c), scalar, "c = {c}");
                let half = 1i32 << (c - 1);
                assert!(digits.iter().all(|&d| -half < d && d <= half), "c = {c}: {digits:?}");
            }
        }
    }

    #[test]
    fn a_wrong_digit_rebuilds_a_different_scalar() {
        // Negative control for the test above: its rebuild notices one digit off by one.
        let c = 8;
        let scalar = BigInt::<4>([0x0123_4567_89ab_cdef, 7, 0, 1 << 60]);
        let mut digits = vec![0i32; signed_windows(254, c)];
        signed_digits(&scalar, c, &mut digits);
        assert_eq!(rebuild(&digits, c), scalar);
        digits[3] += 1;
        assert_ne!(rebuild(&digits, c), scalar);
    }
}
