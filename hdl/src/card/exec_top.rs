//! `ExecCardTop`: the card's top level with the command processor's execution stage: the
//! [`CardRegs`] register block, [`Admission`] behind its doorbell, and the [`Executor`] with
//! its master port on card memory. What [`super::CardTop`] refuses (a card with
//! capabilities), this one runs.
//!
//! A doorbelled descriptor goes through admission as in [`super::CardTop`]; a refusal
//! completes the command at once, an admitted descriptor starts the executor, and `BUSY`
//! holds until the executor's completion, which goes to the register block with its
//! checksums and result length.
//!
//! A soft reset during admission abandons the command (the live bits, as in the bring-up
//! top). A soft reset while the executor runs cannot cancel the memory transactions in
//! flight, so the command runs to its end and its completion is dropped; `BUSY` stays set
//! until then (the device model clears it at once), and the commitment in progress is
//! forgotten.

use rust_hdl::prelude::*;
use slotproof_firmware::Field;

use super::regs_axil::CardRegsError;
use super::{Admission, CardRegs, CardTopConfig, Executor, ExecutorError};
use crate::field::Prime31;

/// Why an executing top level cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExecCardTopError {
    /// The register block cannot be built.
    #[error(transparent)]
    Regs(#[from] CardRegsError),
    /// The executor cannot be built.
    #[error(transparent)]
    Executor(#[from] ExecutorError),
}

/// The top level. Build it with [`ExecCardTop::new`].
#[derive(LogicBlock)]
pub struct ExecCardTop {
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

    /// Card memory: read address valid.
    pub mem_arvalid: Signal<Out, Bit>,
    /// Read address ready.
    pub mem_arready: Signal<In, Bit>,
    /// Read byte address.
    pub mem_araddr: Signal<Out, Bits<64>>,
    /// Read data valid.
    pub mem_rvalid: Signal<In, Bit>,
    /// Read data ready.
    pub mem_rready: Signal<Out, Bit>,
    /// Read data.
    pub mem_rdata: Signal<In, Bits<32>>,
    /// Read response.
    pub mem_rresp: Signal<In, Bits<2>>,
    /// Write address valid.
    pub mem_awvalid: Signal<Out, Bit>,
    /// Write address ready.
    pub mem_awready: Signal<In, Bit>,
    /// Write byte address.
    pub mem_awaddr: Signal<Out, Bits<64>>,
    /// Write data valid.
    pub mem_wvalid: Signal<Out, Bit>,
    /// Write data ready.
    pub mem_wready: Signal<In, Bit>,
    /// Write data.
    pub mem_wdata: Signal<Out, Bits<32>>,
    /// Write response valid.
    pub mem_bvalid: Signal<In, Bit>,
    /// Write response ready.
    pub mem_bready: Signal<Out, Bit>,
    /// Write response.
    pub mem_bresp: Signal<In, Bits<2>>,

    regs: CardRegs,
    admission: Admission,
    exec: Executor,
    field_code: Constant<Bits<4>>,
    live: [DFF<Bit>; 4],
    exec_live: DFF<Bit>,
    deliver: Signal<Local, Bit>,
    refused: Signal<Local, Bit>,
    finish: Signal<Local, Bit>,
}

impl ExecCardTop {
    /// The top level of the card `config` describes, for `field` (its `CAPS` must name that
    /// field alone; admission refuses the others), with an LDE unit of `2^max_log_lde` rows.
    pub fn new(config: &CardTopConfig, field: Field, max_log_lde: usize) -> Result<Self, ExecCardTopError> {
        let prime = Prime31::new(super::field_id(field)).map_err(|e| {
            ExecCardTopError::Executor(ExecutorError::Lde(crate::ntt::lde_unit::LdeUnitError::Field(e)))
        })?;
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
            mem_arvalid: Default::default(),
            mem_arready: Default::default(),
            mem_araddr: Default::default(),
            mem_rvalid: Default::default(),
            mem_rready: Default::default(),
            mem_rdata: Default::default(),
            mem_rresp: Default::default(),
            mem_awvalid: Default::default(),
            mem_awready: Default::default(),
            mem_awaddr: Default::default(),
            mem_wvalid: Default::default(),
            mem_wready: Default::default(),
            mem_wdata: Default::default(),
            mem_bvalid: Default::default(),
            mem_bready: Default::default(),
            mem_bresp: Default::default(),
            regs: CardRegs::new(&config.regs)?,
            admission: Admission::new(config.admission),
            exec: Executor::new(prime, max_log_lde)?,
            field_code: Constant::new(u64::from(field as u8).into()),
            live: Default::default(),
            exec_live: Default::default(),
            deliver: Default::default(),
            refused: Default::default(),
            finish: Default::default(),
        })
    }
}

impl Logic for ExecCardTop {
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
        // The executor: started by an admitted verdict, its completion to the registers.
        self.exec.clock.next = self.clock.val();
        self.exec.header.next = self.regs.desc[0].val();
        self.exec.seq.next = self.regs.desc[1].val();
        self.exec.src.next = self.admission.src.val();
        self.exec.dst.next = self.admission.dst.val();
        self.exec.aux.next = self.admission.aux.val();
        self.exec.shape.next = self.regs.desc[8].val();
        self.exec.src_crc.next = self.regs.desc[9].val();
        self.exec.count.next = self.regs.desc[10].val();
        self.exec.src_len.next = self.regs.desc[11].val();
        self.exec.soft_reset.next = self.regs.soft_reset.val();
        self.exec.mem_arready.next = self.mem_arready.val();
        self.exec.mem_rvalid.next = self.mem_rvalid.val();
        self.exec.mem_rdata.next = self.mem_rdata.val();
        self.exec.mem_rresp.next = self.mem_rresp.val();
        self.exec.mem_awready.next = self.mem_awready.val();
        self.exec.mem_wready.next = self.mem_wready.val();
        self.exec.mem_bvalid.next = self.mem_bvalid.val();
        self.exec.mem_bresp.next = self.mem_bresp.val();
        self.mem_arvalid.next = self.exec.mem_arvalid.val();
        self.mem_araddr.next = self.exec.mem_araddr.val();
        self.mem_rready.next = self.exec.mem_rready.val();
        self.mem_awvalid.next = self.exec.mem_awvalid.val();
        self.mem_awaddr.next = self.exec.mem_awaddr.val();
        self.mem_wvalid.next = self.exec.mem_wvalid.val();
        self.mem_wdata.next = self.exec.mem_wdata.val();
        self.mem_bready.next = self.exec.mem_bready.val();

        self.deliver.next = self.admission.valid_out.val() & self.live[3].q.val() & !self.regs.soft_reset.val();
        self.refused.next = self.admission.error_code.val().any();
        self.exec.start.next = self.deliver.val() & !self.refused.val();
        self.exec_live.clock.next = self.clock.val();
        self.exec_live.d.next = self.exec_live.q.val();
        if self.deliver.val() & !self.refused.val() {
            self.exec_live.d.next = true;
        } else if self.regs.soft_reset.val() | self.exec.done.val() {
            self.exec_live.d.next = false;
        }
        self.finish.next = self.exec.done.val() & self.exec_live.q.val() & !self.regs.soft_reset.val();
        self.regs.busy.next = ((self.regs.doorbell.val()
            | self.live[0].q.val()
            | self.live[1].q.val()
            | self.live[2].q.val()
            | self.live[3].q.val())
            & !self.regs.soft_reset.val())
            | self.exec.busy.val();

        // A refusal completes at once, as the model completes a refused command; the
        // executor's completion carries its checksums and result.
        self.regs.completed_seq.next = self.regs.desc[1].val();
        if self.deliver.val() & self.refused.val() {
            self.regs.done.next = false;
            self.regs.error.next = true;
            self.regs.error_code.next = self.admission.error_code.val();
            self.regs.error_word.next = self.admission.error_word.val();
            self.regs.payload_crc.next = 0.into();
            self.regs.result_crc.next = 0.into();
            self.regs.result_len.next = 0.into();
        } else {
            self.regs.done.next = self.finish.val() & !self.exec.failed.val();
            self.regs.error.next = self.finish.val() & self.exec.failed.val();
            self.regs.error_code.next = self.exec.code.val();
            self.regs.error_word.next = self.exec.word.val();
            self.regs.payload_crc.next = self.exec.payload_crc.val();
            self.regs.result_crc.next = self.exec.result_crc.val();
            self.regs.result_len.next = self.exec.result_len.val();
        }
        self.regs.tables_loaded.next = self.exec.tables_loaded.val();
        if self.exec.tables_loaded.val() {
            self.regs.tables_field.next = self.field_code.val();
        } else {
            self.regs.tables_field.next = 0.into();
        }
    }
}
