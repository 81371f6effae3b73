//! `slotproof-hdl`: emit the accelerators' Verilog and regenerate their resource reports.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use slotproof_hdl::catalog::{Entry, compositions, entries};
use slotproof_hdl::report::{DIGESTS, verilog_digest, write_reports};

#[derive(Parser)]
#[command(name = "slotproof-hdl", version, about = "slotproof RTL: Verilog emission and open-tool resource reports")]
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
                !previous.lines().any(|l| l == line) || !have("xcup") || !have("ice40")
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
    }
    Ok(())
}
