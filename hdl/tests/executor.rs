//! `Executor` in rust-hdl's simulator, short runs over a behavioural card memory: a table
//! load that passes, one whose payload checksum is wrong and one with a changed word, each
//! completing as the device model completes it. The long runs (whole commitments through
//! the host driver) are under Verilator in the host's `rtl_commit` test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rust_hdl::prelude::*;
use slotproof_core::FieldId;
use slotproof_core::sample::{SplitMix64, test_seed};
use slotproof_firmware::checksum::checksum;
use slotproof_firmware::{CardError, Command, Field, Opcode};
use slotproof_hdl::card::Executor;
use slotproof_hdl::card::table_check::constants_words;
use slotproof_hdl::field::Prime31;

/// What the executor reported for one command.
#[derive(Debug, PartialEq)]
struct Outcome {
    failed: bool,
    code: u64,
    word: u64,
    payload_crc: u64,
    tables_loaded: bool,
}

/// Runs `commands` one after the other over a memory holding `words` (word address → value),
/// answering every read after 3 cycles.
fn run(commands: Vec<Command>, words: HashMap<u64, u32>) -> Vec<Outcome> {
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let mut sim = Simulation::<Executor>::new();
    sim.add_clock(5, |x: &mut Box<Executor>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut ep: Sim<Executor>| {
        let mut x = ep.init()?;
        let mut outcomes = Vec::new();
        let mut reads: Vec<(u64, u64)> = Vec::new();
        let mut now = 0u64;
        for cmd in &commands {
            let w = cmd.encode();
            let mut started = false;
            loop {
                let ready = reads.first().is_some_and(|&(at, _)| at <= now);
                let data = reads.first().map_or(0, |&(_, a)| *words.get(&a).unwrap_or(&0));
                x.mem_arready.next = true;
                x.mem_rvalid.next = ready;
                x.mem_rdata.next = u64::from(data).into();
                x.mem_rresp.next = 0u64.into();
                x.mem_awready.next = true;
                x.mem_wready.next = true;
                x.mem_bvalid.next = false;
                x.mem_bresp.next = 0u64.into();
                x.start.next = !started;
                x.header.next = u64::from(w[0]).into();
                x.seq.next = u64::from(w[1]).into();
                x.src.next = (u64::from(w[3]) << 32 | u64::from(w[2])).into();
                x.dst.next = (u64::from(w[5]) << 32 | u64::from(w[4])).into();
                x.aux.next = (u64::from(w[7]) << 32 | u64::from(w[6])).into();
                x.shape.next = u64::from(w[8]).into();
                x.src_crc.next = u64::from(w[9]).into();
                x.count.next = u64::from(w[10]).into();
                x.src_len.next = u64::from(w[11]).into();
                x.soft_reset.next = false;
                if x.mem_arvalid.val() {
                    reads.push((now + 3, x.mem_araddr.val().to_u64()));
                }
                if ready && x.mem_rready.val() {
                    reads.remove(0);
                }
                let done = x.done.val();
                x = ep.watch(|x| x.clock.val().clk, x)?;
                x = ep.watch(|x| !x.clock.val().clk, x)?;
                now += 1;
                started = true;
                if done {
                    break;
                }
                assert!(now < 50_000, "a command did not complete");
            }
            outcomes.push(Outcome {
                failed: x.failed.val(),
                code: x.code.val().to_u64(),
                word: x.word.val().to_u64(),
                payload_crc: x.payload_crc.val().to_u64(),
                tables_loaded: x.tables_loaded.val(),
            });
        }
        *sink.lock().unwrap() = outcomes;
        ep.done(x)
    });
    sim.run(Box::new(Executor::new(prime, 3).unwrap()), 10_000_000).unwrap();
    let mut got = out.lock().unwrap();
    std::mem::take(&mut *got)
}

#[test]
fn table_loads_complete_as_the_device_model_completes_them() {
    let seed = test_seed("table_loads_complete_as_the_device_model_completes_them");
    let mut rng = SplitMix64::new(seed);
    let prime = Prime31::new(FieldId::BabyBear).unwrap();
    let table: Vec<u32> = constants_words(prime);
    let bytes: Vec<u8> = table.iter().flat_map(|w| w.to_le_bytes()).collect();
    let base = 0x1000u64;
    let mut words: HashMap<u64, u32> = table.iter().enumerate().map(|(i, &w)| (base + 4 * i as u64, w)).collect();
    // A second copy with one word changed at a random index.
    let bad_base = 0x8000u64;
    let k = (rng.next_u64() % table.len() as u64) as usize;
    for (i, &w) in table.iter().enumerate() {
        words.insert(bad_base + 4 * i as u64, if i == k { (w + 1) % prime.p as u32 } else { w });
    }
    let load = |src: u64, crc: u32| {
        Command::new(Opcode::LoadConstants, Field::BabyBear).with_payload(src, bytes.len() as u32, crc)
    };
    let crc = checksum(&bytes);
    let mut bad_bytes = bytes.clone();
    bad_bytes[4 * k..4 * k + 4].copy_from_slice(&((table[k] + 1) % prime.p as u32).to_le_bytes());
    let bad_crc = checksum(&bad_bytes);
    let got = run(vec![load(base, crc ^ 1), load(bad_base, bad_crc), load(base, crc)], words);
    let checksum_word = u64::from(slotproof_firmware::command::word::SRC_CRC);
    let src_word = u64::from(slotproof_firmware::command::word::SRC);
    assert_eq!(
        got,
        vec![
            Outcome {
                failed: true,
                code: CardError::PayloadChecksum as u64,
                word: checksum_word,
                payload_crc: u64::from(crc),
                tables_loaded: false
            },
            Outcome {
                failed: true,
                code: CardError::TablesNotLoaded as u64,
                word: src_word,
                payload_crc: u64::from(bad_crc),
                tables_loaded: false
            },
            // Constants alone: the twiddles are still missing.
            Outcome { failed: false, code: 0, word: 0, payload_crc: u64::from(crc), tables_loaded: false },
        ],
        "word {k} changed, seed {seed}"
    );
}
