//! `slotproof plan` and `slotproof plan sweep`: the system planner at the command line.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use slotproof_sim::plan::model::{RestOfProver, Sizing, TARGETS};
use slotproof_sim::plan::plot::{Targets, write_pareto_plots};
use slotproof_sim::plan::report::{PlanRequest, make_plan};
use slotproof_sim::plan::sweep::{SweepSpec, cheapest_meeting, pareto_points, sweep, write_csv};
use slotproof_sim::plan::{Catalogue, PlanError, SecurityTarget, Workload};

use super::BadInput;

/// Options shared by `plan` and `plan sweep`.
#[derive(Args, Clone)]
pub struct Common {
    /// Workload: a preset (mainnet, sp1, pico, openvm, risc0, zisk, killer) or a TOML file.
    #[arg(long, default_value = "mainnet")]
    workload: String,
    /// Host machine id from the catalogue.
    #[arg(long, default_value = "epyc-9355")]
    host: String,
    /// Largest share of each FPGA resource the accelerator may use.
    #[arg(long, default_value_t = 0.7)]
    ceiling: f64,
    /// Target security in bits (conjectured FRI soundness).
    #[arg(long, default_value_t = 100)]
    security_bits: u32,
    /// Proof-of-work grinding bits.
    #[arg(long, default_value_t = 16)]
    grinding_bits: u32,
    /// Share of single-machine prover time outside LDE + Merkle (default from the Plonky3 profile).
    #[arg(long)]
    rest_share: Option<f64>,
    /// Recursion time as a multiple of the base proof's (default from Airbender's figures).
    #[arg(long)]
    recursion_overhead: Option<f64>,
    /// A board and host catalogue (TOML) instead of the built-in one.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Print JSON instead of the tables.
    #[arg(long)]
    json: bool,
}

/// `slotproof plan`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PlanArgs {
    #[command(subcommand)]
    sub: Option<PlanSub>,
    #[command(flatten)]
    common: Common,
    /// Board id from the catalogue (u55c, u280, u250, c1100, vu9p).
    #[arg(long, default_value = "u55c")]
    board: String,
    /// Cards in the box.
    #[arg(long, default_value_t = 8)]
    cards: u32,
    /// Host machines (default: as few as hold the cards).
    #[arg(long)]
    hosts: Option<u32>,
    /// Kernel clock (MHz).
    #[arg(long, default_value_t = 250.0)]
    clock_mhz: f64,
    /// NTT lanes per card (default: balanced against the pipelines to fit the board).
    #[arg(long)]
    lanes: Option<u32>,
    /// Poseidon2 pipelines per card (default: balanced against the lanes).
    #[arg(long)]
    pipelines: Option<u32>,
    /// List the workloads, boards and hosts, with their sources, and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Subcommand)]
enum PlanSub {
    /// Explore boards × cards × clocks × lanes; write a CSV and Pareto plots (SVG and PNG).
    #[command(after_help = "Writes DIR/sweep.csv (one line per configuration, including those that do not \
fit, with the reason) and DIR/pareto.svg + DIR/pareto.png (P99 latency against peak power and against \
capital cost, the Pareto front of each, the targets dashed), then prints the cheapest box that meets each \
target.\n\nExample: slotproof plan sweep --workload mainnet --boards u55c,u250 --cards 1,2,4,8,16 --clocks-mhz 250,350")]
    Sweep(SweepArgs),
    /// Cost one MSM on cards of bucket units, from the RTL's yosys report and measured rate.
    #[command(after_help = "The card holds bucket units (`bucket_unit_4096_<curve>`: the XYZZ point adder with \
2^12 buckets, one point per cycle), as many as fit the board under the ceiling. Points are resident in card \
memory, scalars stream over PCIe, the host reduces the buckets. Prints the time of each part, the end-to-end \
points/s and the kernel's points/s per DSP48E2 beside the FPGA anchors (ZPrize entries).\n\nExamples:\n  \
slotproof plan msm --curve bn254 --points 1048576 --board u55c\n  \
slotproof plan msm --curve bls12-381 --points 16777216 --board u250 --cards 4 --json")]
    Msm(MsmPlanArgs),
}

#[derive(Args)]
struct MsmPlanArgs {
    /// The curve: bn254 or bls12-381.
    #[arg(long, default_value = "bn254")]
    curve: slotproof_core::CurveId,
    /// Points in the MSM.
    #[arg(long, default_value_t = 1 << 20)]
    points: u64,
    /// Board id from the catalogue.
    #[arg(long, default_value = "u55c")]
    board: String,
    /// Cards sharing the windows.
    #[arg(long, default_value_t = 1)]
    cards: u32,
    /// Kernel clock (MHz).
    #[arg(long, default_value_t = 250.0)]
    clock_mhz: f64,
    /// Host machine id from the catalogue (it reduces the buckets).
    #[arg(long, default_value = "epyc-9355")]
    host: String,
    /// Largest share of each FPGA resource the units may use.
    #[arg(long, default_value_t = 0.7)]
    ceiling: f64,
    /// A board and host catalogue (TOML) instead of the built-in one.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn run_msm(a: MsmPlanArgs) -> Result<()> {
    let catalogue = match &a.catalogue {
        Some(p) => Catalogue::load(p).map_err(classify)?,
        None => Catalogue::builtin(),
    };
    let board = catalogue.board(&a.board).map_err(classify)?.clone();
    let host = catalogue.host(&a.host).map_err(classify)?.clone();
    if !(a.ceiling > 0.0 && a.ceiling <= 1.0) {
        return Err(BadInput(format!("--ceiling {}: must be in (0, 1]", a.ceiling)).into());
    }
    let sizing = Sizing { clock_hz: clock_hz(a.clock_mhz)?, ceiling: a.ceiling, ..Sizing::default() };
    let table = slotproof_sim::plan::resources::ReportTable::committed().map_err(classify)?;
    let plan = slotproof_sim::plan::msm::plan_msm(&table, &board, &host, a.cards, &sizing, a.curve, a.points)
        .map_err(classify)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        print!("{}", plan.render(&board));
    }
    Ok(())
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    common: Common,
    /// Boards to try, comma-separated (default: every board in the catalogue).
    #[arg(long, value_delimiter = ',')]
    boards: Vec<String>,
    /// Card counts to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,6,8,12,16,24,32")]
    cards: Vec<u32>,
    /// Clocks to try (MHz).
    #[arg(long, value_delimiter = ',', default_value = "250,300,350")]
    clocks_mhz: Vec<f64>,
    /// NTT lanes per card to try; "auto" balances them against the pipelines.
    #[arg(long, value_delimiter = ',', default_value = "auto")]
    lanes: Vec<String>,
    /// Host machine counts to try; "auto" is as few as hold the cards.
    #[arg(long, value_delimiter = ',', default_value = "auto,2,4,8")]
    hosts: Vec<String>,
    /// Directory for sweep.csv and the plots.
    #[arg(long, default_value = "plan-sweep")]
    out: PathBuf,
}

/// Errors of the planner's inputs are the user's to fix (exit 2); I/O and plotting are not.
fn classify(e: PlanError) -> anyhow::Error {
    match e {
        PlanError::Io { .. } | PlanError::Plot { .. } => e.into(),
        other => BadInput(other.to_string()).into(),
    }
}

struct Inputs {
    catalogue: Catalogue,
    workload: Workload,
    security: SecurityTarget,
    rest: RestOfProver,
}

fn inputs(c: &Common) -> Result<Inputs> {
    let catalogue = match &c.catalogue {
        Some(p) => Catalogue::load(p).map_err(classify)?,
        None => Catalogue::builtin(),
    };
    let workload = if Workload::PRESETS.contains(&c.workload.as_str()) {
        Workload::preset(&c.workload).map_err(classify)?
    } else if c.workload.ends_with(".toml") || std::path::Path::new(&c.workload).exists() {
        Workload::load(std::path::Path::new(&c.workload)).map_err(classify)?
    } else {
        return Err(BadInput(format!(
            "--workload {:?}: neither a preset ({}) nor a TOML file",
            c.workload,
            Workload::PRESETS.join(", ")
        ))
        .into());
    };
    if !(c.ceiling > 0.0 && c.ceiling <= 1.0) {
        return Err(BadInput(format!("--ceiling {}: must be in (0, 1]", c.ceiling)).into());
    }
    if c.grinding_bits >= c.security_bits {
        return Err(BadInput(format!(
            "--grinding-bits {} must be below --security-bits {}",
            c.grinding_bits, c.security_bits
        ))
        .into());
    }
    let mut rest = RestOfProver::default();
    if let Some(s) = c.rest_share {
        if !(0.0..1.0).contains(&s) {
            return Err(BadInput(format!("--rest-share {s}: must be in [0, 1)")).into());
        }
        rest.share = s;
    }
    if let Some(r) = c.recursion_overhead {
        if !(r >= 0.0 && r.is_finite()) {
            return Err(BadInput(format!("--recursion-overhead {r}: must be a non-negative number")).into());
        }
        rest.recursion_overhead = r;
    }
    Ok(Inputs {
        catalogue,
        workload,
        security: SecurityTarget { bits: c.security_bits, grinding_bits: c.grinding_bits },
        rest,
    })
}

fn clock_hz(mhz: f64) -> Result<f64> {
    if mhz > 0.0 && mhz <= 1000.0 {
        Ok(mhz * 1e6)
    } else {
        Err(BadInput(format!("clock {mhz} MHz: must be in (0, 1000]")).into())
    }
}

/// Runs `slotproof plan` or `slotproof plan sweep`.
pub fn run(a: PlanArgs) -> Result<()> {
    match a.sub {
        Some(PlanSub::Sweep(s)) => return run_sweep(s),
        Some(PlanSub::Msm(m)) => return run_msm(m),
        None => {}
    }
    let i = inputs(&a.common)?;
    if a.list {
        return list(&i.catalogue);
    }
    let board = i.catalogue.board(&a.board).map_err(classify)?.clone();
    let host = i.catalogue.host(&a.common.host).map_err(classify)?.clone();
    if a.lanes == Some(0) || a.pipelines == Some(0) {
        return Err(BadInput("--lanes and --pipelines must be at least 1".into()).into());
    }
    let req = PlanRequest {
        workload: i.workload,
        board: board.clone(),
        host,
        cards: a.cards,
        hosts: a.hosts,
        sizing: Sizing {
            clock_hz: clock_hz(a.clock_mhz)?,
            ceiling: a.common.ceiling,
            lanes: a.lanes,
            pipelines: a.pipelines,
            ..Sizing::default()
        },
        security: i.security,
        rest: i.rest,
    };
    let plan = make_plan(&req).map_err(classify)?;
    if a.common.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        print!("{}", plan.render(&board));
    }
    Ok(())
}

fn list(cat: &Catalogue) -> Result<()> {
    println!("workloads:");
    for w in Workload::presets() {
        println!("  {:<10} {}\n             source: {}", w.name, w.description, w.source);
    }
    println!("boards:");
    for b in &cat.boards {
        println!(
            "  {:<8} {}: {} LUT, {} DSP; {}, {:.0} GB/s; {} ({:.1}/{:.1} GB/s XDMA), {:.0} W, ${:.0}{}",
            b.id,
            b.name,
            b.lut,
            b.dsp,
            b.memory,
            b.memory_gb_per_s,
            b.pcie,
            b.xdma_h2c_gb_per_s,
            b.xdma_c2h_gb_per_s,
            b.busy_watts,
            b.price_usd,
            if b.unverified.is_empty() { String::new() } else { format!("; unverified: {}", b.unverified.join(", ")) }
        );
    }
    println!("hosts:");
    for h in &cat.hosts {
        println!(
            "  {:<16} {}: {} cores, {} card slots, {:.0} W, ${:.0}{}",
            h.id,
            h.name,
            h.cores,
            h.max_cards,
            h.busy_watts,
            h.price_usd,
            if h.unverified.is_empty() { String::new() } else { format!("; unverified: {}", h.unverified.join(", ")) }
        );
    }
    Ok(())
}

/// A list of counts where "auto" means "let the planner choose".
fn counts(flag: &str, values: &[String]) -> Result<Vec<Option<u32>>> {
    values
        .iter()
        .map(|v| match v.as_str() {
            "auto" => Ok(None),
            n => n.parse::<u32>().ok().filter(|&n| n > 0).map(Some).ok_or_else(|| {
                anyhow::Error::from(BadInput(format!("{flag} {n:?}: \"auto\" or a count of at least 1")))
            }),
        })
        .collect()
}

fn run_sweep(s: SweepArgs) -> Result<()> {
    let i = inputs(&s.common)?;
    let boards = if s.boards.is_empty() {
        i.catalogue.boards.clone()
    } else {
        s.boards.iter().map(|b| i.catalogue.board(b).cloned()).collect::<Result<Vec<_>, _>>().map_err(classify)?
    };
    if s.cards.is_empty() || s.cards.contains(&0) {
        return Err(BadInput("--cards: every count must be at least 1".into()).into());
    }
    let clocks = s.clocks_mhz.iter().map(|&m| clock_hz(m)).collect::<Result<Vec<_>>>()?;
    let lanes = counts("--lanes", &s.lanes)?;
    let hosts = counts("--hosts", &s.hosts)?;
    let spec = SweepSpec {
        workload: i.workload,
        boards,
        host: i.catalogue.host(&s.common.host).map_err(classify)?.clone(),
        cards: s.cards,
        clocks_hz: clocks,
        lanes,
        hosts,
        ceiling: s.common.ceiling,
        security: i.security,
        rest: i.rest,
    };
    let total = spec.boards.len() * spec.cards.len() * spec.clocks_hz.len() * spec.lanes.len() * spec.hosts.len();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("planning {pos}/{len} configurations {bar:30}")
            .unwrap_or(ProgressStyle::default_bar()),
    );
    if s.common.json || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let rows = sweep(&spec, &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    let csv = s.out.join("sweep.csv");
    write_csv(&rows, &csv).map_err(classify)?;
    let points = pareto_points(&rows);
    let t = TARGETS[0];
    let title = format!("{}: P99 block latency, {} configurations", spec.workload.name, points.len());
    let plots = if points.is_empty() {
        Vec::new()
    } else {
        write_pareto_plots(
            &points,
            Targets { latency_s: t.latency_s, power_w: t.power_w, capex_usd: t.capex_usd },
            &title,
            &s.out.join("pareto"),
        )
        .map_err(classify)
        .context("drawing the Pareto plots")?
    };
    let best: Vec<_> = (0..TARGETS.len()).map(|k| (TARGETS[k], cheapest_meeting(&rows, k))).collect();
    if s.common.json {
        let j = serde_json::json!({
            "csv": csv,
            "plots": plots,
            "configurations": rows.len(),
            "cheapest_meeting": best.iter().map(|(t, r)| serde_json::json!({"target": t.name, "config": r})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&j)?);
        return Ok(());
    }
    println!("{} configurations of {} planned; wrote {}", rows.len(), spec.workload.name, csv.display());
    for p in &plots {
        println!("wrote {}", p.display());
    }
    for (t, r) in best {
        match r {
            Some(r) => println!(
                "cheapest box meeting {}: {} x {} at {:.0} MHz ({} lanes, {} pipelines) + {} x {}: P99 {:.2} s, {:.1} kW, \
                 ${:.0}k; bottleneck {}",
                t.name,
                r.cards,
                r.board,
                r.clock_mhz,
                r.lanes,
                r.pipelines,
                r.hosts,
                spec.host.id,
                r.p99_s,
                r.power_w / 1e3,
                r.capex_usd / 1e3,
                r.bottleneck
            ),
            None => println!("no configuration swept meets {}", t.name),
        }
    }
    Ok(())
}
