//! slotproof's CPU MSM against arkworks 0.6, in one run.
//!
//! `msm/<curve>/2^k`: `slotproof_core::cpu::msm::msm` (signed windows, batch-affine buckets,
//! rayon across windows) against arkworks' `VariableBaseMSM::msm` (signed windows, XYZZ
//! buckets, rayon across windows), BN254 and BLS12-381 G1, 2^12 to 2^20 points from
//! `msm_inputs` (uniform scalars). The two sums are checked equal before timing.
//!
//! Each group ends with `ratio <name>: <arkworks time / ours>x` (> 1: slotproof is faster),
//! from 3 interleaved runs. `SLOTPROOF_BENCH_QUICK=1` runs only 2^12.

use std::time::Duration;

use ark_ec::VariableBaseMSM;
use ark_ec::short_weierstrass::Projective;
use criterion::Criterion;
use slotproof_bench::{RATIO_RUNS as RUNS, bench_group, print_ratio_against, quick, timed};
use slotproof_core::cpu::msm::msm;
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve};
use slotproof_core::sample::msm_inputs;

const MEASURE: Duration = Duration::from_secs(5);

fn msm_pair<P: MsmCurve>(c: &mut Criterion, log_n: u32) {
    let name = format!("msm/{}/2^{log_n}", P::ID);
    let (points, scalars) = msm_inputs::<P>(1 << log_n, 0x5107 + u64::from(log_n));
    let ours = || msm(&points, &scalars).expect("valid inputs");
    let stock = || Projective::<P>::msm(&points, &scalars).expect("equal lengths");
    assert_eq!(ours(), stock(), "{name}: sums differ");

    let mut g = bench_group(c, &name, MEASURE);
    g.bench_function("slotproof", |b| b.iter(ours));
    g.bench_function("arkworks", |b| b.iter(stock));
    g.finish();
    let (mut o, mut a) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..RUNS {
        o += timed((), |()| ours());
        a += timed((), |()| stock());
    }
    print_ratio_against(&name, "arkworks", o, a);
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let sizes: &[u32] = if quick() { &[12] } else { &[12, 14, 16, 18, 20] };
    for &log_n in sizes {
        msm_pair::<Bn254>(&mut c, log_n);
        msm_pair::<Bls12_381>(&mut c, log_n);
    }
    c.final_summary();
}
