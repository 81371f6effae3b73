//! `slotproof-hdl`: emit the accelerators' Verilog, regenerate their resource reports and
//! place and route the butterfly and the field units on an iCE40.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use slotproof_hdl::catalog::{Entry, butterfly_and_field_units, compositions, entries};
use slotproof_hdl::ice40::{self, Outcome};
use slotproof_hdl::report::{DIGESTS, verilog_digest, write_reports, write_summary};

#[derive(Parser)]
#[command(
    name = "slotproof-hdl",
    version,
    about = "slotproof RTL: Verilog emission, open-tool resource reports, iCE40 place and route"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the Verilog of every block (top module `top`) as <block>_<field>.v.
    Emit {
        /// Output directory.
        #[arg(short, long, default_value = "out/verilog")]
        out: PathBuf,
    },
    /// Synthesise the blocks with yosys (xcup and ice40) and rewrite the committed reports.
    ///
    /// By default only blocks whose Verilog changed since the reports were written (their
    /// SHA-256 differs from verilog.sha256) or whose reports are missing are synthesised: the
    /// full Poseidon2 permutation alone takes yosys a long time.
    Reports {
        /// Output directory (the committed reports live in bitstreams/reports).
        #[arg(short, long, default_value = "bitstreams/reports")]
        out: PathBuf,
        /// Synthesise every block, changed or not.
        #[arg(long)]
        all: bool,
        /// Synthesise only blocks whose name contains this (repeatable).
        #[arg(long)]
        only: Vec<String>,
    },
    /// Place and route the butterfly and the field units on an iCE40 UP5K, down to bitstreams.
    ///
    /// Each block runs inside an I/O wrapper (its inputs fed from a serial-in shift register,
    /// its outputs registered and folded into a serial-out one: three pins), through yosys
    /// `synth_ice40 -dsp`, nextpnr-ice40 (UP5K, SG48 package, fixed seed) and icepack. Writes
    /// <out>/reports/<block>.pnr.ice40.txt (utilisation, achieved Fmax, commands, tool versions,
    /// Verilog digest), the bitstream <out>/ice40/<block>.up5k.bin, and regenerates the "iCE40
    /// UP5K place and route" table of <out>/reports/README.md. A block that does not fit or
    /// misses the target clock gets a report saying so, and the command fails after the rest.
    /// Needs nextpnr-ice40 and icepack (Debian: nextpnr-ice40, fpga-icestorm; scripts/test.sh
    /// installs them).
    ///
    /// Examples: `slotproof-hdl ice40 --only butterfly31` re-runs the two butterflies;
    /// `slotproof-hdl ice40 --out out/pnr --freq 40` shows which blocks miss 40 MHz without
    /// touching the committed files.
    Ice40 {
        /// Output directory: reports go to <out>/reports, bitstreams to <out>/ice40.
        #[arg(short, long, default_value = "bitstreams")]
        out: PathBuf,
        /// Place and route only blocks whose name contains this (repeatable); the README
        /// table still lists every block that has a report.
        #[arg(long)]
        only: Vec<String>,
        /// The clock nextpnr must meet, MHz; the achieved Fmax is reported beside it.
        #[arg(long, default_value_t = ice40::TARGET_MHZ)]
        freq: f64,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Emit { out } => {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            for e in entries() {
                let path = out.join(format!("{}.v", e.name));
                std::fs::write(&path, &e.verilog).with_context(|| format!("writing {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
        }
        Command::Reports { out, all, only } => {
            let previous = std::fs::read_to_string(out.join(DIGESTS)).unwrap_or_default();
            let stale = |e: &Entry| {
                let have = |t: &str| out.join(format!("{}.{t}.txt", e.name)).exists();
                let line = format!("{}  {}.v", verilog_digest(&e.verilog), e.name);
                !previous.lines().any(|l| l == line) || e.targets.iter().any(|t| !have(t.name()))
            };
            let select = |e: &Entry| {
                if only.is_empty() { all || stale(e) } else { only.iter().any(|o| e.name.contains(o.as_str())) }
            };
            let summary = write_reports(&out, &entries(), &compositions(), &select, &mut |what| {
                eprintln!("synthesising {what}")
            })?;
            println!("{summary}");
            eprintln!("reports written to {}", out.display());
        }
        Command::Ice40 { out, only, freq } => {
            let units = butterfly_and_field_units();
            let picked = |e: &&Entry| only.is_empty() || only.iter().any(|o| e.name.contains(o.as_str()));
            let blocks: Vec<&Entry> = units.iter().filter(picked).collect();
            let names: Vec<&str> = units.iter().map(|e| e.name.as_str()).collect();
            anyhow::ensure!(!blocks.is_empty(), "no block of {names:?} matches --only {only:?}");
            let reports = ice40::write_pnr(&out, &blocks, freq, &mut |name| eprintln!("placing and routing {name}"))?;
            let dir = out.join("reports");
            // The README also summarises the resource reports: it is only rewritten where they are.
            if dir.join(DIGESTS).exists() {
                write_summary(&dir, &entries())?;
                eprintln!("rewrote {}", dir.join("README.md").display());
            } else {
                eprintln!("no resource reports in {}: README.md not rewritten", dir.display());
            }
            let mut failed = Vec::new();
            for r in &reports {
                match &r.outcome {
                    Outcome::Placed { figures: f, bitstream_bytes, .. } => println!(
                        "{}: {:.2} MHz (target {}), {} LC, {} DSP, {} RAM, {bitstream_bytes}-byte bitstream",
                        r.block, f.fmax_mhz, r.target_mhz, f.lc.used, f.dsp.used, f.ram.used
                    ),
                    Outcome::Failed(log) => {
                        println!("{}: did not place and route\n{log}", r.block);
                        failed.push(r.block.as_str());
                    }
                }
            }
            anyhow::ensure!(failed.is_empty(), "did not place and route: {}", failed.join(", "));
        }
    }
    Ok(())
}
