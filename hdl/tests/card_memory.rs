//! The card memory of [`AxiLiteHarness::build_with_memory`] against a small copy engine
//! written here in Verilog: a register block whose doorbell copies `COUNT` words from
//! `SRC` to `DST` through the card memory master port, several reads ahead of its writes.
//! The host side is DMA into and out of the model's memory; every check compares the
//! whole memory read back with a mirror kept in Rust, so a word written where it should
//! not be is found as surely as a word not written. Seeds are fresh per run, printed, and
//! replayed with `SLOTPROOF_SEED`.

use std::sync::OnceLock;
use std::time::Instant;

use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::eda::{
    AxiLiteHarness, AxiLiteSession, CARD_MEMORY_TOP_HEADER, DMA_CHUNK_BYTES, EdaError, MemoryModel,
    has_card_memory_port,
};

/// The card memory of these tests: 1 MiB, small enough to mirror and compare whole.
const MEM_BYTES: u64 = 1 << 20;

/// The copy engine's registers (byte offsets on the AXI4-Lite port).
const SRC_LO: u32 = 0x00;
const SRC_HI: u32 = 0x04;
const DST_LO: u32 = 0x08;
const DST_HI: u32 = 0x0c;
const COUNT: u32 = 0x10;
const DOORBELL: u32 = 0x14;
const STATUS: u32 = 0x18;
/// `STATUS` bits (bit 0 is busy).
const DONE: u32 = 2;
const ERROR: u32 = 4;

/// The copy engine. Register writes take address and data independently and act once both
/// are in; a doorbell while a copy runs is ignored. The engine reserves a FIFO slot with
/// each read address it issues (so read data is always taken, `mem_rready` high), issues a
/// word's write address and data independently once the word is in, and counts writes
/// whose response has not come back: it is done when every word was read, written out and
/// answered. Any SLVERR sets the error bit; a copy never stops early, so its length in
/// cycles does not depend on where the errors are. The body of the module
/// ([`CARD_MEMORY_TOP_HEADER`] is its header).
const COPY_ENGINE: &str = r#"
  reg bvalid_q = 0, rvalid_q = 0;
  reg [31:0] rdata_q = 0;
  assign bvalid = bvalid_q;
  assign rvalid = rvalid_q;
  assign rdata = rdata_q;
  reg [63:0] src = 0, dst = 0;
  reg [31:0] count = 0;
  reg busy = 0, done = 0, error = 0;
  assign irq = done;
  assign bresp = 2'b00;
  assign rresp = 2'b00;

  // Registers: SRC 0x00/0x04, DST 0x08/0x0c, COUNT 0x10, DOORBELL 0x14, STATUS 0x18.
  reg aw_full = 0, w_full = 0;
  reg [7:0] aw_q = 0;
  reg [31:0] w_q = 0;
  assign awready = !aw_full;
  assign wready = !w_full;
  assign arready = !rvalid;
  wire reg_write = aw_full && w_full && !bvalid;
  wire start = reg_write && aw_q == 8'h14 && !busy;

  // The engine: reads run up to DEPTH words ahead of the writes.
  localparam DEPTH = 8;
  reg [31:0] fifo [0:DEPTH-1];
  reg [3:0] head = 0, tail = 0;
  reg [31:0] reads_left = 0, unanswered = 0;
  reg [63:0] read_at = 0, write_at = 0;
  reg [4:0] reserved = 0;
  reg aw_sent = 0, w_sent = 0;

  wire have = head != tail;
  assign mem_arvalid = busy && reads_left != 0 && reserved < DEPTH;
  assign mem_araddr = read_at;
  assign mem_rready = 1'b1;
  assign mem_awvalid = have && !aw_sent;
  assign mem_awaddr = write_at;
  assign mem_wvalid = have && !w_sent;
  assign mem_wdata = fifo[head[2:0]];
  assign mem_bready = 1'b1;
  wire ar_fire = mem_arvalid && mem_arready;
  wire aw_fire = mem_awvalid && mem_awready;
  wire w_fire = mem_wvalid && mem_wready;
  wire pop = have && (aw_sent || aw_fire) && (w_sent || w_fire);
  wire finished = busy && reads_left == 0 && reserved == 0 && unanswered == 0;

  always @(posedge clock) begin
    if (awvalid && awready) begin aw_full <= 1; aw_q <= awaddr[7:0]; end
    if (wvalid && wready) begin w_full <= 1; w_q <= wdata; end
    if (bvalid && bready) bvalid_q <= 0;
    if (reg_write) begin
      aw_full <= 0;
      w_full <= 0;
      bvalid_q <= 1;
      case (aw_q)
        8'h00: src[31:0] <= w_q;
        8'h04: src[63:32] <= w_q;
        8'h08: dst[31:0] <= w_q;
        8'h0c: dst[63:32] <= w_q;
        8'h10: count <= w_q;
        default: ;
      endcase
    end
    if (rvalid && rready) rvalid_q <= 0;
    if (arvalid && arready) begin
      rvalid_q <= 1;
      case (araddr[7:0])
        8'h00: rdata_q <= src[31:0];
        8'h04: rdata_q <= src[63:32];
        8'h08: rdata_q <= dst[31:0];
        8'h0c: rdata_q <= dst[63:32];
        8'h10: rdata_q <= count;
        8'h18: rdata_q <= {29'b0, error, done, busy};
        default: rdata_q <= 0;
      endcase
    end
    if (start) begin
      busy <= 1;
      done <= 0;
      error <= 0;
      reads_left <= count;
      read_at <= src;
      write_at <= dst;
    end
    if (ar_fire) begin
      reads_left <= reads_left - 1;
      read_at <= read_at + 4;
    end
    if (mem_rvalid) begin
      fifo[tail[2:0]] <= mem_rdata;
      tail <= tail + 1;
      if (mem_rresp != 2'b00) error <= 1;
    end
    if (pop) begin
      head <= head + 1;
      write_at <= write_at + 4;
      aw_sent <= 0;
      w_sent <= 0;
    end else begin
      if (aw_fire) aw_sent <= 1;
      if (w_fire) w_sent <= 1;
    end
    reserved <= reserved + ar_fire - pop;
    unanswered <= unanswered + pop - mem_bvalid;
    if (mem_bvalid && mem_bresp != 2'b00) error <= 1;
    if (finished) begin
      busy <= 0;
      done <= 1;
    end
  end
endmodule
"#;

/// One verilation for every test of this binary (sessions set their own memory timing).
fn harness() -> &'static AxiLiteHarness {
    static H: OnceLock<AxiLiteHarness> = OnceLock::new();
    H.get_or_init(|| {
        assert!(has_card_memory_port(&format!("{CARD_MEMORY_TOP_HEADER}{COPY_ENGINE}")), "the port is found");
        AxiLiteHarness::build_with_memory(
            "card-memory",
            &format!("{CARD_MEMORY_TOP_HEADER}{COPY_ENGINE}"),
            MemoryModel::new(MEM_BYTES),
        )
        .expect("the copy engine verilates")
    })
}

/// A finished copy: its cycles (doorbell to `irq`), `STATUS`, and the wall time of the run.
struct Copied {
    cycles: u64,
    status: u32,
    seconds: f64,
}

/// Programs and rings a copy of `count` words and runs until `irq`; a copy that does not
/// finish within a generous bound (every word a full handshake timeout) is an error.
fn copy(s: &AxiLiteSession, src: u64, dst: u64, count: u32) -> Result<Copied, EdaError> {
    for (off, v) in [
        (SRC_LO, src as u32),
        (SRC_HI, (src >> 32) as u32),
        (DST_LO, dst as u32),
        (DST_HI, (dst >> 32) as u32),
        (COUNT, count),
    ] {
        s.write32(off, v)?;
    }
    let start = s.cycles();
    let wall = Instant::now();
    s.write32(DOORBELL, 1)?;
    let bound = 1_000 + 200 * u64::from(count);
    let ran = s.run_until_irq(bound)?;
    let seconds = wall.elapsed().as_secs_f64();
    if ran == bound {
        return Err(EdaError::Unexpected {
            what: format!("copy of {count} words {src:#x} → {dst:#x}"),
            reason: format!("no irq in {bound} cycles"),
        });
    }
    let status = s.read32(STATUS)?;
    Ok(Copied { cycles: s.cycles() - start, status, seconds })
}

/// Where the memory read back differs from the mirror: how many bytes, and the first few.
fn differences(got: &[u8], want: &[u8]) -> (usize, Vec<String>) {
    assert_eq!(got.len(), want.len(), "whole memories compared");
    let at: Vec<usize> = (0..got.len()).filter(|&k| got[k] != want[k]).collect();
    let first = at.iter().take(4).map(|&k| format!("{k:#x}: {:#04x}, expected {:#04x}", got[k], want[k])).collect();
    (at.len(), first)
}

/// Random bytes.
fn bytes(r: &mut SplitMix64, n: usize) -> Vec<u8> {
    (0..n).map(|_| r.next_u64() as u8).collect()
}

/// A random copy: source and destination 4-aligned and disjoint inside the memory, up to
/// `max_words` words (at least 1).
fn random_copy(r: &mut SplitMix64, max_words: u64) -> (u64, u64, u32) {
    let count = 1 + r.next_u64() % max_words;
    let len = 4 * count;
    loop {
        let src = 4 * (r.next_u64() % ((MEM_BYTES - len) / 4 + 1));
        let dst = 4 * (r.next_u64() % ((MEM_BYTES - len) / 4 + 1));
        if src + len <= dst || dst + len <= src {
            return (src, dst, count as u32);
        }
    }
}

/// Fills the whole memory with random bytes, runs `copies` random copies (each checked
/// against the mirror over the whole memory) and returns the simulated cycles per word
/// and the simulated cycles per second of the copies.
fn copies_checked(s: &AxiLiteSession, r: &mut SplitMix64, copies: usize, max_words: u64, what: &str) -> (f64, f64) {
    let mut mirror = bytes(r, MEM_BYTES as usize);
    s.mem_write(0, &mirror).expect("DMA in");
    let (mut words, mut cycles, mut seconds) = (0u64, 0u64, 0f64);
    for k in 0..copies {
        let (src, dst, count) = random_copy(r, max_words);
        let before = s.stats().memory;
        let c = copy(s, src, dst, count).expect("the copy runs");
        assert_eq!(c.status, DONE, "{what} copy {k} ({count} words {src:#x} → {dst:#x}): status");
        let after = s.stats().memory;
        let n = u64::from(count);
        assert_eq!(
            (after.reads - before.reads, after.writes - before.writes, after.errors - before.errors),
            (n, n, 0),
            "{what} copy {k}: memory counters"
        );
        let (src, dst, len) = (src as usize, dst as usize, 4 * count as usize);
        mirror.copy_within(src..src + len, dst);
        let got = s.mem_read(0, MEM_BYTES as usize).expect("DMA out");
        let (bad, first) = differences(&got, &mirror);
        assert_eq!(bad, 0, "{what} copy {k} ({count} words {src:#x} → {dst:#x}): {first:?}");
        (words, cycles, seconds) = (words + n, cycles + c.cycles, seconds + c.seconds);
    }
    (cycles as f64 / words as f64, cycles as f64 / seconds)
}

#[test]
fn random_copies_land_where_they_should_and_nowhere_else() {
    let seed = test_seed("card_memory random copies");
    let mut r = SplitMix64::new(seed);
    let s = harness().start().expect("starts");
    let (per_word, rate) = copies_checked(&s, &mut r, 6, 3_000, "default memory");
    let latency = MemoryModel::new(MEM_BYTES).read_latency;
    assert!(per_word < f64::from(latency) / 2.0, "reads overlap: {per_word:.2} cycles per word");
    let stats = s.stats();
    eprintln!(
        "copy engine, read latency {}: {per_word:.2} simulated cycles per word, {:.0} Verilator cycles/s while \
         copying ({} cycles, {} memory reads in all)",
        latency, rate, stats.cycles, stats.memory.reads
    );
}

#[test]
fn copies_under_back_pressure_and_read_latencies() {
    let seed = test_seed("card_memory back-pressure");
    let mut r = SplitMix64::new(seed);
    for (read_latency, write_latency, stall_percent) in [(1, 1, 0), (2, 1, 30), (9, 3, 50), (33, 7, 20), (80, 2, 0)] {
        let memory = MemoryModel {
            read_latency,
            write_latency,
            stall_percent,
            seed: r.next_u64(),
            ..MemoryModel::new(MEM_BYTES)
        };
        let s = harness().start_with_memory(memory).expect("starts");
        let what = format!("read latency {read_latency}, write latency {write_latency}, {stall_percent}% stalls");
        let (per_word, rate) = copies_checked(&s, &mut r, 2, 1_500, &what);
        eprintln!("{what}: {per_word:.2} simulated cycles per word, {rate:.0} Verilator cycles/s");
    }
}

#[test]
fn out_of_range_and_misaligned_copies_set_the_error_bit_and_touch_nothing_else() {
    let seed = test_seed("card_memory out of range");
    let mut r = SplitMix64::new(seed);
    let s = harness().start().expect("starts");
    let mut mirror = bytes(&mut r, MEM_BYTES as usize);
    s.mem_write(0, &mirror).expect("DMA in");
    let inside = 1 + r.next_u64() % 20;
    let outside = 1 + r.next_u64() % 20;
    let count = (inside + outside) as u32;
    let end = MEM_BYTES;
    let low = 4 * (r.next_u64() % 1000);
    // (source, destination, words read in range, words written in range): the destination
    // crosses the end; the source crosses the end (its words past the end read SLVERR's
    // zero data, which is written); a misaligned source (every read refused, zeros
    // written); a misaligned destination (every write refused); both far past the end.
    let cases: [(u64, u64, u64, u64); 5] = [
        (low, end - 4 * inside, u64::from(count), inside),
        (end - 4 * inside, low, inside, u64::from(count)),
        (low + 2, low + 0x8000, 0, u64::from(count)),
        (low, low + 0x8001, u64::from(count), 0),
        (u64::MAX - 0xfff, 1 << 40, 0, 0),
    ];
    for (src, dst, good_reads, good_writes) in cases {
        let before = s.stats().memory;
        let c = copy(&s, src, dst, count).expect("the copy runs");
        let what = format!("{count} words {src:#x} → {dst:#x}");
        assert_eq!(c.status, DONE | ERROR, "{what}: status");
        let n = u64::from(count);
        let after = s.stats().memory;
        assert_eq!(after.errors - before.errors, (n - good_reads) + (n - good_writes), "{what}: SLVERR responses");
        for k in 0..good_writes {
            let word = if k < good_reads {
                let a = (src + 4 * k) as usize;
                mirror[a..a + 4].to_vec()
            } else {
                vec![0; 4]
            };
            let d = (dst + 4 * k) as usize;
            mirror[d..d + 4].copy_from_slice(&word);
        }
        let got = s.mem_read(0, MEM_BYTES as usize).expect("DMA out");
        let (bad, first) = differences(&got, &mirror);
        assert_eq!(bad, 0, "{what}: {first:?}");
    }
    // The error bit is the last copy's: a good copy after them reports none.
    let c = copy(&s, low, low + 0x1_0000, 4).expect("the copy runs");
    assert_eq!(c.status, DONE, "a good copy after the failed ones");
}

#[test]
fn dma_round_trips_bytes_at_any_alignment() {
    let seed = test_seed("card_memory dma");
    let mut r = SplitMix64::new(seed);
    let s = harness().start().expect("starts");
    assert_eq!(s.mem_read(MEM_BYTES - 9000, 9000).expect("DMA out"), vec![0; 9000], "never written memory reads 0");
    let mut mirror = vec![0u8; MEM_BYTES as usize];
    for k in 0..40 {
        let len = match k % 4 {
            0 => (r.next_u64() % 8) as usize,
            1 => (r.next_u64() % 5000) as usize,
            2 => DMA_CHUNK_BYTES - 3 + (r.next_u64() % 7) as usize,
            _ => (r.next_u64() % (3 * DMA_CHUNK_BYTES as u64)) as usize,
        };
        let addr = r.next_u64() % (MEM_BYTES - len as u64 + 1);
        let data = bytes(&mut r, len);
        s.mem_write(addr, &data).expect("DMA in");
        mirror[addr as usize..addr as usize + len].copy_from_slice(&data);
        let (a, n) = (r.next_u64() % MEM_BYTES, (r.next_u64() % 70_000) as usize);
        let n = n.min((MEM_BYTES - a) as usize);
        let got = s.mem_read(a, n).expect("DMA out");
        assert_eq!(got, mirror[a as usize..a as usize + n], "read of {n} bytes at {a:#x} after write {k}");
    }
    let (bad, first) = differences(&s.mem_read(0, MEM_BYTES as usize).expect("DMA out"), &mirror);
    assert_eq!(bad, 0, "the whole memory: {first:?}");
    for (addr, len) in [(MEM_BYTES, 1), (MEM_BYTES - 3, 4), (u64::MAX, 2)] {
        let e = s.mem_write(addr, &vec![1; len]).expect_err("past the end");
        assert!(e.to_string().contains("outside the card memory"), "{e}");
        assert!(s.mem_read(addr, len).is_err(), "a read of {len} bytes at {addr:#x}");
    }
    assert_eq!(s.stats().cycles, 0, "DMA takes no simulated cycles");
}

#[test]
fn a_memory_that_answers_wrongly_and_a_copy_off_by_one_are_caught() {
    let seed = test_seed("card_memory negative controls");
    let mut r = SplitMix64::new(seed);
    // Every 5th read returns a flipped bit.
    let memory = MemoryModel { flip_read_every: 5, ..MemoryModel::new(MEM_BYTES) };
    let s = harness().start_with_memory(memory).expect("starts");
    let mut mirror = bytes(&mut r, MEM_BYTES as usize);
    s.mem_write(0, &mirror).expect("DMA in");
    let (src, dst, count) = random_copy(&mut r, 500);
    let count = count.max(5);
    let c = copy(&s, src, dst, count).expect("the copy runs");
    assert_eq!(c.status, DONE, "the wrong data is OKAY to the card");
    let (a, b, len) = (src as usize, dst as usize, 4 * count as usize);
    mirror.copy_within(a..a + len, b);
    let (bad, _) = differences(&s.mem_read(0, MEM_BYTES as usize).expect("DMA out"), &mirror);
    assert_eq!(bad, count as usize / 5, "each flipped word is one byte off");
    // A copy one word longer than the check expects is one word too many.
    let s = harness().start().expect("starts");
    let mut mirror = bytes(&mut r, MEM_BYTES as usize);
    s.mem_write(0, &mirror).expect("DMA in");
    // Source and destination in either half, with room for the word after each.
    let count = 1 + (r.next_u64() % 500) as u32;
    let (src, dst) = (4 * (r.next_u64() % 10_000), MEM_BYTES / 2 + 4 * (r.next_u64() % 10_000));
    let (a, b, len) = (src as usize, dst as usize, 4 * count as usize);
    // The word after the source must differ from the one after the destination.
    mirror[a + len..a + len + 4].copy_from_slice(&[1, 2, 3, 4]);
    mirror[b + len..b + len + 4].copy_from_slice(&[5, 6, 7, 8]);
    s.mem_write(0, &mirror).expect("DMA in");
    copy(&s, src, dst, count + 1).expect("the copy runs");
    mirror.copy_within(a..a + len, b);
    let (bad, first) = differences(&s.mem_read(0, MEM_BYTES as usize).expect("DMA out"), &mirror);
    assert_eq!(bad, 4, "the extra word is found: {first:?}");
}
