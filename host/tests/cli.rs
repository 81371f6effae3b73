//! End-to-end tests of the `slotproof` binary: what a user sees on the command line.
//!
//! Every test runs the real executable (`CARGO_BIN_EXE_slotproof`) as a child process and
//! checks its exit status, stdout and stderr. Together they show that:
//!
//! - `gen-trace` then `commit --json` round-trips for every field, with the documented JSON
//!   shape (exactly the documented keys, a root of canonical values of the right length);
//! - the root is deterministic, the same for a file and for the built-in trace generated
//!   from the same seed, and changes with the seed (so equality is not vacuous);
//! - the root the CLI prints is the one the golden model
//!   (`slotproof_core::golden::commit`, written independently of the CPU kernels) computes
//!   from the same file, for blowups 2, 4 and 8 and every field;
//! - every kind of bad input (malformed `.npy` files built byte by byte here, bad shapes,
//!   non-canonical values, impossible blowups, missing files, bad options) exits with status
//!   2, prints nothing on stdout, names the file and the problem on stderr, and never
//!   panics;
//! - `gen-trace` leaves nothing behind when it fails and no temporary files when it succeeds;
//! - `--help` works and says what the tool is.
//!
//! Traces are tiny (at most 64 rows) so the whole file runs in seconds in the dev profile;
//! the default 2^20 x 64 job is never run.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use slotproof_core::FieldId;
use slotproof_core::golden::{self, Fp};
use slotproof_core::matrix::RowMajor;
use slotproof_core::sample::random_trace;
use slotproof_core::trace::TraceFile;

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/// What one run of the binary produced.
#[derive(Debug)]
struct Out {
    /// Exit status; `None` if killed by a signal.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `slotproof` with `args`, with a clean logging environment, and captures everything.
fn run<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_slotproof"))
        .args(&args)
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("cannot run slotproof {args:?}: {e}"));
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts a successful run (status 0, no panic) and returns its stdout.
fn ok(out: &Out, what: &str) -> String {
    assert_eq!(out.code, Some(0), "{what}: expected success\n{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{what}: panicked\n{out:#?}");
    out.stdout.clone()
}

/// Asserts a failed run: exactly `code`, nothing on stdout, no panic, and stderr containing
/// every one of `phrases`.
fn fails(out: &Out, code: i32, phrases: &[&str], what: &str) {
    assert_eq!(out.code, Some(code), "{what}: wrong exit status\n{out:#?}");
    assert!(out.stdout.is_empty(), "{what}: stdout must be empty on error\n{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{what}: panicked\n{out:#?}");
    for p in phrases {
        assert!(out.stderr.contains(p), "{what}: stderr lacks {p:?}\n{out:#?}");
    }
}

/// A complete `.npy` v1.0 file: magic, version 1.0, u16 LE header length, the header dict
/// padded with spaces and a final '\n' so that the data starts at a multiple of 64 (as numpy
/// writes it), then `data` verbatim.
fn npy_v1(dict: &str, data: &[u8]) -> Vec<u8> {
    let unpadded = 10 + dict.len() + 1;
    let total = unpadded.div_ceil(64) * 64;
    let header_len = u16::try_from(total - 10).expect("small header");
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&header_len.to_le_bytes());
    b.extend_from_slice(dict.as_bytes());
    b.resize(total - 1, b' ');
    b.push(b'\n');
    assert_eq!(b.len() % 64, 0);
    b.extend_from_slice(data);
    b
}

/// Writes [`npy_v1`]`(dict, data)` to `dir/name` and returns the path.
fn write_npy_raw(dir: &Path, name: &str, dict: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, npy_v1(dict, data)).expect("write test file");
    path
}

/// The header dict numpy writes for a C-order array.
fn dict(descr: &str, shape: &str) -> String {
    format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}")
}

/// Little-endian bytes of 32-bit words.
fn u4_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Little-endian bytes of 64-bit words.
fn u8_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A small valid `<u4` trace file of `rows x cols` small values (canonical in both 31-bit
/// fields).
fn small_u4(dir: &Path, name: &str, rows: usize, cols: usize) -> PathBuf {
    let words: Vec<u32> = (0..rows * cols).map(|i| i as u32 * 7 + 1).collect();
    write_npy_raw(dir, name, &dict("<u4", &format!("({rows}, {cols})")), &u4_bytes(&words))
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `path` as the CLI prints it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Runs `slotproof gen-trace` and asserts success.
fn gen_trace(path: &Path, field: FieldId, rows: usize, cols: usize, seed: u64) {
    let out = run([
        "gen-trace".as_ref(),
        "--rows".as_ref(),
        OsStr::new(&rows.to_string()),
        "--cols".as_ref(),
        OsStr::new(&cols.to_string()),
        "--field".as_ref(),
        OsStr::new(field.name()),
        "--seed".as_ref(),
        OsStr::new(&seed.to_string()),
        "-o".as_ref(),
        path.as_os_str(),
    ]);
    ok(&out, "gen-trace");
    assert!(path.is_file(), "gen-trace did not create {}", path.display());
}

/// Runs `slotproof gen-trace` for a BabyBear trace into `target`, whatever the outcome.
fn run_gen_trace(rows: &str, cols: &str, target: &Path) -> Out {
    run([
        "gen-trace".as_ref(),
        "--rows".as_ref(),
        rows.as_ref(),
        "--cols".as_ref(),
        cols.as_ref(),
        "--field".as_ref(),
        "babybear".as_ref(),
        "-o".as_ref(),
        target.as_os_str(),
    ])
}

/// Parses the one JSON object `commit --json` prints.
fn json(stdout: &str) -> Value {
    let v: Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{stdout}"));
    assert!(v.is_object(), "not an object: {v}");
    v
}

/// The root of a `commit --json` report, checked canonical for `field`.
fn root_of(v: &Value, field: FieldId) -> Vec<u64> {
    let root: Vec<u64> = v["root"]
        .as_array()
        .unwrap_or_else(|| panic!("root is not an array: {v}"))
        .iter()
        .map(|x| x.as_u64().unwrap_or_else(|| panic!("root entry {x} is not a u64")))
        .collect();
    for &x in &root {
        assert!(x < field.modulus(), "root value {x} is not canonical for {field}");
    }
    root
}

/// Digest length of the Merkle root: 8 elements for the 31-bit fields, 4 for Goldilocks.
fn digest_len(field: FieldId) -> usize {
    match field {
        FieldId::Goldilocks => 4,
        _ => 8,
    }
}

/// `commit FILE --json [--field F] --log-blowup B`, asserted successful; returns the report.
fn commit_file(path: &Path, field: Option<FieldId>, log_blowup: usize) -> Value {
    let mut args: Vec<String> = vec!["commit".into(), shown(path), "--json".into()];
    if let Some(f) = field {
        args.extend(["--field".into(), f.name().into()]);
    }
    args.extend(["--log-blowup".into(), log_blowup.to_string()]);
    json(&ok(&run(&args), &format!("commit {args:?}")))
}

/// `commit --json` of the built-in trace with the given shape and seed.
fn commit_builtin(field: FieldId, rows: usize, cols: usize, seed: u64) -> Value {
    let args = [
        "commit".to_string(),
        "--json".into(),
        "--field".into(),
        field.name().into(),
        "--rows".into(),
        rows.to_string(),
        "--cols".into(),
        cols.to_string(),
        "--seed".into(),
        seed.to_string(),
    ];
    json(&ok(&run(&args), &format!("commit {args:?}")))
}

// ---------------------------------------------------------------------------------------
// 1. Round trip and JSON shape
// ---------------------------------------------------------------------------------------

#[test]
fn cli_gen_trace_then_commit_json_round_trip_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols) = (64usize, 5usize);
    for field in FieldId::ALL {
        let path = dir.path().join(format!("{}.npy", field.name()));
        gen_trace(&path, field, rows, cols, 3);
        for backend in ["cpu", "auto"] {
            let mut args = vec![
                "commit".to_string(),
                shown(&path),
                "--json".into(),
                "--backend".into(),
                backend.into(),
                "--log-blowup".into(),
                "2".into(),
            ];
            // Goldilocks is inferred from the '<u8' dtype; the 31-bit fields must be named.
            if field != FieldId::Goldilocks {
                args.extend(["--field".into(), field.name().into()]);
            }
            let what = format!("commit {args:?}");
            let out = run(&args);
            let v = json(&ok(&out, &what));
            assert_eq!(out.stdout.trim().lines().count(), 1, "{what}: one line of JSON\n{out:#?}");

            let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["backend", "cols", "field", "log_blowup", "peak_rss_bytes", "root", "rows", "timings_ms", "trace"],
                "{what}: {v}"
            );
            let mut tkeys: Vec<&str> =
                v["timings_ms"].as_object().expect("timings_ms object").keys().map(String::as_str).collect();
            tkeys.sort_unstable();
            assert_eq!(tkeys, ["commit", "lde", "leaf_hash", "load", "total", "tree"], "{what}: {v}");
            for (k, t) in v["timings_ms"].as_object().unwrap() {
                let t = t.as_f64().unwrap_or_else(|| panic!("{what}: timing {k} is not a number: {v}"));
                assert!(t.is_finite() && t >= 0.0, "{what}: timing {k} = {t}");
            }
            assert!(
                v["peak_rss_bytes"].is_null() || v["peak_rss_bytes"].as_u64().is_some_and(|b| b > 0),
                "{what}: {v}"
            );

            assert_eq!(v["field"], field.name(), "{what}: {v}");
            assert_eq!(v["rows"], rows, "{what}: {v}");
            assert_eq!(v["cols"], cols, "{what}: {v}");
            assert_eq!(v["log_blowup"], 2, "{what}: {v}");
            assert_eq!(v["backend"], "cpu", "{what}: {v}");
            assert_eq!(v["trace"], shown(&path), "{what}: {v}");
            assert_eq!(root_of(&v, field).len(), digest_len(field), "{what}: {v}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Determinism, file vs built-in trace, seed sensitivity
// ---------------------------------------------------------------------------------------

#[test]
fn cli_root_is_deterministic_and_file_matches_builtin_trace() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols, seed) = (64usize, 5usize, 0x5eed_u64);
    for field in FieldId::ALL {
        let path = dir.path().join(format!("{}.npy", field.name()));
        gen_trace(&path, field, rows, cols, seed);

        let from_file = root_of(&commit_file(&path, Some(field), 1), field);
        let builtin = commit_builtin(field, rows, cols, seed);
        assert_eq!(builtin["backend"], "cpu");
        assert_eq!((builtin["rows"].as_u64(), builtin["cols"].as_u64()), (Some(64), Some(5)));
        let from_builtin = root_of(&builtin, field);
        assert_eq!(from_file, from_builtin, "{field}: gen-trace file vs built-in trace, same seed");

        let again = root_of(&commit_builtin(field, rows, cols, seed), field);
        assert_eq!(again, from_builtin, "{field}: the same command twice");
        let file_again = root_of(&commit_file(&path, Some(field), 1), field);
        assert_eq!(file_again, from_file, "{field}: the same file twice");

        // Negative control: the equalities above are not vacuous.
        let other = root_of(&commit_builtin(field, rows, cols, seed + 1), field);
        assert_ne!(other, from_builtin, "{field}: a different seed must change the root");
    }
}

/// The hand-written `.npy` helper makes files the binary accepts, with the same root as
/// gen-trace's file of the same values: so the malformed files below each differ from a
/// valid one only in the defect they are about.
#[test]
fn cli_hand_written_npy_matches_gen_trace() {
    let dir = tempfile::tempdir().unwrap();
    for field in FieldId::ALL {
        let (rows, cols, seed) = (16usize, 3usize, 11u64);
        let generated = dir.path().join(format!("gen-{}.npy", field.name()));
        gen_trace(&generated, field, rows, cols, seed);
        let values = random_trace(field, rows, cols, seed);
        let data = match field.word_bytes() {
            4 => u4_bytes(&values.values().iter().map(|&v| v as u32).collect::<Vec<_>>()),
            _ => u8_bytes(values.values()),
        };
        let hand = write_npy_raw(
            dir.path(),
            &format!("hand-{}.npy", field.name()),
            &dict(field.npy_descr(), &format!("({rows}, {cols})")),
            &data,
        );
        assert_eq!(fs::read(&hand).unwrap(), fs::read(&generated).unwrap(), "{field}: byte-identical to gen-trace");
        assert_eq!(
            root_of(&commit_file(&hand, Some(field), 1), field),
            root_of(&commit_file(&generated, Some(field), 1), field),
            "{field}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. The CLI's root is the golden model's root
// ---------------------------------------------------------------------------------------

#[test]
fn cli_root_equals_golden_model_for_blowups_1_2_3() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols, seed) = (32usize, 9usize, 0xc0ffee_u64);
    for field in FieldId::ALL {
        let path = dir.path().join(format!("{}.npy", field.name()));
        gen_trace(&path, field, rows, cols, seed);

        // Read the file back independently of the binary.
        let file = TraceFile::open(&path, field).expect("gen-trace wrote a valid trace");
        assert_eq!((file.rows(), file.cols()), (rows, cols));
        let words: Vec<u64> = match field.word_bytes() {
            4 => file.words_u32().unwrap().iter().map(|&w| u64::from(w)).collect(),
            _ => file.words_u64().unwrap().into_owned(),
        };
        assert_eq!(words, random_trace(field, rows, cols, seed).values(), "{field}: gen-trace uses random_trace");
        let trace = RowMajor::new(words, cols).unwrap();

        let mut roots = Vec::new();
        for log_blowup in 1..=3 {
            let v = commit_file(&path, Some(field), log_blowup);
            assert_eq!(v["log_blowup"], log_blowup);
            let cli = root_of(&v, field);
            let expected = golden::commit(Fp::new(field), &trace, log_blowup);
            assert_eq!(cli, expected, "{field}, log_blowup {log_blowup}: CLI root vs golden model");
            roots.push(cli);
        }
        // Negative control: the blowup is part of the commitment.
        assert!(roots[0] != roots[1] && roots[1] != roots[2] && roots[0] != roots[2], "{field}: {roots:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 4. Bad input: exit 2, the file and the problem named, nothing on stdout, no panic
// ---------------------------------------------------------------------------------------

/// `commit PATH --field babybear`, expected to be refused as bad input.
fn refuse_bb(path: &Path, phrases: &[&str], what: &str) {
    let out = run(["commit".as_ref(), path.as_os_str(), "--field".as_ref(), "babybear".as_ref()]);
    let p = shown(path);
    let mut all = vec![p.as_str()];
    all.extend_from_slice(phrases);
    fails(&out, 2, &all, what);
}

#[test]
fn cli_rejects_text_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.npy");
    fs::write(&path, "rows,cols\n1,2\n3,4\n").unwrap();
    refuse_bb(&path, &["not a .npy file (bad magic bytes)"], "text file");
}

#[test]
fn cli_rejects_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.npy");
    fs::write(&path, b"").unwrap();
    refuse_bb(&path, &["empty file"], "empty file");
}

#[test]
fn cli_rejects_truncated_preamble() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.npy");
    fs::write(&path, b"\x93NUMP").unwrap();
    refuse_bb(&path, &["truncated", "file has 5 bytes"], "5 bytes of magic");
}

#[test]
fn cli_rejects_data_shorter_than_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "short-data.npy", &dict("<u4", "(64, 4)"), &[0u8; 1000]);
    refuse_bb(&path, &["data is 1000 bytes but shape (64, 4) of <u4 needs 1024 bytes"], "data shorter");
}

#[test]
fn cli_rejects_data_longer_than_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "long-data.npy", &dict("<u4", "(64, 4)"), &[0u8; 1028]);
    refuse_bb(&path, &["data is 1028 bytes but shape (64, 4) of <u4 needs 1024 bytes"], "data longer");
}

#[test]
fn cli_rejects_huge_header_len_in_twelve_byte_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twelve.npy");
    // Version 2.0: a u32 header length, here ~4 GB, in a file of 12 bytes.
    let mut b = b"\x93NUMPY\x02\x00".to_vec();
    b.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    assert_eq!(b.len(), 12);
    fs::write(&path, &b).unwrap();
    refuse_bb(&path, &["truncated", "4000000000 bytes of header", "file has 12 bytes"], "huge header_len");
}

#[test]
fn cli_rejects_shape_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "overflow.npy", &dict("<u4", "(1099511627776, 1099511627776)"), &[0u8; 64]);
    refuse_bb(&path, &["shape (1099511627776, 1099511627776) of <u4 overflows"], "shape overflow");
}

#[test]
fn cli_rejects_float_dtype() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "float.npy", &dict("<f8", "(4, 2)"), &[0u8; 64]);
    refuse_bb(&path, &["dtype '<f8' is not valid for babybear (expected '<u4')"], "<f8 with --field");
    // Without --field the field cannot be inferred from '<f8' either.
    let out = run(["commit".as_ref(), path.as_os_str()]);
    fails(&out, 2, &[&shown(&path), "dtype '<f8' is not a trace dtype"], "<f8 without --field");
}

#[test]
fn cli_rejects_u8_file_as_babybear() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "gl.npy", &dict("<u8", "(4, 2)"), &u8_bytes(&[1; 8]));
    refuse_bb(&path, &["dtype '<u8' is not valid for babybear (expected '<u4')"], "<u8 as babybear");
    // Control: the same file is a fine Goldilocks trace.
    let v = commit_file(&path, None, 1);
    assert_eq!(v["field"], "goldilocks");
}

#[test]
fn cli_rejects_fortran_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = "{'descr': '<u4', 'fortran_order': True, 'shape': (4, 2), }";
    let path = write_npy_raw(dir.path(), "fortran.npy", d, &u4_bytes(&[1; 8]));
    refuse_bb(&path, &["Fortran-order arrays are not supported"], "Fortran order");
}

#[test]
fn cli_rejects_1d_array() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "vec.npy", &dict("<u4", "(64,)"), &u4_bytes(&[1; 64]));
    refuse_bb(&path, &["expected a 2-D array", "found shape (64,)"], "1-D array");
}

#[test]
fn cli_rejects_3d_array() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_npy_raw(dir.path(), "cube.npy", &dict("<u4", "(4, 4, 4)"), &u4_bytes(&[1; 64]));
    refuse_bb(&path, &["expected a 2-D array", "found shape (4, 4, 4)"], "3-D array");
}

#[test]
fn cli_rejects_height_not_power_of_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_u4(dir.path(), "twelve-rows.npy", 12, 3);
    let out = run(["commit".as_ref(), path.as_os_str(), "--field".as_ref(), "babybear".as_ref()]);
    fails(&out, 2, &["trace height 12 is not a power of two"], "12 rows");
    // Control: 16 rows of the same kind of file commit.
    let good = small_u4(dir.path(), "sixteen-rows.npy", 16, 3);
    commit_file(&good, Some(FieldId::BabyBear), 1);
    // Like every other bad-input message, this one must say which file it is about.
    assert!(out.stderr.contains(&shown(&path)), "12 rows: the message does not name the file\n{out:#?}");
}

#[test]
fn cli_rejects_non_canonical_value() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols) = (8usize, 4usize);
    let mut words = vec![5u32; rows * cols];
    words[3 * cols + 2] = 2013265921; // the BabyBear prime itself
    words[6 * cols + 1] = u32::MAX; // a later one, which must not be the one reported
    let path = write_npy_raw(dir.path(), "noncanon.npy", &dict("<u4", "(8, 4)"), &u4_bytes(&words));
    refuse_bb(
        &path,
        &["value 2013265921 at row 3, column 2 is not canonical for babybear", "2013265921"],
        "non-canonical",
    );
    // Control: without the u32::MAX, the file is canonical KoalaBear (p = 2130706433).
    words[6 * cols + 1] = 0;
    let path = write_npy_raw(dir.path(), "kb.npy", &dict("<u4", "(8, 4)"), &u4_bytes(&words));
    commit_file(&path, Some(FieldId::KoalaBear), 1);
}

#[test]
fn cli_rejects_blowup_beyond_two_adicity() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_u4(dir.path(), "four-rows.npy", 4, 2);
    let out = run([
        "commit".as_ref(),
        path.as_os_str(),
        "--field".as_ref(),
        "koalabear".as_ref(),
        "--log-blowup".as_ref(),
        "23".as_ref(),
    ]);
    fails(&out, 2, &["two-adicity 24"], "koalabear 2^2 rows, log-blowup 23");
    // Like every other bad-input message, this one must say which file it is about.
    assert!(
        out.stderr.contains(&shown(&path)),
        "koalabear 2^2 rows, log-blowup 23: the message does not name the file\n{out:#?}"
    );
}

#[test]
fn cli_rejects_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("does-not-exist.npy");
    refuse_bb(&path, &["cannot open"], "missing file, --field given");
    // Without --field the header is peeked first: the same answer.
    let out = run(["commit".as_ref(), path.as_os_str()]);
    fails(&out, 2, &[&shown(&path), "cannot open"], "missing file, no --field");
}

/// The operating system's reason is said once: `error: PATH: cannot open: No such file or
/// directory (os error 2)`, not twice in a row.
#[test]
fn cli_io_error_reason_is_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist.npy");
    let out = run(["commit".as_ref(), missing.as_os_str(), "--field".as_ref(), "babybear".as_ref()]);
    fails(&out, 2, &[&shown(&missing), "(os error 2)"], "missing file");
    assert_eq!(out.stderr.matches("(os error 2)").count(), 1, "commit: the OS error is repeated\n{out:#?}");

    let target = dir.path().join("no-such-dir").join("t.npy");
    let out = run_gen_trace("4", "2", &target);
    fails(&out, 2, &[&shown(&target), "(os error 2)"], "gen-trace into a missing directory");
    assert_eq!(out.stderr.matches("(os error 2)").count(), 1, "gen-trace: the OS error is repeated\n{out:#?}");
}

#[test]
fn cli_rejects_u4_file_without_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_u4(dir.path(), "which.npy", 4, 2);
    let out = run(["commit".as_ref(), path.as_os_str()]);
    fails(&out, 2, &[&shown(&path), "babybear or koalabear", "--field"], "<u4 without --field");
}

#[test]
fn cli_rejects_unknown_field_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_u4(dir.path(), "t.npy", 4, 2);
    let out = run(["commit".as_ref(), path.as_os_str(), "--field".as_ref(), "mersenne31".as_ref()]);
    fails(&out, 2, &["--field", "unknown field 'mersenne31'"], "--field mersenne31");
    let out = run(["gen-trace", "--rows", "4", "--cols", "2", "--field", "mersenne31", "-o", "unused.npy"]);
    fails(&out, 2, &["--field", "unknown field 'mersenne31'"], "gen-trace --field mersenne31");
}

#[test]
fn cli_rejects_unknown_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_u4(dir.path(), "t.npy", 4, 2);
    let out = run([
        "commit".as_ref(),
        path.as_os_str(),
        "--field".as_ref(),
        "babybear".as_ref(),
        "--backend".as_ref(),
        "fpga9000".as_ref(),
    ]);
    fails(&out, 2, &["--backend", "unknown backend 'fpga9000'"], "--backend fpga9000");
}

// ---------------------------------------------------------------------------------------
// 5. gen-trace leaves nothing behind on failure, and no temporary files on success
// ---------------------------------------------------------------------------------------

#[test]
fn cli_gen_trace_into_missing_directory_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no").join("such").join("dir").join("t.npy");
    let out = run_gen_trace("8", "2", &target);
    assert!(matches!(out.code, Some(c) if c != 0), "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
    assert!(out.stderr.contains(&shown(&target)), "{out:#?}");
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn cli_gen_trace_onto_a_directory_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("sub");
    fs::create_dir(&target).unwrap();
    let out = run_gen_trace("8", "2", &target);
    assert!(matches!(out.code, Some(c) if c != 0), "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
    assert!(out.stderr.contains(&shown(&target)), "{out:#?}");
    // No temporary file left next to the target, nothing written into it.
    assert_eq!(entries(dir.path()), ["sub"]);
    assert!(entries(&target).is_empty(), "{:?}", entries(&target));
}

#[test]
fn cli_gen_trace_zero_rows_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.npy");
    for (rows, cols) in [("0", "4"), ("4", "0")] {
        let out = run_gen_trace(rows, cols, &target);
        fails(&out, 2, &["--rows and --cols must be positive", &format!("{rows} x {cols}")], "gen-trace zero size");
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }
}

#[test]
fn cli_gen_trace_success_leaves_exactly_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.npy");
    gen_trace(&target, FieldId::KoalaBear, 64, 5, 1);
    assert_eq!(entries(dir.path()), ["t.npy"]);
    // Overwriting an existing trace also leaves exactly one file, with the new content.
    let before = fs::read(&target).unwrap();
    gen_trace(&target, FieldId::KoalaBear, 64, 5, 2);
    assert_eq!(entries(dir.path()), ["t.npy"]);
    assert_ne!(fs::read(&target).unwrap(), before);
}

// ---------------------------------------------------------------------------------------
// 6. Help
// ---------------------------------------------------------------------------------------

#[test]
fn cli_help() {
    let out = run(["--help"]);
    let text = ok(&out, "--help");
    assert!(text.contains("Plonky3"), "{out:#?}");
    assert!(text.contains("commit") && text.contains("gen-trace"), "{out:#?}");

    let out = run(["commit", "--help"]);
    let text = ok(&out, "commit --help");
    assert!(text.contains("--log-blowup"), "{out:#?}");
    assert!(text.contains("--field") && text.contains("--backend"), "{out:#?}");
}

// ---------------------------------------------------------------------------------------
// The card path on the command line
// ---------------------------------------------------------------------------------------

#[test]
fn cli_abi_markdown_prints_the_tables_from_the_firmware_crate() {
    let out = run(["abi", "--markdown"]);
    let text = ok(&out, "abi --markdown");
    for r in slotproof_firmware::regs::ALL {
        assert!(text.contains(r.name), "{} missing", r.name);
    }
    for op in slotproof_firmware::Opcode::ALL {
        assert!(text.contains(op.mnemonic()), "{} missing", op.mnemonic());
    }
    assert!(text.contains("| `0x07c` | DOORBELL | WO |"));
}

#[test]
fn cli_devices_lists_the_simulated_and_an_emulated_card() {
    let dir = tempfile::tempdir().unwrap();
    let emu = dir.path().join("card");
    let mut child = Command::new(env!("CARGO_BIN_EXE_slotproof"))
        .args([OsStr::new("emulate"), emu.as_os_str()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The emulator announces itself once its registers are published.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    assert!(line.contains("emulated card at"), "{line}");
    let out = run([OsStr::new("devices"), OsStr::new("--device"), emu.as_os_str()]);
    let text = ok(&out, "devices");
    assert!(text.contains("sim ") && text.contains("usable"), "{text}");
    assert!(text.contains("xdma0") && text.contains("emulated"), "{text}");
    assert_eq!(text.matches("usable").count(), 2, "{text}");
    // The real XDMA path through the emulated directory gives the CPU's root.
    let fpga = run([
        OsStr::new("commit"),
        OsStr::new("--backend"),
        OsStr::new(&format!("fpga:{}", emu.display())),
        OsStr::new("--rows"),
        OsStr::new("64"),
        OsStr::new("--cols"),
        OsStr::new("9"),
        OsStr::new("--json"),
    ]);
    let cpu = run(["commit", "--backend", "cpu", "--rows", "64", "--cols", "9", "--json"]);
    let (f, c) = (json(&ok(&fpga, "fpga commit")), json(&ok(&cpu, "cpu commit")));
    assert_eq!(f["backend"], "fpga");
    assert_eq!(f["root"], c["root"]);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn cli_sim_backend_gives_the_cpu_root_on_one_and_four_cards() {
    let cpu = json(&ok(&run(["commit", "--backend", "cpu", "--rows", "128", "--cols", "21", "--json"]), "cpu"));
    for cards in ["1", "4"] {
        for verify in ["sample", "full"] {
            let args = [
                "commit",
                "--backend",
                "sim",
                "--cards",
                cards,
                "--verify",
                verify,
                "--rows",
                "128",
                "--cols",
                "21",
                "--json",
            ];
            let v = json(&ok(&run(args), "sim commit"));
            assert_eq!(v["backend"], "sim", "{cards} cards, verify {verify}");
            assert_eq!(v["root"], cpu["root"], "{cards} cards, verify {verify}");
        }
    }
}

#[test]
fn cli_fpga_without_a_card_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run([
        OsStr::new("commit"),
        OsStr::new("--backend"),
        OsStr::new(&format!("fpga:{}", dir.path().display())),
        OsStr::new("--rows"),
        OsStr::new("8"),
        OsStr::new("--cols"),
        OsStr::new("2"),
    ]);
    fails(&out, 1, &["no xdma<N>_user node"], "fpga on an empty directory");
    let out = run(["commit", "--backend", "gpu", "--rows", "8", "--cols", "2"]);
    fails(&out, 2, &["unknown backend 'gpu'"], "unknown backend");
}

#[test]
fn cli_sim_backend_streams_a_trace_file_to_the_cpu_root_every_field() {
    let dir = tempfile::tempdir().unwrap();
    for field in FieldId::ALL {
        let path = dir.path().join(format!("{field}.npy"));
        gen_trace(&path, field, 64, 13, 5);
        let commit = |backend: &str| {
            let out = run([
                OsStr::new("commit"),
                path.as_os_str(),
                OsStr::new("--field"),
                OsStr::new(field.name()),
                OsStr::new("--backend"),
                OsStr::new(backend),
                OsStr::new("--json"),
            ]);
            json(&ok(&out, backend))
        };
        let (sim, cpu) = (commit("sim"), commit("cpu"));
        assert_eq!(sim["backend"], "sim", "{field}");
        assert_eq!(sim["root"], cpu["root"], "{field}");
    }
    // A non-canonical value is refused before any card sees the trace.
    let bad = write_npy_raw(dir.path(), "bad.npy", &dict("<u4", "(2, 1)"), &u4_bytes(&[1, 0x7800_0001]));
    let out = run([
        OsStr::new("commit"),
        bad.as_os_str(),
        OsStr::new("--field"),
        OsStr::new("babybear"),
        OsStr::new("--backend"),
        OsStr::new("sim"),
    ]);
    fails(&out, 2, &["row 1", "column 0"], "non-canonical value on the sim backend");
}

// ---------------------------------------------------------------------------------------
// slotproof plan
// ---------------------------------------------------------------------------------------

#[test]
fn cli_plan_default_prints_stages_bottleneck_and_verdicts() {
    let out = ok(&run(["plan", "--workload", "mainnet", "--board", "u55c", "--cards", "8"]), "plan");
    for phrase in
        ["per commitment on one card", "per block", "bottleneck at P99", "verdict on the P99 block", "FRI queries"]
    {
        assert!(out.contains(phrase), "plan output lacks {phrase:?}:\n{out}");
    }
    assert!(out.contains("EF real-time proving (10 s)") && out.contains("1 s slot"), "{out}");
}

#[test]
fn cli_plan_json_is_one_object_with_the_verdicts() {
    let v = json(&ok(&run(["plan", "--board", "c1100", "--cards", "2", "--json"]), "plan --json"));
    assert_eq!(v["board"], "c1100");
    assert_eq!(v["cards"], 2);
    assert_eq!(v["verdicts"].as_array().map(Vec::len), Some(4));
    assert!(v["p99"]["latency_s"].as_f64().is_some_and(|s| s > 0.0));
    assert!(v["proof"]["queries"].as_u64().is_some_and(|q| q > 0));
}

#[test]
fn cli_plan_msm_costs_bucket_units_and_names_the_anchors() {
    let out = ok(&run(["plan", "msm", "--curve", "bn254", "--points", "1048576", "--board", "u55c"]), "plan msm");
    for phrase in ["bucket units per card", "windows: 20 of 13 bits", "points/s", "Hardcaml"] {
        assert!(out.contains(phrase), "plan msm output lacks {phrase:?}:\n{out}");
    }
    let v = json(&ok(&run(["plan", "msm", "--points", "65536", "--cards", "2", "--json"]), "plan msm --json"));
    assert_eq!(v["curve"], "bn254");
    assert_eq!(v["cards"], 2);
    assert!(v["points_per_s_per_dsp"].as_f64().is_some_and(|x| x > 0.0));
    fails(&run(["plan", "msm", "--curve", "secp256k1"]), 2, &["secp256k1"], "unknown curve");
    fails(&run(["plan", "msm", "--points", "0"]), 2, &["points", "at least 1"], "no points");
    fails(&run(["plan", "msm", "--ceiling", "0.01", "--curve", "bls12-381"]), 2, &["DSP48E2"], "does not fit");
}

#[test]
fn cli_plan_reads_a_custom_workload_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("block.toml");
    fs::write(
        &good,
        "name = \"tiny\"\ndescription = \"two shards\"\nsource = \"test\"\n\n[[matrices]]\nname = \"cpu\"\n\
         field = \"babybear\"\nlog_rows = 20\ncols = 100\nlog_blowup = 1\ncount = 2\n",
    )
    .unwrap();
    let out = ok(&run([OsStr::new("plan"), OsStr::new("--workload"), good.as_os_str()]), "custom workload");
    assert!(out.starts_with("tiny on 8 x"), "{out}");

    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "name = \"x\"\nmatrices = 3\n").unwrap();
    let out = run([OsStr::new("plan"), OsStr::new("--workload"), bad.as_os_str()]);
    fails(&out, 2, &[&shown(&bad)], "malformed workload");

    let huge = dir.path().join("huge.toml");
    fs::write(
        &huge,
        "name = \"x\"\ndescription = \"d\"\nsource = \"s\"\n[[matrices]]\nname = \"wide\"\nfield = \"koalabear\"\n\
         log_rows = 24\ncols = 8\nlog_blowup = 2\n",
    )
    .unwrap();
    fails(&run([OsStr::new("plan"), OsStr::new("--workload"), huge.as_os_str()]), 2, &["wide"], "beyond two-adicity");
}

#[test]
fn cli_plan_refuses_bad_options() {
    fails(&run(["plan", "--board", "u9999"]), 2, &["unknown board", "u55c"], "unknown board");
    fails(&run(["plan", "--workload", "nonesuch"]), 2, &["nonesuch", "mainnet"], "unknown workload");
    fails(&run(["plan", "--cards", "0"]), 2, &["cards"], "zero cards");
    fails(&run(["plan", "--cards", "9", "--hosts", "1"]), 2, &["9 cards need 2"], "too few hosts");
    fails(&run(["plan", "--clock-mhz", "0"]), 2, &["clock"], "zero clock");
    fails(&run(["plan", "--ceiling", "1.5"]), 2, &["ceiling"], "ceiling");
    fails(&run(["plan", "--lanes", "100000", "--pipelines", "1"]), 2, &["does not fit", "LUT"], "overfull card");
}

#[test]
fn cli_plan_sweep_writes_csv_and_both_plots() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("sweep");
    let out = ok(
        &run([
            OsStr::new("plan"),
            OsStr::new("sweep"),
            OsStr::new("--boards"),
            OsStr::new("u55c,c1100"),
            OsStr::new("--cards"),
            OsStr::new("1,4"),
            OsStr::new("--clocks-mhz"),
            OsStr::new("250"),
            OsStr::new("--hosts"),
            OsStr::new("auto"),
            OsStr::new("--out"),
            out_dir.as_os_str(),
        ]),
        "plan sweep",
    );
    assert!(out.contains("4 configurations"), "{out}");
    let csv = fs::read_to_string(out_dir.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(fs::read_to_string(out_dir.join("pareto.svg")).unwrap().contains("<svg"));
    assert!(fs::read(out_dir.join("pareto.png")).unwrap().starts_with(b"\x89PNG"));
    fails(&run(["plan", "sweep", "--lanes", "x"]), 2, &["--lanes"], "bad lanes");
}

// ---------------------------------------------------------------------------------------
// Board builds and manifests
// ---------------------------------------------------------------------------------------

fn bitstreams_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams")
}

#[test]
fn hdl_build_writes_the_committed_recipe() {
    // The whole build (card top, recipe, elaboration, manifest) reproduces the committed files
    // byte for byte: the resources in the manifest are current too. The whole-card yosys run
    // (ten minutes) is skipped by giving the build the committed report, which it keeps only
    // because that report is of exactly this Verilog (`bitstreams` checks the digest; the
    // negative control below shows a build that must synthesise).
    let dir = tempfile::tempdir().unwrap();
    let board_dir = dir.path().join("boards/c1100");
    fs::create_dir_all(&board_dir).unwrap();
    fs::copy(bitstreams_dir().join("boards/c1100/card_top.xcup.txt"), board_dir.join("card_top.xcup.txt")).unwrap();
    let out = run([
        OsStr::new("hdl"),
        "build".as_ref(),
        "--board".as_ref(),
        "c1100".as_ref(),
        "--out".as_ref(),
        dir.path().as_os_str(),
        "--no-vivado".as_ref(),
    ]);
    let stdout = ok(&out, "hdl build");
    assert!(
        stdout.contains("AMD Varium C1100")
            && stdout.contains("LUT")
            && stdout.contains("no bitstream: --no-vivado")
            && stdout.contains("report kept"),
        "{stdout}"
    );
    let built = dir.path().join("boards/c1100");
    let committed = bitstreams_dir().join("boards/c1100");
    let mut names = entries(&built);
    names.sort();
    assert_eq!(names, entries(&committed), "the same files");
    for name in names {
        let (a, b) = (fs::read(built.join(&name)).unwrap(), fs::read(committed.join(&name)).unwrap());
        assert!(
            a == b,
            "{name} differs from the committed one: regenerate with `slotproof hdl build --board c1100 --no-vivado`"
        );
    }
}

#[test]
fn hdl_build_that_must_synthesise_needs_the_block_reports() {
    // A stale report is not kept, so the build synthesises; without the permutation's block
    // report it stops before yosys, naming the report and how to make it, and leaves no
    // manifest behind.
    let dir = tempfile::tempdir().unwrap();
    let board_dir = dir.path().join("boards/u55c");
    fs::create_dir_all(&board_dir).unwrap();
    fs::write(board_dir.join("card_top.xcup.txt"), "# verilog sha256 0000 (card_top.v)\n").unwrap();
    let reports = dir.path().join("no-reports");
    let out = run([
        OsStr::new("hdl"),
        "build".as_ref(),
        "--board".as_ref(),
        "u55c".as_ref(),
        "--out".as_ref(),
        dir.path().as_os_str(),
        "--reports".as_ref(),
        reports.as_os_str(),
        "--no-vivado".as_ref(),
    ]);
    fails(
        &out,
        2,
        &["poseidon2_perm16_babybear.xcup.txt", "--reports", "slotproof-hdl -- reports"],
        "hdl build without reports",
    );
    assert!(!board_dir.join("manifest.json").exists(), "no manifest for a failed build");
}

#[test]
fn hdl_build_refuses_an_unknown_board() {
    let out = run(["hdl", "build", "--board", "u50", "--no-vivado", "--out", "/nonexistent/never-written"]);
    fails(&out, 2, &["unknown board \"u50\"", "u55c, u250, c1100"], "hdl build --board u50");
}

#[test]
fn a_manifest_of_another_abi_or_no_manifest_at_all_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(bitstreams_dir().join("boards/u55c/manifest.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["abi"]["major"] = 2.into();
    let other = dir.path().join("other-abi.json");
    fs::write(&other, v.to_string()).unwrap();
    let out = run([OsStr::new("devices"), "--sims".as_ref(), "0".as_ref(), "--manifest".as_ref(), other.as_os_str()]);
    fails(&out, 2, &["other-abi.json", "card ABI 2.1", "this host speaks 1.1"], "devices --manifest (ABI 2.1)");
    let missing = dir.path().join("missing.json");
    let out = run([
        OsStr::new("commit"),
        "--backend".as_ref(),
        "fpga".as_ref(),
        "--rows".as_ref(),
        "8".as_ref(),
        "--cols".as_ref(),
        "2".as_ref(),
        "--manifest".as_ref(),
        missing.as_os_str(),
    ]);
    fails(&out, 2, &["missing.json", "cannot read manifest"], "commit --manifest missing.json");
    // The committed manifest is accepted (no card is present, so nothing is listed).
    let good = bitstreams_dir().join("boards/u55c/manifest.json");
    let out = run([OsStr::new("devices"), "--sims".as_ref(), "0".as_ref(), "--manifest".as_ref(), good.as_os_str()]);
    ok(&out, "devices --manifest (the committed u55c manifest)");
}

#[test]
fn rtl_needs_the_sim_backend() {
    for backend in ["cpu", "auto"] {
        let out = run(["commit", "--rtl", "--backend", backend, "--rows", "16", "--cols", "2"]);
        fails(&out, 2, &["--rtl", "--backend sim", backend], &format!("--rtl with --backend {backend}"));
    }
}

// ---------------------------------------------------------------------------------------
// msm and gen-msm
// ---------------------------------------------------------------------------------------

mod msm {
    use super::*;
    use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    use ark_serialize::CanonicalDeserialize;
    use slotproof_core::msm_files::field_hex;

    /// `msm --json`'s sum as (x, y) hex strings.
    fn sum_of(stdout: &str) -> (String, String) {
        let v: Value = serde_json::from_str(stdout).expect("one JSON object");
        let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
        let mut sorted: Vec<&str> = keys.into_iter().filter(|&k| k != "card").collect();
        sorted.sort_unstable();
        assert_eq!(sorted, ["backend", "curve", "input", "load_ms", "msm_ms", "points", "sum", "window_bits"]);
        // The card's statistics appear exactly when a card ran it.
        assert_eq!(v.get("card").is_some(), v["backend"] != "cpu", "{stdout}");
        (v["sum"]["x"].as_str().unwrap().to_owned(), v["sum"]["y"].as_str().unwrap().to_owned())
    }

    /// arkworks' own reading of the files and its own MSM: the outside oracle for the CLI.
    fn arkworks_sum<P: SWCurveConfig>(points: &Path, scalars: &Path) -> (String, String)
    where
        P::BaseField: ark_ff::PrimeField,
    {
        let p = Vec::<Affine<P>>::deserialize_uncompressed(&fs::read(points).unwrap()[..]).unwrap();
        let s = Vec::<P::ScalarField>::deserialize_uncompressed(&fs::read(scalars).unwrap()[..]).unwrap();
        let (x, y) = Projective::<P>::msm(&p, &s).unwrap().into_affine().xy().unwrap();
        (field_hex(&x), field_hex(&y))
    }

    #[test]
    fn files_and_seeds_give_arkworks_sum_on_both_curves() {
        let dir = tempfile::tempdir().unwrap();
        let seed = slotproof_core::sample::test_seed("files_and_seeds_give_arkworks_sum_on_both_curves") % 1_000_000;
        for (curve, size) in [("bn254", "300"), ("bls12-381", "70")] {
            let (p, s) = (dir.path().join(format!("{curve}.p")), dir.path().join(format!("{curve}.s")));
            let seed = seed.to_string();
            let out = run(["gen-msm", "--curve", curve, "--size", size, "--seed", &seed, "--points"]
                .map(OsStr::new)
                .into_iter()
                .chain([p.as_os_str(), OsStr::new("--scalars"), s.as_os_str()]));
            ok(&out, "gen-msm");
            let from_files = sum_of(&ok(
                &run(["msm", "--json", "--curve", curve, "--points"].map(OsStr::new).into_iter().chain([
                    p.as_os_str(),
                    OsStr::new("--scalars"),
                    s.as_os_str(),
                ])),
                "msm files",
            ));
            let from_seed =
                sum_of(&ok(&run(["msm", "--json", "--curve", curve, "--size", size, "--seed", &seed]), "msm seed"));
            let want = match curve {
                "bn254" => arkworks_sum::<ark_bn254::g1::Config>(&p, &s),
                _ => arkworks_sum::<ark_bls12_381::g1::Config>(&p, &s),
            };
            assert_eq!(from_files, want, "{curve}: the CLI's sum of the files is arkworks' (seed {seed})");
            assert_eq!(from_seed, want, "{curve}: --size/--seed give the files' inputs (seed {seed})");
            // Another window width, the same sum; another seed, another sum.
            let narrow = sum_of(&ok(
                &run(["msm", "--json", "--curve", curve, "--size", size, "--seed", &seed, "--window-bits", "3"]),
                "msm c=3",
            ));
            assert_eq!(narrow, want);
            let other = sum_of(&ok(
                &run(["msm", "--json", "--curve", curve, "--size", size, "--seed", "12345678"]),
                "other seed",
            ));
            assert_ne!(other, want, "{curve}: a different seed must give a different sum");
            // The simulated card, from the files and from the seed: the same sum.
            let on_sim = sum_of(&ok(
                &run(["msm", "--json", "--backend", "sim", "--curve", curve, "--size", size, "--seed", &seed]),
                "msm sim",
            ));
            assert_eq!(on_sim, want, "{curve}: --backend sim gives the CPU's sum (seed {seed})");
            let sim_files = sum_of(&ok(
                &run(["msm", "--json", "--backend", "sim", "--curve", curve, "--points"]
                    .map(OsStr::new)
                    .into_iter()
                    .chain([p.as_os_str(), OsStr::new("--scalars"), s.as_os_str()])),
                "msm sim files",
            ));
            assert_eq!(sim_files, want);
        }
    }

    #[test]
    fn the_sim_summary_says_what_the_card_did() {
        let out = ok(&run(["msm", "--size", "100", "--backend", "sim"]), "msm sim");
        assert!(out.contains("on sim") && out.contains("card: points uploaded, 1 scalar chunk(s)"), "{out}");
        fails(
            &run(["msm", "--size", "100", "--backend", "sim", "--window-bits", "20"]),
            2,
            &["2..=16-bit windows"],
            "c=20",
        );
    }

    #[test]
    fn the_human_summary_names_curve_size_and_sum() {
        let out = ok(&run(["msm", "--size", "64", "--curve", "bls12-381"]), "msm");
        assert!(out.contains("msm bls12-381: 64 points (generated, seed 0x51070852) on cpu"), "{out}");
        assert!(out.contains("sum x = 0x") && out.contains("    y = 0x"), "{out}");
    }

    /// Writes `bytes` to a file in `dir` and returns it.
    fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    fn msm_files(curve: &str, points: &Path, scalars: &Path) -> Out {
        run(["msm", "--curve", curve, "--points"].map(OsStr::new).into_iter().chain([
            points.as_os_str(),
            OsStr::new("--scalars"),
            scalars.as_os_str(),
        ]))
    }

    #[test]
    fn bad_msm_inputs_exit_2_and_name_file_and_element() {
        let dir = tempfile::tempdir().unwrap();
        let (p, s) = (dir.path().join("p"), dir.path().join("s"));
        let out = run(["gen-msm", "--size", "10", "--points"].map(OsStr::new).into_iter().chain([
            p.as_os_str(),
            OsStr::new("--scalars"),
            s.as_os_str(),
        ]));
        ok(&out, "gen-msm");
        let (points, scalars) = (fs::read(&p).unwrap(), fs::read(&s).unwrap());
        ok(&msm_files("bn254", &p, &s), "the good files");

        // Sizes: truncated, a count that disagrees, too short for a count, the other curve.
        let cut = file(dir.path(), "cut", &points[..points.len() - 1]);
        fails(&msm_files("bn254", &cut, &s), 2, &["cut", "647 bytes", "64 bytes each", "count says 10"], "truncated");
        let mut recount = points.clone();
        recount[0] = 9;
        let recount = file(dir.path(), "recount", &recount);
        fails(&msm_files("bn254", &recount, &s), 2, &["recount", "count says 9"], "count");
        let tiny = file(dir.path(), "tiny", b"abc");
        fails(&msm_files("bn254", &tiny, &s), 2, &["tiny", "3 bytes", "8-byte count"], "tiny");
        fails(&msm_files("bls12-381", &p, &s), 2, &["bls12-381", "96 bytes each"], "other curve");

        // A point off the curve: point 4's y changed in its lowest byte.
        let mut off = points.clone();
        off[8 + 4 * 64 + 32] ^= 1;
        let off = file(dir.path(), "off", &off);
        fails(&msm_files("bn254", &off, &s), 2, &["off", "point 4 (bytes 264..328)", "not on bn254"], "off curve");
        // A coordinate at or above the field modulus.
        let mut big = points.clone();
        big[8 + 7 * 64..8 + 7 * 64 + 31].fill(0xff);
        big[8 + 7 * 64 + 31] = 0x3f;
        let big = file(dir.path(), "big", &big);
        fails(&msm_files("bn254", &big, &s), 2, &["point 7", "not below the field modulus"], "big coordinate");
        // A scalar at or above r.
        let mut r = scalars.clone();
        r[8 + 2 * 32..8 + 3 * 32].fill(0xff);
        let r = file(dir.path(), "r", &r);
        fails(
            &msm_files("bn254", &p, &r),
            2,
            &["scalar 2 (bytes 72..104)", "not below bn254's group order r"],
            "scalar",
        );
        // Nine scalars for ten points.
        let mut nine = scalars[..8 + 9 * 32].to_vec();
        nine[0] = 9;
        let nine = file(dir.path(), "nine", &nine);
        fails(&msm_files("bn254", &p, &nine), 2, &["10 points but 9 scalars"], "lengths");
        // Missing file, --size out of range, an unknown curve, a half-given pair of files.
        fails(&msm_files("bn254", &dir.path().join("missing"), &s), 2, &["missing", "could not read"], "missing");
        fails(&run(["msm", "--size", "0"]), 2, &["--size 0"], "size 0");
        fails(&run(["msm", "--curve", "secp256k1"]), 2, &["unknown curve", "bn254 or bls12-381"], "curve");
        fails(&run(["msm", "--points", "x"]), 2, &["--scalars"], "half a pair");
    }

    #[test]
    fn a_bls_point_outside_g1_is_refused() {
        // On the curve, but with the cofactor left in: the subgroup check must catch it.
        use ark_bls12_381::g1::Config;
        use ark_ff::{One, PrimeField, Zero};
        use ark_serialize::CanonicalSerialize;
        let mut x = ark_bls12_381::Fq::one();
        let outside = loop {
            if let Some(p) = Affine::<Config>::get_point_from_x_unchecked(x, false)
                && !p.is_in_correct_subgroup_assuming_on_curve()
            {
                break p;
            }
            x += ark_bls12_381::Fq::one();
        };
        assert!(!outside.x.is_zero() && ark_bls12_381::Fq::MODULUS_BIT_SIZE == 381);
        let dir = tempfile::tempdir().unwrap();
        let (p, s) = (dir.path().join("p"), dir.path().join("s"));
        let out = run(["gen-msm", "--curve", "bls12-381", "--size", "3", "--points"]
            .map(OsStr::new)
            .into_iter()
            .chain([p.as_os_str(), OsStr::new("--scalars"), s.as_os_str()]));
        ok(&out, "gen-msm");
        let mut points = Vec::<Affine<Config>>::deserialize_uncompressed(&fs::read(&p).unwrap()[..]).unwrap();
        points[1] = outside;
        let mut bytes = Vec::new();
        points.serialize_uncompressed(&mut bytes).unwrap();
        fs::write(&p, bytes).unwrap();
        fails(
            &msm_files("bls12-381", &p, &s),
            2,
            &["point 1 (bytes 104..200)", "not in its prime-order subgroup"],
            "outside G1",
        );
    }
}
