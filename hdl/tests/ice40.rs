//! The iCE40 place and route (`slotproof_hdl::ice40`): it takes a block down to a UP5K
//! bitstream, it fails on what cannot be implemented, and the committed reports and
//! bitstreams are those of the current RTL.
//!
//! Only the smallest block is placed and routed here (a few seconds); the committed reports
//! of the others are checked by digest: regenerate them with
//! `cargo run -p slotproof-hdl -- ice40` whenever a block changes, or this fails.

use std::fmt::Write as _;
use std::path::PathBuf;

use slotproof_hdl::catalog::{Entry, butterfly_and_field_units};
use slotproof_hdl::eda::EdaError;
use slotproof_hdl::ice40::{
    Outcome, PnrReport, TARGET_MHZ, UP5K_BITSTREAM_BYTES, bitstream_name, flow_digest, place_and_route, report_name,
};
use slotproof_hdl::report::{bytes_digest, cell_counts, verilog_digest};

const FIX: &str = "run `cargo run -p slotproof-hdl -- ice40`";

fn unit(name: &str) -> Entry {
    butterfly_and_field_units().into_iter().find(|e| e.name == name).expect("a catalog block")
}

/// `count` 16×16 products of registered inputs, each a SB_MAC16 under `synth_ice40 -dsp`.
/// Each product goes through logic before the wrapper's register, as in the field units:
/// yosys 0.23 mis-packs one register fed straight by several SB_MAC16s (it kept one of eight).
fn multipliers(count: usize) -> String {
    let (ins, outs) = (16 * count - 1, 32 * count - 1);
    let mut v = format!(
        "module top(clock, a, b, p);\n  input wire clock;\n  input wire [{ins}:0] a;\n  input wire [{ins}:0] b;\n  \
         output wire [{outs}:0] p;\n  reg [{ins}:0] ra;\n  reg [{ins}:0] rb;\n  \
         always @(posedge clock) begin\n    ra <= a;\n    rb <= b;\n  end\n"
    );
    for k in 0..count {
        let (hi, lo) = (16 * k + 15, 16 * k);
        let (a, b) = (format!("ra[{hi}:{lo}]"), format!("rb[{hi}:{lo}]"));
        let _ = writeln!(v, "  assign p[{}:{}] = ({a} * {b}) ^ {{{a}, {b}}};", 32 * k + 31, 32 * k);
    }
    v + "endmodule\n"
}

#[test]
fn mod_add31_places_and_routes_to_a_up5k_bitstream() {
    let e = unit("mod_add31_babybear");
    let placed = place_and_route(&e.name, &e.verilog, TARGET_MHZ).unwrap();
    assert_eq!(placed.bitstream.len(), UP5K_BITSTREAM_BYTES, "a UP5K image");
    assert!(placed.bitstream.windows(4).any(|w| w == [0x7e, 0xaa, 0x99, 0x7e]), "the iCE40 sync word");
    let f = placed.figures;
    assert!(f.fmax_mhz >= TARGET_MHZ, "timing met: {} MHz", f.fmax_mhz);
    assert_eq!((f.lc.available, f.dsp.available), (5280, 8), "the UP5K's cells and DSPs");
    // 32 + 32 + 1 input bits and 33 output bits, each a wrapper register, plus the adder.
    assert!(f.lc.used > 2 * 33 + 65, "{} logic cells", f.lc.used);
    assert_eq!((f.dsp.used, f.io.used), (0, 3), "an adder on three pins");
}

#[test]
fn what_cannot_be_implemented_is_an_error() {
    // Eight products fill the UP5K's eight DSPs; nine do not fit.
    let fits = place_and_route("macs8", &multipliers(8), TARGET_MHZ).unwrap();
    assert_eq!(fits.figures.dsp.used, 8);
    match place_and_route("macs9", &multipliers(9), TARGET_MHZ) {
        Err(EdaError::Failed { tool, .. }) => assert!(tool.starts_with("nextpnr-ice40"), "{tool}"),
        Err(other) => panic!("nine DSPs: wrong error {other}"),
        Ok(p) => panic!("nine DSPs placed on a UP5K: {:?}", p.figures),
    }
    // A clock no iCE40 reaches.
    let e = unit("mod_add31_babybear");
    match place_and_route(&e.name, &e.verilog, 1000.0) {
        Err(EdaError::Failed { log, .. }) => assert!(log.contains("FAIL at 1000"), "{log}"),
        Err(other) => panic!("1 GHz: wrong error {other}"),
        Ok(p) => panic!("1 GHz met on a UP5K: {:?}", p.figures),
    }
}

#[test]
fn committed_pnr_reports_are_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams");
    for e in butterfly_and_field_units() {
        let path = root.join("reports").join(report_name(&e.name));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}; {FIX}", path.display()));
        let r = PnrReport::parse(&text).unwrap();
        assert_eq!(r.block, e.name);
        assert_eq!(r.verilog_sha256, verilog_digest(&e.verilog), "{} is stale (the block changed): {FIX}", e.name);
        let flow = flow_digest(&e.verilog, r.target_mhz).unwrap();
        assert_eq!(r.flow_sha256, flow, "{} is stale (the flow changed): {FIX}", e.name);
        let Outcome::Placed { figures, bitstream_bytes, bitstream_sha256 } = &r.outcome else {
            panic!("{} did not place and route on the UP5K: {:?}", e.name, r.outcome)
        };
        assert!(figures.fmax_mhz >= r.target_mhz, "{}: {} MHz", e.name, figures.fmax_mhz);
        // The wrapper must not lose DSPs (see `io_wrapper`): as many as yosys maps alone.
        let stat_path = root.join("reports").join(format!("{}.ice40.txt", e.name));
        let stat = std::fs::read_to_string(&stat_path).unwrap();
        let macs = cell_counts(&stat).get("SB_MAC16").copied().unwrap_or(0);
        assert_eq!(figures.dsp.used, macs, "{}: DSPs placed vs SB_MAC16 synthesised", e.name);
        let bin = root.join("ice40").join(bitstream_name(&e.name));
        let bytes = std::fs::read(&bin).unwrap_or_else(|err| panic!("{}: {err}; {FIX}", bin.display()));
        assert_eq!((bytes.len(), &bytes_digest(&bytes)), (*bitstream_bytes, bitstream_sha256), "{}", bin.display());
    }
}
