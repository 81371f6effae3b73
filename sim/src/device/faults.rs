//! What goes wrong, and when: the fault plan of a simulated card.
//!
//! The host promises (notes/reliability.md C4, C6, C7, C12) that no device fault ends in a
//! wrong root, a panic or a thread blocked past its deadline. A [`FaultPlan`] makes each
//! fault happen on purpose, reproducibly (seeded), on the transfer, command or register read
//! its [`Trigger`] picks, and counts every injection so a test can assert the fault really
//! happened instead of passing vacuously. A compute fault counts when its trigger fires on a
//! command; it changes the output only if the command passes its checks and writes one.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use slotproof_firmware::Opcode;

use super::executor::ComputeFault;
use super::timing::Direction;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// A transfer moves only part of its bytes and reports how many.
    ShortTransfer,
    /// A transfer fails outright (EIO); nothing moves.
    FailedTransfer,
    /// A transfer is interrupted (errno 512 / EINTR); nothing moves.
    InterruptedTransfer,
    /// A transfer lands with one bit flipped: on H2C the card's `CHECK_SRC` catches it, on
    /// C2H the host's check against `RESULT_CRC` does.
    CorruptPayload,
    /// A compute fault: one bit of the command's output flipped before the result checksum
    /// is computed, so the checksum vouches for the wrong bytes and only recomputation
    /// catches it.
    FlipResultBit,
    /// A compute fault inside `COMMIT_BATCH`: one bit of one LDE row flipped before it is
    /// hashed (the tree is consistent with the wrong row).
    FlipLdeBit,
    /// `BUSY` never clears for the command; the heartbeat keeps moving.
    StuckBusy,
    /// The command fails with `MEMORY_ECC`.
    ErrorStatus,
    /// `ABI_VERSION` reads with the major version one higher.
    WrongAbi,
    /// From the command on nothing completes and the heartbeat stops.
    Hung,
    /// The command completes but raises no interrupt.
    LostIrq,
}

impl FaultKind {
    fn stream(self) -> Stream {
        match self {
            FaultKind::ShortTransfer
            | FaultKind::FailedTransfer
            | FaultKind::InterruptedTransfer
            | FaultKind::CorruptPayload => Stream::Transfer,
            FaultKind::WrongAbi => Stream::AbiRead,
            _ => Stream::Command,
        }
    }
}

/// The kind of event a fault watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Transfer,
    Command,
    AbiRead,
}

/// Which events of its kind a fault considers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// All of them.
    Any,
    /// Commands with this opcode.
    Opcode(Opcode),
    /// Transfers in this direction.
    Direction(Direction),
}

/// Which of the considered events it fires on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    /// The n-th (1-based) considered event only.
    Nth(u64),
    /// Every considered event.
    Every,
    /// Each considered event independently with this probability.
    Probability(f64),
}

/// A filter and a rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trigger {
    /// Which events count.
    pub filter: Filter,
    /// Which of them fire.
    pub when: When,
}

impl Trigger {
    /// The n-th event of any opcode or direction.
    pub fn nth(n: u64) -> Self {
        Self { filter: Filter::Any, when: When::Nth(n) }
    }

    /// Every event.
    pub fn every() -> Self {
        Self { filter: Filter::Any, when: When::Every }
    }

    /// Each event with probability `p`.
    pub fn probability(p: f64) -> Self {
        Self { filter: Filter::Any, when: When::Probability(p) }
    }

    /// Only commands with opcode `op`.
    pub fn on_opcode(self, op: Opcode) -> Self {
        Self { filter: Filter::Opcode(op), ..self }
    }

    /// Only transfers going `dir`.
    pub fn on_direction(self, dir: Direction) -> Self {
        Self { filter: Filter::Direction(dir), ..self }
    }
}

/// A fault and when it strikes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fault {
    /// What happens.
    pub kind: FaultKind,
    /// When.
    pub on: Trigger,
}

/// How many times each fault of a plan was injected.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Injected(pub Vec<(Fault, u64)>);

impl Injected {
    /// Injections of `kind`, over all faults of that kind.
    pub fn count(&self, kind: FaultKind) -> u64 {
        self.0.iter().filter(|(f, _)| f.kind == kind).map(|(_, n)| n).sum()
    }

    /// All injections.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// A transfer fault the plan picked: what to do and a random number to choose with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferPick {
    /// The fault.
    pub kind: FaultKind,
    /// Chooses the byte count or the bit.
    pub pick: u64,
}

/// The faults that strike one command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandFaults {
    /// What to do to the computation.
    pub compute: ComputeFault,
    /// The command never clears `BUSY`.
    pub stuck: bool,
    /// The card hangs on this command.
    pub hung: bool,
    /// The completion raises no interrupt.
    pub lost_irq: bool,
}

/// A seeded list of faults with their counters.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    faults: Vec<Fault>,
    seen: Vec<u64>,
    injected: Vec<u64>,
    rng: SmallRng,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self::none()
    }
}

impl FaultPlan {
    /// A healthy card.
    pub fn none() -> Self {
        Self::new(0)
    }

    /// An empty plan whose random choices come from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { faults: Vec::new(), seen: Vec::new(), injected: Vec::new(), rng: SmallRng::seed_from_u64(seed) }
    }

    /// Adds a fault.
    pub fn with(mut self, kind: FaultKind, on: Trigger) -> Self {
        self.faults.push(Fault { kind, on });
        self.seen.push(0);
        self.injected.push(0);
        self
    }

    /// The faults, in the order added.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// The injection counters.
    pub fn injected(&self) -> Injected {
        Injected(self.faults.iter().copied().zip(self.injected.iter().copied()).collect())
    }

    /// Whether fault `i` applies to this event, advancing its counter and drawing its dice.
    fn fires(&mut self, i: usize, stream: Stream, opcode: Option<Opcode>, dir: Option<Direction>) -> bool {
        let f = self.faults[i];
        if f.kind.stream() != stream {
            return false;
        }
        // The LDE only exists inside the card during a fused commit.
        if f.kind == FaultKind::FlipLdeBit && opcode != Some(Opcode::CommitBatch) {
            return false;
        }
        let considered = match f.on.filter {
            Filter::Any => true,
            Filter::Opcode(op) => opcode == Some(op),
            Filter::Direction(d) => dir == Some(d),
        };
        if !considered {
            return false;
        }
        self.seen[i] += 1;
        let fire = match f.on.when {
            When::Nth(n) => self.seen[i] == n,
            When::Every => true,
            When::Probability(p) => self.rng.random_bool(p.clamp(0.0, 1.0)),
        };
        if fire {
            self.injected[i] += 1;
            log::info!("fault injected: {:?} (event {} of its trigger)", f.kind, self.seen[i]);
        }
        fire
    }

    /// The fault (at most one: the first in the plan that fires) for a transfer going `dir`.
    pub fn transfer(&mut self, dir: Direction) -> Option<TransferPick> {
        let mut hit = None;
        for i in 0..self.faults.len() {
            // Every matching fault sees the event, so Nth counts stay true to the stream.
            if self.fires(i, Stream::Transfer, None, Some(dir)) && hit.is_none() {
                hit = Some(TransferPick { kind: self.faults[i].kind, pick: self.rng.random() });
            }
        }
        hit
    }

    /// The faults for a command with `opcode` (`None` when the descriptor does not decode).
    pub fn command(&mut self, opcode: Option<Opcode>) -> CommandFaults {
        let mut out = CommandFaults::default();
        for i in 0..self.faults.len() {
            if !self.fires(i, Stream::Command, opcode, None) {
                continue;
            }
            let pick = self.rng.random();
            match self.faults[i].kind {
                FaultKind::FlipResultBit if out.compute == ComputeFault::None => {
                    out.compute = ComputeFault::FlipResultBit { pick }
                }
                FaultKind::FlipLdeBit if out.compute == ComputeFault::None => {
                    out.compute = ComputeFault::FlipLdeBit { pick }
                }
                FaultKind::ErrorStatus => out.compute = ComputeFault::MemoryEcc,
                FaultKind::StuckBusy => out.stuck = true,
                FaultKind::Hung => out.hung = true,
                FaultKind::LostIrq => out.lost_irq = true,
                _ => {}
            }
        }
        out
    }

    /// Whether this read of `ABI_VERSION` reports the wrong major version.
    pub fn abi_read(&mut self) -> bool {
        let mut wrong = false;
        for i in 0..self.faults.len() {
            wrong |= self.fires(i, Stream::AbiRead, None, None);
        }
        wrong
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_filter_and_count() {
        let mut p = FaultPlan::new(1)
            .with(FaultKind::FailedTransfer, Trigger::nth(2).on_direction(Direction::C2h))
            .with(FaultKind::StuckBusy, Trigger::every().on_opcode(Opcode::Lde))
            .with(FaultKind::FlipLdeBit, Trigger::every());
        assert_eq!(p.transfer(Direction::C2h), None);
        assert_eq!(p.transfer(Direction::H2c), None);
        assert_eq!(p.transfer(Direction::C2h).map(|t| t.kind), Some(FaultKind::FailedTransfer));
        assert_eq!(p.transfer(Direction::C2h), None);
        assert!(!p.command(Some(Opcode::HashLeaves)).stuck);
        assert!(p.command(Some(Opcode::Lde)).stuck);
        assert!(matches!(p.command(Some(Opcode::CommitBatch)).compute, ComputeFault::FlipLdeBit { .. }));
        assert!(!p.abi_read());
        let i = p.injected();
        assert_eq!((i.count(FaultKind::FailedTransfer), i.count(FaultKind::StuckBusy)), (1, 1));
        assert_eq!(i.count(FaultKind::FlipLdeBit), 1);
        assert_eq!(i.total(), 3);
    }

    #[test]
    fn probability_is_seeded() {
        let plan = FaultPlan::new(42).with(FaultKind::CorruptPayload, Trigger::probability(0.5));
        let run = |mut p: FaultPlan| (0..64).map(|_| p.transfer(Direction::H2c).is_some()).collect::<Vec<_>>();
        let a = run(plan.clone());
        assert_eq!(a, run(plan));
        let hits = a.iter().filter(|&&x| x).count();
        assert!((16..48).contains(&hits), "{hits}");
    }
}
