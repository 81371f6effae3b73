//! The board recipes under `bitstreams/boards/`: each is what `slotproof hdl build` makes
//! of the current RTL, its user logic elaborates, its TCL and XDC name only what exists,
//! and its manifest is consistent with all of it.
//!
//! A failure here after an RTL or recipe change means the committed recipe is stale:
//! regenerate it with `slotproof hdl build --board <board> --no-vivado` (the CLI test
//! `hdl_build_writes_the_committed_recipe` runs the whole build, yosys included).

use std::collections::BTreeSet;
use std::path::PathBuf;

use slotproof_hdl::bitstream::build::{
    MANIFEST_FILE, REPORT_FILE, elaborate_user_logic, manifest_of, report_digest, sources,
};
use slotproof_hdl::bitstream::manifest::bitstream_id_of;
use slotproof_hdl::bitstream::recipe::{
    AXIL_BUS, AXIL_PORTS, CLOCK_PORTS, CORE_FILE, IRQ_PORTS, MEM_BUS, MEM_PORTS, TCL_FILE, WRAPPER_FILE, XDC_FILE,
};
use slotproof_hdl::bitstream::{BOARDS, Board, Manifest};
use slotproof_hdl::report::{XcupResources, verilog_digest};

fn board_dir(board: &Board) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/boards").join(board.id)
}

fn fix(board: &Board) -> String {
    format!(
        "regenerate with `cargo run -p slotproof-host --bin slotproof -- hdl build --board {} --no-vivado`",
        board.id
    )
}

fn read(board: &Board, name: &str) -> String {
    let path = board_dir(board).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}; {}", path.display(), fix(board)))
}

#[test]
fn committed_recipes_and_manifests_are_current() {
    for board in BOARDS {
        let s = sources(board).unwrap();
        for (name, text) in &s.files {
            let committed = read(board, name);
            assert!(
                committed == *text,
                "{}/{name} differs from what the current sources generate; {}",
                board.id,
                fix(board)
            );
        }
        let manifest = Manifest::load(&board_dir(board).join(MANIFEST_FILE)).unwrap();
        let report = read(board, REPORT_FILE);
        assert_eq!(
            report_digest(&report),
            Some(verilog_digest(s.file(CORE_FILE)).as_str()),
            "{}: the whole-card report is of other Verilog; {}",
            board.id,
            fix(board)
        );
        let resources = XcupResources::from_stat(&report);
        assert!(resources.lut > 0 && resources.ff > 0, "{}: the report has cells", board.id);
        let want = manifest_of(board, &s, resources, &manifest.tools["yosys"]);
        assert_eq!(manifest, want, "{}: the manifest is stale; {}", board.id, fix(board));
        // What the card will report is what the manifest says, derived from the sources.
        assert_eq!(manifest.identity().reported_bitstream_id(), s.bitstream_id);
        assert_eq!(s.bitstream_id, bitstream_id_of(&s.source_sha256));
        assert_eq!(manifest.abi_version(), slotproof_firmware::ABI_VERSION);
        assert_eq!(manifest.identity.mem_bytes, board.memory.mem_bytes());
    }
}

#[test]
fn build_ids_differ_between_boards_and_follow_the_sources() {
    let mut ids = BTreeSet::new();
    for board in BOARDS {
        let s = sources(board).unwrap();
        ids.insert(s.bitstream_id);
        // The core Verilog carries its build ID: BITSTREAM_LO as a localparam-sized constant.
        let lo = format!("32'h{:x}", s.bitstream_id as u32);
        assert!(s.file(CORE_FILE).contains(&lo), "{}: the core carries BITSTREAM_LO {lo}", board.id);
    }
    assert_eq!(ids.len(), BOARDS.len(), "each board's build has its own ID");
}

#[test]
fn user_logic_elaborates_and_a_wrong_wrapper_does_not() {
    let board = &BOARDS[0];
    let s = sources(board).unwrap();
    let (wrapper, core) = (s.file(WRAPPER_FILE), s.file(CORE_FILE));
    elaborate_user_logic(wrapper, core).unwrap();
    // Negative controls: a port the core lacks, and a 32-bit address into the 8-bit port.
    let misnamed = wrapper.replace(".irq(", ".irq_out(");
    assert!(elaborate_user_logic(&misnamed, core).is_err(), "a port the core lacks must fail");
    let widened = wrapper.replace("s_axil_awaddr[7:0]", "s_axil_awaddr");
    assert_ne!(widened, wrapper);
    assert!(elaborate_user_logic(&widened, core).is_err(), "a width mismatch must fail");
    // The card-memory master: every core port is wired, and a narrowed one is caught.
    for (core_port, suffix, _, _) in MEM_PORTS {
        assert!(wrapper.contains(&format!(".{core_port}({MEM_BUS}_{suffix})")), "{core_port} is wired");
    }
    let narrowed = wrapper.replace("wire [63:0] m_axi_mem_araddr", "wire [31:0] m_axi_mem_araddr");
    assert_ne!(narrowed, wrapper);
    assert!(elaborate_user_logic(&narrowed, core).is_err(), "a narrowed memory address must fail");
}

/// The names `text` uses after `prefix` up to a delimiter.
fn names_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let end = rest.find(|c: char| c == ']' || c == '}' || c.is_whitespace()).unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// What the TCL and XDC of a recipe refer to that cannot exist; empty when consistent.
fn dangling(tcl: &str, xdc: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let mut ports: BTreeSet<String> = AXIL_PORTS.iter().map(|p| format!("{AXIL_BUS}_{}", p.1)).collect();
    ports.insert(CLOCK_PORTS.1.into());
    ports.insert(IRQ_PORTS.1.into());
    ports.insert(AXIL_BUS.into());
    ports.insert(format!("{AXIL_BUS}/reg0"));
    ports.insert(MEM_BUS.into());
    ports.extend(MEM_PORTS.iter().map(|p| format!("{MEM_BUS}_{}", p.1)));
    for name in names_after(tcl, "user_logic/") {
        if !ports.contains(name) {
            bad.push(format!("TCL: user_logic/{name} is not a port or interface of the user logic"));
        }
    }
    // Every cell the TCL touches was created first.
    let created: BTreeSet<&str> =
        tcl.lines().filter(|l| l.starts_with("create_bd_cell")).filter_map(|l| l.split_whitespace().last()).collect();
    for pin in names_after(tcl, "get_bd_pins ").into_iter().chain(names_after(tcl, "get_bd_intf_pins ")) {
        let cell = pin.split('/').next().unwrap_or("");
        if !created.contains(cell) {
            bad.push(format!("TCL: {pin} is on cell {cell}, which the TCL does not create"));
        }
    }
    for cell in names_after(tcl, "get_bd_cells ") {
        if !created.contains(cell) {
            bad.push(format!("TCL: cell {cell} is not created"));
        }
    }
    // The XDC constrains top-level ports the block design's wrapper has: ports the TCL
    // creates, interface ports expanding to <name>_<signal>.
    let top_ports: Vec<&str> = tcl
        .lines()
        .filter(|l| l.starts_with("create_bd_port") || l.starts_with("create_bd_intf_port"))
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    for port in names_after(xdc, "get_ports {")
        .into_iter()
        .chain(names_after(xdc, "get_ports ").into_iter().filter(|p| !p.starts_with('{')))
    {
        let base = port.split('[').next().unwrap_or(port);
        if !top_ports.iter().any(|p| base == *p || base.starts_with(&format!("{p}_"))) {
            bad.push(format!("XDC: port {port} is not a port of the block design"));
        }
    }
    bad
}

#[test]
fn tcl_and_xdc_name_only_what_exists() {
    for board in BOARDS {
        let s = sources(board).unwrap();
        let (tcl, xdc) = (s.file(TCL_FILE), s.file(XDC_FILE));
        assert_eq!(dangling(tcl, xdc), Vec::<String>::new(), "{}", board.id);
        assert!(tcl.contains(board.part) && tcl.contains(board.board_part), "{}: the part and board files", board.id);
        assert!(xdc.contains(board.pcie.refclk.0) && xdc.contains(board.pcie.perst.0), "{}: the PCIe pins", board.id);
        // The command processor reaches card memory: its master joins the interconnect and
        // has an address map (a master without one reaches nothing in Vivado).
        assert!(tcl.contains(&format!("user_logic/{MEM_BUS}] [get_bd_intf_pins card_mem_ic/S01_AXI]")), "{}", board.id);
        assert!(
            tcl.contains(&format!("-target_address_space [get_bd_addr_spaces user_logic/{MEM_BUS}]")),
            "{}",
            board.id
        );
        assert!(tcl.contains("CONFIG.NUM_SI {2}"), "{}: two masters on card memory", board.id);
        // Negative controls: a renamed pin, an uncreated cell, an XDC port nobody makes.
        let renamed = tcl.replace(&format!("user_logic/{}", IRQ_PORTS.1), "user_logic/irq");
        assert_eq!(dangling(&renamed, xdc).len(), 1, "{}: a misnamed user-logic pin is caught", board.id);
        let uncreated = tcl.replace("create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect card_mem_ic\n", "");
        assert!(!dangling(&uncreated, xdc).is_empty(), "{}: a cell used but not created is caught", board.id);
        let stray = format!("{xdc}set_property PACKAGE_PIN A1 [get_ports sys_clk_p]\n");
        assert_eq!(dangling(tcl, &stray).len(), 1, "{}: a constraint on a missing port is caught", board.id);
    }
}

#[test]
fn manifests_refuse_what_they_cannot_describe() {
    let board = &BOARDS[0];
    let text = read(board, MANIFEST_FILE);
    let ok = Manifest::from_json(&text, "m.json").unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let check = |v: &serde_json::Value, want: &[&str]| {
        let e = Manifest::from_json(&v.to_string(), "m.json").unwrap_err().to_string();
        for w in want {
            assert!(e.contains(w), "{e:?} should mention {w:?}");
        }
    };
    json["abi"]["major"] = (ok.abi.major + 1).into();
    check(&json, &["m.json", "card ABI 2.1", "this host speaks 1.1"]);
    json["abi"]["major"] = ok.abi.major.into();
    json["format"] = 2.into();
    check(&json, &["m.json", "format 2", "reads format 1"]);
    json["format"] = 1.into();
    json["bitstream_id"] = "0000000000000001".into();
    check(&json, &["bitstream_id", "not derived from source_sha256"]);
    json["bitstream_id"] = "8000000000000000".into();
    check(&json, &["bitstream_id", "bit 63"]);
    json["bitstream_id"] = ok.bitstream_id.clone().into();
    json["colour"] = "red".into();
    check(&json, &["m.json", "line", "colour"]);
    json.as_object_mut().unwrap().remove("colour");
    json["identity"]["clock_hz"] = (-1.0).into();
    check(&json, &["identity.clock_hz"]);
    json["identity"]["clock_hz"] = ok.identity.clock_hz.into();
    assert_eq!(Manifest::from_json(&json.to_string(), "m.json").unwrap(), ok, "restored, it parses again");
    let e = Manifest::from_json("{\"format\": 1, \"board\": ", "m.json").unwrap_err().to_string();
    assert!(e.contains("m.json line 1"), "{e}");
}
