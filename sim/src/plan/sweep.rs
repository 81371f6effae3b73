//! Design-space exploration: every board × card count × clock × lane count, planned the
//! same way as a single `slotproof plan`, written as CSV rows and reduced to Pareto fronts
//! (latency against power, latency against cost) and to the cheapest box that meets a target.

use std::io::Write as _;
use std::path::Path;

use serde::Serialize;

use super::PlanError;
use super::boards::{Board, Host};
use super::model::{RestOfProver, Sizing, TARGETS};
use super::plot::ParetoPoint;
use super::report::{PlanRequest, make_plan};
use super::security::SecurityTarget;
use super::workload::Workload;

/// The space to explore.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    /// The workload.
    pub workload: Workload,
    /// Boards to try.
    pub boards: Vec<Board>,
    /// The host machine.
    pub host: Host,
    /// Card counts to try.
    pub cards: Vec<u32>,
    /// Kernel clocks to try (Hz).
    pub clocks_hz: Vec<f64>,
    /// NTT lane counts to try; `None` balances lanes against pipelines on each board.
    pub lanes: Vec<Option<u32>>,
    /// Host counts to try; `None` is as few as hold the cards. Counts below that are skipped.
    pub hosts: Vec<Option<u32>>,
    /// Utilisation ceiling.
    pub ceiling: f64,
    /// Security target.
    pub security: SecurityTarget,
    /// The rest of the prover.
    pub rest: RestOfProver,
}

/// One configuration and what the model says of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRow {
    /// Board id.
    pub board: String,
    /// Cards.
    pub cards: u32,
    /// Host machines.
    pub hosts: u32,
    /// Clock (MHz).
    pub clock_mhz: f64,
    /// NTT lanes per card (0 when the configuration does not fit).
    pub lanes: u32,
    /// Poseidon2 pipelines per card.
    pub pipelines: u32,
    /// Median block latency (s).
    pub median_s: f64,
    /// P99 block latency (s); infinite when the configuration does not fit.
    pub p99_s: f64,
    /// P99 with the trace generated on the card (s).
    pub p99_on_card_s: f64,
    /// Peak power (W).
    pub power_w: f64,
    /// Capital cost (USD).
    pub capex_usd: f64,
    /// Energy of a P99 block (kWh).
    pub energy_kwh: f64,
    /// The P99 bottleneck, or why the configuration was not planned.
    pub bottleneck: String,
    /// Meets each of [`TARGETS`], in order.
    pub meets: Vec<bool>,
}

impl SweepRow {
    /// A short label for plots.
    pub fn label(&self) -> String {
        format!(
            "{} {}x {:.0}MHz {}L/{}P {}h",
            self.board, self.cards, self.clock_mhz, self.lanes, self.pipelines, self.hosts
        )
    }
}

/// Plans every configuration of `spec`. A configuration that does not fit its board is kept,
/// with an infinite latency and the reason as its bottleneck, so the CSV shows the whole grid.
pub fn sweep(spec: &SweepSpec, progress: &dyn Fn(usize, usize)) -> Vec<SweepRow> {
    let total = spec.boards.len() * spec.cards.len() * spec.clocks_hz.len() * spec.lanes.len() * spec.hosts.len();
    let mut rows = Vec::with_capacity(total);
    for board in &spec.boards {
        for &clock in &spec.clocks_hz {
            for &lanes in &spec.lanes {
                for (&cards, &hosts) in spec.cards.iter().flat_map(|c| spec.hosts.iter().map(move |h| (c, h))) {
                    let needed = cards.div_ceil(spec.host.max_cards.max(1)).max(1);
                    if hosts.is_some_and(|h| h < needed) || (hosts == Some(needed) && spec.hosts.contains(&None)) {
                        // Too few hosts for the cards, or the same box as the `None` entry.
                        progress(rows.len(), total);
                        continue;
                    }
                    let req = PlanRequest {
                        workload: spec.workload.clone(),
                        board: board.clone(),
                        host: spec.host.clone(),
                        cards,
                        hosts,
                        sizing: Sizing { clock_hz: clock, ceiling: spec.ceiling, lanes, ..Sizing::default() },
                        security: spec.security,
                        rest: spec.rest,
                    };
                    rows.push(match make_plan(&req) {
                        Ok(p) => SweepRow {
                            board: board.id.clone(),
                            cards,
                            hosts: p.hosts,
                            clock_mhz: clock / 1e6,
                            lanes: p.accelerator.ntt_lanes,
                            pipelines: p.accelerator.pipelines,
                            median_s: p.median.latency_s,
                            p99_s: p.p99.latency_s,
                            p99_on_card_s: p.p99_trace_on_card.latency_s,
                            power_w: p.power_w,
                            capex_usd: p.capex_usd,
                            energy_kwh: p.p99.energy_j / 3.6e6,
                            bottleneck: format!("{:?}", p.p99.bottleneck),
                            meets: p.verdicts.iter().map(|v| v.meets()).collect(),
                        },
                        Err(e) => SweepRow {
                            board: board.id.clone(),
                            cards,
                            hosts: 0,
                            clock_mhz: clock / 1e6,
                            lanes: lanes.unwrap_or(0),
                            pipelines: 0,
                            median_s: f64::INFINITY,
                            p99_s: f64::INFINITY,
                            p99_on_card_s: f64::INFINITY,
                            power_w: f64::NAN,
                            capex_usd: f64::NAN,
                            energy_kwh: f64::NAN,
                            bottleneck: format!("not planned: {e}"),
                            meets: vec![false; TARGETS.len()],
                        },
                    });
                    progress(rows.len(), total);
                }
            }
        }
    }
    rows
}

/// The cheapest configuration meeting `TARGETS[target]` (ties: less power, then lower
/// latency).
pub fn cheapest_meeting(rows: &[SweepRow], target: usize) -> Option<&SweepRow> {
    rows.iter().filter(|r| r.meets.get(target).copied().unwrap_or(false)).min_by(|a, b| {
        a.capex_usd.total_cmp(&b.capex_usd).then(a.power_w.total_cmp(&b.power_w)).then(a.p99_s.total_cmp(&b.p99_s))
    })
}

/// The rows as plot points (every target at once for `meets`).
pub fn pareto_points(rows: &[SweepRow]) -> Vec<ParetoPoint> {
    rows.iter()
        .filter(|r| r.p99_s.is_finite())
        .map(|r| ParetoPoint {
            label: r.label(),
            latency_s: r.p99_s,
            power_w: r.power_w,
            capex_usd: r.capex_usd,
            meets: r.meets.first().copied().unwrap_or(false),
        })
        .collect()
}

/// Writes the rows as CSV (a header, then one line per configuration).
pub fn write_csv(rows: &[SweepRow], path: &Path) -> Result<(), PlanError> {
    let io = |source| PlanError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut out = Vec::new();
    let targets: Vec<String> = TARGETS.iter().map(|t| format!("meets_{}s", t.latency_s)).collect();
    let _ = writeln!(
        out,
        "board,cards,hosts,clock_mhz,ntt_lanes,pipelines,median_s,p99_s,p99_trace_on_card_s,power_w,capex_usd,energy_kwh,{},bottleneck",
        targets.join(",")
    );
    for r in rows {
        let meets: Vec<&str> = r.meets.iter().map(|&m| if m { "yes" } else { "no" }).collect();
        let _ = writeln!(
            out,
            "{},{},{},{:.0},{},{},{:.4},{:.4},{:.4},{:.0},{:.0},{:.4},{},\"{}\"",
            r.board,
            r.cards,
            r.hosts,
            r.clock_mhz,
            r.lanes,
            r.pipelines,
            r.median_s,
            r.p99_s,
            r.p99_on_card_s,
            r.power_w,
            r.capex_usd,
            r.energy_kwh,
            meets.join(","),
            r.bottleneck.replace('"', "'")
        );
    }
    // Written whole or not at all.
    let tmp = path.with_extension("csv.partial");
    std::fs::write(&tmp, out).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::boards::Catalogue;

    fn spec(cards: Vec<u32>) -> SweepSpec {
        let cat = Catalogue::builtin();
        SweepSpec {
            workload: Workload::preset("mainnet").unwrap(),
            boards: vec![cat.board("u55c").unwrap().clone(), cat.board("c1100").unwrap().clone()],
            host: cat.host("epyc-9355").unwrap().clone(),
            cards,
            clocks_hz: vec![250e6, 300e6],
            lanes: vec![None],
            hosts: vec![None],
            ceiling: 0.7,
            security: SecurityTarget { bits: 100, grinding_bits: 16 },
            rest: RestOfProver::default(),
        }
    }

    #[test]
    fn sweep_covers_the_grid_and_more_cards_never_hurt() {
        let rows = sweep(&spec(vec![1, 2, 4, 8]), &|_, _| {});
        assert_eq!(rows.len(), 2 * 2 * 4);
        for w in rows.windows(2) {
            if w[0].board == w[1].board && w[0].clock_mhz == w[1].clock_mhz && w[1].cards > w[0].cards {
                assert!(w[1].p99_s <= w[0].p99_s * 1.0001, "{:?} then {:?}", w[0], w[1]);
                assert!(w[1].capex_usd > w[0].capex_usd);
            }
        }
    }

    #[test]
    fn csv_has_a_line_per_row_and_cheapest_is_cheapest() {
        let rows = sweep(&spec(vec![1, 16]), &|_, _| {});
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/sweep.csv");
        write_csv(&rows, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), rows.len() + 1);
        assert!(text.starts_with("board,cards,hosts"));
        // Negative control on the selection: a made-up row that meets everything for less wins.
        let mut fake = rows[0].clone();
        fake.meets = vec![true; TARGETS.len()];
        fake.capex_usd = 1.0;
        let mut with_fake = rows.clone();
        with_fake.push(fake);
        assert_eq!(cheapest_meeting(&with_fake, 0).unwrap().capex_usd, 1.0);
        let none_meet: Vec<SweepRow> = rows
            .iter()
            .cloned()
            .map(|mut r| {
                r.meets = vec![false; TARGETS.len()];
                r
            })
            .collect();
        assert!(cheapest_meeting(&none_meet, 0).is_none());
    }
}
