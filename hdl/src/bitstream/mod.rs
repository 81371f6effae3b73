//! # Bitstreams: a board build of the card, and the manifest that describes it
//!
//! A bitstream is the card top level ([`crate::card`]) placed behind the XDMA IP of one
//! board. This module owns everything that turns the RTL into something Vivado builds and
//! the host can trust:
//!
//! - [`Board`]: the boards we build for (part, board files, PCIe lanes and pins, card
//!   memory), one table;
//! - [`recipe`]: the generated build recipe of a board: the user-logic wrapper Vivado's
//!   block design instantiates, the Vivado TCL that creates the block design and runs the
//!   flow, and the XDC with the board's PCIe pins and clocks;
//! - [`manifest`]: the serde manifest committed beside each recipe (ABI version, source
//!   hash, build ID, identity, resources, target clock), which the host checks a card
//!   against before trusting it;
//! - [`build`]: `slotproof hdl build --board B`, which writes all of it, synthesises the
//!   whole card with yosys for the resource report, and runs Vivado when it is on PATH.
//!
//! The build ID the card reports in `BITSTREAM_LO/HI` is derived from the source hash, so
//! a card answers with the manifest of exactly the sources it was built from.

pub mod build;
pub mod manifest;
pub mod recipe;

pub use build::{BuildError, BuildOptions, BuildOutcome, build};
pub use manifest::{Manifest, ManifestError};

/// Where a board's card memory is and how much of it there is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardMemory {
    /// High-bandwidth memory stacks in the package, reached through the HBM IP's AXI ports.
    Hbm {
        /// Total GiB.
        gib: u64,
        /// Stacks (one per 8 GiB on these parts).
        stacks: u8,
    },
    /// DDR4 channels on the board, each behind a memory-interface IP.
    Ddr4 {
        /// Channels populated.
        channels: u8,
        /// GiB per channel.
        gib_per_channel: u64,
        /// The first channel's board interface name in the board files.
        board_interface: &'static str,
        /// Its reference clock's board interface name.
        clock_interface: &'static str,
    },
}

impl CardMemory {
    /// Bytes of card memory the bitstream uses (the first channel for DDR4: the user logic
    /// reaches one memory controller until the kernels need more bandwidth).
    pub const fn mem_bytes(self) -> u64 {
        match self {
            CardMemory::Hbm { gib, .. } => gib << 30,
            CardMemory::Ddr4 { gib_per_channel, .. } => gib_per_channel << 30,
        }
    }
}

/// The PCIe endpoint of a board: link and the pins of its x16 lanes' reference clock and
/// reset (from the board's published pinout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pcie {
    /// Link speed in GT/s as the XDMA IP spells it (`8.0_GT/s` is Gen3).
    pub link_speed: &'static str,
    /// Lanes.
    pub lanes: u8,
    /// The PCIe hard block the x16 lanes reach.
    pub block: &'static str,
    /// The GT quad of lane 0.
    pub gt_quad: &'static str,
    /// 100 MHz reference clock, positive and negative pins.
    pub refclk: (&'static str, &'static str),
    /// PERST# pin and its I/O standard.
    pub perst: (&'static str, &'static str),
}

/// A board we build for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Board {
    /// The id the CLI, the planner's catalogue and the directory under `bitstreams/boards`
    /// use.
    pub id: &'static str,
    /// The product name.
    pub name: &'static str,
    /// The FPGA part.
    pub part: &'static str,
    /// The Vivado board part (board files), used for the memory interface's pins.
    pub board_part: &'static str,
    /// The PCIe endpoint.
    pub pcie: Pcie,
    /// Card memory.
    pub memory: CardMemory,
    /// The XDMA IP's AXI clock (`axi_aclk`), which clocks the user logic: 250 MHz for a
    /// 512-bit Gen3x16 interface.
    pub axi_clock_hz: f64,
}

/// Gen3 x16 with the 512-bit AXI interface at 250 MHz: the XDMA configuration of every
/// board here (16 lanes × 8 GT/s × 128/130 ≈ 15.75 GB/s ≤ 64 B × 250 MHz = 16 GB/s).
const GEN3_X16: &str = "8.0_GT/s";

/// The PCIe endpoint of the U55C and the C1100: one board design in the same FSVH2892 package,
/// x16 lanes in GTY quads 224–227, reference clock on MGTREFCLK0 of quad 225.
const FSVH2892_PCIE: Pcie = Pcie {
    link_speed: GEN3_X16,
    lanes: 16,
    block: "PCIE4C_X1Y0",
    gt_quad: "GTY_Quad_227",
    refclk: ("AR15", "AR14"),
    perst: ("BF41", "LVCMOS18"),
};

/// The boards, in the order `--help` lists them.
pub const BOARDS: &[Board] = &[
    Board {
        id: "u55c",
        name: "AMD Alveo U55C",
        part: "xcu55c-fsvh2892-2L-e",
        board_part: "xilinx.com:au55c:part0:1.0",
        pcie: FSVH2892_PCIE,
        memory: CardMemory::Hbm { gib: 16, stacks: 2 },
        axi_clock_hz: 250e6,
    },
    Board {
        id: "u250",
        name: "AMD Alveo U250",
        part: "xcu250-figd2104-2L-e",
        board_part: "xilinx.com:au250:part0:1.3",
        pcie: Pcie {
            link_speed: GEN3_X16,
            lanes: 16,
            block: "PCIE4_X1Y2",
            gt_quad: "GTY_Quad_227",
            refclk: ("AM11", "AM10"),
            perst: ("BD21", "LVCMOS12"),
        },
        memory: CardMemory::Ddr4 {
            channels: 4,
            gib_per_channel: 16,
            board_interface: "ddr4_sdram_c0",
            clock_interface: "default_300mhz_clk0",
        },
        axi_clock_hz: 250e6,
    },
    Board {
        id: "c1100",
        name: "AMD Varium C1100",
        part: "xcu55n-fsvh2892-2L-e",
        board_part: "xilinx.com:au55n:part0:1.0",
        pcie: FSVH2892_PCIE,
        memory: CardMemory::Hbm { gib: 8, stacks: 1 },
        axi_clock_hz: 250e6,
    },
];

/// The board with this id.
pub fn board(id: &str) -> Result<&'static Board, BuildError> {
    BOARDS.iter().find(|b| b.id.eq_ignore_ascii_case(id)).ok_or_else(|| BuildError::UnknownBoard {
        id: id.to_string(),
        known: BOARDS.iter().map(|b| b.id).collect::<Vec<_>>().join(", "),
    })
}
