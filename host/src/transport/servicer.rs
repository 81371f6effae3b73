//! The device model behind an emulated device directory: the "card" end of
//! [`super::emulated`], so that the real [`super::xdma::XdmaTransport`] code runs against
//! the same model as the in-process simulated card.
//!
//! A regular file cannot trap register accesses the way a BAR does, so the servicer polls
//! the memory-mapped register file and plays the register block's rules itself:
//! - `DOORBELL` non-zero: the host rang. The servicer reads the descriptor words (the host
//!   wrote them first, and x86 keeps stores in order), zeroes `DOORBELL`, and runs the
//!   command with `slotproof-sim`'s executor on the memory file;
//! - `IRQ_STATUS` is kept at zero in the file, so any non-zero value there is a host
//!   write-one-to-clear, applied and zeroed again (reads of `IRQ_STATUS` through the
//!   emulation therefore return 0; the pending bits are visible in `STATUS`);
//! - every read-only register is republished after each change, and `HEARTBEAT` on every
//!   pass, so a frozen heartbeat means what it means on a card.
//!
//! Command faults of the [`FaultPlan`] (hangs, stuck busy, lost events, compute faults)
//! apply as on the in-process card. Transfer faults do not: the bytes move through the
//! kernel's file code, which the emulation exists to exercise, not to falsify.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use slotproof_firmware::Command;
use slotproof_firmware::regs::{self, Access};
use slotproof_sim::{CardConfig, CardMemory, Executor, FaultPlan, MemError, RegisterFile};

use super::emulated::CardPort;

/// The memory file as the executor's card memory.
struct PortMemory(CardPort);

impl PortMemory {
    fn out_of_range(&self, addr: u64, len: usize) -> MemError {
        MemError::OutOfRange { addr, len: len as u64, size: self.0.mem_len() }
    }
}

impl CardMemory for PortMemory {
    fn read(&self, addr: u64, dst: &mut [u8]) -> Result<(), MemError> {
        self.0.mem_read(addr, dst).map_err(|_| self.out_of_range(addr, dst.len()))
    }
    fn write(&self, addr: u64, src: &[u8]) -> Result<(), MemError> {
        self.0.mem_write(addr, src).map_err(|_| self.out_of_range(addr, src.len()))
    }
    fn len(&self) -> u64 {
        self.0.mem_len()
    }
}

/// A running servicer. Dropping it stops the thread.
pub struct Servicer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// How long the servicer sleeps when nothing happened: short enough that a command's
/// turnaround stays well under a millisecond, long enough not to burn a core.
const IDLE: Duration = Duration::from_micros(100);

impl Servicer {
    /// Starts servicing the emulated device behind `port` as the card `config` describes,
    /// failing as `faults` says.
    pub fn spawn(port: CardPort, config: CardConfig, faults: FaultPlan) -> Servicer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name(format!("servicer-{}", config.name))
            .spawn(move || serve(port, config, faults, &flag, &ready_tx))
            .expect("spawning a thread");
        // The identity registers are published before the card counts as present, as a
        // bitstream's are before the host can enumerate it.
        let _ = ready_rx.recv();
        Servicer { stop, thread: Some(thread) }
    }
}

impl Drop for Servicer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn publish(port: &CardPort, regs: &RegisterFile, wrong_abi: bool) {
    let bar = port.bar();
    for r in regs::ALL.iter().filter(|r| r.access == Access::ReadOnly) {
        let mut v = regs.read(r.offset);
        if wrong_abi && r.offset == regs::ABI_VERSION.offset {
            v = regs::abi_version::MAJOR.put(v, regs::abi_version::MAJOR.get(v) + 1);
        }
        if let Err(e) = bar.write32(u64::from(r.offset), v) {
            log::error!("servicer: cannot publish {}: {e}", r.name);
        }
    }
}

fn serve(
    port: CardPort,
    config: CardConfig,
    mut faults: FaultPlan,
    stop: &AtomicBool,
    ready: &std::sync::mpsc::SyncSender<()>,
) {
    let mem = PortMemory(port.clone());
    let bar = port.bar();
    let mut regs = RegisterFile::new(&config);
    let mut exec = Executor::new(&config);
    let wrong_abi = faults.abi_read();
    let rd = |r: regs::Register| bar.read32(u64::from(r.offset)).unwrap_or(0);
    let wr = |r: regs::Register, v: u32| {
        if let Err(e) = bar.write32(u64::from(r.offset), v) {
            log::error!("servicer: cannot write {}: {e}", r.name);
        }
    };
    for r in [regs::DOORBELL, regs::IRQ_STATUS, regs::CTRL] {
        wr(r, 0);
    }
    publish(&port, &regs, wrong_abi);
    let _ = ready.send(());
    let mut ctrl = 0;
    let mut epoch = regs.epoch();
    while !stop.load(Ordering::SeqCst) {
        let mut busy = false;
        let c = rd(regs::CTRL);
        if c != ctrl {
            regs.write(regs::CTRL.offset, c);
            // SOFT_RESET is self-clearing: show the host what the register holds now.
            ctrl = regs.read(regs::CTRL.offset);
            wr(regs::CTRL, ctrl);
            busy = true;
        }
        let irq = rd(regs::IRQ_STATUS);
        if irq != 0 {
            regs.write(regs::IRQ_STATUS.offset, irq);
            wr(regs::IRQ_STATUS, 0);
            busy = true;
        }
        let bell = rd(regs::DOORBELL);
        if bell != 0 {
            for i in 0..regs::CMD.count {
                regs.write(regs::CMD.at(i), bar.read32(u64::from(regs::CMD.at(i))).unwrap_or(0));
            }
            wr(regs::DOORBELL, 0);
            if let Some(d) = regs.write(regs::DOORBELL.offset, bell) {
                publish(&port, &regs, wrong_abi);
                if d.epoch != epoch {
                    exec.reset();
                    epoch = d.epoch;
                }
                let cmd = Command::decode(&d.words).ok();
                let f = faults.command(cmd.map(|c| c.opcode));
                if f.hung {
                    log::warn!("{}: hung on command seq {}", config.name, d.words[1]);
                    regs.freeze();
                } else {
                    let done = exec.run(&d.words, d.value, &mem, f.compute);
                    regs.set_tables(exec.tables_loaded());
                    if f.stuck {
                        log::warn!("{}: command seq {} stuck busy", config.name, done.seq);
                    } else {
                        regs.complete(d.epoch, &done, !f.lost_irq);
                    }
                }
            }
            busy = true;
        }
        publish(&port, &regs, wrong_abi);
        if regs.take_event()
            && let Err(e) = port.raise_irq(0)
        {
            log::error!("servicer: cannot raise the event: {e}");
        }
        if !busy {
            std::thread::sleep(IDLE);
        }
    }
}
