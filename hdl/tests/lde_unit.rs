//! The runtime-sized coset LDE unit up the ladder, against the golden model's
//! `coset_lde_batch` with its rows bit-reversed (what the device model commits), the
//! twiddles from the device model's `twiddle_table`: rust-hdl simulation of small shapes,
//! then the emitted Verilog under Verilator for every shape up to 2^8 rows in both fields,
//! with a larger table than needed, and the busy time against [`LdeUnit::cycles`]; passes of
//! the four-step schedule (every size, both roots, random factors) against its model, between
//! the LDEs; a table of the wrong size, a perturbed input element and a pass checked against
//! the wrong ratio as negative controls.

use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::RowMajor;
use slotproof_core::golden::Fp;
use slotproof_core::golden::lde::{bit_reverse_rows, coset_lde_batch};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::Field;
use slotproof_hdl::eda::{Ports, ScriptRun, ScriptStep, ScriptedModel, verilog_of};
use slotproof_hdl::field::Prime31;
use slotproof_hdl::ntt::LdeUnit;
use slotproof_hdl::ntt::four_step::unit_pass;
use slotproof_hdl::ntt::lde_unit::{LANES, READ_LATENCY, TW_WRITE_LATENCY};

const INPUTS: [&str; 16] = [
    "tw_we",
    "tw_addr",
    "tw_data",
    "col_we",
    "col_lane",
    "col_addr",
    "col_data",
    "start",
    "log_rows",
    "log_blowup",
    "tw_log",
    "row_addr",
    "mode_pass",
    "pass_inverse",
    "pass_f0",
    "pass_ratio",
];
const OUTPUTS: [&str; 9] = ["busy", "row0", "row1", "row2", "row3", "row4", "row5", "row6", "row7"];
const TW_WE: usize = 0;
const TW_ADDR: usize = 1;
const TW_DATA: usize = 2;
const COL_WE: usize = 3;
const COL_LANE: usize = 4;
const COL_ADDR: usize = 5;
const COL_DATA: usize = 6;
const START: usize = 7;
const LOG_ROWS: usize = 8;
const LOG_BLOWUP: usize = 9;
const TW_LOG: usize = 10;
const ROW_ADDR: usize = 11;
const MODE_PASS: usize = 12;
const PASS_INVERSE: usize = 13;
const PASS_F0: usize = 14;
const PASS_RATIO: usize = 15;
const BUSY: usize = 0;

fn ports() -> Ports {
    Ports { inputs: INPUTS.iter().map(|&n| (n, 32)).collect(), outputs: OUTPUTS.iter().map(|&n| (n, 32)).collect() }
}

/// The table `LOAD_TWIDDLES` carries for `2^t`-row LDEs, from the device model.
fn twiddles(field: FieldId, t: usize) -> Vec<u64> {
    let f = match field {
        FieldId::BabyBear => Field::BabyBear,
        FieldId::KoalaBear => Field::KoalaBear,
        FieldId::Goldilocks => Field::Goldilocks,
    };
    slotproof_sim::device::twiddle_table(f, t as u8)
        .chunks(4)
        .map(|w| u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
        .collect()
}

/// A pass of the four-step schedule instead of an LDE: its roots and factors (canonical).
#[derive(Clone, Copy)]
struct Pass {
    inverse: bool,
    f0: u64,
    ratio: u64,
}

/// One LDE (or pass): the shape, the table loaded and the `tw_log` claimed, the columns
/// written.
struct Job {
    log_rows: usize,
    log_blowup: usize,
    table: Vec<u64>,
    tw_log: usize,
    columns: Vec<Vec<u64>>,
    pass: Option<Pass>,
}

impl Job {
    fn new(field: FieldId, log_rows: usize, log_blowup: usize, tw_log: usize, rng: &mut SplitMix64) -> Self {
        let columns = (0..LANES).map(|_| (0..1 << log_rows).map(|_| rng.element(field)).collect()).collect();
        Self { log_rows, log_blowup, table: twiddles(field, tw_log), tw_log, columns, pass: None }
    }

    /// A pass of `2^log_rows` words with random factors (`log_blowup` is set to a value the
    /// unit must ignore).
    fn pass(field: FieldId, log_rows: usize, tw_log: usize, inverse: bool, rng: &mut SplitMix64) -> Self {
        let mut job = Self::new(field, log_rows, 0, tw_log, rng);
        job.log_blowup = (rng.next_u64() % 3) as usize;
        job.pass = Some(Pass { inverse, f0: rng.element(field), ratio: rng.element(field) });
        job
    }

    fn busy_cycles(&self) -> u64 {
        match self.pass {
            Some(_) => LdeUnit::pass_cycles(self.log_rows),
            None => LdeUnit::cycles(self.log_rows, self.log_blowup),
        }
    }

    fn rows(&self) -> usize {
        match self.pass {
            Some(_) => 1 << self.log_rows,
            None => 1 << (self.log_rows + self.log_blowup),
        }
    }

    /// The golden rows: `coset_lde_batch`, rows bit-reversed; for a pass, the four-step
    /// schedule's model of it on each lane.
    fn expected(&self, field: FieldId) -> Vec<Vec<u64>> {
        if let Some(Pass { inverse, f0, ratio }) = self.pass {
            let lanes: Vec<Vec<u64>> =
                self.columns.iter().map(|c| unit_pass(Fp::new(field), c, inverse, f0, ratio)).collect();
            return (0..self.rows()).map(|r| lanes.iter().map(|l| l[r]).collect()).collect();
        }
        let lde =
            bit_reverse_rows(&coset_lde_batch(Fp::new(field), &RowMajor::from_columns(&self.columns), self.log_blowup));
        (0..lde.height()).map(|r| lde.row(r).to_vec()).collect()
    }

    /// Load the table, write the columns, start, wait for idle, read every row.
    fn script(&self, field: FieldId, out: &mut Vec<ScriptStep>) {
        use ScriptStep::{Sample, Set, Tick, Until};
        out.push(Set(TW_WE, 1));
        for (i, &w) in self.table.iter().enumerate() {
            out.extend([Set(TW_ADDR, i as u64), Set(TW_DATA, w), Tick(1)]);
        }
        out.extend([Set(TW_WE, 0), Set(COL_WE, 1)]);
        for (l, column) in self.columns.iter().enumerate() {
            out.push(Set(COL_LANE, l as u64));
            for (r, &v) in column.iter().enumerate() {
                out.extend([Set(COL_ADDR, r as u64), Set(COL_DATA, v), Tick(1)]);
            }
        }
        out.push(Set(COL_WE, 0));
        // The last twiddle lands TW_WRITE_LATENCY cycles after its write; the columns took
        // longer unless tiny.
        out.push(Tick(TW_WRITE_LATENCY as u64));
        out.extend([
            Set(LOG_ROWS, self.log_rows as u64),
            Set(LOG_BLOWUP, self.log_blowup as u64),
            Set(TW_LOG, self.tw_log as u64),
        ]);
        let prime = Prime31::new(field).expect("a 31-bit field");
        let pass = self.pass.unwrap_or(Pass { inverse: false, f0: 0, ratio: 0 });
        out.extend([
            Set(MODE_PASS, u64::from(self.pass.is_some())),
            Set(PASS_INVERSE, u64::from(pass.inverse)),
            Set(PASS_F0, prime.to_mont(pass.f0)),
            Set(PASS_RATIO, prime.to_mont(pass.ratio)),
            Set(START, 1),
            Tick(1),
            Set(START, 0),
            Until { output: BUSY, value: 0, max: 4 * self.busy_cycles() },
        ]);
        for r in 0..self.rows() {
            out.extend([Set(ROW_ADDR, r as u64), Tick(READ_LATENCY as u64), Sample]);
        }
    }
}

/// The script of `jobs`, back to back on one unit.
fn script(field: FieldId, jobs: &[Job]) -> Vec<ScriptStep> {
    let mut out = Vec::new();
    for job in jobs {
        job.script(field, &mut out);
    }
    out
}

/// Per job: mismatching (row, lane) values, and the busy cycles measured.
fn check(field: FieldId, jobs: &[Job], run: &ScriptRun) -> Vec<(usize, Option<u64>)> {
    assert_eq!(run.waits.len(), jobs.len(), "one wait per job");
    let mut samples = run.samples.iter();
    jobs.iter()
        .zip(&run.waits)
        .map(|(job, &busy)| {
            let want = job.expected(field);
            let bad = want
                .iter()
                .map(|row| {
                    let got = samples.next().expect("one sample per row");
                    row.iter().zip(&got[1..]).filter(|(w, g)| w != g).count()
                })
                .sum();
            (bad, busy)
        })
        .collect()
}

/// Runs `script` on `uut` in rust-hdl's simulator.
fn run_rust_hdl(uut: LdeUnit, script: Vec<ScriptStep>) -> ScriptRun {
    let out = Arc::new(Mutex::new(ScriptRun::default()));
    let sink = out.clone();
    let mut sim = simple_sim!(LdeUnit, clock, 100_000_000, ep, {
        let mut x = ep.init()?;
        let mut run = ScriptRun::default();
        for step in &script {
            match *step {
                ScriptStep::Set(k, v) => match k {
                    TW_WE => x.tw_we.next = v != 0,
                    TW_ADDR => x.tw_addr.next = v.to_bits(),
                    TW_DATA => x.tw_data.next = v.to_bits(),
                    COL_WE => x.col_we.next = v != 0,
                    COL_LANE => x.col_lane.next = v.to_bits(),
                    COL_ADDR => x.col_addr.next = v.to_bits(),
                    COL_DATA => x.col_data.next = v.to_bits(),
                    START => x.start.next = v != 0,
                    LOG_ROWS => x.log_rows.next = v.to_bits(),
                    LOG_BLOWUP => x.log_blowup.next = v.to_bits(),
                    TW_LOG => x.tw_log.next = v.to_bits(),
                    ROW_ADDR => x.row_addr.next = v.to_bits(),
                    MODE_PASS => x.mode_pass.next = v != 0,
                    PASS_INVERSE => x.pass_inverse.next = v != 0,
                    PASS_F0 => x.pass_f0.next = v.to_bits(),
                    PASS_RATIO => x.pass_ratio.next = v.to_bits(),
                    _ => panic!("no input {k}"),
                },
                ScriptStep::Tick(n) => {
                    for _ in 0..n {
                        wait_clock_cycle!(ep, clock, x);
                        run.cycles += 1;
                    }
                }
                ScriptStep::Sample => run.samples.push(vec![
                    u64::from(x.busy.val()),
                    x.row0.val().to_u64(),
                    x.row1.val().to_u64(),
                    x.row2.val().to_u64(),
                    x.row3.val().to_u64(),
                    x.row4.val().to_u64(),
                    x.row5.val().to_u64(),
                    x.row6.val().to_u64(),
                    x.row7.val().to_u64(),
                ]),
                ScriptStep::Until { value, max, .. } => {
                    let mut n = 0;
                    while u64::from(x.busy.val()) != value && n < max {
                        wait_clock_cycle!(ep, clock, x);
                        n += 1;
                    }
                    run.cycles += n;
                    run.waits.push((u64::from(x.busy.val()) == value).then_some(n));
                }
            }
        }
        *sink.lock().unwrap() = run;
        ep.done(x)
    });
    let mut uut = uut;
    uut.connect_all();
    sim.run(Box::new(uut), 1_000_000 * sim_time::ONE_MILLISECOND).unwrap();
    out.lock().unwrap().clone()
}

/// Small shapes in rust-hdl (BabyBear, up to 2^4 rows): one row and no blowup, no blowup,
/// a blowup of 16 from one row, a table larger than needed.
#[test]
fn lde_unit_matches_golden_in_rust_hdl() {
    let seed = test_seed("lde_unit_matches_golden_in_rust_hdl");
    let field = FieldId::BabyBear;
    let mut rng = SplitMix64::new(seed);
    let mut jobs: Vec<Job> = [(0, 0, 0), (0, 2, 2), (2, 0, 3), (1, 1, 2), (2, 2, 4), (3, 1, 4), (0, 4, 4)]
        .into_iter()
        .map(|(lr, lb, t)| Job::new(field, lr, lb, t, &mut rng))
        .collect();
    // Passes between LDEs: a pass must leave nothing behind that changes the next LDE.
    for (i, (lr, t, inverse)) in [(3, 4, true), (0, 1, false), (4, 4, false), (2, 3, true)].into_iter().enumerate() {
        jobs.insert(2 * i + 1, Job::pass(field, lr, t, inverse, &mut rng));
    }
    let start = std::time::Instant::now();
    let run = run_rust_hdl(LdeUnit::new(field, 4).unwrap(), script(field, &jobs));
    for (job, (bad, busy)) in jobs.iter().zip(check(field, &jobs, &run)) {
        let (lr, lb, pass) = (job.log_rows, job.log_blowup, job.pass.is_some());
        assert_eq!(bad, 0, "rust-hdl log_rows={lr} log_blowup={lb} pass={pass}: {bad} values differ");
        assert_eq!(busy, Some(job.busy_cycles()), "rust-hdl log_rows={lr} log_blowup={lb} pass={pass}: busy cycles");
    }
    eprintln!("rust-hdl: {} cycles in {:.1} s", run.cycles, start.elapsed().as_secs_f64());
}

/// Every shape with `log_rows + log_blowup ≤ 8` in both fields at `max_log_lde = 8`, random
/// columns in all lanes, the table of the LDE's own size or a larger one, the busy time
/// exactly [`LdeUnit::cycles`]; then the negative controls on the same model: the table of
/// `2^(T+1)` rows loaded where `T` is claimed, and one input element off by one (every row
/// of its lane must then differ: a single changed evaluation changes the polynomial
/// everywhere off `H`, and the coset misses `H`).
#[test]
fn lde_unit_verilog_matches_golden_under_verilator() {
    let seed = test_seed("lde_unit_verilog_matches_golden_under_verilator");
    const MAX: usize = 8;
    let runs: Vec<_> = [FieldId::BabyBear, FieldId::KoalaBear]
        .into_iter()
        .map(|field| {
            std::thread::spawn(move || {
                let verilog = verilog_of(LdeUnit::new(field, MAX).unwrap());
                let model = ScriptedModel::build(&format!("lde_unit_{field}"), &verilog, &ports()).unwrap();
                (field, model)
            })
        })
        .collect();
    for handle in runs {
        let (field, model) = handle.join().unwrap();
        let mut rng = SplitMix64::new(seed ^ u64::from(field == FieldId::KoalaBear));
        let mut jobs = Vec::new();
        for k in 0..=MAX {
            for lr in 0..=k {
                let t = if rng.next_u64().is_multiple_of(2) {
                    k
                } else {
                    k + (rng.next_u64() % (MAX - k + 1) as u64) as usize
                };
                jobs.push(Job::new(field, lr, k - lr, t.max(1), &mut rng));
            }
            // A pass of every size on both roots, between the LDEs.
            for inverse in [false, true] {
                let t = k + (rng.next_u64() % (MAX - k + 1) as u64) as usize;
                jobs.push(Job::pass(field, k, t.max(1), inverse, &mut rng));
            }
        }
        let good = jobs.len();
        // Negative controls: the table of 2^(T+1) claimed as 2^T; one input element + 1.
        let mut wrong_t = Job::new(field, 3, 2, 5, &mut rng);
        wrong_t.table = twiddles(field, 6);
        jobs.push(wrong_t);
        let mut perturbed = Job::new(field, 4, 1, 5, &mut rng);
        let lane = (rng.next_u64() % LANES as u64) as usize;
        let row = (rng.next_u64() % 16) as usize;
        let golden_rows = perturbed.rows();
        let p = field.modulus();
        perturbed.columns[lane][row] = (perturbed.columns[lane][row] + 1) % p;
        jobs.push(perturbed);
        // A pass run with one ratio, checked against the schedule's model with the next.
        jobs.push(Job::pass(field, 5, 6, false, &mut rng));
        let run = model.run(&script(field, &jobs)).unwrap();
        // The perturbed job is checked against the unperturbed columns' golden rows.
        let perturbed = &mut jobs[good + 1];
        perturbed.columns[lane][row] = (perturbed.columns[lane][row] + p - 1) % p;
        if let Some(pass) = jobs[good + 2].pass.as_mut() {
            pass.ratio = (pass.ratio + 1) % p;
        }
        let results = check(field, &jobs, &run);
        for (job, &(bad, busy)) in jobs.iter().zip(&results).take(good) {
            let (lr, lb) = (job.log_rows, job.log_blowup);
            assert_eq!(
                bad,
                0,
                "{field} log_rows={lr} log_blowup={lb} tw_log={} pass={}: {bad} values differ",
                job.tw_log,
                job.pass.is_some()
            );
            let pass = job.pass.is_some();
            assert_eq!(busy, Some(job.busy_cycles()), "{field} log_rows={lr} log_blowup={lb} pass={pass}: busy cycles");
            if pass {
                if field == FieldId::BabyBear && lr == MAX {
                    let roots = if job.pass.is_some_and(|p| p.inverse) { "inverse" } else { "forward" };
                    eprintln!("lde_unit pass of 2^{lr} words, {roots} roots: {} cycles (8 lanes)", busy.unwrap_or(0));
                }
            } else if field == FieldId::BabyBear && (lb == 1 || lr + lb == MAX) {
                eprintln!("lde_unit 2^{lr} rows, blowup 2^{lb}: {} cycles (8 lanes)", busy.unwrap_or(0));
            }
        }
        assert!(results[good].0 > 0, "{field}: the table of the wrong size was not caught");
        assert_eq!(results[good + 1].0, golden_rows, "{field}: the perturbed element (lane {lane}, row {row})");
        assert!(results[good + 2].0 > 0, "{field}: the pass's ratio was not checked");
        eprintln!(
            "lde_unit {field}: {} LDEs, {} cycles in {:.2} s ({:.0} cycles/s)",
            jobs.len(),
            run.cycles,
            run.seconds,
            run.cycles as f64 / run.seconds
        );
    }
}
