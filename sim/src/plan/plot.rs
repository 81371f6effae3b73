//! The sweep's Pareto plot: which configurations buy latency for the least power and money.
//!
//! `slotproof plan sweep` evaluates many configurations; a table of hundreds of rows hides the
//! trade-off a buyer needs to see. The plot puts every configuration on two panels (latency
//! against power, latency against capital cost), marks the ones that meet every target, joins
//! the Pareto front of each panel and draws the targets as dashed lines, so the cheapest
//! configuration that proves within the slot is visible at a glance.
//!
//! The figure is written twice from the same drawing code: SVG for documents (text stays text)
//! and PNG for places that do not render SVG. `plotters` is built without its default features,
//! so it never loads system fonts; the DejaVu Sans file under `sim/data/fonts/` is compiled in
//! and registered once, which also makes the PNG identical on every machine.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::error::PlanError;

/// One configuration the sweep evaluated.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ParetoPoint {
    /// A short name for the configuration, e.g. `u55c x2 @300MHz x16`.
    pub label: String,
    /// Time to prove one block, in seconds; infinite or NaN if the configuration cannot run.
    pub latency_s: f64,
    /// Power drawn while proving, in watts.
    pub power_w: f64,
    /// Capital cost of the whole box, in US dollars.
    pub capex_usd: f64,
    /// Meets every target (latency, power, cost).
    pub meets: bool,
}

/// The targets drawn as reference lines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Targets {
    /// Latency target, in seconds (horizontal line on both panels).
    pub latency_s: f64,
    /// Power budget, in watts (vertical line on the power panel).
    pub power_w: f64,
    /// Capital cost budget, in US dollars (vertical line on the cost panel).
    pub capex_usd: f64,
}

/// Indices of the points on the Pareto front of (latency, cost(point)): no other point is at
/// least as good in both and better in one. Sorted by latency (then cost, then index).
///
/// Points whose latency or cost is NaN or infinite are never on the front: such a
/// configuration cannot run or has no price, so it must not hide a real one. Two identical
/// points do not dominate each other (neither is better in anything), so both stay.
pub fn pareto_front(points: &[ParetoPoint], cost: impl Fn(&ParetoPoint) -> f64) -> Vec<usize> {
    let mut cand: Vec<(f64, f64, usize)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.latency_s, cost(p), i))
        .filter(|&(l, c, _)| l.is_finite() && c.is_finite())
        .collect();
    // Sorting by (latency, cost) turns dominance into one sweep: a point can only be
    // dominated by one sorted before it. The index breaks ties so the output is deterministic.
    cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut front = Vec::new();
    // Lowest cost among points with strictly lower latency than the current group.
    let mut best_before = f64::INFINITY;
    let mut g = 0;
    while g < cand.len() {
        // A group shares one latency; within it only the cheapest survive (same latency,
        // higher cost is dominated), and those only if nothing faster is as cheap.
        let lat = cand[g].0;
        let end = g + cand[g..].iter().take_while(|c| c.0 == lat).count();
        let group_min = cand[g].1;
        if group_min < best_before {
            front.extend(cand[g..end].iter().take_while(|c| c.1 == group_min).map(|c| c.2));
            best_before = group_min;
        }
        g = end;
    }
    front
}

/// Figure size in pixels: two panels side by side, each wide enough for readable tick labels.
const SIZE: (u32, u32) = (1400, 600);
/// The family name the embedded font is registered under; every text style below uses it.
const FONT: &str = "sans-serif";
/// Colour of the configurations that meet every target.
const MEETS: RGBColor = RGBColor(0, 150, 70);
/// Colour of the Pareto front.
const FRONT: RGBColor = RGBColor(30, 90, 200);
/// Colour of the target lines.
const TARGET: RGBColor = RGBColor(200, 40, 40);

/// Registers the embedded DejaVu Sans once per process. The result is kept so a bad font file
/// becomes a `PlanError` on every call instead of a panic or a silent text-less figure.
fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, include_bytes!("../../data/fonts/DejaVuSans.ttf"))
                .map_err(|_| "the embedded DejaVu Sans font did not parse".to_string())
        })
        .clone()
}

/// What one panel shows: the x quantity, its unit conversion, its target and its labels.
struct Panel {
    /// Caption above the panel.
    caption: &'static str,
    /// x-axis description, with unit.
    x_desc: &'static str,
    /// The x value of a point, already in display units.
    x_of: fn(&ParetoPoint) -> f64,
    /// The x target, in display units.
    x_target: f64,
}

/// A panel's data after filtering: what to draw and where the axes end.
struct PanelData {
    /// (x, latency, meets) of every drawable point.
    points: Vec<(f64, f64, bool)>,
    /// (x, latency) of the front, in latency order.
    front: Vec<(f64, f64)>,
    /// x-axis range.
    x: std::ops::Range<f64>,
    /// Latency range (positive, for the log axis).
    y: std::ops::Range<f64>,
}

/// Selects the points a panel can draw and computes the axis ranges; `None` if there is none.
///
/// A point is drawable if its latency is finite and positive (a log axis has no place for zero)
/// and its x value is finite. The front is computed on the drawable points only, so a point
/// that is not drawn cannot appear in the front's line either.
fn panel_data(points: &[ParetoPoint], panel: &Panel, latency_target: f64) -> Option<PanelData> {
    let drawable: Vec<ParetoPoint> = points
        .iter()
        .filter(|p| p.latency_s.is_finite() && p.latency_s > 0.0 && (panel.x_of)(p).is_finite())
        .cloned()
        .collect();
    if drawable.is_empty() {
        return None;
    }
    let front = pareto_front(&drawable, panel.x_of)
        .into_iter()
        .map(|i| ((panel.x_of)(&drawable[i]), drawable[i].latency_s))
        .collect();
    let pts: Vec<(f64, f64, bool)> = drawable.iter().map(|p| ((panel.x_of)(p), p.latency_s, p.meets)).collect();

    // Include the targets so the reference lines are always inside the frame.
    let xs = pts.iter().map(|p| p.0).chain(Some(panel.x_target).filter(|t| t.is_finite()));
    let (x_lo, x_hi) = min_max(xs);
    let ys = pts.iter().map(|p| p.1).chain(Some(latency_target).filter(|t| t.is_finite() && *t > 0.0));
    let (y_lo, y_hi) = min_max(ys);

    // Linear axis: 6 % of the span each side, or a fixed pad if all values coincide.
    let pad = if x_hi > x_lo { 0.06 * (x_hi - x_lo) } else { (0.1 * x_hi.abs()).max(1.0) };
    // Power and cost are never negative; starting the axis below zero would only waste room.
    let x_start = if x_lo >= 0.0 { (x_lo - pad).max(0.0) } else { x_lo - pad };
    // Log axis: a constant factor keeps the margin the same on screen at any scale. plotters
    // labels a log axis only from the first power of ten inside it upwards, so the bottom is
    // snapped down to a power of ten: otherwise data within one decade (say 2 s to 8 s) would
    // get an axis with no labels at all.
    let y_bottom = 10f64.powf((y_lo / 1.2).log10().floor());
    Some(PanelData { points: pts, front, x: x_start..x_hi + pad, y: y_bottom..y_hi * 1.5 })
}

/// Smallest and largest of a non-empty iterator of finite values.
fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Latency tick labels: three significant digits in plain seconds where readable, scientific
/// where not. plotters computes the log axis's minor ticks by multiplication, so a raw `{v}`
/// would print 0.30000000000000004.
fn fmt_latency(v: &f64) -> String {
    let a = v.abs();
    if !(1e-3..1e4).contains(&a) {
        return format!("{v:.0e}");
    }
    let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// Draws one panel. Generic over the backend so the SVG and the PNG come from the same code.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    data: &PanelData,
    latency_target: f64,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chart = ChartBuilder::on(area)
        .caption(panel.caption, (FONT, 20))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(75)
        .build_cartesian_2d(data.x.clone(), data.y.clone().log_scale())
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_desc)
        .y_desc("latency per block (s, log scale)")
        .y_label_formatter(&fmt_latency)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(e)?;

    // Grey first, then the front and the colours on top, so the interesting points show.
    chart
        .draw_series(data.points.iter().map(|&(x, y, _)| Circle::new((x, y), 2, RGBColor(150, 150, 150).filled())))
        .map_err(e)?
        .label("configuration")
        .legend(|(x, y)| Circle::new((x, y), 3, RGBColor(150, 150, 150).filled()));
    chart
        .draw_series(LineSeries::new(data.front.iter().copied(), FRONT.stroke_width(2)))
        .map_err(e)?
        .label("Pareto front")
        .legend(|(x, y)| PathElement::new(vec![(x - 10, y), (x + 10, y)], FRONT.stroke_width(2)));
    chart
        .draw_series(PointSeries::of_element(data.front.iter().copied(), 4, FRONT.stroke_width(2), &|c, s, st| {
            EmptyElement::at(c) + Cross::new((0, 0), s, st)
        }))
        .map_err(e)?;

    // Last, so a front point that meets every target still shows its colour.
    chart
        .draw_series(data.points.iter().filter(|p| p.2).map(|&(x, y, _)| Circle::new((x, y), 3, MEETS.filled())))
        .map_err(e)?
        .label("meets every target")
        .legend(|(x, y)| Circle::new((x, y), 3, MEETS.filled()));
    // Targets: the latency line spans the panel's x range, the x line its latency range.
    let dashed = |pts: Vec<(f64, f64)>| DashedLineSeries::new(pts, 8, 5, TARGET.stroke_width(2));
    let mut labelled = false;
    if latency_target.is_finite() && latency_target > 0.0 {
        let line = vec![(data.x.start, latency_target), (data.x.end, latency_target)];
        chart
            .draw_series(dashed(line))
            .map_err(e)?
            .label("target")
            .legend(|(x, y)| PathElement::new(vec![(x - 10, y), (x + 10, y)], TARGET.stroke_width(2)));
        labelled = true;
    }
    if panel.x_target.is_finite() {
        let line = vec![(panel.x_target, data.y.start), (panel.x_target, data.y.end)];
        let anno = chart.draw_series(dashed(line)).map_err(e)?;
        if !labelled {
            anno.label("target")
                .legend(|(x, y)| PathElement::new(vec![(x - 10, y), (x + 10, y)], TARGET.stroke_width(2)));
        }
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(e)?;
    Ok(())
}

/// Draws the whole figure on `root` and flushes it to its target.
fn draw_figure<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    panels: &[(Panel, PanelData)],
    latency_target: f64,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let body = root.titled(title, (FONT, 26)).map_err(e)?;
    let halves = body.split_evenly((1, panels.len()));
    for (area, (panel, data)) in halves.iter().zip(panels) {
        draw_panel(area, panel, data, latency_target)?;
    }
    root.present().map_err(e)
}

/// Appends an extension to the stem instead of replacing one: `sweep.v2` becomes
/// `sweep.v2.svg`, not `sweep.svg`.
fn with_suffix(stem: &Path, ext: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Writes `<stem>.svg` and `<stem>.png`: one figure, two panels side by side: left latency
/// (s, y, log scale) against power (kW, x), right latency against capital cost (k$, x).
///
/// All points are drawn small and grey, points meeting every target in a second colour, the
/// Pareto front of each panel as a connected line with markers, and the targets as dashed
/// reference lines (horizontal at the latency target; vertical at the power or cost target).
/// Returns the paths written (SVG first). Creates the parent directory if missing.
///
/// Points with an infinite or NaN latency (a configuration that cannot run) are left out of
/// the plot and of the fronts. Fails with [`PlanError::Plot`] if the point set is empty, if no
/// point can be drawn, or if a file cannot be written; it never panics on a plotting failure.
pub fn write_pareto_plots(
    points: &[ParetoPoint],
    targets: Targets,
    title: &str,
    stem: &Path,
) -> Result<Vec<PathBuf>, PlanError> {
    let svg = with_suffix(stem, "svg");
    let png = with_suffix(stem, "png");
    let fail = |path: &Path, message: String| PlanError::Plot { path: path.to_path_buf(), message };
    if points.is_empty() {
        return Err(fail(&svg, "no configurations to plot".into()));
    }

    let specs = [
        Panel {
            caption: "latency against power",
            x_desc: "power (kW)",
            x_of: |p| p.power_w / 1e3,
            x_target: targets.power_w / 1e3,
        },
        Panel {
            caption: "latency against capital cost",
            x_desc: "capital cost (k$)",
            x_of: |p| p.capex_usd / 1e3,
            x_target: targets.capex_usd / 1e3,
        },
    ];
    let mut panels = Vec::with_capacity(specs.len());
    for spec in specs {
        let Some(data) = panel_data(points, &spec, targets.latency_s) else {
            return Err(fail(
                &svg,
                format!(
                    "none of the {} configurations has a finite positive latency and a finite {}",
                    points.len(),
                    spec.x_desc
                ),
            ));
        };
        panels.push((spec, data));
    }

    ensure_font().map_err(|m| fail(&svg, m))?;
    if let Some(dir) = svg.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| fail(&svg, format!("cannot create {}: {err}", dir.display())))?;
    }

    // SVG is rendered to memory and written by us, so an I/O failure keeps the OS's message.
    let mut text = String::new();
    draw_figure(SVGBackend::with_string(&mut text, SIZE).into_drawing_area(), title, &panels, targets.latency_s)
        .map_err(|m| fail(&svg, m))?;
    std::fs::write(&svg, text).map_err(|err| fail(&svg, err.to_string()))?;

    // The PNG encoder lives behind the bitmap backend's file target, so it writes the file.
    draw_figure(BitMapBackend::new(&png, SIZE).into_drawing_area(), title, &panels, targets.latency_s)
        .map_err(|m| fail(&png, m))?;

    Ok(vec![svg, png])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(label: &str, latency_s: f64, power_w: f64, capex_usd: f64) -> ParetoPoint {
        ParetoPoint { label: label.into(), latency_s, power_w, capex_usd, meets: false }
    }

    fn power(p: &ParetoPoint) -> f64 {
        p.power_w
    }

    #[test]
    fn pareto_front_excludes_dominated_points() {
        let pts = vec![
            pt("a", 1.0, 500.0, 0.0),
            pt("b", 2.0, 300.0, 0.0),
            pt("c", 3.0, 400.0, 0.0), // dominated by b
            pt("d", 0.5, 900.0, 0.0),
            pt("e", 4.0, 100.0, 0.0),
            pt("f", 2.5, 600.0, 0.0), // dominated by a and b
        ];
        assert_eq!(pareto_front(&pts, power), vec![3, 0, 1, 4]);
        // The cost function decides: by capex (all equal), only the fastest survives.
        assert_eq!(pareto_front(&pts, |p| p.capex_usd), vec![3]);
    }

    #[test]
    fn pareto_front_handles_ties() {
        let pts = vec![
            pt("a", 1.0, 500.0, 0.0),
            pt("a-twin", 1.0, 500.0, 0.0), // identical: neither dominates the other
            pt("same-latency-dearer", 1.0, 600.0, 0.0), // dominated by a
            pt("same-power-slower", 2.0, 500.0, 0.0), // dominated by a
            pt("b", 2.0, 400.0, 0.0),
        ];
        assert_eq!(pareto_front(&pts, power), vec![0, 1, 4]);
    }

    #[test]
    fn pareto_front_skips_nan_and_infinite() {
        let pts = vec![
            pt("cannot-run", f64::INFINITY, 1.0, 0.0),
            pt("nan-latency", f64::NAN, 1.0, 0.0),
            pt("nan-power", 0.1, f64::NAN, 0.0),
            pt("ok", 1.0, 500.0, 0.0),
            pt("neg-inf", f64::NEG_INFINITY, 1.0, 0.0),
        ];
        assert_eq!(pareto_front(&pts, power), vec![3]);
        assert!(pareto_front(&pts[..3], power).is_empty());
        assert!(pareto_front(&[], power).is_empty());
    }

    #[test]
    fn pareto_front_single_dominator_is_the_whole_front() {
        // Negative control: one point better in both makes every other point dominated.
        let mut pts: Vec<ParetoPoint> =
            (0..20).map(|i| pt("x", 1.0 + i as f64, 1000.0 - 10.0 * i as f64, 0.0)).collect();
        assert_eq!(pareto_front(&pts, power).len(), 20);
        pts.push(pt("best", 0.5, 1.0, 0.0));
        assert_eq!(pareto_front(&pts, power), vec![20]);
    }

    fn sample() -> Vec<ParetoPoint> {
        let mut pts = Vec::new();
        for (i, cards) in [1.0, 2.0, 4.0, 8.0].iter().enumerate() {
            for clk in [200.0, 300.0, 400.0] {
                let latency_s = 120.0 / (cards * clk / 100.0);
                let power_w = 150.0 + cards * (50.0 + clk / 4.0);
                let capex_usd = 4000.0 + cards * 3500.0 + clk * 5.0;
                pts.push(ParetoPoint {
                    label: format!("c{i} {clk}MHz"),
                    latency_s,
                    power_w,
                    capex_usd,
                    meets: latency_s <= 12.0 && power_w <= 1500.0 && capex_usd <= 40_000.0,
                });
            }
        }
        pts.push(pt("cannot-run", f64::INFINITY, 200.0, 5000.0));
        pts.push(pt("nan", f64::NAN, 200.0, 5000.0));
        pts
    }

    const TARGETS: Targets = Targets { latency_s: 12.0, power_w: 1500.0, capex_usd: 40_000.0 };

    #[test]
    fn writes_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        // A missing parent directory is created.
        let stem = dir.path().join("sub").join("pareto");
        let paths = write_pareto_plots(&sample(), TARGETS, "Pareto test title", &stem).unwrap();
        assert_eq!(paths, vec![dir.path().join("sub/pareto.svg"), dir.path().join("sub/pareto.png")]);

        let svg = std::fs::read_to_string(&paths[0]).unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("Pareto test title"));
        assert!(svg.contains("power (kW)"));
        assert!(svg.contains("capital cost (k$)"));

        let png = std::fs::read(&paths[1]).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The first chunk is IHDR: length (4), type (4), then width and height, big-endian.
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (1400, 600));
    }

    #[test]
    fn latency_labels_are_short() {
        assert_eq!(fmt_latency(&0.30000000000000004), "0.3");
        assert_eq!(fmt_latency(&20.000000000000004), "20");
        assert_eq!(fmt_latency(&1.5), "1.5");
        assert_eq!(fmt_latency(&1000.0), "1000");
        assert_eq!(fmt_latency(&1e-5), "1e-5");
    }

    #[test]
    fn appends_extension_to_dotted_stem() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_pareto_plots(&sample(), TARGETS, "t", &dir.path().join("sweep.v2")).unwrap();
        assert!(paths[0].ends_with("sweep.v2.svg") && paths[0].is_file());
        assert!(paths[1].ends_with("sweep.v2.png") && paths[1].is_file());
    }

    #[test]
    fn empty_point_set_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("empty");
        let err = write_pareto_plots(&[], TARGETS, "t", &stem).unwrap_err();
        assert!(matches!(err, PlanError::Plot { .. }), "{err}");
        assert!(!dir.path().join("empty.svg").exists());
    }

    #[test]
    fn only_unrunnable_points_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let pts = vec![pt("inf", f64::INFINITY, 1.0, 1.0), pt("nan", f64::NAN, 1.0, 1.0)];
        let err = write_pareto_plots(&pts, TARGETS, "t", &dir.path().join("x")).unwrap_err();
        assert!(matches!(err, PlanError::Plot { .. }), "{err}");
    }

    #[test]
    fn parent_is_a_file_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let stem = file.join("pareto");
        let err = write_pareto_plots(&sample(), TARGETS, "t", &stem).unwrap_err();
        match &err {
            PlanError::Plot { path, .. } => assert_eq!(path, &file.join("pareto.svg")),
            other => panic!("expected PlanError::Plot, got {other:?}"),
        }
        assert!(err.to_string().contains("not-a-dir"), "{err}");
    }

    #[test]
    fn infinite_targets_and_single_point_still_draw() {
        // One point gives zero-width ranges; no finite targets means no reference lines.
        let dir = tempfile::tempdir().unwrap();
        let targets = Targets { latency_s: f64::INFINITY, power_w: f64::NAN, capex_usd: f64::INFINITY };
        let paths =
            write_pareto_plots(&[pt("only", 3.0, 700.0, 9000.0)], targets, "t", &dir.path().join("one")).unwrap();
        assert!(paths.iter().all(|p| p.is_file()));
    }
}
