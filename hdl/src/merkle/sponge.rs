//! `LeafSponge`: the padding-free Poseidon2 sponge over rows of any width (rate 8, digest 8,
//! width 16; the golden model's `leaf_hash`), one [`Poseidon2Perm16`] for every row.
//!
//! # Architecture
//!
//! A row of `w` elements takes `⌈w/8⌉` permutations, each needing the previous one's output,
//! and the permutation is 425 cycles deep: one row at a time would use it 1/425 of the time.
//! So rows are hashed in *batches*, chunk-interleaved: the source sends chunk 0 of every row
//! of the batch, then chunk 1 of every row that has one, and so on, each chunk naming its
//! row's `slot` in the batch (up to 512 slots).
//!
//! - **Stage 0**: a chunk is taken if its slot is not *busy* (its previous chunk still in the
//!   permutation); the slot's saved state is read from the state RAM (16 lanes × 512 slots,
//!   one-cycle read) and the slot is marked busy.
//! - **Stage 1 (`s1_*`)**: the permutation's input: lanes `0..len` are the chunk's elements,
//!   the rest the saved state, or zeros for a row's first chunk (the zero initial state). A
//!   short final chunk thus overwrites only its own lanes: the sponge is padding-free.
//! - **Tag line (`tag_*`)**: the slot and the last-chunk flag travel beside the permutation in
//!   a shift register as long as its latency. A finished state is written back to its slot,
//!   or, after a row's last chunk, its lanes 0..8 are the row's digest (`valid_out`,
//!   `h0..h7`, `out_slot`). Either way the slot is no longer busy.
//!
//! The busy bits make the hazard (a row's next chunk before its state came back) impossible
//! rather than silent: `ready` drops for that chunk until its state is back. With at least
//! [`Poseidon2Perm16::latency`] + 2 rows in every chunk round the permutation never waits and
//! one chunk is taken per cycle; smaller batches (or rounds) are correct, only slower: 512-row
//! batches of random widths 1..=70 (later rounds hold fewer rows) ran at 0.61 chunks per cycle
//! (`tests/merkle.rs`).
//!
//! # Interface
//!
//! In, one chunk per transfer (`valid_in & ready` at a rising edge): `slot`, `first` (the
//! row's first chunk), `last` (its last), `len` (elements in the chunk, 1..=8; 8 unless
//! `last`) and `x0..x7` (element `8c + i` of the row on lane `i`, Montgomery form; lanes
//! `len..8` are ignored). `ready` depends combinationally on `slot` (the busy bit), not on
//! `valid_in`. Out: `valid_out` for one cycle with the digest on `h0..h7` (Montgomery form)
//! and the row's `out_slot`, in the order the last chunks were taken. Rows are at least one
//! element wide (the empty row's digest, all zeros, needs no hardware). No output
//! back-pressure: at most one digest per cycle.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use crate::field::Prime31;
use crate::poseidon2::{Poseidon2Perm16, UnsupportedDiagonal};

/// Slots of a batch: `2^SLOT_BITS`.
pub const SLOT_BITS: usize = 9;

seq!(N in 0..8 {
    /// The sponge unit. Build it with [`LeafSponge::new`].
    #[derive(LogicBlock)]
    pub struct LeafSponge {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// A chunk is offered this cycle.
        pub valid_in: Signal<In, Bit>,
        /// The chunk's row slot in the batch.
        pub slot: Signal<In, Bits<SLOT_BITS>>,
        /// The chunk is its row's first (absorbed into the zero state).
        pub first: Signal<In, Bit>,
        /// The chunk is its row's last (the digest comes out after it).
        pub last: Signal<In, Bit>,
        /// Elements in the chunk, 1..=8.
        pub len: Signal<In, Bits<4>>,
        #(
            #[doc = concat!("Chunk element ", N, ", Montgomery form.")]
            pub x~N: Signal<In, Bits<32>>,
        )*
        /// The offered chunk is taken at the next rising edge (if `valid_in`).
        pub ready: Signal<Out, Bit>,
        /// A digest is out this cycle.
        pub valid_out: Signal<Out, Bit>,
        /// The digest's row slot.
        pub out_slot: Signal<Out, Bits<SLOT_BITS>>,
        #(
            #[doc = concat!("Digest lane ", N, ", Montgomery form.")]
            pub h~N: Signal<Out, Bits<32>>,
        )*
        perm: Poseidon2Perm16,
        /// The saved states, one RAM per lane, addressed by slot.
        state: Vec<RAM<Bits<32>, SLOT_BITS>>,
        one: Constant<Bits<512>>,
        /// Bit `s`: slot `s` has a chunk in flight.
        busy: DFF<Bits<512>>,
        s1_valid: DFF<Bit>,
        s1_slot: DFF<Bits<SLOT_BITS>>,
        s1_first: DFF<Bit>,
        s1_last: DFF<Bit>,
        s1_len: DFF<Bits<4>>,
        #( s1_x~N: DFF<Bits<32>>, )*
        tag_slot: Vec<DFF<Bits<SLOT_BITS>>>,
        tag_last: Vec<DFF<Bit>>,
        out_valid: DFF<Bit>,
        out_slot_r: DFF<Bits<SLOT_BITS>>,
        #( out~N: DFF<Bits<32>>, )*
        can_take: Signal<Local, Bit>,
        accept: Signal<Local, Bit>,
        set_mask: Signal<Local, Bits<512>>,
        clr_mask: Signal<Local, Bits<512>>,
        o_valid: Signal<Local, Bit>,
        o_slot: Signal<Local, Bits<SLOT_BITS>>,
        o_last: Signal<Local, Bit>,
    }

    impl LeafSponge {
        /// A sponge unit for `prime`'s field with the golden permutation.
        pub fn new(prime: Prime31) -> Result<Self, UnsupportedDiagonal> {
            Self::with_spec(prime, &Poseidon2Spec::for_field(prime.field))
        }

        /// The sponge unit with `spec`'s permutation constants (for negative controls).
        pub fn with_spec(prime: Prime31, spec: &Poseidon2Spec) -> Result<Self, UnsupportedDiagonal> {
            let latency = Poseidon2Perm16::latency(prime);
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                slot: Default::default(),
                first: Default::default(),
                last: Default::default(),
                len: Default::default(),
                #( x~N: Default::default(), )*
                ready: Default::default(),
                valid_out: Default::default(),
                out_slot: Default::default(),
                #( h~N: Default::default(), )*
                perm: Poseidon2Perm16::with_spec(prime, spec)?,
                state: (0..16).map(|_| RAM::default()).collect(),
                one: Constant::new(1u64.to_bits()),
                busy: Default::default(),
                s1_valid: Default::default(),
                s1_slot: Default::default(),
                s1_first: Default::default(),
                s1_last: Default::default(),
                s1_len: Default::default(),
                #( s1_x~N: Default::default(), )*
                tag_slot: (0..latency).map(|_| DFF::default()).collect(),
                tag_last: (0..latency).map(|_| DFF::default()).collect(),
                out_valid: Default::default(),
                out_slot_r: Default::default(),
                #( out~N: Default::default(), )*
                can_take: Default::default(),
                accept: Default::default(),
                set_mask: Default::default(),
                clr_mask: Default::default(),
                o_valid: Default::default(),
                o_slot: Default::default(),
                o_last: Default::default(),
            })
        }

        /// Cycles from a taken chunk to its permutation's result (write-back or digest
        /// register): the permutation's latency plus stage 1 and the output register.
        pub fn latency(prime: Prime31) -> usize {
            Poseidon2Perm16::latency(prime) + 2
        }
    }
});

/// The update. Lanes 0..8 (`(lane, chunk register, root register, port out, permutation
/// in, permutation out)`) take chunk elements; lanes 8..16 (`(lane, permutation in,
/// permutation out)`) only the saved state. The permutation's lanes `x8..x15` cannot be named
/// from one `seq!` index, hence the explicit lists.
macro_rules! leaf_sponge_logic {
    ([$(($n:literal, $s1x:ident, $out:ident, $h:ident, $xl:ident, $yl:ident)),*],
     [$(($m:literal, $xr:ident, $yr:ident)),*]) => {
        impl Logic for LeafSponge {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, busy, s1_valid, s1_slot, s1_first, s1_last, s1_len,
                    out_valid, out_slot_r $(, $s1x, $out)*);
                self.perm.clock.next = self.clock.val();
                for i in 0..self.tag_slot.len() {
                    self.tag_slot[i].clock.next = self.clock.val();
                    self.tag_last[i].clock.next = self.clock.val();
                }
                for i in 1..self.tag_slot.len() {
                    self.tag_slot[i].d.next = self.tag_slot[i - 1].q.val();
                    self.tag_last[i].d.next = self.tag_last[i - 1].q.val();
                }
                for i in (self.tag_slot.len() - 1)..self.tag_slot.len() {
                    self.o_slot.next = self.tag_slot[i].q.val();
                    self.o_last.next = self.tag_last[i].q.val();
                }
                self.o_valid.next = self.perm.valid_out.val();

                // Stage 0: take a chunk whose slot is idle; read its state; mark it busy.
                self.set_mask.next = self.one.val() << self.slot.val();
                self.clr_mask.next = self.one.val() << self.o_slot.val();
                self.can_take.next = !(self.busy.q.val() & self.set_mask.val()).any();
                self.ready.next = self.can_take.val();
                self.accept.next = self.valid_in.val() & self.can_take.val();
                if self.accept.val() & self.o_valid.val() {
                    self.busy.d.next = (self.busy.q.val() | self.set_mask.val()) & !self.clr_mask.val();
                } else if self.accept.val() {
                    self.busy.d.next = self.busy.q.val() | self.set_mask.val();
                } else if self.o_valid.val() {
                    self.busy.d.next = self.busy.q.val() & !self.clr_mask.val();
                }
                for i in 0..16 {
                    self.state[i].read_clock.next = self.clock.val();
                    self.state[i].write_clock.next = self.clock.val();
                    self.state[i].read_address.next = self.slot.val();
                    self.state[i].write_address.next = self.o_slot.val();
                    self.state[i].write_enable.next = self.o_valid.val() & !self.o_last.val();
                }
                self.s1_valid.d.next = self.accept.val();
                if self.accept.val() {
                    self.s1_slot.d.next = self.slot.val();
                    self.s1_first.d.next = self.first.val();
                    self.s1_last.d.next = self.last.val();
                    self.s1_len.d.next = self.len.val();
                }

                // Stage 1: chunk over state into the permutation, tag beside it.
                self.perm.valid_in.next = self.s1_valid.q.val();
                self.tag_slot[0].d.next = self.s1_slot.q.val();
                self.tag_last[0].d.next = self.s1_last.q.val();

                // Result: a digest, or the state back to its slot.
                self.out_valid.d.next = self.o_valid.val() & self.o_last.val();
                if self.o_valid.val() & self.o_last.val() {
                    self.out_slot_r.d.next = self.o_slot.val();
                }
                self.valid_out.next = self.out_valid.q.val();
                self.out_slot.next = self.out_slot_r.q.val();
                $(
                    if self.accept.val() {
                        self.$s1x.d.next = self.$xl.val();
                    }
                    if self.s1_len.q.val() > $n {
                        self.perm.$xl.next = self.$s1x.q.val();
                    } else if self.s1_first.q.val() {
                        self.perm.$xl.next = 0.into();
                    } else {
                        self.perm.$xl.next = self.state[$n].read_data.val();
                    }
                    self.state[$n].write_data.next = self.perm.$yl.val();
                    if self.o_valid.val() & self.o_last.val() {
                        self.$out.d.next = self.perm.$yl.val();
                    }
                    self.$h.next = self.$out.q.val();
                )*
                $(
                    if self.s1_first.q.val() {
                        self.perm.$xr.next = 0.into();
                    } else {
                        self.perm.$xr.next = self.state[$m].read_data.val();
                    }
                    self.state[$m].write_data.next = self.perm.$yr.val();
                )*
            }
        }
    };
}

leaf_sponge_logic!(
    [
        (0, s1_x0, out0, h0, x0, y0),
        (1, s1_x1, out1, h1, x1, y1),
        (2, s1_x2, out2, h2, x2, y2),
        (3, s1_x3, out3, h3, x3, y3),
        (4, s1_x4, out4, h4, x4, y4),
        (5, s1_x5, out5, h5, x5, y5),
        (6, s1_x6, out6, h6, x6, y6),
        (7, s1_x7, out7, h7, x7, y7)
    ],
    [
        (8, x8, y8),
        (9, x9, y9),
        (10, x10, y10),
        (11, x11, y11),
        (12, x12, y12),
        (13, x13, y13),
        (14, x14, y14),
        (15, x15, y15)
    ]
);

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn leaf_sponge_is_synthesizable() {
        let mut uut = LeafSponge::new(Prime31::new(FieldId::BabyBear).unwrap()).unwrap();
        uut.connect_all();
        yosys_validate("leaf_sponge", &generate_verilog(&uut)).unwrap();
    }
}
