//! `BucketUnit`: bucket accumulation for one MSM window, one point per cycle.
//!
//! Points arrive with their bucket (the host has already recoded the scalars and streams
//! `(bucket, x, y)`); each is added into its bucket by the [`PointAdd`] pipeline, and the
//! buckets stay on chip until the host reads them back and reduces them.
//!
//! **Hazards.** An addition takes the adder's latency (90 or 130 cycles) from the bucket read
//! to the write of the sum. A second point for a bucket still in flight would read the stale
//! bucket and one of the two sums would be lost, so every bucket has a busy bit: set when a
//! point for it issues, cleared when its sum is written (the write happens on the edge that
//! clears the bit, so the read that follows sees it).
//!
//! A point whose bucket is busy is set aside in a 32-entry **retry queue** instead of
//! stopping the stream: in-order issue that waits for the bucket would, with 2^12 buckets and
//! uniform digits, spend 1.7 (BN254) to 2.2 (BLS12-381) cycles per point, because a collision
//! within one latency is likely and each costs half a latency. Each cycle the unit issues the
//! queue's head if its bucket is free, else the offered point if its bucket is free; a point
//! it cannot issue joins the queue, and a head that cannot issue while nothing else joins goes
//! to the back, so one busy bucket never blocks the rest. The stream stops (`in_ready` low)
//! only when the queue is full. Additions into one bucket then happen in another order than
//! the points arrived in: the sums are the same points, in other XYZZ coordinates.
//!
//! **Empty buckets** are a bit per bucket too, so [`BucketUnit`]'s `clear` empties every
//! bucket in one cycle without touching the RAMs; an empty bucket reaches the adder as `inf1`.
//!
//! **Doublings.** A point equal to its bucket's sum is the one case the adder does not
//! compute (`slotproof_core::golden::xyzz`): the bucket keeps its value and the point is
//! recorded in the exception list (`2^E` slots, with its bucket), which the host reads back
//! and adds in itself. Should more exceptions come than there are slots, `exc_overflow` is
//! raised and the window's buckets are not the sum: the host recomputes that window on the
//! CPU. No case gives a wrong bucket silently.
//!
//! **Read-back.** When no point is offered and nothing is in flight (`busy` low), `rd_bucket`
//! and `rd_exception` address the buckets and the exception list; the data shows the next
//! cycle. On the card this is the memory the DMA engine reads.

use rust_hdl::prelude::*;
use rust_hdl::widgets::prelude::SynchronousFIFO;

use super::point_add::TAG_BITS;
use super::{PointAdd, WideField};

/// The unit for an `N`-bit base field, `2^B = NB` buckets and `2^E` exception slots.
/// Build it with [`BucketUnit::new`].
#[derive(LogicBlock)]
pub struct BucketUnit<const N: usize, const B: usize, const NB: usize, const E: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Empty every bucket and the exception list (only while `busy` is low).
    pub clear: Signal<In, Bit>,
    /// A point is offered.
    pub in_valid: Signal<In, Bit>,
    /// The point is taken this cycle (issued, or set aside in the retry queue).
    pub in_ready: Signal<Out, Bit>,
    /// Its bucket.
    pub in_bucket: Signal<In, Bits<B>>,
    /// Its `x`, Montgomery form.
    pub in_x: Signal<In, Bits<N>>,
    /// Its `y`, Montgomery form.
    pub in_y: Signal<In, Bits<N>>,
    /// Points are in flight or waiting in the retry queue.
    pub busy: Signal<Out, Bit>,
    /// The bucket to read back.
    pub rd_bucket: Signal<In, Bits<B>>,
    /// Its `X`, a cycle after `rd_bucket`.
    pub rd_x: Signal<Out, Bits<N>>,
    /// Its `Y`.
    pub rd_y: Signal<Out, Bits<N>>,
    /// Its `ZZ`.
    pub rd_zz: Signal<Out, Bits<N>>,
    /// Its `ZZZ`.
    pub rd_zzz: Signal<Out, Bits<N>>,
    /// It is empty (the coordinates are then meaningless).
    pub rd_empty: Signal<Out, Bit>,
    /// The exception slot to read back.
    pub rd_exception: Signal<In, Bits<E>>,
    /// Its point's `x`, a cycle after `rd_exception`.
    pub exc_x: Signal<Out, Bits<N>>,
    /// Its point's `y`.
    pub exc_y: Signal<Out, Bits<N>>,
    /// Its bucket.
    pub exc_bucket: Signal<Out, Bits<B>>,
    /// Exceptions recorded since `clear` (at most `2^E`).
    pub exceptions: Signal<Out, Bits<32>>,
    /// More exceptions came than there are slots: the buckets are not the window's sums.
    pub exc_overflow: Signal<Out, Bit>,
    adder: PointAdd<N>,
    ram_x: RAM<Bits<N>, B>,
    ram_y: RAM<Bits<N>, B>,
    ram_zz: RAM<Bits<N>, B>,
    ram_zzz: RAM<Bits<N>, B>,
    exc_ram_x: RAM<Bits<N>, E>,
    exc_ram_y: RAM<Bits<N>, E>,
    exc_ram_bucket: RAM<Bits<B>, E>,
    slots: Constant<Bits<32>>,
    // The retry queue: one FIFO per field of a point, pushed and popped together.
    retry_bucket: SynchronousFIFO<Bits<B>, RETRY_BITS, { RETRY_BITS + 1 }, 1>,
    retry_x: SynchronousFIFO<Bits<N>, RETRY_BITS, { RETRY_BITS + 1 }, 1>,
    retry_y: SynchronousFIFO<Bits<N>, RETRY_BITS, { RETRY_BITS + 1 }, 1>,
    head_free: Signal<Local, Bit>,
    in_free: Signal<Local, Bit>,
    issue_head: Signal<Local, Bit>,
    issue_input: Signal<Local, Bit>,
    push_input: Signal<Local, Bit>,
    rotate: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    issue_bucket: Signal<Local, Bits<B>>,
    accept: Signal<Local, Bit>,
    wb_bucket: Signal<Local, Bits<B>>,
    wb_sum: Signal<Local, Bit>,
    wb_exception: Signal<Local, Bit>,
    busy_after_wb: Signal<Local, Bits<NB>>,
    // The bucket state: busy and empty bits, the additions in flight, the exception count.
    r_busy: DFF<Bits<NB>>,
    r_empty: DFF<Bits<NB>>,
    r_in_flight: DFF<Bits<16>>,
    r_queued: DFF<Bits<16>>,
    r_exceptions: DFF<Bits<32>>,
    r_overflow: DFF<Bit>,
    // Stage 1: the bucket is being read; the point and the bucket's empty bit wait for it.
    s1_v: DFF<Bit>,
    s1_bucket: DFF<Bits<B>>,
    s1_x: DFF<Bits<N>>,
    s1_y: DFF<Bits<N>>,
    s1_empty: DFF<Bit>,
    s1_rd_empty: DFF<Bit>,
}

/// Address bits of the retry queue: 32 points.
pub const RETRY_BITS: usize = 5;

impl<const N: usize, const B: usize, const NB: usize, const E: usize> BucketUnit<N, B, NB, E> {
    /// Cycles from a point being taken to its sum being written: the bucket read, then the
    /// adder.
    pub fn latency(field: &WideField) -> usize {
        PointAdd::<N>::latency(field) + 1
    }

    /// The unit for `field`, whose modulus must be `N` bits wide; `NB` must be `2^B`.
    pub fn new(field: &WideField) -> Result<Self, String> {
        if NB != 1 << B || B > TAG_BITS || E >= 32 {
            return Err(format!("{NB} buckets is not 2^{B}, or the bucket or exception index is too wide"));
        }
        Ok(Self {
            clock: Default::default(),
            clear: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_bucket: Default::default(),
            in_x: Default::default(),
            in_y: Default::default(),
            busy: Default::default(),
            rd_bucket: Default::default(),
            rd_x: Default::default(),
            rd_y: Default::default(),
            rd_zz: Default::default(),
            rd_zzz: Default::default(),
            rd_empty: Default::default(),
            rd_exception: Default::default(),
            exc_x: Default::default(),
            exc_y: Default::default(),
            exc_bucket: Default::default(),
            exceptions: Default::default(),
            exc_overflow: Default::default(),
            adder: PointAdd::new(field)?,
            ram_x: Default::default(),
            ram_y: Default::default(),
            ram_zz: Default::default(),
            ram_zzz: Default::default(),
            exc_ram_x: Default::default(),
            exc_ram_y: Default::default(),
            exc_ram_bucket: Default::default(),
            slots: Constant::new((1u64 << E).to_bits()),
            retry_bucket: Default::default(),
            retry_x: Default::default(),
            retry_y: Default::default(),
            head_free: Default::default(),
            in_free: Default::default(),
            issue_head: Default::default(),
            issue_input: Default::default(),
            push_input: Default::default(),
            rotate: Default::default(),
            issue: Default::default(),
            issue_bucket: Default::default(),
            accept: Default::default(),
            wb_bucket: Default::default(),
            wb_sum: Default::default(),
            wb_exception: Default::default(),
            busy_after_wb: Default::default(),
            r_busy: Default::default(),
            // Every bucket starts empty.
            r_empty: DFF::default(),
            r_in_flight: Default::default(),
            r_queued: Default::default(),
            r_exceptions: Default::default(),
            r_overflow: Default::default(),
            s1_v: Default::default(),
            s1_bucket: Default::default(),
            s1_x: Default::default(),
            s1_y: Default::default(),
            s1_empty: Default::default(),
            s1_rd_empty: Default::default(),
        })
    }
}

impl<const N: usize, const B: usize, const NB: usize, const E: usize> Logic for BucketUnit<N, B, NB, E> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            r_busy,
            r_empty,
            r_in_flight,
            r_queued,
            r_exceptions,
            r_overflow,
            s1_v,
            s1_bucket,
            s1_x,
            s1_y,
            s1_empty,
            s1_rd_empty
        );
        clock!(self, clock, adder, retry_bucket, retry_x, retry_y);
        self.ram_x.read_clock.next = self.clock.val();
        self.ram_x.write_clock.next = self.clock.val();
        self.ram_y.read_clock.next = self.clock.val();
        self.ram_y.write_clock.next = self.clock.val();
        self.ram_zz.read_clock.next = self.clock.val();
        self.ram_zz.write_clock.next = self.clock.val();
        self.ram_zzz.read_clock.next = self.clock.val();
        self.ram_zzz.write_clock.next = self.clock.val();
        self.exc_ram_x.read_clock.next = self.clock.val();
        self.exc_ram_x.write_clock.next = self.clock.val();
        self.exc_ram_y.read_clock.next = self.clock.val();
        self.exc_ram_y.write_clock.next = self.clock.val();
        self.exc_ram_bucket.read_clock.next = self.clock.val();
        self.exc_ram_bucket.write_clock.next = self.clock.val();

        // Issue. The busy bits are registered, so a sum written this cycle frees its bucket
        // from the next one on, when the RAM already holds it. At most one point issues per
        // cycle, so two points for one bucket never issue together.
        self.head_free.next =
            !self.retry_bucket.empty.val() & !self.r_busy.q.val().get_bit(self.retry_bucket.data_out.val().index());
        self.in_free.next = self.in_valid.val() & !self.r_busy.q.val().get_bit(self.in_bucket.val().index());
        self.issue_head.next = self.head_free.val();
        self.issue_input.next = !self.head_free.val() & self.in_free.val();
        // The offered point joins the queue when it does not issue and there is room.
        self.push_input.next = self.in_valid.val() & !self.issue_input.val() & !self.retry_bucket.full.val();
        // A head that cannot issue goes to the back when no point joins this cycle.
        self.rotate.next = !self.retry_bucket.empty.val()
            & !self.head_free.val()
            & !self.push_input.val()
            & !self.retry_bucket.full.val();
        self.in_ready.next = self.issue_input.val() | self.push_input.val();
        self.accept.next = self.in_valid.val() & self.in_ready.val();
        self.issue.next = self.issue_head.val() | self.issue_input.val();
        self.issue_bucket.next = self.in_bucket.val();
        if self.issue_head.val() {
            self.issue_bucket.next = self.retry_bucket.data_out.val();
        }
        self.retry_bucket.read.next = self.issue_head.val() | self.rotate.val();
        self.retry_x.read.next = self.retry_bucket.read.val();
        self.retry_y.read.next = self.retry_bucket.read.val();
        self.retry_bucket.write.next = self.push_input.val() | self.rotate.val();
        self.retry_x.write.next = self.retry_bucket.write.val();
        self.retry_y.write.next = self.retry_bucket.write.val();
        self.retry_bucket.data_in.next = self.in_bucket.val();
        self.retry_x.data_in.next = self.in_x.val();
        self.retry_y.data_in.next = self.in_y.val();
        if self.rotate.val() {
            self.retry_bucket.data_in.next = self.retry_bucket.data_out.val();
            self.retry_x.data_in.next = self.retry_x.data_out.val();
            self.retry_y.data_in.next = self.retry_y.data_out.val();
        }
        // One read port: the issued bucket, else the read-back's.
        self.ram_x.read_address.next = self.rd_bucket.val();
        if self.issue.val() {
            self.ram_x.read_address.next = self.issue_bucket.val();
        }
        self.ram_y.read_address.next = self.ram_x.read_address.val();
        self.ram_zz.read_address.next = self.ram_x.read_address.val();
        self.ram_zzz.read_address.next = self.ram_x.read_address.val();
        self.s1_v.d.next = self.issue.val();
        self.s1_bucket.d.next = self.issue_bucket.val();
        self.s1_x.d.next = self.in_x.val();
        self.s1_y.d.next = self.in_y.val();
        if self.issue_head.val() {
            self.s1_x.d.next = self.retry_x.data_out.val();
            self.s1_y.d.next = self.retry_y.data_out.val();
        }
        self.s1_empty.d.next = self.r_empty.q.val().get_bit(self.issue_bucket.val().index());
        self.s1_rd_empty.d.next = self.r_empty.q.val().get_bit(self.rd_bucket.val().index());

        // Stage 1: the bucket from the RAM and the point into the adder.
        self.adder.valid_in.next = self.s1_v.q.val();
        self.adder.tag_in.next = bit_cast::<TAG_BITS, B>(self.s1_bucket.q.val());
        self.adder.inf1.next = self.s1_empty.q.val();
        self.adder.x1.next = self.ram_x.read_data.val();
        self.adder.y1.next = self.ram_y.read_data.val();
        self.adder.zz1.next = self.ram_zz.read_data.val();
        self.adder.zzz1.next = self.ram_zzz.read_data.val();
        self.adder.x2.next = self.s1_x.q.val();
        self.adder.y2.next = self.s1_y.q.val();

        // Write-back: the sum into its bucket, or the point into the exception list.
        self.wb_bucket.next = self.adder.tag_out.val().get_bits::<B>(0);
        self.wb_sum.next = self.adder.valid_out.val() & !self.adder.doubling.val();
        self.wb_exception.next = self.adder.valid_out.val() & self.adder.doubling.val();
        self.ram_x.write_address.next = self.wb_bucket.val();
        self.ram_y.write_address.next = self.wb_bucket.val();
        self.ram_zz.write_address.next = self.wb_bucket.val();
        self.ram_zzz.write_address.next = self.wb_bucket.val();
        self.ram_x.write_data.next = self.adder.x3.val();
        self.ram_y.write_data.next = self.adder.y3.val();
        self.ram_zz.write_data.next = self.adder.zz3.val();
        self.ram_zzz.write_data.next = self.adder.zzz3.val();
        self.ram_x.write_enable.next = self.wb_sum.val();
        self.ram_y.write_enable.next = self.wb_sum.val();
        self.ram_zz.write_enable.next = self.wb_sum.val();
        self.ram_zzz.write_enable.next = self.wb_sum.val();
        self.exc_ram_x.write_address.next = self.r_exceptions.q.val().get_bits::<E>(0);
        self.exc_ram_y.write_address.next = self.r_exceptions.q.val().get_bits::<E>(0);
        self.exc_ram_bucket.write_address.next = self.r_exceptions.q.val().get_bits::<E>(0);
        self.exc_ram_x.write_data.next = self.adder.x2_out.val();
        self.exc_ram_y.write_data.next = self.adder.y2_out.val();
        self.exc_ram_bucket.write_data.next = self.wb_bucket.val();
        self.exc_ram_x.write_enable.next = self.wb_exception.val() & (self.r_exceptions.q.val() < self.slots.val());
        self.exc_ram_y.write_enable.next = self.exc_ram_x.write_enable.val();
        self.exc_ram_bucket.write_enable.next = self.exc_ram_x.write_enable.val();

        // The bucket state. A bucket is never issued and written back in one cycle (it is
        // busy from one to the other), so the two updates touch different bits.
        self.busy_after_wb.next = self.r_busy.q.val();
        if self.adder.valid_out.val() {
            self.busy_after_wb.next = self.r_busy.q.val().replace_bit(self.wb_bucket.val().index(), false);
        }
        self.r_busy.d.next = self.busy_after_wb.val();
        if self.issue.val() {
            self.r_busy.d.next = self.busy_after_wb.val().replace_bit(self.issue_bucket.val().index(), true);
        }
        if self.wb_sum.val() {
            self.r_empty.d.next = self.r_empty.q.val().replace_bit(self.wb_bucket.val().index(), self.adder.inf3.val());
        }
        if self.issue.val() & !self.adder.valid_out.val() {
            self.r_in_flight.d.next = self.r_in_flight.q.val() + 1;
        }
        if !self.issue.val() & self.adder.valid_out.val() {
            self.r_in_flight.d.next = self.r_in_flight.q.val() - 1;
        }
        // The queue's own count: its empty flag shows a push two cycles late, and `busy` must
        // not fall in between.
        if self.push_input.val() & !self.issue_head.val() {
            self.r_queued.d.next = self.r_queued.q.val() + 1;
        }
        if !self.push_input.val() & self.issue_head.val() {
            self.r_queued.d.next = self.r_queued.q.val() - 1;
        }
        if self.wb_exception.val() {
            if self.r_exceptions.q.val() < self.slots.val() {
                self.r_exceptions.d.next = self.r_exceptions.q.val() + 1;
            } else {
                self.r_overflow.d.next = true;
            }
        }
        if self.clear.val() {
            self.r_empty.d.next = !bits::<NB>(0);
            self.r_exceptions.d.next = 0.into();
            self.r_overflow.d.next = false;
        }
        self.busy.next = self.r_in_flight.q.val().any() | self.r_queued.q.val().any();

        // Read-back.
        self.exc_ram_x.read_address.next = self.rd_exception.val();
        self.exc_ram_y.read_address.next = self.rd_exception.val();
        self.exc_ram_bucket.read_address.next = self.rd_exception.val();
        self.rd_x.next = self.ram_x.read_data.val();
        self.rd_y.next = self.ram_y.read_data.val();
        self.rd_zz.next = self.ram_zz.read_data.val();
        self.rd_zzz.next = self.ram_zzz.read_data.val();
        self.rd_empty.next = self.s1_rd_empty.q.val();
        self.exc_x.next = self.exc_ram_x.read_data.val();
        self.exc_y.next = self.exc_ram_y.read_data.val();
        self.exc_bucket.next = self.exc_ram_bucket.read_data.val();
        self.exceptions.next = self.r_exceptions.q.val();
        self.exc_overflow.next = self.r_overflow.q.val();
    }
}
