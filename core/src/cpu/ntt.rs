//! A cache-blocked, rayon-parallel radix-2 DIF NTT over the rows of a row-major matrix.
//!
//! Every column is transformed independently, so a butterfly works on two whole rows at
//! once, packed across columns with Plonky3's SIMD field types. The `log_n` stages are split
//! in two phases so that every pass touches a working set that fits in L2:
//!
//! - **strips** (the top `s1` stages, rows `n2 = n >> s1` apart and more): the rows whose
//!   index has the same low `log n2` bits in a window `[b0, b0 + t)` only ever meet each other,
//!   so each strip of `n1 × t` rows runs all its top stages while resident;
//! - **blocks** (the last `log n2` stages): each run of `n2` contiguous rows runs the rest of
//!   the network on its own. A DIF network leaves its output in bit-reversed order, so a block
//!   holds a contiguous range of bit-reversed outputs: exactly a subtree of the Merkle tree,
//!   which the fused commit hashes while the block is still in cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use p3_field::{Field, PackedValue, TwoAdicField};
use rayon::prelude::*;

use crate::matrix::reverse_bits;

/// Twiddles of a size-2^log_n DIF network: stage `s` pairs rows `half = n >> (s + 1)` apart
/// and multiplies their difference by `ω_{2·half}^j`, `j = index mod half`.
#[derive(Clone, Debug)]
pub struct DifTwiddles<F> {
    log_n: usize,
    stages: Vec<Vec<F>>,
}

impl<F: TwoAdicField> DifTwiddles<F> {
    /// Twiddles of the forward transform (`inverse = false`) or of its inverse without the
    /// `1/n` scaling (`inverse = true`), for `n = 2^log_n`.
    pub fn new(log_n: usize, inverse: bool) -> Self {
        if log_n == 0 {
            return Self { log_n, stages: Vec::new() };
        }
        let mut w = F::two_adic_generator(log_n);
        if inverse {
            w = w.inverse();
        }
        let base = powers(w, 1 << (log_n - 1));
        // Stage s uses ω_{2·half} = ω_n^(2^s): every 2^s-th entry of stage 0's table.
        let mut stages: Vec<Vec<F>> = (1..log_n).map(|s| base.iter().step_by(1 << s).copied().collect()).collect();
        stages.insert(0, base);
        Self { log_n, stages }
    }

    /// log2 of the transform size.
    pub fn log_n(&self) -> usize {
        self.log_n
    }
}

/// Twiddle tables by `(log_n, inverse)`, built on first use and shared between threads: a
/// prover transforms shard after shard of one shape, and rebuilding the tables each time
/// costs a sizeable fraction of a transform.
pub struct TwiddleCache<F> {
    tables: Mutex<TwiddleTables<F>>,
}

/// The cache's tables by `(log_n, inverse)`.
type TwiddleTables<F> = HashMap<(usize, bool), Arc<DifTwiddles<F>>>;

impl<F> Default for TwiddleCache<F> {
    fn default() -> Self {
        Self { tables: Mutex::default() }
    }
}

impl<F: TwoAdicField> TwiddleCache<F> {
    /// The tables of the size-`2^log_n` forward (`inverse = false`) or inverse network.
    pub fn get(&self, log_n: usize, inverse: bool) -> Arc<DifTwiddles<F>> {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        tables.entry((log_n, inverse)).or_insert_with(|| Arc::new(DifTwiddles::new(log_n, inverse))).clone()
    }
}

/// `[1, x, x², …, x^(len−1)]`, computed in parallel chunks.
pub fn powers<F: Field>(x: F, len: usize) -> Vec<F> {
    const CHUNK: usize = 1 << 12;
    let mut out = vec![F::ZERO; len];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut p = x.exp_u64((c * CHUNK) as u64);
        for v in chunk {
            *v = p;
            p *= x;
        }
    });
    out
}

/// `(x, y) ← (x + y, (x − y)·tw)` on two rows, packed across columns.
#[inline]
pub(crate) fn butterfly_rows<F: Field>(x: &mut [F], y: &mut [F], tw: F) {
    let (xp, xs) = F::Packing::pack_slice_with_suffix_mut(x);
    let (yp, ys) = F::Packing::pack_slice_with_suffix_mut(y);
    if tw == F::ONE {
        for (a, b) in xp.iter_mut().zip(yp.iter_mut()) {
            let s = *a + *b;
            *b = *a - *b;
            *a = s;
        }
        for (a, b) in xs.iter_mut().zip(ys.iter_mut()) {
            let s = *a + *b;
            *b = *a - *b;
            *a = s;
        }
    } else {
        let twp: F::Packing = tw.into();
        for (a, b) in xp.iter_mut().zip(yp.iter_mut()) {
            let s = *a + *b;
            *b = (*a - *b) * twp;
            *a = s;
        }
        for (a, b) in xs.iter_mut().zip(ys.iter_mut()) {
            let s = *a + *b;
            *b = (*a - *b) * tw;
            *a = s;
        }
    }
}

/// Two consecutive DIF stages on four rows at once (a radix-2² butterfly): stage `s` pairs
/// `(r0, r2)` with twiddle `w1` and `(r1, r3)` with `w1h`; stage `s + 1` pairs `(r0, r1)` and
/// `(r2, r3)`, both with `w2`. Same multiplications as two radix-2 passes, half the loads and
/// stores, and half the passes over the block.
#[inline]
pub(crate) fn butterfly4_rows<F: Field>(rows: [&mut [F]; 4], w1: F, w1h: F, w2: F) {
    #[inline(always)]
    fn kernel<T: Copy + core::ops::Add<Output = T> + core::ops::Sub<Output = T> + core::ops::Mul<Output = T>>(
        a: &mut T,
        b: &mut T,
        c: &mut T,
        d: &mut T,
        w1: T,
        w1h: T,
        w2: T,
    ) {
        let (x0, x2) = (*a + *c, (*a - *c) * w1);
        let (x1, x3) = (*b + *d, (*b - *d) * w1h);
        *a = x0 + x1;
        *b = (x0 - x1) * w2;
        *c = x2 + x3;
        *d = (x2 - x3) * w2;
    }
    let [r0, r1, r2, r3] = rows;
    let (p0, s0) = F::Packing::pack_slice_with_suffix_mut(r0);
    let (p1, s1) = F::Packing::pack_slice_with_suffix_mut(r1);
    let (p2, s2) = F::Packing::pack_slice_with_suffix_mut(r2);
    let (p3, s3) = F::Packing::pack_slice_with_suffix_mut(r3);
    let (v1, v1h, v2): (F::Packing, F::Packing, F::Packing) = (w1.into(), w1h.into(), w2.into());
    for (((a, b), c), d) in p0.iter_mut().zip(p1.iter_mut()).zip(p2.iter_mut()).zip(p3.iter_mut()) {
        kernel(a, b, c, d, v1, v1h, v2);
    }
    for (((a, b), c), d) in s0.iter_mut().zip(s1.iter_mut()).zip(s2.iter_mut()).zip(s3.iter_mut()) {
        kernel(a, b, c, d, w1, w1h, w2);
    }
}

/// How a size-2^log_n network over rows of `width` is cut into strips and blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// log2 of the number of rows.
    pub log_n: usize,
    /// log2 of the rows in a block (the last `log_n2` stages run per block).
    pub log_n2: usize,
    /// log2 of the window of low indices a strip covers.
    pub log_t: usize,
}

/// Bytes of one block: half of a 2 MiB L2, leaving room for twiddles and the hash state.
const BLOCK_BYTES: usize = 512 << 10;
/// Bytes of one strip.
const STRIP_BYTES: usize = 1 << 20;

impl Blocking {
    /// An explicit cut: blocks of `2^log_n2` rows, strips of `2^log_t` low indices.
    pub fn new(log_n: usize, log_n2: usize, log_t: usize) -> Self {
        assert!(log_n2 <= log_n && log_t <= log_n2, "invalid blocking {log_n}/{log_n2}/{log_t}");
        Self { log_n, log_n2, log_t }
    }

    /// Sizes for rows of `row_bytes` bytes.
    pub fn for_rows(log_n: usize, row_bytes: usize) -> Self {
        let rows_fit = |bytes: usize| (bytes / row_bytes.max(1)).max(1).ilog2() as usize;
        let log_n2 = rows_fit(BLOCK_BYTES).clamp(4, 16).min(log_n);
        let log_n1 = log_n - log_n2;
        let log_t = rows_fit(STRIP_BYTES).saturating_sub(log_n1).min(log_n2);
        Self { log_n, log_n2, log_t }
    }

    /// log2 of the number of blocks.
    pub fn log_n1(&self) -> usize {
        self.log_n - self.log_n2
    }
}

/// The strips of `data` (row-major, `width` columns): strip `q` is, for every block `a`, the
/// `t` rows `a·n2 + q·t .. a·n2 + (q+1)·t`, as one slice per block.
pub(crate) fn strips<F>(data: &mut [F], width: usize, b: Blocking) -> Vec<Vec<&mut [F]>> {
    let (n2, t) = (1usize << b.log_n2, 1usize << b.log_t);
    let mut out: Vec<Vec<&mut [F]>> = (0..n2 / t).map(|_| Vec::with_capacity(1 << b.log_n1())).collect();
    for block in data.chunks_mut(n2 * width) {
        for (q, strip) in block.chunks_mut(t * width).enumerate() {
            out[q].push(strip);
        }
    }
    out
}

/// Runs the top `log_n1` stages on one strip (`q`-th window of low indices).
pub(crate) fn dif_strip<F: Field>(strip: &mut [&mut [F]], width: usize, q: usize, b: Blocking, tw: &DifTwiddles<F>) {
    let (n2, t) = (1usize << b.log_n2, 1usize << b.log_t);
    let n1 = strip.len();
    let b0 = q * t;
    let mut s = 0;
    while s < b.log_n1() {
        let half_a = n1 >> (s + 1);
        if s + 1 < b.log_n1() {
            // Stages s and s+1 together: slices a, a + h/2, a + h, a + 3h/2 of each 2h group.
            let quarter = half_a / 2;
            let (t1, t2) = (&tw.stages[s], &tw.stages[s + 1]);
            for group in strip.chunks_mut(2 * half_a) {
                let (lo, hi) = group.split_at_mut(half_a);
                let (q0, q1) = lo.split_at_mut(quarter);
                let (q2, q3) = hi.split_at_mut(quarter);
                for (i, (((r0, r1), r2), r3)) in
                    q0.iter_mut().zip(q1.iter_mut()).zip(q2.iter_mut()).zip(q3.iter_mut()).enumerate()
                {
                    // Global index of row r in slice i: i·n2 + b0 + r; stage s's exponent is
                    // that mod half_a·n2, stage s+1's that mod quarter·n2.
                    let base = i * n2 + b0;
                    for r in 0..t {
                        let rows = r * width..(r + 1) * width;
                        butterfly4_rows(
                            [&mut r0[rows.clone()], &mut r1[rows.clone()], &mut r2[rows.clone()], &mut r3[rows]],
                            t1[base + r],
                            t1[base + quarter * n2 + r],
                            t2[base + r],
                        );
                    }
                }
            }
            s += 2;
        } else {
            let table = &tw.stages[s];
            for group in strip.chunks_mut(2 * half_a) {
                let (lo, hi) = group.split_at_mut(half_a);
                for (i, (x, y)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                    let base = i * n2 + b0;
                    for r in 0..t {
                        let rows = r * width..(r + 1) * width;
                        butterfly_rows(&mut x[rows.clone()], &mut y[rows], table[base + r]);
                    }
                }
            }
            s += 1;
        }
    }
}

/// Runs the last `log_n2` stages on one block of `n2` contiguous rows.
pub(crate) fn dif_block<F: Field>(block: &mut [F], width: usize, b: Blocking, tw: &DifTwiddles<F>) {
    let mut s = b.log_n1();
    while s < b.log_n {
        let half = (1usize << b.log_n) >> (s + 1);
        if s + 1 < b.log_n {
            let quarter = half / 2;
            let (t1, t2) = (&tw.stages[s], &tw.stages[s + 1]);
            for group in block.chunks_mut(2 * half * width) {
                let (lo, hi) = group.split_at_mut(half * width);
                let (q0, q1) = lo.split_at_mut(quarter * width);
                let (q2, q3) = hi.split_at_mut(quarter * width);
                let rows =
                    q0.chunks_mut(width).zip(q1.chunks_mut(width)).zip(q2.chunks_mut(width)).zip(q3.chunks_mut(width));
                for (j, (((r0, r1), r2), r3)) in rows.enumerate() {
                    butterfly4_rows([r0, r1, r2, r3], t1[j], t1[j + quarter], t2[j]);
                }
            }
            s += 2;
        } else {
            let table = &tw.stages[s];
            for pair in block.chunks_mut(2 * half * width) {
                let (x, y) = pair.split_at_mut(half * width);
                for (j, (xr, yr)) in x.chunks_mut(width).zip(y.chunks_mut(width)).enumerate() {
                    butterfly_rows(xr, yr, table[j]);
                }
            }
            s += 1;
        }
    }
}

/// In place: every column of `data` (natural order, `2^tw.log_n()` rows) becomes its DFT in
/// bit-reversed row order (the inverse DFT times `n` with inverse twiddles).
pub fn dif_batch<F: Field>(data: &mut [F], width: usize, tw: &DifTwiddles<F>) {
    dif_batch_blocked(data, width, tw, Blocking::for_rows(tw.log_n, width * size_of::<F>()));
}

/// [`dif_batch`] with an explicit cut into strips and blocks (any cut gives the same result).
pub fn dif_batch_blocked<F: Field>(data: &mut [F], width: usize, tw: &DifTwiddles<F>, b: Blocking) {
    assert_eq!(data.len(), width << tw.log_n, "matrix is not 2^{} rows of width {width}", tw.log_n);
    assert_eq!(b.log_n, tw.log_n, "blocking and twiddles disagree on the size");
    if b.log_n1() > 0 {
        strips(data, width, b)
            .into_par_iter()
            .enumerate()
            .for_each(|(q, mut strip)| dif_strip(&mut strip, width, q, b, tw));
    }
    data.par_chunks_mut(width << b.log_n2).for_each(|block| dif_block(block, width, b, tw));
}

/// Fills strip `q` of `dst` from coefficients stored in bit-reversed order in `src`
/// (`src[bitrev(i)] = c_i`), multiplying row `i` by `scale[i]`. Reading the permuted rows here
/// saves the separate bit-reversal pass a DIF-after-DIF pipeline would otherwise need: for a
/// fixed low index `b` the sources are one contiguous run of `n1` rows.
pub(crate) fn gather_scaled_strip<F: Field>(
    strip: &mut [&mut [F]],
    src: &[F],
    width: usize,
    q: usize,
    b: Blocking,
    scale: &[F],
) {
    let (log_n1, t) = (b.log_n1(), 1usize << b.log_t);
    let n1 = 1usize << log_n1;
    let n2 = 1usize << b.log_n2;
    for r in 0..t {
        let bb = q * t + r;
        let run = reverse_bits(bb, b.log_n2) * n1;
        for a_rev in 0..n1 {
            let a = reverse_bits(a_rev, log_n1);
            let s = scale[a * n2 + bb];
            let sp: F::Packing = s.into();
            let from = &src[(run + a_rev) * width..(run + a_rev + 1) * width];
            let to = &mut strip[a][r * width..(r + 1) * width];
            let (tp, ts) = F::Packing::pack_slice_with_suffix_mut(to);
            let (fp, fs) = F::Packing::pack_slice_with_suffix(from);
            for (o, i) in tp.iter_mut().zip(fp) {
                *o = *i * sp;
            }
            for (o, i) in ts.iter_mut().zip(fs) {
                *o = *i * s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::TraceField;
    use crate::golden::{Fp, ntt};
    use crate::sample::random_trace;
    use p3_baby_bear::BabyBear;
    use p3_goldilocks::Goldilocks;

    fn dif_matches_golden<F: TraceField>(log_n: usize, width: usize, b: Blocking) {
        let id = F::ID;
        let f = Fp::new(id);
        let m = random_trace(id, 1 << log_n, width, (log_n * 1000 + width) as u64);
        let mut data: Vec<F> = m.values().iter().map(|&v| F::from_canonical(v)).collect();
        dif_batch_blocked(&mut data, width, &DifTwiddles::new(log_n, false), b);
        for c in 0..width {
            let mut col = m.column(c);
            ntt::dif_bitrev(f, &mut col, f.two_adic_root(log_n));
            let got: Vec<u64> = (0..1 << log_n).map(|r| data[r * width + c].canonical()).collect();
            assert_eq!(got, col, "{id} 2^{log_n} x {width}, column {c}");
        }
    }

    #[test]
    fn dif_batch_matches_golden_network() {
        for (log_n, width) in [(0, 3), (1, 1), (3, 17), (5, 16), (9, 33), (12, 8), (14, 5)] {
            let auto = Blocking::for_rows(log_n, width * 4);
            dif_matches_golden::<BabyBear>(log_n, width, auto);
            dif_matches_golden::<Goldilocks>(log_n, width, auto);
            // Force both phases at small sizes: every cut must give the same network.
            for log_n2 in 0..=log_n.min(4) {
                for log_t in 0..=log_n2 {
                    dif_matches_golden::<BabyBear>(log_n, width, Blocking::new(log_n, log_n2, log_t));
                }
            }
        }
    }

    #[test]
    fn blocking_covers_both_phases() {
        let b = Blocking::for_rows(20, 256);
        assert_eq!(b.log_n2 + b.log_n1(), 20);
        assert!(b.log_n1() > 0 && b.log_t <= b.log_n2);
        assert_eq!(Blocking::for_rows(3, 4).log_n1(), 0);
    }
}
