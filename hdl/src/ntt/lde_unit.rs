//! `LdeUnit`: the coset low-degree extension of eight columns at once, its size chosen per
//! command, over on-chip RAM, with the twiddles the host loads.
//!
//! # Room in the house
//!
//! [`crate::ntt::NttCore`] streams one transform whose size, mode and field are fixed when
//! the FPGA is built: right for a pipeline that always runs the same shape, wrong for the
//! card's command processor, where every `COMMIT` names its own `log_rows` and `log_blowup`
//! and the twiddles arrive at run time (`LOAD_TWIDDLES`: `ω_T^i` for `i < 2^(T−1)`,
//! canonical, Plonky3's primitive `2^T`-th root). This unit is that processor's LDE: the host
//! writes the table and up to [`LANES`] columns, pulses `start`, and reads back the rows of
//! the **bit-reversed** coset LDE (shift = the field's generator, as Plonky3's
//! `coset_lde_batch`): row `r`, lane `l` is `bit_reverse_rows(coset_lde_batch(column_l))[r]`,
//! what the device model commits and the Merkle tree consumes in that order. Any
//! `log_rows + log_blowup ≤ tw_log ≤ max_log_lde` runs on the same hardware; a table for a
//! larger `T` than the LDE needs serves it too (stage twiddles are every `2^(T−s)`-th entry).
//!
//! # Algorithm and why
//!
//! Per lane, RAM A holds the column (`2^max` words) and RAM B the extension (`2^max` words).
//!
//! 1. **Inverse**: in-place radix-2 DIF over A, size `n = 2^log_rows`, on inverse roots: the
//!    stage of block size `m = 2^s` maps `(a, c)` at `(b + j, b + j + m/2)` to
//!    `(a + c, (a − c)·ω_m^(−j))`. With `e = j·2^(T−s) < 2^(T−1)`, `ω_m^(−j) = ω_T^(−e)` is 1
//!    for `e = 0` and `−table[2^(T−1) − e]` otherwise (`ω_T^(2^(T−1)) = −1`), so the forward
//!    table serves both directions. A then holds `n·idft(x)` in bit-reversed order.
//! 2. **Copy**: `B[j] = A[bitrev(j)] · n^(−1) · g^j` for `j < n`, `0` up to `N = 2^(log_rows +
//!    log_blowup)`: the coefficients, scaled onto the coset `g·K` and zero-padded. The factor
//!    advances by one multiplication per element (so real elements issue every
//!    [`COPY_II`] cycles, the multiplier's latency); padding zeros issue every cycle.
//! 3. **Forward**: in-place DIF over B, size `N`, twiddles `table[j·2^(T−s)]`. B then holds
//!    the coset LDE in bit-reversed order, which is what the Merkle tree wants: no reorder.
//!
//! All three steps run through the lane's one [`DifButterfly31`]: the copy is the butterfly
//! with `b = 0`, whose `y = a·w` is the scaling (no second multiplier per lane). One shared
//! controller drives all lanes in lockstep (addresses, twiddles, write enables), so a lane
//! adds only its two RAMs, the butterfly and two registers. The RAMs are simple dual-port
//! ([`SyncMem32`]: one read, one write a cycle), so a butterfly, two reads and two writes,
//! issues every 2 cycles: read `lo`, read `hi`, butterfly, write `x` at `lo`, then `y` at `hi`.
//!
//! Between stages the unit **drains**: the next stage starts only once every write of the
//! current one has landed, because a stage's last butterflies write the blocks the next
//! stage's butterflies read, and for small blocks (block size 2 and 4 near the end of a
//! transform, or a whole 2- or 4-point transform) the next stage's first reads would come
//! before the previous stage's last writes. The same drain separates the three steps.
//!
//! # Pass mode: a step of the four-step schedule
//!
//! A column taller than the RAM is extended through card memory by the schedule of
//! [`crate::ntt::four_step`], whose every step is one *pass* over `m = 2^log_rows` words per
//! lane: `B[i] = A[i]·f0·r^i`, then a DIF of size `m` over B on forward or inverse roots,
//! leaving B in bit-reversed order. That is steps 2 and 3 of an LDE with three changes, so the
//! pass costs no new datapath: step 1 is skipped, the copy reads A in natural order (not
//! bit-reversed) with no padding, and its factor chain starts at `pass_f0` and advances by
//! `pass_ratio` instead of `n^(−1)` and `g`. Those two come from the command processor in
//! Montgomery form, as its own running products of the schedule's twiddles; with
//! `pass_inverse` the DIF takes its twiddles as step 1 does.
//!
//! # Timing
//!
//! `busy` rises the cycle after `start` (one set-up cycle), and an op issued in cycle `c`
//! writes its last word in cycle `c + 9`, so the next stage may read from `c + 10`
//! ([`OP_SPAN`]). With `L = log_rows`, `K = log_rows + log_blowup`, `n = 2^L`, `N = 2^K`,
//! [`LdeUnit::cycles`] is exactly the number of cycles `busy` is high:
//!
//! `1 + L·(n − 2 + OP_SPAN) + (n − 1)·COPY_II + (N − n) + OP_SPAN + K·(N − 2 + OP_SPAN)`
//!
//! that is `1 + L·(n + 8) + 6(n − 1) + (N − n) + 10 + K·(N + 8)`: about `K·N` cycles, one
//! butterfly per lane every two cycles, eight lanes at once. A pass takes
//! [`LdeUnit::pass_cycles`], the same count without step 1 and without padding.
//!
//! # Ports
//!
//! All synchronous to `clock`. The twiddle write port converts each canonical word to
//! Montgomery form on its way in ([`TW_WRITE_LATENCY`] cycles); a command should start no
//! earlier than that after the last table write. Column writes and result reads act only
//! while idle; `log_rows`, `log_blowup` and `tw_log` are sampled with `start`. Results read
//! with a latency of [`READ_LATENCY`]. Parameters outside the contract give unspecified
//! rows but the unit still returns to idle (every counter is bounded).

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::FieldId;
use slotproof_core::golden::Fp;

use crate::field::{MontMul31, NotPrime31, Prime31};
use crate::ntt::sync_mem32::MEM_ADDR_BITS;
use crate::ntt::{DifButterfly31, SyncMem32};

/// Columns transformed side by side.
pub const LANES: usize = 8;

/// Largest `max_log_lde`: [`SyncMem32`]'s ports carry 16-bit addresses.
pub const MAX_LOG_LDE: usize = MEM_ADDR_BITS;

/// Cycles from `row_addr` to `row0..row7`.
pub const READ_LATENCY: usize = SyncMem32::LATENCY;

/// Cycles from a twiddle write on the port to the word in the table (the Montgomery
/// conversion, then the RAM write).
pub const TW_WRITE_LATENCY: usize = MontMul31::LATENCY + 1;

/// Cycles between two real (non-padding) copy elements: the factor `n^(−1)·g^j` advances by
/// one multiplication per element.
pub const COPY_II: u64 = MontMul31::LATENCY as u64 + 1;

/// Cycles from an op's issue to the first cycle that may read what it wrote: two reads, the
/// butterfly, two writes.
pub const OP_SPAN: u64 = 4 + DifButterfly31::LATENCY as u64;

/// Why an [`LdeUnit`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdeUnitError {
    /// Not a field of the 31-bit units.
    #[error(transparent)]
    Field(#[from] NotPrime31),
    /// `max_log_lde` beyond the field's two-adicity or the RAM address width.
    #[error(
        "max_log_lde = {max_log_lde} is above {limit} ({field}: two-adicity {two_adicity}, RAM addresses {MAX_LOG_LDE} bits)"
    )]
    TooLarge {
        /// The field.
        field: FieldId,
        /// What was asked.
        max_log_lde: usize,
        /// The largest allowed.
        limit: usize,
        /// The field's two-adicity.
        two_adicity: usize,
    },
}

/// The controller's state.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum LdeState {
    /// Results readable, columns and twiddles writable, waiting for `start`.
    Idle,
    /// The cycle after `start`: parameters latched, first step chosen.
    Setup,
    /// Issuing ops of the current step.
    Issue,
    /// Waiting for the ops in flight to write back.
    Drain,
}

/// Which of the three steps runs.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum LdeStep {
    /// Step 1: inverse DIF over A.
    Inverse,
    /// Step 2: A → B, scaled and padded.
    Copy,
    /// Step 3: forward DIF over B.
    Forward,
}

seq!(N in 0..8 {
    /// The unit. Build it with [`LdeUnit::new`].
    #[derive(LogicBlock)]
    pub struct LdeUnit {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// Write `tw_data` at `tw_addr` of the twiddle table.
        pub tw_we: Signal<In, Bit>,
        /// Table index `i < 2^(T−1)`.
        pub tw_addr: Signal<In, Bits<16>>,
        /// `ω_T^i`, canonical.
        pub tw_data: Signal<In, Bits<32>>,
        /// Write `col_data` at row `col_addr` of lane `col_lane` (while idle).
        pub col_we: Signal<In, Bit>,
        /// The lane (column) written.
        pub col_lane: Signal<In, Bits<3>>,
        /// The row written.
        pub col_addr: Signal<In, Bits<16>>,
        /// A trace value, canonical.
        pub col_data: Signal<In, Bits<32>>,
        /// One-cycle pulse: start an LDE (sampled only while idle).
        pub start: Signal<In, Bit>,
        /// `log2` of the column height, sampled with `start`.
        pub log_rows: Signal<In, Bits<5>>,
        /// `log2` of the blowup, sampled with `start`.
        pub log_blowup: Signal<In, Bits<5>>,
        /// `T` of the loaded table, sampled with `start`.
        pub tw_log: Signal<In, Bits<5>>,
        /// Run a pass of the four-step schedule instead of an LDE (sampled with `start`):
        /// `B[i] = A[i]·pass_f0·pass_ratio^i`, then a DIF of size `2^log_rows` over B
        /// (`log_blowup` is ignored).
        pub mode_pass: Signal<In, Bit>,
        /// The pass's DIF runs on inverse roots (sampled with `start`).
        pub pass_inverse: Signal<In, Bit>,
        /// The pass's first factor, Montgomery form (sampled with `start`).
        pub pass_f0: Signal<In, Bits<32>>,
        /// The pass's factor ratio, Montgomery form (sampled with `start`).
        pub pass_ratio: Signal<In, Bits<32>>,
        /// High from the cycle after `start` until the result is ready.
        pub busy: Signal<Out, Bit>,
        /// The result row read (while idle).
        pub row_addr: Signal<In, Bits<16>>,
        #(
            #[doc = concat!("Lane ", N, " of row `row_addr`, canonical, `READ_LATENCY` cycles later.")]
            pub row~N: Signal<Out, Bits<32>>,
        )*
        // Constants: the prime, 1 and the generator in Montgomery form, R^2 (converts a
        // canonical word to Montgomery form through the multiplier).
        p: Constant<Bits<32>>,
        one_mont: Constant<Bits<32>>,
        g_mont: Constant<Bits<32>>,
        r2: Constant<Bits<32>>,
        one20: Constant<Bits<20>>,
        c16: Constant<Bits<5>>,
        zero20: Constant<Bits<20>>,
        copy_wait: Constant<Bits<3>>,
        // Twiddle write path: conversion, the address waiting for it, the table.
        tw_conv: MontMul31,
        tw_wa: [DFF<Bits<16>>; 5],
        tw_mem: SyncMem32,
        // n^(−1) in Montgomery form for every log_rows ≤ max.
        ninv_rom: SyncMem32,
        // The copy's factor n^(−1)·g^j and its multiplier.
        fac_mul: MontMul31,
        fac: DFF<Bits<32>>,
        // Lanes.
        a_mem: [SyncMem32; 8],
        b_mem: [SyncMem32; 8],
        bf: [DifButterfly31; 8],
        rd: [Signal<Local, Bits<32>>; 8],
        wdata: [Signal<Local, Bits<32>>; 8],
        s_a: [DFF<Bits<32>>; 8],
        y_hold: [DFF<Bits<32>>; 8],
        // Parameters, latched with start.
        state: DFF<LdeState>,
        step: DFF<LdeStep>,
        p_pass: DFF<Bit>,
        p_pinv: DFF<Bit>,
        p_f0: DFF<Bits<32>>,
        p_ratio: DFF<Bits<32>>,
        p_lr: DFF<Bits<5>>,
        p_lde: DFF<Bits<6>>,
        p_rsh: DFF<Bits<5>>,
        p_n: DFF<Bits<20>>,
        p_big_n: DFF<Bits<20>>,
        p_half_t: DFF<Bits<20>>,
        p_inv_st: DFF<Bits<20>>,
        p_fwd_st: DFF<Bits<20>>,
        // Step counters: stages left, half block, twiddle stride, position in the block, block
        // base, twiddle index, butterflies issued and the last one, which read of a pair.
        s: DFF<Bits<6>>,
        h: DFF<Bits<20>>,
        stride: DFF<Bits<20>>,
        j: DFF<Bits<20>>,
        base: DFF<Bits<20>>,
        e: DFF<Bits<20>>,
        q: DFF<Bits<20>>,
        last_q: DFF<Bits<20>>,
        sub: DFF<Bit>,
        // Copy: cycles until the factor of the next real element is ready.
        cw: DFF<Bits<3>>,
        // Which RAM the step reads and writes (B for copy and forward).
        rd_b: DFF<Bit>,
        wr_b: DFF<Bit>,
        // Op pipeline, index k = cycle c + k + 1 after the issue in cycle c: valid, the two
        // write addresses, whether `lo` is written (not in the copy), and the flags used at
        // c + 1 (zero `a`, twiddle 1, negate the twiddle) and c + 1..2 (copy: `b` = 0).
        pv: [DFF<Bit>; 9],
        p_lo: [DFF<Bits<16>>; 8],
        p_hi: [DFF<Bits<16>>; 9],
        p_wlo: [DFF<Bit>; 8],
        p_copy: [DFF<Bit>; 2],
        p_azero: DFF<Bit>,
        p_twone: DFF<Bit>,
        p_neg: DFF<Bit>,
        // The twiddle (or copy factor) meeting the butterfly, Montgomery form.
        w: DFF<Bits<32>>,
        // Combinational.
        lde6: Signal<Local, Bits<6>>,
        inv_roots: Signal<Local, Bit>,
        tpow: Signal<Local, Bits<20>>,
        col_hot: Signal<Local, Bits<8>>,
        one8: Constant<Bits<8>>,
        iss_v: Signal<Local, Bit>,
        iss_lo: Signal<Local, Bits<20>>,
        iss_hi: Signal<Local, Bits<20>>,
        iss_wlo: Signal<Local, Bit>,
        iss_copy: Signal<Local, Bit>,
        iss_azero: Signal<Local, Bit>,
        iss_twone: Signal<Local, Bit>,
        iss_neg: Signal<Local, Bit>,
        iss_raddr: Signal<Local, Bits<20>>,
        raddr: Signal<Local, Bits<16>>,
        tw_raddr: Signal<Local, Bits<20>>,
        tw_t: Signal<Local, Bits<32>>,
        j16: Signal<Local, Bits<16>>,
        rev: Signal<Local, Bits<20>>,
        rev_l: Signal<Local, Bits<20>>,
        drained: Signal<Local, Bit>,
        enter_inv: Signal<Local, Bit>,
        enter_copy: Signal<Local, Bit>,
        enter_fwd: Signal<Local, Bit>,
        wr_lo: Signal<Local, Bit>,
        wr_en: Signal<Local, Bit>,
        wr_y: Signal<Local, Bit>,
        wr_addr: Signal<Local, Bits<16>>,
        idle: Signal<Local, Bit>,
    }
});

impl LdeUnit {
    /// Columns transformed side by side ([`LANES`]).
    pub const LANES: usize = LANES;

    /// A unit for `field` (BabyBear or KoalaBear) and LDEs of up to `2^max_log_lde` rows.
    pub fn new(field: FieldId, max_log_lde: usize) -> Result<Self, LdeUnitError> {
        let prime = Prime31::new(field)?;
        let two_adicity = field.two_adicity();
        let limit = two_adicity.min(MAX_LOG_LDE);
        if max_log_lde > limit {
            return Err(LdeUnitError::TooLarge { field, max_log_lde, limit, two_adicity });
        }
        let f = Fp::new(field);
        let r = (1u64 << 32) % prime.p;
        let ninv: Vec<u64> = (0..=max_log_lde).map(|l| prime.to_mont(f.inv_pow2(l as u32))).collect();
        let depth = 1usize << max_log_lde;
        Ok(Self {
            clock: Default::default(),
            tw_we: Default::default(),
            tw_addr: Default::default(),
            tw_data: Default::default(),
            col_we: Default::default(),
            col_lane: Default::default(),
            col_addr: Default::default(),
            col_data: Default::default(),
            start: Default::default(),
            log_rows: Default::default(),
            log_blowup: Default::default(),
            tw_log: Default::default(),
            mode_pass: Default::default(),
            pass_inverse: Default::default(),
            pass_f0: Default::default(),
            pass_ratio: Default::default(),
            busy: Default::default(),
            row_addr: Default::default(),
            row0: Default::default(),
            row1: Default::default(),
            row2: Default::default(),
            row3: Default::default(),
            row4: Default::default(),
            row5: Default::default(),
            row6: Default::default(),
            row7: Default::default(),
            p: Constant::new(prime.p.to_bits()),
            one_mont: Constant::new(r.to_bits()),
            g_mont: Constant::new(prime.to_mont(f.generator()).to_bits()),
            r2: Constant::new(f.mul(r, r).to_bits()),
            one20: Constant::new(1u64.to_bits()),
            c16: Constant::new((MEM_ADDR_BITS as u64).to_bits()),
            zero20: Constant::new(0u64.to_bits()),
            copy_wait: Constant::new((COPY_II - 1).to_bits()),
            tw_conv: MontMul31::new(prime),
            tw_wa: Default::default(),
            tw_mem: SyncMem32::ram((depth / 2).max(1)),
            ninv_rom: SyncMem32::rom(&ninv),
            fac_mul: MontMul31::new(prime),
            fac: Default::default(),
            a_mem: std::array::from_fn(|_| SyncMem32::ram(depth)),
            b_mem: std::array::from_fn(|_| SyncMem32::ram(depth)),
            bf: std::array::from_fn(|_| DifButterfly31::new(prime)),
            rd: Default::default(),
            wdata: Default::default(),
            s_a: Default::default(),
            y_hold: Default::default(),
            state: Default::default(),
            step: Default::default(),
            p_pass: Default::default(),
            p_pinv: Default::default(),
            p_f0: Default::default(),
            p_ratio: Default::default(),
            p_lr: Default::default(),
            p_lde: Default::default(),
            p_rsh: Default::default(),
            p_n: Default::default(),
            p_big_n: Default::default(),
            p_half_t: Default::default(),
            p_inv_st: Default::default(),
            p_fwd_st: Default::default(),
            s: Default::default(),
            h: Default::default(),
            stride: Default::default(),
            j: Default::default(),
            base: Default::default(),
            e: Default::default(),
            q: Default::default(),
            last_q: Default::default(),
            sub: Default::default(),
            cw: Default::default(),
            rd_b: Default::default(),
            wr_b: Default::default(),
            pv: Default::default(),
            p_lo: Default::default(),
            p_hi: Default::default(),
            p_wlo: Default::default(),
            p_copy: Default::default(),
            p_azero: Default::default(),
            p_twone: Default::default(),
            p_neg: Default::default(),
            w: Default::default(),
            lde6: Default::default(),
            inv_roots: Default::default(),
            tpow: Default::default(),
            col_hot: Default::default(),
            one8: Constant::new(1u64.to_bits()),
            iss_v: Default::default(),
            iss_lo: Default::default(),
            iss_hi: Default::default(),
            iss_wlo: Default::default(),
            iss_copy: Default::default(),
            iss_azero: Default::default(),
            iss_twone: Default::default(),
            iss_neg: Default::default(),
            iss_raddr: Default::default(),
            raddr: Default::default(),
            tw_raddr: Default::default(),
            tw_t: Default::default(),
            j16: Default::default(),
            rev: Default::default(),
            rev_l: Default::default(),
            drained: Default::default(),
            enter_inv: Default::default(),
            enter_copy: Default::default(),
            enter_fwd: Default::default(),
            wr_lo: Default::default(),
            wr_en: Default::default(),
            wr_y: Default::default(),
            wr_addr: Default::default(),
            idle: Default::default(),
        })
    }

    /// Cycles `busy` is high for an LDE of `2^log_rows` rows and blowup `2^log_blowup` (the
    /// module doc derives it).
    pub fn cycles(log_rows: usize, log_blowup: usize) -> u64 {
        let (l, k) = (log_rows as u64, (log_rows + log_blowup) as u64);
        let (n, big_n) = (1u64 << l, 1u64 << k);
        1 + l * (n + OP_SPAN - 2) + (n - 1) * COPY_II + (big_n - n) + OP_SPAN + k * (big_n + OP_SPAN - 2)
    }

    /// Cycles `busy` is high for a pass (`mode_pass`) of `2^log_rows` words: an LDE's cycles
    /// without the inverse step and without padding,
    /// `1 + (n − 1)·COPY_II + OP_SPAN + L·(n − 2 + OP_SPAN)`.
    pub fn pass_cycles(log_rows: usize) -> u64 {
        let (l, n) = (log_rows as u64, 1u64 << log_rows);
        1 + (n - 1) * COPY_II + OP_SPAN + l * (n + OP_SPAN - 2)
    }
}

seq!(K in 0..16 {
// `15 - K` and `K - 1` expand to literal arithmetic.
#[allow(clippy::eq_op, clippy::identity_op)]
impl Logic for LdeUnit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, fac, state, step, p_pass, p_pinv, p_f0, p_ratio, p_lr, p_lde, p_rsh, p_n, p_big_n, p_half_t, p_inv_st, p_fwd_st, s, h, stride,
            j, base, e, q, last_q, sub, cw, rd_b, wr_b, p_azero, p_twone, p_neg, w
        );
        for i in 0..5 {
            self.tw_wa[i].clock.next = self.clock.val();
            self.tw_wa[i].d.next = self.tw_wa[i].q.val();
        }
        for i in 0..9 {
            self.pv[i].clock.next = self.clock.val();
            self.p_hi[i].clock.next = self.clock.val();
        }
        for i in 0..8 {
            self.p_lo[i].clock.next = self.clock.val();
            self.p_wlo[i].clock.next = self.clock.val();
        }
        for i in 0..2 {
            self.p_copy[i].clock.next = self.clock.val();
        }
        self.idle.next = self.state.q.val() == LdeState::Idle;
        self.busy.next = !self.idle.val();

        // Twiddle writes: canonical in, Montgomery form (x·R²·R^(−1)) into the table.
        self.tw_conv.clock.next = self.clock.val();
        self.tw_conv.valid_in.next = self.tw_we.val();
        self.tw_conv.a.next = self.tw_data.val();
        self.tw_conv.b.next = self.r2.val();
        self.tw_wa[0].d.next = self.tw_addr.val();
        for i in 1..5 {
            self.tw_wa[i].d.next = self.tw_wa[i - 1].q.val();
        }
        self.tw_mem.clock.next = self.clock.val();
        self.tw_mem.we.next = self.tw_conv.valid_out.val();
        self.tw_mem.waddr.next = self.tw_wa[4].q.val();
        self.tw_mem.wdata.next = self.tw_conv.c.val();

        // n^(−1): addressed by the input while idle so that it is ready in the set-up cycle.
        self.ninv_rom.clock.next = self.clock.val();
        self.ninv_rom.we.next = false;
        self.ninv_rom.waddr.next = 0.into();
        self.ninv_rom.wdata.next = 0.into();
        if self.idle.val() {
            self.ninv_rom.raddr.next = bit_cast::<16, 5>(self.log_rows.val());
        } else {
            self.ninv_rom.raddr.next = bit_cast::<16, 5>(self.p_lr.q.val());
        }

        // Sizes from the parameters, latched with start (shifts by a register, no subtraction:
        // T ≥ log_rows + log_blowup is the contract, and out of it the values only wrap).
        self.lde6.next = bit_cast::<6, 5>(self.log_rows.val()) + bit_cast::<6, 5>(self.log_blowup.val());
        if self.mode_pass.val() {
            // A pass is a transform of its own size: no padding, no extension.
            self.lde6.next = bit_cast::<6, 5>(self.log_rows.val());
        }
        self.tpow.next = self.one20.val() << self.tw_log.val();
        if self.idle.val() & self.start.val() {
            self.state.d.next = LdeState::Setup;
            self.p_pass.d.next = self.mode_pass.val();
            self.p_pinv.d.next = self.pass_inverse.val();
            self.p_f0.d.next = self.pass_f0.val();
            self.p_ratio.d.next = self.pass_ratio.val();
            self.p_lr.d.next = self.log_rows.val();
            self.p_lde.d.next = self.lde6.val();
            self.p_rsh.d.next = self.c16.val() - self.log_rows.val();
            self.p_n.d.next = self.one20.val() << self.log_rows.val();
            self.p_big_n.d.next = self.one20.val() << self.lde6.val();
            self.p_half_t.d.next = self.tpow.val() >> 1;
            self.p_inv_st.d.next = self.tpow.val() >> self.log_rows.val();
            self.p_fwd_st.d.next = self.tpow.val() >> self.lde6.val();
        }

        // Copy read address: bitrev over log_rows bits = the 16-bit reversal shifted down.
        self.j16.next = self.j.q.val().get_bits::<16>(0);
        self.rev.next = self.zero20.val() #( | (bit_cast::<20, 1>(self.j16.val().get_bits::<1>(15 - K)) << K) )*;
        self.rev_l.next = self.rev.val() >> self.p_rsh.q.val();

        // Issue: one op (a butterfly, or a copy element) per cycle at most.
        self.iss_v.next = false;
        self.iss_lo.next = self.base.q.val() + self.j.q.val();
        self.iss_hi.next = self.iss_lo.val() + self.h.q.val();
        self.iss_wlo.next = true;
        self.iss_copy.next = false;
        self.iss_azero.next = false;
        self.iss_twone.next = false;
        // Inverse roots in the LDE's step 1 and in a pass that asks for them: ω_m^(−j) is
        // `−table[2^(T−1) − e]`, so one table serves both directions.
        self.inv_roots.next = (self.step.q.val() == LdeStep::Inverse)
            | ((self.step.q.val() == LdeStep::Forward) & self.p_pinv.q.val());
        self.iss_neg.next = self.inv_roots.val();
        self.iss_raddr.next = self.iss_lo.val();
        self.tw_raddr.next = self.e.q.val();
        if self.inv_roots.val() {
            self.tw_raddr.next = self.p_half_t.q.val() - self.e.q.val();
            self.iss_twone.next = self.e.q.val() == 0;
        }
        self.fac_mul.valid_in.next = false;
        self.enter_inv.next = false;
        self.enter_copy.next = false;
        self.enter_fwd.next = false;
        self.drained.next = true;
        for i in 0..8 {
            if self.pv[i].q.val() {
                self.drained.next = false;
            }
        }
        match self.state.q.val() {
            LdeState::Idle => {}
            LdeState::Setup => {
                if (self.p_lr.q.val() == 0) | self.p_pass.q.val() {
                    self.enter_copy.next = true;
                } else {
                    self.enter_inv.next = true;
                }
            }
            LdeState::Issue => {
                if self.step.q.val() == LdeStep::Copy {
                    self.iss_copy.next = true;
                    self.iss_wlo.next = false;
                    self.iss_hi.next = self.j.q.val();
                    // The LDE copies the bit-reversed coefficients into natural order; a pass
                    // scales its input where it lies.
                    if self.p_pass.q.val() {
                        self.iss_raddr.next = self.j.q.val();
                    } else {
                        self.iss_raddr.next = self.rev_l.val();
                    }
                    if self.j.q.val() < self.p_n.q.val() {
                        // A real element waits for its factor.
                        if self.cw.q.val() == 0 {
                            self.iss_v.next = true;
                            self.fac_mul.valid_in.next = true;
                            self.cw.d.next = self.copy_wait.val();
                        } else {
                            self.cw.d.next = self.cw.q.val() - 1;
                        }
                    } else {
                        self.iss_v.next = true;
                        self.iss_azero.next = true;
                    }
                    if self.iss_v.val() {
                        self.j.d.next = self.j.q.val() + 1;
                        if self.j.q.val() == self.p_big_n.q.val() - 1 {
                            self.state.d.next = LdeState::Drain;
                        }
                    }
                } else if !self.sub.q.val() {
                    // First read of a butterfly (`lo`); the second (`hi`) follows from the
                    // pipeline next cycle.
                    self.iss_v.next = true;
                    self.sub.d.next = true;
                } else {
                    self.sub.d.next = false;
                    if self.q.q.val() == self.last_q.q.val() {
                        self.state.d.next = LdeState::Drain;
                    } else {
                        self.q.d.next = self.q.q.val() + 1;
                    }
                    if self.j.q.val() == self.h.q.val() - 1 {
                        self.j.d.next = 0.into();
                        self.e.d.next = 0.into();
                        self.base.d.next = self.base.q.val() + self.h.q.val() + self.h.q.val();
                    } else {
                        self.j.d.next = self.j.q.val() + 1;
                        self.e.d.next = self.e.q.val() + self.stride.q.val();
                    }
                }
            }
            LdeState::Drain => {
                // Every write of the step has landed by the next cycle once nothing is in
                // flight short of its last write.
                if self.drained.val() {
                    if (self.step.q.val() != LdeStep::Copy) & (self.s.q.val() > 1) {
                        self.state.d.next = LdeState::Issue;
                        self.s.d.next = self.s.q.val() - 1;
                        self.h.d.next = self.h.q.val() >> 1;
                        self.stride.d.next = self.stride.q.val() << 1;
                        self.j.d.next = 0.into();
                        self.base.d.next = 0.into();
                        self.e.d.next = 0.into();
                        self.q.d.next = 0.into();
                    } else if self.step.q.val() == LdeStep::Inverse {
                        self.enter_copy.next = true;
                    } else if (self.step.q.val() == LdeStep::Copy) & (self.p_lde.q.val() != 0) {
                        self.enter_fwd.next = true;
                    } else {
                        self.state.d.next = LdeState::Idle;
                    }
                }
            }
        }
        if self.enter_inv.val() {
            self.step.d.next = LdeStep::Inverse;
            self.s.d.next = bit_cast::<6, 5>(self.p_lr.q.val());
            self.h.d.next = self.p_n.q.val() >> 1;
            self.last_q.d.next = (self.p_n.q.val() >> 1) - 1;
            self.stride.d.next = self.p_inv_st.q.val();
            self.rd_b.d.next = false;
            self.wr_b.d.next = false;
        }
        if self.enter_copy.val() {
            self.step.d.next = LdeStep::Copy;
            if self.p_pass.q.val() {
                self.fac.d.next = self.p_f0.q.val();
            } else {
                self.fac.d.next = self.ninv_rom.rdata.val();
            }
            self.cw.d.next = 0.into();
            self.rd_b.d.next = false;
            self.wr_b.d.next = true;
        }
        if self.enter_fwd.val() {
            self.step.d.next = LdeStep::Forward;
            self.s.d.next = self.p_lde.q.val();
            self.h.d.next = self.p_big_n.q.val() >> 1;
            self.last_q.d.next = (self.p_big_n.q.val() >> 1) - 1;
            self.stride.d.next = self.p_fwd_st.q.val();
            self.rd_b.d.next = true;
            self.wr_b.d.next = true;
        }
        if self.enter_inv.val() | self.enter_copy.val() | self.enter_fwd.val() {
            self.state.d.next = LdeState::Issue;
            self.sub.d.next = false;
            self.j.d.next = 0.into();
            self.base.d.next = 0.into();
            self.e.d.next = 0.into();
            self.q.d.next = 0.into();
        }
        if self.iss_v.val() {
            self.raddr.next = self.iss_raddr.val().get_bits::<16>(0);
        } else {
            self.raddr.next = self.p_hi[0].q.val();
        }
        self.tw_mem.raddr.next = self.tw_raddr.val().get_bits::<16>(0);

        // The copy factor advances once per real element.
        self.fac_mul.clock.next = self.clock.val();
        self.fac_mul.a.next = self.fac.q.val();
        if self.p_pass.q.val() {
            self.fac_mul.b.next = self.p_ratio.q.val();
        } else {
            self.fac_mul.b.next = self.g_mont.val();
        }
        if self.fac_mul.valid_out.val() {
            self.fac.d.next = self.fac_mul.c.val();
        }

        // The op pipeline.
        self.pv[0].d.next = self.iss_v.val();
        self.p_lo[0].d.next = self.iss_lo.val().get_bits::<16>(0);
        self.p_hi[0].d.next = self.iss_hi.val().get_bits::<16>(0);
        self.p_wlo[0].d.next = self.iss_wlo.val();
        self.p_copy[0].d.next = self.iss_copy.val();
        self.p_azero.d.next = self.iss_azero.val();
        self.p_twone.d.next = self.iss_twone.val();
        self.p_neg.d.next = self.iss_neg.val();
        for i in 1..9 {
            self.pv[i].d.next = self.pv[i - 1].q.val();
            self.p_hi[i].d.next = self.p_hi[i - 1].q.val();
        }
        for i in 1..8 {
            self.p_lo[i].d.next = self.p_lo[i - 1].q.val();
            self.p_wlo[i].d.next = self.p_wlo[i - 1].q.val();
        }
        self.p_copy[1].d.next = self.p_copy[0].q.val();

        // c + 1: the twiddle (or the copy's factor) for the butterfly at c + 2.
        self.tw_t.next = self.tw_mem.rdata.val();
        if self.p_copy[0].q.val() {
            self.w.d.next = self.fac.q.val();
        } else if self.p_twone.q.val() {
            self.w.d.next = self.one_mont.val();
        } else if self.p_neg.q.val() & (self.tw_t.val() != 0) {
            self.w.d.next = self.p.val() - self.tw_t.val();
        } else {
            self.w.d.next = self.tw_t.val();
        }

        // c + 8: x to `lo`; c + 9: y to `hi` (the copy writes only y).
        self.wr_lo.next = self.pv[7].q.val() & self.p_wlo[7].q.val();
        self.wr_en.next = self.wr_lo.val() | self.pv[8].q.val();
        self.wr_y.next = !self.wr_lo.val();
        if self.wr_lo.val() {
            self.wr_addr.next = self.p_lo[7].q.val();
        } else {
            self.wr_addr.next = self.p_hi[8].q.val();
        }

        // Lanes.
        self.col_hot.next = self.one8.val() << self.col_lane.val();
        for l in 0..8 {
            self.a_mem[l].clock.next = self.clock.val();
            self.b_mem[l].clock.next = self.clock.val();
            self.bf[l].clock.next = self.clock.val();
            self.s_a[l].clock.next = self.clock.val();
            self.y_hold[l].clock.next = self.clock.val();
            if self.rd_b.q.val() {
                self.rd[l].next = self.b_mem[l].rdata.val();
            } else {
                self.rd[l].next = self.a_mem[l].rdata.val();
            }
            if self.p_azero.q.val() {
                self.s_a[l].d.next = 0.into();
            } else {
                self.s_a[l].d.next = self.rd[l].val();
            }
            self.bf[l].valid_in.next = self.pv[1].q.val();
            self.bf[l].a.next = self.s_a[l].q.val();
            if self.p_copy[1].q.val() {
                self.bf[l].b.next = 0.into();
            } else {
                self.bf[l].b.next = self.rd[l].val();
            }
            self.bf[l].w_mont.next = self.w.q.val();
            self.y_hold[l].d.next = self.bf[l].y.val();
            if self.wr_y.val() {
                self.wdata[l].next = self.y_hold[l].q.val();
            } else {
                self.wdata[l].next = self.bf[l].x.val();
            }
            self.a_mem[l].raddr.next = self.raddr.val();
            if self.idle.val() {
                self.a_mem[l].we.next = self.col_we.val() & self.col_hot.val().get_bit(l);
                self.a_mem[l].waddr.next = self.col_addr.val();
                self.a_mem[l].wdata.next = self.col_data.val();
                self.b_mem[l].raddr.next = self.row_addr.val();
            } else {
                self.a_mem[l].we.next = self.wr_en.val() & !self.wr_b.q.val();
                self.a_mem[l].waddr.next = self.wr_addr.val();
                self.a_mem[l].wdata.next = self.wdata[l].val();
                self.b_mem[l].raddr.next = self.raddr.val();
            }
            self.b_mem[l].we.next = !self.idle.val() & self.wr_en.val() & self.wr_b.q.val();
            self.b_mem[l].waddr.next = self.wr_addr.val();
            self.b_mem[l].wdata.next = self.wdata[l].val();
        }
        self.row0.next = self.b_mem[0].rdata.val();
        self.row1.next = self.b_mem[1].rdata.val();
        self.row2.next = self.b_mem[2].rdata.val();
        self.row3.next = self.b_mem[3].rdata.val();
        self.row4.next = self.b_mem[4].rdata.val();
        self.row5.next = self.b_mem[5].rdata.val();
        self.row6.next = self.b_mem[6].rdata.val();
        self.row7.next = self.b_mem[7].rdata.val();
    }
}
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lde_unit_is_synthesizable() {
        let mut uut = LdeUnit::new(FieldId::BabyBear, 3).unwrap();
        uut.connect_all();
        yosys_validate("lde_unit", &generate_verilog(&uut)).unwrap();
    }

    #[test]
    fn lde_unit_refuses_what_it_cannot_build() {
        assert!(matches!(LdeUnit::new(FieldId::Goldilocks, 4), Err(LdeUnitError::Field(_))));
        assert!(matches!(LdeUnit::new(FieldId::KoalaBear, MAX_LOG_LDE + 1), Err(LdeUnitError::TooLarge { .. })));
    }
}
