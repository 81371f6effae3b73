//! One plan end to end: size the card, run the median, P99 and prover-killer blocks
//! through the model, with and without the trace crossing PCIe, estimate the proof, and judge
//! the box against every target. [`Plan::render`] prints it for people; the struct
//! serialises for machines (`--json`).

use std::fmt::Write as _;

use serde::Serialize;
use slotproof_core::FieldId;

use super::PlanError;
use super::boards::{Board, Host};
use super::model::{
    Accelerator, BlockTime, BoxConfig, CommitTime, RestOfProver, Sizing, Verdict, commit_time, size_for_board, verdicts,
};
use super::resources::{ReportTable, UnitCosts};
use super::security::{ProofEstimate, SecurityTarget, estimate_proof};
use super::workload::{KILLER_CYCLES, Workload};

/// What to plan.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// The workload (a preset or a custom file).
    pub workload: Workload,
    /// The board every card is.
    pub board: Board,
    /// The host machine.
    pub host: Host,
    /// Cards.
    pub cards: u32,
    /// Host machines; `None` for as few as hold the cards.
    pub hosts: Option<u32>,
    /// How to size the accelerator.
    pub sizing: Sizing,
    /// Security target for the FRI queries and proof size.
    pub security: SecurityTarget,
    /// The rest of the prover and recursion.
    pub rest: RestOfProver,
}

/// One kind of commitment in the workload, on one card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageRow {
    /// The matrix's name.
    pub matrix: String,
    /// `2^r × c, blowup 2^b`.
    pub shape: String,
    /// How many per block at the P99 size.
    pub count_p99: u64,
    /// Its stages on one card.
    pub time: CommitTime,
    /// The same with the trace generated on the card.
    pub time_on_card: CommitTime,
}

/// A whole plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// Workload name.
    pub workload: String,
    /// Board id.
    pub board: String,
    /// Host id.
    pub host: String,
    /// Cards.
    pub cards: u32,
    /// Host machines.
    pub hosts: u32,
    /// The accelerator on each card.
    pub accelerator: Accelerator,
    /// What its units cost, and where the figures come from.
    pub units: UnitCosts,
    /// Per commitment kind.
    pub stages: Vec<StageRow>,
    /// The median block.
    pub median: BlockTime,
    /// The 99th-percentile block: the one the verdict is taken on.
    pub p99: BlockTime,
    /// The P99 block with the trace generated on the card (no trace over PCIe).
    pub p99_trace_on_card: BlockTime,
    /// The prover-killer block, when the workload scales with cycles.
    pub killer: Option<BlockTime>,
    /// Peak power (W).
    pub power_w: f64,
    /// Capital cost (USD).
    pub capex_usd: f64,
    /// One verdict per target, on the P99 latency.
    pub verdicts: Vec<Verdict>,
    /// FRI queries and proof size of one shard proof.
    pub proof: ProofEstimate,
    /// Figures the plan leans on that are not verified.
    pub unverified: Vec<String>,
    /// The cited figures behind the rest-of-prover and recursion shares.
    pub rest_sources: &'static str,
}

/// The single field of `work`'s matrices: a card is built for one field.
pub fn workload_field(work: &Workload) -> Result<FieldId, PlanError> {
    let first = work.matrices.first().map(|m| m.field).ok_or_else(|| PlanError::Invalid {
        origin: work.name.clone(),
        item: "matrices".into(),
        message: "no matrices".into(),
    })?;
    match work.matrices.iter().find(|m| m.field != first) {
        None => Ok(first),
        Some(m) => Err(PlanError::Invalid {
            origin: work.name.clone(),
            item: format!("matrix {:?} field", m.name),
            message: format!("{} differs from {first}: a card is built for one field", m.field),
        }),
    }
}

/// The median and P99 cycles of `work` (the reference size twice for a fixed workload).
fn cycles(work: &Workload) -> (f64, f64) {
    match (&work.distribution, work.reference_cycles) {
        (Some(d), _) => (d.quantile(0.5), d.p99()),
        (None, Some(c)) => (c, c),
        (None, None) => (0.0, 0.0),
    }
}

fn at(work: &Workload, cycles: f64) -> Workload {
    if work.reference_cycles.is_some() && cycles > 0.0 { work.at_cycles(cycles) } else { work.clone() }
}

/// Makes the plan `req` asks for.
pub fn make_plan(req: &PlanRequest) -> Result<Plan, PlanError> {
    let field = workload_field(&req.workload)?;
    let units = ReportTable::committed()?.units(field)?;
    let (c50, c99) = cycles(&req.workload);
    let p99_work = at(&req.workload, c99);
    // The card's limits are the device model's (the ABI's LIMITS register).
    let limits = crate::device::CardConfig::default();
    if let Some(m) = req.workload.matrices.iter().find(|m| {
        m.log_rows + m.log_blowup > u32::from(limits.max_log_lde_rows)
            || m.log_blowup > u32::from(limits.max_log_blowup)
    }) {
        return Err(PlanError::DoesNotFit {
            board: req.board.id.clone(),
            message: format!(
                "matrix {:?}: an LDE of 2^{} rows at blowup {} is beyond the card's 2^{} rows / blowup {}",
                m.name,
                m.log_rows + m.log_blowup,
                1u32 << m.log_blowup,
                limits.max_log_lde_rows,
                1u32 << limits.max_log_blowup
            ),
        });
    }
    let accelerator = size_for_board(&req.board, field, &req.sizing, &units, &p99_work.matrices)?;
    let hosts_needed = req.cards.div_ceil(req.host.max_cards.max(1)).max(1);
    let hosts = req.hosts.unwrap_or(hosts_needed);
    if req.cards == 0 {
        return Err(PlanError::Invalid {
            origin: "command line".into(),
            item: "cards".into(),
            message: "at least one card".into(),
        });
    }
    if hosts < hosts_needed {
        return Err(PlanError::Invalid {
            origin: "command line".into(),
            item: "hosts".into(),
            message: format!(
                "{} cards need {hosts_needed} {} hosts ({} card slots each), not {hosts}",
                req.cards, req.host.id, req.host.max_cards
            ),
        });
    }
    let config = BoxConfig {
        accelerator: accelerator.clone(),
        board: req.board.clone(),
        cards: req.cards,
        host: req.host.clone(),
        hosts,
        rest: req.rest,
        trace_on_card: false,
    };
    let on_card = BoxConfig { trace_on_card: true, ..config.clone() };
    let median = config.block(&at(&req.workload, c50), c50);
    let p99 = config.block(&p99_work, c99);
    let p99_trace_on_card = on_card.block(&p99_work, c99);
    let killer = req.workload.reference_cycles.map(|_| config.block(&at(&req.workload, KILLER_CYCLES), KILLER_CYCLES));
    let stages = p99_work
        .matrices
        .iter()
        .map(|m| StageRow {
            matrix: m.name.clone(),
            shape: format!("2^{} x {}, blowup {}", m.log_rows, m.cols, 1u32 << m.log_blowup),
            count_p99: m.count,
            time: commit_time(&accelerator, m, false),
            time_on_card: commit_time(&accelerator, m, true),
        })
        .collect();
    let proof = estimate_proof(&req.workload.matrices, req.security)?;
    let (power_w, capex_usd) = (config.power_w(), config.capex_usd());
    let mut unverified: Vec<String> =
        req.board.unverified.iter().map(|f| format!("board {}: {f}", req.board.id)).collect();
    unverified.extend(req.host.unverified.iter().map(|f| format!("host {}: {f}", req.host.id)));
    Ok(Plan {
        workload: req.workload.name.clone(),
        board: req.board.id.clone(),
        host: req.host.id.clone(),
        cards: req.cards,
        hosts,
        accelerator,
        units,
        stages,
        verdicts: verdicts(p99.latency_s, power_w, capex_usd),
        median,
        p99,
        p99_trace_on_card,
        killer,
        power_w,
        capex_usd,
        proof,
        unverified,
        rest_sources: RestOfProver::SOURCES,
    })
}

fn ms(s: f64) -> String {
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

fn pct(used: f64, of: f64) -> String {
    if of > 0.0 { format!("{:.0}%", 100.0 * used / of) } else { "-".into() }
}

impl Plan {
    /// The plan as a person reads it: the card, the stage table, the blocks, the bottleneck,
    /// the box, the proof and the verdicts.
    pub fn render(&self, board: &Board) -> String {
        let a = &self.accelerator;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} on {} x {} with {} x {} host",
            self.workload, self.cards, board.name, self.hosts, self.host
        );
        let u = a.used;
        let _ = writeln!(
            o,
            "card: {} at {:.0} MHz, {} NTT lanes + {} Poseidon2 pipelines; LUT {} FF {} DSP {} BRAM {} of the board \
             ({} shell LUTs reserved)",
            a.field,
            a.clock_hz / 1e6,
            a.ntt_lanes,
            a.pipelines,
            pct(u.lut, board.lut as f64),
            pct(u.ff, board.ff as f64),
            pct(u.dsp, board.dsp as f64),
            pct(u.bram36, board.bram36 as f64),
            board.shell_lut
        );
        let _ = writeln!(o, "\nper commitment on one card (P99 block):");
        let _ = writeln!(
            o,
            "  {:<28} {:>6} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "matrix", "count", "batches", "upload", "LDE", "leaves", "tree", "total", "on-card"
        );
        for r in &self.stages {
            let t = &r.time;
            let _ = writeln!(
                o,
                "  {:<28} {:>6} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
                format!("{} {}", r.matrix, r.shape),
                r.count_p99,
                t.batches,
                ms(t.h2c_s),
                ms(t.lde_s),
                ms(t.hash_s),
                ms(t.tree_s),
                ms(t.makespan_s),
                ms(r.time_on_card.makespan_s)
            );
        }
        let mut cols: Vec<(&str, &BlockTime)> =
            vec![("median", &self.median), ("P99", &self.p99), ("P99, trace on card", &self.p99_trace_on_card)];
        if let Some(k) = &self.killer {
            cols.push(("prover killer", k));
        }
        let _ = writeln!(o, "\nper block:");
        let row = |o: &mut String, name: &str, f: &dyn Fn(&BlockTime) -> String| {
            let _ = write!(o, "  {name:<30}");
            for (_, b) in &cols {
                let _ = write!(o, " {:>19}", f(b));
            }
            let _ = writeln!(o);
        };
        let _ = write!(o, "  {:<30}", "");
        for (n, _) in &cols {
            let _ = write!(o, " {n:>19}");
        }
        let _ = writeln!(o);
        row(&mut o, "cycles", &|b| format!("{:.0} M", b.cycles / 1e6));
        row(&mut o, "commitments", &|b| b.commits.to_string());
        row(&mut o, "cards (busiest card)", &|b| ms(b.card_s));
        row(&mut o, "hosts (rest of the prover)", &|b| ms(b.host_s));
        row(&mut o, "base proof (overlapped)", &|b| ms(b.base_s));
        row(&mut o, "recursion", &|b| ms(b.recursion_s));
        row(&mut o, "latency", &|b| ms(b.latency_s));
        row(&mut o, "energy", &|b| format!("{:.1} kJ", b.energy_j / 1e3));
        row(&mut o, "bottleneck", &|b| format!("{:?}", b.bottleneck));
        let _ = writeln!(o, "\nbottleneck at P99: {}", self.p99.bottleneck.describe());
        let c = &self.p99.card_busy;
        let _ = writeln!(
            o,
            "  busiest card busy: PCIe upload {}, NTT {}, card memory {}, Poseidon2 {}; hosts {}",
            ms(c[0]),
            ms(c[1]),
            ms(c[2]),
            ms(c[3]),
            ms(self.p99.host_s)
        );
        let _ = writeln!(
            o,
            "  the data wall: with the trace generated on the card, the busiest card takes {} instead of {} and the \
             P99 block {} instead of {}",
            ms(self.p99_trace_on_card.card_s),
            ms(self.p99.card_s),
            ms(self.p99_trace_on_card.latency_s),
            ms(self.p99.latency_s)
        );
        let _ = writeln!(
            o,
            "\nbox: {} cards + {} hosts, {:.1} kW peak, ${:.0}k capital, {:.2} kWh per P99 block",
            self.cards,
            self.hosts,
            self.power_w / 1e3,
            self.capex_usd / 1e3,
            self.p99.energy_j / 3.6e6
        );
        let p = &self.proof;
        let _ = writeln!(
            o,
            "proof: {} FRI queries (blowup {}), {:.0} conjectured bits (field bound {:.0}); ~{} KiB per shard proof, {} \
             the {} KiB limit",
            p.queries,
            1u32 << p.log_blowup,
            p.conjectured_bits,
            p.field_bits,
            p.proof_bytes / 1024,
            if p.fits { "within" } else { "over (recursion must shrink it)" },
            p.limit_bytes / 1024
        );
        let _ = writeln!(o, "\nverdict on the P99 block ({}):", ms(self.p99.latency_s));
        for v in &self.verdicts {
            let mut why = Vec::new();
            if !v.latency_ok {
                why.push(format!("latency {} > {}", ms(self.p99.latency_s), ms(v.target.latency_s)));
            }
            if !v.power_ok {
                why.push(format!("power {:.1} kW > {:.0} kW", self.power_w / 1e3, v.target.power_w / 1e3));
            }
            if !v.cost_ok {
                why.push(format!("cost ${:.0}k > ${:.0}k", self.capex_usd / 1e3, v.target.capex_usd / 1e3));
            }
            let _ = writeln!(
                o,
                "  {:<30} {}",
                v.target.name,
                if v.meets() { "MEETS".to_string() } else { format!("misses: {}", why.join(", ")) }
            );
        }
        if let Some(k) = &self.killer {
            let _ = writeln!(
                o,
                "  prover killer ({:.0} M cycles): {}, {} the 10 s slot",
                k.cycles / 1e6,
                ms(k.latency_s),
                if k.latency_s <= 10.0 {
                    format!("{} inside", ms(10.0 - k.latency_s))
                } else {
                    format!("{} over", ms(k.latency_s - 10.0))
                }
            );
        }
        let _ = writeln!(o, "\nrest of the prover and recursion: {}", self.rest_sources);
        if !self.unverified.is_empty() {
            let _ = writeln!(o, "unverified figures used: {}", self.unverified.join("; "));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::boards::Catalogue;
    use crate::plan::model::{commit_time_after, tables_time};
    use crate::plan::workload::MatrixSpec;

    fn fixed_workload(field: FieldId) -> Workload {
        Workload {
            name: "fixed".into(),
            description: "one matrix".into(),
            source: "test".into(),
            matrices: vec![MatrixSpec { name: "m".into(), field, log_rows: 16, cols: 64, log_blowup: 1, count: 3 }],
            msm: vec![],
            reference_cycles: None,
            distribution: None,
        }
    }

    fn request(work: Workload, cards: u32, hosts: Option<u32>) -> PlanRequest {
        let cat = Catalogue::builtin();
        PlanRequest {
            workload: work,
            board: cat.board("u55c").unwrap().clone(),
            host: cat.host("epyc-9355").unwrap().clone(),
            cards,
            hosts,
            sizing: Sizing::default(),
            security: SecurityTarget { bits: 100, grinding_bits: 16 },
            rest: RestOfProver::default(),
        }
    }

    #[test]
    fn fixed_workload_by_hand() {
        let req = request(fixed_workload(FieldId::BabyBear), 1, None);
        let p = make_plan(&req).unwrap();
        assert_eq!(p.median, p.p99, "a fixed workload has one size");
        assert!(p.killer.is_none(), "a fixed workload has no prover killer");
        let a = &p.accelerator;
        let m = &req.workload.matrices[0];
        // One card: the tables, then three identical commits back to back.
        let one = commit_time_after(a, m, false, 0.0).makespan_s;
        let card = tables_time(a, m.field, 17) + 3.0 * one;
        assert!((p.p99.card_s - card).abs() < 1e-9, "{} vs {card}", p.p99.card_s);
        // Hosts: elements × rest share at 27 M elements per core-second over 32 cores.
        let host = 3.0 * 65536.0 * 64.0 * req.rest.share / 27e6 / 32.0;
        assert!((p.p99.host_s - host).abs() < 1e-12);
        let base = (card + host / 3.0).max(one + host);
        assert!((p.p99.base_s - base).abs() < 1e-9);
        assert!((p.p99.latency_s - base * (1.0 + req.rest.recursion_overhead)).abs() < 1e-9);
        assert_eq!(p.power_w, 150.0 + 700.0);
        assert_eq!(p.capex_usd, req.board.price_usd + req.host.price_usd);
        // Every verdict agrees with the figures it was given.
        for v in &p.verdicts {
            assert_eq!(v.latency_ok, p.p99.latency_s <= v.target.latency_s);
        }
        assert!(serde_json::to_string(&p).unwrap().contains("\"verdicts\""));
        assert!(p.render(&req.board).contains("verdict on the P99 block"));
    }

    #[test]
    fn more_hosts_shorten_the_host_side_more_cards_the_card_side() {
        let work = Workload::preset("mainnet").unwrap();
        let one = make_plan(&request(work.clone(), 8, Some(1))).unwrap();
        let two = make_plan(&request(work.clone(), 8, Some(2))).unwrap();
        assert!((two.p99.host_s * 2.0 - one.p99.host_s).abs() < 1e-9);
        let sixteen = make_plan(&request(work, 16, None)).unwrap();
        assert_eq!(sixteen.hosts, 2, "8 card slots per host");
        assert!(sixteen.p99.card_s < one.p99.card_s * 0.55);
        // The P99 block is bigger than the median, and the prover killer bigger still.
        let k = one.killer.as_ref().unwrap();
        assert!(one.median.latency_s < one.p99.latency_s && one.p99.latency_s < k.latency_s);
        // Trace generated on the card never takes longer.
        assert!(one.p99_trace_on_card.card_s <= one.p99.card_s);
    }

    #[test]
    fn bad_requests_are_refused_with_the_reason() {
        let mut mixed = fixed_workload(FieldId::BabyBear);
        mixed.matrices.push(MatrixSpec { name: "gl".into(), field: FieldId::Goldilocks, ..mixed.matrices[0].clone() });
        let e = make_plan(&request(mixed, 1, None)).unwrap_err().to_string();
        assert!(e.contains("\"gl\"") && e.contains("one field"), "{e}");
        let e = make_plan(&request(fixed_workload(FieldId::BabyBear), 9, Some(1))).unwrap_err().to_string();
        assert!(e.contains("9 cards need 2"), "{e}");
        let e = make_plan(&request(fixed_workload(FieldId::BabyBear), 0, None)).unwrap_err().to_string();
        assert!(e.contains("cards"), "{e}");
        let mut req = request(fixed_workload(FieldId::BabyBear), 1, None);
        let mut big = fixed_workload(FieldId::BabyBear);
        big.matrices[0].log_rows = 24;
        let e = make_plan(&request(big, 1, None)).unwrap_err().to_string();
        assert!(e.contains("2^25 rows") && e.contains("\"m\""), "{e}");
        req.sizing.lanes = Some(10_000);
        req.sizing.pipelines = Some(1);
        let e = make_plan(&req).unwrap_err().to_string();
        assert!(e.contains("u55c") && e.contains("10000 NTT lanes") && e.contains("LUT"), "{e}");
    }
}
