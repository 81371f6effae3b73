//! An [`AxiLiteSession`] against a slave that never completes a handshake: each request
//! gives up after [`SESSION_HANDSHAKE_CYCLES`] with an error (the session must never hang
//! a test or a driver on a broken slave), and the cycle count says how far it ran.

use slotproof_hdl::eda::{AxiLiteHarness, EdaError, MemoryModel, SESSION_HANDSHAKE_CYCLES, has_card_memory_port};

/// Takes read addresses but never answers them, and never takes a write address.
const STUCK: &str = r#"
module top(input clock, input awvalid, output awready, input [7:0] awaddr, input wvalid, output wready,
           input [31:0] wdata, input [3:0] wstrb, output bvalid, input bready, input arvalid,
           output arready, input [7:0] araddr, output rvalid, input rready, output [31:0] rdata,
           output irq);
  assign awready = 1'b0;
  assign wready = 1'b1;
  assign bvalid = 1'b0;
  assign arready = 1'b1;
  assign rvalid = 1'b0;
  assign rdata = 32'h0;
  assign irq = 1'b0;
endmodule
"#;

#[test]
fn a_slave_that_never_answers_is_an_error_after_the_bound() {
    let session = AxiLiteHarness::build("stuck", STUCK).expect("verilates").start().expect("starts");
    let bound = SESSION_HANDSHAKE_CYCLES;
    let e = session.write32(0x10, 7).expect_err("the write address is never taken");
    assert!(matches!(e, EdaError::Unexpected { .. }) && e.to_string().contains("write"), "{e}");
    assert_eq!(session.cycles(), bound);
    let e = session.read32(0x10).expect_err("the read is never answered");
    assert!(e.to_string().contains("read at 0x10"), "{e}");
    assert_eq!(session.cycles(), 2 * bound);
    assert!(!session.tick(5).expect("ticks"));
    assert_eq!(session.run_until_irq(10).expect("runs"), 10);
    assert!(!session.irq().expect("answers"));
    let stats = session.stats();
    assert_eq!((stats.cycles, stats.transactions), (2 * bound + 15, 0));
}

#[test]
fn a_top_without_the_memory_port_has_no_card_memory() {
    assert!(!has_card_memory_port(STUCK));
    let harness = AxiLiteHarness::build("no-memory", STUCK).expect("verilates");
    assert_eq!(harness.memory(), None);
    let e = harness.start_with_memory(MemoryModel::new(1 << 20)).err().expect("no memory to start with");
    assert!(e.to_string().contains("no card memory"), "{e}");
    let session = harness.start().expect("starts");
    for e in [session.mem_write(0, &[1, 2, 3]).expect_err("DMA in"), session.mem_read(0, 3).expect_err("DMA out")] {
        assert!(e.to_string().contains("no card memory"), "{e}");
    }
    assert_eq!(session.stats(), Default::default(), "nothing was sent to the model");
}
