//! The manifest of a bitstream: what the card built from a recipe will report, what it was
//! built from, and what it costs. Committed as `bitstreams/boards/<board>/manifest.json`,
//! written by `slotproof hdl build`, and read by the host (`--manifest`), which refuses a
//! manifest of another ABI and a card that does not answer with the manifest's identity.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use slotproof_firmware::AbiVersion;
use slotproof_firmware::regs::Identity;

/// The manifest format this build reads and writes. A reader refuses any other: a field
/// whose meaning changed must never be read with the old meaning.
pub const MANIFEST_FORMAT: u32 = 1;

/// The card's ABI as the manifest records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAbi {
    /// Incompatible changes.
    pub major: u16,
    /// Compatible additions.
    pub minor: u16,
}

/// The identity registers the card will report, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestIdentity {
    /// `CAPS`.
    pub caps: u32,
    /// `LIMITS.NTT_LANES`.
    pub ntt_lanes: u8,
    /// `LIMITS.MAX_LOG_LDE_ROWS`.
    pub max_log_lde_rows: u8,
    /// `LIMITS.MAX_LOG_BLOWUP`.
    pub max_log_blowup: u8,
    /// `LIMITS.MAX_BATCH_COLS`.
    pub max_batch_cols: u16,
    /// The kernel clock the build targets, Hz (`CLOCK_KHZ`).
    pub clock_hz: f64,
    /// Card memory the user logic reaches, bytes (`MEM_MIB`).
    pub mem_bytes: u64,
}

/// yosys `synth_xilinx -family xcup` resources of the user logic (the XDMA IP and the
/// memory controllers are Vivado's and not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestResources {
    /// LUTs.
    pub lut: u64,
    /// Flip-flops.
    pub ff: u64,
    /// DSP48E2 slices.
    pub dsp: u64,
    /// 36 Kb block RAMs.
    pub bram36: u64,
    /// URAM288 blocks.
    pub uram: u64,
}

/// A bitstream's manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// The board id (`bitstreams/boards/<board>`).
    pub board: String,
    /// The FPGA part.
    pub part: String,
    /// The card ABI the bitstream implements (`ABI_VERSION`).
    pub abi: ManifestAbi,
    /// The build ID the card reports in `BITSTREAM_HI:LO`, 16 hex digits: the first 63
    /// bits of `source_sha256`.
    pub bitstream_id: String,
    /// SHA-256 over the recipe's sources as built with build ID 0 (the core Verilog, the
    /// wrapper, the TCL and the XDC, each preceded by its name).
    pub source_sha256: String,
    /// The identity registers.
    pub identity: ManifestIdentity,
    /// The target clock of the user logic, Hz (the XDMA IP's `axi_aclk`).
    pub target_clock_hz: f64,
    /// The whole user logic's resources.
    pub resources: ManifestResources,
    /// SHA-256 of every file of the recipe as committed.
    pub files: BTreeMap<String, String>,
    /// The tools that produced it.
    pub tools: BTreeMap<String, String>,
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read manifest {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not a manifest.
    #[error("manifest {path} line {line} column {column}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// Where.
        line: usize,
        /// Where.
        column: usize,
        /// What serde said.
        message: String,
    },
    /// A format this build does not read.
    #[error("manifest {path} has format {found}; this slotproof reads format {MANIFEST_FORMAT}")]
    Format {
        /// The file.
        path: String,
        /// Its format.
        found: u32,
    },
    /// The bitstream speaks another ABI than this host.
    #[error(
        "manifest {path}: the bitstream implements card ABI {manifest}, this host speaks {host} (same major, minor at least); rebuild the bitstream or update slotproof"
    )]
    Abi {
        /// The file.
        path: String,
        /// The manifest's ABI.
        manifest: AbiVersion,
        /// Ours.
        host: AbiVersion,
    },
    /// A value that cannot be what it claims.
    #[error("manifest {path} field {field}: {why}")]
    Field {
        /// The file.
        path: String,
        /// Which.
        field: &'static str,
        /// Why.
        why: String,
    },
}

impl Manifest {
    /// Parses and checks a manifest: its format, its ABI against this build's, and its
    /// values. `path` names it in errors.
    pub fn from_json(text: &str, path: &str) -> Result<Self, ManifestError> {
        // The format first, on its own: a future manifest must get the format error, not a
        // parse error about a field this build has never heard of.
        #[derive(Deserialize)]
        struct Format {
            format: Option<u32>,
        }
        let parse_err = |e: serde_json::Error| ManifestError::Parse {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let format: Format = serde_json::from_str(text).map_err(parse_err)?;
        match format.format {
            Some(MANIFEST_FORMAT) => {}
            Some(found) => return Err(ManifestError::Format { path: path.to_string(), found }),
            None => {
                return Err(ManifestError::Field { path: path.to_string(), field: "format", why: "missing".into() });
            }
        }
        let m: Manifest = serde_json::from_str(text).map_err(parse_err)?;
        m.check(path)?;
        Ok(m)
    }

    /// Reads and checks the manifest at `path`.
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ManifestError::Read { path: shown.clone(), source })?;
        Self::from_json(&text, &shown)
    }

    /// The manifest as committed: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        s.push('\n');
        s
    }

    fn check(&self, path: &str) -> Result<(), ManifestError> {
        let field = |field: &'static str, why: String| ManifestError::Field { path: path.to_string(), field, why };
        let abi = self.abi_version();
        if !slotproof_firmware::ABI_VERSION.accepts(abi) {
            return Err(ManifestError::Abi {
                path: path.to_string(),
                manifest: abi,
                host: slotproof_firmware::ABI_VERSION,
            });
        }
        let id = u64::from_str_radix(&self.bitstream_id, 16)
            .ok()
            .filter(|_| self.bitstream_id.len() == 16)
            .ok_or_else(|| field("bitstream_id", format!("{:?} is not 16 hex digits", self.bitstream_id)))?;
        if id >> 63 != 0 {
            return Err(field("bitstream_id", format!("{id:016x} has bit 63 set, which no card can report")));
        }
        if !is_sha256(&self.source_sha256) {
            return Err(field("source_sha256", format!("{:?} is not 64 hex digits", self.source_sha256)));
        }
        if bitstream_id_of(&self.source_sha256) != id {
            return Err(field(
                "bitstream_id",
                format!(
                    "{id:016x} is not derived from source_sha256 (expected {:016x})",
                    bitstream_id_of(&self.source_sha256)
                ),
            ));
        }
        let i = &self.identity;
        for (name, hz) in [("identity.clock_hz", i.clock_hz), ("target_clock_hz", self.target_clock_hz)] {
            if !(hz.is_finite() && hz > 0.0) {
                return Err(field(name, format!("{hz} is not a clock frequency")));
            }
        }
        if i.max_batch_cols > 2047 || i.max_log_blowup > 15 {
            return Err(field("identity", "a limit does not fit its LIMITS field".into()));
        }
        for (name, digest) in &self.files {
            if !is_sha256(digest) {
                return Err(field("files", format!("{name}: {digest:?} is not 64 hex digits")));
            }
        }
        Ok(())
    }

    /// The ABI version.
    pub fn abi_version(&self) -> AbiVersion {
        AbiVersion { major: self.abi.major, minor: self.abi.minor }
    }

    /// The build ID (checked by [`Manifest::from_json`]; 0 on a manifest built in code
    /// with a malformed one).
    pub fn bitstream_id_value(&self) -> u64 {
        u64::from_str_radix(&self.bitstream_id, 16).unwrap_or(0)
    }

    /// The identity registers a card running this bitstream reports.
    pub fn identity(&self) -> Identity {
        let i = &self.identity;
        Identity {
            abi: self.abi_version(),
            bitstream_id: self.bitstream_id_value(),
            caps: i.caps,
            ntt_lanes: i.ntt_lanes,
            max_log_lde_rows: i.max_log_lde_rows,
            max_log_blowup: i.max_log_blowup,
            max_batch_cols: i.max_batch_cols,
            clock_hz: i.clock_hz,
            mem_bytes: i.mem_bytes,
        }
    }
}

/// The build ID of a source hash: its first 16 hex digits with bit 63 cleared (so that
/// `BITSTREAM_HI` can never read all-ones, the "device lost" value).
pub fn bitstream_id_of(source_sha256: &str) -> u64 {
    u64::from_str_radix(source_sha256.get(..16).unwrap_or(""), 16).unwrap_or(0) & (u64::MAX >> 1)
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
