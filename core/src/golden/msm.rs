//! Multi-scalar multiplication, `sum_i k_i · P_i`, by the plain bucket method (Pippenger).
//!
//! This is the specification the fast CPU MSM, the device model and the bucket unit are
//! checked against, so it does the textbook thing:
//! 1. cut every scalar into unsigned `c`-bit windows, least significant first;
//! 2. per window, add each point into bucket `digit - 1` (digit 0 adds nothing);
//! 3. per window, `sum_b (b + 1) · bucket_b` by a running sum from the top bucket down;
//! 4. combine windows from the top, doubling `c` times between them.
//!
//! Its arithmetic is arkworks' projective group law; the outside oracle it is tested against
//! is arkworks' own `VariableBaseMSM`, a different algorithm (signed digits, XYZZ buckets).

use ark_ec::AdditiveGroup;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::{BigInteger, PrimeField};

use crate::curve::{MsmCurve, MsmError, check_msm_inputs};

/// Window `window` of `scalar`: bits `[window·c, window·c + c)` as an unsigned integer.
pub fn unsigned_digit<B: BigInteger>(scalar: &B, window: usize, c: u32) -> u64 {
    let first = window * c as usize;
    (0..c as usize).filter(|&j| scalar.get_bit(first + j)).fold(0u64, |acc, j| acc | (1 << j))
}

/// `sum_i scalars[i] · points[i]` by unsigned `window_bits`-bit bucket windows.
pub fn msm<P: MsmCurve>(
    points: &[Affine<P>],
    scalars: &[P::ScalarField],
    window_bits: u32,
) -> Result<Projective<P>, MsmError> {
    check_msm_inputs(points, scalars, window_bits)?;
    let c = window_bits;
    let scalars: Vec<_> = scalars.iter().map(|s| s.into_bigint()).collect();
    let windows = (P::ScalarField::MODULUS_BIT_SIZE).div_ceil(c) as usize;

    let mut total = Projective::<P>::ZERO;
    for window in (0..windows).rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        // Bucket accumulation: bucket b holds the sum of the points whose digit is b + 1.
        let mut buckets = vec![Projective::<P>::ZERO; (1 << c) - 1];
        for (point, scalar) in points.iter().zip(&scalars) {
            let digit = unsigned_digit(scalar, window, c);
            if digit != 0 {
                buckets[digit as usize - 1] += point;
            }
        }
        // Bucket reduction: after visiting bucket b the running sum is sum_{j >= b} bucket_j,
        // and adding it each step counts bucket j exactly j + 1 times.
        let mut running = Projective::<P>::ZERO;
        let mut window_sum = Projective::<P>::ZERO;
        for bucket in buckets.iter().rev() {
            running += bucket;
            window_sum += running;
        }
        total += window_sum;
    }
    Ok(total)
}
