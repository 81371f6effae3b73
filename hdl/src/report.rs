//! Resource reports: yosys `stat` per block and target, and the summary table of
//! `bitstreams/reports/README.md`, regenerated together by `slotproof-hdl reports`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::catalog::{BOTH_TARGETS, Composition, Entry};
use crate::eda::{EdaError, Target, yosys_stat, yosys_stat_around};

/// Cell counts from a yosys `stat` report.
pub fn cell_counts(stat: &str) -> BTreeMap<String, u64> {
    let mut cells = BTreeMap::new();
    let mut in_cells = false;
    for line in stat.lines() {
        let t = line.trim();
        if t.starts_with("Number of cells") {
            in_cells = true;
            continue;
        }
        if in_cells {
            // The cell list is "NAME COUNT" lines; anything else ends it.
            let mut parts = t.split_whitespace();
            match (parts.next(), parts.next().and_then(|n| n.parse::<u64>().ok()), parts.next()) {
                (Some(name), Some(n), None) => {
                    cells.insert(name.to_string(), n);
                }
                _ => in_cells = false,
            }
        }
    }
    cells
}

/// UltraScale+ resources summed the way a utilisation report counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XcupResources {
    /// LUT1–LUT6 plus inverters (which map to LUT1).
    pub lut: u64,
    /// Shift-register LUTs (SRL16E/SRLC32E).
    pub srl: u64,
    /// Flip-flops (FDRE/FDSE/FDCE/FDPE).
    pub ff: u64,
    /// DSP48E2 slices.
    pub dsp: u64,
    /// Block RAM in 36 Kb equivalents (RAMB36E2 + RAMB18E2 / 2), rounded up.
    pub bram36: u64,
    /// URAM288 blocks.
    pub uram: u64,
    /// Carry chains (CARRY4/CARRY8).
    pub carry: u64,
}

impl XcupResources {
    /// From a `synth_xilinx -family xcup` stat report.
    pub fn from_stat(stat: &str) -> Self {
        let c = cell_counts(stat);
        let sum = |names: &[&str]| names.iter().map(|n| c.get(*n).copied().unwrap_or(0)).sum::<u64>();
        Self {
            lut: sum(&["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "INV"]),
            srl: sum(&["SRL16E", "SRLC32E"]),
            ff: sum(&["FDRE", "FDSE", "FDCE", "FDPE"]),
            dsp: sum(&["DSP48E2"]),
            bram36: sum(&["RAMB36E2"]) + sum(&["RAMB18E2"]).div_ceil(2),
            uram: sum(&["URAM288"]),
            carry: sum(&["CARRY4", "CARRY8"]),
        }
    }
}

/// The SHA-256 of a block's Verilog, hex: what `verilog.sha256` records per report, so a
/// check can tell a stale report without synthesising (the Poseidon2 permutation takes yosys
/// the better part of an hour).
pub fn verilog_digest(verilog: &str) -> String {
    bytes_digest(verilog.as_bytes())
}

/// The SHA-256 of `bytes`, hex.
pub fn bytes_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of the digest manifest beside the reports.
pub const DIGESTS: &str = "verilog.sha256";

/// The digest manifest of `entries`: `<sha256>  <block>.v`, one line per block.
pub fn digest_manifest(entries: &[Entry]) -> String {
    entries.iter().map(|e| format!("{}  {}.v\n", verilog_digest(&e.verilog), e.name)).collect()
}

/// The report of a composed block: the cell counts of its parts' reports (read from `dir`),
/// multiplied by their counts and summed, in yosys `stat` form so that [`cell_counts`] reads
/// it like any other.
pub fn composed_stat(dir: &Path, c: &Composition, target: Target) -> Result<String, EdaError> {
    let mut total: BTreeMap<String, u64> = BTreeMap::new();
    let mut s = format!("=== {} (estimated: the sum of its parts, each synthesised alone) ===\n\n", c.name);
    let shell = (!c.shell_around.is_empty()).then(|| (format!("{}.shell", c.name), 1));
    for (part, count) in c.parts.iter().chain(&shell) {
        let path = dir.join(format!("{part}.{}.txt", target.name()));
        let stat = std::fs::read_to_string(&path).map_err(|source| EdaError::Io { path, source })?;
        for (cell, n) in cell_counts(&stat) {
            *total.entry(cell).or_default() += n * count;
        }
        let _ = writeln!(s, "   {count:>4} x {part}");
    }
    let _ = writeln!(s, "\n   Number of cells: {:>14}", total.values().sum::<u64>());
    for (cell, n) in &total {
        let _ = writeln!(s, "     {cell:<30} {n:>6}");
    }
    Ok(s)
}

/// Synthesises the entries `select` picks, for every target, writing `<name>.<target>.txt`
/// into `dir` (a composed entry is summed from its parts instead, never synthesised whole);
/// then writes the digest manifest of all entries and the summary `README.md`, which reads
/// the xcup reports of every entry from `dir` (so the ones not re-synthesised must already be
/// there). Returns the summary text.
pub fn write_reports(
    dir: &Path,
    entries: &[Entry],
    compositions: &[Composition],
    select: &dyn Fn(&Entry) -> bool,
    progress: &mut dyn FnMut(&str),
) -> Result<String, EdaError> {
    std::fs::create_dir_all(dir).map_err(|source| EdaError::Io { path: dir.into(), source })?;
    let composed = |e: &Entry| compositions.iter().find(|c| c.name == e.name);
    for e in entries.iter().filter(|e| select(e)) {
        if let Some(c) = composed(e) {
            // Only the shell around the parts is synthesised, if there is one.
            if !c.shell_around.is_empty() {
                for &target in e.targets {
                    progress(&format!("{} without {:?} ({})", e.name, c.shell_around, target.name()));
                    let stat = yosys_stat_around(&e.name, &e.verilog, target, &c.shell_around)?;
                    let path = dir.join(format!("{}.shell.{}.txt", e.name, target.name()));
                    std::fs::write(&path, &stat).map_err(|source| EdaError::Io { path: path.clone(), source })?;
                }
            }
            continue;
        }
        for &target in e.targets {
            progress(&format!("{} ({})", e.name, target.name()));
            let stat = yosys_stat(&e.name, &e.verilog, target)?;
            let path = dir.join(format!("{}.{}.txt", e.name, target.name()));
            std::fs::write(&path, &stat).map_err(|source| EdaError::Io { path: path.clone(), source })?;
        }
    }
    for c in compositions {
        // A composition is reported for the targets of the entry it stands for.
        let targets = entries.iter().find(|e| e.name == c.name).map_or(BOTH_TARGETS, |e| e.targets);
        for &target in targets {
            let stat = composed_stat(dir, c, target)?;
            let path = dir.join(format!("{}.{}.txt", c.name, target.name()));
            std::fs::write(&path, &stat).map_err(|source| EdaError::Io { path: path.clone(), source })?;
        }
    }
    let manifest = dir.join(DIGESTS);
    std::fs::write(&manifest, digest_manifest(entries)).map_err(|source| EdaError::Io { path: manifest, source })?;
    write_summary(dir, entries)
}

/// Writes the summary `README.md` into `dir` from the reports there: the xcup report of every
/// entry and the iCE40 place-and-route reports ([`crate::ice40::readme_section`]). Returns
/// its text.
pub fn write_summary(dir: &Path, entries: &[Entry]) -> Result<String, EdaError> {
    let mut rows = Vec::new();
    for e in entries {
        let path = dir.join(format!("{}.{}.txt", e.name, Target::Xcup.name()));
        let stat = std::fs::read_to_string(&path).map_err(|source| EdaError::Io { path, source })?;
        rows.push((e, XcupResources::from_stat(&stat)));
    }
    let summary = summary(&rows) + &crate::ice40::readme_section(dir, entries)?;
    let path = dir.join("README.md");
    std::fs::write(&path, &summary).map_err(|source| EdaError::Io { path, source })?;
    Ok(summary)
}

fn summary(rows: &[(&Entry, XcupResources)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Resource reports\n\n\
         Generated by `cargo run -p slotproof-hdl -- reports` (yosys `synth_xilinx -family xcup -flatten \
         -noiopad` and `synth_ice40 -dsp`, the Debian yosys); do not edit by hand. `<block>.xcup.txt` and \
         `<block>.ice40.txt` beside this file are the full `stat` outputs. yosys maps carries to CARRY4 on \
         xcup, so LUT and carry counts are estimates until Vivado places the design. Rows marked \"sum of \
         rounds\" are too large for one yosys run (the flattened permutation ran 18 minutes in 3.5 GB \
         without finishing); their reports add up the reports of their rounds, each synthesised alone \
         (`slotproof_hdl::catalog::compositions`).\n\n\
         Throughput is results per second at one input every II cycles: field elements, butterflies, \
         permutations or rounds.\n"
    );
    let _ = writeln!(
        s,
        "| block | what | latency (cycles) | II | LUT | SRL | FF | DSP48E2 | BRAM36 | CARRY | results/s at 250 MHz | at 400 MHz |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (e, r) in rows {
        let rate = |mhz: f64| mhz * 1e6 * e.results_per_input as f64 / e.ii as f64;
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} M | {:.0} M |",
            e.name,
            e.description,
            e.latency,
            e.ii,
            r.lut,
            r.srl,
            r.ff,
            r.dsp,
            r.bram36,
            r.carry,
            rate(250.0) / 1e6,
            rate(400.0) / 1e6
        );
    }
    let dsp = |name: &str| rows.iter().find(|(e, _)| e.name == name).map(|(_, r)| r.dsp);
    let _ = writeln!(
        s,
        "\n## Against the anchors, per DSP\n\n\
         The ZPrize'22 NTT winner (Supranational \"Nantucket\", 2^24 Goldilocks on a Varium C1100) spends 12 \
         DSP48E2 per 64×64 modular multiplication, tiling 27×18 products; `goldilocks_mul` here spends 16 on \
         16×16 tiles (rust-hdl multiplies 16×16 only), so a 27×18 tiling is worth 25% of its DSPs. A 31-bit \
         field multiplication costs 4 DSP48E2 and no DSP for the reduction (shifts and adds, from the form of \
         p): 3-4× fewer DSPs per multiplication than Goldilocks, which is what lets a fully unrolled 31-bit \
         Poseidon2 fit a card. Nantucket's 192 butterflies use 2,880 DSP (15 each); `butterfly31` uses 4."
    );
    if let Some(d) = dsp("ntt_core_4096_babybear") {
        let _ = writeln!(
            s,
            "\nThe streaming NTT core (`ntt_core_4096_babybear`, radix-2 single-path delay feedback) takes one \
             element per cycle per lane with no bubbles; its 12 stages keep 6 butterflies busy per cycle on {d} \
             DSP48E2, {:.1} DSP per busy butterfly against Nantucket's 15 (a 64-bit field, so the comparison \
             favours the 31-bit core by the multiplier width).",
            d as f64 / 6.0
        );
    }
    if let Some(d) = dsp("poseidon2_perm16_babybear") {
        let per_dsp = 250e6 / d as f64;
        let _ = writeln!(
            s,
            "\nPoseidon2-16 BabyBear, fully unrolled: {d} DSP48E2 (target ≤ 2,500) for one permutation per cycle, \
             250 M permutations/s at 250 MHz ({:.0} k/s per DSP). Plonky3's AVX-512 Poseidon2-BabyBear runs \
             14.6–14.7 M permutations/s per core (the project's CPU anchor), so one pipeline at 250 MHz does the work \
             of about {:.0} such cores. No FPGA Poseidon2 implementation publishes figures to compare per DSP.",
            per_dsp / 1e3,
            250.0 / 14.65
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_report_sums_its_parts() {
        let dir = crate::eda::work_dir("composed-stat").unwrap();
        let part = "   Number of cells:                10\n     DSP48E2                         4\n     LUT2                            6\n";
        for t in ["xcup", "ice40"] {
            std::fs::write(dir.join(format!("a.{t}.txt")), part).unwrap();
            std::fs::write(dir.join(format!("b.{t}.txt")), "   Number of cells: 1\n     LUT2 1\n").unwrap();
        }
        let c = Composition { name: "ab".into(), parts: vec![("a".into(), 3), ("b".into(), 2)], shell_around: vec![] };
        let r = XcupResources::from_stat(&composed_stat(&dir, &c, Target::Xcup).unwrap());
        assert_eq!((r.dsp, r.lut), (12, 20));
        let missing = Composition { name: "x".into(), parts: vec![("nope".into(), 1)], shell_around: vec![] };
        assert!(composed_stat(&dir, &missing, Target::Xcup).is_err());
    }

    #[test]
    fn counts_cells_from_a_stat_report() {
        let stat = "   Number of cells:                751\n     CARRY4                         59\n     DSP48E2                         4\n     FDRE                          352\n     INV                            33\n     LUT2                          128\n     LUT6                           71\n     RAMB18E2                        3\n     SRL16E                          1\n";
        let r = XcupResources::from_stat(stat);
        assert_eq!(r, XcupResources { lut: 232, srl: 1, ff: 352, dsp: 4, bram36: 2, uram: 0, carry: 59 });
        assert_eq!(XcupResources::from_stat(""), XcupResources::default());
    }
}
