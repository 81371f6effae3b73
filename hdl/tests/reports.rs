//! The committed resource reports are what the current RTL synthesises to: regenerate them
//! (`cargo run -p slotproof-hdl -- reports`) whenever a block changes, or this fails.
//!
//! Every block's Verilog must hash to the digest its reports were made from; the blocks small
//! enough to synthesise in seconds are also synthesised again and must reproduce their
//! reports byte for byte (the Poseidon2 rounds by digest only); the permutations' reports,
//! sums of their rounds', are recomputed from the committed round reports.

use std::path::PathBuf;

use slotproof_hdl::catalog::{butterfly_and_field_units, compositions, entries};
use slotproof_hdl::eda::work_dir;
use slotproof_hdl::report::{DIGESTS, digest_manifest, write_reports};

/// Verilog above this size is checked by its digest only (yosys is deterministic: the same
/// Verilog gives the same report). Below it, 15 blocks are synthesised again: the field units,
/// the butterflies and the card's checkers.
const RESYNTHESIS_LIMIT: usize = 20_000;

const FIX: &str = "run `cargo run -p slotproof-hdl -- reports`";

#[test]
fn committed_reports_are_up_to_date() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/reports");
    let entries = entries();
    let manifest = std::fs::read_to_string(committed.join(DIGESTS)).unwrap_or_else(|e| panic!("{DIGESTS}: {e}; {FIX}"));
    let want = digest_manifest(&entries);
    for line in want.lines() {
        assert!(manifest.lines().any(|l| l == line), "bitstreams/reports is stale for `{line}`: {FIX}");
    }
    assert_eq!(manifest, want, "bitstreams/reports/{DIGESTS} lists blocks that no longer exist: {FIX}");
    // Start from the committed reports, then synthesise the small blocks over them.
    let fresh = work_dir("reports-check").unwrap();
    for entry in std::fs::read_dir(&committed).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, fresh.join(path.file_name().unwrap())).unwrap();
    }
    let small = |e: &slotproof_hdl::catalog::Entry| e.verilog.len() <= RESYNTHESIS_LIMIT;
    assert!(entries.iter().filter(|e| small(e)).count() >= 10, "most blocks are re-synthesised");
    write_reports(&fresh, &entries, &compositions(), &small, &mut |_| {}).unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(&fresh).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let have = std::fs::read_to_string(committed.join(&name)).unwrap();
        assert!(
            have == std::fs::read_to_string(&path).unwrap(),
            "bitstreams/reports/{} is stale: {FIX}",
            name.display()
        );
        compared += 1;
    }
    let reports: usize = entries.iter().map(|e| e.targets.len()).sum();
    let targets_of = |name: &str| entries.iter().find(|e| e.name == name).map_or(2, |e| e.targets.len());
    let shells: usize = compositions().iter().filter(|c| !c.shell_around.is_empty()).map(|c| targets_of(&c.name)).sum();
    let placed = butterfly_and_field_units().len();
    assert_eq!(
        compared,
        reports + shells + placed + 2,
        "every block (and every shell of a composed block) has a report per target (two, the MSM blocks one), \
         the butterflies and field units a place-and-route report (tests/ice40.rs), plus the summary and {DIGESTS}"
    );
}

/// The resource targets, on the committed reports: the butterfly in at most 6
/// DSP48E2, Poseidon2-16 BabyBear at one permutation per cycle in at most 2,500.
#[test]
fn resource_targets_hold() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/reports");
    let dsp = |name: &str| {
        let stat = std::fs::read_to_string(committed.join(format!("{name}.xcup.txt"))).unwrap();
        slotproof_hdl::report::XcupResources::from_stat(&stat).dsp
    };
    for field in ["babybear", "koalabear"] {
        let d = dsp(&format!("butterfly31_{field}"));
        assert!((1..=6).contains(&d), "butterfly31_{field}: {d} DSP48E2");
    }
    let d = dsp("poseidon2_perm16_babybear");
    assert!((1..=2_500).contains(&d), "poseidon2_perm16_babybear: {d} DSP48E2");
}
