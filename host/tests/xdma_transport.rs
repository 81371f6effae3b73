//! Tier T2: the real `XdmaTransport` against an emulated device directory (hard-linked
//! sparse memory file, mapped BAR file, event FIFOs). Plumbing only — opening and its errors,
//! looped transfers at 64-bit addresses, concurrent channels, register checks, events — at
//! small sizes so the whole file runs in a few seconds. Random data is seeded; the seed is
//! printed and `SLOTPROOF_SEED` replays it.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use slotproof_host::transport::emulated::{EmulatedDevice, EmulatedSpec};
use slotproof_host::transport::xdma::{XdmaOptions, XdmaTransport};
use slotproof_host::transport::{DmaBuffer, Transport, XferError};

const BAR: u64 = 64 << 10;
const MEM: u64 = 8 << 30;
/// Not a divisor of any page-sized length, so the loop ends on odd remainders.
const SMALL_CALL: usize = 4096 + 3;

fn seed() -> u64 {
    let seed = match std::env::var("SLOTPROOF_SEED") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("SLOTPROOF_SEED={s:?} is not a u64")),
        Err(_) => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0x5107),
    };
    eprintln!("seed {seed} (replay with SLOTPROOF_SEED={seed})");
    seed
}

fn spec(channels: usize, events: usize) -> EmulatedSpec {
    EmulatedSpec { mem_bytes: MEM, bar_len: BAR, channels, events }
}

fn small_calls() -> XdmaOptions {
    XdmaOptions { max_call_bytes: SMALL_CALL, ..XdmaOptions::default() }
}

fn emulate(dir: &Path, channels: usize, events: usize) -> (EmulatedDevice, XdmaTransport) {
    let dev = EmulatedDevice::create(dir, 0, spec(channels, events)).expect("create emulated");
    let opts = XdmaOptions { events, ..small_calls() };
    let t = XdmaTransport::open_at(dev.dir(), 0, opts).expect("open emulated");
    (dev, t)
}

fn random_bytes(rng: &mut StdRng, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rng.fill(&mut v[..]);
    v
}

/// The round-trip checker: the first index where what came back differs from what was sent.
fn first_mismatch(sent: &[u8], got: &[u8]) -> Option<usize> {
    if sent.len() != got.len() {
        return Some(sent.len().min(got.len()));
    }
    sent.iter().zip(got).position(|(a, b)| a != b)
}

fn round_trip(t: &dyn Transport, ch: usize, addr: u64, data: &[u8]) -> Option<usize> {
    t.h2c(ch, addr, data).unwrap_or_else(|e| panic!("h2c {} bytes at {addr:#x}: {e}", data.len()));
    let mut back = vec![0u8; data.len()];
    t.c2h(ch, addr, &mut back).unwrap_or_else(|e| panic!("c2h {} bytes at {addr:#x}: {e}", data.len()));
    first_mismatch(data, &back)
}

#[test]
fn transport_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<XdmaTransport>();
    check::<slotproof_host::transport::emulated::CardPort>();
    check::<EmulatedDevice>();
}

#[test]
fn open_reports_channels_bar_and_memory() {
    for channels in [1, 2, 4] {
        let tmp = tempfile::tempdir().unwrap();
        let (_dev, t) = emulate(tmp.path(), channels, 2);
        let info = t.info();
        assert_eq!(info.name, "xdma0");
        assert_eq!(info.h2c_channels, channels);
        assert_eq!(info.c2h_channels, channels);
        assert_eq!(info.bar_len, BAR);
        assert_eq!(info.mem_len, Some(MEM));
        let e = t.h2c(channels, 0, &[1]).unwrap_err();
        assert!(
            matches!(e, XferError::NoChannel { dir: "h2c", channel, available } if channel == channels && available == channels),
            "{e}"
        );
        let e = t.c2h(7, 0, &mut [0]).unwrap_err();
        assert!(matches!(e, XferError::NoChannel { dir: "c2h", .. }), "{e}");
    }
}

#[test]
fn open_errors_name_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-dir");
    let e = XdmaTransport::open_at(&missing, 0, XdmaOptions::default()).unwrap_err();
    assert!(matches!(e, XferError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("no-such-dir"), "{e}");

    let dev = EmulatedDevice::create(tmp.path(), 0, spec(1, 1)).unwrap();
    let e = XdmaTransport::open_at(dev.dir(), 1, XdmaOptions::default()).unwrap_err();
    assert!(matches!(e, XferError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("xdma1_user"), "{e}");

    // More event nodes asked for than exist.
    let opts = XdmaOptions { events: 2, ..XdmaOptions::default() };
    let e = XdmaTransport::open_at(dev.dir(), 0, opts).unwrap_err();
    assert!(e.to_string().contains("xdma0_events_1"), "{e}");

    // A BAR longer than the file behind it would fault on access.
    let opts = XdmaOptions { bar_len: Some(BAR * 2), ..XdmaOptions::default() };
    let e = XdmaTransport::open_at(dev.dir(), 0, opts).unwrap_err();
    assert!(matches!(e, XferError::Config { .. }), "{e}");
    assert!(e.to_string().contains("xdma0_user"), "{e}");

    let opts = XdmaOptions { max_call_bytes: 0, ..XdmaOptions::default() };
    assert!(matches!(XdmaTransport::open_at(dev.dir(), 0, opts), Err(XferError::Config { .. })));

    std::fs::remove_file(dev.dir().join("xdma0_c2h_0")).unwrap();
    let e = XdmaTransport::open_at(dev.dir(), 0, XdmaOptions::default()).unwrap_err();
    assert!(e.to_string().contains("xdma0_c2h_0"), "{e}");

    std::fs::remove_file(dev.dir().join("xdma0_user")).unwrap();
    let e = XdmaTransport::open_at(dev.dir(), 0, XdmaOptions::default()).unwrap_err();
    assert!(matches!(e, XferError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("xdma0_user"), "{e}");

    // Bad specs are refused before anything is created.
    for bad in [spec(0, 1), spec(5, 1), spec(1, 17)] {
        let e = EmulatedDevice::create(&tmp.path().join("bad"), 0, bad).unwrap_err();
        assert!(matches!(e, XferError::Config { .. }), "{e}");
    }
    // Creating over existing nodes names the node.
    let e = EmulatedDevice::create(tmp.path(), 0, spec(1, 1)).unwrap_err();
    assert!(e.to_string().contains("xdma0_h2c_0"), "{e}");
}

#[test]
fn round_trip_random_bytes_across_many_calls() {
    let tmp = tempfile::tempdir().unwrap();
    let (dev, t) = emulate(tmp.path(), 1, 1);
    let card = dev.card_port();
    let mut rng = StdRng::seed_from_u64(seed());
    let addrs = [
        0u64,
        1,
        4095,
        0x1234_5677,
        0xFFFF_FFF0, // straddles 4 GiB
        0x1_E000_0000,
        0x1_E000_0003,
        MEM - 70_001,
    ];
    let sizes = [1usize, 3, 4099, 4100, 65_537, 70_001];
    for &addr in &addrs {
        for &size in &sizes {
            if addr + size as u64 > MEM {
                continue;
            }
            let data = random_bytes(&mut rng, size);
            assert_eq!(round_trip(&t, 0, addr, &data), None, "{size} bytes at {addr:#x}");
            // The card sees the same bytes at the same address.
            let mut seen = vec![0u8; size];
            card.mem_read(addr, &mut seen).unwrap();
            assert_eq!(first_mismatch(&data, &seen), None, "card view at {addr:#x}");
        }
    }
    // Staging buffers: an aligned page-multiple buffer at an unaligned sub-slice.
    let mut buf = DmaBuffer::new(3 * 4096 + 1).unwrap();
    assert_eq!(buf.len(), 4 * 4096);
    rng.fill(buf.as_mut_slice());
    assert_eq!(round_trip(&t, 0, 0x1_0000_0001, &buf.as_slice()[5..]), None);
    let mut back = DmaBuffer::new(buf.len()).unwrap();
    t.c2h(0, 0x1_0000_0001, &mut back.as_mut_slice()[5..]).unwrap();
    assert_eq!(first_mismatch(&buf.as_slice()[5..], &back.as_slice()[5..]), None);
    // Empty transfers are no-ops, and a card-side write reads back through c2h.
    t.h2c(0, 0, &[]).unwrap();
    card.mem_write(0x1_F000_0000, b"card wrote this").unwrap();
    let mut got = [0u8; 15];
    t.c2h(0, 0x1_F000_0000, &mut got).unwrap();
    assert_eq!(&got, b"card wrote this");
    // 8 GiB of address space, only the written pages on disk.
    use std::os::unix::fs::MetadataExt;
    let used = std::fs::metadata(dev.dir().join("xdma0_c2h_0")).unwrap().blocks() * 512;
    assert!(used < 64 << 20, "memory file uses {used} bytes: not sparse");
}

fn concurrent(channels: usize, seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let (_dev, t) = emulate(tmp.path(), channels, 1);
    let stride = MEM / channels as u64;
    let per_thread: Vec<Vec<(u64, Vec<u8>)>> = (0..channels)
        .map(|ch| {
            let mut rng = StdRng::seed_from_u64(seed ^ (ch as u64 * 0x9E37_79B9));
            let mut addr = ch as u64 * stride + rng.random_range(0..4096u64);
            (0..6)
                .map(|_| {
                    let len = rng.random_range(1..40_000usize);
                    let item = (addr, random_bytes(&mut rng, len));
                    addr += len as u64 + rng.random_range(0..100u64);
                    item
                })
                .collect()
        })
        .collect();
    thread::scope(|s| {
        for (ch, work) in per_thread.iter().enumerate() {
            let t = &t;
            s.spawn(move || {
                for (addr, data) in work {
                    t.h2c(ch, *addr, data).unwrap();
                }
                for (addr, data) in work {
                    let mut back = vec![0u8; data.len()];
                    t.c2h(ch, *addr, &mut back).unwrap();
                    assert_eq!(first_mismatch(data, &back), None, "ch {ch} at {addr:#x}");
                }
            });
        }
    });
    // Every channel is the same card memory: read everything back through the last one.
    for (addr, data) in per_thread.iter().flatten() {
        let mut back = vec![0u8; data.len()];
        t.c2h(channels - 1, *addr, &mut back).unwrap();
        assert_eq!(first_mismatch(data, &back), None, "at {addr:#x}");
    }
}

#[test]
fn concurrent_channels_from_separate_threads() {
    let seed = seed();
    concurrent(2, seed);
    concurrent(4, seed);
}

#[test]
fn c2h_past_the_end_of_memory_is_short_not_zeros() {
    let tmp = tempfile::tempdir().unwrap();
    let (_dev, t) = emulate(tmp.path(), 1, 1);
    let mut buf = vec![0xAAu8; 100];
    let e = t.c2h(0, MEM - 10, &mut buf).unwrap_err();
    assert!(
        matches!(e, XferError::Short { dir: "c2h", channel: 0, addr, done: 10, wanted: 100 } if addr == MEM),
        "{e}"
    );
    let e = t.c2h(0, MEM + 4096, &mut buf).unwrap_err();
    assert!(matches!(e, XferError::Short { done: 0, .. }), "{e}");
    // Spans past what a file offset can hold are refused before any call.
    let e = t.c2h(0, u64::MAX - 10, &mut buf).unwrap_err();
    assert!(matches!(e, XferError::OutOfRange { .. }), "{e}");
    let e = t.h2c(0, i64::MAX as u64, &buf).unwrap_err();
    assert!(matches!(e, XferError::OutOfRange { .. }), "{e}");
}

#[test]
fn registers_are_shared_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let (dev, t) = emulate(tmp.path(), 1, 1);
    let card = dev.card_port();
    let bar = card.bar();
    assert_eq!(bar.len(), BAR);

    t.write32(0x10, 0xdead_beef).unwrap();
    assert_eq!(bar.read32(0x10).unwrap(), 0xdead_beef);
    bar.write32(0x20, 0x1234_5678).unwrap();
    assert_eq!(t.read32(0x20).unwrap(), 0x1234_5678);
    t.write32(BAR - 4, 7).unwrap();
    assert_eq!(bar.read32(BAR - 4).unwrap(), 7);

    for off in [BAR, BAR - 2, u64::MAX - 3, u64::MAX] {
        let e = t.read32(off).unwrap_err();
        assert!(matches!(e, XferError::OutOfRange { offset, len: 4, limit: BAR, .. } if offset == off), "{e}");
        assert!(matches!(t.write32(off, 1), Err(XferError::OutOfRange { .. })));
        assert!(matches!(bar.read32(off), Err(XferError::OutOfRange { .. })));
    }
    for off in [2, 0x11, BAR - 5] {
        assert!(matches!(t.read32(off), Err(XferError::Misaligned { offset }) if offset == off));
        assert!(matches!(t.write32(off, 1), Err(XferError::Misaligned { .. })));
    }

    bar.write32(0x30, 0xffff_ffff).unwrap();
    let e = t.read32(0x30).unwrap_err();
    assert!(matches!(e, XferError::DeviceLost { offset: 0x30 }), "{e}");
}

#[test]
fn events_time_out_fire_and_coalesce() {
    let tmp = tempfile::tempdir().unwrap();
    let dev = EmulatedDevice::create(tmp.path(), 0, spec(1, 2)).unwrap();
    let card = dev.card_port();
    // Raised before the host opens: the token waits in the FIFO.
    card.raise_irq(1).unwrap();
    let opts = XdmaOptions { events: 2, ..small_calls() };
    let t = XdmaTransport::open_at(dev.dir(), 0, opts).unwrap();
    assert!(t.wait_irq(1, Duration::from_secs(5)).unwrap());

    let start = Instant::now();
    assert!(!t.wait_irq(0, Duration::from_millis(50)).unwrap());
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(50) && waited < Duration::from_secs(5), "{waited:?}");

    let raiser = card.clone();
    let h = thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        raiser.raise_irq(0).unwrap();
    });
    assert!(t.wait_irq(0, Duration::from_secs(5)).unwrap());
    h.join().unwrap();

    // Two raises before one wait: one wake, then nothing left over.
    card.raise_irq(0).unwrap();
    card.raise_irq(0).unwrap();
    assert!(t.wait_irq(0, Duration::from_secs(5)).unwrap());
    assert!(!t.wait_irq(0, Duration::from_millis(50)).unwrap());
    // The other vector is independent.
    assert!(!t.wait_irq(1, Duration::ZERO).unwrap());

    assert!(matches!(
        t.wait_irq(2, Duration::ZERO),
        Err(XferError::NoChannel { dir: "event", channel: 2, available: 2 })
    ));
    assert!(matches!(card.raise_irq(9), Err(XferError::NoChannel { dir: "event", .. })));
}

#[test]
fn negative_control_corruption_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let (dev, t) = emulate(tmp.path(), 1, 1);
    let card = dev.card_port();
    let mut rng = StdRng::seed_from_u64(seed());
    let addr = 0x1_E000_0000u64;
    let data = random_bytes(&mut rng, 10_000);
    t.h2c(0, addr, &data).unwrap();
    let at = rng.random_range(0..data.len());
    card.mem_write(addr + at as u64, &[data[at] ^ 0x40]).unwrap();
    let mut back = vec![0u8; data.len()];
    t.c2h(0, addr, &mut back).unwrap();
    assert_eq!(first_mismatch(&data, &back), Some(at), "the checker must see the flipped byte");
    // Card-side accesses are bounded by card memory.
    assert!(matches!(card.mem_write(MEM - 1, &[0, 0]), Err(XferError::OutOfRange { .. })));
}
