//! MSM on a card, costed from the RTL: how many bucket units a board holds, how fast they
//! take a window's points, what crosses PCIe, and what the host does.
//!
//! The unit is `bucket_unit_4096_<curve>` as synthesised (its row of the committed yosys
//! table: the point adder's ten multipliers and seven adders, its delay lines, the 2^12
//! buckets and their busy bits), one point per cycle. That rate is the unit's measured one:
//! `hdl/tests/msm_bucket_unit.rs` runs 3,000 points with uniform buckets through its Verilog
//! and counts one cycle per point (the retry queue keeps collisions from stalling it). 2^12
//! buckets are a 13-bit signed window, so a scalar of `b` bits is `⌈(b + 1)/13⌉` windows, each
//! a pass of every point through one unit.
//!
//! The card model follows the anchors' winning designs: points are resident in card memory
//! (uploaded once, not per MSM), scalars stream in over PCIe while the units work, and the
//! buckets come back for the host to reduce (two XYZZ additions per bucket, the running sum,
//! then a handful of doublings per window), the reduction of one window overlapping the next
//! window's accumulation except for the last.

use serde::Serialize;
use slotproof_core::CurveId;
use slotproof_core::cpu::msm::digits::signed_windows;
use slotproof_hdl::msm::{PointAdd, WideField};

use super::PlanError;
use super::boards::{Board, Host};
use super::model::{Sizing, budget};
use super::resources::{ReportTable, Resources};

/// Bits of the card's signed window: the bucket unit holds `2^(WINDOW_BITS − 1)` buckets.
pub const WINDOW_BITS: u32 = 13;

/// CPU core-seconds of one XYZZ bucket addition: arkworks 0.6's MSM at 2^20 points on 2 cores
/// (notes/anchors.md §6: BN254 3.17 s, BLS12-381 4.67 s) divided by the additions it makes,
/// one per point per window of its default 16 bits (16 and 16 windows), bucket reduction
/// left out. An estimate of the host's reduction, stated as one.
pub fn host_core_s_per_addition(curve: CurveId) -> f64 {
    let two_cores_2_20 = match curve {
        CurveId::Bn254 => 3.17,
        CurveId::Bls12_381 => 4.67,
    };
    2.0 * two_cores_2_20 / (f64::from(1u32 << 20) * 16.0)
}

/// One MSM on a box of cards.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MsmPlan {
    /// The curve.
    pub curve: CurveId,
    /// Points.
    pub points: u64,
    /// The board.
    pub board: String,
    /// Cards (each takes a share of the windows).
    pub cards: u32,
    /// Kernel clock (Hz).
    pub clock_hz: f64,
    /// Bucket units per card.
    pub units_per_card: u32,
    /// One unit's resources, from the committed report.
    pub unit: Resources,
    /// What the units take on one card.
    pub used: Resources,
    /// What the board offers under the ceiling.
    pub budget: Resources,
    /// Window bits and windows per scalar.
    pub window_bits: u32,
    /// Windows per scalar.
    pub windows: u32,
    /// The units' time: every window's pass, windows spread over every unit of every card (s).
    pub card_s: f64,
    /// Scalars over PCIe to one card, 32 bytes each (every card sees every scalar) (s).
    pub h2c_s: f64,
    /// Buckets back to the host (s).
    pub c2h_s: f64,
    /// The host's reduction of the last window, which nothing overlaps (s).
    pub host_tail_s: f64,
    /// The host's reduction of every window (s): must keep up with the cards.
    pub host_s: f64,
    /// End to end (s).
    pub total_s: f64,
    /// MSM points per second end to end.
    pub points_per_s: f64,
    /// The kernel alone: points per second per DSP48E2 of a unit.
    pub points_per_s_per_dsp: f64,
    /// Card memory the resident points take (bytes), against the board's.
    pub points_bytes: f64,
    /// Which resource bounds the units per card.
    pub limit: &'static str,
}

/// The FPGA anchors of notes/anchors.md §6 in points per second (and per DSP where the DSP
/// count is published), for the comparison the planner prints.
pub const ANCHORS: &[(&str, f64, Option<f64>)] = &[
    ("Hardcaml MSM (ZPrize'22), VU9P, 278 MHz, BLS12-377, 2^26 points", 13.2e6, Some(2140.0)),
    ("ZPrize'23 SuperScalar, U250, 280 MHz, BLS12-377/381, 2^24 points", 47e6, None),
    ("CycloneMSM (Jump), AWS F1, BLS12-377, 2^26 points", 67_108_864.0 / 5.66, None),
];

/// Plans one MSM of `points` on `cards` of `board` clocked per `sizing`, with `host` reducing.
pub fn plan_msm(
    table: &ReportTable,
    board: &Board,
    host: &Host,
    cards: u32,
    sizing: &Sizing,
    curve: CurveId,
    points: u64,
) -> Result<MsmPlan, PlanError> {
    if points == 0 || cards == 0 {
        return Err(PlanError::Invalid {
            origin: "msm plan".into(),
            item: if points == 0 { "points" } else { "cards" }.into(),
            message: "must be at least 1".into(),
        });
    }
    let unit = table.block(&format!("bucket_unit_4096_{curve}"))?;
    let budget = budget(board, sizing.ceiling);
    let per = [
        ("LUT", budget.lut / unit.lut),
        ("FF", budget.ff / unit.ff),
        ("DSP48E2", budget.dsp / unit.dsp),
        ("BRAM36", if unit.bram36 > 0.0 { budget.bram36 / unit.bram36 } else { f64::INFINITY }),
    ];
    let (limit, most) = per.iter().copied().fold(("", f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
    let units = most.floor().max(0.0) as u32;
    if units == 0 {
        return Err(PlanError::DoesNotFit {
            board: board.id.clone(),
            message: format!(
                "one {curve} bucket unit needs {:.0} DSP48E2, {:.0} LUT, {:.0} FF, {:.0} BRAM36; the board offers {:.0}, {:.0}, {:.0}, {:.0} under a {:.0}% ceiling ({limit} runs out first)",
                unit.dsp,
                unit.lut,
                unit.ff,
                unit.bram36,
                budget.dsp,
                budget.lut,
                budget.ff,
                budget.bram36,
                sizing.ceiling * 100.0
            ),
        });
    }
    let field = WideField::new(curve);
    let latency = match curve {
        CurveId::Bn254 => PointAdd::<254>::latency(&field),
        CurveId::Bls12_381 => PointAdd::<381>::latency(&field),
    } as f64
        + 1.0;
    let windows = signed_windows(curve.scalar_bits(), WINDOW_BITS) as u32;
    let all_units = units * cards;
    let passes = f64::from(windows.div_ceil(all_units));
    let n = points as f64;
    let card_s = passes * (n + latency) / sizing.clock_hz;
    let h2c_s = n * curve.scalar_bytes() as f64 / (board.xdma_h2c_gb_per_s * 1e9);
    let buckets = f64::from(1u32 << (WINDOW_BITS - 1));
    let bucket_bytes = 4.0 * curve.coordinate_bytes() as f64;
    let c2h_s = f64::from(windows) * buckets * bucket_bytes / (board.xdma_c2h_gb_per_s * 1e9);
    // Per window: two additions per bucket (running sum and total), then the window's
    // doublings into the result.
    let per_window_core_s = (2.0 * buckets + f64::from(WINDOW_BITS)) * host_core_s_per_addition(curve);
    let host_s = f64::from(windows) * per_window_core_s / f64::from(host.cores.max(1));
    // One window's reduction runs on one core; the rest overlap the cards.
    let host_tail_s = per_window_core_s;
    let total_s = card_s.max(h2c_s).max(host_s) + host_tail_s + c2h_s / f64::from(windows);
    Ok(MsmPlan {
        curve,
        points,
        board: board.id.clone(),
        cards,
        clock_hz: sizing.clock_hz,
        units_per_card: units,
        unit,
        used: unit.scaled(f64::from(units)),
        budget,
        window_bits: WINDOW_BITS,
        windows,
        card_s,
        h2c_s,
        c2h_s,
        host_tail_s,
        host_s,
        total_s,
        points_per_s: n / total_s,
        points_per_s_per_dsp: sizing.clock_hz / f64::from(windows) / unit.dsp,
        points_bytes: n * 2.0 * curve.coordinate_bytes() as f64,
        limit,
    })
}

impl MsmPlan {
    /// The plan as the CLI prints it, with the anchors.
    pub fn render(&self, board: &Board) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let ms = |x: f64| x * 1e3;
        let _ = writeln!(
            s,
            "MSM of {} {} points on {} × {} at {:.0} MHz",
            self.points,
            self.curve,
            self.cards,
            board.name,
            self.clock_hz / 1e6
        );
        let _ = writeln!(
            s,
            "  bucket units per card: {} ({} bounds it); one unit: {:.0} DSP48E2, {:.0} LUT, {:.0} FF, {:.0} BRAM36",
            self.units_per_card, self.limit, self.unit.dsp, self.unit.lut, self.unit.ff, self.unit.bram36
        );
        let _ = writeln!(
            s,
            "  windows: {} of {} bits (2^{} buckets each), one point per cycle per unit",
            self.windows,
            self.window_bits,
            self.window_bits - 1
        );
        let fits = self.points_bytes <= board.memory_gb * 1e9;
        let _ = writeln!(
            s,
            "  resident points: {:.1} MB of {:.0} GB card memory{}",
            self.points_bytes / 1e6,
            board.memory_gb,
            if fits { "" } else { "  ** does not fit **" }
        );
        let _ = writeln!(s, "  card accumulation   {:>10.3} ms", ms(self.card_s));
        let _ = writeln!(s, "  scalars over PCIe   {:>10.3} ms", ms(self.h2c_s));
        let _ = writeln!(s, "  buckets back        {:>10.3} ms", ms(self.c2h_s));
        let _ = writeln!(
            s,
            "  host reduction      {:>10.3} ms (last window alone: {:.3} ms)",
            ms(self.host_s),
            ms(self.host_tail_s)
        );
        let _ = writeln!(
            s,
            "  total               {:>10.3} ms   {:.1} M points/s",
            ms(self.total_s),
            self.points_per_s / 1e6
        );
        let _ = writeln!(s, "\nPoints per second per DSP48E2, the kernel alone:");
        let _ = writeln!(s, "  slotproof bucket unit, {}: {:.0}", self.curve, self.points_per_s_per_dsp);
        for (name, pps, dsp) in ANCHORS {
            match dsp {
                Some(d) => {
                    let _ = writeln!(s, "  {name}: {:.0} ({:.1} M points/s on {d:.0} DSPs)", pps / d, pps / 1e6);
                }
                None => {
                    let _ = writeln!(s, "  {name}: {:.1} M points/s (DSP count not published)", pps / 1e6);
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Catalogue;

    fn plan(curve: CurveId, board: &str, cards: u32, points: u64) -> Result<MsmPlan, PlanError> {
        let cat = Catalogue::builtin();
        let table = ReportTable::committed().unwrap();
        let host = cat.host("epyc-9355").unwrap();
        plan_msm(&table, cat.board(board).unwrap(), host, cards, &Sizing::default(), curve, points)
    }

    /// The unit is the committed report's row, the rate one point per cycle per window, and
    /// more cards share the windows.
    #[test]
    fn an_msm_is_costed_from_the_bucket_units_report() {
        let p = plan(CurveId::Bn254, "u55c", 1, 1 << 20).unwrap();
        let row = ReportTable::committed().unwrap().block("bucket_unit_4096_bn254").unwrap();
        assert_eq!(p.unit, row);
        assert!(p.units_per_card >= 1 && p.used.dsp <= p.budget.dsp, "{p:?}");
        assert_eq!(p.windows, 20, "254-bit scalars in 13-bit signed windows");
        let passes = f64::from(p.windows.div_ceil(p.units_per_card));
        let latency = PointAdd::<254>::latency(&WideField::new(CurveId::Bn254)) as f64 + 1.0;
        assert!((p.card_s - passes * ((1u64 << 20) as f64 + latency) / 250e6).abs() < 1e-12);
        assert!(p.total_s >= p.card_s && p.total_s >= p.h2c_s);
        assert!((p.points_per_s_per_dsp - 250e6 / 20.0 / row.dsp).abs() < 1e-6);
        let two = plan(CurveId::Bn254, "u55c", 2, 1 << 20).unwrap();
        assert!(two.card_s < p.card_s, "a second card takes half the windows");
        // A size of zero is refused, not planned.
        assert!(matches!(plan(CurveId::Bn254, "u55c", 1, 0), Err(PlanError::Invalid { .. })));
    }

    /// A unit that does not fit says which resource runs out, with the figures.
    #[test]
    fn a_unit_too_large_for_the_board_is_refused_with_its_figures() {
        let cat = Catalogue::builtin();
        let table = ReportTable::committed().unwrap();
        let host = cat.host("epyc-9355").unwrap();
        let tiny = Sizing { ceiling: 0.05, ..Sizing::default() };
        let err = plan_msm(&table, cat.board("u55c").unwrap(), host, 1, &tiny, CurveId::Bls12_381, 1024).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, PlanError::DoesNotFit { .. }) && text.contains("DSP48E2") && text.contains("runs out"),
            "{text}"
        );
    }
}
