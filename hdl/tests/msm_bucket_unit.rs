//! The bucket unit up the ladder: rust-hdl simulation and its Verilog under iverilog and
//! Verilator. The oracle is arkworks: every bucket the unit leaves, plus the exceptions it
//! lists for that bucket, is the sum of the points sent to it. The retry queue reorders the
//! additions into a bucket, so the coordinates are checked bit for bit between rust-hdl and
//! the Verilog (same RTL, two simulators) rather than against an arrival-order model. Eight
//! buckets make read-after-write hazards constant; 4,096 show the rate a real window gets.

use std::sync::{Arc, Mutex};

use ark_ec::CurveGroup;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::PrimeField;
use num_bigint::BigUint;
use rust_hdl::prelude::*;
use slotproof_core::CurveId;
use slotproof_core::curve::{Bls12_381, Bn254, MsmCurve};
use slotproof_core::golden::xyzz::Xyzz;
use slotproof_core::sample::{SplitMix64, msm_inputs, test_seed};
use slotproof_hdl::eda::{Simulator, simulate_with_testbench, verilog_of};
use slotproof_hdl::msm::{BucketUnit, WideField};

const B: usize = 3;
const NB: usize = 1 << B;
const E: usize = 4;

/// What the host reads back after a window: each bucket (`None`: empty) as Montgomery words
/// `(X, Y, ZZ, ZZZ)`, the exception list `(bucket, x, y)`, the overflow flag, and the cycles
/// the points took to go in.
#[derive(Clone, Debug, Default, PartialEq)]
struct Readback {
    buckets: Vec<Option<[BigUint; 4]>>,
    exceptions: Vec<(usize, BigUint, BigUint)>,
    overflow: bool,
    cycles: usize,
}

/// Points for the window: a doubling and a cancellation first, then points drawn from a
/// pool (and their negations) into random buckets but the last, so repeats, doublings and
/// empty sums recur.
fn window<P: MsmCurve>(n: usize, pool: usize, seed: u64) -> Vec<(usize, Affine<P>)> {
    let (pool, _) = msm_inputs::<P>(pool, seed);
    let mut rng = SplitMix64::new(seed ^ 0x5eed);
    let mut items = vec![(0, pool[0]), (0, pool[0]), (1, pool[1]), (1, -pool[1]), (1, pool[2])];
    while items.len() < n {
        let point = pool[(rng.next_u64() % pool.len() as u64) as usize];
        let point = if rng.next_u64().is_multiple_of(3) { -point } else { point };
        // Bucket 0 holds only the doubling pair: the retry queue may reorder the additions into
        // a bucket, and another point between the two would make the second no doubling. The
        // last bucket is never used: reading back an empty bucket is part of the test.
        items.push((1 + (rng.next_u64() % (NB as u64 - 2)) as usize, point));
    }
    items
}

/// The outside check: each bucket the hardware left, plus its exceptions, is arkworks' sum of
/// the points sent to that bucket.
fn sums_agree_with_arkworks<P: MsmCurve>(
    f: &WideField,
    items: &[(usize, Affine<P>)],
    got: &Readback,
) -> Result<(), String> {
    if got.overflow {
        return Err("the exception list overflowed: the window must be recomputed, not checked".into());
    }
    let from_mont = |x: &BigUint| P::BaseField::from_le_bytes_mod_order(&(x * &f.r_inv % &f.p).to_bytes_le());
    let mut want = vec![Projective::<P>::default(); got.buckets.len()];
    for (b, p) in items {
        want[*b] += p;
    }
    for (b, want) in want.into_iter().enumerate() {
        let held = match &got.buckets[b] {
            None => Affine::<P>::identity(),
            Some([x, y, zz, zzz]) => {
                let s =
                    Xyzz { x: from_mont(x), y: from_mont(y), zz: from_mont(zz), zzz: from_mont(zzz), infinity: false };
                s.to_affine::<P>().ok_or(format!("bucket {b} is not a curve point"))?
            }
        };
        let mut have: Projective<P> = held.into();
        for (_, x, y) in got.exceptions.iter().filter(|(k, _, _)| *k == b) {
            let point = Affine::<P>::new(from_mont(x), from_mont(y));
            have += point;
        }
        if have.into_affine() != want.into_affine() {
            return Err(format!("bucket {b} plus its exceptions is not the sum of its points"));
        }
    }
    Ok(())
}

macro_rules! run_in_rust_hdl {
    ($n:literal, $curve:ty, $items:expr, $f:expr) => {{
        let f: WideField = $f;
        let items: Vec<(usize, BigUint, BigUint)> =
            $items.iter().map(|(b, p): &(usize, Affine<$curve>)| (*b, f.mont_form(p.x), f.mont_form(p.y))).collect();
        let out = Arc::new(Mutex::new(Readback::default()));
        let sink = out.clone();
        let mut sim = simple_sim!(BucketUnit<$n, B, NB, E>, clock, 100_000_000, ep, {
            let mut x = ep.init()?;
            let mut r = Readback::default();
            x.clear.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.clear.next = false;
            let mut next = 0;
            while next < items.len() {
                let (b, px, py) = &items[next];
                x.in_valid.next = true;
                x.in_bucket.next = (*b as u64).to_bits();
                x.in_x.next = px.clone().into();
                x.in_y.next = py.clone().into();
                x = ep.wait(1, x)?;
                let taken = x.in_ready.val();
                wait_clock_cycle!(ep, clock, x);
                r.cycles += 1;
                if taken {
                    next += 1;
                }
                sim_assert!(ep, r.cycles < 100_000, x);
            }
            x.in_valid.next = false;
            for _ in 0..100_000 {
                wait_clock_cycle!(ep, clock, x);
                if !x.busy.val() {
                    break;
                }
            }
            sim_assert!(ep, !x.busy.val(), x);
            for b in 0..NB {
                x.rd_bucket.next = (b as u64).to_bits();
                wait_clock_cycle!(ep, clock, x);
                r.buckets.push((!x.rd_empty.val()).then(|| {
                    [x.rd_x.val().into(), x.rd_y.val().into(), x.rd_zz.val().into(), x.rd_zzz.val().into()]
                }));
            }
            let count = x.exceptions.val().to_u64() as usize;
            r.overflow = x.exc_overflow.val();
            for e in 0..count {
                x.rd_exception.next = (e as u64).to_bits();
                wait_clock_cycle!(ep, clock, x);
                r.exceptions.push((x.exc_bucket.val().to_u64() as usize, x.exc_x.val().into(), x.exc_y.val().into()));
            }
            *sink.lock().unwrap() = r;
            ep.done(x)
        });
        let mut uut = BucketUnit::<$n, B, NB, E>::new(&f).unwrap();
        uut.connect_all();
        sim.run(Box::new(uut), 1_000 * sim_time::ONE_SEC).unwrap();
        let r = out.lock().unwrap().clone();
        r
    }};
}

/// Nothing is left out: every point went into a bucket or the exception list, and the
/// exception list holds only doublings (a point equal to its bucket's sum when it arrived, so
/// its bucket is not empty).
fn exceptions_are_plausible(got: &Readback) {
    for (b, _, _) in &got.exceptions {
        assert!(got.buckets[*b].is_some() || got.exceptions.iter().filter(|e| e.0 == *b).count() > 1, "bucket {b}");
    }
}

#[test]
fn bucket_unit_sums_agree_with_arkworks_in_rust_hdl() {
    let seed = test_seed("bucket_unit_sums_agree_with_arkworks_in_rust_hdl");
    let f = WideField::new(CurveId::Bn254);
    let items = window::<Bn254>(40, 10, seed);
    let got = run_in_rust_hdl!(254, Bn254, items, f.clone());
    assert!(!got.exceptions.is_empty() && got.buckets.iter().any(Option::is_none), "the window has every case");
    sums_agree_with_arkworks(&f, &items, &got).unwrap();
    exceptions_are_plausible(&got);
    // Negative control: the same read-back against a window with one point moved.
    let mut moved = items.clone();
    moved[7].0 = (moved[7].0 + 1) % (NB - 1);
    assert!(sums_agree_with_arkworks(&f, &moved, &got).is_err(), "the check cannot tell windows apart");
}

/// The unit's testbench: clear, stream the points in (holding each until `in_ready`), wait
/// for `busy` to fall, read back every bucket and exception.
fn testbench(bits: usize, items: usize, bucket_bits: usize) -> String {
    let w = bits - 1;
    format!(
        r#"`timescale 1ns/1ps
module tb;
  reg clock = 0;
  reg clear = 0;
  reg in_valid = 0;
  reg [{bm}:0] in_bucket = 0;
  reg [{w}:0] in_x = 0, in_y = 0;
  reg [{bm}:0] rd_bucket = 0;
  reg [{em}:0] rd_exception = 0;
  wire in_ready, busy, rd_empty, exc_overflow;
  wire [{w}:0] rd_x, rd_y, rd_zz, rd_zzz, exc_x, exc_y;
  wire [{bm}:0] exc_bucket;
  wire [31:0] exceptions;
  top uut(.clock(clock), .clear(clear), .in_valid(in_valid), .in_ready(in_ready), .in_bucket(in_bucket),
          .in_x(in_x), .in_y(in_y), .busy(busy), .rd_bucket(rd_bucket), .rd_x(rd_x), .rd_y(rd_y), .rd_zz(rd_zz),
          .rd_zzz(rd_zzz), .rd_empty(rd_empty), .rd_exception(rd_exception), .exc_x(exc_x), .exc_y(exc_y),
          .exc_bucket(exc_bucket), .exceptions(exceptions), .exc_overflow(exc_overflow));
  reg [{bm}:0] mem_b [0:{last}];
  reg [{w}:0] mem_x [0:{last}];
  reg [{w}:0] mem_y [0:{last}];
  integer next, cycles, k, f;
  reg taken;
  task tick; begin #5 clock = 1; #5 clock = 0; end endtask
  initial begin
    $readmemh("b.hex", mem_b);
    $readmemh("x.hex", mem_x);
    $readmemh("y.hex", mem_y);
    f = $fopen("out.txt", "w");
    clear = 1; tick; clear = 0;
    next = 0; cycles = 0;
    while (next < {items} && cycles < 100000) begin
      in_valid = 1; in_bucket = mem_b[next]; in_x = mem_x[next]; in_y = mem_y[next];
      #4 taken = in_ready;
      #1 clock = 1; #5 clock = 0;
      cycles = cycles + 1;
      if (taken) next = next + 1;
    end
    in_valid = 0;
    k = 0;
    tick;
    while (busy && k < 100000) begin tick; k = k + 1; end
    for (k = 0; k < {nb}; k = k + 1) begin
      rd_bucket = k; tick;
      $fwrite(f, "B %h %h %h %h %h\n", rd_empty, rd_x, rd_y, rd_zz, rd_zzz);
    end
    for (k = 0; k < exceptions; k = k + 1) begin
      rd_exception = k; tick;
      $fwrite(f, "E %h %h %h\n", exc_bucket, exc_x, exc_y);
    end
    $fwrite(f, "C %h %h\n", exc_overflow, cycles);
    $fclose(f);
    $finish;
  end
endmodule
"#,
        bm = bucket_bits - 1,
        em = E - 1,
        nb = 1usize << bucket_bits,
        last = items - 1,
    )
}

fn parse_readback(text: &str) -> Readback {
    let hex = |w: &str| BigUint::parse_bytes(w.as_bytes(), 16).unwrap_or_else(|| panic!("not hex: {w}"));
    let mut r = Readback::default();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["B", empty, x, y, zz, zzz] => {
                r.buckets.push((*empty == "0").then(|| [hex(x), hex(y), hex(zz), hex(zzz)]));
            }
            ["E", b, x, y] => r.exceptions.push((usize::from_str_radix(b, 16).unwrap(), hex(x), hex(y))),
            ["C", overflow, cycles] => {
                r.overflow = *overflow == "1";
                r.cycles = usize::from_str_radix(cycles, 16).unwrap();
            }
            _ => panic!("unexpected testbench line: {line}"),
        }
    }
    r
}

fn bucket_unit_verilog<P: MsmCurve, const N: usize, const BB: usize, const NBB: usize>(
    sim: Simulator,
    items: &[(usize, Affine<P>)],
) -> Readback {
    let f = WideField::new(P::ID);
    let verilog = verilog_of(BucketUnit::<N, BB, NBB, E>::new(&f).unwrap());
    let column = |k: usize| -> String {
        items
            .iter()
            .map(|(b, p)| match k {
                0 => format!("{b:x}\n"),
                1 => format!("{:x}\n", f.mont_form(p.x)),
                _ => format!("{:x}\n", f.mont_form(p.y)),
            })
            .collect()
    };
    let files = [("b.hex", column(0)), ("x.hex", column(1)), ("y.hex", column(2))];
    let text = simulate_with_testbench(
        &format!("bucket_unit_{}", P::ID),
        &verilog,
        &testbench(N, items.len(), BB),
        &files,
        sim,
    )
    .unwrap();
    let got = parse_readback(&text);
    // An overflowed exception list is the host's cue to recompute the window: only a
    // complete one must add up.
    if !got.overflow {
        sums_agree_with_arkworks(&f, items, &got).unwrap();
        exceptions_are_plausible(&got);
    }
    got
}

#[test]
fn bucket_unit_verilog_agrees_with_arkworks_and_rust_hdl_under_iverilog() {
    let seed = test_seed("bucket_unit_verilog_agrees_with_arkworks_and_rust_hdl_under_iverilog");
    let f = WideField::new(CurveId::Bn254);
    let items = window::<Bn254>(60, 10, seed);
    let got = bucket_unit_verilog::<Bn254, 254, B, NB>(Simulator::Iverilog, &items);
    assert!(!got.overflow && !got.exceptions.is_empty());
    // The same RTL in rust-hdl's simulator: the same buckets, bit for bit, in as many cycles.
    let model = run_in_rust_hdl!(254, Bn254, items, f.clone());
    assert_eq!(got, model, "iverilog and rust-hdl disagree");
    // One point sent to one bucket again and again: every addition after the first is a
    // doubling, they pile up past the list's 16 slots, and the unit must say so.
    let (points, _) = msm_inputs::<Bn254>(2, seed);
    let mut items = vec![(2, points[0]); 20];
    items.push((3, points[1]));
    let got = bucket_unit_verilog::<Bn254, 254, B, NB>(Simulator::Iverilog, &items);
    assert!(
        got.overflow && got.exceptions.len() == 1 << E,
        "{} exceptions, overflow {}",
        got.exceptions.len(),
        got.overflow
    );
}

/// The long run, both curves.
#[test]
fn bucket_unit_verilog_agrees_with_arkworks_under_verilator() {
    let seed = test_seed("bucket_unit_verilog_agrees_with_arkworks_under_verilator");
    // Many points, few of them equal: the exception list holds them all.
    let got = bucket_unit_verilog::<Bn254, 254, B, NB>(Simulator::Verilator, &window(700, 500, seed));
    eprintln!("bn254: 700 points into {NB} buckets in {} cycles, {} exceptions", got.cycles, got.exceptions.len());
    let got = bucket_unit_verilog::<Bls12_381, 381, B, NB>(Simulator::Verilator, &window(400, 500, seed));
    eprintln!("bls12-381: 400 points into {NB} buckets in {} cycles", got.cycles);
}

/// The rate of a real window: 2^12 buckets, 3,000 distinct points with uniform buckets. The
/// retry queue keeps the unit near one point per cycle where waiting in order for a busy
/// bucket would take 1.7 cycles per point (a model of that rule is run on the same buckets
/// for comparison).
#[test]
fn bucket_unit_takes_a_point_per_cycle_at_4096_buckets() {
    let seed = test_seed("bucket_unit_takes_a_point_per_cycle_at_4096_buckets");
    let f = WideField::new(CurveId::Bn254);
    let (points, _) = msm_inputs::<Bn254>(3000, seed);
    let mut rng = SplitMix64::new(seed);
    let items: Vec<(usize, Affine<Bn254>)> =
        points.into_iter().map(|p| ((rng.next_u64() % 4096) as usize, p)).collect();
    let got = bucket_unit_verilog::<Bn254, 254, 12, 4096>(Simulator::Verilator, &items);
    // What in-order issue would take: each point waits for its bucket's previous sum.
    let latency = BucketUnit::<254, 12, 4096, E>::latency(&f);
    let (mut t, mut free_at) = (0usize, vec![0usize; 4096]);
    for (b, _) in &items {
        t = t.max(free_at[*b]);
        free_at[*b] = t + latency;
        t += 1;
    }
    let per_point = got.cycles as f64 / items.len() as f64;
    eprintln!(
        "4096 buckets: {} points in {} cycles ({per_point:.3} per point); in-order issue: {t} ({:.3})",
        items.len(),
        got.cycles,
        t as f64 / items.len() as f64
    );
    assert!(per_point < 1.05, "{per_point:.3} cycles per point");
    assert!(t as f64 / items.len() as f64 > 1.3, "the in-order comparison lost its point");
}
