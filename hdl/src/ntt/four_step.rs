//! The four-step coset LDE through card memory: the schedule of [`LdeUnit`] passes that
//! extends a column too tall for the unit's on-chip RAM, as a plain model over `u64` words.
//!
//! # Room in the house
//!
//! [`LdeUnit`] holds a whole column on chip, so a card can extend only `2^max_log_lde`
//! rows that way. Above that, the card splits each size-`n` transform into `n2` transforms of
//! size `n1` and `n1` of size `n2` (`n = n1·n2`, both on-chip sizes), with card memory holding
//! the column between them. This module is that schedule written plainly: which words a pass
//! reads, the factors it scales by, where its outputs go. The card's command processor
//! follows it word for word, and it is tested here against the golden model's
//! `coset_lde_batch` (rows bit-reversed), so the RTL has a spec that is itself checked.
//!
//! # One pass
//!
//! [`unit_pass`] is what the unit's pass mode computes on each lane: `B[i] = A[i]·f0·r^i`
//! (the copy step's factor chain with a start and a ratio of the caller's choosing), then a
//! DIF network of size `m` on forward or inverse roots, leaving `B` in bit-reversed order:
//! `B[a] = Y[rev(a)]`. Scaling before the network rather than after keeps the unit's step
//! order (copy, then transform) and reads the copy in natural order.
//!
//! # The decomposition and why it needs no transpose
//!
//! With `k = k1 + n1·k2` and `j = n2·j1 + j2`, a size-`n` DFT is
//! `X[k] = Σ_j2 ω_n2^(j2·k2) · ω_n^(j2·k1) · Σ_j1 x[n2·j1 + j2]·ω_n1^(j1·k1)`:
//!
//! 1. **column passes**, one per `j2`: the `n1` words `x[n2·j1 + j2]` (a stride of `n2`),
//!    a size-`n1` pass; output `k1` goes to [`Region::Rows`] at `k1·n2 + j2`;
//! 2. **row passes**, one per `k1`: the `n2` consecutive words from `k1·n2`, pre-scaled by
//!    `ω_n^(k1·j2)` (start 1, ratio `ω_n^k1`: the twiddle between the steps is a geometric
//!    series along a row, which is exactly what the factor chain makes), a size-`n2` pass.
//!    Its output `k2` is `X[k1 + n1·k2]`.
//!
//! Card memory is word-addressed, so strided runs cost what consecutive ones do and the
//! schedule never transposes. Every step is a run of `(start, stride, count)` per lane
//! ([`Run`]): a [`Step::Store`] walks memory in order and reads the unit at `rev(i)` (the
//! pass's output `i`), so the scatter is in the unit's read address, not in memory.
//!
//! # The LDE
//!
//! - **Inverse**, on inverse roots, no scaling: the row pass for `k1` yields `n·c_k` for
//!   `k = k1 + n1·k2`, stored column-major in [`Region::Coeffs`] (`k` at
//!   `(k mod n2)·n1 + k div n2`). With `n2` dividing `n1` ([`Split::balanced`]) that is one
//!   stride of `n1 / n2` per row pass.
//! - **Each coset `j`** of the bit-reversed LDE, shift `s = g·ω_N^rev_B(j)` (the golden
//!   model's and Plonky3's layout): the forward transform of `c_k·s^k`. The column pass for
//!   `j2` reads `n·c` at `k = n2·j1 + j2`, consecutive words from `j2·n1` thanks to the
//!   column-major layout, and scales by `s^k / n = (s^j2 / n)·(s^n2)^j1`: start `s^j2 / n`,
//!   ratio `s^n2`.
//! - **Its row passes feed the sponges straight from the unit**: output `a` of the row pass
//!   for `k1` (the unit's RAM B at `a`, before any reordering) is `X[k1 + n1·rev(a)]`, whose
//!   place in the bit-reversed LDE is `j·n + rev(k1)·n2 + a`. So the unit holds `n2`
//!   consecutive LDE rows, in order, exactly as after an on-chip LDE: the absorb pass reads
//!   them from the unit's row port ([`Step::Absorb`]) and the LDE itself is never written to
//!   card memory. Row passes are visited in row order (`k1 = rev(block)`), and cosets and
//!   blocks outside the command's slice are skipped.
//!
//! Card memory per column group: the two regions of `8·n` words each (the trace is read in
//! place at `SRC`). Every pass is at most `2^ceil(log_n / 2)` words, so a unit of `2^M` rows
//! extends columns of up to `2^(2M)` rows this way.
//!
//! [`LdeUnit`]: super::LdeUnit

use slotproof_core::golden::Fp;
use slotproof_core::golden::ntt::{dif_bitrev, scale_by_powers};
use slotproof_core::matrix::reverse_bits;

/// One pass of the unit's pass mode on one lane: `2^log_m` words in natural order, scaled
/// by `f0·ratio^i`, through a size-`2^log_m` DIF network on forward (or, with `inverse`,
/// inverse) roots. Returns the network's output in its bit-reversed order.
pub fn unit_pass(f: Fp, input: &[u64], inverse: bool, f0: u64, ratio: u64) -> Vec<u64> {
    let m = input.len();
    assert!(m.is_power_of_two(), "a pass of {m} words is not a power of two");
    let log_m = m.trailing_zeros() as usize;
    let mut out: Vec<u64> = scale_by_powers(f, input, ratio).into_iter().map(|x| f.mul(x, f0)).collect();
    let root = f.two_adic_root(log_m);
    dif_bitrev(f, &mut out, if inverse { f.inv(root) } else { root });
    out
}

/// How a size-`2^log_n` transform is split: `2^log_n1` column words, `2^(log_n − log_n1)`
/// row words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// log2 of the transform's size `n`.
    pub log_n: usize,
    /// log2 of a column pass's size `n1` (the number of row passes).
    pub log_n1: usize,
}

impl Split {
    /// The split the card uses: `n1 = 2^ceil(log_n / 2) ≥ n2`, so that the larger pass is as
    /// small as it can be and `n2` divides `n1` (which makes every store a single stride).
    pub fn balanced(log_n: usize) -> Self {
        Self { log_n, log_n1: log_n.div_ceil(2) }
    }

    /// log2 of a row pass's size `n2` (the number of column passes).
    pub fn log_n2(&self) -> usize {
        self.log_n - self.log_n1
    }
}

/// The card-memory arrays of the schedule, each one `n`-word array per lane: lane `l`'s is at
/// word `l·n` of its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The column batch as the host wrote it at `SRC`: lane `l` is the group's column `l`.
    Trace,
    /// Between a column pass and the row passes: row `k1` of the transform at `k1·n2`.
    Rows,
    /// The coefficients times `n`, column-major for the forward column passes: `c_k` for
    /// `k = n2·j1 + j2` at `j2·n1 + j1`.
    Coeffs,
}

/// Words `start + i·stride`, `i < count`, of every lane's array in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The region.
    pub region: Region,
    /// The first word's index in each lane's array.
    pub start: u64,
    /// Words between consecutive words of the run.
    pub stride: u64,
    /// Words per lane.
    pub count: u64,
}

/// One step of the schedule, for every lane of a column group at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Word `i` of the run into the unit's RAM A at `i`.
    Load(Run),
    /// A pass of the unit over `2^log_m` words: [`unit_pass`] with these factors.
    Pass {
        /// log2 of its size.
        log_m: usize,
        /// On inverse roots.
        inverse: bool,
        /// First factor (canonical).
        f0: u64,
        /// Factor ratio (canonical).
        ratio: u64,
    },
    /// The pass's output into memory in memory order: word `i` of the run takes the unit's
    /// RAM B at `rev(i)` (over `log2(count)` bits), which is output index `i`.
    Store(Run),
    /// The unit's RAM B at `first .. first + count` are the bit-reversed LDE rows from
    /// `lde_row` on, in order: they go to the sponges.
    Absorb {
        /// The first row's index in the bit-reversed LDE.
        lde_row: u64,
        /// Its address in the unit.
        first: u64,
        /// Rows.
        count: u64,
    },
}

/// The schedule that leaves, through its [`Step::Absorb`] steps, rows `rows` of the
/// bit-reversed coset LDE (blowup `2^log_blowup`, the generator's coset) of a column group of
/// `2^log_n` rows, every row once and in increasing order. Cosets and row passes that hold
/// none of `rows` are left out, so a slice costs its share. `log_n ≥ 1`; the factors are
/// those of `f`.
pub fn schedule(f: Fp, log_n: usize, log_blowup: usize, rows: std::ops::Range<u64>) -> Vec<Step> {
    assert!(log_n >= 1, "a four-step transform of one row");
    let split = Split::balanced(log_n);
    let (l1, l2) = (split.log_n1, split.log_n2());
    let (n, n1, n2) = (1u64 << log_n, 1u64 << l1, 1u64 << l2);
    let mut steps = Vec::new();
    let root = f.two_adic_root(log_n);
    let root_inv = f.inv(root);

    // Inverse column passes: every j2's column of the trace, out to `Rows` in memory order.
    for j2 in 0..n2 {
        steps.push(Step::Load(Run { region: Region::Trace, start: j2, stride: n2, count: n1 }));
        steps.push(Step::Pass { log_m: l1, inverse: true, f0: 1, ratio: 1 });
        steps.push(Step::Store(Run { region: Region::Rows, start: j2, stride: n2, count: n1 }));
    }
    // Inverse row passes: output k2 is n·c at k = k1 + n1·k2, whose column-major place
    // (k mod n2)·n1 + k div n2 is (k1 mod n2)·n1 + k1 div n2 + k2·(n1 / n2): n2 divides n1.
    let mut ratio = 1;
    for k1 in 0..n1 {
        steps.push(Step::Load(Run { region: Region::Rows, start: k1 * n2, stride: 1, count: n2 }));
        steps.push(Step::Pass { log_m: l2, inverse: true, f0: 1, ratio });
        let start = (k1 % n2) * n1 + k1 / n2;
        steps.push(Step::Store(Run { region: Region::Coeffs, start, stride: n1 / n2, count: n2 }));
        ratio = f.mul(ratio, root_inv);
    }
    // Each coset that holds wanted rows.
    let n_inv = f.inv_pow2(log_n as u32);
    let w_big = f.two_adic_root(log_n + log_blowup);
    for j in 0..1u64 << log_blowup {
        let coset = j * n..(j + 1) * n;
        if coset.end <= rows.start || rows.end <= coset.start {
            continue;
        }
        let shift = f.mul(f.generator(), f.pow(w_big, reverse_bits(j as usize, log_blowup) as u64));
        let shift_n2 = f.pow(shift, n2);
        let mut f0 = n_inv;
        for j2 in 0..n2 {
            steps.push(Step::Load(Run { region: Region::Coeffs, start: j2 * n1, stride: 1, count: n1 }));
            steps.push(Step::Pass { log_m: l1, inverse: false, f0, ratio: shift_n2 });
            steps.push(Step::Store(Run { region: Region::Rows, start: j2, stride: n2, count: n1 }));
            f0 = f.mul(f0, shift);
        }
        // Row pass k1 holds the rows from coset.start + rev(k1)·n2: visit them in row order.
        for block in 0..n1 {
            let first_row = coset.start + block * n2;
            let (lo, hi) = (first_row.max(rows.start), (first_row + n2).min(rows.end));
            if lo >= hi {
                continue;
            }
            let k1 = reverse_bits(block as usize, l1);
            steps.push(Step::Load(Run { region: Region::Rows, start: k1 as u64 * n2, stride: 1, count: n2 }));
            steps.push(Step::Pass { log_m: l2, inverse: false, f0: 1, ratio: f.pow(root, k1 as u64) });
            steps.push(Step::Absorb { lde_row: lo, first: lo - first_row, count: hi - lo });
        }
    }
    steps
}

/// Runs [`schedule`] on a column group (`columns`: lanes, each `2^log_n` words) with a plain
/// memory and [`unit_pass`] as the unit: the rows it absorbs, `(lde_row, one word per lane)`,
/// in the order it absorbs them.
pub fn run_schedule(
    f: Fp,
    columns: &[Vec<u64>],
    log_blowup: usize,
    rows: std::ops::Range<u64>,
) -> Vec<(u64, Vec<u64>)> {
    let n = columns.first().map_or(0, Vec::len);
    assert!(n.is_power_of_two() && columns.iter().all(|c| c.len() == n), "columns of one power-of-two height");
    run_steps(f, columns, schedule(f, n.trailing_zeros() as usize, log_blowup, rows), reverse_bits)
}

/// Runs `steps` as [`run_schedule`] does, a store's word `i` (of a run of `2^bits`) taken
/// from the unit's RAM B at `b_index(i, bits)`.
fn run_steps(
    f: Fp,
    columns: &[Vec<u64>],
    steps: Vec<Step>,
    b_index: fn(usize, usize) -> usize,
) -> Vec<(u64, Vec<u64>)> {
    let n = columns.first().map_or(0, Vec::len);
    let lanes = columns.len();
    let mut rows_region = vec![0u64; lanes * n];
    let mut coeffs_region = vec![0u64; lanes * n];
    let trace: Vec<u64> = columns.concat();
    let mut a: Vec<Vec<u64>> = vec![Vec::new(); lanes];
    let mut b: Vec<Vec<u64>> = vec![Vec::new(); lanes];
    let mut out = Vec::new();
    let index = |run: &Run, l: usize, i: u64| l * n + (run.start + i * run.stride) as usize;
    for step in steps {
        match step {
            Step::Load(run) => {
                let region = match run.region {
                    Region::Trace => &trace,
                    Region::Rows => &rows_region,
                    Region::Coeffs => &coeffs_region,
                };
                for (l, a) in a.iter_mut().enumerate() {
                    *a = (0..run.count).map(|i| region[index(&run, l, i)]).collect();
                }
            }
            Step::Pass { inverse, f0, ratio, log_m } => {
                for (a, b) in a.iter().zip(b.iter_mut()) {
                    assert_eq!(a.len(), 1 << log_m, "a pass over what was loaded");
                    *b = unit_pass(f, a, inverse, f0, ratio);
                }
            }
            Step::Store(run) => {
                let region = match run.region {
                    Region::Trace => panic!("the schedule never writes the trace"),
                    Region::Rows => &mut rows_region,
                    Region::Coeffs => &mut coeffs_region,
                };
                let bits = run.count.trailing_zeros() as usize;
                for (l, b) in b.iter().enumerate() {
                    for i in 0..run.count {
                        region[index(&run, l, i)] = b[b_index(i as usize, bits)];
                    }
                }
            }
            Step::Absorb { lde_row, first, count } => {
                for r in 0..count {
                    out.push((lde_row + r, b.iter().map(|b| b[(first + r) as usize]).collect()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;
    use slotproof_core::RowMajor;
    use slotproof_core::golden::lde::{bit_reverse_rows, coset_lde_batch};
    use slotproof_core::sample::{SplitMix64, test_seed};

    /// The golden bit-reversed LDE rows of `columns`, one word per lane.
    fn golden(f: Fp, columns: &[Vec<u64>], log_blowup: usize) -> Vec<Vec<u64>> {
        let lde = bit_reverse_rows(&coset_lde_batch(f, &RowMajor::from_columns(columns), log_blowup));
        (0..lde.height()).map(|r| lde.row(r).to_vec()).collect()
    }

    fn columns(field: FieldId, lanes: usize, log_n: usize, rng: &mut SplitMix64) -> Vec<Vec<u64>> {
        (0..lanes).map(|_| (0..1 << log_n).map(|_| rng.element(field)).collect()).collect()
    }

    /// Every size from 2 to 2^10 rows, blowups 1 to 8, both 31-bit fields, 1 to 8 lanes of
    /// fresh columns: every row once, in order, equal to the golden model's.
    #[test]
    fn schedule_lde_matches_golden() {
        let seed = test_seed("schedule_lde_matches_golden");
        let mut rng = SplitMix64::new(seed);
        for field in [FieldId::BabyBear, FieldId::KoalaBear] {
            let f = Fp::new(field);
            for log_n in 1..=10 {
                let log_blowup = (rng.next_u64() % 4) as usize;
                let lanes = 1 + (rng.next_u64() % 8) as usize;
                let cols = columns(field, lanes, log_n, &mut rng);
                let total = 1u64 << (log_n + log_blowup);
                let got = run_schedule(f, &cols, log_blowup, 0..total);
                let want = golden(f, &cols, log_blowup);
                assert_eq!(got.len() as u64, total, "{field} 2^{log_n} blowup 2^{log_blowup}: rows absorbed");
                for (i, (row, words)) in got.iter().enumerate() {
                    assert_eq!(*row, i as u64, "{field} 2^{log_n}: rows out of order");
                    assert_eq!(words, &want[i], "{field} 2^{log_n} blowup 2^{log_blowup} row {i} (seed {seed})");
                }
            }
        }
    }

    /// A slice of the rows (whole subtrees, and ranges that cut a row pass) gives exactly
    /// those rows, and a small slice skips the cosets and row passes it does not need.
    #[test]
    fn schedule_slices_give_their_rows_and_skip_the_rest() {
        let seed = test_seed("schedule_slices_give_their_rows_and_skip_the_rest");
        let mut rng = SplitMix64::new(seed);
        let field = FieldId::KoalaBear;
        let f = Fp::new(field);
        let (log_n, log_blowup) = (7, 2);
        let cols = columns(field, 3, log_n, &mut rng);
        let want = golden(f, &cols, log_blowup);
        let total = 1u64 << (log_n + log_blowup);
        let passes = |rows: std::ops::Range<u64>| {
            schedule(f, log_n, log_blowup, rows).iter().filter(|s| matches!(s, Step::Pass { .. })).count()
        };
        let mut ranges: Vec<std::ops::Range<u64>> = (0..4).map(|s| (s * total / 4)..((s + 1) * total / 4)).collect();
        for _ in 0..8 {
            let a = rng.next_u64() % total;
            let b = a + 1 + rng.next_u64() % (total - a);
            ranges.push(a..b);
        }
        for rows in ranges {
            let got = run_schedule(f, &cols, log_blowup, rows.clone());
            let expect: Vec<(u64, Vec<u64>)> = rows.clone().map(|r| (r, want[r as usize].clone())).collect();
            assert_eq!(got, expect, "rows {rows:?} (seed {seed})");
        }
        assert!(passes(0..16) < passes(0..total) / 2, "a small slice runs the whole schedule");
    }

    /// Negative controls: the schedule with the twiddle between the steps left out, and with
    /// the stores in the unit's order instead of memory order, must both miss.
    #[test]
    fn schedule_without_twiddles_or_reordering_misses() {
        let field = FieldId::BabyBear;
        let f = Fp::new(field);
        let mut rng = SplitMix64::new(test_seed("schedule_without_twiddles_or_reordering_misses"));
        let (log_n, log_blowup) = (6, 1);
        let cols = columns(field, 2, log_n, &mut rng);
        let want: Vec<(u64, Vec<u64>)> =
            golden(f, &cols, log_blowup).into_iter().enumerate().map(|(i, r)| (i as u64, r)).collect();
        let steps = schedule(f, log_n, log_blowup, 0..1 << (log_n + log_blowup));
        assert_eq!(run_steps(f, &cols, steps.clone(), reverse_bits), want, "the schedule itself");
        let split = Split::balanced(log_n);
        let untwiddled: Vec<Step> = steps
            .iter()
            .map(|s| match *s {
                Step::Pass { log_m, inverse, f0, .. } if log_m == split.log_n2() => {
                    Step::Pass { log_m, inverse, f0, ratio: 1 }
                }
                other => other,
            })
            .collect();
        assert_ne!(run_steps(f, &cols, untwiddled, reverse_bits), want, "without the twiddle between the steps");
        assert_ne!(run_steps(f, &cols, steps, |i, _| i), want, "with the stores in the unit's order");
    }

    /// The pass itself against a direct evaluation, on both roots.
    #[test]
    fn unit_pass_is_a_scaled_dft_in_bit_reversed_order() {
        let field = FieldId::KoalaBear;
        let f = Fp::new(field);
        let mut rng = SplitMix64::new(test_seed("unit_pass_is_a_scaled_dft_in_bit_reversed_order"));
        for log_m in 0..=5 {
            let m = 1usize << log_m;
            let x: Vec<u64> = (0..m).map(|_| rng.element(field)).collect();
            let (f0, ratio) = (rng.element(field), rng.element(field));
            for inverse in [false, true] {
                let root = f.two_adic_root(log_m);
                let w = if inverse { f.inv(root) } else { root };
                let got = unit_pass(f, &x, inverse, f0, ratio);
                for (a, &g) in got.iter().enumerate() {
                    let k = reverse_bits(a, log_m) as u64;
                    let want = (0..m).fold(0, |acc, i| {
                        let scaled = f.mul(x[i], f.mul(f0, f.pow(ratio, i as u64)));
                        f.add(acc, f.mul(scaled, f.pow(w, i as u64 * k)))
                    });
                    assert_eq!(g, want, "2^{log_m} inverse={inverse} output {a}");
                }
            }
        }
    }
}
