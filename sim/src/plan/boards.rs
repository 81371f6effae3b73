//! The catalogue of FPGA boards and host machines the planner can choose from.
//!
//! The built-in catalogue is `sim/data/catalogue.toml`: every figure there carries a source,
//! and every figure nobody has confirmed is named in the entry's `unverified` list, which the
//! planner shows next to any result that depends on it. A user catalogue has the same shape.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PlanError;
use super::error::{parse_toml, read_text};

/// The built-in catalogue's text.
const BUILTIN: &str = include_str!("../../data/catalogue.toml");

/// An FPGA accelerator card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// Short id used on the command line (e.g. "u55c").
    pub id: String,
    /// Full product name.
    pub name: String,
    /// Look-up tables of the device.
    pub lut: u64,
    /// Flip-flops (registers).
    pub ff: u64,
    /// DSP slices.
    pub dsp: u64,
    /// 36 Kb block RAMs.
    pub bram36: u64,
    /// UltraRAM blocks.
    pub uram: u64,
    /// LUTs the platform shell (XDMA, memory controllers) takes before any kernel.
    pub shell_lut: u64,
    /// The card's memory, in words (kind, layout).
    pub memory: String,
    /// The card's fast memory, in GB (the memory `memory_gb_per_s` applies to).
    pub memory_gb: f64,
    /// Theoretical bandwidth of that memory, GB/s.
    pub memory_gb_per_s: f64,
    /// The PCIe link as the usable platform exposes it.
    pub pcie: String,
    /// Practical host-to-card DMA rate with large buffers, GB/s.
    pub xdma_h2c_gb_per_s: f64,
    /// Practical card-to-host DMA rate with large buffers, GB/s.
    pub xdma_c2h_gb_per_s: f64,
    /// Power while computing: the card's maximum, W (a bound, not a typical draw).
    pub busy_watts: f64,
    /// Power while idle, W.
    pub idle_watts: f64,
    /// Purchase price, US$ (capital cost).
    pub price_usd: f64,
    /// Where each figure comes from.
    pub sources: Vec<String>,
    /// Names of fields whose values are not confirmed.
    #[serde(default)]
    pub unverified: Vec<String>,
}

/// The machine the cards sit in, and the CPU fallback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Host {
    /// Short id used on the command line (e.g. "epyc-9355").
    pub id: String,
    /// Description.
    pub name: String,
    /// CPU cores.
    pub cores: u32,
    /// PCIe x16 slots for cards.
    pub max_cards: u32,
    /// Poseidon2 permutations per core-second (Merkle hashing on the CPU).
    pub poseidon2_perms_per_core_s: f64,
    /// NTT elements per core-second (a forward DFT of a batch of columns).
    pub ntt_elements_per_core_s: f64,
    /// End-to-end STARK trace elements per core-second (anchors §3/§5).
    pub stark_elements_per_core_s: f64,
    /// Power of the host alone (no cards) while busy, W.
    pub busy_watts: f64,
    /// Power of the host alone while idle, W.
    pub idle_watts: f64,
    /// Purchase price without cards, US$.
    pub price_usd: f64,
    /// Where each figure comes from.
    pub sources: Vec<String>,
    /// Names of fields whose values are not confirmed.
    #[serde(default)]
    pub unverified: Vec<String>,
}

/// Boards and hosts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The accelerator cards.
    pub boards: Vec<Board>,
    /// The host machines.
    pub hosts: Vec<Host>,
}

/// Collects range errors for one entry, naming it and the field.
struct Checker<'a> {
    origin: &'a str,
    entry: String,
}

impl Checker<'_> {
    fn err(&self, field: &str, message: String) -> PlanError {
        PlanError::Invalid { origin: self.origin.to_string(), item: format!("{} field {field}", self.entry), message }
    }

    fn count(&self, field: &str, v: u64) -> Result<(), PlanError> {
        if v == 0 {
            return Err(self.err(field, "must be at least 1".to_string()));
        }
        Ok(())
    }

    fn positive(&self, field: &str, v: f64) -> Result<(), PlanError> {
        if !(v.is_finite() && v > 0.0) {
            return Err(self.err(field, format!("{v} is not a positive number")));
        }
        Ok(())
    }

    fn non_negative(&self, field: &str, v: f64) -> Result<(), PlanError> {
        if !(v.is_finite() && v >= 0.0) {
            return Err(self.err(field, format!("{v} is negative or not a number")));
        }
        Ok(())
    }

    fn watts(&self, busy: f64, idle: f64) -> Result<(), PlanError> {
        self.positive("busy_watts", busy)?;
        self.non_negative("idle_watts", idle)?;
        if idle > busy {
            return Err(self.err("idle_watts", format!("{idle} W idle exceeds {busy} W busy")));
        }
        Ok(())
    }

    /// Every name in `entry`'s `unverified` list must be one of its fields (its serde keys,
    /// so the list of fields cannot drift from the struct).
    fn unverified<T: Serialize>(&self, names: &[String], entry: &T) -> Result<(), PlanError> {
        let known: Vec<String> = match serde_json::to_value(entry) {
            Ok(serde_json::Value::Object(fields)) => {
                fields.keys().filter(|k| *k != "sources" && *k != "unverified").cloned().collect()
            }
            _ => Vec::new(),
        };
        for n in names {
            if !known.contains(n) {
                return Err(self.err("unverified", format!("{n:?} is not a field; fields: {}", known.join(", "))));
            }
        }
        Ok(())
    }

    /// A non-empty id not seen before in `seen`.
    fn id<'a>(&self, id: &'a str, seen: &mut HashSet<&'a str>) -> Result<(), PlanError> {
        if id.trim().is_empty() {
            return Err(self.err("id", "empty".to_string()));
        }
        if !seen.insert(id) {
            return Err(self.err("id", "appears twice".to_string()));
        }
        Ok(())
    }

    fn sources(&self, sources: &[String]) -> Result<(), PlanError> {
        if sources.iter().all(|s| s.trim().is_empty()) {
            return Err(self.err("sources", "empty: every figure needs a source".to_string()));
        }
        Ok(())
    }
}

impl Catalogue {
    /// The built-in catalogue (`sim/data/catalogue.toml`, compiled in).
    pub fn builtin() -> Catalogue {
        // The text is part of the build and a test parses and validates it, so a failure here
        // is a build defect, not bad user input.
        Self::from_toml(BUILTIN, "built-in catalogue").expect("the built-in catalogue parses and validates (tested)")
    }

    /// Parses a catalogue from TOML text and validates it; `origin` names the text in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Catalogue, PlanError> {
        let c: Catalogue = parse_toml(text, origin, "board catalogue")?;
        c.validate(origin)?;
        Ok(c)
    }

    /// Reads and validates a catalogue file.
    pub fn load(path: &Path) -> Result<Catalogue, PlanError> {
        Self::from_toml(&read_text(path)?, &path.display().to_string())
    }

    /// Checks counts and rates are positive, idle power is at most busy power, ids are unique
    /// and `unverified` names real fields; the error names the entry and field at fault.
    pub fn validate(&self, origin: &str) -> Result<(), PlanError> {
        if self.boards.is_empty() || self.hosts.is_empty() {
            return Err(PlanError::Invalid {
                origin: origin.to_string(),
                item: "catalogue".to_string(),
                message: "needs at least one board and one host".to_string(),
            });
        }
        let mut ids = HashSet::new();
        for b in &self.boards {
            let c = Checker { origin, entry: format!("board {:?}", b.id) };
            c.id(&b.id, &mut ids)?;
            c.count("lut", b.lut)?;
            c.count("ff", b.ff)?;
            c.count("dsp", b.dsp)?;
            c.count("bram36", b.bram36)?;
            c.count("uram", b.uram)?;
            if b.shell_lut >= b.lut {
                return Err(c.err("shell_lut", format!("{} leaves no room in {} LUTs", b.shell_lut, b.lut)));
            }
            c.positive("memory_gb", b.memory_gb)?;
            c.positive("memory_gb_per_s", b.memory_gb_per_s)?;
            c.positive("xdma_h2c_gb_per_s", b.xdma_h2c_gb_per_s)?;
            c.positive("xdma_c2h_gb_per_s", b.xdma_c2h_gb_per_s)?;
            c.watts(b.busy_watts, b.idle_watts)?;
            c.non_negative("price_usd", b.price_usd)?;
            c.sources(&b.sources)?;
            c.unverified(&b.unverified, b)?;
        }
        let mut ids = HashSet::new();
        for h in &self.hosts {
            let c = Checker { origin, entry: format!("host {:?}", h.id) };
            c.id(&h.id, &mut ids)?;
            c.count("cores", h.cores.into())?;
            c.count("max_cards", h.max_cards.into())?;
            c.positive("poseidon2_perms_per_core_s", h.poseidon2_perms_per_core_s)?;
            c.positive("ntt_elements_per_core_s", h.ntt_elements_per_core_s)?;
            c.positive("stark_elements_per_core_s", h.stark_elements_per_core_s)?;
            c.watts(h.busy_watts, h.idle_watts)?;
            c.non_negative("price_usd", h.price_usd)?;
            c.sources(&h.sources)?;
            c.unverified(&h.unverified, h)?;
        }
        Ok(())
    }

    /// The board with this id; the error lists the known ids.
    pub fn board(&self, id: &str) -> Result<&Board, PlanError> {
        self.boards.iter().find(|b| b.id == id).ok_or_else(|| PlanError::Unknown {
            kind: "board",
            name: id.to_string(),
            known: self.boards.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    /// The host with this id; the error lists the known ids.
    pub fn host(&self, id: &str) -> Result<&Host, PlanError> {
        self.hosts.iter().find(|h| h.id == id).ok_or_else(|| PlanError::Unknown {
            kind: "host",
            name: id.to_string(),
            known: self.hosts.iter().map(|h| h.id.as_str()).collect::<Vec<_>>().join(", "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_validates_and_has_the_boards() {
        let c = Catalogue::from_toml(BUILTIN, "built-in").unwrap();
        assert_eq!(c, Catalogue::builtin());
        let ids: Vec<_> = c.boards.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["u55c", "u280", "u250", "c1100", "vu9p"]);
        for h in ["epyc-9355", "workstation-16c", "dev-vm"] {
            c.host(h).unwrap();
        }
        let c1100 = c.board("c1100").unwrap();
        assert_eq!((c1100.dsp, c1100.shell_lut, c1100.busy_watts), (5952, 62191, 75.0));
        assert_eq!(c.board("u55c").unwrap().dsp, 9024);
        // NTT rate: 2^20 * 64 / 0.0941 s / 2 cores = 356.58 M/s per core.
        let ntt = 1048576.0 * 64.0 / 0.0941 / 2.0;
        assert!((c.host("dev-vm").unwrap().ntt_elements_per_core_s / ntt - 1.0).abs() < 1e-3);
        // Server rates are assumed equal to the VM's: they must say so.
        let e = c.host("epyc-9355").unwrap();
        assert!(e.unverified.iter().any(|f| f == "ntt_elements_per_core_s"));
        assert_eq!((e.cores, e.max_cards), (32, 8));
    }

    #[test]
    fn toml_round_trip() {
        let c = Catalogue::builtin();
        let text = toml::to_string(&c).unwrap();
        assert_eq!(Catalogue::from_toml(&text, "rt").unwrap(), c);
    }

    #[test]
    fn unknown_ids_list_the_known_ones() {
        let c = Catalogue::builtin();
        let e = c.board("u50").unwrap_err().to_string();
        assert!(e.contains("\"u50\"") && e.contains("u55c, u280, u250, c1100, vu9p"), "{e}");
        let e = c.host("mac").unwrap_err().to_string();
        assert!(e.contains("epyc-9355") && e.contains("dev-vm"), "{e}");
    }

    #[test]
    fn bad_input_is_refused_with_the_place_named() {
        let e = Catalogue::from_toml("[[boards]]\nid = ", "cat.toml").unwrap_err().to_string();
        assert!(e.contains("cat.toml") && e.contains("line"), "{e}");
        // A negative count does not parse as u64.
        let neg = BUILTIN.replacen("dsp = 9024", "dsp = -9024", 1);
        assert_ne!(neg, BUILTIN);
        let e = Catalogue::from_toml(&neg, "neg.toml").unwrap_err().to_string();
        assert!(e.contains("neg.toml"), "{e}");

        let base = Catalogue::builtin();
        let check = |c: Catalogue, want: &[&str]| {
            let e = c.validate("c.toml").unwrap_err().to_string();
            for s in want {
                assert!(e.contains(s), "{e} lacks {s}");
            }
        };
        let mut c = base.clone();
        c.boards[0].dsp = 0;
        check(c, &["c.toml", "board \"u55c\" field dsp"]);
        let mut c = base.clone();
        c.boards[1].memory_gb_per_s = -1.0;
        check(c, &["board \"u280\" field memory_gb_per_s"]);
        let mut c = base.clone();
        c.boards[3].idle_watts = 100.0;
        check(c, &["board \"c1100\" field idle_watts", "exceeds"]);
        let mut c = base.clone();
        c.boards[2].unverified.push("colour".into());
        check(c, &["board \"u250\" field unverified", "\"colour\""]);
        let mut c = base.clone();
        c.boards[4].id = "u55c".into();
        check(c, &["appears twice"]);
        let mut c = base.clone();
        c.boards[0].shell_lut = c.boards[0].lut;
        check(c, &["shell_lut"]);
        let mut c = base.clone();
        c.hosts[0].stark_elements_per_core_s = f64::NAN;
        check(c, &["host \"epyc-9355\" field stark_elements_per_core_s"]);
        let mut c = base.clone();
        c.hosts[1].cores = 0;
        check(c, &["host \"workstation-16c\" field cores"]);
        let mut c = base.clone();
        c.hosts[2].unverified.push("lut".into());
        check(c, &["host \"dev-vm\" field unverified"]);
        let mut c = base.clone();
        c.hosts.clear();
        check(c, &["at least one"]);
    }
}
