//! The twiddle ROM holds the golden model's roots of unity (and Plonky3's, which the golden
//! model is tested against), in Montgomery form: read back in rust-hdl and as Verilog.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::ntt::TwiddleRom;

const A: usize = 8;

/// Every address in order, then every address in a scrambled order, with bubbles.
fn addresses() -> Vec<(bool, u64)> {
    let n = 1u64 << A;
    let mut v: Vec<(bool, u64)> = (0..n).map(|j| (true, j)).collect();
    v.extend((0..2 * n).map(|k| (k % 3 != 2, (k * 37 + 11) % n)));
    v
}

fn expected(prime: Prime31, inverse: bool, addrs: &[(bool, u64)]) -> Vec<u64> {
    let table = TwiddleRom::<A>::twiddles(prime, inverse);
    addrs.iter().filter(|v| v.0).map(|&(_, j)| prime.to_mont(table[j as usize])).collect()
}

#[test]
fn twiddles_are_the_golden_roots() {
    for field in [FieldId::BabyBear, FieldId::KoalaBear] {
        let (prime, f) = (Prime31::new(field).unwrap(), Fp::new(field));
        let fwd = TwiddleRom::<A>::twiddles(prime, false);
        let inv = TwiddleRom::<A>::twiddles(prime, true);
        // ω has order exactly 2^(A+1): ω^(2^A) = −1, and the inverse table inverts entrywise.
        assert_eq!(f.mul(fwd[(1 << A) - 1], fwd[1]), f.neg(1), "{field}");
        assert!(fwd.iter().zip(&inv).all(|(&w, &v)| f.mul(w, v) == 1), "{field}");
        assert_eq!(fwd[1], f.two_adic_root(A + 1));
    }
}

#[test]
fn twiddle_rom_reads_back_in_rust_hdl() {
    for (field, inverse) in [(FieldId::BabyBear, false), (FieldId::KoalaBear, true)] {
        let prime = Prime31::new(field).unwrap();
        let addrs = addresses();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let drive = addrs.clone();
        let mut sim = simple_sim!(TwiddleRom<A>, clock, 100_000_000, ep, {
            let mut x = ep.init()?;
            for cycle in 0..drive.len() + 3 {
                if let Some(&(v, j)) = drive.get(cycle) {
                    x.valid_in.next = v;
                    x.addr.next = j.to_bits();
                } else {
                    x.valid_in.next = false;
                }
                wait_clock_cycle!(ep, clock, x);
                if x.valid_out.val() {
                    sink.lock().unwrap().push(x.w_mont.val().to_u64());
                }
            }
            ep.done(x)
        });
        let mut uut = TwiddleRom::<A>::new(prime, inverse);
        uut.connect_all();
        sim.run(Box::new(uut), 100 * sim_time::ONE_MILLISECOND).unwrap();
        let got = got.lock().unwrap().clone();
        assert_eq!(count_mismatches(&got, &expected(prime, inverse, &addrs)), 0, "{field}");
        // Negative control: the other direction's table differs almost everywhere.
        assert!(count_mismatches(&got, &expected(prime, !inverse, &addrs)) > 100, "{field}");
    }
}

#[test]
fn twiddle_rom_verilog_reads_back() {
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let addrs = addresses();
    let ports = Ports { inputs: vec![("addr", A)], outputs: vec![("w_mont", 32)] };
    let vectors: Vec<Vector> = addrs.iter().map(|&(v, j)| (v, vec![j])).collect();
    let verilog = verilog_of(TwiddleRom::<A>::new(prime, false));
    for sim in [Simulator::Iverilog, Simulator::VerilatorFromRust] {
        let got: Vec<u64> = simulate_unit("twiddle_rom", &verilog, &ports, TwiddleRom::<A>::LATENCY, &vectors, sim)
            .unwrap()
            .into_iter()
            .map(|o| o[0])
            .collect();
        assert_eq!(count_mismatches(&got, &expected(prime, false, &addrs)), 0, "{sim:?}");
    }
}
