//! Place and route on a real device: the butterfly and the field units taken by yosys,
//! nextpnr-ice40 and icepack down to an iCE40 UP5K bitstream, with the Fmax nextpnr achieves.
//!
//! yosys `stat` ([`crate::report`]) counts cells; it cannot say whether a block fits a device
//! or how fast it clocks once placed and routed. The iCE40's whole flow, bitstream included, is
//! open and packaged by Debian, so this is the project's proof that its RTL is implementable
//! without vendor tools. The UP5K (5,280 logic cells, 8 SB_MAC16 DSPs, 30 4-kbit RAMs) is the
//! largest iCE40 UltraPlus, the iCE40s with DSPs, which the multipliers need.
//!
//! The blocks are [`crate::catalog::butterfly_and_field_units`]. A block's ports are far wider
//! than the package's pins, so it is placed inside an I/O wrapper ([`io_wrapper`]) that
//! serialises them through three pins.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::catalog::Entry;
use crate::eda::{EdaError, run, work_dir, write};
use crate::report::verilog_digest;

/// The clock nextpnr must meet, MHz: a run that misses it fails, so a committed bitstream is
/// one that meets it. 12 MHz is the crystal of the usual UP5K boards (the iCEBreaker), so a
/// bitstream runs on one as it is. The achieved Fmax, reported beside it, is the figure of
/// merit: for these blocks it came out the same with targets of 12, 20 and 30 MHz.
pub const TARGET_MHZ: f64 = 12.0;

/// The size of an iCE40 UP5K bitstream from icepack, which writes every configuration bank of
/// the device: it depends on the device, not on the design.
pub const UP5K_BITSTREAM_BYTES: usize = 104_090;

/// nextpnr's placer seed: fixed, so a run reproduces its placement and its Fmax.
pub const SEED: u32 = 1;

/// The wrapper's module: what yosys synthesises and nextpnr places.
pub const WRAPPER_TOP: &str = "pnr_top";

/// Pin constraints for the SG48 package: the clock on pin 35, a global-buffer input
/// (IOT_46b_G0), the serial data on two ordinary I/O pins.
const PCF: &str = "set_io clock 35\nset_io sin 4\nset_io sout 3\n";

/// Which way a port of `top` points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Driven from outside.
    Input,
    /// Driven by the block.
    Output,
}

/// A port of a block's top module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// Its name (rust-hdl's may contain `$`).
    pub name: String,
    /// Which way it points.
    pub direction: Direction,
    /// Its width in bits.
    pub width: usize,
}

/// `text` without its `//` and `/* */` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Verilog tokens: identifiers and numbers (runs of `[A-Za-z0-9_$]`), escaped identifiers
/// (`\` up to white space) and single punctuation characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if is_ident_char(c) || c == '\\' {
            let stop = |x: char| if c == '\\' { x.is_whitespace() } else { !is_ident_char(x) };
            let end = text[i + 1..].find(stop).map_or(text.len(), |n| i + 1 + n);
            out.push(&text[i..end]);
            i = end;
        } else {
            let len = if bytes[i].is_ascii() { 1 } else { c.len_utf8() };
            out.push(&text[i..i + len]);
            i += len;
        }
    }
    out
}

fn is_identifier(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '\\')
}

/// A port declaration's tokens (`input wire [31:0] a, b`): direction, width, names.
fn declaration(toks: &[&str]) -> Result<(Direction, usize, Vec<String>), String> {
    let direction = match toks.first() {
        Some(&"input") => Direction::Input,
        Some(&"output") => Direction::Output,
        Some(&"inout") => return Err("an inout port: the wrapper can only drive inputs and capture outputs".into()),
        other => return Err(format!("expected input or output, found {other:?}")),
    };
    let mut k = 1;
    while toks.get(k).is_some_and(|t| matches!(*t, "wire" | "reg" | "logic" | "signed" | "unsigned")) {
        k += 1;
    }
    let mut width = 1;
    if toks.get(k) == Some(&"[") {
        let bound = |t: Option<&&str>| {
            t.and_then(|t| t.parse::<usize>().ok())
                .ok_or_else(|| format!("range bound {t:?} is not an integer literal"))
        };
        let hi = bound(toks.get(k + 1))?;
        let lo = bound(toks.get(k + 3))?;
        if toks.get(k + 2) != Some(&":") || toks.get(k + 4) != Some(&"]") {
            return Err(format!("malformed range in `{}`", toks.join(" ")));
        }
        width = hi.abs_diff(lo) + 1;
        k += 5;
    }
    let mut names = Vec::new();
    for item in toks[k..].split(|t| *t == ",") {
        // An initialiser (`output reg x = 0`) follows the name.
        match item.first() {
            Some(name) if is_identifier(name) && (item.len() == 1 || item[1] == "=") => names.push(name.to_string()),
            _ => return Err(format!("cannot read the port names of `{}`", toks.join(" "))),
        }
    }
    Ok((direction, width, names))
}

/// Splits `toks` at the depth-0 occurrences of `sep` (depth counted over `()`, `[]`, `{}`).
fn split_top_level<'a>(toks: &'a [&'a str], sep: &str) -> Vec<&'a [&'a str]> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (k, t) in toks.iter().enumerate() {
        match *t {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            t if t == sep && depth == 0 => {
                parts.push(&toks[from..k]);
                from = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&toks[from..]);
    parts
}

/// The ports of module `top` in `verilog`, in header order. Reads both header styles: the
/// one rust-hdl emits (`module top(a, c); input wire [31:0] a; …`) and ANSI
/// (`module top(input wire [31:0] a, output …)`). Range bounds must be integer literals.
pub fn top_ports(verilog: &str) -> Result<Vec<Port>, EdaError> {
    let err = |reason: String| EdaError::Unexpected { what: "the Verilog's module top".into(), reason };
    let text = strip_comments(verilog);
    let toks = tokens(&text);
    let start = toks.windows(2).position(|w| w == ["module", "top"]).ok_or_else(|| err("no `module top`".into()))?;
    let end = toks[start..]
        .iter()
        .position(|t| *t == "endmodule")
        .map(|n| start + n)
        .ok_or_else(|| err("no `endmodule` after `module top`".into()))?;
    let module = &toks[start + 2..end];
    // The header is everything up to the first `;` (parameter lists have none).
    let semi = module.iter().position(|t| *t == ";").ok_or_else(|| err("the header has no `;`".into()))?;
    let header = &module[..semi];
    // The port list is the header's last depth-0 parenthesis group (after any `#(...)`).
    let mut depth = 0i32;
    let mut open = None;
    for (k, t) in header.iter().enumerate() {
        match *t {
            "(" => {
                if depth == 0 && (k == 0 || header[k - 1] != "#") {
                    open = Some(k);
                }
                depth += 1;
            }
            ")" => depth -= 1,
            _ => {}
        }
    }
    let list = match (open, header.last()) {
        (Some(open), Some(&")")) => &header[open + 1..header.len() - 1],
        _ => return Err(err("the header has no port list".into())),
    };
    let mut names: Vec<String> = Vec::new();
    let mut declared: Vec<(String, Direction, usize)> = Vec::new();
    let mut ansi: Option<(Direction, usize)> = None;
    for item in split_top_level(list, ",").into_iter().filter(|i| !i.is_empty()) {
        if matches!(item[0], "input" | "output" | "inout") {
            let (dir, width, item_names) = declaration(item).map_err(err)?;
            ansi = Some((dir, width));
            for n in item_names {
                declared.push((n.clone(), dir, width));
                names.push(n);
            }
        } else if let [name] = item {
            names.push(name.to_string());
            if let Some((dir, width)) = ansi {
                declared.push((name.to_string(), dir, width));
            }
        } else {
            return Err(err(format!("cannot read the header item `{}`", item.join(" "))));
        }
    }
    for statement in module[semi + 1..].split(|t| *t == ";") {
        if statement.first().is_some_and(|t| matches!(*t, "input" | "output" | "inout")) {
            let (dir, width, item_names) = declaration(statement).map_err(err)?;
            declared.extend(item_names.into_iter().map(|n| (n, dir, width)));
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mut found = declared.iter().filter(|(n, ..)| *n == name);
            match (found.next(), found.next()) {
                (Some((_, direction, width)), None) => Ok(Port { name, direction: *direction, width: *width }),
                (None, _) => Err(err(format!("port `{name}` has no input or output declaration"))),
                (Some(_), Some(_)) => Err(err(format!("port `{name}` is declared twice"))),
            }
        })
        .collect()
}

/// The shift of register `reg` (`bits` wide) by one, `input` entering at bit 0.
fn shift_in(reg: &str, bits: usize, input: &str) -> String {
    if bits == 1 { input.to_string() } else { format!("{{{reg}[{}:0], {input}}}", bits - 2) }
}

/// The I/O wrapper around `top` (module [`WRAPPER_TOP`], pins `clock`, `sin`, `sout`) for a
/// block with `ports`, which must include a 1-bit input `clock` and at least one output.
///
/// yosys 0.23 mis-packs one register fed straight by several SB_MAC16 outputs (it kept one
/// DSP of eight in a test design), and the wrapper's capture register is such a register for
/// a block whose outputs are raw products. The blocks here pass their products through logic
/// first, and `tests/ice40.rs` checks each placed DSP count against the block's yosys report.
pub fn io_wrapper(ports: &[Port]) -> Result<String, EdaError> {
    let err = |reason: &str| EdaError::Unexpected { what: "the ports of module top".into(), reason: reason.into() };
    let clock = ports.iter().find(|p| p.name == "clock").ok_or_else(|| err("no `clock` port"))?;
    if clock.direction != Direction::Input || clock.width != 1 {
        return Err(err("`clock` is not a 1-bit input"));
    }
    let inputs: Vec<&Port> = ports.iter().filter(|p| p.direction == Direction::Input && p.name != "clock").collect();
    let outputs: Vec<&Port> = ports.iter().filter(|p| p.direction == Direction::Output).collect();
    if outputs.is_empty() {
        return Err(err("no outputs: nothing would survive synthesis"));
    }
    let feed_bits = inputs.iter().map(|p| p.width).sum::<usize>().max(1);
    let out_bits = outputs.iter().map(|p| p.width).sum::<usize>();
    let mut connections = vec![".clock(clock)".to_string()];
    for (bus, group) in [("feed", &inputs), ("result", &outputs)] {
        let mut at = 0;
        for p in group.iter() {
            connections.push(format!(".{}({bus}[{}:{at}])", p.name, at + p.width - 1));
            at += p.width;
        }
    }
    let last_feed = format!("feed[{}]", feed_bits - 1);
    Ok(format!(
        r#"// The I/O wrapper of `top` for place and route, generated by slotproof-hdl. The block's
// ports are far wider than the package's pins, so every input bit comes from a shift register
// filled through one pin (`sin`), and every output bit is captured in a register and folded
// (XOR) into a second shift register emptied through one pin (`sout`). Every bit reaches a
// pin, so synthesis removes nothing, and every path through the block starts and ends at a
// register clocked by `clock`: the Fmax is the core's, not the I/O's.
module {WRAPPER_TOP}(clock, sin, sout);
  input wire clock;
  input wire sin;
  output wire sout;
  reg [{fh}:0] feed = 0;
  always @(posedge clock) feed <= {feed_shift};
  wire [{oh}:0] result;
  top core({connections});
  reg [{oh}:0] captured = 0;
  always @(posedge clock) captured <= result;
  reg [{oh}:0] fold = 0;
  always @(posedge clock) fold <= {fold_shift} ^ captured;
  assign sout = fold[{oh}];
endmodule
"#,
        fh = feed_bits - 1,
        oh = out_bits - 1,
        feed_shift = shift_in("feed", feed_bits, "sin"),
        fold_shift = shift_in("fold", out_bits, &last_feed),
        connections = connections.join(", "),
    ))
}

/// The tool runs, in order: tool, its Debian package, arguments.
fn commands(target_mhz: f64) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            "yosys",
            "yosys",
            args(&[
                "-q",
                "-p",
                &format!("read_verilog top.v {WRAPPER_TOP}.v; synth_ice40 -dsp -top {WRAPPER_TOP} -json pnr.json"),
            ]),
        ),
        (
            "nextpnr-ice40",
            "nextpnr-ice40",
            args(&[
                "--up5k",
                "--package",
                "sg48",
                "--json",
                "pnr.json",
                "--pcf",
                "pnr.pcf",
                "--asc",
                "pnr.asc",
                "--freq",
                &target_mhz.to_string(),
                "--seed",
                &SEED.to_string(),
                "--report",
                "report.json",
            ]),
        ),
        ("icepack", "fpga-icestorm", args(&["pnr.asc", "pnr.bin"])),
    ]
}

/// A command as a shell line, arguments with spaces in double quotes.
fn command_line(tool: &str, args: &[String]) -> String {
    let quoted = args.iter().map(|a| if a.contains(' ') { format!("\"{a}\"") } else { a.clone() });
    std::iter::once(tool.to_string()).chain(quoted).collect::<Vec<_>>().join(" ")
}

/// The commands of a run at `target_mhz`, as shell lines.
pub fn command_lines(target_mhz: f64) -> Vec<String> {
    commands(target_mhz).iter().map(|(tool, _, args)| command_line(tool, args)).collect()
}

/// The SHA-256 of everything besides the block's Verilog that decides a run: the wrapper,
/// the pin constraints and the commands. With the Verilog's digest it tells a stale report.
pub fn flow_digest(verilog: &str, target_mhz: f64) -> Result<String, EdaError> {
    let wrapper = io_wrapper(&top_ports(verilog)?)?;
    Ok(verilog_digest(&format!("{wrapper}{PCF}{}", command_lines(target_mhz).join("\n"))))
}

/// One kind of resource: used and on the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Used by the design.
    pub used: u64,
    /// On the device.
    pub available: u64,
}

/// What nextpnr's `--report` says of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    /// The lowest achieved frequency over the design's clocks, MHz.
    pub fmax_mhz: f64,
    /// Logic cells (a LUT4, a flip-flop and carry logic each).
    pub lc: Usage,
    /// SB_MAC16 DSPs.
    pub dsp: Usage,
    /// 4-kbit block RAMs.
    pub ram: Usage,
    /// I/O pins.
    pub io: Usage,
}

/// Reads nextpnr's `--report` JSON: `fmax` (per clock, `achieved` MHz) and `utilization`
/// (per BEL type, `used` and `available`).
pub fn parse_nextpnr_report(json: &str) -> Result<Figures, EdaError> {
    let err = |reason: String| EdaError::Unexpected { what: "nextpnr's --report JSON".into(), reason };
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| err(e.to_string()))?;
    let fmax = value.get("fmax").and_then(|f| f.as_object()).ok_or_else(|| err("no `fmax` object".into()))?;
    let achieved = fmax
        .iter()
        .map(|(clock, f)| {
            f.get("achieved").and_then(|a| a.as_f64()).ok_or_else(|| err(format!("clock {clock} has no `achieved`")))
        })
        .collect::<Result<Vec<f64>, _>>()?;
    let fmax_mhz = achieved.into_iter().reduce(f64::min).ok_or_else(|| err("`fmax` lists no clock".into()))?;
    let usage = |bel: &str| {
        let u = value.get("utilization").and_then(|u| u.get(bel));
        let field = |k: &str| u.and_then(|u| u.get(k)).and_then(|n| n.as_u64());
        match (field("used"), field("available")) {
            (Some(used), Some(available)) => Ok(Usage { used, available }),
            _ => Err(err(format!("no `utilization.{bel}` used/available"))),
        }
    };
    Ok(Figures {
        fmax_mhz,
        lc: usage("ICESTORM_LC")?,
        dsp: usage("ICESTORM_DSP")?,
        ram: usage("ICESTORM_RAM")?,
        io: usage("SB_IO")?,
    })
}

/// A placed and routed block.
pub struct Placed {
    /// nextpnr's figures.
    pub figures: Figures,
    /// The bitstream icepack wrote.
    pub bitstream: Vec<u8>,
}

/// Places and routes `verilog` (top module `top`) inside the I/O wrapper on an iCE40 UP5K
/// (SG48) at `target_mhz`, and packs the bitstream. A design that does not fit or misses the
/// target is [`EdaError::Failed`], with the tail of nextpnr's log.
pub fn place_and_route(name: &str, verilog: &str, target_mhz: f64) -> Result<Placed, EdaError> {
    let wrapper = io_wrapper(&top_ports(verilog)?)?;
    let dir = work_dir(&format!("{name}-up5k"))?;
    write(&dir.join("top.v"), verilog)?;
    write(&dir.join(format!("{WRAPPER_TOP}.v")), &wrapper)?;
    write(&dir.join("pnr.pcf"), PCF)?;
    for (tool, package, args) in commands(target_mhz) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&dir, tool, package, &args)?;
    }
    let read =
        |file: &str| std::fs::read(dir.join(file)).map_err(|source| EdaError::Io { path: dir.join(file), source });
    let report = read("report.json")?;
    let figures = parse_nextpnr_report(&String::from_utf8_lossy(&report))?;
    Ok(Placed { figures, bitstream: read("pnr.bin")? })
}

/// The first line a command prints, or why there is none.
fn first_line(tool: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(tool).args(args).output().ok()?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    text.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_string)
}

/// The versions of the three tools, as they report them (icepack has no version option: its
/// Debian package's version stands in).
pub fn tool_versions() -> Vec<(&'static str, String)> {
    let unknown = || "unknown".to_string();
    vec![
        ("yosys", first_line("yosys", &["-V"]).unwrap_or_else(unknown)),
        ("nextpnr-ice40", first_line("nextpnr-ice40", &["--version"]).unwrap_or_else(unknown)),
        (
            "icepack",
            first_line("dpkg-query", &["-W", "-f", "fpga-icestorm ${Version}", "fpga-icestorm"])
                .map_or_else(unknown, |v| format!("{v} (Debian package)")),
        ),
    ]
}

/// How a block's run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Placed, routed, timing met, bitstream packed.
    Placed {
        /// nextpnr's figures.
        figures: Figures,
        /// The bitstream's size.
        bitstream_bytes: usize,
        /// Its SHA-256.
        bitstream_sha256: String,
    },
    /// A tool failed (the design does not fit, misses the target, or a tool rejected it): the
    /// command and its log's last lines.
    Failed(String),
}

/// The committed report of one block's run, `<block>.pnr.ice40.txt`: `key: value` lines.
#[derive(Clone, Debug, PartialEq)]
pub struct PnrReport {
    /// The block.
    pub block: String,
    /// The SHA-256 of its Verilog.
    pub verilog_sha256: String,
    /// [`flow_digest`] of the run.
    pub flow_sha256: String,
    /// The clock asked of nextpnr, MHz.
    pub target_mhz: f64,
    /// How it ended.
    pub outcome: Outcome,
}

/// The report file of `block`.
pub fn report_name(block: &str) -> String {
    format!("{block}.pnr.ice40.txt")
}

/// The bitstream file of `block`.
pub fn bitstream_name(block: &str) -> String {
    format!("{block}.up5k.bin")
}

impl PnrReport {
    /// The report's text; `versions` from [`tool_versions`].
    pub fn render(&self, versions: &[(&str, String)]) -> String {
        let mut s = format!(
            "# iCE40 UP5K place and route of {block}\n\
             # Generated by `cargo run -p slotproof-hdl -- ice40`; do not edit by hand.\n\
             # The block runs inside an I/O wrapper (module {WRAPPER_TOP}: serial in, XOR-folded serial out)\n\
             # that makes every path register to register: the Fmax is the core's. The commands run\n\
             # in a directory holding top.v (the block), pnr_top.v (the wrapper) and pnr.pcf.\n\n\
             block: {block}\n\
             verilog sha256: {}\n\
             flow sha256: {}\n\
             device: iCE40 UP5K, package SG48\n\
             target MHz: {}\n",
            self.verilog_sha256,
            self.flow_sha256,
            self.target_mhz,
            block = self.block,
        );
        match &self.outcome {
            Outcome::Placed { figures: f, bitstream_bytes, bitstream_sha256 } => {
                let _ = write!(
                    s,
                    "result: placed and routed, timing met\n\
                     achieved Fmax MHz: {:.2}\n",
                    f.fmax_mhz
                );
                for (bel, u) in
                    [("ICESTORM_LC", f.lc), ("ICESTORM_DSP", f.dsp), ("ICESTORM_RAM", f.ram), ("SB_IO", f.io)]
                {
                    let _ = writeln!(s, "{bel}: {} of {}", u.used, u.available);
                }
                let _ = writeln!(s, "bitstream: ice40/{}", bitstream_name(&self.block));
                let _ = writeln!(s, "bitstream bytes: {bitstream_bytes}");
                let _ = writeln!(s, "bitstream sha256: {bitstream_sha256}");
            }
            Outcome::Failed(log) => {
                let _ = writeln!(
                    s,
                    "result: failed (the log says why: it does not fit, misses the target, or a tool rejected it)"
                );
                for line in log.lines() {
                    let _ = writeln!(s, "log: {line}");
                }
            }
        }
        for (tool, version) in versions {
            let _ = writeln!(s, "version {tool}: {version}");
        }
        for line in PCF.lines() {
            let _ = writeln!(s, "pnr.pcf: {line}");
        }
        for line in command_lines(self.target_mhz) {
            let _ = writeln!(s, "command: {line}");
        }
        s
    }

    /// Reads a report written by [`PnrReport::render`].
    pub fn parse(text: &str) -> Result<Self, EdaError> {
        let err = |reason: String| EdaError::Unexpected { what: "a .pnr.ice40.txt report".into(), reason };
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).and_then(|rest| rest.strip_prefix(": ")))
                .ok_or_else(|| err(format!("no `{key}:` line")))
        };
        let number = |key: &str| field(key).and_then(|v| v.parse::<f64>().map_err(|e| err(format!("{key}: {e}"))));
        let count = |key: &str| field(key).and_then(|v| v.parse::<usize>().map_err(|e| err(format!("{key}: {e}"))));
        let usage = |key: &str| {
            let v = field(key)?;
            let (used, available) = v.split_once(" of ").ok_or_else(|| err(format!("{key}: `{v}` is not `N of M`")))?;
            match (used.parse(), available.parse()) {
                (Ok(used), Ok(available)) => Ok(Usage { used, available }),
                _ => Err(err(format!("{key}: `{v}` is not `N of M`"))),
            }
        };
        let outcome = if field("result")?.starts_with("placed") {
            Outcome::Placed {
                figures: Figures {
                    fmax_mhz: number("achieved Fmax MHz")?,
                    lc: usage("ICESTORM_LC")?,
                    dsp: usage("ICESTORM_DSP")?,
                    ram: usage("ICESTORM_RAM")?,
                    io: usage("SB_IO")?,
                },
                bitstream_bytes: count("bitstream bytes")?,
                bitstream_sha256: field("bitstream sha256")?.to_string(),
            }
        } else {
            let log: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("log: ")).collect();
            Outcome::Failed(log.join("\n"))
        };
        Ok(Self {
            block: field("block")?.to_string(),
            verilog_sha256: field("verilog sha256")?.to_string(),
            flow_sha256: field("flow sha256")?.to_string(),
            target_mhz: number("target MHz")?,
            outcome,
        })
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> EdaError + '_ {
    move |source| EdaError::Io { path: path.into(), source }
}

/// Places and routes each of `entries` at `target_mhz`, writing `reports/<block>.pnr.ice40.txt`
/// and `ice40/<block>.up5k.bin` under `out`. A block that does not fit or misses the target
/// gets a report saying so (and no bitstream); a missing tool, an unreadable file or an
/// unreadable nextpnr report stops the run. Returns the reports, in order.
pub fn write_pnr(
    out: &Path,
    entries: &[&Entry],
    target_mhz: f64,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<PnrReport>, EdaError> {
    let (reports, bitstreams) = (out.join("reports"), out.join("ice40"));
    for dir in [&reports, &bitstreams] {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    let versions = tool_versions();
    let mut done = Vec::new();
    for e in entries {
        progress(&e.name);
        let bin = bitstreams.join(bitstream_name(&e.name));
        let outcome = match place_and_route(&e.name, &e.verilog, target_mhz) {
            Ok(placed) => {
                std::fs::write(&bin, &placed.bitstream).map_err(io_error(&bin))?;
                Outcome::Placed {
                    figures: placed.figures,
                    bitstream_bytes: placed.bitstream.len(),
                    bitstream_sha256: crate::report::bytes_digest(&placed.bitstream),
                }
            }
            Err(EdaError::Failed { tool, log, .. }) => {
                // A stale bitstream must not outlive the run that no longer produces it.
                if bin.exists() {
                    std::fs::remove_file(&bin).map_err(io_error(&bin))?;
                }
                Outcome::Failed(format!("{tool}\n{log}"))
            }
            Err(other) => return Err(other),
        };
        let report = PnrReport {
            block: e.name.clone(),
            verilog_sha256: verilog_digest(&e.verilog),
            flow_sha256: flow_digest(&e.verilog, target_mhz)?,
            target_mhz,
            outcome,
        };
        let path = reports.join(report_name(&e.name));
        std::fs::write(&path, report.render(&versions)).map_err(io_error(&path))?;
        done.push(report);
    }
    Ok(done)
}

/// The "iCE40 UP5K place and route" section of the reports' README: a row for each of
/// `entries` with a `<block>.pnr.ice40.txt` report in `dir`, in order (empty when none has).
pub fn readme_section(dir: &Path, entries: &[Entry]) -> Result<String, EdaError> {
    let mut rows = String::new();
    for block in entries.iter().map(|e| &e.name) {
        let path = dir.join(report_name(block));
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        let r = PnrReport::parse(&text)?;
        let _ = match &r.outcome {
            Outcome::Placed { figures: f, bitstream_bytes, .. } => writeln!(
                rows,
                "| `{block}` | {} | {} | {} | {:.2} | {} | {bitstream_bytes} |",
                f.lc.used, f.dsp.used, f.ram.used, f.fmax_mhz, r.target_mhz
            ),
            Outcome::Failed(log) => writeln!(
                rows,
                "| `{block}` | – | – | – | **did not place and route**: {} | {} | – |",
                log.lines().find(|l| l.contains("ERROR")).unwrap_or("see its report").replace('|', "/"),
                r.target_mhz
            ),
        };
    }
    if rows.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(
        "\n## iCE40 UP5K place and route\n\n\
         Generated by `cargo run -p slotproof-hdl -- ice40` (yosys `synth_ice40 -dsp`, nextpnr-ice40 `--up5k \
         --package sg48 --seed {SEED}`, icepack; the Debian packages): the open flow down to a bitstream, \
         `bitstreams/ice40/<block>.up5k.bin`. Each block runs inside an I/O wrapper that feeds its inputs \
         from a serial-in shift register and folds its registered outputs into a serial-out one (three \
         pins), so every path is register to register and the Fmax is the core's, not the pins'. \
         `<block>.pnr.ice40.txt` beside this file has the commands, tool versions and digests. The UP5K \
         has 5,280 logic cells, 8 SB_MAC16 DSPs and 30 4-kbit RAMs; the counts include the wrapper's \
         registers.\n\n\
         | block | logic cells | DSP | RAM | achieved Fmax (MHz) | target (MHz) | bitstream bytes |\n\
         |---|---|---|---|---|---|---|\n{rows}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use Direction::{Input, Output};

    fn ports(list: &[(&str, Direction, usize)]) -> Vec<Port> {
        list.iter().map(|&(name, direction, width)| Port { name: name.into(), direction, width }).collect()
    }

    #[test]
    fn reads_the_ports_rust_hdl_emits() {
        let v = "\n\nmodule top(clock,valid_in,a,sink$data,valid_out,c);\n    \n    // Module arguments\n    \
                 input wire  clock;\n    input wire  valid_in;\n    input wire  [31:0] a;\n    input wire  [0:64] sink$data;\n    \
                 output reg  valid_out;\n    output reg  [31:0] c;\n    \n    // Stub signals\n    wire [31:0] x;\n    \
                 top$inner inner(.q(x));\nendmodule // top\n\n\nmodule top$inner(q);\n    output wire [7:0] q;\nendmodule\n";
        let want = [("clock", Input, 1), ("valid_in", Input, 1), ("a", Input, 32), ("sink$data", Input, 65)];
        let want = [&want[..], &[("valid_out", Output, 1), ("c", Output, 32)]].concat();
        assert_eq!(top_ports(v).unwrap(), ports(&want));
    }

    #[test]
    fn reads_ansi_headers_and_skips_comments() {
        let v = "/* module top(x); */ module top #(parameter W = 4) (input wire clock, input [7:0] a, b, \
                 output reg [15:0] y = 0 /* , output z */);\nendmodule";
        let want = [("clock", Input, 1), ("a", Input, 8), ("b", Input, 8), ("y", Output, 16)];
        assert_eq!(top_ports(v).unwrap(), ports(&want));
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        let bad = [
            "module other(a); input a; endmodule",
            "module top(a, b); input a; endmodule",
            "module top(a); input a; input a; endmodule",
            "module top(a); input [W-1:0] a; endmodule",
            "module top(a); inout a; endmodule",
            "module top(a); input a;",
        ];
        for v in bad {
            assert!(matches!(top_ports(v), Err(EdaError::Unexpected { .. })), "{v}");
        }
    }

    #[test]
    fn the_wrapper_connects_every_bit() {
        let ports = ports(&[("clock", Input, 1), ("a", Input, 3), ("b", Input, 2), ("y", Output, 4), ("v", Output, 1)]);
        let w = io_wrapper(&ports).unwrap();
        assert!(w.contains("top core(.clock(clock), .a(feed[2:0]), .b(feed[4:3]), .y(result[3:0]), .v(result[4:4]));"));
        assert!(w.contains("feed <= {feed[3:0], sin};"), "{w}");
        assert!(w.contains("fold <= {fold[3:0], feed[4]} ^ captured;"), "{w}");
        assert!(w.contains("assign sout = fold[4];"));
        let no_clock = &ports[1..];
        assert!(io_wrapper(no_clock).is_err());
        assert!(io_wrapper(&ports[..3]).is_err(), "no outputs");
    }

    #[test]
    fn reads_nextpnr_reports() {
        let json = r#"{"utilization": {"ICESTORM_LC": {"used": 120, "available": 5280},
            "ICESTORM_DSP": {"used": 4, "available": 8}, "ICESTORM_RAM": {"used": 0, "available": 30},
            "SB_IO": {"used": 3, "available": 96}},
            "fmax": {"clock$SB_IO_IN_$glb_clk": {"achieved": 41.5, "constraint": 12.0},
                     "other": {"achieved": 80.25, "constraint": 12.0}}}"#;
        let f = parse_nextpnr_report(json).unwrap();
        assert_eq!(f.fmax_mhz, 41.5);
        assert_eq!((f.lc, f.dsp), (Usage { used: 120, available: 5280 }, Usage { used: 4, available: 8 }));
        for bad in ["", "{}", r#"{"fmax": {}}"#, &json.replace("\"achieved\"", "\"got\""), &json.replace("SB_IO", "X")]
        {
            assert!(matches!(parse_nextpnr_report(bad), Err(EdaError::Unexpected { .. })), "{bad}");
        }
    }

    #[test]
    fn a_report_reads_back() {
        let lc = Usage { used: 1, available: 2 };
        let placed = PnrReport {
            block: "b".into(),
            verilog_sha256: "ab".into(),
            flow_sha256: "cd".into(),
            target_mhz: 12.0,
            outcome: Outcome::Placed {
                figures: Figures { fmax_mhz: 33.25, lc, dsp: lc, ram: lc, io: lc },
                bitstream_bytes: 7,
                bitstream_sha256: "ef".into(),
            },
        };
        let failed =
            PnrReport { outcome: Outcome::Failed("nextpnr-ice40 ...\nERROR: too big".into()), ..placed.clone() };
        for r in [placed, failed] {
            assert_eq!(PnrReport::parse(&r.render(&[("yosys", "Yosys 0.23".into())])).unwrap(), r);
        }
        assert!(PnrReport::parse("block: b\n").is_err());
    }
}
