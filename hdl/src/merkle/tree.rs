//! `MerkleTree`: the root of `2^k` leaf digests streamed in, in leaf order, with one
//! [`Poseidon2Perm16`] doing every 2-to-1 compression (`compress(l, r)` = the first 8 lanes of
//! `permute(l ‖ r)`, the golden model's `TruncatedPermutation`).
//!
//! # Architecture
//!
//! A tree of `2^k` leaves needs `2^k − 1` compressions, fewer than one per leaf, so one fully
//! pipelined permutation keeps up with one leaf per cycle. Nodes reach level `L + 1` in the
//! order their level-`L` pairs went into the permutation, so each level only needs one
//! *pending-left* register: the first node of a pair waits there for its right sibling.
//!
//! - **Leaf pair (`a_*`)**: leaves fill `a_l` (left) then `a_r` (right); a full pair is a
//!   level-0 compression waiting for the permutation.
//! - **Upper pair (`up_*`)**: a permutation result at level `L ≥ 1` whose pending-left
//!   register is full forms the pair `pend[L] ‖ result` here; otherwise it is parked in
//!   `pend[L]`. The permutation finishes at most one result per cycle, so at most one upper
//!   pair is formed per cycle and it always enters the permutation the next cycle: upper
//!   pairs have priority over the leaf pair, and need no queue.
//! - **Back-pressure**: the leaf pair waits while an upper pair takes the permutation, and
//!   `ready` drops only when the leaf pair is full and cannot enter this cycle (a leaf would
//!   have nowhere to go). With a leaf every cycle, `ready` drops on a few percent of cycles.
//! - **Tag line (`tag_*`)**: each compression's result level and its tree's `k` travel beside
//!   the permutation in a shift register exactly as long as its latency. A result at level `k`
//!   is the root: it is emitted on `valid_out`/`r0..r7` instead of being stored.
//!
//! `k` is sampled with each pair's left leaf and carried with every node, so trees of
//! different sizes may follow each other back to back without a gap: at a tree boundary every
//! pending register of the old tree is already empty or is emptied before the new tree's
//! first node of that level arrives. `k` must be the same for all leaves of one tree, and
//! `1 ≤ k ≤ max_log` (a single leaf is its own root and needs no hashing).
//!
//! # Interface
//!
//! In: `valid_in`, `d0..d7` (the leaf digest, lane `i` = digest element `i`, Montgomery form)
//! and `log_leaves` (`k`); a leaf is taken on a rising edge with `valid_in & ready`. `ready`
//! depends on registers only (not on `valid_in`). Out: `valid_out` for one cycle with the root
//! on `r0..r7` (Montgomery form). No output back-pressure: roots come at most once per two
//! leaves. Latency from the last leaf to its root: `k · (latency + 1)` cycles or a few more.

use rust_hdl::prelude::*;
use seq_macro::seq;
use slotproof_core::golden::Poseidon2Spec;

use crate::field::Prime31;
use crate::poseidon2::{Poseidon2Perm16, UnsupportedDiagonal};

seq!(N in 0..8 {
    /// The tree unit. Build it with [`MerkleTree::new`].
    #[derive(LogicBlock)]
    pub struct MerkleTree {
        /// Clock.
        pub clock: Signal<In, Clock>,
        /// A leaf digest is offered this cycle.
        pub valid_in: Signal<In, Bit>,
        /// `log2` of the number of leaves of the tree the offered leaf belongs to (`k`).
        pub log_leaves: Signal<In, Bits<5>>,
        #(
            #[doc = concat!("Leaf digest lane ", N, ", Montgomery form.")]
            pub d~N: Signal<In, Bits<32>>,
        )*
        /// The offered leaf is taken at the next rising edge (if `valid_in`).
        pub ready: Signal<Out, Bit>,
        /// A root is out this cycle.
        pub valid_out: Signal<Out, Bit>,
        #(
            #[doc = concat!("Root lane ", N, ", Montgomery form.")]
            pub r~N: Signal<Out, Bits<32>>,
        )*
        perm: Poseidon2Perm16,
        one: Constant<Bits<32>>,
        // Leaf pair: 0 empty, 1 left held, 2 full.
        a_cnt: DFF<Bits<2>>,
        a_k: DFF<Bits<5>>,
        #( a_l~N: DFF<Bits<32>>, )*
        #( a_r~N: DFF<Bits<32>>, )*
        // Upper pair (result level, tree k, lanes), entering the permutation next cycle.
        up_valid: DFF<Bit>,
        up_level: DFF<Bits<5>>,
        up_k: DFF<Bits<5>>,
        #( up_l~N: DFF<Bits<32>>, )*
        #( up_r~N: DFF<Bits<32>>, )*
        // Tag line beside the permutation.
        tag_level: Vec<DFF<Bits<5>>>,
        tag_k: Vec<DFF<Bits<5>>>,
        // Pending-left registers: entry `l` holds a node of level `l + 1`; bit `L` of
        // `pend_full` says level `L`'s is occupied.
        pend_full: DFF<Bits<32>>,
        #( pend~N: Vec<DFF<Bits<32>>>, )*
        // Root register.
        out_valid: DFF<Bit>,
        #( out~N: DFF<Bits<32>>, )*
        can_take: Signal<Local, Bit>,
        accept: Signal<Local, Bit>,
        issue_a: Signal<Local, Bit>,
        o_valid: Signal<Local, Bit>,
        o_level: Signal<Local, Bits<5>>,
        o_k: Signal<Local, Bits<5>>,
        o_hot: Signal<Local, Bits<32>>,
        o_root: Signal<Local, Bit>,
        o_pair: Signal<Local, Bit>,
        o_store: Signal<Local, Bit>,
    }

    impl MerkleTree {
        /// The largest `k` this build supports by default (a million leaves).
        pub const MAX_LOG: usize = 20;

        /// A tree unit for `prime`'s field with the golden permutation, for trees of up to
        /// `2^max_log` leaves (`1 ≤ max_log ≤ 31`).
        pub fn new(prime: Prime31, max_log: usize) -> Result<Self, UnsupportedDiagonal> {
            Self::with_spec(prime, &Poseidon2Spec::for_field(prime.field), max_log)
        }

        /// The tree unit with `spec`'s permutation constants (for negative controls).
        pub fn with_spec(prime: Prime31, spec: &Poseidon2Spec, max_log: usize) -> Result<Self, UnsupportedDiagonal> {
            assert!((1..32).contains(&max_log), "max_log {max_log} is not in 1..32");
            let latency = Poseidon2Perm16::latency(prime);
            let line = || (0..latency).map(|_| DFF::default()).collect::<Vec<_>>();
            let pend = || (0..max_log.max(2) - 1).map(|_| DFF::default()).collect::<Vec<_>>();
            Ok(Self {
                clock: Default::default(),
                valid_in: Default::default(),
                log_leaves: Default::default(),
                #( d~N: Default::default(), )*
                ready: Default::default(),
                valid_out: Default::default(),
                #( r~N: Default::default(), )*
                perm: Poseidon2Perm16::with_spec(prime, spec)?,
                one: Constant::new(1u64.to_bits()),
                a_cnt: Default::default(),
                a_k: Default::default(),
                #( a_l~N: Default::default(), )*
                #( a_r~N: Default::default(), )*
                up_valid: Default::default(),
                up_level: Default::default(),
                up_k: Default::default(),
                #( up_l~N: Default::default(), )*
                #( up_r~N: Default::default(), )*
                tag_level: line(),
                tag_k: line(),
                pend_full: Default::default(),
                #( pend~N: pend(), )*
                out_valid: Default::default(),
                #( out~N: Default::default(), )*
                can_take: Default::default(),
                accept: Default::default(),
                issue_a: Default::default(),
                o_valid: Default::default(),
                o_level: Default::default(),
                o_k: Default::default(),
                o_hot: Default::default(),
                o_root: Default::default(),
                o_pair: Default::default(),
                o_store: Default::default(),
            })
        }

        /// Cycles from a compression's pair to its result: the permutation's latency.
        pub fn compression_latency(prime: Prime31) -> usize {
            Poseidon2Perm16::latency(prime)
        }
    }
});

/// The update, written once per lane: `(input, output, left pending, leaf pair left/right,
/// upper pair left/right, root register, permutation left/right input, permutation output)`.
/// The permutation's right half `x8..x15` cannot be named from a `seq!` index, hence the
/// explicit list.
macro_rules! merkle_tree_logic {
    ($(($d:ident, $r:ident, $pend:ident, $al:ident, $ar:ident, $ul:ident, $ur:ident, $out:ident,
        $xl:ident, $xr:ident, $y:ident)),*) => {
        impl Logic for MerkleTree {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, a_cnt, a_k, up_valid, up_level, up_k, pend_full, out_valid
                    $(, $al, $ar, $ul, $ur, $out)*);
                self.perm.clock.next = self.clock.val();
                for i in 0..self.tag_level.len() {
                    self.tag_level[i].clock.next = self.clock.val();
                    self.tag_k[i].clock.next = self.clock.val();
                }
                for i in 1..self.tag_level.len() {
                    self.tag_level[i].d.next = self.tag_level[i - 1].q.val();
                    self.tag_k[i].d.next = self.tag_k[i - 1].q.val();
                }

                // Input: the leaf pair enters the permutation unless an upper pair does.
                self.issue_a.next = (self.a_cnt.q.val() == 2) & !self.up_valid.q.val();
                self.can_take.next = (self.a_cnt.q.val() != 2) | self.issue_a.val();
                self.ready.next = self.can_take.val();
                self.accept.next = self.valid_in.val() & self.can_take.val();
                if self.issue_a.val() {
                    self.a_cnt.d.next = 0.into();
                }
                if self.accept.val() {
                    if self.a_cnt.q.val() == 1 {
                        self.a_cnt.d.next = 2.into();
                    } else {
                        self.a_cnt.d.next = 1.into();
                        self.a_k.d.next = self.log_leaves.val();
                    }
                }

                // Permutation input.
                self.perm.valid_in.next = self.up_valid.q.val() | self.issue_a.val();
                if self.up_valid.q.val() {
                    self.tag_level[0].d.next = self.up_level.q.val();
                    self.tag_k[0].d.next = self.up_k.q.val();
                } else {
                    self.tag_level[0].d.next = 1.into();
                    self.tag_k[0].d.next = self.a_k.q.val();
                }

                // Permutation output: root, pair with the pending left, or park as left.
                self.o_valid.next = self.perm.valid_out.val();
                for i in (self.tag_level.len() - 1)..self.tag_level.len() {
                    self.o_level.next = self.tag_level[i].q.val();
                    self.o_k.next = self.tag_k[i].q.val();
                }
                self.o_hot.next = self.one.val() << self.o_level.val();
                self.o_root.next = self.o_valid.val() & (self.o_level.val() == self.o_k.val());
                self.o_pair.next = self.o_valid.val()
                    & !self.o_root.val()
                    & (self.pend_full.q.val() & self.o_hot.val()).any();
                self.o_store.next = self.o_valid.val() & !self.o_root.val() & !self.o_pair.val();
                if self.o_valid.val() & !self.o_root.val() {
                    self.pend_full.d.next = self.pend_full.q.val() ^ self.o_hot.val();
                }
                self.up_valid.d.next = self.o_pair.val();
                if self.o_pair.val() {
                    self.up_level.d.next = self.o_level.val() + 1;
                    self.up_k.d.next = self.o_k.val();
                }
                self.out_valid.d.next = self.o_root.val();
                self.valid_out.next = self.out_valid.q.val();

                $(
                    if self.accept.val() {
                        if self.a_cnt.q.val() == 1 {
                            self.$ar.d.next = self.$d.val();
                        } else {
                            self.$al.d.next = self.$d.val();
                        }
                    }
                    if self.up_valid.q.val() {
                        self.perm.$xl.next = self.$ul.q.val();
                        self.perm.$xr.next = self.$ur.q.val();
                    } else {
                        self.perm.$xl.next = self.$al.q.val();
                        self.perm.$xr.next = self.$ar.q.val();
                    }
                    for l in 0..self.$pend.len() {
                        self.$pend[l].clock.next = self.clock.val();
                        self.$pend[l].d.next = self.$pend[l].q.val();
                        if self.o_store.val() & self.o_hot.val().get_bit(l + 1) {
                            self.$pend[l].d.next = self.perm.$y.val();
                        }
                        if self.o_pair.val() & self.o_hot.val().get_bit(l + 1) {
                            self.$ul.d.next = self.$pend[l].q.val();
                        }
                    }
                    if self.o_pair.val() {
                        self.$ur.d.next = self.perm.$y.val();
                    }
                    if self.o_root.val() {
                        self.$out.d.next = self.perm.$y.val();
                    }
                    self.$r.next = self.$out.q.val();
                )*
            }
        }
    };
}

merkle_tree_logic!(
    (d0, r0, pend0, a_l0, a_r0, up_l0, up_r0, out0, x0, x8, y0),
    (d1, r1, pend1, a_l1, a_r1, up_l1, up_r1, out1, x1, x9, y1),
    (d2, r2, pend2, a_l2, a_r2, up_l2, up_r2, out2, x2, x10, y2),
    (d3, r3, pend3, a_l3, a_r3, up_l3, up_r3, out3, x3, x11, y3),
    (d4, r4, pend4, a_l4, a_r4, up_l4, up_r4, out4, x4, x12, y4),
    (d5, r5, pend5, a_l5, a_r5, up_l5, up_r5, out5, x5, x13, y5),
    (d6, r6, pend6, a_l6, a_r6, up_l6, up_r6, out6, x6, x14, y6),
    (d7, r7, pend7, a_l7, a_r7, up_l7, up_r7, out7, x7, x15, y7)
);

#[cfg(test)]
mod tests {
    use super::*;
    use slotproof_core::FieldId;

    #[test]
    fn merkle_tree_is_synthesizable() {
        let mut uut = MerkleTree::new(Prime31::new(FieldId::BabyBear).unwrap(), 4).unwrap();
        uut.connect_all();
        yosys_validate("merkle_tree", &generate_verilog(&uut)).unwrap();
    }
}
