//! The card's whole admission (decoder, shape checker and operand checker side by side)
//! against the device model's checks 1–4 in order (`admit`, `admit_shape`,
//! `admit_operands`): the emitted Verilog under Verilator on descriptors broken at every
//! stage, often at several at once, so that the first refusal must win. A negative control
//! shows the comparison sees the stages taken in the wrong order.

mod common;

use common::{Case, cases, shape_limits};
use slotproof_core::sample::test_seed;
use slotproof_firmware::command::word;
use slotproof_firmware::regs::caps;
use slotproof_hdl::card::{Admission, AdmissionConfig, Limits};
use slotproof_hdl::eda::{Ports, Simulator, Vector, count_mismatches, simulate_unit, verilog_of};
use slotproof_sim::device::executor::{Fail, admit, admit_operands, admit_shape};

fn config() -> AdmissionConfig {
    let all = caps::ALL.iter().fold(0, |m, f| m | f.mask());
    AdmissionConfig { caps: all & !caps::GOLDILOCKS.mask(), limits: Limits::U55C, mem_bytes: 8 << 30 }
}

/// The device model's verdict: checks 1–4 in its order, or the stages in `order` (a
/// permutation of 0 decode, 1 shape, 2 operands) for the negative control.
fn oracle(c: &Case, cfg: AdmissionConfig, order: [usize; 3]) -> [u64; 2] {
    let verdict = || -> Result<(), Fail> {
        let cmd = admit(&c.words, c.doorbell, cfg.caps)?;
        let stages: [&dyn Fn() -> Result<(), Fail>; 3] =
            [&|| Ok(()), &|| admit_shape(&cmd, &shape_limits(cfg.limits)), &|| admit_operands(&cmd, cfg.mem_bytes)];
        for i in order {
            stages[i]()?;
        }
        Ok(())
    };
    match verdict() {
        Ok(()) => [0, 0],
        Err(f) => [f.0 as u64, u64::from(f.1)],
    }
}

fn inputs(c: &Case) -> Vec<u64> {
    let w = |i: u8| u64::from(c.words[usize::from(i)]);
    let wide = |i: u8| w(i) | w(i + 1) << 32;
    let r = word::FIRST_RESERVED;
    vec![
        w(word::HEADER),
        w(word::SEQ),
        wide(word::SRC),
        wide(word::DST),
        wide(word::AUX),
        w(word::SHAPE),
        w(word::COUNT),
        w(word::SRC_LEN),
        w(r),
        w(r + 1),
        w(r + 2),
        w(r + 3),
        u64::from(c.doorbell),
    ]
}

fn ports() -> Ports {
    Ports {
        inputs: vec![
            ("header", 32),
            ("seq", 32),
            ("src", 64),
            ("dst", 64),
            ("aux", 64),
            ("shape", 32),
            ("count", 32),
            ("src_len", 32),
            ("w12", 32),
            ("w13", 32),
            ("w14", 32),
            ("w15", 32),
            ("doorbell", 32),
        ],
        outputs: vec![("error_code", 8), ("error_word", 4)],
    }
}

fn verilog_verdicts(cases: &[Case], sim: Simulator) -> Vec<[u64; 2]> {
    let vectors: Vec<Vector> = cases.iter().map(|c| (true, inputs(c))).collect();
    simulate_unit("admission", &verilog_of(Admission::new(config())), &ports(), Admission::LATENCY, &vectors, sim)
        .unwrap()
        .into_iter()
        .map(|v| [v[0], v[1]])
        .collect()
}

#[test]
fn admission_matches_the_device_model_under_iverilog_and_verilator() {
    let seed = test_seed("admission_matches_the_device_model_under_iverilog_and_verilator");
    for (sim, n) in [(Simulator::Iverilog, 1_000), (Simulator::VerilatorFromRust, 50_000)] {
        let cases = cases(n, seed ^ n as u64);
        let want: Vec<[u64; 2]> = cases.iter().map(|c| oracle(c, config(), [0, 1, 2])).collect();
        // Every stage refuses a fair share, and some pass all four checks (asserted on the
        // long run, where a share this size cannot be missed by chance).
        if sim == Simulator::VerilatorFromRust {
            for code in [0, 1, 2, 3, 4, 7] {
                let k = want.iter().filter(|v| v[0] == code).count();
                assert!(k >= n / 100, "{sim:?}: only {k} of {n} verdicts have code {code}");
            }
        }
        let got = verilog_verdicts(&cases, sim);
        assert_eq!(count_mismatches(&got, &want), 0, "{sim:?}: {} verdicts, {} expected", got.len(), want.len());
    }
}

/// Negative control: the model's checks taken in another order (operands before shape)
/// disagree with the block on some descriptors, and the comparison must see it.
#[test]
fn admission_in_another_order_is_caught() {
    let cases = cases(5_000, test_seed("admission_in_another_order_is_caught"));
    let got = verilog_verdicts(&cases, Simulator::VerilatorFromRust);
    let want: Vec<[u64; 2]> = cases.iter().map(|c| oracle(c, config(), [0, 2, 1])).collect();
    assert!(count_mismatches(&got, &want) > 20, "the comparison did not see the stages reordered");
}
