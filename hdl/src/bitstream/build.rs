//! `slotproof hdl build --board B`: the card top's Verilog, the recipe, the whole-card
//! yosys report and the manifest of one board, then Vivado when it is on PATH.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use slotproof_firmware::memory_map;
use slotproof_firmware::regs::Identity;

use super::manifest::{MANIFEST_FORMAT, Manifest, ManifestAbi, ManifestIdentity, ManifestResources, bitstream_id_of};
use super::recipe::{self, CORE_FILE, TCL_FILE, WRAPPER_FILE, XDC_FILE};
use super::{BOARDS, Board};
use crate::card::AdmissionConfig;
use crate::card::exec_top::{ExecCardTop, ExecCardTopError};
use crate::card::regs_axil::CardRegsConfig;
use crate::card::top::CardTopConfig;
use crate::catalog::{Composition, EXEC_LIMITS, EXEC_MAX_LOG_LDE, EXEC_PERM_MODULE, exec_caps};
use crate::eda::{EdaError, Target, verilog_of, yosys_stat_around};
use crate::report::{XcupResources, composed_stat, verilog_digest};

/// The manifest's file name in a board's directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The whole-card yosys report's file name in a board's directory.
pub const REPORT_FILE: &str = "card_top.xcup.txt";

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No such board.
    #[error("unknown board {id:?}; the boards are: {known}")]
    UnknownBoard {
        /// What was asked for.
        id: String,
        /// What exists.
        known: String,
    },
    /// The card top cannot be built for this board.
    #[error("the card top cannot be built for {board}: {source}")]
    Card {
        /// The board.
        board: &'static str,
        /// Why.
        source: ExecCardTopError,
    },
    /// A block report the whole-card report adds up is missing or unreadable.
    #[error(
        "the whole-card report of {board} adds the block report {path} (the Poseidon2 permutation, \
         too large to synthesise inside the card), which cannot be read: {reason}; \
         give the reports directory with --reports, or regenerate it with `cargo run -p slotproof-hdl -- reports`"
    )]
    BlockReport {
        /// The board.
        board: &'static str,
        /// The report looked for.
        path: PathBuf,
        /// Why it could not be used.
        reason: String,
    },
    /// yosys failed.
    #[error(transparent)]
    Eda(#[from] EdaError),
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Vivado ran and failed.
    #[error("vivado failed ({status}) building {board}; its log is {log}")]
    Vivado {
        /// The board.
        board: &'static str,
        /// Its exit status.
        status: String,
        /// The log file.
        log: PathBuf,
    },
}

/// What to do besides writing the recipe.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The `bitstreams` directory: the board's files go to `<out>/boards/<board>/`.
    pub out: PathBuf,
    /// The block reports (`cargo run -p slotproof-hdl -- reports`) the whole-card report adds
    /// the permutation's from.
    pub reports: PathBuf,
    /// Synthesise the card even when the board's directory already holds a whole-card report
    /// of exactly this Verilog (otherwise that report is kept: the synthesis takes minutes).
    pub resynth: bool,
    /// Run Vivado when it is on PATH.
    pub vivado: bool,
}

/// What a build did.
#[derive(Clone, Debug)]
pub struct BuildOutcome {
    /// The board's directory.
    pub dir: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// The bitstream, when Vivado ran.
    pub bitstream: Option<PathBuf>,
    /// Why Vivado did not run, when it did not.
    pub vivado_skipped: Option<String>,
    /// Whether the whole-card report was kept rather than synthesised again.
    pub report_kept: bool,
}

/// The generated sources of a board's recipe, by file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// `(file name, contents)` in manifest order: core, wrapper, TCL, XDC.
    pub files: Vec<(&'static str, String)>,
    /// SHA-256 over the sources built with build ID 0.
    pub source_sha256: String,
    /// The build ID derived from it, baked into the core.
    pub bitstream_id: u64,
    /// The core as rust-hdl emits it (module `top`), which the yosys flow synthesises.
    pub core_as_top: String,
}

impl Sources {
    /// The contents of the file `name`.
    pub fn file(&self, name: &str) -> &str {
        self.files.iter().find(|(n, _)| *n == name).map(|(_, t)| t.as_str()).unwrap_or("")
    }
}

/// The field the board builds are for. The executing card holds one field's arithmetic
/// (its Montgomery constants, twiddle checks and round constants are logic); BabyBear is
/// the field of the default trace and of the block reports.
pub const BOARD_FIELD: slotproof_firmware::Field = slotproof_firmware::Field::BabyBear;

/// The card top configuration of `board` with build ID `bitstream_id`: the executing card
/// ([`ExecCardTop`]) for [`BOARD_FIELD`] with the fused commit, the tree and the openings,
/// the limits its LDE unit holds (2^[`EXEC_MAX_LOG_LDE`] rows), the board's memory and
/// clock.
pub fn card_top_config(board: &Board, bitstream_id: u64) -> CardTopConfig {
    let limits = EXEC_LIMITS;
    let caps = exec_caps(BOARD_FIELD);
    let mem_bytes = board.memory.mem_bytes();
    let clock_hz = board.axi_clock_hz;
    CardTopConfig {
        regs: CardRegsConfig {
            identity: Identity {
                abi: slotproof_firmware::ABI_VERSION,
                bitstream_id,
                caps,
                // Lanes of the streaming NTT; the executing card's LDE unit is not one.
                ntt_lanes: 0,
                max_log_lde_rows: limits.max_log_lde_rows,
                max_log_blowup: limits.max_log_blowup,
                max_batch_cols: limits.max_batch_cols,
                clock_hz,
                mem_bytes,
            },
            cycles_per_us: (clock_hz / 1e6).round() as u32,
        },
        admission: AdmissionConfig { caps, limits, mem_bytes },
    }
}

/// The card top's Verilog as rust-hdl emits it (module `top`).
fn core_verilog(board: &'static Board, bitstream_id: u64) -> Result<String, BuildError> {
    let top = ExecCardTop::new(&card_top_config(board, bitstream_id), BOARD_FIELD, EXEC_MAX_LOG_LDE)
        .map_err(|source| BuildError::Card { board: board.id, source })?;
    Ok(verilog_of(top))
}

/// How the whole-card report is made: the card synthesised with its Poseidon2 permutation
/// as a black box (the flattened permutation does not fit one yosys run), plus the
/// permutation's report, itself the sum of its rounds (see [`crate::catalog::compositions`]).
pub fn card_composition(board: &Board) -> Composition {
    let perm = format!("poseidon2_perm16_{}", crate::card::field_id(BOARD_FIELD));
    Composition { name: format!("card_top_{}", board.id), parts: vec![(perm, 1)], shell_around: vec![EXEC_PERM_MODULE] }
}

fn hash_files(files: &[(&'static str, String)]) -> String {
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The recipe's sources for `board`, with the build ID derived from their hash.
pub fn sources(board: &'static Board) -> Result<Sources, BuildError> {
    let rest = [
        (WRAPPER_FILE, recipe::wrapper(board)),
        (TCL_FILE, recipe::tcl(board)),
        (XDC_FILE, recipe::constraints(board)),
    ];
    let mut files = vec![(CORE_FILE, recipe::rename_core(&core_verilog(board, 0)?))];
    files.extend(rest.iter().cloned());
    let source_sha256 = hash_files(&files);
    let bitstream_id = bitstream_id_of(&source_sha256);
    let core_as_top = core_verilog(board, bitstream_id)?;
    files[0].1 = recipe::rename_core(&core_as_top);
    Ok(Sources { files, source_sha256, bitstream_id, core_as_top })
}

/// The manifest of `sources` for `board`, with the resources of its yosys report.
pub fn manifest_of(board: &'static Board, sources: &Sources, resources: XcupResources, yosys: &str) -> Manifest {
    let id = card_top_config(board, sources.bitstream_id).regs.identity;
    let files: BTreeMap<String, String> =
        sources.files.iter().map(|(name, text)| (name.to_string(), verilog_digest(text))).collect();
    Manifest {
        format: MANIFEST_FORMAT,
        board: board.id.to_string(),
        part: board.part.to_string(),
        abi: ManifestAbi { major: id.abi.major, minor: id.abi.minor },
        bitstream_id: format!("{:016x}", sources.bitstream_id),
        source_sha256: sources.source_sha256.clone(),
        identity: ManifestIdentity {
            caps: id.caps,
            ntt_lanes: id.ntt_lanes,
            max_log_lde_rows: id.max_log_lde_rows,
            max_log_blowup: id.max_log_blowup,
            max_batch_cols: id.max_batch_cols,
            clock_hz: id.clock_hz,
            mem_bytes: id.mem_bytes,
        },
        target_clock_hz: board.axi_clock_hz,
        resources: ManifestResources {
            lut: resources.lut,
            ff: resources.ff,
            dsp: resources.dsp,
            bram36: resources.bram36,
            uram: resources.uram,
        },
        files,
        tools: BTreeMap::from([
            ("slotproof-hdl".to_string(), env!("CARGO_PKG_VERSION").to_string()),
            ("yosys".to_string(), yosys.to_string()),
        ]),
    }
}

/// The whole-card report: a header naming what was synthesised, then the summed `stat`.
pub fn report_text(board: &Board, core_digest: &str, stat: &str) -> String {
    format!(
        "# card_top for {} ({}): the user logic's yosys synth_xilinx -family xcup report, the executing\n\
         # card synthesised with its Poseidon2 permutation as a black box plus the permutation's block report\n\
         # verilog sha256 {core_digest} ({CORE_FILE})\n\
         # Regenerate: slotproof hdl build --board {} --resynth\n\n{stat}",
        board.name, board.part, board.id
    )
}

/// The Verilog digest a whole-card report names, if any.
pub fn report_digest(report: &str) -> Option<&str> {
    report.lines().find_map(|l| l.strip_prefix("# verilog sha256 ")).and_then(|r| r.split_whitespace().next())
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), BuildError> {
    let path = dir.join(name);
    // Write beside and rename: an interrupted build never leaves half a recipe.
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).map_err(|source| BuildError::Io { path: tmp.clone(), source })?;
    std::fs::rename(&tmp, &path).map_err(|source| BuildError::Io { path, source })
}

fn yosys_version() -> String {
    Command::new("yosys")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether `tool` is an executable on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file())).unwrap_or(false)
}

/// Builds `board`: writes the core Verilog, the wrapper, the TCL, the XDC, the whole-card
/// yosys report and the manifest to `<out>/boards/<board>/`, then runs Vivado there when
/// asked and present. `progress` hears each step.
pub fn build(board: &'static Board, opts: &BuildOptions, progress: &dyn Fn(&str)) -> Result<BuildOutcome, BuildError> {
    let dir = opts.out.join("boards").join(board.id);
    std::fs::create_dir_all(&dir).map_err(|source| BuildError::Io { path: dir.clone(), source })?;
    progress(&format!("{}: generating the card top and the recipe", board.id));
    let sources = sources(board)?;
    let core = sources.file(CORE_FILE);
    let digest = verilog_digest(core);
    let kept = (!opts.resynth)
        .then(|| std::fs::read_to_string(dir.join(REPORT_FILE)).ok())
        .flatten()
        .filter(|r| report_digest(r) == Some(digest.as_str()));
    // A build that must synthesise needs the block reports: look before the slow steps.
    let parts = match kept {
        Some(_) => Vec::new(),
        None => block_reports(board, &opts.reports)?,
    };
    progress(&format!("{}: elaborating the user logic (iverilog, yosys)", board.id));
    elaborate_user_logic(sources.file(WRAPPER_FILE), core)?;
    let report_kept = kept.is_some();
    let report = match kept {
        Some(r) => {
            progress(&format!(
                "{}: the whole-card report is of this Verilog already; kept (--resynth redoes it)",
                board.id
            ));
            r
        }
        None => {
            progress(&format!(
                "{}: synthesising the card with yosys (xcup), its permutation a black box: minutes",
                board.id
            ));
            report_text(board, &digest, &whole_card_stat(board, &sources.core_as_top, &parts)?)
        }
    };
    let resources = XcupResources::from_stat(&report);
    let manifest = manifest_of(board, &sources, resources, &yosys_version());
    for (name, text) in &sources.files {
        write(&dir, name, text)?;
    }
    write(&dir, REPORT_FILE, &report)?;
    write(&dir, MANIFEST_FILE, &manifest.to_json())?;
    let (bitstream, vivado_skipped) = if !opts.vivado {
        (None, Some("--no-vivado".to_string()))
    } else if !on_path("vivado") {
        (None, Some(format!("vivado is not on PATH; run `vivado -mode batch -source {TCL_FILE}` in {}", dir.display())))
    } else {
        progress(&format!("{}: running Vivado (synthesis, implementation, bitstream: hours)", board.id));
        let log = dir.join("build").join("vivado.log");
        std::fs::create_dir_all(dir.join("build"))
            .map_err(|source| BuildError::Io { path: dir.join("build"), source })?;
        let status = Command::new("vivado")
            .args(["-mode", "batch", "-nojournal", "-source", TCL_FILE, "-log"])
            .arg(&log)
            .current_dir(&dir)
            .status()
            .map_err(|source| BuildError::Io { path: PathBuf::from("vivado"), source })?;
        if !status.success() {
            return Err(BuildError::Vivado { board: board.id, status: status.to_string(), log });
        }
        (Some(dir.join("build").join(format!("slotproof_{}.bit", board.id))), None)
    };
    Ok(BuildOutcome { dir, manifest, bitstream, vivado_skipped, report_kept })
}

/// The block reports the whole-card report of `board` adds, read from `reports`: file name
/// and text.
fn block_reports(board: &'static Board, reports: &Path) -> Result<Vec<(String, String)>, BuildError> {
    card_composition(board)
        .parts
        .iter()
        .map(|(part, _)| {
            let name = format!("{part}.{}.txt", Target::Xcup.name());
            let path = reports.join(&name);
            let text = std::fs::read_to_string(&path).map_err(|e| BuildError::BlockReport {
                board: board.id,
                path: path.clone(),
                reason: e.to_string(),
            })?;
            if crate::report::cell_counts(&text).is_empty() {
                return Err(BuildError::BlockReport { board: board.id, path, reason: "it lists no cells".into() });
            }
            Ok((name, text))
        })
        .collect()
}

/// The whole card's xcup `stat`: the card without its permutation, synthesised, plus the
/// block reports `parts` ([`block_reports`]).
fn whole_card_stat(board: &'static Board, core_as_top: &str, parts: &[(String, String)]) -> Result<String, BuildError> {
    let c = card_composition(board);
    let scratch = crate::eda::work_dir(&format!("{}-compose", c.name))?;
    for (name, text) in parts {
        std::fs::write(scratch.join(name), text)
            .map_err(|source| BuildError::Io { path: scratch.join(name), source })?;
    }
    let shell = yosys_stat_around(&c.name, core_as_top, Target::Xcup, &c.shell_around)?;
    let shell_path = scratch.join(format!("{}.shell.{}.txt", c.name, Target::Xcup.name()));
    std::fs::write(&shell_path, &shell).map_err(|source| BuildError::Io { path: shell_path, source })?;
    let stat = composed_stat(&scratch, &c, Target::Xcup)?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(stat)
}

/// The memory map must fit the smallest board's memory, or the card refuses the host's
/// layout at open. Checked at compile time.
const _: () = {
    let mut i = 0;
    while i < BOARDS.len() {
        assert!(BOARDS[i].memory.mem_bytes() >= memory_map::REQUIRED_BYTES);
        i += 1;
    }
};

/// Elaborates the user logic, the wrapper over the card top, with iverilog and with yosys
/// (`hierarchy -check`, port widths exact): a wrapper that connects a port the core lacks,
/// or with another width, is an error here rather than hours into a Vivado run.
pub fn elaborate_user_logic(wrapper: &str, core: &str) -> Result<(), EdaError> {
    let dir = crate::eda::work_dir("user_logic")?;
    let core = crate::module_sharing::share_identical_modules(core);
    for (name, text) in [(CORE_FILE, core.as_str()), (WRAPPER_FILE, wrapper)] {
        crate::eda::write(&dir.join(name), text)?;
    }
    crate::eda::run(
        &dir,
        "iverilog",
        "iverilog",
        &["-g2005", "-s", recipe::USER_LOGIC_MODULE, "-o", "user_logic.vvp", CORE_FILE, WRAPPER_FILE],
    )?;
    let script = format!(
        "read_verilog {CORE_FILE} {WRAPPER_FILE}; hierarchy -check -top {}; proc; check -assert",
        recipe::USER_LOGIC_MODULE
    );
    // `-e`: yosys only warns when it resizes a connection to a port of another width.
    crate::eda::run(&dir, "yosys", "yosys", &["-q", "-e", "[Rr]esizing", "-p", &script])?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
