//! `slotproof-hdl`: emit the accelerators' Verilog and regenerate their resource reports.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use slotproof_hdl::catalog::entries;
use slotproof_hdl::report::write_reports;

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
    /// Synthesise every block with yosys (xcup and ice40) and rewrite the committed reports.
    Reports {
        /// Output directory (the committed reports live in bitstreams/reports).
        #[arg(short, long, default_value = "bitstreams/reports")]
        out: PathBuf,
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
        Command::Reports { out } => {
            let summary = write_reports(&out, &entries(), &mut |what| eprintln!("synthesising {what}"))?;
            println!("{summary}");
            eprintln!("reports written to {}", out.display());
        }
    }
    Ok(())
}
