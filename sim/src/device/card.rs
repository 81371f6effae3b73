//! The simulated card as one object: register block, card memory, command processor on a
//! worker thread, the timeline and the fault plan.
//!
//! [`SimCard`] is what the host's in-process transport wraps: 32-bit register reads and
//! writes, DMA calls per channel (where transfer faults strike), and an interrupt wait. A
//! doorbell hands the command to the worker and returns at once, so the host sees `BUSY`
//! while it runs, exactly as over PCIe.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use slotproof_firmware::regs::{self, abi_version};
use slotproof_firmware::{ABI_VERSION, AbiVersion, Command};

use super::executor::{Executor, Footprint};
use super::faults::{FaultKind, FaultPlan, Injected};
use super::memory::{CardMemory, MemError, SparseMemory};
use super::regs::{Doorbell, RegisterFile, all_caps};
use super::timing::{Direction, Timeline, Timing};

/// What the simulated card is.
#[derive(Clone, Debug, PartialEq)]
pub struct CardConfig {
    /// A name for logs and device listings.
    pub name: String,
    /// The build ID reported in `BITSTREAM_LO/HI` (bit 63 is dropped).
    pub bitstream_id: u64,
    /// The `CAPS` bits.
    pub caps: u32,
    /// NTT lanes (`LIMITS.NTT_LANES`; the timing model uses [`Timing::ntt_lanes`]).
    pub ntt_lanes: u8,
    /// Largest log2 LDE height.
    pub max_log_lde_rows: u8,
    /// Largest log2 blowup.
    pub max_log_blowup: u8,
    /// Largest column batch (at most 2047).
    pub max_batch_cols: u16,
    /// Card memory (sparse: only written chunks cost host memory).
    pub mem_bytes: u64,
    /// The speed model.
    pub timing: Timing,
    /// The ABI the card reports.
    pub abi: AbiVersion,
    /// Hold `BUSY` for at least each command's modelled time, so that the host sees the
    /// card's own pace in wall-clock time (for timeouts and busy-doorbell tests).
    pub pace: bool,
}

impl Default for CardConfig {
    /// A U55C-class card with every capability.
    fn default() -> Self {
        let timing = Timing::default();
        Self {
            name: "sim-u55c".into(),
            bitstream_id: 0x5e1f_0001,
            caps: all_caps(),
            ntt_lanes: timing.ntt_lanes.min(255) as u8,
            // The largest tree the TREE region holds: 2^24 leaves of 32 bytes plus the layers
            // above them is 1 GiB of its 1.5 GiB (2^25 would need 2 GiB).
            max_log_lde_rows: 24,
            max_log_blowup: 3,
            max_batch_cols: 256,
            mem_bytes: 8 << 30,
            timing,
            abi: ABI_VERSION,
            pace: false,
        }
    }
}

impl CardConfig {
    /// The default card with instantaneous timing: for functional tests.
    pub fn instant() -> Self {
        Self { timing: Timing::zero(), ..Self::default() }
    }

    /// The default card (speed model included) reporting `id` instead: the model of a card
    /// running a given build. The inverse of [`CardConfig::identity`].
    pub fn with_identity(name: String, id: &regs::Identity) -> Self {
        let mut config = Self {
            name,
            bitstream_id: id.bitstream_id,
            caps: id.caps,
            ntt_lanes: id.ntt_lanes,
            max_log_lde_rows: id.max_log_lde_rows,
            max_log_blowup: id.max_log_blowup,
            max_batch_cols: id.max_batch_cols,
            mem_bytes: id.mem_bytes,
            abi: id.abi,
            ..Self::default()
        };
        config.timing.clock_hz = id.clock_hz;
        config
    }

    /// The identity registers this card reports (the same derivation the RTL register
    /// block is built from).
    pub fn identity(&self) -> regs::Identity {
        regs::Identity {
            abi: self.abi,
            bitstream_id: self.bitstream_id,
            caps: self.caps,
            ntt_lanes: self.ntt_lanes,
            max_log_lde_rows: self.max_log_lde_rows,
            max_log_blowup: self.max_log_blowup,
            max_batch_cols: self.max_batch_cols,
            clock_hz: self.timing.clock_hz,
            mem_bytes: self.mem_bytes,
        }
    }
}

/// Why a DMA call did not move all its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransferFault {
    /// Only `done` bytes moved.
    #[error("short transfer: {done} bytes moved")]
    Short {
        /// Bytes moved.
        done: usize,
    },
    /// The call failed (EIO); nothing moved.
    #[error("transfer failed (EIO)")]
    Failed,
    /// The call was interrupted (errno 512); nothing moved.
    #[error("transfer interrupted (errno 512)")]
    Interrupted,
    /// The range is outside card memory.
    #[error(transparent)]
    Memory(#[from] MemError),
}

#[derive(Default)]
struct Queue {
    doorbells: VecDeque<Doorbell>,
    stop: bool,
}

struct Inner {
    config: CardConfig,
    mem: SparseMemory,
    regs: Mutex<RegisterFile>,
    faults: Mutex<FaultPlan>,
    timeline: Mutex<Timeline>,
    irq: Mutex<bool>,
    irq_cv: Condvar,
    queue: Mutex<Queue>,
    queue_cv: Condvar,
    dead: AtomicBool,
    /// Wall time the worker spent computing commands (the model's own arithmetic), so that a
    /// benchmark can tell the host runtime's cost from the model's.
    compute_nanos: std::sync::atomic::AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the card's registers down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inner {
    fn signal_if_raised(&self, regs: &mut RegisterFile) {
        if regs.take_event() {
            *lock(&self.irq) = true;
            self.irq_cv.notify_all();
        }
    }

    /// Sleeps for `d` unless the card is dropped first; false when it was.
    fn pause(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut q = lock(&self.queue);
        while !q.stop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            q = self.queue_cv.wait_timeout(q, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        false
    }

    fn worker(&self) {
        let mut exec = Executor::new(&self.config);
        let mut epoch = 0;
        loop {
            let d = {
                let mut q = lock(&self.queue);
                loop {
                    if q.stop {
                        return;
                    }
                    if let Some(d) = q.doorbells.pop_front() {
                        break d;
                    }
                    q = self.queue_cv.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            if d.epoch != epoch {
                exec.reset();
                epoch = d.epoch;
            }
            let cmd = Command::decode(&d.words).ok();
            let faults = lock(&self.faults).command(cmd.map(|c| c.opcode));
            if faults.hung || self.dead.load(Ordering::SeqCst) {
                log::warn!("{}: hung on command seq {}", self.config.name, d.words[1]);
                lock(&self.regs).freeze();
                continue;
            }
            let started = Instant::now();
            let c = exec.run(&d.words, d.value, &self.mem, faults.compute);
            self.compute_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
            if self.config.pace && !self.pause(c.modelled.saturating_sub(started.elapsed())) {
                return;
            }
            if c.error.is_none() {
                let fp = match cmd {
                    Some(cmd) => Some(Footprint::of(&cmd)),
                    None => {
                        slotproof_firmware::msm::MsmCommand::decode(&d.words).ok().map(|m| super::msm::footprint(&m))
                    }
                };
                if let Some(fp) = fp {
                    lock(&self.timeline).command(&fp.reads, &fp.writes, c.modelled);
                }
            }
            let mut regs = lock(&self.regs);
            regs.set_tables(exec.tables_loaded());
            if faults.stuck {
                log::warn!("{}: command seq {} stuck busy", self.config.name, c.seq);
                continue;
            }
            regs.complete(d.epoch, &c, !faults.lost_irq);
            self.signal_if_raised(&mut regs);
        }
    }
}

/// An in-process simulated card. Dropping it stops its worker thread.
pub struct SimCard {
    inner: Arc<Inner>,
    worker: Option<JoinHandle<()>>,
}

impl SimCard {
    /// A card built as `config` says, failing as `faults` says.
    pub fn new(config: CardConfig, faults: FaultPlan) -> Arc<SimCard> {
        let inner = Arc::new(Inner {
            mem: SparseMemory::new(config.mem_bytes),
            regs: Mutex::new(RegisterFile::new(&config)),
            faults: Mutex::new(faults),
            timeline: Mutex::new(Timeline::new(config.timing)),
            irq: Mutex::new(false),
            irq_cv: Condvar::new(),
            queue: Mutex::new(Queue::default()),
            queue_cv: Condvar::new(),
            dead: AtomicBool::new(false),
            compute_nanos: std::sync::atomic::AtomicU64::new(0),
            config,
        });
        let w = Arc::clone(&inner);
        let worker = std::thread::Builder::new()
            .name(format!("simcard-{}", inner.config.name))
            .spawn(move || w.worker())
            .expect("spawn the card's worker thread");
        Arc::new(SimCard { inner, worker: Some(worker) })
    }

    /// What the card is.
    pub fn config(&self) -> &CardConfig {
        &self.inner.config
    }

    /// Card memory, for tests that look behind the DMA channels.
    pub fn memory(&self) -> &dyn CardMemory {
        &self.inner.mem
    }

    /// Reads a 32-bit register.
    pub fn read_reg(&self, off: u32) -> u32 {
        let v = lock(&self.inner.regs).read(off);
        if off == regs::ABI_VERSION.offset && lock(&self.inner.faults).abi_read() {
            let major = abi_version::MAJOR.get(v).wrapping_add(1);
            return abi_version::MAJOR.put(v, major);
        }
        v
    }

    /// Writes a 32-bit register; a doorbell starts the command on the worker.
    pub fn write_reg(&self, off: u32, v: u32) {
        let mut regs = lock(&self.inner.regs);
        let d = regs.write(off, v);
        self.inner.signal_if_raised(&mut regs);
        drop(regs);
        if let Some(d) = d {
            lock(&self.inner.queue).doorbells.push_back(d);
            self.inner.queue_cv.notify_all();
        }
    }

    /// Waits up to `timeout` for event 0. Events coalesce: returns true at once (and clears
    /// it) if one is pending, however many completions raised it.
    pub fn wait_irq(&self, timeout: Duration) -> bool {
        let flag = lock(&self.inner.irq);
        let (mut flag, _) =
            self.inner.irq_cv.wait_timeout_while(flag, timeout, |f| !*f).unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *flag)
    }

    /// Host-to-card DMA of `src` to card address `addr` on `channel`.
    pub fn h2c(&self, channel: usize, addr: u64, src: &[u8]) -> Result<(), TransferFault> {
        self.precheck(addr, src.len())?;
        let pick = lock(&self.inner.faults).transfer(Direction::H2c);
        let mem = &self.inner.mem;
        let result = match pick {
            None => mem.write(addr, src).map_err(TransferFault::from),
            Some(p) => match p.kind {
                FaultKind::ShortTransfer => {
                    let done = short_len(src.len(), p.pick);
                    mem.write(addr, &src[..done])?;
                    Err(TransferFault::Short { done })
                }
                FaultKind::CorruptPayload => {
                    let mut bytes = src.to_vec();
                    flip(&mut bytes, p.pick);
                    mem.write(addr, &bytes).map_err(TransferFault::from)
                }
                FaultKind::InterruptedTransfer => Err(TransferFault::Interrupted),
                _ => Err(TransferFault::Failed),
            },
        };
        let moved = match result {
            Ok(()) => src.len(),
            Err(TransferFault::Short { done }) => done,
            Err(_) => 0,
        };
        lock(&self.inner.timeline).h2c(channel, addr, moved as u64);
        result
    }

    /// Card-to-host DMA of `dst.len()` bytes at card address `addr` on `channel`.
    pub fn c2h(&self, channel: usize, addr: u64, dst: &mut [u8]) -> Result<(), TransferFault> {
        self.precheck(addr, dst.len())?;
        let pick = lock(&self.inner.faults).transfer(Direction::C2h);
        let mem = &self.inner.mem;
        let result = match pick {
            None => mem.read(addr, dst).map_err(TransferFault::from),
            Some(p) => match p.kind {
                FaultKind::ShortTransfer => {
                    let done = short_len(dst.len(), p.pick);
                    mem.read(addr, &mut dst[..done])?;
                    Err(TransferFault::Short { done })
                }
                FaultKind::CorruptPayload => {
                    mem.read(addr, dst)?;
                    flip(dst, p.pick);
                    Ok(())
                }
                FaultKind::InterruptedTransfer => Err(TransferFault::Interrupted),
                _ => Err(TransferFault::Failed),
            },
        };
        let moved = match result {
            Ok(()) => dst.len(),
            Err(TransferFault::Short { done }) => done,
            Err(_) => 0,
        };
        lock(&self.inner.timeline).c2h(channel, addr, moved as u64);
        result
    }

    fn precheck(&self, addr: u64, len: usize) -> Result<(), TransferFault> {
        if self.inner.dead.load(Ordering::SeqCst) {
            return Err(TransferFault::Failed);
        }
        let size = self.inner.mem.len();
        match addr.checked_add(len as u64) {
            Some(end) if end <= size => Ok(()),
            _ => Err(MemError::OutOfRange { addr, len: len as u64, size }.into()),
        }
    }

    /// A snapshot of the schedule so far.
    pub fn timeline(&self) -> Timeline {
        lock(&self.inner.timeline).clone()
    }

    /// Wall time spent so far computing commands in this process (the model's arithmetic,
    /// which a real card does in hardware).
    pub fn compute_wall(&self) -> Duration {
        Duration::from_nanos(self.inner.compute_nanos.load(Ordering::Relaxed))
    }

    /// How many times each planned fault struck.
    pub fn injected(&self) -> Injected {
        lock(&self.inner.faults).injected()
    }

    /// Replaces the fault plan: a drill arms faults after the card was admitted, so that they
    /// strike the job rather than the admission canary.
    pub fn arm(&self, faults: FaultPlan) {
        *lock(&self.inner.faults) = faults;
    }

    /// The card dies: nothing completes any more, the heartbeat stops, DMA calls fail.
    pub fn kill(&self) {
        log::warn!("{}: killed", self.inner.config.name);
        self.inner.dead.store(true, Ordering::SeqCst);
        lock(&self.inner.regs).freeze();
    }
}

/// Bytes a short transfer of `len` moves: fewer than `len` (none of an empty one).
fn short_len(len: usize, pick: u64) -> usize {
    if len == 0 { 0 } else { (pick % len as u64) as usize }
}

fn flip(bytes: &mut [u8], pick: u64) {
    if !bytes.is_empty() {
        let bit = pick % (8 * bytes.len() as u64);
        bytes[(bit / 8) as usize] ^= 1 << (bit % 8);
    }
}

impl Drop for SimCard {
    fn drop(&mut self) {
        lock(&self.inner.queue).stop = true;
        self.inner.queue_cv.notify_all();
        if let Some(w) = self.worker.take() {
            // A worker that panicked has nothing left to clean up.
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SimCard>();
        send_sync::<RegisterFile>();
        send_sync::<Executor>();
        send_sync::<SparseMemory>();
    }

    #[test]
    fn drop_stops_the_worker_even_mid_pause() {
        let slow = Timing { clock_hz: 1.0, ..Timing::zero() };
        let card = SimCard::new(CardConfig { timing: slow, pace: true, ..CardConfig::instant() }, FaultPlan::none());
        let c =
            slotproof_firmware::Command::new(slotproof_firmware::Opcode::ReadCap, slotproof_firmware::Field::BabyBear);
        let mut c = Command { seq: 1, count: 0, aux: slotproof_firmware::memory_map::TREE.base, ..c };
        c.dst = slotproof_firmware::memory_map::RESULT.base;
        for (i, w) in c.encode().iter().enumerate() {
            card.write_reg(regs::CMD.at(i as u32), *w);
        }
        card.write_reg(regs::DOORBELL.offset, 1);
        std::thread::sleep(Duration::from_millis(20));
        let t = Instant::now();
        drop(card);
        assert!(t.elapsed() < Duration::from_millis(500), "the paced command (1 s) did not hold up the drop");
    }
}
