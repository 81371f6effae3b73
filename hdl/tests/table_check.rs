//! `TwiddleCheck` and `ConstantsCheck` against the device model's tables
//! (`slotproof_sim::device::{twiddle_table, constants_table}`): the true tables of both
//! 31-bit fields back to back, separated by `clear`, with random gaps, in rust-hdl, Icarus and
//! Verilator; negative controls (one word perturbed at a random index, the table of another
//! `log_n`, the other field's table, a non-canonical word `x + p`, a `log_n` with no table,
//! a constants table one word too long or short), each of which must drop `ok` from that word
//! on.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::Field;
use slotproof_hdl::card::table_check::constants_words;
use slotproof_hdl::card::{ConstantsCheck, TwiddleCheck};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_sim::device::{constants_table, twiddle_table};

const FIELDS: [(Field, FieldId); 2] = [(Field::BabyBear, FieldId::BabyBear), (Field::KoalaBear, FieldId::KoalaBear)];

fn prime(id: FieldId) -> Prime31 {
    Prime31::new(id).expect("31-bit field")
}

fn words_of(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect()
}

/// `len` powers of the primitive `2^log_n`-th root of unity (empty if there is none): the
/// device model's twiddle table for `len = 2^(log_n − 1)`, and what the checker expects
/// beyond it.
fn powers(id: FieldId, log_n: usize, len: usize) -> Vec<u32> {
    if log_n == 0 || log_n > id.two_adicity() {
        return Vec::new();
    }
    let f = Fp::new(id);
    let w = f.two_adic_root(log_n);
    std::iter::successors(Some(1u64), |&x| Some(f.mul(x, w))).take(len).map(|x| x as u32).collect()
}

/// One table as the test sends it: the `log_n` held with it (twiddles), its words, and the
/// verdict after every word.
struct Table {
    log_n: u64,
    words: Vec<u32>,
    /// `(ok, words, complete)` after each word.
    want: Vec<(bool, u64, bool)>,
}

/// The verdicts of a checker that compares `words` with `truth` word by word; `bounded`:
/// a word past the end of `truth` is wrong (constants) rather than never expected
/// (twiddles extend `truth` as far as needed).
fn verdicts(words: &[u32], truth: &[u32]) -> Vec<(bool, u64, bool)> {
    let mut ok = true;
    (0..words.len())
        .map(|k| {
            ok &= truth.get(k) == Some(&words[k]);
            (ok, k as u64 + 1, ok && k + 1 == truth.len())
        })
        .collect()
}

/// The tables back to back: `clear` alone or with the first word, gaps of random length
/// (about one cycle in four) with random words. Inputs `[clear, log_n, word]`; the
/// expected outputs of every word, `ports` order.
fn stream(
    rng: &mut SplitMix64,
    tables: &[Table],
    outputs: fn(&(bool, u64, bool)) -> Vec<u64>,
) -> (Vec<Vector>, Vec<Vec<u64>>) {
    let (mut vecs, mut want) = (Vec::new(), Vec::new());
    let gap = |vecs: &mut Vec<Vector>, rng: &mut SplitMix64, log_n| {
        while rng.next_u64().is_multiple_of(4) {
            vecs.push((false, vec![0, log_n, rng.next_u64() & 0xffff_ffff]));
        }
    };
    for t in tables {
        let alone = t.words.is_empty() || rng.next_u64() & 1 == 0;
        if alone {
            vecs.push((false, vec![1, t.log_n, rng.next_u64() & 0xffff_ffff]));
        }
        for (k, (&w, v)) in t.words.iter().zip(&t.want).enumerate() {
            gap(&mut vecs, rng, t.log_n);
            vecs.push((true, vec![u64::from(k == 0 && !alone), t.log_n, u64::from(w)]));
            want.push(outputs(v));
        }
        gap(&mut vecs, rng, t.log_n);
    }
    vecs.push((false, vec![0, 0, 0]));
    (vecs, want)
}

/// A random index of `words` and a different value for it.
fn perturb(rng: &mut SplitMix64, words: &mut [u32]) {
    let k = (rng.next_u64() % words.len() as u64) as usize;
    words[k] ^= 1 << (rng.next_u64() % 31);
}

/// A random index of `words` made non-canonical: `x + p`, the same residue.
fn non_canonical(rng: &mut SplitMix64, words: &mut [u32], p: u64) {
    let k = (rng.next_u64() % words.len() as u64) as usize;
    words[k] += p as u32;
}

/// The twiddle tables of one field: the true tables for `log_ns` and the random
/// `random_log_n`, then the negative controls (on tables of at most `2^max_log` rows).
fn twiddle_tables(rng: &mut SplitMix64, id: FieldId, log_ns: &[usize], max_log: usize) -> Vec<Table> {
    let other = if id == FieldId::BabyBear { FieldId::KoalaBear } else { FieldId::BabyBear };
    let table = |log_n: usize, words: Vec<u32>| {
        let truth = powers(id, log_n, words.len());
        Table { log_n: log_n as u64, want: verdicts(&words, &truth), words }
    };
    let true_words = |log_n: usize| powers(id, log_n, 1 << (log_n - 1));
    let mut out: Vec<Table> = log_ns.iter().map(|&l| table(l, true_words(l))).collect();
    let mut pick = |lo: usize| lo + (rng.next_u64() % (max_log - lo + 1) as u64) as usize;
    let (l1, l2, l3, l4) = (pick(1), pick(2), pick(2), pick(1));
    let mut perturbed = true_words(l1);
    let mut alien = true_words(l4);
    perturb(rng, &mut perturbed);
    non_canonical(rng, &mut alien, id.modulus());
    out.push(table(l1, perturbed));
    out.push(table(l2, true_words(l2 - 1 + 2 * (l2 == 2) as usize)));
    out.push(table(l3, powers(other, l3, 1 << (l3 - 1))));
    out.push(table(l4, alien));
    // No table for these sizes: the first word already fails.
    out.push(table(0, vec![1]));
    out.push(table(id.two_adicity() + 1, vec![1, 1]));
    out.push(table(31, vec![1]));
    // The true table once more after the negative controls.
    out.push(table(5, true_words(5)));
    for t in &out[log_ns.len()..out.len() - 1] {
        assert!(
            !t.want.last().unwrap().0,
            "a negative control ended ok: log_n {} {:x?}",
            t.log_n,
            &t.words[..2.min(t.words.len())]
        );
    }
    out
}

/// The constants tables of one field: the true table, then the negative controls.
fn constants_tables(rng: &mut SplitMix64, id: FieldId, copies: usize) -> Vec<Table> {
    let (field, other) =
        if id == FieldId::BabyBear { (Field::BabyBear, Field::KoalaBear) } else { (Field::KoalaBear, Field::BabyBear) };
    let truth = words_of(&constants_table(field));
    let table = |words: Vec<u32>| Table { log_n: 0, want: verdicts(&words, &truth), words };
    let mut out: Vec<Table> = (0..copies).map(|_| table(truth.clone())).collect();
    let mut perturbed = truth.clone();
    let mut alien = truth.clone();
    perturb(rng, &mut perturbed);
    non_canonical(rng, &mut alien, id.modulus());
    let mut long = truth.clone();
    long.push(truth[0]);
    out.extend([table(perturbed), table(words_of(&constants_table(other))), table(alien), table(long)]);
    out.push(table(truth[..truth.len() - 1].to_vec()));
    out.push(table(Vec::new()));
    out.push(table(truth.clone()));
    out
}

/// A checker in rust-hdl, driven like `simulate_unit` drives its Verilog.
trait Checker: Block {
    fn drive(&mut self, valid: bool, inputs: &[u64]);
    fn outputs(&self) -> Option<Vec<u64>>;
    fn clock(&mut self) -> &mut Signal<In, Clock>;
    fn clk(&self) -> bool;
}

impl Checker for TwiddleCheck {
    fn drive(&mut self, valid: bool, inputs: &[u64]) {
        self.valid_in.next = valid;
        self.clear.next = inputs[0] != 0;
        self.log_n.next = inputs[1].into();
        self.word.next = inputs[2].into();
    }
    fn outputs(&self) -> Option<Vec<u64>> {
        self.valid_out.val().then(|| vec![u64::from(self.ok.val()), self.words.val().to_u64()])
    }
    fn clock(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
    fn clk(&self) -> bool {
        self.clock.val().clk
    }
}

impl Checker for ConstantsCheck {
    fn drive(&mut self, valid: bool, inputs: &[u64]) {
        self.valid_in.next = valid;
        self.clear.next = inputs[0] != 0;
        self.word.next = inputs[1].into();
    }
    fn outputs(&self) -> Option<Vec<u64>> {
        self.valid_out
            .val()
            .then(|| vec![u64::from(self.ok.val()), self.words.val().to_u64(), u64::from(self.complete.val())])
    }
    fn clock(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
    fn clk(&self) -> bool {
        self.clock.val().clk
    }
}

fn rust_hdl_outputs<T: Checker + Send + 'static>(uut: T, vecs: Vec<Vector>, latency: usize) -> Vec<Vec<u64>> {
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let cycles = vecs.len() + latency + 2;
    let mut sim = Simulation::<T>::new();
    sim.add_clock(5, |x: &mut Box<T>| {
        let c = x.clock();
        c.next = !c.val();
    });
    sim.add_testbench(move |mut ep: Sim<T>| {
        let mut x = ep.init()?;
        let mut got = Vec::new();
        for i in 0..cycles {
            let (valid, values) = vecs.get(i).cloned().unwrap_or((false, vec![0, 0, 0]));
            x.drive(valid, &values);
            x = ep.watch(|x| x.clk(), x)?;
            x = ep.watch(|x| !x.clk(), x)?;
            got.extend(x.outputs());
        }
        *sink.lock().unwrap() = got;
        ep.done(x)
    });
    sim.run(Box::new(uut), (cycles as u64 + 4) * 10).unwrap();
    out.lock().unwrap().clone()
}

fn twiddle_ports() -> Ports {
    Ports { inputs: vec![("clear", 1), ("log_n", 5), ("word", 32)], outputs: vec![("ok", 1), ("words", 32)] }
}

fn constants_ports() -> Ports {
    Ports { inputs: vec![("clear", 1), ("word", 32)], outputs: vec![("ok", 1), ("words", 32), ("complete", 1)] }
}

fn twiddle_out(v: &(bool, u64, bool)) -> Vec<u64> {
    vec![u64::from(v.0), v.1]
}

fn constants_out(v: &(bool, u64, bool)) -> Vec<u64> {
    vec![u64::from(v.0), v.1, u64::from(v.2)]
}

/// The golden powers are the device model's tables.
#[test]
fn golden_tables_are_the_device_models() {
    for (field, id) in FIELDS {
        for log_n in 0..=16.min(id.two_adicity() + 1) {
            assert_eq!(
                words_of(&twiddle_table(field, log_n as u8)),
                powers(id, log_n, (1 << log_n) / 2),
                "{id} 2^{log_n}"
            );
        }
        assert_eq!(words_of(&twiddle_table(field, id.two_adicity() as u8 + 1)), Vec::<u32>::new());
        assert_eq!(words_of(&constants_table(field)), constants_words(prime(id)), "{id} round constants");
    }
}

#[test]
fn twiddle_check_in_rust_hdl() {
    let seed = test_seed("twiddle_check_in_rust_hdl");
    let mut rng = SplitMix64::new(seed);
    for (_, id) in FIELDS {
        let random = 1 + (rng.next_u64() % 10) as usize;
        let tables = twiddle_tables(&mut rng, id, &[1, 2, 5, 12, random], 8);
        let (vecs, want) = stream(&mut rng, &tables, twiddle_out);
        let got = rust_hdl_outputs(TwiddleCheck::new(prime(id)), vecs, TwiddleCheck::LATENCY);
        assert_eq!(count_mismatches(&got, &want), 0, "{id}, seed {seed}");
    }
}

#[test]
fn twiddle_check_verilog() {
    let seed = test_seed("twiddle_check_verilog");
    let mut rng = SplitMix64::new(seed);
    for (_, id) in FIELDS {
        let verilog = verilog_of(TwiddleCheck::new(prime(id)));
        for (sim, max) in [(Simulator::Iverilog, 10), (Simulator::VerilatorFromRust, 16)] {
            let random = 1 + (rng.next_u64() % max) as usize;
            let tables = twiddle_tables(&mut rng, id, &[1, 2, 5, 12, random], max as usize);
            let (vecs, want) = stream(&mut rng, &tables, twiddle_out);
            let name = format!("twiddle_check_{id}");
            let got = simulate_unit(&name, &verilog, &twiddle_ports(), TwiddleCheck::LATENCY, &vecs, sim).unwrap();
            assert_eq!(count_mismatches(&got, &want), 0, "{id} {sim:?}, seed {seed}");
        }
    }
}

#[test]
fn constants_check_in_rust_hdl_and_verilog() {
    let seed = test_seed("constants_check_in_rust_hdl_and_verilog");
    let mut rng = SplitMix64::new(seed);
    for (_, id) in FIELDS {
        let tables = constants_tables(&mut rng, id, 3);
        for t in &tables[3..tables.len() - 1] {
            assert!(!t.want.last().is_some_and(|v| v.2), "a negative control ended complete");
        }
        let (vecs, want) = stream(&mut rng, &tables, constants_out);
        // No log_n.
        let vecs: Vec<Vector> = vecs.into_iter().map(|(v, x)| (v, vec![x[0], x[2]])).collect();
        let got = rust_hdl_outputs(ConstantsCheck::new(prime(id)), vecs.clone(), ConstantsCheck::LATENCY);
        assert_eq!(count_mismatches(&got, &want), 0, "{id} rust-hdl, seed {seed}");
        let verilog = verilog_of(ConstantsCheck::new(prime(id)));
        for sim in [Simulator::Iverilog, Simulator::VerilatorFromRust] {
            let name = format!("constants_check_{id}");
            let got = simulate_unit(&name, &verilog, &constants_ports(), ConstantsCheck::LATENCY, &vecs, sim).unwrap();
            assert_eq!(count_mismatches(&got, &want), 0, "{id} {sim:?}, seed {seed}");
        }
    }
}
