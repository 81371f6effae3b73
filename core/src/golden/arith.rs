//! Modular arithmetic on canonical integers: the reference every field unit must match.

use crate::field::FieldId;

/// Arithmetic modulo one of slotproof's primes, on canonical values in `[0, p)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fp {
    /// Which field.
    pub id: FieldId,
    /// The prime.
    pub p: u64,
}

impl Fp {
    /// Arithmetic for `id`.
    pub const fn new(id: FieldId) -> Self {
        Self { id, p: id.modulus() }
    }

    /// a + b mod p.
    #[inline]
    pub fn add(self, a: u64, b: u64) -> u64 {
        let (s, carry) = a.overflowing_add(b);
        if carry || s >= self.p { s.wrapping_sub(self.p) } else { s }
    }

    /// a − b mod p.
    #[inline]
    pub fn sub(self, a: u64, b: u64) -> u64 {
        if a >= b { a - b } else { a.wrapping_sub(b).wrapping_add(self.p) }
    }

    /// −a mod p.
    #[inline]
    pub fn neg(self, a: u64) -> u64 {
        self.sub(0, a)
    }

    /// a · b mod p.
    #[inline]
    pub fn mul(self, a: u64, b: u64) -> u64 {
        // A 31-bit product fits a u64; only Goldilocks needs the 128-bit division.
        if self.p < 1 << 32 { (a * b) % self.p } else { ((a as u128 * b as u128) % self.p as u128) as u64 }
    }

    /// a^e mod p by square and multiply.
    pub fn pow(self, a: u64, mut e: u64) -> u64 {
        let (mut base, mut acc) = (a % self.p, 1u64);
        while e > 0 {
            if e & 1 == 1 {
                acc = self.mul(acc, base);
            }
            base = self.mul(base, base);
            e >>= 1;
        }
        acc
    }

    /// a^(−1) mod p (Fermat). `a` must be non-zero.
    pub fn inv(self, a: u64) -> u64 {
        assert!(!a.is_multiple_of(self.p), "inverse of zero");
        self.pow(a, self.p - 2)
    }

    /// 2^(−k) mod p.
    pub fn inv_pow2(self, k: u32) -> u64 {
        self.pow(self.inv(2), k as u64)
    }

    /// The primitive 2^bits-th root of unity Plonky3 uses: the field's two-adic generator
    /// squared down `two_adicity − bits` times.
    pub fn two_adic_root(self, bits: usize) -> u64 {
        assert!(bits <= self.id.two_adicity(), "no subgroup of order 2^{bits} in {}", self.id);
        let mut w = self.id.two_adic_generator();
        for _ in bits..self.id.two_adicity() {
            w = self.mul(w, w);
        }
        w
    }

    /// The coset shift of the LDE: the field's multiplicative generator.
    pub fn generator(self) -> u64 {
        self.id.generator()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_have_exact_order() {
        for id in FieldId::ALL {
            let f = Fp::new(id);
            for bits in [1, 2, 5, id.two_adicity()] {
                let w = f.two_adic_root(bits);
                assert_eq!(f.pow(w, 1 << bits), 1, "{id} 2^{bits}");
                assert_ne!(f.pow(w, 1 << (bits - 1)), 1, "{id} 2^{bits} not primitive");
            }
            assert_eq!(f.mul(f.inv(12345), 12345), 1);
            assert_eq!(f.add(f.p - 1, 1), 0);
            assert_eq!(f.sub(0, 1), f.p - 1);
        }
    }
}
