//! Proves a STARK with stock Plonky3 (uni-stark, the standard Poseidon2 configuration) twice:
//! once on slotproof's kernels (`SlotproofDft`, `SlotproofMmcs`) and once on Plonky3's own
//! (`Radix2DitParallel`, `MerkleTreeMmcs`). Verifies both with stock Plonky3's verifier and
//! shows that the proofs are the same bytes.
//!
//! ```text
//! cargo run --release -p slotproof-plonky3 --example prove                       # Poseidon2 AIR, BabyBear, 2^12 rows
//! cargo run --release -p slotproof-plonky3 --example prove -- --air fibonacci --field koalabear --log-rows 16
//! cargo run --release -p slotproof-plonky3 --example prove -- --trees sim-card    # Merkle trees on the simulated card
//! ```

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use p3_matrix::Matrix;
use p3_uni_stark::{Proof, prove, verify};
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, goldilocks, koalabear};
use slotproof_plonky3::{SlotproofDft, poseidon2_air};
use slotproof_sim::device::FaultPlan;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Field {
    Babybear,
    Koalabear,
    Goldilocks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Trees {
    /// `SlotproofMmcs` on this machine's cores.
    Cpu,
    /// `CardMmcs` on the simulated card (the device model behind the real driver): trees built
    /// and kept on the card, openings' paths read from it.
    SimCard,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AirKind {
    /// Plonky3's vectorized Poseidon2-permutation AIR on the field's default constants,
    /// 8 permutations a row (Plonky3's own benchmark workload).
    Poseidon2,
    /// Interleaved Fibonacci sequences, two columns each (`--pairs`).
    Fibonacci,
}

/// Prove an AIR through slotproof's kernels and through Plonky3's, verify both with stock
/// Plonky3, and compare the proof bytes.
#[derive(Parser, Debug)]
struct Args {
    /// Which AIR to prove.
    #[arg(long, value_enum, default_value = "poseidon2")]
    air: AirKind,
    /// The field (and its standard Poseidon2 configuration).
    #[arg(long, value_enum, default_value = "babybear")]
    field: Field,
    /// log2 of the trace height.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u8).range(2..=22))]
    log_rows: u8,
    /// Fibonacci sequences side by side (two trace columns each); `--air fibonacci` only.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=512))]
    pairs: u16,
    /// FRI queries.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..))]
    queries: u16,
    /// Proof-of-work bits before the queries. Above 0 both proofs verify but are not
    /// byte-comparable: Plonky3 keeps whichever witness a thread of its parallel search finds
    /// first, so even one prover run twice gives different bytes.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=30))]
    pow_bits: u8,
    /// Where slotproof builds the Merkle trees.
    #[arg(long, value_enum, default_value = "cpu")]
    trees: Trees,
    /// Seed of the Poseidon2 AIR's random inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Permutations a row of the Poseidon2 AIR.
const PERMS_PER_ROW: usize = 8;

/// What one prover produced.
struct Run {
    bytes: Vec<u8>,
    took: Duration,
}

/// Proves `$air` on `$trace` with `$config`, verifies the proof's bytes as a stock proof with
/// stock Plonky3's configuration, and returns the bytes and the prove time.
macro_rules! run {
    ($field:ident, $config:expr, $air:expr, $trace:expr, $pis:expr, $fri:expr) => {{
        let t = Instant::now();
        let proof = prove(&$config, &$air, $trace, &$pis).context("proving")?;
        let took = t.elapsed();
        let bytes = postcard::to_allocvec(&proof).context("serialising the proof")?;
        let received: Proof<$field::StockConfig> = postcard::from_bytes(&bytes).context("reading the proof back")?;
        verify(&$field::stock($fri), &$air, &received, &$pis)
            .map_err(|e| anyhow::anyhow!("stock Plonky3 refused the proof: {e:?}"))?;
        Run { bytes, took }
    }};
}

/// Proves on slotproof's kernels, the trees where `--trees` says.
macro_rules! ours {
    ($field:ident, $args:expr, $air:expr, $trace:expr, $pis:expr, $fri:expr) => {{
        match $args.trees {
            Trees::Cpu => run!($field, $field::slotproof($fri), $air, $trace, $pis, $fri),
            Trees::SimCard => {
                let card = $field::CardMmcs::on_sim($field::slotproof_mmcs(), FaultPlan::none())
                    .context("opening the simulated card")?;
                let run =
                    run!($field, $field::config(SlotproofDft::default(), card.clone(), $fri), $air, $trace, $pis, $fri);
                let (on_card, cpu_shape, fell_back, paths, _) = card.stats().snapshot();
                println!(
                    "trees on the simulated card: {on_card} commitments on the card, {} on the CPU, {paths} paths read",
                    cpu_shape + fell_back
                );
                run
            }
        }
    }};
}

/// Builds the AIR and trace for `$field`, then runs both provers.
macro_rules! both {
    ($field:ident, $args:expr, $fri:expr) => {{
        let args: &Args = $args;
        let rows = 1usize << args.log_rows;
        match args.air {
            AirKind::Poseidon2 => {
                use poseidon2_air::$field as p2;
                let mut state = args.seed;
                let inputs = p2::random_inputs(PERMS_PER_ROW * rows, || {
                    // SplitMix64: a seeded stream for the permutations' inputs.
                    state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                    let mut z = state;
                    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                    z ^ (z >> 31)
                });
                let trace = p2::trace::<PERMS_PER_ROW>(inputs, $fri.log_blowup);
                println!(
                    "Poseidon2 AIR, {:?}: {} permutations, trace 2^{} × {} columns",
                    args.field,
                    PERMS_PER_ROW * rows,
                    args.log_rows,
                    trace.width()
                );
                let air = p2::air::<PERMS_PER_ROW>();
                let pis: Vec<p2::Val> = Vec::new();
                // Stock first: the first prover in a process also pays for starting the
                // thread pool and faulting in the allocator's pages.
                let stock = run!($field, $field::stock($fri), air, trace.clone(), pis, $fri);
                let ours = ours!($field, args, air, trace, pis, $fri);
                (ours, stock)
            }
            AirKind::Fibonacci => {
                let air = FibonacciAir { pairs: args.pairs as usize };
                let starts: Vec<(u64, u64)> = (0..args.pairs as u64).map(|k| (k, k + 1)).collect();
                let (trace, pis) = FibonacciAir::trace::<$field::Val>(&starts, rows);
                println!("Fibonacci AIR, {:?}: trace 2^{} × {} columns", args.field, args.log_rows, trace.width());
                // Stock first: the first prover in a process also pays for starting the
                // thread pool and faulting in the allocator's pages.
                let stock = run!($field, $field::stock($fri), air, trace.clone(), pis, $fri);
                let ours = ours!($field, args, air, trace, pis, $fri);
                (ours, stock)
            }
        }
    }};
}

fn main() -> Result<()> {
    let args = Args::parse();
    let fri = FriOptions {
        log_blowup: 1,
        num_queries: args.queries as usize,
        query_proof_of_work_bits: args.pow_bits as usize,
    };
    println!("blowup 2, {} queries, {} PoW bits", fri.num_queries, fri.query_proof_of_work_bits);
    let (ours, stock) = match args.field {
        Field::Babybear => both!(babybear, &args, fri),
        Field::Koalabear => both!(koalabear, &args, fri),
        Field::Goldilocks => both!(goldilocks, &args, fri),
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let kernels = match args.trees {
        Trees::Cpu => "SlotproofDft, SlotproofMmcs",
        Trees::SimCard => "SlotproofDft, CardMmcs",
    };
    println!("prove on slotproof ({kernels:<27}):      {:>9.1} ms, verified by stock Plonky3", ms(ours.took));
    println!(
        "prove on Plonky3 (Radix2DitParallel, MerkleTreeMmcs):  {:>9.1} ms, verified by stock Plonky3",
        ms(stock.took)
    );
    if args.trees == Trees::SimCard {
        println!("  (the simulated card's time is the device model computing on this machine's CPU, not a card's)");
    }
    if args.pow_bits > 0 {
        println!("proofs not compared: with grinding the witness (and all after it) depends on thread timing");
        return Ok(());
    }
    ensure!(
        ours.bytes == stock.bytes,
        "the proofs differ: {} bytes through slotproof, {} stock",
        ours.bytes.len(),
        stock.bytes.len()
    );
    println!(
        "proofs identical: {} bytes each (one run each; `cargo bench -p slotproof-bench --bench plonky3` for figures)",
        ours.bytes.len()
    );
    Ok(())
}
