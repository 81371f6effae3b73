//! `SyncMem32`: a simple dual-port 32-bit memory of any depth, one-cycle registered read.
//!
//! The NTT's delay buffers and twiddle ROMs need a different depth in every stage
//! (`2^(k−1−s)` words), but rust-hdl's `RAM`/`SyncROM` take the address width as a const
//! generic, so stages of one core could not share a type (and `Vec<stage>` is how a core with
//! `k` chosen at construction holds them). This block is therefore written as hand Verilog
//! (`Verilog::Custom`, the pattern of notes §3 B) with the depth a construction parameter and
//! a plain-Rust cycle model; the NTT core's cross-simulation under iverilog and Verilator checks
//! that the two agree. The Verilog is the textbook inference template, so yosys maps deep
//! instances to block RAM and short ones to LUT RAM or registers.
//!
//! Read-during-write to the same address returns the old word in both models (read-first),
//! though the NTT never relies on it. An initialised memory with its write port tied off is a
//! ROM.

use rust_hdl::prelude::*;

/// Widest address the ports carry: depths up to `2^16` words.
pub const MEM_ADDR_BITS: usize = 16;

/// Depth from which a memory is pinned to block RAM (256 × 32 bits is half a RAMB18E2 or two
/// SB_RAM40_4K); shallower ones are left to yosys (LUT RAM or flip-flops).
pub const BLOCK_RAM_DEPTH: usize = 256;

/// The memory. Build it with [`SyncMem32::ram`] or [`SyncMem32::rom`].
#[derive(LogicBlock)]
pub struct SyncMem32 {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Write `wdata` at `waddr` on this edge.
    pub we: Signal<In, Bit>,
    /// Write address, below the depth.
    pub waddr: Signal<In, Bits<MEM_ADDR_BITS>>,
    /// Word to write.
    pub wdata: Signal<In, Bits<32>>,
    /// Read address, below the depth.
    pub raddr: Signal<In, Bits<MEM_ADDR_BITS>>,
    /// The word at `raddr` as of the previous edge.
    pub rdata: Signal<Out, Bits<32>>,
    _words: Vec<u64>,
    _init: bool,
}

impl SyncMem32 {
    /// Cycles from `raddr` to `rdata`.
    pub const LATENCY: usize = 1;

    /// A RAM of `depth` words, all zero.
    pub fn ram(depth: usize) -> Self {
        Self::with_words(vec![0; depth], false)
    }

    /// A ROM (write port unused) holding `words`.
    pub fn rom(words: &[u64]) -> Self {
        Self::with_words(words.to_vec(), true)
    }

    fn with_words(words: Vec<u64>, init: bool) -> Self {
        assert!(!words.is_empty() && words.len() <= 1 << MEM_ADDR_BITS, "memory depth {} out of range", words.len());
        assert!(words.iter().all(|&w| w >> 32 == 0), "a memory word is wider than 32 bits");
        Self {
            clock: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            raddr: Default::default(),
            rdata: Default::default(),
            _words: words,
            _init: init,
        }
    }

    /// Number of words.
    pub fn depth(&self) -> usize {
        self._words.len()
    }
}

impl Logic for SyncMem32 {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            // Out-of-range addresses read 0 here and X in Verilog; the NTT never issues them.
            let read = self._words.get(self.raddr.val().index()).copied().unwrap_or(0);
            if self.we.val() {
                let (addr, word) = (self.waddr.val().index(), self.wdata.val().to_u64());
                if let Some(slot) = self._words.get_mut(addr) {
                    *slot = word;
                }
            }
            self.rdata.next = read.to_bits();
        }
    }

    fn connect(&mut self) {
        self.rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        let depth = self._words.len();
        if depth == 1 {
            // A one-word memory is a register: yosys 0.23's LUT-RAM mapper rejects a memory
            // with no address bits ("invalid OPTION_ABITS/WIDTH combination").
            return Verilog::Custom(format!(
                "\
reg [31:0] word;
initial begin
   word = 32'h{w:08x};
   rdata = 32'h0;
end
always @(posedge clock) begin
   if (we) word <= wdata;
   rdata <= word;
end
",
                w = self._words[0]
            ));
        }
        let init: String = if self._init {
            let lines: String =
                self._words.iter().enumerate().map(|(i, w)| format!("   mem[{i}] = 32'h{w:08x};\n")).collect();
            format!("initial begin\n{lines}end\n")
        } else {
            String::new()
        };
        // Deep memories go to block RAM explicitly: left to choose, yosys 0.23 maps a deep one
        // whose read and write addresses coincide (the NTT's input buffers) to a single-port
        // LUT RAM, which its xcup mapper then rejects above 512 words.
        let style = if depth >= BLOCK_RAM_DEPTH { "(* ram_style = \"block\" *) " } else { "" };
        Verilog::Custom(format!(
            "\
{style}reg [31:0] mem [0:{last}];
{init}initial begin
   rdata = 32'h0;
end
always @(posedge clock) begin
   if (we) mem[waddr] <= wdata;
   rdata <= mem[raddr];
end
",
            last = depth - 1
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_mem32_is_synthesizable() {
        for depth in [64, BLOCK_RAM_DEPTH] {
            let mut ram = SyncMem32::ram(depth);
            ram.connect_all();
            yosys_validate(&format!("sync_mem32_ram{depth}"), &generate_verilog(&ram)).unwrap();
        }
        for words in [&[7][..], &[1, 2, 3]] {
            let mut rom = SyncMem32::rom(words);
            rom.connect_all();
            yosys_validate(&format!("sync_mem32_rom{}", words.len()), &generate_verilog(&rom)).unwrap();
        }
    }
}
