//! [`RtlTransport`] on a card top with the card memory master port: DMA goes into the
//! harness's memory, the one the RTL reads and writes cycle by cycle (the committed card
//! top has no such port and keeps its behavioural memory: `rtl_card.rs`). The top here is
//! a probe written for the test: it reads or writes one word of card memory on a register
//! write and raises `irq` when the memory has answered, so a word the host put there by
//! DMA must come back through the RTL's port, and one the RTL wrote must come back by DMA.

use std::time::Duration;

use slotproof_hdl::eda::CARD_MEMORY_TOP_HEADER;
use slotproof_host::transport::rtl::RtlCard;
use slotproof_host::transport::{Transport, XferError};

/// Registers: `ADDR` (the word's byte address), `DATA`, `GO` (bit 0: write `DATA` to
/// `ADDR`; else read `ADDR` into `DATA`; `irq` when answered, cleared by the next `GO`).
const ADDR: u64 = 0x0;
const DATA: u64 = 0x4;
const GO: u64 = 0x8;

/// The probe's body ([`CARD_MEMORY_TOP_HEADER`] is its header).
const PROBE: &str = r#"
  reg bvalid_q = 0, rvalid_q = 0, irq_q = 0, arvalid_q = 0, awvalid_q = 0, wvalid_q = 0;
  reg [31:0] rdata_q = 0;
  assign {bvalid, rvalid, rdata, irq} = {bvalid_q, rvalid_q, rdata_q, irq_q};
  assign {mem_arvalid, mem_awvalid, mem_wvalid} = {arvalid_q, awvalid_q, wvalid_q};
  assign bresp = 2'b00;
  assign rresp = 2'b00;
  reg [31:0] addr = 0, data = 0;
  // The session offers a write's address and data together: both taken at once.
  assign awready = awvalid && wvalid && !bvalid;
  assign wready = awready;
  assign arready = !rvalid;
  assign mem_araddr = {32'b0, addr};
  assign mem_awaddr = {32'b0, addr};
  assign mem_wdata = data;
  assign mem_rready = 1'b1;
  assign mem_bready = 1'b1;
  always @(posedge clock) begin
    if (bvalid && bready) bvalid_q <= 0;
    if (awready) begin
      bvalid_q <= 1;
      case (awaddr[3:0])
        4'h0: addr <= wdata;
        4'h4: data <= wdata;
        4'h8: begin
          irq_q <= 0;
          if (wdata[0]) begin awvalid_q <= 1; wvalid_q <= 1; end
          else arvalid_q <= 1;
        end
        default: ;
      endcase
    end
    if (rvalid && rready) rvalid_q <= 0;
    if (arvalid && arready) begin
      rvalid_q <= 1;
      rdata_q <= araddr[3:0] == 4'h4 ? data : addr;
    end
    if (mem_arvalid && mem_arready) arvalid_q <= 0;
    if (mem_awvalid && mem_awready) awvalid_q <= 0;
    if (mem_wvalid && mem_wready) wvalid_q <= 0;
    if (mem_rvalid) begin data <= mem_rdata; irq_q <= 1; end
    if (mem_bvalid) irq_q <= 1;
  end
endmodule
"#;

const MEM_BYTES: u64 = 1 << 20;

/// Runs one `GO` and waits (in simulated time) for the memory's answer.
fn go(t: &dyn Transport, write: bool) {
    t.write32(GO, u32::from(write)).expect("GO");
    assert!(t.wait_irq(0, Duration::from_micros(10)).expect("waits"), "the memory answered");
}

#[test]
fn dma_and_the_rtl_share_the_harness_memory() {
    let card = RtlCard::from_verilog("rtl-memory-probe", &format!("{CARD_MEMORY_TOP_HEADER}{PROBE}"), 250e6, MEM_BYTES)
        .expect("the probe verilates");
    assert!(card.has_memory_port(), "the probe's memory port is found");
    let t = card.transport().expect("starts");
    assert_eq!(t.info().mem_len, Some(MEM_BYTES));

    // Host → card memory by DMA (unaligned), read by the RTL through its port.
    let bytes: Vec<u8> = (0..11u8).map(|k| 0x10 + k).collect();
    t.h2c(0, 0x1001, &bytes).expect("DMA in");
    t.write32(ADDR, 0x1004).expect("ADDR");
    go(&t, false);
    assert_eq!(t.read32(DATA).expect("DATA"), u32::from_le_bytes([0x13, 0x14, 0x15, 0x16]));

    // RTL → card memory through its port, read back by DMA.
    t.write32(ADDR, 0x2008).expect("ADDR");
    t.write32(DATA, 0x1234_5678).expect("DATA");
    go(&t, true);
    let mut back = [0u8; 10];
    t.c2h(0, 0x2006, &mut back).expect("DMA out");
    assert_eq!(back, [0, 0, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0]);
    let stats = t.stats().memory;
    assert_eq!((stats.reads, stats.writes, stats.errors), (1, 1, 0), "the RTL's accesses, counted by the memory");

    // The transport's bounds errors, as with the behavioural memory.
    let e = t.h2c(0, MEM_BYTES - 2, &[1, 2, 3]).expect_err("past the end");
    assert!(matches!(e, XferError::OutOfRange { .. }), "{e}");
    let e = t.c2h(0, u64::MAX, &mut [0; 2]).expect_err("wraps");
    assert!(matches!(e, XferError::OutOfRange { .. }), "{e}");
}
