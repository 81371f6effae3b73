//! The card driver: one card behind any [`Transport`], driven through the ABI in
//! `slotproof-firmware` and nothing else.
//!
//! It trusts nothing the card says. Opening a card reads its identity and refuses a wrong ID,
//! ABI or missing capability with a message naming the card. Every command is waited for
//! with a deadline, and while it waits the driver watches the card's heartbeat: a card whose
//! heartbeat stops is hung, one whose heartbeat moves but which stays busy past the deadline
//! is stuck, and the two are reported differently because the first needs a reset and the
//! second a bug report. Events coalesce and can be lost, so the driver re-reads `STATUS`
//! after every wake and also polls it on a short interval. Every payload goes up with its
//! checksum (the card verifies it and echoes what it computed), every result comes back with
//! the card's checksum and is checked again on the host.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use slotproof_firmware::checksum::checksum;
use slotproof_firmware::command::{Field, WORDS};
use slotproof_firmware::msm::MsmCommand;
use slotproof_firmware::regs::{self, caps, error_code, irq_status, limits, status};
use slotproof_firmware::{ABI_VERSION, AbiVersion, CARD_ID, CardError, Command};
use slotproof_hdl::bitstream::{Manifest, ManifestError};

use crate::transport::{Transport, XferError};

/// How long the driver waits, and how often it looks.
#[derive(Clone, Copy, Debug)]
pub struct Deadlines {
    /// Longest a single command may run.
    pub command: Duration,
    /// A heartbeat that has not moved for this long means the card is hung.
    pub heartbeat: Duration,
    /// Longest sleep between two looks at `STATUS` (covers lost events).
    pub poll: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        // The XDMA driver's own transfer timeout is 10 s; a command on a 2^25-row LDE runs
        // well under a second on the card, so 10 s is generous and still bounded.
        Self {
            command: Duration::from_secs(10),
            heartbeat: Duration::from_millis(250),
            poll: Duration::from_millis(20),
        }
    }
}

/// What a card says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardIdentity {
    /// The transport's name for the card.
    pub name: String,
    /// ABI the bitstream implements.
    pub abi: AbiVersion,
    /// Bitstream build ID.
    pub bitstream: u64,
    /// `CAPS` bits.
    pub caps: u32,
    /// NTT lanes.
    pub ntt_lanes: u32,
    /// Largest log2 LDE height.
    pub max_log_lde_rows: u32,
    /// Largest log2 blowup.
    pub max_log_blowup: u32,
    /// Largest column batch per command.
    pub max_batch_cols: u32,
    /// Kernel clock, kHz.
    pub clock_khz: u32,
    /// Card memory, MiB.
    pub mem_mib: u32,
}

impl CardIdentity {
    /// Checks that the card reports exactly the identity of the bitstream `manifest`
    /// describes (ABI, build ID, capabilities, limits, clock, memory): a card flashed with
    /// another build, or a manifest of another board, is refused before any work.
    pub fn check_manifest(&self, expected: &ExpectedBitstream) -> Result<(), CardFault> {
        let want = expected.manifest.identity();
        // The registers as the card answered them (LIMITS re-packed from its decoded fields).
        let got = [
            (regs::ABI_VERSION, self.abi.to_reg()),
            (regs::BITSTREAM_LO, self.bitstream as u32),
            (regs::BITSTREAM_HI, (self.bitstream >> 32) as u32),
            (regs::CAPS, self.caps),
            (
                regs::LIMITS,
                limits::NTT_LANES.bits(self.ntt_lanes)
                    | limits::MAX_LOG_LDE_ROWS.bits(self.max_log_lde_rows)
                    | limits::MAX_LOG_BLOWUP.bits(self.max_log_blowup)
                    | limits::MAX_BATCH_COLS.bits(self.max_batch_cols),
            ),
            (regs::CLOCK_KHZ, self.clock_khz),
            (regs::MEM_MIB, self.mem_mib),
        ];
        let differ: Vec<String> = got
            .iter()
            .filter_map(|&(reg, value)| {
                let w = want.read(reg.offset).expect("an identity register");
                (w != value).then(|| format!("{} reads {value:#010x}, the manifest says {w:#010x}", reg.name))
            })
            .collect();
        if differ.is_empty() {
            Ok(())
        } else {
            Err(CardFault::ManifestMismatch {
                card: self.name.clone(),
                manifest: expected.path.clone(),
                what: differ.join("; "),
            })
        }
    }

    /// Capability names, for `slotproof devices`.
    pub fn capability_names(&self) -> Vec<&'static str> {
        caps::ALL.iter().filter(|f| f.is_set(self.caps)).map(|f| f.name).collect()
    }
}

/// The bitstream a user expects on their cards (`--manifest FILE`), already checked
/// against this host's ABI by [`Manifest::load`].
#[derive(Clone, Debug)]
pub struct ExpectedBitstream {
    /// Where the manifest came from, for messages.
    pub path: String,
    /// The manifest.
    pub manifest: Manifest,
}

impl ExpectedBitstream {
    /// Loads `path`; a manifest of another ABI or format is refused here.
    pub fn load(path: &std::path::Path) -> Result<Self, ManifestError> {
        Ok(Self { path: path.display().to_string(), manifest: Manifest::load(path)? })
    }

    /// The device model of a card running this bitstream: its identity, with the default
    /// speed model at the manifest's clock. `slotproof emulate --manifest` serves it.
    pub fn emulated_config(&self) -> slotproof_sim::CardConfig {
        let name = format!("{}-{}", self.manifest.board, self.manifest.bitstream_id);
        slotproof_sim::CardConfig::with_identity(name, &self.manifest.identity())
    }
}

/// Why a card could not do what was asked. Every variant names the card.
#[derive(Debug, thiserror::Error)]
pub enum CardFault {
    /// The ID register is not slotproof's.
    #[error("{card}: not a slotproof card (ID register reads {id:#010x}, expected {CARD_ID:#010x})")]
    NotACard {
        /// Card.
        card: String,
        /// What ID read.
        id: u32,
    },
    /// The card is not running the bitstream the user's manifest describes.
    #[error("{card}: does not match manifest {manifest}: {what}")]
    ManifestMismatch {
        /// Card.
        card: String,
        /// The manifest's file.
        manifest: String,
        /// Every register that differs, with both values.
        what: String,
    },
    /// The bitstream speaks another ABI.
    #[error(
        "{card}: bitstream implements card ABI {card_abi}, this host needs {host_abi} (same major, minor at least); reflash or update slotproof"
    )]
    AbiMismatch {
        /// Card.
        card: String,
        /// The card's ABI.
        card_abi: AbiVersion,
        /// Ours.
        host_abi: AbiVersion,
    },
    /// A capability the job needs is missing.
    #[error("{card}: bitstream lacks {what}")]
    Missing {
        /// Card.
        card: String,
        /// Which capability or limit.
        what: String,
    },
    /// The transport failed.
    #[error("{card}: {source}")]
    Transfer {
        /// Card.
        card: String,
        /// What failed.
        #[source]
        source: XferError,
    },
    /// The card refused or failed a command.
    #[error("{card}: {opcode} (seq {seq}) failed: {error}{}", word.map(|w| format!(", descriptor word {w}")).unwrap_or_default())]
    Command {
        /// Card.
        card: String,
        /// Which command.
        opcode: &'static str,
        /// Its sequence number.
        seq: u32,
        /// The card's error code.
        error: CardError,
        /// The descriptor word at fault, when the card names one.
        word: Option<u8>,
    },
    /// The card reported an error code the ABI does not define.
    #[error("{card}: {opcode} (seq {seq}) failed with unknown error code {code}")]
    UnknownError {
        /// Card.
        card: String,
        /// Which command.
        opcode: &'static str,
        /// Its sequence number.
        seq: u32,
        /// The raw code.
        code: u32,
    },
    /// The heartbeat stopped: the card is hung.
    #[error("{card}: hung during {opcode} (seq {seq}): heartbeat frozen at {heartbeat} for {stalled:?}")]
    Hung {
        /// Card.
        card: String,
        /// Which command.
        opcode: &'static str,
        /// Its sequence number.
        seq: u32,
        /// The frozen heartbeat value.
        heartbeat: u32,
        /// How long it had not moved.
        stalled: Duration,
    },
    /// The heartbeat moves but the command never finished.
    #[error("{card}: {opcode} (seq {seq}) still busy after {after:?} (heartbeat alive): stuck")]
    Stuck {
        /// Card.
        card: String,
        /// Which command.
        opcode: &'static str,
        /// Its sequence number.
        seq: u32,
        /// How long the driver waited.
        after: Duration,
    },
    /// A checksum the card reported differs from the host's.
    #[error("{card}: {what} checksum mismatch: host {host:#010x}, card {card_crc:#010x}")]
    Checksum {
        /// Card.
        card: String,
        /// Which payload.
        what: String,
        /// Host's checksum.
        host: u32,
        /// The card's.
        card_crc: u32,
    },
    /// The card's answer is inconsistent with the command (length, sequence).
    #[error("{card}: {what}")]
    Protocol {
        /// Card.
        card: String,
        /// What was inconsistent.
        what: String,
    },
}

impl CardFault {
    /// Whether retrying the same command on the same card can help (a damaged transfer),
    /// as opposed to a card that must be reset or abandoned.
    pub fn is_transient(&self) -> bool {
        match self {
            CardFault::Transfer { source, .. } => !matches!(source, XferError::DeviceLost { .. }),
            CardFault::Checksum { .. } => true,
            CardFault::Command { error, .. } => matches!(error, CardError::PayloadChecksum),
            _ => false,
        }
    }
}

/// What a finished command reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The card's checksum of the command's input.
    pub payload_crc: u32,
    /// The card's checksum of what it wrote.
    pub result_crc: u32,
    /// Bytes it wrote.
    pub result_len: u32,
}

/// One card, opened and checked.
pub struct CardDriver<T: Transport> {
    transport: T,
    identity: CardIdentity,
    deadlines: Deadlines,
    /// Commands are issued one at a time: the card has one descriptor slot.
    next_seq: Mutex<u32>,
    /// The field and LDE size whose tables this driver loaded (the card reports only the
    /// field, and a table for a smaller LDE does not serve a larger one).
    tables: Mutex<Option<(Field, usize)>>,
    /// The MSM points this driver loaded into the POINTS region, if they are still there.
    points: Mutex<Option<ResidentPoints>>,
}

/// Which MSM points sit in the card's POINTS region: the curve, how many, and the checksum of
/// their bytes (what `LOAD_POINTS` was sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentPoints {
    /// The curve.
    pub curve: slotproof_firmware::msm::Curve,
    /// Points loaded.
    pub count: u32,
    /// Checksum of their card-memory bytes.
    pub crc: u32,
}

impl<T: Transport> CardDriver<T> {
    /// Opens the card behind `transport`: checks ID, ABI and the basic limits, resets it and
    /// enables completion events.
    pub fn open(transport: T, deadlines: Deadlines) -> Result<Self, CardFault> {
        let name = transport.info().name.clone();
        let rd = |reg: regs::Register| {
            transport.read32(u64::from(reg.offset)).map_err(|source| CardFault::Transfer { card: name.clone(), source })
        };
        let id = rd(regs::ID)?;
        if id != CARD_ID {
            return Err(CardFault::NotACard { card: name, id });
        }
        let abi = AbiVersion::from_reg(rd(regs::ABI_VERSION)?);
        if !ABI_VERSION.accepts(abi) {
            return Err(CardFault::AbiMismatch { card: name, card_abi: abi, host_abi: ABI_VERSION });
        }
        let lim = rd(regs::LIMITS)?;
        let identity = CardIdentity {
            name: name.clone(),
            abi,
            bitstream: u64::from(rd(regs::BITSTREAM_HI)?) << 32 | u64::from(rd(regs::BITSTREAM_LO)?),
            caps: rd(regs::CAPS)?,
            ntt_lanes: limits::NTT_LANES.get(lim),
            max_log_lde_rows: limits::MAX_LOG_LDE_ROWS.get(lim),
            max_log_blowup: limits::MAX_LOG_BLOWUP.get(lim),
            max_batch_cols: limits::MAX_BATCH_COLS.get(lim),
            clock_khz: rd(regs::CLOCK_KHZ)?,
            mem_mib: rd(regs::MEM_MIB)?,
        };
        let need_mib = slotproof_firmware::memory_map::REQUIRED_BYTES.div_ceil(1 << 20);
        if u64::from(identity.mem_mib) < need_mib {
            return Err(CardFault::Missing {
                card: name,
                what: format!("memory: reports {} MiB, the memory map needs {need_mib} MiB", identity.mem_mib),
            });
        }
        if identity.max_batch_cols == 0 {
            return Err(CardFault::Missing {
                card: name,
                what: "a column batch size (LIMITS.MAX_BATCH_COLS is 0)".into(),
            });
        }
        let driver = Self {
            transport,
            identity,
            deadlines,
            next_seq: Mutex::new(1),
            tables: Mutex::new(None),
            points: Mutex::new(None),
        };
        driver.write(regs::CTRL, regs::ctrl::SOFT_RESET.bits(1))?;
        driver.write(regs::CTRL, regs::ctrl::IRQ_ENABLE.bits(1))?;
        Ok(driver)
    }

    /// What the card said about itself.
    pub fn identity(&self) -> &CardIdentity {
        &self.identity
    }

    /// The transport underneath.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Checks that the card can run a commitment of `field` with an LDE of 2^`log_lde_rows`.
    pub fn check_job(&self, field: Field, log_lde_rows: usize, log_blowup: usize) -> Result<(), CardFault> {
        let id = &self.identity;
        let missing = |what: String| Err(CardFault::Missing { card: id.name.clone(), what });
        if !field.cap().is_set(id.caps) {
            return missing(format!("{} arithmetic (CAPS.{})", field.name(), field.cap().name));
        }
        for need in [caps::FUSED_COMMIT, caps::TREE, caps::OPEN] {
            if !need.is_set(id.caps) {
                return missing(format!("CAPS.{} ({})", need.name, need.doc.trim()));
            }
        }
        if log_lde_rows as u32 > id.max_log_lde_rows {
            return missing(format!("room for 2^{log_lde_rows} LDE rows (its limit is 2^{})", id.max_log_lde_rows));
        }
        if log_blowup as u32 > id.max_log_blowup {
            return missing(format!("blowup 2^{log_blowup} (its limit is 2^{})", id.max_log_blowup));
        }
        Ok(())
    }

    fn fault(&self, source: XferError) -> CardFault {
        CardFault::Transfer { card: self.identity.name.clone(), source }
    }

    fn read(&self, reg: regs::Register) -> Result<u32, CardFault> {
        self.transport.read32(u64::from(reg.offset)).map_err(|e| self.fault(e))
    }

    fn write(&self, reg: regs::Register, v: u32) -> Result<(), CardFault> {
        self.transport.write32(u64::from(reg.offset), v).map_err(|e| self.fault(e))
    }

    /// Uploads `bytes` to card address `addr` on H2C `channel`; returns their checksum.
    pub fn upload(&self, channel: usize, addr: u64, bytes: &[u8]) -> Result<u32, CardFault> {
        self.transport.h2c(channel, addr, bytes).map_err(|e| self.fault(e))?;
        Ok(checksum(bytes))
    }

    /// Downloads `len` bytes from `addr` and checks them against the card's checksum.
    pub fn download(
        &self,
        channel: usize,
        addr: u64,
        len: usize,
        card_crc: u32,
        what: &str,
    ) -> Result<Vec<u8>, CardFault> {
        let mut buf = vec![0u8; len];
        self.transport.c2h(channel, addr, &mut buf).map_err(|e| self.fault(e))?;
        let host = checksum(&buf);
        if host != card_crc {
            return Err(CardFault::Checksum { card: self.identity.name.clone(), what: what.into(), host, card_crc });
        }
        Ok(buf)
    }

    /// Runs `cmd` (its `seq` is assigned here) and waits for it. When the command carries a
    /// payload, the card's echo of its checksum must equal ours.
    pub fn run(&self, mut cmd: Command) -> Result<Completion, CardFault> {
        let src_crc = cmd.flags.contains(slotproof_firmware::Flags::CHECK_SRC).then_some(cmd.src_crc);
        self.issue(cmd.opcode.mnemonic(), src_crc, |seq| {
            cmd.seq = seq;
            cmd.encode()
        })
    }

    /// Runs the MSM command `cmd` as [`CardDriver::run`] runs a field command.
    pub fn run_msm(&self, mut cmd: MsmCommand) -> Result<Completion, CardFault> {
        let src_crc = cmd.flags.contains(slotproof_firmware::Flags::CHECK_SRC).then_some(cmd.src_crc);
        self.issue(cmd.opcode.mnemonic(), src_crc, |seq| {
            cmd.seq = seq;
            cmd.encode()
        })
    }

    /// Writes the descriptor `encode` makes for the next sequence number, rings the doorbell
    /// and waits; `src_crc` is the payload checksum the card must echo.
    fn issue(
        &self,
        opcode: &'static str,
        src_crc: Option<u32>,
        encode: impl FnOnce(u32) -> [u32; WORDS],
    ) -> Result<Completion, CardFault> {
        let mut next = self.next_seq.lock().unwrap_or_else(|e| e.into_inner());
        let seq = *next;
        // Sequence numbers skip 0 (the reset value of COMPLETED_SEQ) and stay below 2^31 so
        // that COMPLETED_SEQ can never read all-ones.
        *next = if *next >= 0x7fff_fffe { 1 } else { *next + 1 };
        for (i, w) in encode(seq).iter().enumerate().take(WORDS) {
            self.write_cmd_word(i as u32, *w)?;
        }
        self.write(regs::DOORBELL, seq)?;
        let st = self.wait(opcode, seq)?;
        if status::ERROR.is_set(st) {
            let code = self.read(regs::ERROR_CODE)?;
            self.write(regs::IRQ_STATUS, irq_status::DONE.bits(1) | irq_status::ERROR.bits(1))?;
            let card = self.identity.name.clone();
            return Err(match CardError::from_code(error_code::CODE.get(code) as u8) {
                Some(error) => {
                    let word = matches!(error, CardError::BadDescriptor).then(|| error_code::WORD.get(code) as u8);
                    CardFault::Command { card, opcode, seq, error, word }
                }
                None => CardFault::UnknownError { card, opcode, seq, code: error_code::CODE.get(code) },
            });
        }
        let done = Completion {
            payload_crc: self.read(regs::PAYLOAD_CRC)?,
            result_crc: self.read(regs::RESULT_CRC)?,
            result_len: self.read(regs::RESULT_LEN)?,
        };
        self.write(regs::IRQ_STATUS, irq_status::DONE.bits(1))?;
        if let Some(host) = src_crc.filter(|&crc| crc != done.payload_crc) {
            return Err(CardFault::Checksum {
                card: self.identity.name.clone(),
                what: format!("{opcode} input echo"),
                host,
                card_crc: done.payload_crc,
            });
        }
        Ok(done)
    }

    fn write_cmd_word(&self, i: u32, w: u32) -> Result<(), CardFault> {
        self.transport.write32(u64::from(regs::CMD.at(i)), w).map_err(|e| self.fault(e))
    }

    /// Waits until the card reports command `seq` finished; returns `STATUS`.
    fn wait(&self, opcode: &'static str, seq: u32) -> Result<u32, CardFault> {
        let start = Instant::now();
        let card = || self.identity.name.clone();
        let mut beat = self.read(regs::HEARTBEAT)?;
        let mut beat_seen = Instant::now();
        loop {
            let st = self.read(regs::STATUS)?;
            // DONE or ERROR of an earlier command may still be set (the card has not latched
            // the doorbell yet): only the sequence number says which command finished.
            if (status::DONE.is_set(st) || status::ERROR.is_set(st)) && self.read(regs::COMPLETED_SEQ)? == seq {
                return Ok(st);
            }
            let now = Instant::now();
            let hb = self.read(regs::HEARTBEAT)?;
            if hb != beat {
                beat = hb;
                beat_seen = now;
            } else if now - beat_seen >= self.deadlines.heartbeat {
                return Err(CardFault::Hung { card: card(), opcode, seq, heartbeat: hb, stalled: now - beat_seen });
            }
            let waited = now - start;
            if waited >= self.deadlines.command {
                return Err(CardFault::Stuck { card: card(), opcode, seq, after: waited });
            }
            let slice = self.deadlines.poll.min(self.deadlines.command - waited);
            self.transport.wait_irq(0, slice).map_err(|e| self.fault(e))?;
        }
    }

    /// Resets the card (after a fault): abandons any command, clears status.
    pub fn reset(&self) -> Result<(), CardFault> {
        *self.tables.lock().unwrap_or_else(|e| e.into_inner()) = None;
        // A reset may have cut a LOAD_POINTS short.
        *self.points.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.write(regs::CTRL, regs::ctrl::SOFT_RESET.bits(1) | regs::ctrl::IRQ_ENABLE.bits(1))?;
        self.write(regs::CTRL, regs::ctrl::IRQ_ENABLE.bits(1))
    }

    /// Whether the card reports tables loaded for `field`.
    pub fn tables_loaded(&self, field: Field) -> Result<bool, CardFault> {
        let st = self.read(regs::STATUS)?;
        let code = self.read(regs::ERROR_CODE)?;
        Ok(status::TABLES_LOADED.is_set(st) && error_code::FIELD.get(code) == field as u32)
    }

    /// Whether this driver loaded twiddles for `field` covering an LDE of 2^`log_lde`.
    pub fn twiddles_cover(&self, field: Field, log_lde: usize) -> bool {
        let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        // Twiddles for 2^L serve exactly 2^L: the card indexes them by stride, so a larger
        // table would also do, but keep the rule simple and exact.
        *t == Some((field, log_lde))
    }

    /// Records that tables for `field` and 2^`log_lde` are loaded.
    pub fn note_twiddles(&self, field: Field, log_lde: usize) {
        *self.tables.lock().unwrap_or_else(|e| e.into_inner()) = Some((field, log_lde));
    }

    /// The MSM points this driver left in the POINTS region (none after a reset or a
    /// failed load).
    pub fn resident_points(&self) -> Option<ResidentPoints> {
        *self.points.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records which points the POINTS region holds (`None` while it is being rewritten).
    pub fn note_points(&self, points: Option<ResidentPoints>) {
        *self.points.lock().unwrap_or_else(|e| e.into_inner()) = points;
    }
}
