//! Verilog emission and the open EDA tools: yosys (validation, resource reports), iverilog
//! and Verilator (cross-simulation of the emitted Verilog against the golden model).
//!
//! rust-hdl's simulator and the Verilog it emits are two different models of a block (they
//! size arithmetic differently: notes/rust-hdl.md, pitfall 2), so every block is also run as
//! Verilog, by two independent simulators, on vectors made and checked in Rust.
//!
//! The tools come from Debian's packages (`scripts/test.sh` installs them); a missing tool is
//! an error, never a skipped check.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use rust_hdl::prelude::*;

use crate::module_sharing::share_identical_modules;

/// An open-tool run that could not produce its result.
#[derive(Debug, thiserror::Error)]
pub enum EdaError {
    /// The tool could not be started (not installed?).
    #[error("cannot run {tool}: {source} (install it with scripts/test.sh or apt-get install {package})")]
    Missing {
        /// The command.
        tool: String,
        /// The Debian package that provides it.
        package: &'static str,
        /// Why it did not start.
        source: std::io::Error,
    },
    /// The tool ran and failed.
    #[error("{tool} failed in {dir}:\n{log}")]
    Failed {
        /// The command.
        tool: String,
        /// Its working directory (kept for inspection).
        dir: PathBuf,
        /// The tail of its output.
        log: String,
    },
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A tool's output, or a file given to the flow, is not in the form expected.
    #[error("{what}: {reason}")]
    Unexpected {
        /// The file or output.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
}

pub(crate) fn write(path: &Path, text: &str) -> Result<(), EdaError> {
    std::fs::write(path, text).map_err(|source| EdaError::Io { path: path.into(), source })
}

pub(crate) fn run(dir: &Path, tool: &str, package: &'static str, args: &[&str]) -> Result<String, EdaError> {
    let out = Command::new(tool).args(args).current_dir(dir).output().map_err(|source| EdaError::Missing {
        tool: tool.into(),
        package,
        source,
    })?;
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        let tail: String =
            log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
        return Err(EdaError::Failed { tool: format!("{tool} {}", args.join(" ")), dir: dir.into(), log: tail });
    }
    Ok(log)
}

/// The Verilog of a block (top module `top`).
pub fn verilog_of<L: Block>(mut uut: L) -> String {
    uut.connect_all();
    generate_verilog(&uut)
}

/// A fresh scratch directory for one tool run, under the system temp. Unique per call, so
/// tests running in parallel threads never share (or delete) each other's files.
pub fn work_dir(name: &str) -> Result<PathBuf, EdaError> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join("slotproof-eda").join(format!("{name}-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|source| EdaError::Io { path: dir.clone(), source })?;
    Ok(dir)
}

/// A synthesis target for resource reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// AMD UltraScale+ (`synth_xilinx -family xcup`): the Alveo boards.
    Xcup,
    /// Lattice iCE40 (`synth_ice40 -dsp`): an open flow down to a bitstream.
    Ice40,
}

impl Target {
    /// Short name used in report file names.
    pub fn name(self) -> &'static str {
        match self {
            Target::Xcup => "xcup",
            Target::Ice40 => "ice40",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Target::Xcup => "synth_xilinx -family xcup -top top -flatten -noiopad",
            Target::Ice40 => "synth_ice40 -top top -dsp",
        }
    }
}

/// rust-hdl's `yosys_validate` (the Verilog reads, elaborates, and holds no latch) on the
/// text with its identical modules shared: the unrolled permutations are checked in a fraction
/// of the time, and a latch in a shared module is still a latch.
pub fn yosys_validate(prefix: &str, translation: &str) -> Result<(), SynthError> {
    rust_hdl::prelude::yosys_validate(prefix, &share_identical_modules(translation))
}

/// Writes the design a simulator reads, `top.v` in `dir`: `verilog` with its identical
/// modules shared.
fn write_simulated_top(dir: &Path, verilog: &str) -> Result<(), EdaError> {
    write(&dir.join("top.v"), &share_identical_modules(verilog))
}

/// Synthesises `verilog` with yosys for `target` and returns its `stat` report.
pub fn yosys_stat(name: &str, verilog: &str, target: Target) -> Result<String, EdaError> {
    yosys_stat_around(name, verilog, target, &[])
}

/// [`yosys_stat`] with the modules `blackboxes` (e.g. `top$perm`) left empty: the report
/// counts everything around them, and each stays one opaque cell. For blocks built around a
/// part too large to synthesise with them (a Poseidon2 permutation), whose report is added
/// separately.
pub fn yosys_stat_around(name: &str, verilog: &str, target: Target, blackboxes: &[&str]) -> Result<String, EdaError> {
    let dir = work_dir(&format!("{name}-{}", target.name()))?;
    write(&dir.join("top.v"), verilog)?;
    // The boxes' own submodules are dropped by `hierarchy`. Without boxes the script is the
    // plain one, so the reports stay byte-identical to those made before boxes existed.
    let boxes: String = match blackboxes {
        [] => String::new(),
        _ => blackboxes.iter().map(|m| format!("blackbox {m}; ")).collect::<String>() + "hierarchy -top top; ",
    };
    let script = format!("read_verilog top.v; {boxes}{}; tee -q -o stat.txt stat", target.script());
    run(&dir, "yosys", "yosys", &["-q", "-p", &script])?;
    std::fs::read_to_string(dir.join("stat.txt")).map_err(|source| EdaError::Io { path: dir.join("stat.txt"), source })
}

/// The data ports of a pipelined unit with a valid-only handshake (`clock`, `valid_in` →
/// `valid_out` are implied): names and widths, in the order vectors list their values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ports {
    /// Data inputs.
    pub inputs: Vec<(&'static str, usize)>,
    /// Data outputs, sampled whenever `valid_out` is high.
    pub outputs: Vec<(&'static str, usize)>,
}

impl Ports {
    /// `a`, `b` → `c`, all 32 bits: the field units.
    pub fn binary_op() -> Self {
        Self { inputs: vec![("a", 32), ("b", 32)], outputs: vec![("c", 32)] }
    }
}

/// One input vector: `valid_in` and one value per input port.
pub type Vector = (bool, Vec<u64>);

/// A simulator for the emitted Verilog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simulator {
    /// Icarus Verilog (`iverilog` + `vvp`) running a generated Verilog testbench.
    Iverilog,
    /// Verilator (`verilator --binary`) running the same generated testbench.
    Verilator,
    /// A Verilator C++ model of the block alone, driven from Rust one cycle at a time over a
    /// pipe ([`VerilatorModel`]): Rust sets the inputs, steps the clock and reads the outputs.
    VerilatorFromRust,
}

/// The testbench: inputs change while the clock is low (the generated Verilog passes clocks
/// through combinational logic, so driving at the edge races), and the outputs seen with
/// `valid_out` after each rising edge are written out, one line per result (led by the cycle
/// it appeared in when `print_cycle`).
fn testbench(ports: &Ports, vectors: usize, latency: usize, print_cycle: bool) -> String {
    let mut decl = String::new();
    let mut conn = String::from(".clock(clock), .valid_in(valid_in), .valid_out(valid_out)");
    let mut load = String::from("    $readmemh(\"valid.hex\", mem_valid);\n");
    let mut drive = String::from("        valid_in = mem_valid[i];\n");
    for (name, w) in &ports.inputs {
        let _ = writeln!(
            decl,
            "  reg [{}:0] {name} = 0;\n  reg [{}:0] mem_{name} [0:{}];",
            w - 1,
            w - 1,
            vectors.saturating_sub(1)
        );
        let _ = write!(conn, ", .{name}({name})");
        let _ = writeln!(load, "    $readmemh(\"{name}.hex\", mem_{name});");
        let _ = writeln!(drive, "        {name} = mem_{name}[i];");
    }
    for (name, w) in &ports.outputs {
        let _ = writeln!(decl, "  wire [{}:0] {name};", w - 1);
        let _ = write!(conn, ", .{name}({name})");
    }
    let cycle = if print_cycle { ["i"].as_slice() } else { &[] };
    let outs: Vec<&str> = cycle.iter().copied().chain(ports.outputs.iter().map(|(n, _)| *n)).collect();
    let fmt = vec!["%h"; outs.len()].join(" ");
    let outs = outs.join(", ");
    format!(
        r#"`timescale 1ns/1ps
module tb;
  reg clock = 0;
  reg valid_in = 0;
  wire valid_out;
  reg mem_valid [0:{last}];
{decl}  top uut({conn});
  integer i, f;
  initial begin
{load}    f = $fopen("out.hex", "w");
    for (i = 0; i < {cycles}; i = i + 1) begin
      if (i < {vectors}) begin
{drive}      end else begin
        valid_in = 0;
      end
      #5 clock = 1;
      #1 if (valid_out) $fwrite(f, "{fmt}\n", {outs});
      #4 clock = 0;
    end
    $fclose(f);
    $finish;
  end
endmodule
"#,
        last = vectors.saturating_sub(1),
        cycles = vectors + latency + 2,
    )
}

/// Runs the emitted Verilog of a unit on `vectors` under `sim` and returns the outputs it
/// produced, one `Vec` (one value per output port) per result, in order.
pub fn simulate_unit(
    name: &str,
    verilog: &str,
    ports: &Ports,
    latency: usize,
    vectors: &[Vector],
    sim: Simulator,
) -> Result<Vec<Vec<u64>>, EdaError> {
    if sim == Simulator::VerilatorFromRust {
        return VerilatorModel::build(name, verilog, ports)?.run(vectors);
    }
    let dir = run_unit_testbench(name, verilog, ports, latency, vectors, sim, false)?;
    read_outputs(&dir, sim, ports.outputs.len(), |w, r| u64::from_str_radix(w, r).ok())
}

/// Writes the generated testbench of a unit and its vectors (`valid.hex`, one `<port>.hex` per
/// input, values of any width in hex) into a fresh work directory, runs `sim` there and returns
/// the directory, whose `out.hex` holds the results.
fn run_unit_testbench<V: std::fmt::LowerHex>(
    name: &str,
    verilog: &str,
    ports: &Ports,
    latency: usize,
    vectors: &[(bool, Vec<V>)],
    sim: Simulator,
    print_cycle: bool,
) -> Result<PathBuf, EdaError> {
    let dir = work_dir(&format!("{name}-{sim:?}"))?;
    write_simulated_top(&dir, verilog)?;
    write(&dir.join("tb.v"), &testbench(ports, vectors.len(), latency, print_cycle))?;
    let valid: String = vectors.iter().map(|(v, _)| if *v { "1\n" } else { "0\n" }).collect();
    write(&dir.join("valid.hex"), &valid)?;
    for (k, (port, _)) in ports.inputs.iter().enumerate() {
        let mut hex = String::with_capacity(vectors.len() * 17);
        for (_, values) in vectors {
            let _ = writeln!(hex, "{:x}", values[k]);
        }
        write(&dir.join(format!("{port}.hex")), &hex)?;
    }
    run_simulator(&dir, sim)?;
    Ok(dir)
}

/// One input vector of a unit with ports wider than 64 bits: `valid_in` and one value per
/// input port.
pub type WideVector = (bool, Vec<num_bigint::BigUint>);

/// [`simulate_unit`] for ports of any width (the MSM field units and the point adder): the
/// same generated testbench, values as hex of any length. Each result is led by the cycle it
/// appeared in (counting from the first vector's), so a test can check the latency the
/// Verilog really has against the one its Rust model declares. Runs under iverilog or
/// Verilator's `--binary` testbench.
pub fn simulate_wide_unit(
    name: &str,
    verilog: &str,
    ports: &Ports,
    latency: usize,
    vectors: &[WideVector],
    sim: Simulator,
) -> Result<Vec<(u64, Vec<num_bigint::BigUint>)>, EdaError> {
    if sim == Simulator::VerilatorFromRust {
        return Err(EdaError::Unexpected {
            what: name.into(),
            reason: "the piped Verilator model drives ports of at most 64 bits; use Simulator::Verilator".into(),
        });
    }
    let dir = run_unit_testbench(name, verilog, ports, latency, vectors, sim, true)?;
    let rows =
        read_outputs(&dir, sim, ports.outputs.len() + 1, |w, r| num_bigint::BigUint::parse_bytes(w.as_bytes(), r))?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let cycle = row.remove(0);
            (u64::try_from(&cycle).unwrap_or(u64::MAX), row)
        })
        .collect())
}

/// Runs the emitted Verilog of a block under a hand-written testbench (module `tb`, which
/// instantiates `top`): `files` (name, text) are written beside it for `$readmemh`, and the
/// text it writes to `out.txt` is returned. For protocols the generated testbenches do not
/// speak (the bucket unit's accumulate-then-read-back).
pub fn simulate_with_testbench(
    name: &str,
    verilog: &str,
    testbench: &str,
    files: &[(&str, String)],
    sim: Simulator,
) -> Result<String, EdaError> {
    if sim == Simulator::VerilatorFromRust {
        return Err(EdaError::Unexpected {
            what: name.into(),
            reason: "a hand-written testbench runs under iverilog or Verilator's --binary".into(),
        });
    }
    let dir = work_dir(&format!("{name}-{sim:?}"))?;
    write_simulated_top(&dir, verilog)?;
    write(&dir.join("tb.v"), testbench)?;
    for (file, text) in files {
        write(&dir.join(file), text)?;
    }
    run_simulator(&dir, sim)?;
    let out = dir.join("out.txt");
    std::fs::read_to_string(&out).map_err(|source| EdaError::Io { path: out, source })
}

/// The testbench of a unit with a valid/ready stream in (`<sink>$data/valid/ready`) and one
/// out (`<source>$data/valid/ready`): per cycle the source offers its next item if
/// `offer.hex` says so and holds it until taken, and the sink is ready if `take.hex` says so.
/// Handshakes are sampled with the clock low, before the edge that completes them.
fn stream_testbench(
    sink: &str,
    in_width: usize,
    source: &str,
    out_width: usize,
    items: usize,
    cycles: usize,
) -> String {
    format!(
        r#"`timescale 1ns/1ps
module tb;
  reg clock = 0;
  reg [{iw}:0] in_data = 0;
  reg in_valid = 0;
  wire in_ready;
  wire [{ow}:0] out_data;
  wire out_valid;
  reg out_ready = 0;
  top uut(.clock(clock), .{sink}$data(in_data), .{sink}$valid(in_valid), .{sink}$ready(in_ready),
          .{source}$data(out_data), .{source}$valid(out_valid), .{source}$ready(out_ready));
  reg [{iw}:0] mem_data [0:{last_item}];
  reg mem_offer [0:{last_cycle}];
  reg mem_take [0:{last_cycle}];
  integer cycle, next, results, f;
  reg accepted, delivered;
  reg [{ow}:0] value;
  initial begin
    $readmemh("data.hex", mem_data);
    $readmemh("offer.hex", mem_offer);
    $readmemh("take.hex", mem_take);
    f = $fopen("out.hex", "w");
    next = 0;
    results = 0;
    for (cycle = 0; cycle < {cycles} && results < {items}; cycle = cycle + 1) begin
      in_valid = (next < {items}) && mem_offer[cycle];
      in_data = mem_data[next < {items} ? next : 0];
      out_ready = mem_take[cycle];
      #4 accepted = in_valid && in_ready;
      delivered = out_valid && out_ready;
      value = out_data;
      #1 clock = 1;
      if (delivered) begin
        $fwrite(f, "%h\n", value);
        results = results + 1;
      end
      if (accepted) next = next + 1;
      #5 clock = 0;
    end
    $fclose(f);
    $finish;
  end
endmodule
"#,
        iw = in_width - 1,
        ow = out_width - 1,
        last_item = items.saturating_sub(1),
        last_cycle = cycles.saturating_sub(1),
    )
}

/// A stream unit's traffic: the items, and per cycle whether the source offers and whether
/// the sink takes.
pub struct StreamTraffic {
    /// The items, in order (up to 128 bits each).
    pub items: Vec<u128>,
    /// Per cycle: does the source offer its next item.
    pub offer: Vec<bool>,
    /// Per cycle: is the sink ready.
    pub take: Vec<bool>,
}

/// Runs the emitted Verilog of a stream unit (`sink` in, `source` out, each at most 128 bits
/// wide) under `sim` and returns the items it delivered, in order.
pub fn simulate_stream_unit(
    name: &str,
    verilog: &str,
    (sink, in_width): (&str, usize),
    (source, out_width): (&str, usize),
    traffic: &StreamTraffic,
    sim: Simulator,
) -> Result<Vec<u128>, EdaError> {
    assert!(in_width <= 128 && out_width <= 128, "stream items are at most 128 bits");
    let dir = work_dir(&format!("{name}-{sim:?}"))?;
    let cycles = traffic.offer.len().min(traffic.take.len());
    write_simulated_top(&dir, verilog)?;
    write(&dir.join("tb.v"), &stream_testbench(sink, in_width, source, out_width, traffic.items.len(), cycles))?;
    let hex = |bits: &[bool]| bits.iter().map(|&b| if b { "1\n" } else { "0\n" }).collect::<String>();
    write(&dir.join("offer.hex"), &hex(&traffic.offer))?;
    write(&dir.join("take.hex"), &hex(&traffic.take))?;
    let data: String = traffic.items.iter().map(|v| format!("{v:x}\n")).collect();
    write(&dir.join("data.hex"), &data)?;
    run_simulator(&dir, sim)?;
    Ok(read_outputs(&dir, sim, 1, |w, r| u128::from_str_radix(w, r).ok())?.into_iter().map(|v| v[0]).collect())
}

/// What a [`VerilatorModel::run_traffic_timed`] run gave.
#[derive(Clone, Debug)]
pub struct TrafficRun {
    /// The output vectors delivered, in order.
    pub outputs: Vec<Vec<u64>>,
    /// Cycles simulated (the traffic's and the drain's).
    pub cycles: usize,
    /// The cycle (from 1) whose rising edge took the last input vector; 0 if it never was.
    pub taken_by: usize,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// The handshake names of a *lane stream* unit: lane-wise data ports (each at most 64 bits,
/// [`Ports`]) behind one valid/ready pair per direction. In: `valid_in`, the input lanes and
/// the unit's `ready` output; out: `valid_out`, the output lanes and the unit's `out_ready`
/// input. A transfer happens at a rising edge with valid and ready both high before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneHandshake {
    /// The unit's output saying it takes the offered input (depends on registers, or
    /// combinationally on the offered input, never on `valid_in`).
    pub ready: &'static str,
    /// The unit's input saying the consumer takes the offered output.
    pub out_ready: &'static str,
}

impl LaneHandshake {
    /// `ready` and `out_ready`: the names every lane stream unit of this crate uses.
    pub const STANDARD: Self = Self { ready: "ready", out_ready: "out_ready" };
}

/// Traffic for a lane stream unit: the input vectors and, per cycle, whether the producer
/// offers its next vector and whether the consumer takes.
pub struct LaneTraffic {
    /// The input vectors, one value per input port each, in order.
    pub vectors: Vec<Vec<u64>>,
    /// Per cycle: does the producer offer its next vector.
    pub offer: Vec<bool>,
    /// Per cycle: is the consumer ready.
    pub take: Vec<bool>,
}

impl LaneTraffic {
    /// `vectors` offered with probability `1 − gap` and taken with probability `1 − stall`
    /// each cycle, for `cycles` cycles.
    pub fn random(vectors: Vec<Vec<u64>>, gap: f64, stall: f64, cycles: usize, rng: &mut impl FnMut() -> f64) -> Self {
        let offer = (0..cycles).map(|_| rng() >= gap).collect();
        let take = (0..cycles).map(|_| rng() >= stall).collect();
        Self { vectors, offer, take }
    }
}

/// The testbench of a lane stream unit: per cycle the producer offers its next vector if
/// `offer.hex` says so (holding it until taken), and the consumer is ready if `take.hex`
/// says so. Handshakes are sampled with the clock low, before the edge that completes them.
fn lane_stream_testbench(ports: &Ports, hs: LaneHandshake, vectors: usize, cycles: usize) -> String {
    let last = vectors.saturating_sub(1);
    let mut decl = String::new();
    let mut conn = format!(
        ".clock(clock), .valid_in(valid_in), .{}(in_ready), .valid_out(valid_out), .{}(out_ready)",
        hs.ready, hs.out_ready
    );
    let mut load = String::new();
    let mut drive = String::new();
    for (name, w) in &ports.inputs {
        let _ = writeln!(decl, "  reg [{}:0] {name} = 0;\n  reg [{}:0] mem_{name} [0:{last}];", w - 1, w - 1);
        let _ = write!(conn, ", .{name}({name})");
        let _ = writeln!(load, "    $readmemh(\"{name}.hex\", mem_{name});");
        let _ = writeln!(drive, "      {name} = mem_{name}[next < {vectors} ? next : 0];");
    }
    let mut sample = String::new();
    for (name, w) in &ports.outputs {
        let _ = writeln!(decl, "  wire [{}:0] {name};\n  reg [{}:0] got_{name};", w - 1, w - 1);
        let _ = write!(conn, ", .{name}({name})");
        let _ = writeln!(sample, "      got_{name} = {name};");
    }
    let fmt = vec!["%h"; ports.outputs.len()].join(" ");
    let outs = ports.outputs.iter().map(|(n, _)| format!("got_{n}")).collect::<Vec<_>>().join(", ");
    format!(
        r#"`timescale 1ns/1ps
module tb;
  reg clock = 0;
  reg valid_in = 0;
  wire in_ready;
  wire valid_out;
  reg out_ready = 0;
{decl}  top uut({conn});
  reg mem_offer [0:{last_cycle}];
  reg mem_take [0:{last_cycle}];
  integer cycle, next, f;
  reg accepted, delivered;
  initial begin
{load}    $readmemh("offer.hex", mem_offer);
    $readmemh("take.hex", mem_take);
    f = $fopen("out.hex", "w");
    next = 0;
    for (cycle = 0; cycle < {cycles}; cycle = cycle + 1) begin
      valid_in = (next < {vectors}) && mem_offer[cycle];
{drive}      out_ready = mem_take[cycle];
      #4 accepted = valid_in && in_ready;
      delivered = valid_out && out_ready;
{sample}      #1 clock = 1;
      if (delivered) $fwrite(f, "{fmt}\n", {outs});
      if (accepted) next = next + 1;
      #5 clock = 0;
    end
    $fclose(f);
    $finish;
  end
endmodule
"#,
        last_cycle = cycles.saturating_sub(1),
    )
}

/// Runs the emitted Verilog of a lane stream unit under `sim` on `traffic` and returns the
/// output vectors it delivered, in order. With [`Simulator::VerilatorFromRust`] the same
/// offer and take patterns drive a [`VerilatorModel`] cycle by cycle.
pub fn simulate_lane_stream(
    name: &str,
    verilog: &str,
    ports: &Ports,
    hs: LaneHandshake,
    traffic: &LaneTraffic,
    sim: Simulator,
) -> Result<Vec<Vec<u64>>, EdaError> {
    let cycles = traffic.offer.len().min(traffic.take.len());
    if sim == Simulator::VerilatorFromRust {
        let model = VerilatorModel::build_lane_stream(name, verilog, ports, hs)?;
        return model.run_traffic(traffic).map(|(out, _, _)| out);
    }
    let dir = work_dir(&format!("{name}-{sim:?}"))?;
    write_simulated_top(&dir, verilog)?;
    write(&dir.join("tb.v"), &lane_stream_testbench(ports, hs, traffic.vectors.len(), cycles))?;
    let bits = |bits: &[bool]| bits.iter().map(|&b| if b { "1\n" } else { "0\n" }).collect::<String>();
    write(&dir.join("offer.hex"), &bits(&traffic.offer[..cycles]))?;
    write(&dir.join("take.hex"), &bits(&traffic.take[..cycles]))?;
    for (k, (port, _)) in ports.inputs.iter().enumerate() {
        let mut hex = String::with_capacity(traffic.vectors.len() * 17);
        for values in &traffic.vectors {
            let _ = writeln!(hex, "{:x}", values[k]);
        }
        write(&dir.join(format!("{port}.hex")), &hex)?;
    }
    run_simulator(&dir, sim)?;
    read_outputs(&dir, sim, ports.outputs.len(), |w, r| u64::from_str_radix(w, r).ok())
}

/// The results a testbench wrote to `out.hex`: one line per result, `values` hex numbers each,
/// parsed by `parse` (`u64::from_str_radix`, or `u128::from_str_radix` for wide streams).
fn read_outputs<V>(
    dir: &Path,
    sim: Simulator,
    values: usize,
    parse: impl Fn(&str, u32) -> Option<V>,
) -> Result<Vec<Vec<V>>, EdaError> {
    let out = dir.join("out.hex");
    let text = std::fs::read_to_string(&out).map_err(|source| EdaError::Io { path: out.clone(), source })?;
    text.lines()
        .map(|l| {
            l.split_whitespace()
                .map(|w| parse(w, 16))
                .collect::<Option<Vec<V>>>()
                .filter(|vals| vals.len() == values)
                .ok_or_else(|| EdaError::Failed {
                    tool: format!("{sim:?}"),
                    dir: dir.into(),
                    log: format!("output line '{l}' is not {values} hex values (x or z from the simulation?)"),
                })
        })
        .collect()
}

/// Compiles and runs `tb.v` + `top.v` in `dir`.
fn run_simulator(dir: &Path, sim: Simulator) -> Result<(), EdaError> {
    match sim {
        Simulator::Iverilog => {
            run(dir, "iverilog", "iverilog", &["-g2005", "-o", "tb.vvp", "tb.v", "top.v"])?;
            run(dir, "vvp", "iverilog", &["-n", "tb.vvp"])?;
        }
        Simulator::Verilator | Simulator::VerilatorFromRust => {
            run(
                dir,
                "verilator",
                "verilator",
                &[
                    "--binary",
                    "-j",
                    "2",
                    "-Wno-fatal",
                    "-Wno-WIDTH",
                    "-Wno-DECLFILENAME",
                    "--top-module",
                    "tb",
                    "-Mdir",
                    "vl",
                    "tb.v",
                    "top.v",
                ],
            )?;
            run(dir, "./vl/Vtb", "verilator", &[])?;
        }
    }
    Ok(())
}

/// How many results differ from the expected ones, counting missing or extra results too:
/// what every simulation check of a block asserts is zero (and its negative control, not).
pub fn count_mismatches<T: PartialEq>(got: &[T], want: &[T]) -> usize {
    got.iter().zip(want).filter(|(g, w)| g != w).count() + got.len().abs_diff(want.len())
}

/// The C++ member Verilator gives a port: rust-hdl names array ports `name$i`, and Verilator
/// spells `$` as `__024`.
fn cxx_name(port: &str) -> String {
    port.replace('$', "__024")
}

/// C++ statements setting each input port `k` of `inputs` to the expression `value(k)`.
fn cxx_assign<S: AsRef<str>>(inputs: &[(S, usize)], value: impl Fn(usize) -> String) -> String {
    inputs
        .iter()
        .enumerate()
        .map(|(k, (n, _))| format!("        top->{} = {};\n", cxx_name(n.as_ref()), value(k)))
        .collect()
}

/// Verilates `verilog` (top module `top`) with the C++ `driver` as its `main`, in a fresh
/// work directory named after `name`; the executable is `obj/Vtop` there.
fn verilate_with_driver(name: &str, verilog: &str, driver: &str) -> Result<PathBuf, EdaError> {
    let dir = work_dir(name)?;
    write_simulated_top(&dir, verilog)?;
    write(&dir.join("driver.cpp"), driver)?;
    run(
        &dir,
        "verilator",
        "verilator",
        &[
            "--cc",
            "--exe",
            "--build",
            "-j",
            "2",
            "-O2",
            "-Wno-fatal",
            "-Wno-WIDTH",
            "-Wno-DECLFILENAME",
            "--top-module",
            "top",
            "-Mdir",
            "obj",
            "driver.cpp",
            "top.v",
        ],
    )?;
    Ok(dir)
}

/// Runs the verilated driver in `dir` on `input`, handing each line it answers to `line`,
/// and returns the wall time in seconds. The input is written from another thread: the
/// model answers as it reads, and a full pipe on either side would otherwise stall both.
fn run_piped(dir: &Path, input: String, mut line: impl FnMut(String) -> Result<(), EdaError>) -> Result<f64, EdaError> {
    use std::io::{BufRead, BufReader, Write as _};
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let exe = dir.join("obj").join("Vtop");
    let fail = |log: String| EdaError::Failed { tool: exe.display().to_string(), dir: dir.into(), log };
    let mut child = Command::new(&exe)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| EdaError::Missing { tool: exe.display().to_string(), package: "verilator", source })?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().expect("piped stdout");
    for l in BufReader::new(stdout).lines() {
        line(l.map_err(|source| EdaError::Io { path: exe.clone(), source })?)?;
    }
    let wrote = writer.join().map_err(|_| fail("the input writer panicked".into()))?;
    let status = child.wait().map_err(|source| EdaError::Io { path: exe.clone(), source })?;
    if let Err(source) = wrote {
        return Err(EdaError::Io { path: exe.clone(), source });
    }
    if !status.success() {
        return Err(fail(format!("the model exited with {status}")));
    }
    Ok(start.elapsed().as_secs_f64())
}

/// A Verilator model of one block, compiled with a small C++ driver that reads one line per
/// cycle on stdin (`valid` and the input values, hex) and answers one line per cycle on stdout
/// (the outputs when `valid_out`, else `-`). Rust owns the clock: every cycle it sends is
/// settled with the clock low, clocked, and sampled after the edge, as in rust-hdl's simulator
/// (the generated Verilog passes clocks through combinational logic, so inputs must settle
/// before the edge). Talking over a pipe keeps the harness free of `unsafe`.
pub struct VerilatorModel {
    dir: PathBuf,
    ports: Ports,
    drain: usize,
    /// Built with [`Handshake::Lanes`]: lines carry offer and take bits.
    lanes: bool,
}

/// How the driver of a [`VerilatorModel`] treats `valid_in`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handshake {
    /// Valid only: every line is one cycle.
    Valid,
    /// Valid/ready on both sides ([`LaneHandshake`]): every line is one cycle, led by two
    /// bits, the producer's offer and the consumer's take; the driver holds the offered vector
    /// itself until `ready`, and reads the next one only then.
    Lanes(LaneHandshake),
}

impl VerilatorModel {
    /// Verilates `verilog` (top module `top`, ports `clock`, `valid_in`, `valid_out` and
    /// `ports`, each at most 64 bits) with its driver.
    pub fn build(name: &str, verilog: &str, ports: &Ports) -> Result<Self, EdaError> {
        Self::build_with(name, verilog, ports, Handshake::Valid)
    }

    /// [`VerilatorModel::build`] for a lane stream unit: both sides valid/ready, driven by
    /// [`VerilatorModel::run_traffic`].
    pub fn build_lane_stream(name: &str, verilog: &str, ports: &Ports, hs: LaneHandshake) -> Result<Self, EdaError> {
        Self::build_with(name, verilog, ports, Handshake::Lanes(hs))
    }

    fn build_with(name: &str, verilog: &str, ports: &Ports, handshake: Handshake) -> Result<Self, EdaError> {
        let dir = verilate_with_driver(&format!("{name}-model"), verilog, &Self::driver(ports, handshake))?;
        Ok(Self { dir, ports: ports.clone(), drain: 64, lanes: matches!(handshake, Handshake::Lanes(_)) })
    }

    /// Idle cycles run after the vectors so the pipeline empties: at least the block's
    /// latency (64 unless set).
    pub fn with_drain(mut self, cycles: usize) -> Self {
        self.drain = cycles;
        self
    }

    /// The C++ statement that prints the output ports as one line of hex values.
    fn print_outputs(ports: &Ports) -> String {
        let fmt = vec!["%llx"; ports.outputs.len()].join(" ");
        let args: String =
            ports.outputs.iter().map(|(n, _)| format!(", (unsigned long long)top->{}", cxx_name(n))).collect();
        format!("printf(\"{fmt}\\n\"{args});")
    }

    fn driver(ports: &Ports, handshake: Handshake) -> String {
        if let Handshake::Lanes(hs) = handshake {
            return Self::lanes_driver(ports, hs);
        }
        let n_in = ports.inputs.len();
        let decl: String = (0..n_in).map(|k| format!(", v{k} = 0")).collect();
        let scan_fmt = vec!["%llx"; n_in + 1].join(" ");
        let scan_args: String = (0..n_in).map(|k| format!(", &v{k}")).collect();
        let assign = cxx_assign(&ports.inputs, |k| format!("v{k}"));
        let print = Self::print_outputs(ports);
        format!(
            r#"#include "Vtop.h"
#include "verilated.h"
#include <cstdio>

int main(int argc, char** argv) {{
    Verilated::commandArgs(argc, argv);
    Vtop* top = new Vtop;
    top->clock = 0;
    top->eval();
    char line[4096];
    unsigned long long valid = 0{decl};
    while (fgets(line, sizeof line, stdin)) {{
        if (sscanf(line, "{scan_fmt}", &valid{scan_args}) != {fields}) return 2;
        top->valid_in = valid;
{assign}        top->clock = 0;
        top->eval();
        top->clock = 1;
        top->eval();
        top->clock = 0;
        top->eval();
        if (top->valid_out) {print}
        else puts("-");
    }}
    fflush(stdout);
    top->final();
    delete top;
    return 0;
}}
"#,
            fields = n_in + 1
        )
    }

    /// The driver of a lane stream unit: it first reads a count and that many input vectors
    /// (one line each), then one line per cycle, `offer take`. It offers the next vector
    /// while `offer`, holds it until the unit's `ready`, sets `out_ready` to `take`, and
    /// answers the outputs when `valid_out & take` before the edge (a transfer), else `-`;
    /// after the last cycle, `= c`: the cycle (from 1) that took the last vector, 0 if never.
    fn lanes_driver(ports: &Ports, hs: LaneHandshake) -> String {
        let n_in = ports.inputs.len();
        let scan_fmt = vec!["%llx"; n_in].join(" ");
        let scan_args: String = (0..n_in).map(|k| format!(", &vec[n * {n_in} + {k}]")).collect();
        let assign: String = ports
            .inputs
            .iter()
            .enumerate()
            .map(|(k, (p, _))| format!("        if (next < count) top->{} = vec[next * {n_in} + {k}];\n", cxx_name(p)))
            .collect();
        let print = Self::print_outputs(ports);
        format!(
            r#"#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {{
    Verilated::commandArgs(argc, argv);
    Vtop* top = new Vtop;
    top->clock = 0;
    top->eval();
    char line[4096];
    size_t count = 0;
    if (!fgets(line, sizeof line, stdin) || sscanf(line, "%zu", &count) != 1) return 2;
    std::vector<unsigned long long> vec(count * {n_in} + 1);
    for (size_t n = 0; n < count; n++) {{
        if (!fgets(line, sizeof line, stdin) || sscanf(line, "{scan_fmt}"{scan_args}) != {n_in}) return 2;
    }}
    size_t next = 0, cycle = 0, taken_by = 0;
    while (fgets(line, sizeof line, stdin)) {{
        cycle++;
        int offer = 0, take = 0;
        if (sscanf(line, "%d %d", &offer, &take) != 2) return 2;
        bool valid = offer && next < count;
        top->valid_in = valid;
{assign}        top->{out_ready} = take;
        top->clock = 0;
        top->eval();
        bool accepted = valid && top->{ready};
        if (top->valid_out && take) {print}
        else puts("-");
        top->clock = 1;
        top->eval();
        top->clock = 0;
        top->eval();
        if (accepted && ++next == count) taken_by = cycle;
    }}
    printf("= %zu\n", taken_by);
    fflush(stdout);
    top->final();
    delete top;
    return 0;
}}
"#,
            out_ready = cxx_name(hs.out_ready),
            ready = cxx_name(hs.ready),
        )
    }

    /// Runs `vectors` (then enough idle cycles to drain the pipeline) and returns the outputs
    /// seen with `valid_out`, in order.
    pub fn run(&self, vectors: &[Vector]) -> Result<Vec<Vec<u64>>, EdaError> {
        self.run_measured(vectors).map(|(outputs, _)| outputs)
    }

    /// [`VerilatorModel::run`], also returning the simulated cycles per second of wall time
    /// (drain and pipe traffic included).
    pub fn run_measured(&self, vectors: &[Vector]) -> Result<(Vec<Vec<u64>>, f64), EdaError> {
        assert!(!self.lanes, "a lane stream model runs traffic (run_traffic), not vectors");
        let mut input = String::with_capacity(vectors.len() * 24);
        let idle = format!("0{}\n", " 0".repeat(self.ports.inputs.len()));
        for (v, values) in vectors {
            input.push(if *v { '1' } else { '0' });
            for x in values {
                let _ = write!(input, " {x:x}");
            }
            input.push('\n');
        }
        input.push_str(&idle.repeat(self.drain));
        self.exchange(input).map(|run| (run.outputs, run.cycles as f64 / run.seconds))
    }

    /// Runs a lane stream unit's `traffic` (then the drain's cycles, producer and consumer
    /// ready) and returns the output vectors it delivered in order, the cycles simulated and
    /// the wall time in seconds.
    pub fn run_traffic(&self, traffic: &LaneTraffic) -> Result<(Vec<Vec<u64>>, usize, f64), EdaError> {
        self.run_traffic_timed(traffic).map(|run| (run.outputs, run.cycles, run.seconds))
    }

    /// [`VerilatorModel::run_traffic`] with the cycle that took the last input vector too.
    pub fn run_traffic_timed(&self, traffic: &LaneTraffic) -> Result<TrafficRun, EdaError> {
        assert!(self.lanes, "run_traffic needs a model built with build_lane_stream");
        let mut input = String::with_capacity(traffic.vectors.len() * 24 + traffic.offer.len() * 4);
        let _ = writeln!(input, "{}", traffic.vectors.len());
        for values in &traffic.vectors {
            let line: Vec<String> = values.iter().map(|x| format!("{x:x}")).collect();
            let _ = writeln!(input, "{}", line.join(" "));
        }
        for (&offer, &take) in traffic.offer.iter().zip(&traffic.take) {
            let _ = writeln!(input, "{} {}", u8::from(offer), u8::from(take));
        }
        // The drain: producer and consumer both always ready, so whatever the traffic left
        // untaken goes in and everything comes out.
        input.push_str(&"1 1\n".repeat(self.drain));
        self.exchange(input)
    }

    /// Feeds `input` to the model and collects its answer lines: the outputs, the cycles, the
    /// wall time and, from a lane stream driver, the cycle that took the last input (else 0).
    fn exchange(&self, input: String) -> Result<TrafficRun, EdaError> {
        let mut outputs = Vec::new();
        let mut cycles = 0usize;
        let mut taken_by = None;
        let seconds = run_piped(&self.dir, input, |line| {
            if let Some(c) = line.strip_prefix("= ") {
                taken_by = c.parse().ok();
                return Ok(());
            }
            cycles += 1;
            if line == "-" {
                return Ok(());
            }
            let values: Option<Vec<u64>> = line.split_whitespace().map(|w| u64::from_str_radix(w, 16).ok()).collect();
            match values {
                Some(v) if v.len() == self.ports.outputs.len() => {
                    outputs.push(v);
                    Ok(())
                }
                _ => Err(EdaError::Failed {
                    tool: "Vtop".into(),
                    dir: self.dir.clone(),
                    log: format!("unexpected output line '{line}'"),
                }),
            }
        })?;
        Ok(TrafficRun { outputs, cycles, taken_by: taken_by.unwrap_or(0), seconds })
    }
}

/// One step of a [`ScriptedModel`]'s script: the driver of a block with no stream handshake
/// (a unit with write ports, a start pulse and a result read port), which Rust scripts in
/// advance and checks afterwards. Input and output ports are named by their index in the
/// model's [`Ports`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptStep {
    /// Sets input `port` to `value` (held until set again).
    Set(usize, u64),
    /// Runs this many cycles.
    Tick(u64),
    /// Records every output now (after the last edge): one [`ScriptRun::samples`] entry.
    Sample,
    /// Runs cycles until `output` reads `value`, at most `max`; records how many ran (0 if
    /// it read `value` already) in [`ScriptRun::waits`], or `None` if it never did.
    Until {
        /// The output port's index.
        output: usize,
        /// The value waited for.
        value: u64,
        /// The bound.
        max: u64,
    },
}

/// What a [`ScriptedModel`] run gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptRun {
    /// One entry per [`ScriptStep::Sample`]: every output, in port order.
    pub samples: Vec<Vec<u64>>,
    /// One entry per [`ScriptStep::Until`]: the cycles it ran, `None` on timeout.
    pub waits: Vec<Option<u64>>,
    /// Cycles simulated.
    pub cycles: u64,
    /// Wall time in seconds (pipe traffic included).
    pub seconds: f64,
}

/// A Verilator model of a block (top module `top`, a `clock`, the [`Ports`] named, each at
/// most 64 bits, no implied handshake) run by a [`ScriptStep`] script: inputs are set with
/// the clock low, every cycle is a rising edge, outputs are read after the edge (as in
/// rust-hdl's simulator). For units that are not streams: load, start, wait, read back.
pub struct ScriptedModel {
    dir: PathBuf,
    ports: Ports,
}

impl ScriptedModel {
    /// Verilates `verilog` with the script interpreter.
    pub fn build(name: &str, verilog: &str, ports: &Ports) -> Result<Self, EdaError> {
        let dir = verilate_with_driver(&format!("{name}-script"), verilog, &Self::driver(ports))?;
        Ok(Self { dir, ports: ports.clone() })
    }

    /// The interpreter: one step per line (`s K V`, `t N`, `p`, `u K V N`, numbers in hex);
    /// answers `o V..` per sample, `u N` or `u -` per wait, and `= CYCLES` at the end.
    fn driver(ports: &Ports) -> String {
        let set: String = ports
            .inputs
            .iter()
            .enumerate()
            .map(|(k, (n, _))| format!("        case {k}: top->{} = v; break;\n", cxx_name(n)))
            .collect();
        let get: String = ports
            .outputs
            .iter()
            .enumerate()
            .map(|(k, (n, _))| format!("        case {k}: return (unsigned long long)top->{};\n", cxx_name(n)))
            .collect();
        let n_out = ports.outputs.len();
        format!(
            r#"#include "Vtop.h"
#include "verilated.h"
#include <cstdio>

static Vtop* top;
static unsigned long long cycles = 0;

static void set(unsigned long long k, unsigned long long v) {{
    switch (k) {{
{set}        default: exit(2);
    }}
}}

static unsigned long long get(unsigned long long k) {{
    switch (k) {{
{get}        default: exit(2);
    }}
}}

static void edge() {{
    top->clock = 0;
    top->eval();
    top->clock = 1;
    top->eval();
    top->clock = 0;
    top->eval();
    cycles++;
}}

int main(int argc, char** argv) {{
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    top->clock = 0;
    top->eval();
    char line[256];
    while (fgets(line, sizeof line, stdin)) {{
        char op = 0;
        unsigned long long a = 0, b = 0, c = 0;
        if (sscanf(line, " %c %llx %llx %llx", &op, &a, &b, &c) < 1) return 2;
        if (op == 's') {{
            set(a, b);
        }} else if (op == 't') {{
            for (unsigned long long k = 0; k < a; k++) edge();
        }} else if (op == 'p') {{
            top->eval();
            printf("o");
            for (unsigned long long k = 0; k < {n_out}; k++) printf(" %llx", get(k));
            putchar('\n');
        }} else if (op == 'u') {{
            unsigned long long n = 0;
            top->eval();
            while (get(a) != b && n < c) {{
                edge();
                n++;
            }}
            if (get(a) == b) printf("u %llx\n", n);
            else puts("u -");
        }} else {{
            return 2;
        }}
    }}
    printf("= %llx\n", cycles);
    fflush(stdout);
    top->final();
    delete top;
    return 0;
}}
"#
        )
    }

    /// Runs `script` on a fresh model.
    pub fn run(&self, script: &[ScriptStep]) -> Result<ScriptRun, EdaError> {
        let mut input = String::with_capacity(script.len() * 12);
        for step in script {
            let _ = match *step {
                ScriptStep::Set(k, v) => writeln!(input, "s {k:x} {v:x}"),
                ScriptStep::Tick(n) => writeln!(input, "t {n:x}"),
                ScriptStep::Sample => writeln!(input, "p"),
                ScriptStep::Until { output, value, max } => writeln!(input, "u {output:x} {value:x} {max:x}"),
            };
        }
        let fail = |log: String| EdaError::Failed { tool: "Vtop".into(), dir: self.dir.clone(), log };
        let hex = |w: &str| u64::from_str_radix(w, 16).ok();
        let mut run = ScriptRun::default();
        let outputs = self.ports.outputs.len();
        run.seconds = run_piped(&self.dir, input, |line| {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("o") => {
                    let v: Option<Vec<u64>> = words.map(hex).collect();
                    match v {
                        Some(v) if v.len() == outputs => run.samples.push(v),
                        _ => return Err(fail(format!("unexpected sample '{line}'"))),
                    }
                }
                Some("u") => run.waits.push(words.next().and_then(hex)),
                Some("=") => run.cycles = words.next().and_then(hex).ok_or_else(|| fail(format!("'{line}'")))?,
                _ => return Err(fail(format!("unexpected line '{line}'"))),
            }
            Ok(())
        })?;
        Ok(run)
    }
}

/// One cycle of an AXI4-Lite master's plan: whether it offers its next write address, write
/// data and read address (each held until taken, as AXI requires), whether it takes
/// responses, and the values of the block's other inputs (in [`AxiLitePorts::inputs`] order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AxiLiteStep {
    /// Offer the next write address.
    pub offer_aw: bool,
    /// Offer the next write data.
    pub offer_w: bool,
    /// Offer the next read address.
    pub offer_ar: bool,
    /// `bready`.
    pub bready: bool,
    /// `rready`.
    pub rready: bool,
    /// The sideband inputs.
    pub side: Vec<u64>,
}

/// An AXI4-Lite master's traffic: the write addresses, write data (whole words) and read
/// addresses it offers, in order, and its plan per cycle.
#[derive(Clone, Debug, Default)]
pub struct AxiLiteTraffic {
    /// Write addresses.
    pub aw: Vec<u32>,
    /// Write data (`wstrb` all ones).
    pub w: Vec<u32>,
    /// Read addresses.
    pub ar: Vec<u32>,
    /// One step per cycle.
    pub steps: Vec<AxiLiteStep>,
}

/// What one cycle looked like before its rising edge: the bus as the master drove it and as
/// the slave answered, the sideband inputs driven and the sideband outputs seen. A
/// handshake completes at the edge after a cycle with valid and ready both high.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AxiLiteCycle {
    /// `awvalid`, `awaddr`.
    pub aw: Option<u32>,
    /// `wvalid`, `wdata`.
    pub w: Option<u32>,
    /// `arvalid`, `araddr`.
    pub ar: Option<u32>,
    /// `bready`.
    pub bready: bool,
    /// `rready`.
    pub rready: bool,
    /// `awready`.
    pub awready: bool,
    /// `wready`.
    pub wready: bool,
    /// `arready`.
    pub arready: bool,
    /// `bvalid`.
    pub bvalid: bool,
    /// `rvalid`.
    pub rvalid: bool,
    /// `rdata`.
    pub rdata: u32,
    /// The sideband inputs driven.
    pub side: Vec<u64>,
    /// The sideband outputs ([`AxiLitePorts::outputs`]).
    pub out: Vec<u64>,
    /// The [`AxiLitePorts::on_trigger`] outputs, when the first of `outputs` is nonzero.
    pub triggered: Option<Vec<u64>>,
}

/// The non-bus ports of an AXI4-Lite slave (bus ports are `awvalid`, `awready`, `awaddr`,
/// `wvalid`, `wready`, `wdata`, `wstrb`, `bvalid`, `bready`, `arvalid`, `arready`, `araddr`,
/// `rvalid`, `rready`, `rdata`): names and widths, each at most 64 bits.
#[derive(Clone, Debug, Default)]
pub struct AxiLitePorts {
    /// Sideband inputs, driven every cycle from [`AxiLiteStep::side`].
    pub inputs: Vec<(String, usize)>,
    /// Sideband outputs printed every cycle; the first is the trigger.
    pub outputs: Vec<(String, usize)>,
    /// Outputs printed only in cycles where the trigger is nonzero (wide, rarely valid).
    pub on_trigger: Vec<(String, usize)>,
}

/// A Verilator model of an AXI4-Lite slave with a C++ master that follows an
/// [`AxiLiteTraffic`] plan: addresses and data are sent up front, then one plan line per
/// cycle, and one [`AxiLiteCycle`] line comes back per cycle. The master holds each offer
/// until its handshake, so a plan made in advance is a legal AXI master whatever the slave's
/// timing; the checking happens in Rust on the returned cycles. Same clocking as
/// [`VerilatorModel`] (inputs settle with the clock low, outputs sampled before the edge).
pub struct AxiLiteModel {
    dir: PathBuf,
    ports: AxiLitePorts,
}

impl AxiLiteModel {
    /// Verilates `verilog` (top module `top`) with its master.
    pub fn build(name: &str, verilog: &str, ports: &AxiLitePorts) -> Result<Self, EdaError> {
        let dir = verilate_with_driver(&format!("{name}-axil"), verilog, &Self::driver(ports))?;
        Ok(Self { dir, ports: ports.clone() })
    }

    fn driver(ports: &AxiLitePorts) -> String {
        let n_side = ports.inputs.len();
        let scan_fmt = vec!["%llx"; n_side + 5].join(" ");
        let scan_args: String = (0..n_side).map(|k| format!(", &side[{k}]")).collect();
        let assign = cxx_assign(&ports.inputs, |k| format!("side[{k}]"));
        let print_list = |list: &[(String, usize)]| -> String {
            list.iter()
                .map(|(n, _)| format!("        printf(\" %llx\", (unsigned long long)top->{});\n", cxx_name(n)))
                .collect()
        };
        let print_out = print_list(&ports.outputs);
        let print_trig = print_list(&ports.on_trigger);
        let trigger = ports.outputs.first().map_or("0".to_string(), |(n, _)| format!("top->{}", cxx_name(n)));
        format!(
            r#"#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <vector>

static std::vector<unsigned long long> read_list(char* line, size_t n) {{
    std::vector<unsigned long long> v(n);
    for (size_t i = 0; i < n; i++) {{
        if (!fgets(line, 4096, stdin) || sscanf(line, "%llx", &v[i]) != 1) exit(2);
    }}
    return v;
}}

int main(int argc, char** argv) {{
    Verilated::commandArgs(argc, argv);
    Vtop* top = new Vtop;
    top->clock = 0;
    top->eval();
    char line[4096];
    size_t naw = 0, nw = 0, nar = 0;
    if (!fgets(line, sizeof line, stdin) || sscanf(line, "%zu %zu %zu", &naw, &nw, &nar) != 3) return 2;
    std::vector<unsigned long long> aw = read_list(line, naw), w = read_list(line, nw), ar = read_list(line, nar);
    size_t iaw = 0, iw = 0, iar = 0;
    bool haw = false, hw = false, har = false;
    unsigned long long side[{n_side_alloc}] = {{0}};
    while (fgets(line, sizeof line, stdin)) {{
        unsigned long long oaw = 0, ow = 0, oar = 0, bready = 0, rready = 0;
        if (sscanf(line, "{scan_fmt}", &oaw, &ow, &oar, &bready, &rready{scan_args}) != {fields}) return 2;
        if (!haw && oaw && iaw < naw) haw = true;
        if (!hw && ow && iw < nw) hw = true;
        if (!har && oar && iar < nar) har = true;
        top->awvalid = haw;
        top->awaddr = haw ? aw[iaw] : 0;
        top->wvalid = hw;
        top->wdata = hw ? w[iw] : 0;
        top->wstrb = 0xf;
        top->arvalid = har;
        top->araddr = har ? ar[iar] : 0;
        top->bready = bready;
        top->rready = rready;
{assign}        top->clock = 0;
        top->eval();
        printf("%d %llx %d %llx %d %llx %d %d %d %d %d %d %d %llx",
            (int)haw, haw ? aw[iaw] : 0ULL, (int)hw, hw ? w[iw] : 0ULL, (int)har, har ? ar[iar] : 0ULL,
            (int)bready, (int)rready, (int)top->awready, (int)top->wready, (int)top->arready,
            (int)top->bvalid, (int)top->rvalid, (unsigned long long)top->rdata);
{print_out}        if ({trigger}) {{
            printf(" |");
{print_trig}        }}
        putchar('\n');
        bool taw = haw && top->awready, tw = hw && top->wready, tar = har && top->arready;
        top->clock = 1;
        top->eval();
        top->clock = 0;
        top->eval();
        if (taw) {{ haw = false; iaw++; }}
        if (tw) {{ hw = false; iw++; }}
        if (tar) {{ har = false; iar++; }}
    }}
    fflush(stdout);
    top->final();
    delete top;
    return 0;
}}
"#,
            n_side_alloc = n_side.max(1),
            fields = n_side + 5,
        )
    }

    /// Runs `traffic` and returns every cycle as seen before its edge, and the wall time in
    /// seconds (pipe traffic included).
    pub fn run(&self, traffic: &AxiLiteTraffic) -> Result<(Vec<AxiLiteCycle>, f64), EdaError> {
        let mut input = String::with_capacity(traffic.steps.len() * 32);
        let _ = writeln!(input, "{} {} {}", traffic.aw.len(), traffic.w.len(), traffic.ar.len());
        for v in traffic.aw.iter().chain(&traffic.w).chain(&traffic.ar) {
            let _ = writeln!(input, "{v:x}");
        }
        for s in &traffic.steps {
            assert_eq!(s.side.len(), self.ports.inputs.len(), "one value per sideband input");
            let _ = write!(
                input,
                "{} {} {} {} {}",
                u8::from(s.offer_aw),
                u8::from(s.offer_w),
                u8::from(s.offer_ar),
                u8::from(s.bready),
                u8::from(s.rready)
            );
            for v in &s.side {
                let _ = write!(input, " {v:x}");
            }
            input.push('\n');
        }
        let fail = |log: String| EdaError::Failed { tool: "Vtop".into(), dir: self.dir.clone(), log };
        let mut cycles = Vec::with_capacity(traffic.steps.len());
        let seconds = run_piped(&self.dir, input, |line| {
            let step = traffic.steps.get(cycles.len()).ok_or_else(|| fail(format!("a line too many: '{line}'")))?;
            cycles
                .push(Self::parse(&line, step, &self.ports).ok_or_else(|| fail(format!("unexpected line '{line}'")))?);
            Ok(())
        })?;
        if cycles.len() != traffic.steps.len() {
            return Err(fail(format!("the model stopped after {} of {} cycles", cycles.len(), traffic.steps.len())));
        }
        Ok((cycles, seconds))
    }

    fn parse(line: &str, step: &AxiLiteStep, ports: &AxiLitePorts) -> Option<AxiLiteCycle> {
        let (main, trig) = match line.split_once(" |") {
            Some((m, t)) => (m, Some(t)),
            None => (line, None),
        };
        let v: Vec<u64> = main.split_whitespace().map(|w| u64::from_str_radix(w, 16).ok()).collect::<Option<_>>()?;
        if v.len() != 14 + ports.outputs.len() {
            return None;
        }
        let opt = |valid: u64, x: u64| (valid != 0).then_some(x as u32);
        let triggered = match trig {
            Some(t) => {
                let t: Vec<u64> =
                    t.split_whitespace().map(|w| u64::from_str_radix(w, 16).ok()).collect::<Option<_>>()?;
                Some((t.len() == ports.on_trigger.len()).then_some(t)?)
            }
            None => None,
        };
        Some(AxiLiteCycle {
            aw: opt(v[0], v[1]),
            w: opt(v[2], v[3]),
            ar: opt(v[4], v[5]),
            bready: v[6] != 0,
            rready: v[7] != 0,
            awready: v[8] != 0,
            wready: v[9] != 0,
            arready: v[10] != 0,
            bvalid: v[11] != 0,
            rvalid: v[12] != 0,
            rdata: v[13] as u32,
            side: step.side.clone(),
            out: v[14..].to_vec(),
            triggered,
        })
    }
}

/// Cycles an AXI4-Lite handshake of an [`AxiLiteSession`] may wait for the slave before the
/// session gives up on it (a register block answers in a few).
pub const SESSION_HANDSHAKE_CYCLES: u64 = 1_000;

/// Bytes one DMA request line to the card memory carries at most: a long transfer is a
/// series of bounded lines, so neither side ever holds an unbounded line.
pub const DMA_CHUNK_BYTES: usize = 64 << 10;

/// The card memory an [`AxiLiteHarness`] built with [`AxiLiteHarness::build_with_memory`]
/// puts behind the card's memory master port (`mem_ar*`, `mem_r*`, `mem_aw*`, `mem_w*`,
/// `mem_b*`: AXI4, single beats, 32-bit data, 64-bit byte addresses, no IDs, no bursts).
/// It is a C++ slave in the model's driver, serviced at every edge, so the card sees the
/// latencies and back-pressure of a memory cycle by cycle instead of a Rust-side shortcut.
/// Everything here is a run-time setting of the model: sessions of one harness (one
/// verilation) can each use another ([`AxiLiteHarness::start_with_memory`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryModel {
    /// Size in bytes: an access at or past it answers SLVERR, as a misaligned one does.
    pub bytes: u64,
    /// Cycles from the edge that takes a read address to the first cycle its data is
    /// offered (at least 1). Reads are answered in order; any number may be outstanding.
    pub read_latency: u32,
    /// Cycles from the edge at which a write has both address and data to the first cycle
    /// its response is offered (at least 1).
    pub write_latency: u32,
    /// Percent of cycles in which each of `mem_arready`, `mem_awready` and `mem_wready` is
    /// low, drawn independently (0: always ready; below 100), to exercise the card's
    /// handshakes.
    pub stall_percent: u8,
    /// Seed of the back-pressure's pseudo-random sequence.
    pub seed: u64,
    /// For negative controls only: every this many reads returns its data with bit 0
    /// flipped (0: never), a memory that answers wrongly, which a test must catch.
    pub flip_read_every: u64,
}

impl MemoryModel {
    /// A memory of `bytes` bytes, always ready, with the read latency of a few cycles an
    /// on-card memory controller has at the AXI clock.
    pub const fn new(bytes: u64) -> Self {
        Self { bytes, read_latency: 6, write_latency: 4, stall_percent: 0, seed: 1, flip_read_every: 0 }
    }

    /// The model's command-line arguments (hex), checked: a latency of 0 or a memory that
    /// is never ready would make a broken card, not a slow one.
    fn args(&self) -> Result<Vec<String>, EdaError> {
        if self.read_latency == 0 || self.write_latency == 0 || self.stall_percent >= 100 {
            return Err(EdaError::Unexpected {
                what: format!("card memory model {self:?}"),
                reason: "latencies must be at least 1 cycle and the stall percentage below 100".into(),
            });
        }
        Ok([
            self.bytes,
            u64::from(self.read_latency),
            u64::from(self.write_latency),
            u64::from(self.stall_percent),
            self.seed,
            self.flip_read_every,
        ]
        .iter()
        .map(|v| format!("{v:x}"))
        .collect())
    }
}

/// Whether the top module of `verilog` (`module top`, its header up to the first `;`) has
/// the card memory master port (its `mem_arvalid`): such a top needs
/// [`AxiLiteHarness::build_with_memory`], any other cannot have it.
pub fn has_card_memory_port(verilog: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    // Not `module top$perm` or `module top_x`: the name must end there.
    let top = verilog
        .match_indices("module top")
        .find(|(k, m)| verilog[k + m.len()..].chars().next().is_none_or(|c| !ident(c)));
    let Some((start, _)) = top else {
        return false;
    };
    let header = verilog[start..].split(';').next().unwrap_or_default();
    header.split(|c: char| !ident(c)).any(|w| w == "mem_arvalid")
}

/// The header of a top module with every port [`AxiLiteHarness::build_with_memory`]
/// drives: the AXI4-Lite slave, `irq` and the card memory master, outputs as wires. For
/// tops written by hand (tests), which drive the outputs from their own registers.
pub const CARD_MEMORY_TOP_HEADER: &str = "module top(
  input clock,
  input awvalid, output awready, input [31:0] awaddr,
  input wvalid, output wready, input [31:0] wdata, input [3:0] wstrb,
  output bvalid, input bready, output [1:0] bresp,
  input arvalid, output arready, input [31:0] araddr,
  output rvalid, input rready, output [31:0] rdata, output [1:0] rresp,
  output irq,
  output mem_arvalid, input mem_arready, output [63:0] mem_araddr,
  input mem_rvalid, output mem_rready, input [31:0] mem_rdata, input [1:0] mem_rresp,
  output mem_awvalid, input mem_awready, output [63:0] mem_awaddr,
  output mem_wvalid, input mem_wready, output [31:0] mem_wdata,
  input mem_bvalid, output mem_bready, input [1:0] mem_bresp);
";

/// What the card memory of an [`AxiLiteSession`] has answered on the card's master port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryStats {
    /// Read addresses taken.
    pub reads: u64,
    /// Writes applied or refused (address and data both in).
    pub writes: u64,
    /// Responses (read or write) that were SLVERR.
    pub errors: u64,
}

/// A Verilator model of an AXI4-Lite slave (top module `top` with the bus ports
/// [`AxiLitePorts`] names, a `clock` and a 1-bit `irq`) built with an interactive master:
/// the model for [`AxiLiteSession`]s, which each start a fresh process of it (a fresh,
/// reset card). Building verilates once; starting is cheap. Built with a [`MemoryModel`],
/// the top also has the card memory master port, answered by the driver.
pub struct AxiLiteHarness {
    dir: PathBuf,
    memory: Option<MemoryModel>,
}

/// How far an [`AxiLiteSession`] went: simulated cycles, bus transactions, and the wall
/// time spent waiting for the model (pipe traffic included), for a cycles-per-second figure.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SessionStats {
    /// Rising edges simulated since the session started.
    pub cycles: u64,
    /// Register reads and writes completed.
    pub transactions: u64,
    /// Wall time in seconds spent in the model.
    pub seconds: f64,
    /// The card memory's counters (all 0 without one).
    pub memory: MemoryStats,
}

/// One running model of an [`AxiLiteHarness`], driven one request at a time: a register
/// write (AW and W offered together, then B taken), a register read (AR, then R taken),
/// a number of idle cycles, a run until `irq` rises, and with a card memory, DMA into and
/// out of it. Every request is answered before the next is sent, so the model is as
/// interactive as a card behind a BAR (unlike [`AxiLiteModel`], which runs a plan made in
/// advance). Same clocking: inputs settle with the clock low, outputs are sampled before
/// the edge. Each handshake is bounded by [`SESSION_HANDSHAKE_CYCLES`]; a slave that does
/// not answer is an error, not a hang. The pipe is behind a mutex, so a session can be
/// shared between threads.
pub struct AxiLiteSession {
    dir: PathBuf,
    memory: Option<MemoryModel>,
    io: std::sync::Mutex<SessionIo>,
}

struct SessionIo {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    stats: SessionStats,
}

/// The longest request line the driver takes: a DMA write of [`DMA_CHUNK_BYTES`] in hex
/// and its command.
const SESSION_LINE_BYTES: usize = 2 * DMA_CHUNK_BYTES + 64;

/// The C++ card memory: sparse 4 KiB pages, in-order read beats after the read latency,
/// AW and W queued independently and paired in order, B after the write latency, SLVERR
/// for misaligned or out-of-range words, counters. `mem_drive` sets the slave's outputs
/// from its state (clock low), `mem_sample` takes the handshakes before an edge,
/// `mem_update` applies them after it.
const CARD_MEMORY_CPP: &str = r#"
struct MemCfg { unsigned long long bytes, read_latency, write_latency, stall, seed, flip_every; };
static MemCfg cfg = {0, 6, 4, 0, 1, 0};
static std::unordered_map<unsigned long long, std::vector<unsigned char>> pages;
struct Beat { unsigned long long at; unsigned int data, resp; };
static std::deque<Beat> rq, bq;
static std::deque<unsigned long long> awq;
static std::deque<unsigned int> wq;
static unsigned long long rng = 0;

static unsigned char peek(unsigned long long a) {
    auto it = pages.find(a >> 12);
    return it == pages.end() ? 0 : it->second[a & 4095];
}
static void poke(unsigned long long a, unsigned char v) {
    auto it = pages.find(a >> 12);
    if (it == pages.end()) it = pages.emplace(a >> 12, std::vector<unsigned char>(4096, 0)).first;
    it->second[a & 4095] = v;
}
// A whole range inside the memory (no wrap-around).
static bool inside(unsigned long long a, unsigned long long len) { return a <= cfg.bytes && len <= cfg.bytes - a; }
static bool bad_word(unsigned long long a) { return (a & 3) || !inside(a, 4); }
// xorshift64: each ready low in `stall` percent of cycles.
static bool ready() {
    if (cfg.stall == 0) return true;
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % 100 >= cfg.stall;
}
static void mem_config(int argc, char** argv) {
    unsigned long long* f[] = {&cfg.bytes, &cfg.read_latency, &cfg.write_latency, &cfg.stall, &cfg.seed, &cfg.flip_every};
    for (int k = 0; k < 6 && k + 1 < argc; k++) *f[k] = strtoull(argv[k + 1], nullptr, 16);
    rng = cfg.seed * 0x9e3779b97f4a7c15ULL + 1;
}
static void mem_drive(unsigned long long now) {
    top->mem_arready = ready();
    top->mem_awready = ready();
    top->mem_wready = ready();
    bool rv = !rq.empty() && rq.front().at <= now;
    top->mem_rvalid = rv;
    top->mem_rdata = rv ? rq.front().data : 0;
    top->mem_rresp = rv ? rq.front().resp : 0;
    bool bv = !bq.empty() && bq.front().at <= now;
    top->mem_bvalid = bv;
    top->mem_bresp = bv ? bq.front().resp : 0;
}
struct MemEdge { bool ar, r, aw, w, b; unsigned long long araddr, awaddr; unsigned int wdata; };
static MemEdge mem_sample() {
    MemEdge e;
    e.ar = top->mem_arvalid && top->mem_arready;
    e.r = top->mem_rvalid && top->mem_rready;
    e.aw = top->mem_awvalid && top->mem_awready;
    e.w = top->mem_wvalid && top->mem_wready;
    e.b = top->mem_bvalid && top->mem_bready;
    e.araddr = top->mem_araddr;
    e.awaddr = top->mem_awaddr;
    e.wdata = top->mem_wdata;
    return e;
}
// `at`: the edge that took the handshakes.
static void mem_update(const MemEdge& e, unsigned long long at) {
    if (e.r) rq.pop_front();
    if (e.b) bq.pop_front();
    if (e.ar) {
        mem_reads++;
        unsigned int data = 0, resp = 0;
        if (bad_word(e.araddr)) {
            resp = 2;
            mem_errors++;
        } else {
            for (int k = 0; k < 4; k++) data |= (unsigned int)peek(e.araddr + k) << (8 * k);
            if (cfg.flip_every && mem_reads % cfg.flip_every == 0) data ^= 1;
        }
        rq.push_back({at + cfg.read_latency, data, resp});
    }
    if (e.aw) awq.push_back(e.awaddr);
    if (e.w) wq.push_back(e.wdata);
    while (!awq.empty() && !wq.empty()) {
        unsigned long long a = awq.front();
        unsigned int d = wq.front(), resp = 0;
        awq.pop_front();
        wq.pop_front();
        mem_writes++;
        if (bad_word(a)) {
            resp = 2;
            mem_errors++;
        } else {
            for (int k = 0; k < 4; k++) poke(a + k, (unsigned char)(d >> (8 * k)));
        }
        bq.push_back({at + cfg.write_latency, 0, resp});
    }
}
static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
// `m ADDR HEX`: DMA write; false when malformed.
static bool dma_write(const char* line) {
    unsigned long long a = 0;
    int at = 0;
    if (sscanf(line, " m %llx %n", &a, &at) < 1) return false;
    const char* h = line + at;
    size_t n = 0;
    while (hexval(h[n]) >= 0) n++;
    if (n % 2) return false;
    if (!inside(a, n / 2)) {
        answer_with("refused", "0");
        return true;
    }
    for (size_t k = 0; k < n; k += 2) poke(a + k / 2, (unsigned char)(hexval(h[k]) * 16 + hexval(h[k + 1])));
    answer(true, n / 2);
    return true;
}
// `d ADDR LEN`: DMA read of at most one chunk.
static bool dma_read(unsigned long long a, unsigned long long len) {
    if (len == 0 || len > CHUNK) return false;
    if (!inside(a, len)) {
        answer_with("refused", "0");
        return true;
    }
    std::string hex(2 * len, '0');
    static const char digits[] = "0123456789abcdef";
    for (unsigned long long k = 0; k < len; k++) {
        unsigned char v = peek(a + k);
        hex[2 * k] = digits[v >> 4];
        hex[2 * k + 1] = digits[v & 15];
    }
    answer_with("ok", hex.c_str());
    return true;
}
"#;

impl AxiLiteHarness {
    /// Verilates `verilog` (top module `top`) with the interactive master.
    pub fn build(name: &str, verilog: &str) -> Result<Self, EdaError> {
        let dir = verilate_with_driver(&format!("{name}-session"), verilog, &Self::driver(false))?;
        Ok(Self { dir, memory: None })
    }

    /// Verilates `verilog` (top module `top`, with the card memory master port) with the
    /// interactive master and the card memory ([`MemoryModel`]); [`AxiLiteHarness::start`]
    /// starts sessions with `memory`.
    pub fn build_with_memory(name: &str, verilog: &str, memory: MemoryModel) -> Result<Self, EdaError> {
        memory.args()?;
        let dir = verilate_with_driver(&format!("{name}-session-mem"), verilog, &Self::driver(true))?;
        Ok(Self { dir, memory: Some(memory) })
    }

    /// The card memory sessions start with, if the harness has one.
    pub fn memory(&self) -> Option<MemoryModel> {
        self.memory
    }

    /// Starts a fresh model (reset state, cycle 0, empty card memory).
    pub fn start(&self) -> Result<AxiLiteSession, EdaError> {
        self.spawn(self.memory)
    }

    /// [`AxiLiteHarness::start`] with another card memory setting (size, latencies,
    /// back-pressure): for a harness built with a memory only.
    pub fn start_with_memory(&self, memory: MemoryModel) -> Result<AxiLiteSession, EdaError> {
        if self.memory.is_none() {
            return Err(no_memory(self.dir.display().to_string()));
        }
        self.spawn(Some(memory))
    }

    fn spawn(&self, memory: Option<MemoryModel>) -> Result<AxiLiteSession, EdaError> {
        use std::process::Stdio;
        let args = memory.map(|m| m.args()).transpose()?.unwrap_or_default();
        let exe = self.dir.join("obj").join("Vtop");
        let mut child = Command::new(&exe)
            .args(&args)
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|source| EdaError::Missing { tool: exe.display().to_string(), package: "verilator", source })?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        let io = SessionIo { child, stdin, stdout, stats: SessionStats::default() };
        Ok(AxiLiteSession { dir: self.dir.clone(), memory, io: std::sync::Mutex::new(io) })
    }

    /// The master: one request per line (`w OFF VAL`, `r OFF`, `t N`, `u N`, `i`, `e`, and
    /// with a card memory `m ADDR HEXBYTES`, `d ADDR LEN`; numbers in hex), one answer per
    /// line: `ok|timeout|refused CYCLES VALUE`, with the running cycle count and the value
    /// asked for (write: the cycles it took; read: the data; tick: `irq`; until: the cycles
    /// run; irq query: `irq`; edge query: the cycle count after `irq` last rose; DMA write:
    /// the bytes written; DMA read: the bytes, hex), followed with a card memory by its
    /// counters `READS WRITES ERRORS`. DMA takes no cycles: it goes through the XDMA IP's own
    /// port, not the card's master.
    fn driver(memory: bool) -> String {
        let (includes, model, config, sample, update, counters, dma) = if memory {
            (
                "#include <deque>\n#include <string>\n#include <unordered_map>\n#include <vector>\n#include <cstdlib>\n\n\
                 // The card memory's counters, in every answer.\n\
                 static unsigned long long mem_reads = 0, mem_writes = 0, mem_errors = 0;\n",
                CARD_MEMORY_CPP,
                "    mem_config(argc, argv);\n    mem_drive(0);\n",
                "    MemEdge e = mem_sample();\n",
                "    mem_update(e, total - 1);\n    mem_drive(total);\n",
                r#"    printf(" %llx %llx %llx", mem_reads, mem_writes, mem_errors);
"#,
                r#"        } else if (op == 'm') {
            if (!dma_write(line)) return 2;
        } else if (op == 'd') {
            if (!dma_read(a, b)) return 2;
"#,
            )
        } else {
            ("", "", "", "", "", "", "")
        };
        format!(
            r#"#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
{includes}
static Vtop* top;
static unsigned long long total = 0;
// The edge after which `irq` was last seen rising (0: never): a command's completion,
// timed to the cycle however the host happens to poll.
static unsigned long long irq_rose = 0;
static bool irq_was = false;
static const unsigned long long CHUNK = {chunk}ULL;

static void answer_with(const char* status, const char* value) {{
    printf("%s %llx %s", status, total, value);
{counters}    putchar('\n');
    fflush(stdout);
}}

static void answer(bool ok, unsigned long long value) {{
    char v[32];
    snprintf(v, sizeof v, "%llx", value);
    answer_with(ok ? "ok" : "timeout", v);
}}
{model}
// Outputs were sampled with the clock low; the rising edge completes what they showed.
static void edge() {{
    top->eval();
{sample}    top->clock = 1;
    top->eval();
    top->clock = 0;
    total++;
{update}    top->eval();
    if (top->irq && !irq_was) irq_rose = total;
    irq_was = top->irq;
}}

// Runs cycles until `step` (which drives the inputs and evaluates, clock low) says the
// handshake completes at the coming edge; false once `n` reaches the bound.
template <typename F> static bool until(unsigned long long& n, F step) {{
    while (n < {bound}ULL) {{
        bool done = step();
        edge();
        n++;
        if (done) return true;
    }}
    return false;
}}

int main(int argc, char** argv) {{
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
{config}    top->clock = 0;
    top->wstrb = 0xf;
    top->eval();
    char* line = nullptr;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) > 0) {{
        if (got > {max_line}) return 2;
        char op = 0;
        unsigned long long a = 0, b = 0;
        if (sscanf(line, " %c %llx %llx", &op, &a, &b) < 1) return 2;
        if (op == 'w') {{
            unsigned long long n = 0;
            bool aw = true, w = true;
            top->awaddr = a;
            top->wdata = b;
            top->wstrb = 0xf;
            bool ok = until(n, [&] {{
                top->awvalid = aw;
                top->wvalid = w;
                top->eval();
                if (top->awready) aw = false;
                if (top->wready) w = false;
                return !aw && !w;
            }});
            top->awvalid = 0;
            top->wvalid = 0;
            top->bready = 1;
            ok = ok && until(n, [&] {{ top->eval(); return (bool)top->bvalid; }});
            top->bready = 0;
            top->eval();
            answer(ok, n);
        }} else if (op == 'r') {{
            unsigned long long n = 0, value = 0;
            top->araddr = a;
            top->arvalid = 1;
            bool ok = until(n, [&] {{ top->eval(); return (bool)top->arready; }});
            top->arvalid = 0;
            top->rready = 1;
            ok = ok && until(n, [&] {{ top->eval(); value = top->rdata; return (bool)top->rvalid; }});
            top->rready = 0;
            top->eval();
            answer(ok, value);
        }} else if (op == 't') {{
            for (unsigned long long k = 0; k < a; k++) edge();
            top->eval();
            answer(true, top->irq);
        }} else if (op == 'u') {{
            unsigned long long k = 0;
            top->eval();
            while (k < a && !top->irq) {{
                edge();
                k++;
            }}
            answer(true, k);
        }} else if (op == 'i') {{
            top->eval();
            answer(true, top->irq);
        }} else if (op == 'e') {{
            answer(true, irq_rose);
{dma}        }} else {{
            return 2;
        }}
    }}
    top->final();
    delete top;
    return 0;
}}
"#,
            bound = SESSION_HANDSHAKE_CYCLES,
            chunk = DMA_CHUNK_BYTES,
            max_line = SESSION_LINE_BYTES,
        )
    }
}

/// The error for a DMA request to a harness without a card memory.
fn no_memory(what: String) -> EdaError {
    EdaError::Unexpected {
        what,
        reason: "the model has no card memory (build it with AxiLiteHarness::build_with_memory)".into(),
    }
}

/// How the model answered a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Done.
    Ok,
    /// A handshake was not completed within [`SESSION_HANDSHAKE_CYCLES`].
    Timeout,
    /// A DMA request outside the card memory.
    Refused,
}

impl AxiLiteSession {
    /// Sends one request line and returns its answer: its status and value field (raw).
    fn exchange(&self, line: &str, transaction: bool) -> Result<(Status, String), EdaError> {
        use std::io::{BufRead, Read as _, Write as _};
        let mut io = self.io.lock().unwrap_or_else(|e| e.into_inner());
        let start = std::time::Instant::now();
        let exe = self.dir.join("obj").join("Vtop");
        let io_err = |source| EdaError::Io { path: exe.clone(), source };
        writeln!(io.stdin, "{line}").and_then(|()| io.stdin.flush()).map_err(io_err)?;
        let mut answer = String::new();
        // A bounded read: a model that sends an endless line is an error, not memory.
        let limit = (2 * DMA_CHUNK_BYTES + 256) as u64;
        if (&mut io.stdout).take(limit).read_line(&mut answer).map_err(io_err)? == 0 {
            let status = io.child.try_wait().ok().flatten().map_or("still running".into(), |s| s.to_string());
            return Err(EdaError::Failed {
                tool: exe.display().to_string(),
                dir: self.dir.clone(),
                log: format!("the model stopped answering after '{}' ({status})", shorten(line)),
            });
        }
        let counters = if self.memory.is_some() { 3 } else { 0 };
        let parsed = Self::parse_answer(&answer, counters);
        let Some((status, cycles, value, memory)) = parsed else {
            let form = if counters == 0 { "" } else { " READS WRITES ERRORS" };
            return Err(EdaError::Unexpected {
                what: format!("{} answer to '{}'", exe.display(), shorten(line)),
                reason: format!("'{}' is not 'ok|timeout|refused CYCLES VALUE{form}'", shorten(answer.trim_end())),
            });
        };
        io.stats.cycles = cycles;
        io.stats.memory = memory;
        io.stats.transactions += u64::from(transaction && status == Status::Ok);
        io.stats.seconds += start.elapsed().as_secs_f64();
        Ok((status, value))
    }

    /// `STATUS CYCLES VALUE` and `counters` memory counters, all hex but `STATUS`.
    fn parse_answer(answer: &str, counters: usize) -> Option<(Status, u64, String, MemoryStats)> {
        let fields: Vec<&str> = answer.split_whitespace().collect();
        if fields.len() != 3 + counters || !answer.ends_with('\n') {
            return None;
        }
        let status = match fields[0] {
            "ok" => Status::Ok,
            "timeout" => Status::Timeout,
            "refused" => Status::Refused,
            _ => return None,
        };
        let hex = |w: &str| u64::from_str_radix(w, 16).ok();
        let n: Vec<u64> = fields[3..].iter().map(|w| hex(w)).collect::<Option<_>>()?;
        let memory = match n[..] {
            [reads, writes, errors] => MemoryStats { reads, writes, errors },
            _ => MemoryStats::default(),
        };
        Some((status, hex(fields[1])?, fields[2].to_string(), memory))
    }

    /// Sends one request line and returns whether the handshakes completed and the value.
    fn request(&self, line: &str, transaction: bool) -> Result<(bool, u64), EdaError> {
        let (status, value) = self.exchange(line, transaction)?;
        let unexpected = |reason: String| EdaError::Unexpected { what: format!("answer to '{line}'"), reason };
        let value = u64::from_str_radix(&value, 16).map_err(|_| unexpected(format!("'{value}' is not a hex value")))?;
        match status {
            Status::Refused => Err(unexpected("refused a request that is not DMA".into())),
            s => Ok((s == Status::Ok, value)),
        }
    }

    fn handshake(&self, line: String, what: impl FnOnce() -> String) -> Result<u64, EdaError> {
        match self.request(&line, true)? {
            (true, v) => Ok(v),
            (false, _) => Err(EdaError::Unexpected {
                what: what(),
                reason: format!("the slave did not complete the handshake in {SESSION_HANDSHAKE_CYCLES} cycles"),
            }),
        }
    }

    /// Writes `value` at byte offset `offset` (all byte strobes); returns the cycles the
    /// write took, address to response.
    pub fn write32(&self, offset: u32, value: u32) -> Result<u64, EdaError> {
        self.handshake(format!("w {offset:x} {value:x}"), || format!("AXI4-Lite write of {value:#x} at {offset:#x}"))
    }

    /// Reads the word at byte offset `offset`.
    pub fn read32(&self, offset: u32) -> Result<u32, EdaError> {
        self.handshake(format!("r {offset:x}"), || format!("AXI4-Lite read at {offset:#x}")).map(|v| v as u32)
    }

    /// Runs `cycles` idle cycles; returns `irq` after them.
    pub fn tick(&self, cycles: u64) -> Result<bool, EdaError> {
        self.request(&format!("t {cycles:x}"), false).map(|(_, irq)| irq != 0)
    }

    /// Runs idle cycles until `irq` is high, at most `cycles`; returns how many ran (fewer
    /// than `cycles` only when `irq` rose; 0 when it was high already).
    pub fn run_until_irq(&self, cycles: u64) -> Result<u64, EdaError> {
        self.request(&format!("u {cycles:x}"), false).map(|(_, ran)| ran)
    }

    /// The `irq` output now.
    pub fn irq(&self) -> Result<bool, EdaError> {
        self.request("i", false).map(|(_, irq)| irq != 0)
    }

    /// The cycle count just after the edge at which `irq` last rose (`None`: it never has),
    /// kept by the model at every edge, so a completion is timed to the cycle whenever the
    /// host looks.
    pub fn irq_rose_at(&self) -> Result<Option<u64>, EdaError> {
        self.request("e", false).map(|(_, at)| (at != 0).then_some(at))
    }

    /// The card memory, checked to hold `len` bytes at `addr`: DMA outside it is the
    /// caller's error, found before anything is sent.
    fn dma_range(&self, what: &str, addr: u64, len: usize) -> Result<(), EdaError> {
        let what = || format!("DMA {what} of {len} bytes at {addr:#x}");
        let memory = self.memory.ok_or_else(|| no_memory(what()))?;
        match addr.checked_add(len as u64) {
            Some(end) if end <= memory.bytes => Ok(()),
            _ => Err(EdaError::Unexpected {
                what: what(),
                reason: format!("outside the card memory of {:#x} bytes", memory.bytes),
            }),
        }
    }

    /// Writes `data` into the card memory at byte address `addr` (any alignment), as the
    /// host's DMA would: in no simulated time, in lines of at most [`DMA_CHUNK_BYTES`].
    pub fn mem_write(&self, addr: u64, data: &[u8]) -> Result<(), EdaError> {
        self.dma_range("write", addr, data.len())?;
        let mut line = String::with_capacity(2 * DMA_CHUNK_BYTES.min(data.len()) + 32);
        for (k, chunk) in data.chunks(DMA_CHUNK_BYTES).enumerate() {
            let at = addr + (k * DMA_CHUNK_BYTES) as u64;
            line.clear();
            let _ = write!(line, "m {at:x} ");
            for b in chunk {
                let _ = write!(line, "{b:02x}");
            }
            let (status, value) = self.exchange(&line, false)?;
            if status != Status::Ok || u64::from_str_radix(&value, 16).ok() != Some(chunk.len() as u64) {
                return Err(EdaError::Unexpected {
                    what: format!("DMA write of {} bytes at {at:#x}", chunk.len()),
                    reason: format!("the model answered {status:?} {value}"),
                });
            }
        }
        Ok(())
    }

    /// Reads `len` bytes of the card memory at byte address `addr` (any alignment; never
    /// written bytes read 0), as the host's DMA would: in no simulated time.
    pub fn mem_read(&self, addr: u64, len: usize) -> Result<Vec<u8>, EdaError> {
        self.dma_range("read", addr, len)?;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let at = addr + out.len() as u64;
            let n = (len - out.len()).min(DMA_CHUNK_BYTES);
            let (status, hex) = self.exchange(&format!("d {at:x} {n:x}"), false)?;
            let bytes = (status == Status::Ok && hex.len() == 2 * n)
                .then(|| {
                    (0..n)
                        .map(|k| hex.get(2 * k..2 * k + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
                        .collect::<Option<Vec<u8>>>()
                })
                .flatten();
            let Some(bytes) = bytes else {
                return Err(EdaError::Unexpected {
                    what: format!("DMA read of {n} bytes at {at:#x}"),
                    reason: format!(
                        "the model answered {status:?} with {} characters, not {} hex digits",
                        hex.len(),
                        2 * n
                    ),
                });
            };
            out.extend_from_slice(&bytes);
        }
        Ok(out)
    }

    /// The card memory this session runs with, if any.
    pub fn memory(&self) -> Option<MemoryModel> {
        self.memory
    }

    /// Rising edges simulated so far.
    pub fn cycles(&self) -> u64 {
        self.stats().cycles
    }

    /// Cycles, transactions, card memory counters and wall time so far.
    pub fn stats(&self) -> SessionStats {
        self.io.lock().unwrap_or_else(|e| e.into_inner()).stats
    }
}

/// `line` cut for an error message (a DMA line is long).
fn shorten(line: &str) -> String {
    match line.char_indices().nth(80) {
        Some((k, _)) => format!("{}…", &line[..k]),
        None => line.to_string(),
    }
}

impl Drop for AxiLiteSession {
    fn drop(&mut self) {
        // Ends the model this session started (by its handle) and reaps it.
        let io = self.io.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = io.child.kill();
        let _ = io.child.wait();
    }
}
