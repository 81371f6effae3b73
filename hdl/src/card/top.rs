//! `CardTop`: the card's top level, the module a Vivado block design instantiates behind the
//! XDMA IP's user BAR, so that a bitstream can be brought up on hardware before any
//! executing datapath exists.
//!
//! It is the [`CardRegs`] register block with the command processor's [`Admission`] behind
//! its doorbell. Without a datapath it must not admit anything, so [`CardTop::new`] builds it
//! only for a card whose `CAPS` are 0: every doorbelled command is then refused (bad
//! descriptor, bad sequence or unsupported), which is the ABI behaviour of a bring-up image
//! (identity, heartbeat, doorbells, refusals, interrupts), checked against the device model.
//!
//! # Behaviour
//!
//! The doorbell pulse presents the latched descriptor and the doorbell value to admission
//! for one cycle; [`CardTop::COMPLETION_LATENCY`] edges after the edge of the doorbell write,
//! the verdict completes the command through `CardRegs.error` with the device model's
//! completion of a refused command (`Executor::run`): `COMPLETED_SEQ` = descriptor word 1,
//! `PAYLOAD_CRC` = `RESULT_CRC` = `RESULT_LEN` = 0. `busy` is held from the doorbell pulse to
//! the completion. A verdict of "admitted" cannot occur with `CAPS` = 0; should it, it
//! completes with `UNSUPPORTED` (the bitstream lacks what the command needs: here, any
//! datapath) at word `HEADER`, so the host never waits for a command nothing will run.
//!
//! A soft reset abandons a command in the admission pipeline, as the model's reset epochs
//! do: a live bit travels beside each descriptor (`live`), cleared by `soft_reset`, and a
//! verdict without it is dropped. `busy` is masked in the pulse's own cycle, where the live
//! bits still hold the abandoned command, because the model reads `BUSY` clear right after a
//! reset. Tables are never loaded.

use rust_hdl::prelude::*;
use slotproof_firmware::CardError;
use slotproof_firmware::command::word;
use slotproof_firmware::regs::caps;

use super::regs_axil::{CardRegsConfig, CardRegsError};
use super::{Admission, AdmissionConfig, CardRegs, Limits};

/// The admission pipeline the live bits run beside.
const LIVE: usize = 4;
const _: () = assert!(Admission::LATENCY == LIVE);

/// Why a top level cannot be built for this configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CardTopError {
    /// The register block cannot be built.
    #[error(transparent)]
    Regs(#[from] CardRegsError),
    /// Identity and admission describe different capabilities.
    #[error("identity CAPS {identity:#x} differ from admission caps {admission:#x}: they must describe one card")]
    CapsDiffer {
        /// The identity's `CAPS`.
        identity: u32,
        /// Admission's caps.
        admission: u32,
    },
    /// Capabilities this top level cannot honour: it has no executing datapath.
    #[error(
        "CAPS {caps:#x} sets {names}: the card top has no executing datapath and is built only for CAPS = 0 \
         (a card that admits nothing)"
    )]
    Caps {
        /// The `CAPS` value.
        caps: u32,
        /// The names of its bits (`bit N` for a bit the ABI does not name).
        names: String,
    },
    /// Identity and admission describe different shape limits.
    #[error("identity LIMITS {identity:?} differ from admission limits {admission:?}: they must describe one card")]
    Limits {
        /// The identity's limits.
        identity: Limits,
        /// Admission's limits.
        admission: Limits,
    },
    /// Identity and admission describe different memory sizes.
    #[error("identity memory of {identity} bytes differs from admission's {admission}: they must describe one card")]
    MemBytes {
        /// The identity's memory size.
        identity: u64,
        /// Admission's memory size.
        admission: u64,
    },
}

/// How a top level is built: the register block's identity and clock, and what admission
/// admits (the same card).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardTopConfig {
    /// The register block.
    pub regs: CardRegsConfig,
    /// Admission.
    pub admission: AdmissionConfig,
}

/// The top level. Build it with [`CardTop::new`].
#[derive(LogicBlock)]
pub struct CardTop {
    /// The AXI clock (the XDMA IP's `axi_aclk`).
    pub clock: Signal<In, Clock>,
    /// Write address valid.
    pub awvalid: Signal<In, Bit>,
    /// Write address ready.
    pub awready: Signal<Out, Bit>,
    /// Write byte address in the block.
    pub awaddr: Signal<In, Bits<8>>,
    /// Write data valid.
    pub wvalid: Signal<In, Bit>,
    /// Write data ready.
    pub wready: Signal<Out, Bit>,
    /// Write data.
    pub wdata: Signal<In, Bits<32>>,
    /// Write strobes (ignored: the host writes whole words).
    pub wstrb: Signal<In, Bits<4>>,
    /// Write response valid.
    pub bvalid: Signal<Out, Bit>,
    /// Write response ready.
    pub bready: Signal<In, Bit>,
    /// Write response: always OKAY.
    pub bresp: Signal<Out, Bits<2>>,
    /// Read address valid.
    pub arvalid: Signal<In, Bit>,
    /// Read address ready.
    pub arready: Signal<Out, Bit>,
    /// Read byte address in the block.
    pub araddr: Signal<In, Bits<8>>,
    /// Read data valid.
    pub rvalid: Signal<Out, Bit>,
    /// Read data ready.
    pub rready: Signal<In, Bit>,
    /// Read data.
    pub rdata: Signal<Out, Bits<32>>,
    /// Read response: always OKAY.
    pub rresp: Signal<Out, Bits<2>>,
    /// Interrupt request, a level: `IRQ_ENABLE && (DONE || ERROR)`.
    pub irq: Signal<Out, Bit>,

    regs: CardRegs,
    admission: Admission,
    /// `UNSUPPORTED`: the code of a command admitted without a datapath to run it.
    unsupported: Constant<Bits<8>>,
    /// `HEADER`: its word.
    header_word: Constant<Bits<4>>,
    /// Beside each descriptor in admission: not abandoned by a soft reset.
    live: [DFF<Bit>; LIVE],
    deliver: Signal<Local, Bit>,
    refused: Signal<Local, Bit>,
}

/// The names of the bits of `caps`.
fn cap_names(bits: u32) -> String {
    (0..32)
        .filter(|b| bits >> b & 1 != 0)
        .map(|b| caps::ALL.iter().find(|f| f.mask() == 1 << b).map_or(format!("bit {b}"), |f| f.name.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl CardTop {
    /// Edges from the edge where a doorbell write acts to the edge where its command
    /// completes: the doorbell pulse's register, then admission.
    pub const COMPLETION_LATENCY: usize = 1 + Admission::LATENCY;

    /// The top level of the card `config` describes; refused unless identity and admission
    /// describe the same card and its `CAPS` are 0.
    pub fn new(config: &CardTopConfig) -> Result<Self, CardTopError> {
        let id = &config.regs.identity;
        let adm = &config.admission;
        if id.caps != adm.caps {
            return Err(CardTopError::CapsDiffer { identity: id.caps, admission: adm.caps });
        }
        if id.caps != 0 {
            return Err(CardTopError::Caps { caps: id.caps, names: cap_names(id.caps) });
        }
        let limits = Limits {
            max_log_lde_rows: id.max_log_lde_rows,
            max_log_blowup: id.max_log_blowup,
            max_batch_cols: id.max_batch_cols,
        };
        if limits != adm.limits {
            return Err(CardTopError::Limits { identity: limits, admission: adm.limits });
        }
        if id.mem_bytes != adm.mem_bytes {
            return Err(CardTopError::MemBytes { identity: id.mem_bytes, admission: adm.mem_bytes });
        }
        Ok(Self {
            clock: Default::default(),
            awvalid: Default::default(),
            awready: Default::default(),
            awaddr: Default::default(),
            wvalid: Default::default(),
            wready: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            bvalid: Default::default(),
            bready: Default::default(),
            bresp: Default::default(),
            arvalid: Default::default(),
            arready: Default::default(),
            araddr: Default::default(),
            rvalid: Default::default(),
            rready: Default::default(),
            rdata: Default::default(),
            rresp: Default::default(),
            irq: Default::default(),
            regs: CardRegs::new(&config.regs)?,
            admission: Admission::new(*adm),
            unsupported: Constant::new(u64::from(CardError::Unsupported as u8).into()),
            header_word: Constant::new(u64::from(word::HEADER).into()),
            live: Default::default(),
            deliver: Default::default(),
            refused: Default::default(),
        })
    }
}

impl Logic for CardTop {
    #[hdl_gen]
    fn update(&mut self) {
        // The bus, straight through.
        self.regs.clock.next = self.clock.val();
        self.regs.awvalid.next = self.awvalid.val();
        self.regs.awaddr.next = self.awaddr.val();
        self.regs.wvalid.next = self.wvalid.val();
        self.regs.wdata.next = self.wdata.val();
        self.regs.wstrb.next = self.wstrb.val();
        self.regs.bready.next = self.bready.val();
        self.regs.arvalid.next = self.arvalid.val();
        self.regs.araddr.next = self.araddr.val();
        self.regs.rready.next = self.rready.val();
        self.awready.next = self.regs.awready.val();
        self.wready.next = self.regs.wready.val();
        self.bvalid.next = self.regs.bvalid.val();
        self.bresp.next = self.regs.bresp.val();
        self.arready.next = self.regs.arready.val();
        self.rvalid.next = self.regs.rvalid.val();
        self.rdata.next = self.regs.rdata.val();
        self.rresp.next = self.regs.rresp.val();
        self.irq.next = self.regs.irq.val();

        // The latched descriptor to admission, for the doorbell's cycle.
        self.admission.clock.next = self.clock.val();
        self.admission.valid_in.next = self.regs.doorbell.val();
        self.admission.doorbell.next = self.regs.doorbell_value.val();
        self.admission.header.next = self.regs.desc[0].val();
        self.admission.seq.next = self.regs.desc[1].val();
        self.admission.src.next =
            (bit_cast::<64, 32>(self.regs.desc[3].val()) << 32) | bit_cast::<64, 32>(self.regs.desc[2].val());
        self.admission.dst.next =
            (bit_cast::<64, 32>(self.regs.desc[5].val()) << 32) | bit_cast::<64, 32>(self.regs.desc[4].val());
        self.admission.aux.next =
            (bit_cast::<64, 32>(self.regs.desc[7].val()) << 32) | bit_cast::<64, 32>(self.regs.desc[6].val());
        self.admission.shape.next = self.regs.desc[8].val();
        self.admission.count.next = self.regs.desc[10].val();
        self.admission.src_len.next = self.regs.desc[11].val();
        self.admission.w12.next = self.regs.desc[12].val();
        self.admission.w13.next = self.regs.desc[13].val();
        self.admission.w14.next = self.regs.desc[14].val();
        self.admission.w15.next = self.regs.desc[15].val();

        // Live bits beside admission's pipeline; a soft reset clears them all.
        for i in 0..4 {
            self.live[i].clock.next = self.clock.val();
        }
        self.live[0].d.next = self.regs.doorbell.val() & !self.regs.soft_reset.val();
        self.live[1].d.next = self.live[0].q.val() & !self.regs.soft_reset.val();
        self.live[2].d.next = self.live[1].q.val() & !self.regs.soft_reset.val();
        self.live[3].d.next = self.live[2].q.val() & !self.regs.soft_reset.val();
        self.regs.busy.next = (self.regs.doorbell.val()
            | self.live[0].q.val()
            | self.live[1].q.val()
            | self.live[2].q.val()
            | self.live[3].q.val())
            & !self.regs.soft_reset.val();

        // The verdict completes the command: always an error, as the model completes a
        // refused command (sequence from descriptor word 1, no checksums, no result).
        self.deliver.next = self.admission.valid_out.val() & self.live[3].q.val() & !self.regs.soft_reset.val();
        self.refused.next = self.admission.error_code.val().any();
        self.regs.done.next = false;
        self.regs.error.next = self.deliver.val();
        if self.refused.val() {
            self.regs.error_code.next = self.admission.error_code.val();
            self.regs.error_word.next = self.admission.error_word.val();
        } else {
            self.regs.error_code.next = self.unsupported.val();
            self.regs.error_word.next = self.header_word.val();
        }
        // `desc` still holds the command: `CardRegs` accepts no doorbell while it runs, and a
        // doorbell after a soft reset belongs to a new command whose predecessor is dead.
        self.regs.completed_seq.next = self.regs.desc[1].val();
        self.regs.payload_crc.next = 0.into();
        self.regs.result_crc.next = 0.into();
        self.regs.result_len.next = 0.into();
        self.regs.tables_loaded.next = false;
        self.regs.tables_field.next = 0.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::card_top_config;
    use crate::eda::yosys_validate;

    #[test]
    fn the_report_config_builds_and_is_synthesizable() {
        let mut uut = CardTop::new(&card_top_config()).expect("caps 0, one card");
        uut.connect_all();
        yosys_validate("card_top", &generate_verilog(&uut)).unwrap();
    }

    #[test]
    fn caps_are_refused_by_name() {
        let mut c = card_top_config();
        c.regs.identity.caps = caps::BABYBEAR.mask();
        c.admission.caps = caps::BABYBEAR.mask();
        let e = CardTop::new(&c).err().expect("refused");
        assert!(e.to_string().contains(caps::BABYBEAR.name), "{e}");
    }
}
