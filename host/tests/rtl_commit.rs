//! Hardware in the loop, executing: the card's top level with the command processor's
//! execution stage (`ExecCardTop`), its Verilog under Verilator behind `RtlTransport` with a
//! behavioural card memory, driven by the unchanged host driver through a whole trace
//! commitment (table loads, column batches, the root read back); the root must be the
//! golden model's (equal to Plonky3's, which core's tests check). Every command's cycles,
//! doorbell to completion, are held to the executing card's timing model
//! (`Executor::cycles_estimate`, which the device model's `Timing::executing_card` uses).

use std::time::{Duration, Instant};

use slotproof_core::golden::lde::bit_reverse_rows;
use slotproof_core::golden::merkle::merkle_levels;
use slotproof_core::golden::poseidon2::SpongeParams;
use slotproof_core::golden::{Fp, Poseidon2Spec, commit, coset_lde_batch, leaf_hash};
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_core::{FieldId, RowMajor};
use slotproof_firmware::{Command, Field, Opcode, memory_map};
use slotproof_hdl::card::{ExecCardTop, Executor};
use slotproof_hdl::catalog::{EXEC_MAX_LOG_LDE, exec_card_top_config};
use slotproof_hdl::eda::{MemoryModel, verilog_of};
use slotproof_host::card::driver::{CardDriver, Deadlines};
use slotproof_host::card::stream::{Slice, StreamOptions, commit_slice};
use slotproof_host::card::trace_view::{TraceView, Words};
use slotproof_host::transport::Transport;
use slotproof_host::transport::rtl::{CommandCycles, RtlCard};

/// Every command timed on the RTL against the model of a card memory with these latencies:
/// prints the pairs when `show`, returns those the model does not count to the cycle (it
/// counts the RTL's passes, so it is exact or it is wrong).
fn model_misses(timed: &[CommandCycles], read_latency: u64, write_latency: u64, show: bool) -> Vec<String> {
    let mut misses = Vec::new();
    for t in timed {
        let c = &t.cmd;
        let Some(model) = Executor::cycles_estimate(c, read_latency, write_latency) else {
            misses.push(format!("{:?}: the model does not time it", c.opcode));
            continue;
        };
        let line = format!(
            "{:>14} 2^{} x {:>3} blowup 2^{} count {:#x}: RTL {:>8} cycles, model {:>8} ({:+.2} %)",
            c.opcode.mnemonic(),
            c.log_rows,
            c.cols,
            c.log_blowup,
            c.count,
            t.cycles,
            model,
            100.0 * (model as f64 / t.cycles as f64 - 1.0)
        );
        if show {
            println!("  {line}");
        }
        if model != t.cycles {
            misses.push(line);
        }
    }
    misses
}

const DEADLINES: Deadlines =
    Deadlines { command: Duration::from_secs(600), heartbeat: Duration::from_secs(30), poll: Duration::from_millis(1) };

/// The executing card of the reports for `field`, with column batches of at most 16 so that
/// wider traces exercise the sponge states carried between batches.
fn card(field: Field) -> RtlCard {
    let mut config = exec_card_top_config(field);
    config.regs.identity.max_batch_cols = 16;
    config.admission.limits.max_batch_cols = 16;
    let top = ExecCardTop::new(&config, field, EXEC_MAX_LOG_LDE).expect("the executing card builds");
    let mem_bytes = config.admission.mem_bytes;
    let start = Instant::now();
    let rtl = RtlCard::from_verilog(
        &format!("exec-card-{field:?}"),
        &verilog_of(top),
        config.regs.identity.clock_hz,
        mem_bytes,
    )
    .expect("the card verilates");
    println!("{field:?}: verilated the executing card in {:.1} s", start.elapsed().as_secs_f64());
    rtl
}

/// The golden tree of a commitment: every level, leaves (the bit-reversed LDE rows hashed)
/// first, the root last.
fn golden_levels(id: FieldId, trace: &RowMajor<u64>, log_blowup: usize) -> Vec<Vec<Vec<u64>>> {
    let f = Fp::new(id);
    let perm = Poseidon2Spec::for_field(id);
    let sp = SpongeParams::for_field(id);
    let lde = bit_reverse_rows(&coset_lde_batch(f, trace, log_blowup));
    let leaves = (0..lde.height()).map(|r| leaf_hash(&perm, sp, lde.row(r))).collect();
    merkle_levels(&perm, sp, leaves)
}

/// Commits random traces of `shapes` (log rows, columns, log blowup) on the RTL card of
/// `field` through the driver; checks each root, some authentication paths, and (negative
/// control) that a corrupted leaf rebuilt with `BUILD_TREE` gives another root.
fn commits_match(field: Field, id: FieldId, shapes: &[(usize, usize, usize)]) {
    let seed = test_seed(&format!("rtl commit {field:?}"));
    let mut rng = SplitMix64::new(seed);
    let rtl = card(field);
    let driver = CardDriver::open(rtl.transport().expect("the model starts"), DEADLINES).expect("the card opens");
    for &(log_rows, cols, log_blowup) in shapes {
        let rows = 1 << log_rows;
        let values: Vec<u64> = (0..rows * cols).map(|_| rng.element(id)).collect();
        let trace = RowMajor::new(values.clone(), cols).expect("whole rows");
        let levels = golden_levels(id, &trace, log_blowup);
        let want = commit(Fp::new(id), &trace, log_blowup);
        assert_eq!(levels.last().unwrap()[0], want);
        let view = TraceView::new(id, rows, cols, Words::U64(values.into())).expect("a trace");
        let log_leaves = log_rows + log_blowup;
        let open = [0u32, (rng.next_u64() % (1 << log_leaves)) as u32, (1 << log_leaves) - 1];
        let before = driver.transport().stats();
        let t = Instant::now();
        let opts = StreamOptions::default();
        let run = commit_slice(&driver, &view, log_blowup, Slice { index: 0, log_count: 0 }, &open, &opts, &|_| {})
            .expect("the RTL card commits");
        let after = driver.transport().stats();
        println!(
            "{field:?} 2^{log_rows} x {cols}, blowup 2^{log_blowup}: {} simulated cycles for the commitment and \
             {} paths, {:.1} s wall",
            after.cycles - before.cycles,
            open.len(),
            t.elapsed().as_secs_f64()
        );
        assert_eq!(run.root, want, "{field:?} 2^{log_rows} x {cols}: the RTL root differs, seed {seed}");
        for p in &run.paths {
            let i = p.index;
            assert_eq!(p.leaf, levels[0][i], "leaf {i}, seed {seed}");
            let siblings: Vec<Vec<u64>> = (0..log_leaves).map(|k| levels[k][(i >> k) ^ 1].clone()).collect();
            assert_eq!(p.siblings, siblings, "path of leaf {i}, seed {seed}");
        }
        assert_eq!(run.paths.len(), open.len());

        // Negative control: one leaf word changed in card memory, the tree rebuilt on the card.
        let tree = memory_map::TREE.base;
        let db = field.digest_bytes() as u64;
        let t = driver.transport();
        let mut word = [0u8; 4];
        t.c2h(0, tree + db, &mut word).expect("read a leaf word");
        let bad = (u32::from_le_bytes(word) as u64 + 1) % id.modulus();
        t.h2c(0, tree + db, &(bad as u32).to_le_bytes()).expect("write it back changed");
        let mut cmd = Command::new(Opcode::BuildTree, field);
        cmd.src = tree;
        cmd.dst = tree + (db << log_leaves);
        cmd.log_rows = log_leaves as u8;
        driver.run(cmd).expect("BUILD_TREE runs");
        let mut leaves = levels[0].clone();
        leaves[1][0] = bad;
        let perm = Poseidon2Spec::for_field(id);
        let bad_root = merkle_levels(&perm, SpongeParams::for_field(id), leaves).pop().unwrap().pop().unwrap();
        let mut root = vec![0u8; db as usize];
        t.c2h(0, tree + db * ((2 << log_leaves) - 2), &mut root).expect("read the rebuilt root");
        let got: Vec<u64> = root.chunks(4).map(|c| u64::from(u32::from_le_bytes(c.try_into().unwrap()))).collect();
        assert_eq!(got, bad_root, "BUILD_TREE over the changed leaves, seed {seed}");
        assert_ne!(got, want, "a changed leaf must change the root");
    }
    let timed = driver.transport().command_cycles().expect("the commands' cycles");
    let opcodes: std::collections::BTreeSet<_> = timed.iter().map(|t| t.cmd.opcode.mnemonic()).collect();
    println!("{field:?}: {} commands timed ({opcodes:?}), RTL against the timing model:", timed.len());
    for op in [Opcode::LoadTwiddles, Opcode::LoadConstants, Opcode::CommitBatch, Opcode::ReadRoot, Opcode::ReadPaths] {
        assert!(timed.iter().any(|t| t.cmd.opcode == op), "{} was run and timed", op.mnemonic());
    }
    let mem = MemoryModel::new(0);
    let (rl, wl) = (u64::from(mem.read_latency), u64::from(mem.write_latency));
    let misses = model_misses(&timed, rl, wl, true);
    assert!(misses.is_empty(), "the executing card's timing model misses the RTL:\n{}", misses.join("\n"));
    // Negative control: the model of a memory one cycle slower to answer reads misses.
    assert!(!model_misses(&timed, rl + 1, wl, false).is_empty(), "a wrong read latency must show");
}

#[test]
fn babybear_commitments_on_the_executing_card_rtl() {
    // 20 columns in batches of 16 + 4: the second batch continues the first's sponge states.
    commits_match(Field::BabyBear, FieldId::BabyBear, &[(6, 20, 1), (2, 3, 3), (12, 3, 1)]);
}

#[test]
fn koalabear_commitments_on_the_executing_card_rtl() {
    commits_match(Field::KoalaBear, FieldId::KoalaBear, &[(7, 9, 1), (10, 17, 2), (1, 1, 0)]);
}
