//! What a block asks of the prover: the trace matrices it commits (field, shape, blowup,
//! how many), optional MSMs, and how the block's size in cycles is distributed.
//!
//! The presets are built from published figures (the `source` strings say where each comes
//! from); where no figure exists the source says "ASSUMPTION" and why the value was chosen.
//! A custom workload is a TOML file of the same shape (`sim/data/workloads/example.toml`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use slotproof_core::FieldId;

use super::PlanError;
use super::error::{parse_toml, read_text};

fn one() -> u64 {
    1
}

/// Cycles per shard in the SP1-, Pico- and ZisK-shaped presets: 2^22 rows is the most common
/// shard (SP1, Pico, ZisK Main), anchors §3 "Shards", from ethereum/soundcalc
/// `soundcalc/zkvms/*/*.toml`.
pub const SHARD_CYCLES_2_22: f64 = 4_194_304.0;

/// Cycles of a typical mainnet block: SP1 docs "between 100-500M cycles"
/// (succinctlabs/sp1 PR #1503); 300M is the middle of that range and the figure anchors §3
/// derives shard counts from.
pub const MAINNET_MEDIAN_CYCLES: f64 = 300e6;

/// The 99th percentile of mainnet block cycles, read as the top of SP1's "between 100-500M
/// cycles" (succinctlabs/sp1 PR #1503). No published P99 exists: this reading is unverified.
pub const MAINNET_P99_CYCLES: f64 = 500e6;

/// The largest block cycle count on record in anchors §3: RISC Zero Zeth proved an 812M-cycle
/// block in 388 segments of ~2^21 cycles (boundless-xyz/zeth #173).
pub const KILLER_CYCLES: f64 = 812e6;

const MAINNET_DIST_SOURCE: &str = "median 300M cycles: middle of SP1 docs' \"between 100-500M \
cycles\" (succinctlabs/sp1 PR #1503); p99 500M: the top of that range (no published P99: \
unverified); applied to every RISC-V zkVM preset alike (assumption: zkVMs' cycle counts differ, \
cf. scroll-tech/ceno #1141 \"less than ~350M steps\")";

const SP1_SHAPE_SOURCE: &str = "SP1 Hypercube per ethereum/soundcalc (anchors §2): KoalaBear^4, \
shard 2^22 cycles of width 3,741 across chips, committed as the dense 2^21 x 193 matrix, \
blowup 4; one dense matrix per 2^22-cycle shard (anchors §3: 3e8 / 2^22 ~ 72 shards)";

/// One kind of trace matrix a block commits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixSpec {
    /// A label for reports and errors (e.g. "shard", "keccakf").
    pub name: String,
    /// The field its elements are in.
    pub field: FieldId,
    /// log2 of the rows before the LDE.
    pub log_rows: u32,
    /// Columns.
    pub cols: u32,
    /// log2 of the LDE blowup (1 = blowup 2).
    pub log_blowup: u32,
    /// How many such matrices per block at the reference cycles.
    #[serde(default = "one")]
    pub count: u64,
}

impl MatrixSpec {
    /// Checks its shape is one a trace commitment can have: columns, rows within 2^30, a
    /// blowup of 2 to 16, and an LDE domain that exists in its field. The error names the
    /// matrix and the field at fault.
    pub fn validate_shape(&self, origin: &str) -> Result<(), PlanError> {
        let m = self;
        let bad = |item: String, message: String| PlanError::Invalid { origin: origin.to_string(), item, message };
        let item = |f: &str| format!("matrix {:?} field {f}", m.name);
        if m.cols == 0 {
            return Err(bad(item("cols"), "must be at least 1".to_string()));
        }
        if !(1..=30).contains(&m.log_rows) {
            return Err(bad(item("log_rows"), format!("{} is outside 1..=30", m.log_rows)));
        }
        if !(1..=4).contains(&m.log_blowup) {
            return Err(bad(item("log_blowup"), format!("{} is outside 1..=4 (blowup 2 to 16)", m.log_blowup)));
        }
        let adicity = m.field.two_adicity() as u32;
        if m.log_rows + m.log_blowup > adicity {
            return Err(bad(
                item("log_blowup"),
                format!(
                    "log_rows {} + log_blowup {} = {} exceeds {}'s two-adicity {adicity}: \
                     the LDE domain does not exist",
                    m.log_rows,
                    m.log_blowup,
                    m.log_rows + m.log_blowup,
                    m.field
                ),
            ));
        }
        Ok(())
    }
}

/// A multi-scalar multiplication the block needs (an optional wrap; off the RTP path, anchors §3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MsmSpec {
    /// The curve: "bn254" or "bls12-381".
    pub curve: String,
    /// log2 of the number of points.
    pub log_size: u32,
    /// How many such MSMs per block.
    #[serde(default = "one")]
    pub count: u64,
}

/// The curves an [`MsmSpec`] may name.
pub const MSM_CURVES: &[&str] = &["bn254", "bls12-381"];

/// Cycles per block as a lognormal fitted to a cited median and 99th percentile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockDistribution {
    /// The median block, in cycles.
    pub median_cycles: f64,
    /// The 99th-percentile block, in cycles.
    pub p99_cycles: f64,
    /// Where the two figures come from.
    pub source: String,
}

/// The standard normal's 0.99 quantile, computed once the same way every other quantile is,
/// so that `quantile(0.99)` returns `p99_cycles` to rounding.
fn z99() -> f64 {
    inverse_normal(0.99)
}

/// The standard normal quantile by Acklam's rational approximation (relative error below
/// 1.15e-9 over (0, 1), well inside the 1e-6 the planner needs). `p` must be in (0, 1);
/// outside it the result is NaN.
pub fn inverse_normal(p: f64) -> f64 {
    // Coefficients from P. J. Acklam, "An algorithm for computing the inverse normal
    // cumulative distribution function" (2003).
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    const P_LOW: f64 = 0.02425;
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

impl BlockDistribution {
    /// The block size, in cycles, at quantile `q` of the lognormal whose median and 99th
    /// percentile are the cited ones. `q` must be in (0, 1); outside it the result is NaN
    /// (a caller's range error, not a reason to panic).
    pub fn quantile(&self, q: f64) -> f64 {
        // ln(cycles) ~ N(mu, sigma): mu = ln(median), and p99 fixes sigma.
        let mu = self.median_cycles.ln();
        let sigma = (self.p99_cycles / self.median_cycles).ln() / z99();
        (mu + sigma * inverse_normal(q)).exp()
    }

    /// The 99th-percentile block, in cycles (the EF target is "≤10 s for P99", anchors §1).
    pub fn p99(&self) -> f64 {
        self.quantile(0.99)
    }
}

/// A block's proving workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Short name (a preset name, or the file's own).
    pub name: String,
    /// One line for reports.
    pub description: String,
    /// Where the figures come from (and which are assumptions).
    pub source: String,
    /// The trace matrices committed per block.
    pub matrices: Vec<MatrixSpec>,
    /// MSMs per block (none on the RTP path).
    #[serde(default)]
    pub msm: Vec<MsmSpec>,
    /// The cycles the matrix counts describe (None: a fixed workload that does not scale with
    /// the block).
    #[serde(default)]
    pub reference_cycles: Option<f64>,
    /// How block sizes are distributed (None: every block is `reference_cycles`).
    #[serde(default)]
    pub distribution: Option<BlockDistribution>,
}

/// How many shards of `shard_cycles` a block of `cycles` needs.
fn shards(cycles: f64, shard_cycles: f64) -> u64 {
    (cycles / shard_cycles).ceil().max(1.0) as u64
}

fn mainnet_distribution() -> BlockDistribution {
    BlockDistribution {
        median_cycles: MAINNET_MEDIAN_CYCLES,
        p99_cycles: MAINNET_P99_CYCLES,
        source: MAINNET_DIST_SOURCE.to_string(),
    }
}

/// The SP1-shaped block of `cycles`: one dense KoalaBear 2^21 x 193 matrix, blowup 4, per
/// 2^22-cycle shard.
fn sp1_shape(name: &str, description: &str, cycles: f64, dist: BlockDistribution) -> Workload {
    Workload {
        name: name.to_string(),
        description: description.to_string(),
        source: SP1_SHAPE_SOURCE.to_string(),
        matrices: vec![MatrixSpec {
            name: "shard".to_string(),
            field: FieldId::KoalaBear,
            log_rows: 21,
            cols: 193,
            log_blowup: 2,
            count: shards(cycles, SHARD_CYCLES_2_22),
        }],
        msm: Vec::new(),
        reference_cycles: Some(cycles),
        distribution: Some(dist),
    }
}

impl Workload {
    /// The preset names, in the order `--help` lists them.
    pub const PRESETS: &[&str] = &["mainnet", "sp1", "pico", "openvm", "risc0", "zisk", "killer"];

    /// A preset by name.
    pub fn preset(name: &str) -> Result<Workload, PlanError> {
        let m = MAINNET_MEDIAN_CYCLES;
        let w = match name {
            "mainnet" => {
                let mut w = sp1_shape(
                    "mainnet",
                    "a ~300M-cycle mainnet block, SP1-shaped \
                     (KoalaBear, dense 2^21 x 193 per 2^22-cycle shard, blowup 4)",
                    m,
                    mainnet_distribution(),
                );
                w.source = format!(
                    "cycles: SP1 docs \"between 100-500M cycles\" (succinctlabs/sp1 PR #1503); \
                     shape: {SP1_SHAPE_SOURCE}"
                );
                w
            }
            "sp1" => sp1_shape(
                "sp1",
                "SP1 Hypercube on a 300M-cycle block (KoalaBear, dense 2^21 x 193 per 2^22-cycle shard, blowup 4)",
                m,
                mainnet_distribution(),
            ),
            "pico" => Workload {
                name: "pico".to_string(),
                description: "Pico Prism on a 300M-cycle block (KoalaBear 2^22 x 1,278 per shard, blowup 2)"
                    .to_string(),
                source: "Pico per ethereum/soundcalc (anchors §2): KoalaBear^4, FRI, rho = 0.5, 2^22 x 1,278 \
                         cols; one shard per 2^22 cycles (ASSUMPTION: one row per cycle). An upper bound: the \
                         1,278 columns may sum chips of different heights, as SP1's 3,741 do, so treating all \
                         as full height overstates the volume (unverified)"
                    .to_string(),
                matrices: vec![MatrixSpec {
                    name: "shard".to_string(),
                    field: FieldId::KoalaBear,
                    log_rows: 22,
                    cols: 1278,
                    log_blowup: 1,
                    count: shards(m, SHARD_CYCLES_2_22),
                }],
                msm: Vec::new(),
                reference_cycles: Some(m),
                distribution: Some(mainnet_distribution()),
            },
            "openvm" => Workload {
                name: "openvm".to_string(),
                description:
                    "OpenVM v1.5 on a 300M-cycle block (BabyBear app shards of 2^23 rows; width and blowup ASSUMED)"
                        .to_string(),
                source: "OpenVM v1.5 per ethereum/soundcalc (anchors §2): BabyBear^4, FRI, app shard 2^23. \
                         ASSUMPTION (unverified, no cited figure): 100 columns, from anchors §3's ~100 \
                         trace elements per cycle (the SP1 dense shape gives 96.5), and blowup 2 (log_blowup 1)"
                    .to_string(),
                matrices: vec![MatrixSpec {
                    name: "app-shard".to_string(),
                    field: FieldId::BabyBear,
                    log_rows: 23,
                    cols: 100,
                    log_blowup: 1,
                    count: shards(m, 2.0 * SHARD_CYCLES_2_22),
                }],
                msm: Vec::new(),
                reference_cycles: Some(m),
                distribution: Some(mainnet_distribution()),
            },
            "risc0" => Workload {
                name: "risc0".to_string(),
                description: "RISC Zero on a 300M-cycle block (BabyBear 2^21 x 279 per segment, blowup 4)".to_string(),
                source: "RISC Zero per ethereum/soundcalc (anchors §2): BabyBear^4, FRI, rho = 0.25, \
                         2^21 x 279; segments of ~2^21 cycles (boundless-xyz/zeth #173)"
                    .to_string(),
                matrices: vec![MatrixSpec {
                    name: "segment".to_string(),
                    field: FieldId::BabyBear,
                    log_rows: 21,
                    cols: 279,
                    log_blowup: 2,
                    count: shards(m, SHARD_CYCLES_2_22 / 2.0),
                }],
                msm: Vec::new(),
                reference_cycles: Some(m),
                distribution: Some(mainnet_distribution()),
            },
            "zisk" => {
                let n = shards(m, SHARD_CYCLES_2_22);
                Workload {
                    name: "zisk".to_string(),
                    description: "ZisK on a 300M-cycle block (Goldilocks; Main 2^22 x 65 + Mem 2^22 x 24 \
                                  per 2^22 cycles, Keccakf 2^17 x 3,018; blowup 2)"
                        .to_string(),
                    source: format!(
                        "ZisK per ethereum/soundcalc (anchors §2): Goldilocks^3, FRI, rho = 0.5; Main 2^22 x 65, \
                         Mem 2^22 x 24, Keccakf 2^17 x 3,018. ASSUMPTION (unverified): one Main and one Mem \
                         instance per 2^22 cycles ({n} each at 300M), and {ZISK_KECCAKF_PER_300M} Keccakf \
                         instances per 300M-cycle block: trie hashing is of the order of EVM execution \
                         (risc0/risc0 #3239: 108M cycles of EVM), and {ZISK_KECCAKF_PER_300M} instances make \
                         Keccakf ~12% of the trace volume; no per-block Keccak-f count is cited"
                    ),
                    matrices: vec![
                        MatrixSpec {
                            name: "main".to_string(),
                            field: FieldId::Goldilocks,
                            log_rows: 22,
                            cols: 65,
                            log_blowup: 1,
                            count: n,
                        },
                        MatrixSpec {
                            name: "mem".to_string(),
                            field: FieldId::Goldilocks,
                            log_rows: 22,
                            cols: 24,
                            log_blowup: 1,
                            count: n,
                        },
                        MatrixSpec {
                            name: "keccakf".to_string(),
                            field: FieldId::Goldilocks,
                            log_rows: 17,
                            cols: 3018,
                            log_blowup: 1,
                            count: ZISK_KECCAKF_PER_300M,
                        },
                    ],
                    msm: Vec::new(),
                    reference_cycles: Some(m),
                    distribution: Some(mainnet_distribution()),
                }
            }
            "killer" => {
                let mut w = sp1_shape(
                    "killer",
                    "prover-killer worst case: the 812M-cycle Zeth block in the mainnet (SP1) shape",
                    KILLER_CYCLES,
                    BlockDistribution {
                        median_cycles: KILLER_CYCLES,
                        p99_cycles: KILLER_CYCLES,
                        source: "every block is the 812M-cycle RISC Zero Zeth block (boundless-xyz/zeth #173)"
                            .to_string(),
                    },
                );
                w.source = format!(
                    "cycles: RISC Zero Zeth, 812M cycles in 388 segments (boundless-xyz/zeth #173); \
                     shape: {SP1_SHAPE_SOURCE}"
                );
                w
            }
            _ => {
                return Err(PlanError::Unknown {
                    kind: "workload",
                    name: name.to_string(),
                    known: Self::PRESETS.join(", "),
                });
            }
        };
        Ok(w)
    }

    /// Every preset, in [`Self::PRESETS`] order.
    pub fn presets() -> Vec<Workload> {
        Self::PRESETS.iter().filter_map(|n| Self::preset(n).ok()).collect()
    }

    /// Parses a workload from TOML text and validates it; `origin` names the text in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Workload, PlanError> {
        let w: Workload = parse_toml(text, origin, "workload")?;
        w.validate(origin)?;
        Ok(w)
    }

    /// Reads and validates a workload file.
    pub fn load(path: &Path) -> Result<Workload, PlanError> {
        Self::from_toml(&read_text(path)?, &path.display().to_string())
    }

    /// Checks every value is in range; the error names the entry and field at fault.
    pub fn validate(&self, origin: &str) -> Result<(), PlanError> {
        let bad = |item: String, message: String| PlanError::Invalid { origin: origin.to_string(), item, message };
        let wl = format!("workload {:?}", self.name);
        if self.matrices.is_empty() {
            return Err(bad(
                format!("{wl} field matrices"),
                "no matrices: a workload commits at least one trace".to_string(),
            ));
        }
        for m in &self.matrices {
            m.validate_shape(origin)?;
            if m.count == 0 {
                return Err(bad(format!("matrix {:?} field count", m.name), "must be at least 1".to_string()));
            }
        }
        for (i, s) in self.msm.iter().enumerate() {
            let item = |f: &str| format!("msm #{} ({:?}) field {f}", i + 1, s.curve);
            if !MSM_CURVES.contains(&s.curve.as_str()) {
                return Err(bad(item("curve"), format!("unknown curve; known: {}", MSM_CURVES.join(", "))));
            }
            if !(1..=30).contains(&s.log_size) {
                return Err(bad(item("log_size"), format!("{} is outside 1..=30", s.log_size)));
            }
            if s.count == 0 {
                return Err(bad(item("count"), "must be at least 1".to_string()));
            }
        }
        if let Some(c) = self.reference_cycles
            && !(c.is_finite() && c > 0.0)
        {
            return Err(bad(format!("{wl} field reference_cycles"), format!("{c} is not a positive number")));
        }
        if let Some(d) = &self.distribution {
            if !(d.median_cycles.is_finite() && d.median_cycles > 0.0) {
                return Err(bad(
                    format!("{wl} field distribution.median_cycles"),
                    format!("{} is not a positive number", d.median_cycles),
                ));
            }
            if !(d.p99_cycles.is_finite() && d.p99_cycles >= d.median_cycles) {
                return Err(bad(
                    format!("{wl} field distribution.p99_cycles"),
                    format!("{} is below the median {} (a 99th percentile cannot be)", d.p99_cycles, d.median_cycles),
                ));
            }
        }
        Ok(())
    }

    /// The same workload for a block of `cycles` cycles: counts of matrices (and MSMs) scale by
    /// cycles/reference (rounded up, at least 1); fixed workloads are returned unchanged.
    pub fn at_cycles(&self, cycles: f64) -> Workload {
        let Some(reference) = self.reference_cycles else {
            return self.clone();
        };
        let ratio = cycles / reference;
        // A count times a ratio of exactly 1 must stay the count: trim float noise first.
        let scale = |n: u64| -> u64 {
            let v = n as f64 * ratio;
            if v.is_finite() { ((v - 1e-9).ceil() as u64).max(1) } else { 1 }
        };
        let mut w = self.clone();
        for m in &mut w.matrices {
            m.count = scale(m.count);
        }
        for s in &mut w.msm {
            s.count = scale(s.count);
        }
        w.reference_cycles = Some(cycles);
        w
    }

    /// Trace elements before the LDE: the sum of count x 2^log_rows x cols.
    pub fn elements(&self) -> f64 {
        self.matrices.iter().map(|m| m.count as f64 * (m.log_rows as f64).exp2() * m.cols as f64).sum()
    }
}

/// Keccakf instances per 300M-cycle block in the `zisk` preset. ASSUMPTION (unverified): no
/// per-block Keccak-f count is cited; 8 instances of 2^17 x 3,018 are ~3.2e9 elements, ~12% of
/// the Main + Mem volume, for trie hashing that risc0/risc0 #3239 shows is of the order of EVM
/// execution.
pub const ZISK_KECCAKF_PER_300M: u64 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../data/workloads/example.toml");

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn quantile_hits_the_median_and_the_p99() {
        let d = mainnet_distribution();
        assert!(rel(d.quantile(0.5), 300e6) < 1e-6);
        assert!(rel(d.quantile(0.99), 500e6) < 1e-6);
        assert!(rel(d.p99(), 500e6) < 1e-6);
        // Hand-computed: sigma = ln(5/3) / 2.326348 = 0.219584; q = 0.9 (z = 1.281552)
        // gives 300e6 * exp(0.281410) = 397.5e6.
        assert!(rel(d.quantile(0.9), 397.50e6) < 1e-3, "{}", d.quantile(0.9));
        assert!(d.quantile(0.1) < 300e6);
        assert!(d.quantile(0.0).is_nan() && d.quantile(1.0).is_nan());
        // Degenerate (median = p99): every quantile is the median.
        let k = Workload::preset("killer").unwrap().distribution.unwrap();
        assert!(rel(k.quantile(0.3), 812e6) < 1e-12);
    }

    #[test]
    fn inverse_normal_known_values() {
        assert!(inverse_normal(0.5).abs() < 1e-9);
        assert!((inverse_normal(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((inverse_normal(0.99) - 2.326_347_874).abs() < 1e-6);
        assert!((inverse_normal(0.01) + 2.326_347_874).abs() < 1e-6);
        assert!((inverse_normal(1e-6) + 4.753_424_309).abs() < 1e-5);
    }

    #[test]
    fn presets_validate_and_have_the_cited_shapes() {
        let all = Workload::presets();
        assert_eq!(all.len(), Workload::PRESETS.len());
        for w in &all {
            w.validate("preset").unwrap();
            assert!(!w.source.is_empty());
        }
        let m = Workload::preset("mainnet").unwrap();
        // ceil(300e6 / 2^22) = ceil(71.53) = 72 shards of 2^21 x 193.
        assert_eq!(m.matrices[0].count, 72);
        assert_eq!(m.elements(), 72.0 * 2097152.0 * 193.0);
        // ceil(812e6 / 2^22) = ceil(193.6) = 194.
        assert_eq!(Workload::preset("killer").unwrap().matrices[0].count, 194);
        // ceil(300e6 / 2^21) = 144 segments.
        assert_eq!(Workload::preset("risc0").unwrap().matrices[0].count, 144);
        // ceil(300e6 / 2^23) = 36 app shards.
        assert_eq!(Workload::preset("openvm").unwrap().matrices[0].count, 36);
        let err = Workload::preset("nope").unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("mainnet, sp1"), "{err}");
    }

    #[test]
    fn at_cycles_scales_counts_up_and_keeps_fixed_workloads() {
        let m = Workload::preset("mainnet").unwrap();
        assert_eq!(m.at_cycles(300e6), m);
        // 72 x 450/300 = 108 exactly; 72 x 301/300 = 72.24 -> 73; tiny blocks keep one shard.
        assert_eq!(m.at_cycles(450e6).matrices[0].count, 108);
        assert_eq!(m.at_cycles(301e6).matrices[0].count, 73);
        assert_eq!(m.at_cycles(1.0).matrices[0].count, 1);
        assert_eq!(m.at_cycles(f64::NAN).matrices[0].count, 1);
        assert_eq!(m.at_cycles(450e6).reference_cycles, Some(450e6));
        let z = Workload::preset("zisk").unwrap().at_cycles(600e6);
        assert_eq!(z.matrices[0].count, 144);
        assert_eq!(z.matrices[2].count, 16);
        let mut fixed = m.clone();
        fixed.reference_cycles = None;
        assert_eq!(fixed.at_cycles(1e9), fixed);
    }

    #[test]
    fn elements_sums_every_matrix() {
        let z = Workload::preset("zisk").unwrap();
        let expect = 72.0 * 4194304.0 * 65.0 + 72.0 * 4194304.0 * 24.0 + 8.0 * 131072.0 * 3018.0;
        assert_eq!(z.elements(), expect);
    }

    #[test]
    fn toml_round_trip_and_the_example_file() {
        for w in Workload::presets() {
            let text = toml::to_string(&w).unwrap();
            assert_eq!(Workload::from_toml(&text, "rt").unwrap(), w);
        }
        let ex = Workload::from_toml(EXAMPLE, "example.toml").unwrap();
        assert_eq!(ex.name, "example");
        assert!(ex.elements() > 0.0);
    }

    #[test]
    fn bad_input_is_refused_with_the_place_named() {
        let e = Workload::from_toml("name = \"x\"\nmatrices = [", "w.toml").unwrap_err().to_string();
        assert!(e.contains("w.toml") && e.contains("line"), "{e}");

        let base = Workload::preset("risc0").unwrap();
        let check = |w: Workload, want: &[&str]| {
            let e = w.validate("f.toml").unwrap_err().to_string();
            for s in want {
                assert!(e.contains(s), "{e} lacks {s}");
            }
        };
        let mut w = base.clone();
        w.matrices[0].cols = 0;
        check(w, &["f.toml", "matrix \"segment\" field cols"]);
        let mut w = base.clone();
        w.matrices[0].count = 0;
        check(w, &["field count"]);
        let mut w = base.clone();
        w.matrices[0].log_rows = 26; // 26 + 2 > BabyBear's 27
        check(w, &["log_blowup", "two-adicity 27"]);
        let mut w = base.clone();
        w.matrices[0].log_blowup = 0;
        check(w, &["log_blowup"]);
        let mut w = base.clone();
        w.matrices.clear();
        check(w, &["field matrices"]);
        let mut w = base.clone();
        w.distribution.as_mut().unwrap().p99_cycles = 1.0;
        check(w, &["p99_cycles"]);
        let mut w = base.clone();
        w.distribution.as_mut().unwrap().median_cycles = -3.0;
        check(w, &["median_cycles"]);
        let mut w = base.clone();
        w.reference_cycles = Some(0.0);
        check(w, &["reference_cycles"]);
        let mut w = base.clone();
        w.msm.push(MsmSpec { curve: "secp256k1".into(), log_size: 20, count: 1 });
        check(w, &["curve", "bn254"]);
        // A negative number where a count belongs is a parse error, not a wrap-around.
        let neg = EXAMPLE.replace("cols = 64", "cols = -64");
        assert_ne!(neg, EXAMPLE);
        assert!(Workload::from_toml(&neg, "neg.toml").is_err());
    }
}
