//! The build recipe of one board, generated: the user-logic wrapper, the Vivado TCL and the
//! XDC. Nothing here is edited by hand; `slotproof hdl build --board B` rewrites it.
//!
//! The card top's Verilog comes out of rust-hdl as module `top` with the AXI4-Lite port
//! names of [`crate::card::CardRegs`]. Vivado's block design infers bus interfaces from
//! port names, so a thin wrapper renames the ports to the `s_axil_*` convention, widens
//! the address to the XDMA IP's 32 bits (the block decodes `addr[7:0]`, so the window
//! aliases every [`slotproof_firmware::regs::BLOCK_BYTES`]) and tags the clock with the
//! bus it clocks. The wrapper is the one place the two naming schemes meet; [`AXIL_PORTS`]
//! is its table and the tests check it against the core's Verilog.

use std::fmt::Write as _;

use super::{Board, CardMemory};

/// The card top's module name in the generated sources (rust-hdl names every top `top`).
pub const CORE_MODULE: &str = "slotproof_card_top";
/// The wrapper's module name, which the block design instantiates.
pub const USER_LOGIC_MODULE: &str = "slotproof_user_logic";
/// The files of a recipe, in the order the manifest lists them.
pub const CORE_FILE: &str = "card_top.v";
/// The wrapper's file.
pub const WRAPPER_FILE: &str = "slotproof_user_logic.v";
/// The Vivado TCL.
pub const TCL_FILE: &str = "build.tcl";
/// The constraints.
pub const XDC_FILE: &str = "constraints.xdc";
/// The user logic's bus interface name in the block design.
pub const AXIL_BUS: &str = "s_axil";

/// Direction of a port seen from the user logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Into the user logic.
    In,
    /// Out of it.
    Out,
}

/// One AXI4-Lite port: the core's name, the wrapper's suffix after `s_axil_`, direction,
/// the core's width and the wrapper's width (only the addresses differ).
pub type AxilPort = (&'static str, &'static str, Dir, usize, usize);

/// The AXI4-Lite ports of the card top and of the wrapper.
pub const AXIL_PORTS: &[AxilPort] = &[
    ("awvalid", "awvalid", Dir::In, 1, 1),
    ("awready", "awready", Dir::Out, 1, 1),
    ("awaddr", "awaddr", Dir::In, 8, 32),
    ("wvalid", "wvalid", Dir::In, 1, 1),
    ("wready", "wready", Dir::Out, 1, 1),
    ("wdata", "wdata", Dir::In, 32, 32),
    ("wstrb", "wstrb", Dir::In, 4, 4),
    ("bvalid", "bvalid", Dir::Out, 1, 1),
    ("bready", "bready", Dir::In, 1, 1),
    ("bresp", "bresp", Dir::Out, 2, 2),
    ("arvalid", "arvalid", Dir::In, 1, 1),
    ("arready", "arready", Dir::Out, 1, 1),
    ("araddr", "araddr", Dir::In, 8, 32),
    ("rvalid", "rvalid", Dir::Out, 1, 1),
    ("rready", "rready", Dir::In, 1, 1),
    ("rdata", "rdata", Dir::Out, 32, 32),
    ("rresp", "rresp", Dir::Out, 2, 2),
];
/// The user logic's card-memory master interface name in the block design.
pub const MEM_BUS: &str = "m_axi_mem";

/// One card-memory port: the core's name, the wrapper's suffix after `m_axi_mem_`,
/// direction seen from the user logic, width (the same on both sides).
pub type MemPort = (&'static str, &'static str, Dir, usize);

/// The card-memory master ports of the executing card (`mem_*`) and of the wrapper: single
/// 32-bit beats with a 64-bit address. The SmartConnect widens them to the memory's port.
pub const MEM_PORTS: &[MemPort] = &[
    ("mem_arvalid", "arvalid", Dir::Out, 1),
    ("mem_arready", "arready", Dir::In, 1),
    ("mem_araddr", "araddr", Dir::Out, 64),
    ("mem_rvalid", "rvalid", Dir::In, 1),
    ("mem_rready", "rready", Dir::Out, 1),
    ("mem_rdata", "rdata", Dir::In, 32),
    ("mem_rresp", "rresp", Dir::In, 2),
    ("mem_awvalid", "awvalid", Dir::Out, 1),
    ("mem_awready", "awready", Dir::In, 1),
    ("mem_awaddr", "awaddr", Dir::Out, 64),
    ("mem_wvalid", "wvalid", Dir::Out, 1),
    ("mem_wready", "wready", Dir::In, 1),
    ("mem_wdata", "wdata", Dir::Out, 32),
    ("mem_bvalid", "bvalid", Dir::In, 1),
    ("mem_bready", "bready", Dir::Out, 1),
    ("mem_bresp", "bresp", Dir::In, 2),
];

/// The AXI4 signals the core does not drive, tied in the wrapper: every transaction is one
/// beat (`len` 0, `last` 1) of four bytes (`size` 2, all strobes) in an incrementing burst.
/// `rlast` comes in and is implied by single beats. Suffix, width, value.
pub const MEM_TIES: &[(&str, usize, &str)] = &[
    ("arlen", 8, "8'd0"),
    ("arsize", 3, "3'd2"),
    ("arburst", 2, "2'b01"),
    ("awlen", 8, "8'd0"),
    ("awsize", 3, "3'd2"),
    ("awburst", 2, "2'b01"),
    ("wstrb", 4, "4'hf"),
    ("wlast", 1, "1'b1"),
];

/// The core's clock port and the wrapper's.
pub const CLOCK_PORTS: (&str, &str) = ("clock", "axi_aclk");
/// The core's interrupt port and the wrapper's (the XDMA IP's `usr_irq_req[0]`).
pub const IRQ_PORTS: (&str, &str) = ("irq", "usr_irq_req");

/// The header every generated file starts with, in the file's comment syntax.
fn header(comment: &str, board: &Board, what: &str) -> String {
    format!(
        "{comment} slotproof {what} for the {} ({}).\n{comment} Generated by `slotproof hdl build --board {}`: do not edit, regenerate.\n",
        board.name, board.part, board.id
    )
}

/// Renames the rust-hdl top module `top` (and its children `top$...`) to [`CORE_MODULE`],
/// so the card's sources can sit beside other IP in one Vivado project.
pub fn rename_core(verilog: &str) -> String {
    let mut out = String::with_capacity(verilog.len() + 1024);
    let bytes = verilog.as_bytes();
    let mut i = 0;
    while i < verilog.len() {
        let at_word_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'$');
        let rest = &verilog[i..];
        if at_word_start && rest.starts_with("top") {
            let next = rest.as_bytes().get(3).copied();
            let ends_word = !matches!(next, Some(c) if c.is_ascii_alphanumeric() || c == b'_');
            if ends_word {
                out.push_str(CORE_MODULE);
                i += 3;
                continue;
            }
        }
        let c = rest.chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The wrapper Verilog of `board`.
pub fn wrapper(board: &Board) -> String {
    let mut v = header("//", board, "user logic wrapper");
    let _ = writeln!(
        v,
        "// The card top ({CORE_MODULE}, {CORE_FILE}) with the port names Vivado infers the AXI4-Lite\n\
         // slave `{AXIL_BUS}` and the card-memory AXI4 master `{MEM_BUS}` from, clocked by the XDMA IP's\n\
         // axi_aclk. The core issues single 32-bit beats; the AXI4 fields it does not drive are tied here."
    );
    let _ = writeln!(v, "module {USER_LOGIC_MODULE} (");
    let mut ports = Vec::new();
    ports.push(format!(
        "  (* X_INTERFACE_INFO = \"xilinx.com:signal:clock:1.0 {clk} CLK\" *)\n  \
         (* X_INTERFACE_PARAMETER = \"ASSOCIATED_BUSIF {AXIL_BUS}:{MEM_BUS}, FREQ_HZ {hz}\" *)\n  input  wire        {clk}",
        clk = CLOCK_PORTS.1,
        hz = board.axi_clock_hz.round() as u64
    ));
    let width = |w: usize| if w == 1 { "      ".to_string() } else { format!("[{:>2}:0]", w - 1) };
    for &(_, suffix, dir, _, wide) in AXIL_PORTS {
        let d = if dir == Dir::In { "input " } else { "output" };
        ports.push(format!("  {d} wire {} {AXIL_BUS}_{suffix}", width(wide)));
    }
    for &(_, suffix, dir, w) in MEM_PORTS {
        let d = if dir == Dir::In { "input " } else { "output" };
        ports.push(format!("  {d} wire {} {MEM_BUS}_{suffix}", width(w)));
    }
    for &(suffix, w, _) in MEM_TIES {
        ports.push(format!("  output wire {} {MEM_BUS}_{suffix}", width(w)));
    }
    ports.push(format!("  input  wire        {MEM_BUS}_rlast"));
    ports.push(format!(
        "  (* X_INTERFACE_INFO = \"xilinx.com:signal:interrupt:1.0 {irq} INTERRUPT\" *)\n  \
         (* X_INTERFACE_PARAMETER = \"SENSITIVITY LEVEL_HIGH\" *)\n  output wire        {irq}",
        irq = IRQ_PORTS.1
    ));
    let _ = writeln!(v, "{}\n);", ports.join(",\n"));
    for &(suffix, _, value) in MEM_TIES {
        let _ = writeln!(v, "  assign {MEM_BUS}_{suffix} = {value};");
    }
    let mut conns = vec![format!("    .{}({})", CLOCK_PORTS.0, CLOCK_PORTS.1)];
    for &(core, suffix, _, width, wide) in AXIL_PORTS {
        let sel = if width < wide { format!("[{}:0]", width - 1) } else { String::new() };
        conns.push(format!("    .{core}({AXIL_BUS}_{suffix}{sel})"));
    }
    for &(core, suffix, _, _) in MEM_PORTS {
        conns.push(format!("    .{core}({MEM_BUS}_{suffix})"));
    }
    conns.push(format!("    .{}({})", IRQ_PORTS.0, IRQ_PORTS.1));
    let _ = writeln!(v, "  {CORE_MODULE} core (\n{}\n  );", conns.join(",\n"));
    v.push_str("endmodule\n");
    v
}

/// The XDC of `board`: the PCIe reference clock and reset pins (the lanes' pins follow from
/// the hard block's location), and the bitstream's configuration settings.
pub fn constraints(board: &Board) -> String {
    let p = &board.pcie;
    let mut x = header("#", board, "constraints");
    let _ = write!(
        x,
        "\n# PCIe: 100 MHz reference clock of the x16 lanes and PERST# from the edge connector.\n\
         set_property PACKAGE_PIN {rp} [get_ports {{pcie_refclk_clk_p[0]}}]\n\
         set_property PACKAGE_PIN {rn} [get_ports {{pcie_refclk_clk_n[0]}}]\n\
         create_clock -period 10.000 -name pcie_refclk [get_ports {{pcie_refclk_clk_p[0]}}]\n\
         set_property -dict {{PACKAGE_PIN {pp} IOSTANDARD {ps} PULLUP true}} [get_ports pcie_perstn]\n\
         set_false_path -from [get_ports pcie_perstn]\n\
         \n# Configuration: the flash the board boots from.\n\
         set_property CONFIG_VOLTAGE 1.8 [current_design]\n\
         set_property CFGBVS GND [current_design]\n\
         set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]\n\
         set_property BITSTREAM.CONFIG.SPI_BUSWIDTH 4 [current_design]\n\
         set_property BITSTREAM.CONFIG.CONFIGRATE 63.8 [current_design]\n",
        rp = p.refclk.0,
        rn = p.refclk.1,
        pp = p.perst.0,
        ps = p.perst.1,
    );
    x
}

/// The Vivado TCL of `board`: project, block design (XDMA, user logic, card memory),
/// synthesis, implementation, bitstream and reports, all under `build/` beside the script.
pub fn tcl(board: &Board) -> String {
    let p = &board.pcie;
    let mhz = (board.axi_clock_hz / 1e6).round() as u64;
    let mut t = header("#", board, "Vivado build");
    let _ = write!(
        t,
        "# Run: vivado -mode batch -source {TCL_FILE}   (or `slotproof hdl build --board {id}` with vivado on PATH)\n\
         # Produces build/slotproof_{id}.bit and build/*.rpt. The board files ({bp}) must be\n\
         # installed: the memory interface takes its pins from them.\n\
         \n\
         set here [file dirname [file normalize [info script]]]\n\
         set out [file join $here build]\n\
         create_project -force slotproof_{id} $out -part {part}\n\
         set_property board_part {bp} [current_project]\n\
         add_files -norecurse [list [file join $here {CORE_FILE}] [file join $here {WRAPPER_FILE}]]\n\
         add_files -fileset constrs_1 -norecurse [file join $here {XDC_FILE}]\n\
         update_compile_order -fileset sources_1\n\
         create_bd_design slotproof\n\
         \n\
         # PCIe: XDMA in AXI memory-mapped mode, Gen3 x{lanes}, 512-bit at {mhz} MHz. Its AXI4-Lite master\n\
         # (BAR0, the user BAR the host maps) reaches the card's register block; its AXI master\n\
         # (the H2C and C2H channels) reaches card memory.\n\
         create_bd_cell -type ip -vlnv xilinx.com:ip:xdma xdma\n\
         set_property -dict [list \\\n\
         \x20 CONFIG.mode_selection {{Advanced}} \\\n\
         \x20 CONFIG.pcie_blk_locn {{{block}}} \\\n\
         \x20 CONFIG.select_quad {{{quad}}} \\\n\
         \x20 CONFIG.pl_link_cap_max_link_width {{X{lanes}}} \\\n\
         \x20 CONFIG.pl_link_cap_max_link_speed {{{speed}}} \\\n\
         \x20 CONFIG.axi_data_width {{512_bit}} \\\n\
         \x20 CONFIG.axisten_freq {{{mhz}}} \\\n\
         \x20 CONFIG.xdma_axi_intf_mm {{AXI_Memory_Mapped}} \\\n\
         \x20 CONFIG.axilite_master_en {{true}} \\\n\
         \x20 CONFIG.axilite_master_size {{64}} \\\n\
         \x20 CONFIG.axilite_master_scale {{Kilobytes}} \\\n\
         \x20 CONFIG.xdma_rnum_chnl {{2}} \\\n\
         \x20 CONFIG.xdma_wnum_chnl {{2}} \\\n\
         \x20 CONFIG.xdma_num_usr_irq {{1}} \\\n\
         \x20 CONFIG.pf0_msix_enabled {{true}} \\\n\
         \x20 CONFIG.pf0_device_id {{903F}} \\\n\
         ] [get_bd_cells xdma]\n\
         create_bd_intf_port -mode Slave -vlnv xilinx.com:interface:pcie_7x_mgt_rtl:1.0 pcie_mgt\n\
         connect_bd_intf_net [get_bd_intf_ports pcie_mgt] [get_bd_intf_pins xdma/pcie_mgt]\n\
         create_bd_intf_port -mode Slave -vlnv xilinx.com:interface:diff_clock_rtl:1.0 pcie_refclk\n\
         set_property CONFIG.FREQ_HZ 100000000 [get_bd_intf_ports pcie_refclk]\n\
         create_bd_cell -type ip -vlnv xilinx.com:ip:util_ds_buf pcie_refclk_buf\n\
         set_property CONFIG.C_BUF_TYPE {{IBUFDSGTE}} [get_bd_cells pcie_refclk_buf]\n\
         connect_bd_intf_net [get_bd_intf_ports pcie_refclk] [get_bd_intf_pins pcie_refclk_buf/CLK_IN_D]\n\
         connect_bd_net [get_bd_pins pcie_refclk_buf/IBUF_OUT] [get_bd_pins xdma/sys_clk_gt]\n\
         connect_bd_net [get_bd_pins pcie_refclk_buf/IBUF_DS_ODIV2] [get_bd_pins xdma/sys_clk]\n\
         create_bd_port -dir I -type rst pcie_perstn\n\
         set_property CONFIG.POLARITY ACTIVE_LOW [get_bd_ports pcie_perstn]\n\
         connect_bd_net [get_bd_ports pcie_perstn] [get_bd_pins xdma/sys_rst_n]\n\
         \n\
         # The user logic: the card top, generated from the firmware ABI.\n\
         create_bd_cell -type module -reference {USER_LOGIC_MODULE} user_logic\n\
         connect_bd_net [get_bd_pins xdma/axi_aclk] [get_bd_pins user_logic/{clk}]\n\
         connect_bd_intf_net [get_bd_intf_pins xdma/M_AXI_LITE] [get_bd_intf_pins user_logic/{AXIL_BUS}]\n\
         connect_bd_net [get_bd_pins user_logic/{irq}] [get_bd_pins xdma/usr_irq_req]\n\
         assign_bd_address -offset 0x00000000 -range 64K [get_bd_addr_segs user_logic/{AXIL_BUS}/reg0]\n\
         \n",
        id = board.id,
        bp = board.board_part,
        part = board.part,
        lanes = p.lanes,
        block = p.block,
        quad = p.gt_quad,
        speed = p.link_speed,
        clk = CLOCK_PORTS.1,
        irq = IRQ_PORTS.1,
    );
    t.push_str(&memory_tcl(board));
    let _ = write!(
        t,
        "\n\
         validate_bd_design\n\
         save_bd_design\n\
         make_wrapper -files [get_files slotproof.bd] -top -import\n\
         set_property top slotproof_wrapper [current_fileset]\n\
         \n\
         launch_runs synth_1 -jobs 8\n\
         wait_on_run synth_1\n\
         launch_runs impl_1 -to_step write_bitstream -jobs 8\n\
         wait_on_run impl_1\n\
         if {{[get_property PROGRESS [get_runs impl_1]] != \"100%\"}} {{\n\
         \x20 error \"slotproof: implementation of {id} did not finish; see $out/slotproof_{id}.runs/impl_1\"\n\
         }}\n\
         open_run impl_1\n\
         report_utilization -file [file join $out utilization.rpt]\n\
         report_timing_summary -file [file join $out timing.rpt]\n\
         file copy -force [glob [file join $out slotproof_{id}.runs impl_1 *.bit]] [file join $out slotproof_{id}.bit]\n",
        id = board.id
    );
    t
}

/// Card memory: the XDMA IP's AXI master reaches it through a SmartConnect (which crosses
/// from the 250 MHz PCIe clock to the memory's), the kernels' masters join it there.
fn memory_tcl(board: &Board) -> String {
    let mut t = String::from(
        "# Card memory behind a SmartConnect: the host's DMA writes the trace here and the card's\n\
         # command processor reads and writes it through the user logic's AXI4 master.\n\
         create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect card_mem_ic\n\
         set_property -dict [list CONFIG.NUM_SI {2} CONFIG.NUM_CLKS {2}] [get_bd_cells card_mem_ic]\n\
         connect_bd_intf_net [get_bd_intf_pins xdma/M_AXI] [get_bd_intf_pins card_mem_ic/S00_AXI]\n\
         connect_bd_net [get_bd_pins xdma/axi_aclk] [get_bd_pins card_mem_ic/aclk]\n\
         connect_bd_net [get_bd_pins xdma/axi_aresetn] [get_bd_pins card_mem_ic/aresetn]\n",
    );
    let _ = writeln!(
        t,
        "connect_bd_intf_net [get_bd_intf_pins user_logic/{MEM_BUS}] [get_bd_intf_pins card_mem_ic/S01_AXI]"
    );
    match board.memory {
        CardMemory::Hbm { gib, stacks } => {
            let _ = write!(
                t,
                "# HBM: {gib} GiB in {stacks} stack(s); the first pseudo-channel port serves the card's\n\
                 # address map (the HBM IP's global addressing lets one port reach every channel).\n\
                 create_bd_cell -type ip -vlnv xilinx.com:ip:hbm card_mem\n\
                 set_property -dict [list \\\n\
                 \x20 CONFIG.USER_HBM_DENSITY {{{density}GB}} \\\n\
                 \x20 CONFIG.USER_HBM_STACK {{{stacks}}} \\\n\
                 \x20 CONFIG.USER_SWITCH_ENABLE_00 {{TRUE}} \\\n\
                 \x20 CONFIG.USER_SAXI_00 {{true}} \\\n\
                 \x20 CONFIG.USER_APB_EN {{false}} \\\n\
                 ] [get_bd_cells card_mem]\n\
                 connect_bd_intf_net [get_bd_intf_pins card_mem_ic/M00_AXI] [get_bd_intf_pins card_mem/SAXI_00]\n\
                 create_bd_cell -type ip -vlnv xilinx.com:ip:clk_wiz card_mem_clk\n\
                 set_property -dict [list CONFIG.PRIM_SOURCE {{No_buffer}} CONFIG.PRIM_IN_FREQ {{250}} \\\n\
                 \x20 CONFIG.CLKOUT1_REQUESTED_OUT_FREQ {{450}} CONFIG.CLKOUT2_USED {{true}} \\\n\
                 \x20 CONFIG.CLKOUT2_REQUESTED_OUT_FREQ {{100}}] [get_bd_cells card_mem_clk]\n\
                 connect_bd_net [get_bd_pins xdma/axi_aclk] [get_bd_pins card_mem_clk/clk_in1]\n\
                 connect_bd_net [get_bd_pins card_mem_clk/clk_out1] [get_bd_pins card_mem_ic/aclk1] [get_bd_pins card_mem/AXI_00_ACLK]\n\
                 connect_bd_net [get_bd_pins card_mem_clk/clk_out2] [get_bd_pins card_mem/HBM_REF_CLK_0] [get_bd_pins card_mem/APB_0_PCLK]\n\
                 connect_bd_net [get_bd_pins xdma/axi_aresetn] [get_bd_pins card_mem/AXI_00_ARESET_N] [get_bd_pins card_mem/APB_0_PRESET_N]\n\
                 assign_bd_address -offset 0x00000000 -range {gib}G [get_bd_addr_segs card_mem/SAXI_00/HBM_MEM00]\n\
                 assign_bd_address -target_address_space [get_bd_addr_spaces user_logic/{MEM_BUS}] -offset 0x00000000 -range {gib}G [get_bd_addr_segs card_mem/SAXI_00/HBM_MEM00]\n",
                density = gib,
            );
            if stacks > 1 {
                t.push_str(
                    "connect_bd_net [get_bd_pins card_mem_clk/clk_out2] [get_bd_pins card_mem/HBM_REF_CLK_1] [get_bd_pins card_mem/APB_1_PCLK]\n\
                     connect_bd_net [get_bd_pins xdma/axi_aresetn] [get_bd_pins card_mem/APB_1_PRESET_N]\n",
                );
            }
        }
        CardMemory::Ddr4 { channels, gib_per_channel, board_interface, clock_interface } => {
            let _ = write!(
                t,
                "# DDR4: channel 0 of {channels} ({gib_per_channel} GiB), pins and clock from the board files.\n\
                 create_bd_cell -type ip -vlnv xilinx.com:ip:ddr4 card_mem\n\
                 apply_board_connection -board_interface {board_interface} -ip_intf card_mem/C0_DDR4 -diagram slotproof\n\
                 apply_board_connection -board_interface {clock_interface} -ip_intf card_mem/C0_SYS_CLK -diagram slotproof\n\
                 connect_bd_intf_net [get_bd_intf_pins card_mem_ic/M00_AXI] [get_bd_intf_pins card_mem/C0_DDR4_S_AXI]\n\
                 connect_bd_net [get_bd_pins card_mem/c0_ddr4_ui_clk] [get_bd_pins card_mem_ic/aclk1]\n\
                 create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset card_mem_rst\n\
                 connect_bd_net [get_bd_pins card_mem/c0_ddr4_ui_clk] [get_bd_pins card_mem_rst/slowest_sync_clk]\n\
                 connect_bd_net [get_bd_pins card_mem/c0_ddr4_ui_clk_sync_rst] [get_bd_pins card_mem_rst/ext_reset_in]\n\
                 connect_bd_net [get_bd_pins card_mem_rst/peripheral_aresetn] [get_bd_pins card_mem/c0_ddr4_aresetn]\n\
                 create_bd_cell -type ip -vlnv xilinx.com:ip:util_vector_logic card_mem_sys_rst\n\
                 set_property -dict [list CONFIG.C_OPERATION {{not}} CONFIG.C_SIZE {{1}}] [get_bd_cells card_mem_sys_rst]\n\
                 connect_bd_net [get_bd_pins xdma/axi_aresetn] [get_bd_pins card_mem_sys_rst/Op1]\n\
                 connect_bd_net [get_bd_pins card_mem_sys_rst/Res] [get_bd_pins card_mem/sys_rst]\n\
                 assign_bd_address -offset 0x00000000 -range {gib_per_channel}G [get_bd_addr_segs card_mem/C0_DDR4_MEMORY_MAP/C0_DDR4_ADDRESS_BLOCK]\n\
                 assign_bd_address -target_address_space [get_bd_addr_spaces user_logic/{MEM_BUS}] -offset 0x00000000 -range {gib_per_channel}G [get_bd_addr_segs card_mem/C0_DDR4_MEMORY_MAP/C0_DDR4_ADDRESS_BLOCK]\n"
            );
        }
    }
    t
}
