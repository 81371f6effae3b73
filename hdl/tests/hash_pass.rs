//! `HashPass` against the golden sponge and tree, over a behavioural card memory with random
//! back-pressure and read latency, in rust-hdl's simulator: a commitment in miniature (two
//! absorb passes of a 12-column LDE, the first through saved states, then every tree layer),
//! checked word for word in memory, and a negative control with perturbed round constants.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::golden::Poseidon2Spec;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_hdl::card::HashPass;
use slotproof_hdl::field::Prime31;

/// One pass, as the command processor would start it.
#[derive(Clone, Copy, Debug)]
struct Pass {
    count: u32,
    chunk: u32,
    in_mem: bool,
    in_base: u64,
    out_state: bool,
    out_base: u64,
    /// Which LDE columns the row port shows during the pass.
    col0: usize,
}

/// The card memory as the AXI4 slave sees it: reads answered in order after a latency,
/// random back-pressure on every ready, writes applied when address and data are both in.
#[derive(Clone)]
struct Memory {
    words: HashMap<u64, u32>,
    bytes: u64,
    rng: SplitMix64,
    stall: u64,
    read_latency: u64,
    reads: VecDeque<(u64, u64)>,
    aw: VecDeque<u64>,
    w: VecDeque<u32>,
    b: VecDeque<(u64, u8)>,
    /// What is driven this cycle.
    arready: bool,
    awready: bool,
    wready: bool,
    rvalid: bool,
    bvalid: bool,
    errors: usize,
}

impl Memory {
    fn new(bytes: u64, seed: u64, stall: u64, read_latency: u64) -> Self {
        Self {
            words: HashMap::new(),
            bytes,
            rng: SplitMix64::new(seed),
            stall,
            read_latency,
            reads: VecDeque::new(),
            aw: VecDeque::new(),
            w: VecDeque::new(),
            b: VecDeque::new(),
            arready: false,
            awready: false,
            wready: false,
            rvalid: false,
            bvalid: false,
            errors: 0,
        }
    }

    fn ok(&self, addr: u64) -> bool {
        addr.is_multiple_of(4) && addr + 4 <= self.bytes
    }

    fn ready(&mut self) -> bool {
        self.rng.next_u64() % 100 >= self.stall
    }

    /// Drives the slave's side for cycle `now`.
    fn drive(&mut self, x: &mut HashPass, now: u64) {
        self.arready = self.ready();
        self.awready = self.ready();
        self.wready = self.ready();
        self.rvalid = self.reads.front().is_some_and(|&(at, _)| at <= now) && self.ready();
        self.bvalid = self.b.front().is_some_and(|&(at, _)| at <= now);
        let (rdata, rresp) = match self.reads.front() {
            Some(&(_, a)) if self.ok(a) => (*self.words.get(&a).unwrap_or(&0), 0u64),
            _ => (0, 2),
        };
        x.mem_arready.next = self.arready;
        x.mem_rvalid.next = self.rvalid;
        x.mem_rdata.next = u64::from(rdata).into();
        x.mem_rresp.next = rresp.into();
        x.mem_awready.next = self.awready;
        x.mem_wready.next = self.wready;
        x.mem_bvalid.next = self.bvalid;
        x.mem_bresp.next = u64::from(self.b.front().map_or(0, |&(_, r)| r)).into();
    }

    /// The handshakes of cycle `now` (the master's outputs as sampled before the edge).
    fn edge(&mut self, x: &HashPass, now: u64) {
        if x.mem_arvalid.val() && self.arready {
            self.reads.push_back((now + self.read_latency, x.mem_araddr.val().to_u64()));
        }
        if self.rvalid && x.mem_rready.val() {
            self.reads.pop_front();
        }
        if x.mem_awvalid.val() && self.awready {
            self.aw.push_back(x.mem_awaddr.val().to_u64());
        }
        if x.mem_wvalid.val() && self.wready {
            self.w.push_back(x.mem_wdata.val().to_u64() as u32);
        }
        while let (Some(&a), Some(&d)) = (self.aw.front(), self.w.front()) {
            self.aw.pop_front();
            self.w.pop_front();
            let resp = if self.ok(a) {
                self.words.insert(a, d);
                0
            } else {
                self.errors += 1;
                2
            };
            self.b.push_back((now + 3, resp));
        }
        if self.bvalid && x.mem_bready.val() {
            self.b.pop_front();
        }
    }
}

const ROW_LATENCY: usize = 2;
const AUX: u64 = 0x1000;
const TREE: u64 = 0x8000;

/// Runs `passes` one after the other on `uut` over `memory`, the LDE row port showing
/// `lde` (rows × columns); returns the memory and the cycles each pass took.
fn run(uut: HashPass, passes: Vec<Pass>, lde: Vec<Vec<u64>>, memory: Memory) -> (Memory, Vec<u64>) {
    let out = Arc::new(Mutex::new(None));
    let sink = out.clone();
    let mut sim = Simulation::<HashPass>::new();
    sim.add_clock(5, |x: &mut Box<HashPass>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<HashPass>| {
        let mut x = ep.init()?;
        let mut mem = memory.clone();
        let mut now = 0u64;
        let mut rows_seen: VecDeque<u64> = VecDeque::from(vec![0; ROW_LATENCY]);
        let mut cycles = Vec::new();
        for pass in &passes {
            let began = now;
            let mut started = false;
            loop {
                // Inputs for this cycle (the block's outputs depend on registers only).
                mem.drive(&mut x, now);
                let row = rows_seen.pop_front().unwrap_or(0) as usize;
                let lanes: Vec<u64> = (0..8).map(|l| lde[row].get(pass.col0 + l).copied().unwrap_or(0)).collect();
                x.row0.next = lanes[0].into();
                x.row1.next = lanes[1].into();
                x.row2.next = lanes[2].into();
                x.row3.next = lanes[3].into();
                x.row4.next = lanes[4].into();
                x.row5.next = lanes[5].into();
                x.row6.next = lanes[6].into();
                x.row7.next = lanes[7].into();
                x.start.next = !started;
                x.count.next = u64::from(pass.count).into();
                x.chunk.next = u64::from(pass.chunk).into();
                x.in_mem.next = pass.in_mem;
                x.in_base.next = pass.in_base.into();
                x.row_base.next = 0u64.into();
                x.out_state.next = pass.out_state;
                x.out_base.next = pass.out_base.into();
                let busy = x.busy.val();
                rows_seen.push_back(x.row_addr.val().to_u64().min(lde.len() as u64 - 1));
                mem.edge(&x, now);
                x = ep.watch(|x| x.clock.val().clk, x)?;
                x = ep.watch(|x| !x.clock.val().clk, x)?;
                now += 1;
                if started && !busy {
                    break;
                }
                started = true;
                assert!(now - began < 100_000, "a pass of {pass:?} did not finish");
            }
            assert!(!x.error.val(), "the pass {pass:?} saw an error response");
            cycles.push(now - began);
        }
        *sink.lock().unwrap() = Some((mem, cycles));
        ep.done(x)
    });
    sim.run(Box::new(uut), 10_000_000).unwrap();
    out.lock().unwrap().take().expect("the testbench finished")
}

/// The golden model of the passes: per-row sponge over the LDE rows (overwrite mode,
/// rate 8), then the tree, each layer after the one below.
fn expected(spec: &Poseidon2Spec, lde: &[Vec<u64>]) -> (Vec<[u64; 16]>, Vec<[u64; 8]>) {
    let mut states = Vec::new();
    let mut tree = Vec::new();
    for row in lde {
        let mut s = [0u64; 16];
        s[..8].copy_from_slice(&row[..8]);
        spec.permute(&mut s);
        states.push(s);
        let mut t = s;
        t[..row.len() - 8].copy_from_slice(&row[8..]);
        spec.permute(&mut t);
        tree.push(std::array::from_fn(|i| t[i]));
    }
    let (mut start, mut len) = (0, tree.len());
    while len > 1 {
        for i in 0..len / 2 {
            let mut s = [0u64; 16];
            s[..8].copy_from_slice(&tree[start + 2 * i]);
            s[8..].copy_from_slice(&tree[start + 2 * i + 1]);
            spec.permute(&mut s);
            tree.push(std::array::from_fn(|k| s[k]));
        }
        start += len;
        len /= 2;
    }
    (states, tree)
}

/// The four passes of a 4-row, 12-column commitment: absorb 8 columns into states, absorb
/// the last 4 into digests, then both tree layers.
fn passes() -> Vec<Pass> {
    let d = 32;
    vec![
        Pass { count: 4, chunk: 8, in_mem: false, in_base: 0, out_state: true, out_base: AUX, col0: 0 },
        Pass { count: 4, chunk: 4, in_mem: true, in_base: AUX, out_state: false, out_base: TREE, col0: 8 },
        Pass { count: 2, chunk: 0, in_mem: true, in_base: TREE, out_state: false, out_base: TREE + 4 * d, col0: 0 },
        Pass {
            count: 1,
            chunk: 0,
            in_mem: true,
            in_base: TREE + 4 * d,
            out_state: false,
            out_base: TREE + 6 * d,
            col0: 0,
        },
    ]
}

fn words(mem: &Memory, base: u64, n: usize) -> Vec<u64> {
    (0..n as u64).map(|i| u64::from(*mem.words.get(&(base + 4 * i)).unwrap_or(&0))).collect()
}

fn random_lde(field: FieldId, rng: &mut SplitMix64) -> Vec<Vec<u64>> {
    (0..4).map(|_| (0..12).map(|_| rng.element(field)).collect()).collect()
}

#[test]
fn passes_match_the_golden_sponge_and_tree_in_rust_hdl() {
    let seed = test_seed("passes_match_the_golden_sponge_and_tree_in_rust_hdl");
    let mut rng = SplitMix64::new(seed);
    // The permutation simulates at a few dozen cycles per second in rust-hdl: one field here
    // (the other through the whole card under Verilator), with stalls on every channel.
    let (field, stall, read_latency) = (FieldId::BabyBear, 30, 4);
    let prime = Prime31::new(field).unwrap();
    let spec = Poseidon2Spec::for_field(field);
    let lde = random_lde(field, &mut rng);
    let (states, tree) = expected(&spec, &lde);
    let start = std::time::Instant::now();
    let mem = Memory::new(1 << 20, rng.next_u64(), stall, read_latency);
    let (mem, cycles) = run(HashPass::new(prime, ROW_LATENCY).unwrap(), passes(), lde, mem);
    eprintln!(
        "{field}: passes of 4, 4, 2, 1 permutations took {cycles:?} cycles ({stall}% stalls, read latency \
         {read_latency}), {:.1?} in rust-hdl",
        start.elapsed()
    );
    assert_eq!(words(&mem, AUX, 64), states.as_flattened(), "{field}: saved states, seed {seed}");
    assert_eq!(words(&mem, TREE, 56), tree.as_flattened(), "{field}: leaf digests and tree, seed {seed}");
    assert_eq!(mem.errors, 0);
}

#[test]
fn perturbed_round_constants_are_caught() {
    let seed = test_seed("perturbed_round_constants_are_caught");
    let mut rng = SplitMix64::new(seed);
    let field = FieldId::KoalaBear;
    let prime = Prime31::new(field).unwrap();
    let spec = Poseidon2Spec::for_field(field);
    let mut wrong = spec.clone();
    wrong.rc_internal[3] = (wrong.rc_internal[3] + 1) % field.modulus();
    let lde = random_lde(field, &mut rng);
    let (states, _) = expected(&spec, &lde);
    let (wrong_states, _) = expected(&wrong, &lde);
    let first = Pass { count: 2, ..passes()[0] };
    let mem = Memory::new(1 << 20, rng.next_u64(), 10, 2);
    let (mem, _) = run(HashPass::with_spec(prime, &wrong, ROW_LATENCY).unwrap(), vec![first], lde, mem);
    let got = words(&mem, AUX, 32);
    // The block computes what it was built from, which is not the golden permutation.
    assert_eq!(got, wrong_states[..2].as_flattened(), "seed {seed}");
    let differ = got.iter().zip(states[..2].as_flattened()).filter(|(a, b)| a != b).count();
    assert!(differ > 16, "perturbed constants must change the states: {differ} of 32 words differ");
}
