//! Proves a Fibonacci STARK with stock Plonky3 (uni-stark, the standard Poseidon2
//! configuration) twice, once with slotproof's DFT and once with Plonky3's own, verifies
//! both with stock Plonky3's verifier and shows that the proofs are the same bytes.
//!
//! ```text
//! cargo run --release -p slotproof-plonky3 --example fibonacci -- --field koalabear --log-rows 16 --pairs 16
//! ```

use std::time::Instant;

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use p3_dft::Radix2DitParallel;
use p3_uni_stark::{prove, verify};
use slotproof_plonky3::SlotproofDft;
use slotproof_plonky3::air::FibonacciAir;
use slotproof_plonky3::config::{FriOptions, babybear, goldilocks, koalabear};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Field {
    Babybear,
    Koalabear,
    Goldilocks,
}

/// Prove a Fibonacci AIR through slotproof's DFT and through Plonky3's, and compare.
#[derive(Parser, Debug)]
struct Args {
    /// The field (and its standard Poseidon2 configuration).
    #[arg(long, value_enum, default_value = "babybear")]
    field: Field,
    /// log2 of the trace height.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u8).range(2..=22))]
    log_rows: u8,
    /// Fibonacci sequences side by side (two trace columns each).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=512))]
    pairs: u16,
    /// FRI queries.
    #[arg(long, default_value_t = 100)]
    queries: usize,
    /// Proof-of-work bits before the queries. Above 0 both proofs verify but are not
    /// byte-comparable: Plonky3 keeps whichever witness a thread of its parallel search finds
    /// first, so even one prover run twice gives different bytes.
    #[arg(long, default_value_t = 0)]
    pow_bits: usize,
}

/// Proves with `$dft`, verifies, and returns the proof bytes and the prove time.
macro_rules! run {
    ($field:ident, $dft:expr, $args:expr) => {{
        let fri = FriOptions { log_blowup: 1, num_queries: $args.queries, query_proof_of_work_bits: $args.pow_bits };
        let config = $field::config($dft, fri);
        let air = FibonacciAir { pairs: $args.pairs as usize };
        let starts: Vec<(u64, u64)> = (0..$args.pairs as u64).map(|k| (k, k + 1)).collect();
        let (trace, pis) = FibonacciAir::trace::<$field::Val>(&starts, 1 << $args.log_rows);
        let t = Instant::now();
        let proof = prove(&config, &air, trace, &pis).context("proving")?;
        let took = t.elapsed();
        verify(&config, &air, &proof, &pis).map_err(|e| anyhow::anyhow!("verification failed: {e:?}"))?;
        (postcard::to_allocvec(&proof).context("serialising the proof")?, took)
    }};
}

fn main() -> Result<()> {
    let args = Args::parse();
    println!(
        "Fibonacci AIR, {:?}, 2^{} rows × {} columns, blowup 2, {} queries, {} PoW bits",
        args.field,
        args.log_rows,
        2 * args.pairs,
        args.queries,
        args.pow_bits
    );
    let ((ours, t_ours), (stock, t_stock)) = match args.field {
        Field::Babybear => {
            (run!(babybear, SlotproofDft::default(), args), run!(babybear, Radix2DitParallel::default(), args))
        }
        Field::Koalabear => {
            (run!(koalabear, SlotproofDft::default(), args), run!(koalabear, Radix2DitParallel::default(), args))
        }
        Field::Goldilocks => {
            (run!(goldilocks, SlotproofDft::default(), args), run!(goldilocks, Radix2DitParallel::default(), args))
        }
    };
    println!("prove with SlotproofDft:        {:>8.1} ms (verified by stock Plonky3)", t_ours.as_secs_f64() * 1e3);
    println!("prove with Radix2DitParallel:   {:>8.1} ms (verified by stock Plonky3)", t_stock.as_secs_f64() * 1e3);
    if args.pow_bits > 0 {
        println!("proofs not compared: with grinding the witness (and all after it) depends on thread timing");
        return Ok(());
    }
    ensure!(ours == stock, "the proofs differ: {} bytes through slotproof, {} stock", ours.len(), stock.len());
    println!(
        "proofs identical: {} bytes each (one run each; `cargo bench -p slotproof-bench --bench plonky3` for figures)",
        ours.len()
    );
    Ok(())
}
