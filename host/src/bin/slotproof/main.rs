//! `slotproof`: commit STARK traces on the best backend present, bit-identical to Plonky3.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use slotproof_core::FieldId;
use slotproof_core::curve::{Bls12_381, Bn254, CurveId};
use slotproof_core::msm_files::{MsmFileError, write_points, write_scalars};
use slotproof_core::sample::random_trace;
use slotproof_core::trace::{TraceFile, write_npy_words};
use slotproof_host::backend::card::{ExpectedBitstream, VerifyMode};
use slotproof_host::backend::{self, BackendError, BackendKind, CardOptions, Progress};
use slotproof_host::job::{CommitJob, CommitReport, DEFAULT_COLS, DEFAULT_LOG_ROWS, DEFAULT_SEED, TraceInput};
use slotproof_host::msm::{
    DEFAULT_MSM_SEED, DEFAULT_MSM_SIZE, MAX_MSM_SIZE, MsmBackend, MsmInput, MsmJob, MsmJobError,
};

mod plan;

#[derive(Parser)]
#[command(
    name = "slotproof",
    version,
    about = "Trace commitments for STARK provers: coset LDE + Poseidon2 Merkle tree, bit-identical to Plonky3",
    long_about = "slotproof commits STARK execution traces: it low-degree-extends every column over a coset \
(blowup 2^k, shift = the field's generator) and commits the extended rows, in bit-reversed order, in a \
Poseidon2 Merkle tree. The root equals the trace commitment of Plonky3's TwoAdicFriPcs, bit for bit, on every \
backend.\n\nExit status: 0 on success, 2 when the input is at fault (bad file, shape, value or option), 1 otherwise.",
    after_help = "Examples:\n  slotproof commit                                   # built-in 2^20 x 64 BabyBear trace\n  \
slotproof gen-trace --rows 65536 --cols 32 --field koalabear -o kb.npy\n  \
slotproof commit kb.npy --field koalabear --log-blowup 2 --json"
)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Commit a trace: coset LDE, then the Poseidon2 Merkle root over the rows in bit-reversed order.
    #[command(after_help = "Without TRACE, commits a built-in random trace of 2^20 rows x 64 BabyBear columns \
(seed 0x51079400); --rows/--cols/--seed/--field change it.\n\nThe human output goes to stdout; --json prints one \
object with field, rows, cols, log_blowup, backend, root (canonical integers) and timings_ms.")]
    Commit(CommitArgs),
    /// Write a random trace of canonical values as .npy (<u4 for babybear/koalabear, <u8 for goldilocks).
    GenTrace(GenTraceArgs),
    /// Multi-scalar multiplication on BN254 or BLS12-381 G1: sum_i k_i * P_i (KZG commitments,
    /// Groth16/PLONK wrappers).
    #[command(
        after_help = "Without --points/--scalars, sums --size points and scalars generated from --seed (4096 and 0x51070852 by default): the same seed gives the same inputs, and so the same sum, on every machine and backend.\n\nFiles are arkworks' uncompressed encoding: Vec<G1Affine>::serialize_uncompressed for the points (an 8-byte little-endian count, then x and y little-endian, 64 bytes a point on bn254, 96 on bls12-381) and Vec<Fr>::serialize_uncompressed for the scalars (the count, then 32 bytes each). Every point is checked on the curve and in G1, every scalar below r, before the MSM starts; an error names the file, the element and its bytes.\n\nThe sum is printed in affine coordinates as big-endian hex; --json prints one object with curve, points, input, backend, window_bits, sum {infinity, x, y}, load_ms and msm_ms.\n\nExamples:\n  slotproof msm\n  slotproof msm --curve bls12-381 --size 65536 --json\n  slotproof gen-msm --curve bn254 --size 1024 --points p.bin --scalars s.bin && slotproof msm --points p.bin --scalars s.bin"
    )]
    Msm(MsmArgs),
    /// Write random MSM inputs from a seed: a points file and a scalars file (the encoding `msm` reads).
    GenMsm(GenMsmArgs),
    /// List the cards present: /dev/xdmaN cards, emulated directories (--device), the simulated card.
    #[command(after_help = "Every card is opened, its ID, ABI version and capabilities are checked, and it \
commits a small known-answer trace (the canary) that must equal the CPU's root before it is listed as usable. \
A card that fails any step is listed with the reason.")]
    Devices(DevicesArgs),
    /// Run an emulated card: a directory laid out like /dev (xdma0_h2c_0, _c2h_0, _user, _events_0)
    /// serviced by the device model, until interrupted.
    #[command(after_help = "Then, in another shell: slotproof devices --device DIR, and \
slotproof commit --backend fpga:DIR. The host talks to it through the same XDMA code (pread/pwrite, \
mmap of the user BAR, poll on events) that drives a real card.")]
    Emulate(EmulateArgs),
    /// Print the card ABI this build speaks: registers, command descriptor, opcodes, memory map, errors.
    #[command(after_help = "The tables are generated from the slotproof-firmware crate, the single source \
of truth that the host driver and the device model are built from (and the card's RTL: register block and command admission).")]
    Abi(AbiArgs),
    /// Can this box prove a mainnet block within the slot? Latency, power, cost and a verdict.
    #[command(after_help = "Models a whole prover box: a workload (a block preset with cited figures, or a \
TOML file) on N cards of a board from the catalogue, each carrying an accelerator sized to the board from the \
committed yosys reports, plus the host machines that run the rest of the prover. Prints the per-commitment \
stages on one card, the median, P99 and prover-killer blocks (and the P99 block with the trace generated on \
the card), the bottleneck, peak power, capital cost, energy, the FRI queries and proof size, and a verdict \
against the real-time-proving targets (P99 <= 10 s, <= 10 kW, <= $100k) and the 6 s, 3 s and 1 s slots.\n\n\
Examples:\n  slotproof plan --workload mainnet --board u55c --cards 8\n  slotproof plan --list\n  \
slotproof plan --workload my-block.toml --board u250 --cards 4 --clock-mhz 300 --json\n  \
slotproof plan sweep --boards u55c,u250,c1100 --cards 1,2,4,8,16 --out sweep/")]
    Plan(Box<plan::PlanArgs>),
    /// The card's RTL: board builds (Vivado recipe, manifest, whole-card resource report).
    #[command(subcommand)]
    Hdl(HdlCommand),
}

#[derive(Subcommand)]
enum HdlCommand {
    /// Write a board's build: card top Verilog, user-logic wrapper, Vivado TCL, XDC, the whole-card
    /// yosys report and the manifest, under <out>/boards/<board>/; then run Vivado when it is on PATH.
    #[command(
        after_help = "The manifest records the card ABI, the source hash (and the build ID derived from it, which the card reports in BITSTREAM_LO/HI), the identity registers, the resources and the target clock. Give it to `slotproof commit --manifest` or `slotproof devices --manifest` and the host refuses a card that is not running exactly that build, and any manifest of another ABI.\n\nVivado (synthesis, implementation, bitstream) takes hours and needs the board files installed; without it on PATH the recipe is written and the command says how to run it.\n\nThe card is the executing card (register block, admission, command processor with its LDE unit and Poseidon2 hash pass, an AXI4 master on card memory) for BabyBear. The whole-card yosys report synthesises it with the permutation as a black box and adds the permutation's block report from --reports; an existing report of exactly the same Verilog is kept unless --resynth.\n\nExamples:\n  slotproof hdl build --board u55c\n  slotproof hdl build --board u55c --resynth --no-vivado\n  slotproof hdl build --board u250 --out /tmp/build --no-vivado"
    )]
    Build(HdlBuildArgs),
}

#[derive(Args)]
struct HdlBuildArgs {
    /// The board: u55c, u250 or c1100.
    #[arg(long)]
    board: String,
    /// The bitstreams directory; the board's files go to <out>/boards/<board>/.
    #[arg(long, default_value = "bitstreams")]
    out: PathBuf,
    /// The block reports (`cargo run -p slotproof-hdl -- reports`): the whole-card report adds
    /// the Poseidon2 permutation's from there.
    #[arg(long, value_name = "DIR", default_value = "bitstreams/reports")]
    reports: PathBuf,
    /// Synthesise the card again even when <out>/boards/<board>/card_top.xcup.txt is already
    /// the report of exactly this Verilog (yosys takes about ten minutes).
    #[arg(long)]
    resynth: bool,
    /// Write the recipe and manifest only, even when vivado is on PATH.
    #[arg(long)]
    no_vivado: bool,
}

#[derive(Args)]
struct DevicesArgs {
    /// An emulated device directory to list too; repeatable.
    #[arg(long = "device", value_name = "DIR")]
    devices: Vec<PathBuf>,
    /// A bitstream manifest (bitstreams/boards/<board>/manifest.json): real and emulated cards
    /// not running exactly that build are refused.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Simulated cards to list.
    #[arg(long, default_value_t = 1)]
    sims: usize,
}

#[derive(Args)]
struct EmulateArgs {
    /// The directory to create the device nodes in (created if missing; must not already hold xdma0 nodes).
    dir: PathBuf,
    /// Card memory in GiB (a sparse file: only written pages take disk).
    #[arg(long, default_value_t = 8)]
    mem_gib: u64,
    /// DMA channels each way (1-4).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=4))]
    channels: u8,
    /// Emulate a card running the bitstream this manifest describes (its identity registers,
    /// capabilities, limits, clock and memory) instead of the default full-capability card.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
}

#[derive(Args)]
struct AbiArgs {
    /// Print Markdown tables (the only format so far; the flag keeps room for others).
    #[arg(long, default_value_t = true)]
    markdown: bool,
}

#[derive(Args)]
struct CommitArgs {
    /// The trace: a 2-D C-order .npy of canonical values, 2^k rows.
    trace: Option<PathBuf>,
    /// The field of the trace. Required for <u4 files (BabyBear and KoalaBear share the dtype);
    /// a <u8 file is Goldilocks; the built-in trace defaults to babybear.
    #[arg(long, value_parser = parse_field)]
    field: Option<FieldId>,
    /// log2 of the LDE blowup (1 = blowup 2, 2 = blowup 4, 3 = blowup 8; 0 commits the coset
    /// evaluations without extension). At most the field's two-adicity minus log2(rows).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=32))]
    log_blowup: u8,
    /// Where to run: auto (a card that passes admission if one is present, else the CPU; it
    /// says which and why), cpu, sim (the simulated card in this process), fpga (every
    /// /dev/xdmaN card), or fpga:DEVICE (/dev/xdma1, or an emulated device directory).
    #[arg(long, default_value = "auto")]
    backend: BackendKind,
    /// Cards to use: simulated cards for sim (default 1); at most this many real cards for
    /// fpga (default all). Several cards split the LDE into whole subtrees.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    cards: Option<u16>,
    /// How a card's root is checked before it is trusted: sample (default) recomputes
    /// --samples random LDE rows on the CPU and checks their Merkle paths against the root;
    /// full recomputes the whole commitment on the CPU. Any failure falls back to the CPU's
    /// root, with the reason logged. `slotproof commit --help` states what each guarantees.
    #[arg(long, default_value = "sample", value_parser = ["sample", "full"])]
    verify: String,
    /// Rows --verify sample recomputes.
    #[arg(long, default_value_t = slotproof_host::backend::card::DEFAULT_SAMPLES)]
    samples: usize,
    /// An emulated device directory to consider (as made by `slotproof emulate`); repeatable.
    #[arg(long = "device", value_name = "DIR")]
    devices: Vec<PathBuf>,
    /// A bitstream manifest (bitstreams/boards/<board>/manifest.json): fpga cards not running
    /// exactly that build are refused, and a manifest of another ABI is an error.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// With --backend sim: the card is the executing card's RTL (its Verilog, built for the
    /// trace's field, under Verilator with a behavioural card memory) instead of the device
    /// model: hardware in the loop, the unchanged driver against the RTL. Verilating takes a
    /// few minutes; BabyBear and KoalaBear, LDEs up to 2^13 rows. With -v every command's
    /// simulated cycles are logged beside the executing card's timing model.
    #[arg(long)]
    rtl: bool,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Rows of the built-in trace (no TRACE given). A power of two.
    #[arg(long, conflicts_with = "trace")]
    rows: Option<usize>,
    /// Columns of the built-in trace (no TRACE given).
    #[arg(long, conflicts_with = "trace")]
    cols: Option<usize>,
    /// Seed of the built-in trace (no TRACE given).
    #[arg(long, conflicts_with = "trace")]
    seed: Option<u64>,
}

#[derive(Args)]
struct GenTraceArgs {
    /// Rows (a power of two if the trace is to be committed).
    #[arg(long)]
    rows: usize,
    /// Columns.
    #[arg(long)]
    cols: usize,
    /// The field whose canonical values to draw.
    #[arg(long, value_parser = parse_field)]
    field: FieldId,
    /// Seed: the same seed gives the same trace on every machine.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file (.npy). Written atomically: on any error nothing is left behind.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Args)]
struct MsmArgs {
    /// The curve whose G1 the points are on.
    #[arg(long, default_value = "bn254", value_parser = parse_curve)]
    curve: CurveId,
    /// Points file (arkworks uncompressed Vec<G1Affine>); needs --scalars.
    #[arg(long, requires = "scalars", conflicts_with_all = ["size", "seed"])]
    points: Option<PathBuf>,
    /// Scalars file (arkworks uncompressed Vec<Fr>); needs --points.
    #[arg(long, requires = "points")]
    scalars: Option<PathBuf>,
    /// Points to generate when no files are given.
    #[arg(long)]
    size: Option<usize>,
    /// Seed of the generated inputs.
    #[arg(long)]
    seed: Option<u64>,
    /// Where to run. cpu: signed windows, batch-affine buckets, every core. sim: the
    /// simulated card's MSM engine (points loaded into card memory once, scalars streamed,
    /// buckets reduced here); the same inputs give the same sum as cpu. fpga: the first
    /// XDMA card with an MSM engine.
    #[arg(long, value_enum, default_value = "cpu")]
    backend: MsmBackendArg,
    /// Bucket window width in bits (1..=24; a card takes 2..=16); by default a cost model
    /// picks it from the size (on a card, at most 13: what its bucket units hold).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=24))]
    window_bits: Option<u32>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MsmBackendArg {
    /// slotproof's CPU MSM on every core
    Cpu,
    /// the simulated card's MSM engine
    Sim,
    /// the first real card over XDMA with an MSM engine
    Fpga,
}

#[derive(Args)]
struct GenMsmArgs {
    /// The curve whose G1 the points are on.
    #[arg(long, default_value = "bn254", value_parser = parse_curve)]
    curve: CurveId,
    /// Points (and scalars) to write.
    #[arg(long)]
    size: usize,
    /// Seed: the same seed gives the same inputs as `msm --size N --seed S`.
    #[arg(long, default_value_t = DEFAULT_MSM_SEED)]
    seed: u64,
    /// Points file to write (atomically: on any error nothing is left behind).
    #[arg(long)]
    points: PathBuf,
    /// Scalars file to write (atomically).
    #[arg(long)]
    scalars: PathBuf,
}

fn parse_curve(s: &str) -> Result<CurveId, String> {
    s.parse::<CurveId>()
}

fn parse_field(s: &str) -> Result<FieldId, String> {
    s.parse::<FieldId>().map_err(|e| e.to_string())
}

/// An error the user can fix by changing the input (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadInput(String);

fn main() -> ExitCode {
    // The guarantees of --verify are stated once, in the verifier, and shown by --help.
    let guarantees = format!(
        "Without TRACE, commits a built-in random trace of 2^20 rows x 64 BabyBear columns (seed 0x51079400); \
--rows/--cols/--seed/--field change it.\n\nThe human output goes to stdout; --json prints one object with field, \
rows, cols, log_blowup, backend, root (canonical integers) and timings_ms.\n\nWhat the card verification modes \
guarantee:\n\n{}\n\n{}\n\nAny card fault (transfer, protocol, timeout, a rejected check) ends in the CPU's root, \
with the reason logged and shown in the backend line.",
        slotproof_host::card::verify::SAMPLE_GUARANTEE,
        slotproof_host::card::verify::FULL_GUARANTEE
    );
    let command = <Cli as clap::CommandFactory>::command().mut_subcommand("commit", |c| c.after_long_help(guarantees));
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).init();
    let result = match cli.command {
        Command::Commit(a) => commit(a),
        Command::GenTrace(a) => gen_trace(a),
        Command::Msm(a) => msm(a),
        Command::GenMsm(a) => gen_msm(a),
        Command::Abi(a) => abi(a),
        Command::Devices(a) => devices(a),
        Command::Emulate(a) => emulate(a),
        Command::Plan(a) => plan::run(*a),
        Command::Hdl(HdlCommand::Build(a)) => hdl_build(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            let bad_input = e.chain().any(|c| {
                c.is::<BadInput>()
                    || c.is::<slotproof_core::cpu::CommitError>()
                    || c.downcast_ref::<slotproof_core::trace::TraceError>().is_some_and(|t| t.is_user_fault())
                    || c.downcast_ref::<BackendError>().is_some_and(BackendError::is_bad_input)
                    || c.downcast_ref::<MsmJobError>().is_some_and(MsmJobError::is_bad_input)
                    || c.downcast_ref::<MsmFileError>().is_some_and(MsmFileError::is_bad_input)
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn devices(a: DevicesArgs) -> Result<()> {
    let expected = expected_bitstream(a.manifest.as_deref())?;
    let found = slotproof_host::card::discover::list(&a.devices, a.sims, expected.as_ref());
    if found.is_empty() {
        println!("no card found (no /dev/xdma<N>_user node; --device DIR adds an emulated one)");
    }
    for d in &found {
        match &d.status {
            Ok(id) => println!(
                "{:<28} {:<8} usable   ABI {}, bitstream {:#x}, {} MiB, {} MHz, {} NTT lanes, max 2^{} LDE rows; caps: {}",
                d.location,
                d.kind,
                id.abi,
                id.bitstream,
                id.mem_mib,
                id.clock_khz / 1000,
                id.ntt_lanes,
                id.max_log_lde_rows,
                id.capability_names().join(" ")
            ),
            Err(why) => println!("{:<28} {:<8} REFUSED  {why}", d.location, d.kind),
        }
    }
    Ok(())
}

fn emulate(a: EmulateArgs) -> Result<()> {
    use slotproof_host::transport::emulated::{EmulatedDevice, EmulatedSpec};
    use slotproof_host::transport::servicer::Servicer;
    std::fs::create_dir_all(&a.dir).map_err(|e| BadInput(format!("{}: cannot create: {e}", a.dir.display())))?;
    let expected = expected_bitstream(a.manifest.as_deref())?;
    let config = match &expected {
        Some(e) => e.emulated_config(),
        None => slotproof_sim::CardConfig::default(),
    };
    let spec = EmulatedSpec {
        mem_bytes: (a.mem_gib.max(8) << 30).max(config.mem_bytes),
        channels: usize::from(a.channels),
        ..EmulatedSpec::default()
    };
    let dev = EmulatedDevice::create(&a.dir, 0, spec.clone())?;
    // `spawn` returns once the identity registers are published: only then is the card
    // announced, so whoever waits for the line finds a card that answers.
    if let Some(e) = &expected {
        eprintln!("emulating the {} bitstream of {} (build {})", e.manifest.board, e.path, e.manifest.bitstream_id);
    }
    let _servicer = Servicer::spawn(dev.card_port(), config, slotproof_sim::FaultPlan::none());
    eprintln!(
        "emulated card at {}/xdma0 ({} GiB sparse memory, {} channels); serving until interrupted (Ctrl-C)",
        a.dir.display(),
        spec.mem_bytes >> 30,
        spec.channels
    );
    loop {
        std::thread::park();
    }
}

/// The manifest `--manifest` names, loaded and checked against this host's ABI.
fn expected_bitstream(path: Option<&std::path::Path>) -> Result<Option<ExpectedBitstream>> {
    let Some(path) = path else { return Ok(None) };
    match ExpectedBitstream::load(path) {
        Ok(e) => Ok(Some(e)),
        Err(e) => Err(BadInput(e.to_string()).into()),
    }
}

fn hdl_build(a: HdlBuildArgs) -> Result<()> {
    use slotproof_hdl::bitstream::build::{MANIFEST_FILE, REPORT_FILE};
    use slotproof_hdl::bitstream::{BuildOptions, board, build};
    let board = board(&a.board).map_err(|e| BadInput(e.to_string()))?;
    let spinner = ProgressBar::new_spinner();
    if !std::io::stderr().is_terminal() {
        spinner.set_draw_target(ProgressDrawTarget::hidden());
    }
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let step = |s: &str| {
        log::info!("{s}");
        spinner.set_message(s.to_string());
    };
    let opts =
        BuildOptions { out: a.out.clone(), reports: a.reports.clone(), resynth: a.resynth, vivado: !a.no_vivado };
    let outcome = match build(board, &opts, &step) {
        Ok(o) => o,
        // A --reports directory without the block report is the user's input to fix.
        Err(e @ slotproof_hdl::bitstream::BuildError::BlockReport { .. }) => return Err(BadInput(e.to_string()).into()),
        Err(e) => return Err(e.into()),
    };
    spinner.finish_and_clear();
    let m = &outcome.manifest;
    println!("{} ({}) build {} written to {}", board.name, m.part, m.bitstream_id, outcome.dir.display());
    println!("  card ABI {}, source sha256 {}", m.abi_version(), m.source_sha256);
    println!(
        "  whole-card report {}",
        if outcome.report_kept { "kept: it is of this Verilog (--resynth redoes it)" } else { "synthesised" }
    );
    println!(
        "  user logic (yosys xcup): {} LUT, {} FF, {} DSP48E2, {} BRAM36, {} URAM at {} MHz target",
        m.resources.lut,
        m.resources.ff,
        m.resources.dsp,
        m.resources.bram36,
        m.resources.uram,
        m.target_clock_hz / 1e6
    );
    for name in m.files.keys().map(String::as_str).chain([REPORT_FILE, MANIFEST_FILE]) {
        println!("  {}", outcome.dir.join(name).display());
    }
    match (&outcome.bitstream, &outcome.vivado_skipped) {
        (Some(bit), _) => println!("bitstream: {}", bit.display()),
        (None, Some(why)) => println!("no bitstream: {why}"),
        (None, None) => {}
    }
    Ok(())
}

fn abi(a: AbiArgs) -> Result<()> {
    debug_assert!(a.markdown);
    let mut text = String::new();
    slotproof_firmware::doc::write_markdown(&mut text)?;
    print!("{text}");
    Ok(())
}

fn trace_input(a: &CommitArgs) -> Result<TraceInput> {
    let Some(path) = &a.trace else {
        let rows = a.rows.unwrap_or(1 << DEFAULT_LOG_ROWS);
        let cols = a.cols.unwrap_or(DEFAULT_COLS);
        let field = a.field.unwrap_or(FieldId::BabyBear);
        check_generated_size(rows, cols, field)?;
        return Ok(TraceInput::Generated { field, rows, cols, seed: a.seed.unwrap_or(DEFAULT_SEED) });
    };
    let field = match a.field {
        Some(f) => f,
        None => {
            let header = TraceFile::peek_header(path)?;
            match header.field_candidates().as_slice() {
                [only] => *only,
                [] => {
                    return Err(BadInput(format!(
                        "{}: dtype '{}' is not a trace dtype ('<u4' for babybear/koalabear, '<u8' for goldilocks)",
                        path.display(),
                        header.descr
                    ))
                    .into());
                }
                several => {
                    let names: Vec<&str> = several.iter().map(|f| f.name()).collect();
                    return Err(BadInput(format!(
                        "{}: a '{}' trace can be {}; say which with --field",
                        path.display(),
                        header.descr,
                        names.join(" or ")
                    ))
                    .into());
                }
            }
        }
    };
    Ok(TraceInput::File(TraceFile::open(path, field)?))
}

/// Refuses a generated trace that cannot be held in memory (with the coset buffer beside
/// it) before trying to allocate it.
fn check_generated_size(rows: usize, cols: usize, field: FieldId) -> Result<(), BadInput> {
    if rows == 0 || cols == 0 {
        return Err(BadInput(format!("--rows and --cols must be positive (got {rows} x {cols})")));
    }
    let bytes = rows
        .checked_mul(cols)
        .and_then(|e| e.checked_mul(field.word_bytes()))
        .ok_or_else(|| BadInput(format!("a {rows} x {cols} trace is larger than this machine can address")))?;
    if let Some(total) = mem_total_bytes() {
        // The trace and one coset buffer are alive at once.
        if bytes as u128 * 2 > total as u128 {
            return Err(BadInput(format!(
                "a {rows} x {cols} {field} trace needs {:.1} GiB with its coset buffer; this machine has {:.1} GiB",
                bytes as f64 * 2.0 / (1u64 << 30) as f64,
                total as f64 / (1u64 << 30) as f64
            )));
        }
    }
    Ok(())
}

/// Physical memory (Linux `MemTotal`), bytes.
fn mem_total_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = info.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance_to(&self, done: u64) {
        self.0.set_position(done);
    }
}

fn commit(a: CommitArgs) -> Result<()> {
    let input = trace_input(&a)?;
    let verify = match a.verify.as_str() {
        "full" => VerifyMode::Full,
        _ => VerifyMode::Sample(a.samples.max(1)),
    };
    let rtl = match (a.rtl, &a.backend) {
        (false, _) => None,
        (true, BackendKind::Sim) => Some(slotproof_host::card::trace_view::abi_field(input.field())),
        (true, other) => {
            bail!(BadInput(format!("--rtl runs the simulated card's RTL: it needs --backend sim, not {other}")));
        }
    };
    let opts = CardOptions {
        cards: a.cards.map(usize::from),
        verify,
        devices: a.devices.clone(),
        expected: expected_bitstream(a.manifest.as_deref())?,
        rtl,
        ..CardOptions::default()
    };
    let (backend, why) = backend::select(&a.backend, &opts)?;
    log::info!("backend {} ({}): {}", backend.name(), backend.describe(), why);
    let job = CommitJob { trace: input, log_blowup: a.log_blowup as usize };

    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} committing {bar:40} {percent:>3}% LDE rows hashed, eta {eta}")
            .expect("static template"),
    );
    let report = backend.commit(&job, &Bar(bar.clone()));
    bar.finish_and_clear();
    // File errors already name their file; a shape or blowup error gets it here.
    let report = match (report, &job.trace) {
        (Err(e @ BackendError::Shape(_)), TraceInput::File(f)) => {
            return Err(anyhow::Error::new(e).context(f.path().display().to_string()));
        }
        (r, _) => r?,
    };

    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report, &format!("{} ({}; {})", backend.name(), backend.describe(), why));
    }
    Ok(())
}

fn print_table(r: &CommitReport, backend: &str) {
    let t = &r.timings_ms;
    let lde_rows = (r.rows as u64) << r.log_blowup;
    println!("trace      {}", r.trace);
    println!("field      {}", r.field);
    println!("shape      {} rows x {} columns ({} elements)", r.rows, r.cols, r.rows * r.cols);
    println!("blowup     2^{} -> {} LDE rows, committed in bit-reversed order", r.log_blowup, lde_rows);
    println!("backend    {backend}");
    println!("root       [{}]", r.root.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
    println!();
    println!("stage              ms");
    println!("load      {:>12.1}   read + validate + convert (or generate)", t.load);
    if r.backend.starts_with("cpu") {
        println!("lde       {:>12.1}   iDFT + coset NTTs", t.lde);
        println!("leaf_hash {:>12.1}   Poseidon2 sponge over {} rows", t.leaf_hash, lde_rows);
        println!("tree      {:>12.1}   {} 2-to-1 compressions", t.tree, lde_rows - 1);
        println!("commit    {:>12.1}   (stages overlap on every core; shares of the fused wall time)", t.commit);
    } else {
        // On a card LDE, hashing and tree run fused inside COMMIT_BATCH and overlap the
        // transfers: one wall time is all the host can honestly report.
        println!(
            "commit    {:>12.1}   streaming + card (LDE, hashing, tree fused) + read-back + verification",
            t.commit
        );
    }
    println!("total     {:>12.1}", t.total);
    println!();
    println!(
        "throughput {:.1} M trace elements/s ({:.2} GB/s of trace), {:.1} M LDE elements/s hashed",
        r.trace_elements_per_s() / 1e6,
        r.trace_gbps(),
        r.lde_elements_per_s() / 1e6
    );
    if let Some(rss) = r.peak_rss_bytes {
        println!("peak memory {:.1} MiB resident", rss as f64 / (1 << 20) as f64);
    }
}

fn gen_trace(a: GenTraceArgs) -> Result<()> {
    if a.rows == 0 || a.cols == 0 {
        bail!(BadInput(format!("--rows and --cols must be positive (got {} x {})", a.rows, a.cols)));
    }
    let elems = a.rows.checked_mul(a.cols).ok_or_else(|| BadInput(format!("{} x {} overflows", a.rows, a.cols)))?;
    log::info!("generating {} x {} {} (seed {})", a.rows, a.cols, a.field, a.seed);
    let m = random_trace(a.field, a.rows, a.cols, a.seed);
    write_npy_words(&a.output, a.field, a.rows, a.cols, m.values())?;
    eprintln!(
        "wrote {}: {} x {} {} ({} MiB)",
        a.output.display(),
        a.rows,
        a.cols,
        a.field,
        (elems * a.field.word_bytes()) >> 20
    );
    Ok(())
}

fn msm(a: MsmArgs) -> Result<()> {
    let input = match (a.points, a.scalars) {
        (Some(points), Some(scalars)) => MsmInput::Files { points, scalars },
        _ => MsmInput::Generated { size: a.size.unwrap_or(DEFAULT_MSM_SIZE), seed: a.seed.unwrap_or(DEFAULT_MSM_SEED) },
    };
    let backend = match a.backend {
        MsmBackendArg::Cpu => MsmBackend::Cpu,
        MsmBackendArg::Sim => MsmBackend::Sim,
        MsmBackendArg::Fpga => MsmBackend::Fpga,
    };
    let job = MsmJob { curve: a.curve, input, backend, window_bits: a.window_bits, cards: Default::default() };
    let r = job.run()?;
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    let from = match &r.input {
        MsmInput::Generated { seed, .. } => format!("generated, seed {seed:#x}"),
        MsmInput::Files { points, scalars } => format!("{} and {}", points.display(), scalars.display()),
    };
    println!("msm {}: {} points ({from}) on {}, {}-bit windows", r.curve, r.points, r.backend, r.window_bits);
    match (&r.sum.x, &r.sum.y) {
        (Some(x), Some(y)) => println!("sum x = {x}\n    y = {y}"),
        _ => println!("sum = the point at infinity"),
    }
    println!("inputs {:.1} ms, msm {:.1} ms ({:.2} M points/s)", r.load_ms, r.msm_ms, r.points as f64 / r.msm_ms / 1e3);
    if r.backend == MsmBackend::Sim {
        println!("(the simulated card's wall time on this host, not a card's speed: `slotproof plan msm` costs that)");
    }
    if let Some(c) = &r.card {
        println!(
            "card: points {}, {} scalar chunk(s), {} doubling(s) added on the host, {} window(s) recomputed, {} retries",
            if c.points_uploaded { "uploaded" } else { "already resident" },
            c.chunks,
            c.exceptions,
            c.windows_recomputed,
            c.retries
        );
    }
    Ok(())
}

fn gen_msm(a: GenMsmArgs) -> Result<()> {
    if !(1..=MAX_MSM_SIZE).contains(&a.size) {
        bail!(BadInput(format!("--size {}: gen-msm writes 1..={MAX_MSM_SIZE} points", a.size)));
    }
    if a.points == a.scalars {
        bail!(BadInput(format!("--points and --scalars are the same file ({})", a.points.display())));
    }
    fn write_inputs<P: slotproof_core::MsmCurve>(a: &GenMsmArgs) -> Result<(), MsmFileError> {
        let (p, s) = slotproof_core::sample::msm_inputs::<P>(a.size, a.seed);
        write_points(&a.points, &p)?;
        write_scalars::<P>(&a.scalars, &s)
    }
    match a.curve {
        CurveId::Bn254 => write_inputs::<Bn254>(&a)?,
        CurveId::Bls12_381 => write_inputs::<Bls12_381>(&a)?,
    }
    eprintln!(
        "wrote {} and {}: {} {} points and scalars (seed {:#x})",
        a.points.display(),
        a.scalars.display(),
        a.size,
        a.curve,
        a.seed
    );
    Ok(())
}
