//! Integration tests of `.npy` trace files: round trips, numpy's exact bytes, every class of
//! malformed file (each asserting the specific error), the atomic writer, and a seeded
//! byte-mutation run that must never panic.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use p3_baby_bear::BabyBear;
use p3_goldilocks::Goldilocks;
use p3_koala_bear::KoalaBear;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use slotproof_core::trace::{MAX_HEADER_LEN, TraceError, TraceFile, write_npy, write_npy_words};
use slotproof_core::{FieldId, RowMajor, TraceField};

const BB_P: u64 = FieldId::BabyBear.modulus();
const GL_P: u64 = FieldId::Goldilocks.modulus();

// ---------------------------------------------------------------------------------------
// Building files by hand.

/// A shape as Python's `repr` of a tuple.
fn py_tuple(shape: &[u64]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// The exact bytes `numpy.save` writes for a C-order array (numpy/lib/format.py,
/// `_write_array_header` + `_wrap_header`, version 1.0): sorted keys with `repr` values,
/// `21 - len(repr(shape[0]))` spare spaces, then 1..=64 spaces and '\n' so the data starts
/// at a multiple of 64.
fn numpy_file(descr: &str, shape: &[u64], data: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {}, }}", py_tuple(shape));
    if let Some(first) = shape.first() {
        header.push_str(&" ".repeat(21usize.saturating_sub(first.to_string().len())));
    }
    let hlen = header.len() + 1;
    let padlen = 64 - (6 + 2 + 2 + hlen) % 64;
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&((hlen + padlen) as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    out.extend_from_slice(data);
    out
}

/// A file with exactly the given header text (no padding added) and version.
fn raw_file(version: (u8, u8), header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version.0, version.1]);
    if version.0 == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header);
    out.extend_from_slice(data);
    out
}

/// A v1.0 file with a header dict of our choosing, numpy-padded.
fn dict_file(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut header = dict.to_owned();
    let pad = 64 - (10 + header.len() + 1) % 64;
    header.push_str(&" ".repeat(pad));
    header.push('\n');
    raw_file((1, 0), header.as_bytes(), data)
}

fn le32(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn le64(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// `n` zero-valued 32-bit words.
fn zeros32(n: usize) -> Vec<u8> {
    vec![0; 4 * n]
}

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn put(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, bytes).expect("write test file");
        p
    }

    fn entries(&self) -> Vec<String> {
        entries(self.dir.path())
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Opens `bytes` as a file named trace.npy and returns the error, checking that the message
/// names the file.
fn open_err(bytes: &[u8], field: FieldId) -> TraceError {
    let s = Scratch::new();
    let p = s.put("trace.npy", bytes);
    match TraceFile::open(&p, field) {
        Ok(t) => panic!("expected an error, opened {} x {}", t.rows(), t.cols()),
        Err(e) => {
            assert_eq!(e.path(), p.as_path());
            let msg = e.to_string();
            assert!(msg.starts_with(&p.display().to_string()), "{msg}");
            assert!(msg.len() > p.display().to_string().len() + 10, "{msg}");
            e
        }
    }
}

fn open_ok(bytes: &[u8], field: FieldId) -> (Scratch, TraceFile) {
    let s = Scratch::new();
    let p = s.put("trace.npy", bytes);
    let t = TraceFile::open(&p, field).unwrap_or_else(|e| panic!("{e}"));
    (s, t)
}

// ---------------------------------------------------------------------------------------
// Round trips and accepted layouts.

fn round_trip<F: TraceField>(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let p = F::ID.modulus();
    let s = Scratch::new();
    let widths = [1usize, 1, 2, 3, 5, 7, 13, 31, 64];
    for case in 0..24 {
        let cols = if case < widths.len() { widths[case] } else { rng.random_range(1..40) };
        let rows = rng.random_range(1..50);
        let mut words: Vec<u64> = (0..rows * cols).map(|_| rng.random_range(0..p)).collect();
        let n = words.len();
        words[rng.random_range(0..n)] = 0;
        words[rng.random_range(0..n)] = p - 1;
        words[n - 1] = p - 1;
        let m = RowMajor::new(words.iter().map(|&v| F::from_canonical(v)).collect(), cols).expect("shape");

        let path = s.path(&format!("t{case}.npy"));
        write_npy(&path, &m).unwrap_or_else(|e| panic!("{e}"));
        let t = TraceFile::open(&path, F::ID).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.rows(), t.cols(), t.field()), (rows, cols, F::ID));
        assert_eq!(t.path(), path.as_path());
        assert_eq!(t.to_matrix::<F>().unwrap_or_else(|e| panic!("{e}")), m, "{rows} x {cols}");
        match F::ID.word_bytes() {
            4 => {
                let w = t.words_u32().expect("32-bit words");
                assert!(matches!(w, Cow::Borrowed(_)), "numpy alignment allows zero-copy");
                assert!(w.iter().map(|&x| u64::from(x)).eq(words.iter().copied()));
                assert!(t.words_u64().is_none());
            }
            _ => {
                let w = t.words_u64().expect("64-bit words");
                assert!(matches!(w, Cow::Borrowed(_)), "numpy alignment allows zero-copy");
                assert_eq!(&w[..], &words[..]);
                assert!(t.words_u32().is_none());
            }
        }
        // Both writers produce numpy's bytes exactly.
        let data = match F::ID.word_bytes() {
            4 => le32(&words.iter().map(|&v| v as u32).collect::<Vec<_>>()),
            _ => le64(&words),
        };
        let expected = numpy_file(F::ID.npy_descr(), &[rows as u64, cols as u64], &data);
        assert_eq!(fs::read(&path).expect("read"), expected);
        let path2 = s.path(&format!("w{case}.npy"));
        write_npy_words(&path2, F::ID, rows, cols, &words).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs::read(&path2).expect("read"), expected);
    }
    let mut names = s.entries();
    names.retain(|n| n.starts_with('.'));
    assert!(names.is_empty(), "temporary files left: {names:?}");
}

#[test]
fn round_trip_babybear() {
    round_trip::<BabyBear>(1);
}

#[test]
fn round_trip_koalabear() {
    round_trip::<KoalaBear>(2);
}

#[test]
fn round_trip_goldilocks() {
    round_trip::<Goldilocks>(3);
}

#[test]
fn numpy_written_bytes_are_accepted() {
    // np.arange(12, dtype='<u4').reshape(3, 4), byte for byte as np.save writes it.
    let bytes = numpy_file("<u4", &[3, 4], &le32(&(0..12).collect::<Vec<_>>()));
    assert_eq!(bytes.len(), 128 + 48);
    assert_eq!(&bytes[8..10], b"v\x00", "numpy's header_len for a small 2-D array is 118");
    let (_s, t) = open_ok(&bytes, FieldId::KoalaBear);
    assert_eq!((t.rows(), t.cols()), (3, 4));
    assert_eq!(t.header().data_offset, 128);
    assert_eq!(t.header().version, (1, 0));
    let m = t.to_matrix::<KoalaBear>().expect("valid");
    assert_eq!(m.row(2).iter().map(|v| v.canonical()).collect::<Vec<_>>(), [8, 9, 10, 11]);

    let big = [0, 1, GL_P - 1, 1 << 63, 12345];
    let bytes = numpy_file("<u8", &[5, 1], &le64(&big));
    let (_s, t) = open_ok(&bytes, FieldId::Goldilocks);
    let m = t.to_matrix::<Goldilocks>().expect("valid");
    assert_eq!(m.values().iter().map(|v| v.canonical()).collect::<Vec<_>>(), big);
}

#[test]
fn other_writers_layouts_are_accepted() {
    let data = le32(&[1, 2, 3, 4, 5, 6]);
    let headers: [((u8, u8), &[u8]); 6] = [
        // numpy < 1.14: 16-byte alignment, no growth spaces.
        ((1, 0), b"{'descr': '<u4', 'fortran_order': False, 'shape': (2, 3), }    \n"),
        ((2, 0), b"{'descr': '<u4', 'fortran_order': False, 'shape': (2, 3), }  \n"),
        ((3, 0), b"{'descr': '<u4', 'fortran_order': False, 'shape': (2, 3), }  \n"),
        // Other writers: double quotes, other key order, no trailing comma, no newline.
        ((1, 0), b"{\"shape\": (2, 3), \"descr\": \"<u4\", \"fortran_order\": False}"),
        ((1, 0), b"{'fortran_order':False,'shape':(2,3,),'descr':'<u4',}\t\r\n"),
        ((1, 0), b"\n{ 'descr' : '<u4' ,\n  'fortran_order' : False ,\n  'shape' : ( 2 , 3 ) }  \n"),
    ];
    for (version, header) in headers {
        let (_s, t) = open_ok(&raw_file(version, header, &data), FieldId::BabyBear);
        assert_eq!((t.rows(), t.cols(), t.header().version), (2, 3, version));
        let m = t.to_matrix::<BabyBear>().expect("valid");
        assert_eq!(m.row(1).iter().map(|v| v.canonical()).collect::<Vec<_>>(), [4, 5, 6]);
    }
}

#[test]
fn unaligned_data_is_copied_not_rejected() {
    // 10 + 63 = 73 bytes before the data: not a multiple of 4 or 8.
    let mut header = b"{'descr': '<u4', 'fortran_order': False, 'shape': (2, 2), }".to_vec();
    header.resize(62, b' ');
    header.push(b'\n');
    let (_s, t) = open_ok(&raw_file((1, 0), &header, &le32(&[7, 8, 9, BB_P as u32 - 1])), FieldId::BabyBear);
    assert_eq!(t.header().data_offset, 73);
    let w = t.words_u32().expect("32-bit");
    assert!(matches!(w, Cow::Owned(_)));
    assert_eq!(&w[..], &[7, 8, 9, BB_P as u32 - 1]);
    assert_eq!(t.to_matrix::<BabyBear>().expect("valid").values()[3].canonical(), BB_P - 1);

    let mut header = b"{'descr': '<u8', 'fortran_order': False, 'shape': (1, 2), }".to_vec();
    header.resize(65, b' ');
    header.push(b'\n');
    let (_s, t) = open_ok(&raw_file((1, 0), &header, &le64(&[GL_P - 1, 3])), FieldId::Goldilocks);
    let w = t.words_u64().expect("64-bit");
    assert!(matches!(w, Cow::Owned(_)));
    assert_eq!(&w[..], &[GL_P - 1, 3]);
}

#[test]
fn peek_header_describes_without_a_field() {
    let s = Scratch::new();
    let p = s.put("t.npy", &numpy_file("<u4", &[4, 2], &zeros32(8)));
    let h = TraceFile::peek_header(&p).expect("header");
    assert_eq!((h.descr.as_str(), h.fortran_order, h.shape.as_slice()), ("<u4", false, &[4u64, 2][..]));
    assert_eq!((h.data_offset, h.data_len, h.header_len), (128, 32, 118));
    assert_eq!(h.field_candidates(), [FieldId::BabyBear, FieldId::KoalaBear]);
    // peek does not judge dtype or rank: it reports them.
    let p = s.put("f.npy", &numpy_file("<f8", &[5], &[0; 40]));
    let h = TraceFile::peek_header(&p).expect("header");
    assert_eq!((h.descr.as_str(), h.shape.as_slice()), ("<f8", &[5u64][..]));
    assert!(h.field_candidates().is_empty());
}

// ---------------------------------------------------------------------------------------
// Not a .npy file at all.

#[test]
fn random_text_is_not_npy() {
    let e = open_err(b"row,col,value\n0,0,17\n0,1,42\n", FieldId::BabyBear);
    assert!(matches!(e, TraceError::NotNpy { .. }), "{e}");
    assert!(e.to_string().ends_with("not a .npy file (bad magic bytes)"), "{e}");
}

#[test]
fn empty_file_is_rejected() {
    let e = open_err(b"", FieldId::BabyBear);
    assert!(matches!(e, TraceError::EmptyFile { .. }), "{e}");
}

#[test]
fn five_byte_files_are_rejected() {
    let e = open_err(b"\x93NUMP", FieldId::BabyBear);
    assert!(matches!(e, TraceError::TruncatedPreamble { file_len: 5, needed: 10, .. }), "{e}");
    let e = open_err(b"hello", FieldId::BabyBear);
    assert!(matches!(e, TraceError::NotNpy { .. }), "{e}");
    // A v2 file needs a 12-byte preamble.
    let e = open_err(b"\x93NUMPY\x02\x00\x10\x00", FieldId::BabyBear);
    assert!(matches!(e, TraceError::TruncatedPreamble { file_len: 10, needed: 12, .. }), "{e}");
}

#[test]
fn directory_is_not_a_trace() {
    let s = Scratch::new();
    let e = TraceFile::open(s.dir.path(), FieldId::BabyBear).expect_err("a directory");
    assert!(matches!(e, TraceError::NotAFile { .. }), "{e}");
    let e = TraceFile::open(s.path("missing.npy"), FieldId::BabyBear).expect_err("missing");
    assert!(
        matches!(&e, TraceError::Io { action: "open", source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// Preamble and header length.

#[test]
fn truncated_header_is_rejected() {
    let mut bytes = b"\x93NUMPY\x01\x00\x00\x10".to_vec(); // header_len 4096
    bytes.extend_from_slice(b"{'de");
    let e = open_err(&bytes, FieldId::BabyBear);
    assert!(matches!(e, TraceError::TruncatedHeader { header_len: 4096, file_len: 14, .. }), "{e}");
    assert!(e.to_string().ends_with("truncated: header says 4096 bytes of header but file has 14 bytes"), "{e}");

    // A valid file cut inside its header.
    let full = numpy_file("<u4", &[2, 2], &zeros32(4));
    let e = open_err(&full[..100], FieldId::BabyBear);
    assert!(matches!(e, TraceError::TruncatedHeader { header_len: 118, file_len: 100, .. }), "{e}");
}

#[test]
fn huge_header_len_in_tiny_file_fails_without_allocating() {
    // Twelve bytes claiming a 4 GiB header: must be refused from the file size alone.
    let e = open_err(b"\x93NUMPY\x02\x00\xf0\xff\xff\xff", FieldId::BabyBear);
    assert!(matches!(e, TraceError::TruncatedHeader { header_len: 0xFFFF_FFF0, file_len: 12, .. }), "{e}");
    let e = open_err(b"\x93NUMPY\x03\x00\xff\xff\xff\xff", FieldId::Goldilocks);
    assert!(matches!(e, TraceError::TruncatedHeader { header_len: 0xFFFF_FFFF, file_len: 12, .. }), "{e}");
}

#[test]
fn header_over_64_kib_is_rejected() {
    let mut header = b"{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), }".to_vec();
    header.resize(70_000, b' ');
    header.push(b'\n');
    let e = open_err(&raw_file((2, 0), &header, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(e, TraceError::HeaderTooLong { header_len: 70_001, .. }), "{e}");
    // Exactly the limit is still fine.
    let mut header = b"{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), }".to_vec();
    header.resize(MAX_HEADER_LEN as usize - 1, b' ');
    header.push(b'\n');
    let (_s, t) = open_ok(&raw_file((2, 0), &header, &zeros32(1)), FieldId::BabyBear);
    assert_eq!((t.rows(), t.cols()), (1, 1));
}

#[test]
fn version_9_9_is_rejected() {
    let mut bytes = numpy_file("<u4", &[1, 1], &zeros32(1));
    bytes[6] = 9;
    bytes[7] = 9;
    let e = open_err(&bytes, FieldId::BabyBear);
    assert!(matches!(e, TraceError::UnsupportedVersion { major: 9, minor: 9, .. }), "{e}");
    assert!(e.to_string().contains("version 9.9"), "{e}");
    bytes[6] = 1;
    bytes[7] = 1;
    let e = open_err(&bytes, FieldId::BabyBear);
    assert!(matches!(e, TraceError::UnsupportedVersion { major: 1, minor: 1, .. }), "{e}");
}

#[test]
fn nul_in_header_is_rejected() {
    let mut bytes = numpy_file("<u4", &[1, 1], &zeros32(1));
    let brace = bytes.iter().position(|&b| b == b'}').expect("dict end");
    bytes[brace + 1] = 0;
    let e = open_err(&bytes, FieldId::BabyBear);
    assert!(matches!(e, TraceError::HeaderNul { offset, .. } if offset == brace as u64 + 1), "{e}");
}

#[test]
fn header_encodings() {
    // v3 headers are UTF-8: a non-ASCII dtype is read, then refused as a dtype.
    let header = "{'descr': '<ü4', 'fortran_order': False, 'shape': (1, 1), }\n";
    let e = open_err(&raw_file((3, 0), header.as_bytes(), &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::WrongDtype { found, .. } if found == "<ü4"), "{e}");
    // ... and invalid UTF-8 is refused as such.
    let mut bad = b"{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), }".to_vec();
    bad.extend_from_slice(b"\xff\xfe\n");
    let e = open_err(&raw_file((3, 0), &bad, &zeros32(1)), FieldId::BabyBear);
    let at = 12 + bad.iter().position(|&b| b == 0xff).expect("bad byte") as u64;
    assert!(matches!(e, TraceError::HeaderNotUtf8 { offset, .. } if offset == at), "{e}");
    // v1 headers are Latin-1: the same byte is a character there.
    let latin1 = b"{'descr': '<\xfc4', 'fortran_order': False, 'shape': (1, 1), }\n";
    let e = open_err(&raw_file((1, 0), latin1, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::WrongDtype { found, .. } if found == "<ü4"), "{e}");
}

#[test]
fn malformed_dict_is_a_syntax_error() {
    for dict in [
        "not a dict",
        "{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1)",
        "{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1)} trailing",
        "{'descr': <u4, 'fortran_order': False, 'shape': (1, 1)}",
        "{'descr': '<u4', 'fortran_order': None, 'shape': (1, 1)}",
        "{descr: '<u4', 'fortran_order': False, 'shape': (1, 1)}",
    ] {
        let e = open_err(&dict_file(dict, &zeros32(1)), FieldId::BabyBear);
        assert!(matches!(e, TraceError::HeaderSyntax { .. }), "{dict}: {e}");
    }
}

// ---------------------------------------------------------------------------------------
// Keys.

#[test]
fn missing_key_is_rejected() {
    let e = open_err(&dict_file("{'descr': '<u4', 'shape': (1, 1), }", &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(e, TraceError::MissingKey { key: "fortran_order", .. }), "{e}");
    let e = open_err(&dict_file("{}", &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(e, TraceError::MissingKey { key: "descr", .. }), "{e}");
}

#[test]
fn unknown_key_is_rejected() {
    let dict = "{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), 'field': 'babybear', }";
    let e = open_err(&dict_file(dict, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::UnknownKey { key, .. } if key == "field"), "{e}");
}

#[test]
fn duplicate_key_is_rejected() {
    let dict = "{'descr': '<u4', 'shape': (9, 9), 'fortran_order': False, 'shape': (1, 1), }";
    let e = open_err(&dict_file(dict, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::DuplicateKey { key, .. } if key == "shape"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Shape, order, dtype and data length.

#[test]
fn shape_product_overflow_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[1 << 40, 1 << 40], &zeros32(4)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::ShapeOverflow { shape, .. } if shape == &[1 << 40, 1 << 40]), "{e}");
    assert!(e.to_string().contains("shape (1099511627776, 1099511627776) of <u4 overflows"), "{e}");
    // rows * cols fits, rows * cols * 8 does not.
    let e = open_err(&numpy_file("<u8", &[1 << 61, 1], &[0; 8]), FieldId::Goldilocks);
    assert!(matches!(e, TraceError::ShapeOverflow { .. }), "{e}");
    let e = open_err(&numpy_file("<u4", &[u64::MAX, u64::MAX], &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(e, TraceError::ShapeOverflow { .. }), "{e}");
}

#[test]
fn shape_entry_beyond_u64_is_rejected() {
    let dict = "{'descr': '<u4', 'fortran_order': False, 'shape': (18446744073709551616, 1), }";
    let e = open_err(&dict_file(dict, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::ShapeEntryTooLarge { digits, .. } if digits == "18446744073709551616"), "{e}");
    let dict = format!("{{'descr': '<u4', 'fortran_order': False, 'shape': ({}, 1), }}", "9".repeat(5000));
    let e = open_err(&dict_file(&dict, &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::ShapeEntryTooLarge { digits, .. } if digits.chars().count() == 41), "{e}");
}

#[test]
fn signed_and_hex_shape_entries_are_rejected() {
    for shape in ["(-1, 4)", "(+1, 4)", "(0x4, 4)", "(4, 4.0)", "(4L, 4L)", "[4, 4]"] {
        let dict = format!("{{'descr': '<u4', 'fortran_order': False, 'shape': {shape}, }}");
        let e = open_err(&dict_file(&dict, &zeros32(16)), FieldId::BabyBear);
        assert!(matches!(e, TraceError::HeaderSyntax { .. }), "{shape}: {e}");
    }
}

#[test]
fn data_shorter_than_declared_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[64, 4], &[0; 1000]), FieldId::BabyBear);
    assert!(matches!(e, TraceError::DataLength { actual: 1000, expected: 1024, .. }), "{e}");
    assert!(e.to_string().ends_with("data is 1000 bytes but shape (64, 4) of <u4 needs 1024 bytes"), "{e}");
    // Short by less than one word.
    let e = open_err(&numpy_file("<u8", &[2, 2], &[0; 31]), FieldId::Goldilocks);
    assert!(matches!(e, TraceError::DataLength { actual: 31, expected: 32, .. }), "{e}");
}

#[test]
fn data_longer_than_declared_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[64, 4], &[0; 1025]), FieldId::BabyBear);
    assert!(matches!(e, TraceError::DataLength { actual: 1025, expected: 1024, .. }), "{e}");
    let e = open_err(&numpy_file("<u4", &[2, 2], &zeros32(8)), FieldId::KoalaBear);
    assert!(matches!(e, TraceError::DataLength { actual: 32, expected: 16, .. }), "{e}");
}

#[test]
fn fortran_order_is_rejected() {
    let dict = "{'descr': '<u4', 'fortran_order': True, 'shape': (2, 2), }";
    let e = open_err(&dict_file(dict, &zeros32(4)), FieldId::BabyBear);
    assert!(matches!(e, TraceError::FortranOrder { .. }), "{e}");
    assert!(e.to_string().ends_with("Fortran-order arrays are not supported; save with np.ascontiguousarray"));
}

#[test]
fn one_d_array_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[5], &zeros32(5)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::WrongRank { shape, .. } if shape == &[5]), "{e}");
    assert!(e.to_string().ends_with("expected a 2-D array (rows, columns), found shape (5,)"), "{e}");
}

#[test]
fn three_d_array_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[2, 3, 4], &zeros32(24)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::WrongRank { shape, .. } if shape == &[2, 3, 4]), "{e}");
    assert!(e.to_string().ends_with("found shape (2, 3, 4)"), "{e}");
}

#[test]
fn zero_d_array_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[], &zeros32(1)), FieldId::BabyBear);
    assert!(matches!(&e, TraceError::WrongRank { shape, .. } if shape.is_empty()), "{e}");
    assert!(e.to_string().ends_with("found shape ()"), "{e}");
}

#[test]
fn wrong_dtypes_are_rejected() {
    let cases = [
        ("<f4", FieldId::BabyBear, "<u4"),
        (">u4", FieldId::BabyBear, "<u4"),
        ("<u8", FieldId::BabyBear, "<u4"),
        ("<u4", FieldId::Goldilocks, "<u8"),
        ("<i8", FieldId::Goldilocks, "<u8"),
        ("|u1", FieldId::KoalaBear, "<u4"),
        ("|O", FieldId::KoalaBear, "<u4"),
    ];
    for (descr, field, want) in cases {
        let e = open_err(&numpy_file(descr, &[2, 2], &[0; 32]), field);
        match &e {
            TraceError::WrongDtype { found, field: f, expected, .. } => {
                assert_eq!((found.as_str(), *f, *expected), (descr, field, want), "{e}");
            }
            other => panic!("{descr} as {field}: {other}"),
        }
        let msg = e.to_string();
        assert!(msg.contains(&format!("dtype '{descr}' is not valid for {field} (expected '{want}')")), "{msg}");
    }
    let e = open_err(&numpy_file(">u4", &[2, 2], &[0; 16]), FieldId::BabyBear);
    assert!(e.to_string().contains("big-endian"), "{e}");
    let e = open_err(&numpy_file("<u8", &[2, 2], &[0; 32]), FieldId::BabyBear);
    assert!(e.to_string().contains("dtype of goldilocks traces"), "{e}");
}

#[test]
fn zero_rows_is_rejected() {
    let e = open_err(&numpy_file("<u4", &[0, 64], &[]), FieldId::BabyBear);
    assert!(matches!(e, TraceError::EmptyTrace { rows: 0, cols: 64, .. }), "{e}");
    assert!(e.to_string().contains("an empty trace cannot be committed"), "{e}");
}

#[test]
fn zero_cols_is_rejected() {
    let e = open_err(&numpy_file("<u8", &[16, 0], &[]), FieldId::Goldilocks);
    assert!(matches!(e, TraceError::EmptyTrace { rows: 16, cols: 0, .. }), "{e}");
}

// ---------------------------------------------------------------------------------------
// Values.

fn bb_file_with(rows: usize, cols: usize, bad: &[(usize, usize, u32)]) -> Vec<u8> {
    let mut words: Vec<u32> = (0..rows * cols).map(|i| (i as u32) % (BB_P as u32)).collect();
    for &(r, c, v) in bad {
        words[r * cols + c] = v;
    }
    numpy_file("<u4", &[rows as u64, cols as u64], &le32(&words))
}

#[test]
fn non_canonical_value_equal_to_p_is_located() {
    let (_s, t) = open_ok(&bb_file_with(10, 8, &[(3, 7, BB_P as u32)]), FieldId::BabyBear);
    let e = t.validate_canonical().expect_err("p is not canonical");
    assert!(
        matches!(
            e,
            TraceError::NonCanonical { row: 3, col: 7, value: BB_P, modulus: BB_P, field: FieldId::BabyBear, .. }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .ends_with("value 2013265921 at row 3, column 7 is not canonical for babybear (must be < 2013265921)")
    );
    // to_matrix validates too.
    assert!(matches!(t.to_matrix::<BabyBear>(), Err(TraceError::NonCanonical { row: 3, col: 7, .. })));
}

#[test]
fn non_canonical_u32_max_is_located() {
    let (_s, t) = open_ok(&bb_file_with(5, 3, &[(4, 0, u32::MAX)]), FieldId::BabyBear);
    let e = t.to_matrix::<BabyBear>().expect_err("u32::MAX is not canonical");
    assert!(matches!(e, TraceError::NonCanonical { row: 4, col: 0, value: 0xFFFF_FFFF, .. }), "{e}");
    // KoalaBear's p is larger than BabyBear's: BabyBear's p is a fine KoalaBear value.
    let (_s, t) = open_ok(&bb_file_with(5, 3, &[(1, 1, BB_P as u32)]), FieldId::KoalaBear);
    assert!(t.validate_canonical().is_ok());
    let (_s, t) = open_ok(&bb_file_with(5, 3, &[(1, 1, 0x7f00_0001)]), FieldId::KoalaBear);
    assert!(matches!(t.validate_canonical(), Err(TraceError::NonCanonical { row: 1, col: 1, value: 0x7f00_0001, .. })));
}

#[test]
fn non_canonical_goldilocks_is_located() {
    let mut words = vec![GL_P - 1; 12];
    words[9] = GL_P;
    words[11] = u64::MAX;
    let (_s, t) = open_ok(&numpy_file("<u8", &[4, 3], &le64(&words)), FieldId::Goldilocks);
    let e = t.to_matrix::<Goldilocks>().expect_err("p is not canonical");
    assert!(matches!(e, TraceError::NonCanonical { row: 3, col: 0, value: GL_P, modulus: GL_P, .. }), "{e}");
}

#[test]
fn first_non_canonical_in_row_major_order_is_reported() {
    let bad = [(6, 1, u32::MAX), (2, 5, BB_P as u32 + 1), (2, 6, BB_P as u32), (9, 0, BB_P as u32)];
    let (_s, t) = open_ok(&bb_file_with(10, 8, &bad), FieldId::BabyBear);
    let e = t.validate_canonical().expect_err("several bad");
    assert!(matches!(e, TraceError::NonCanonical { row: 2, col: 5, value, .. } if value == BB_P + 1), "{e}");
}

#[test]
fn first_non_canonical_is_reported_in_a_large_file() {
    // 2^19 words (2 MiB): many parallel chunks. The first bad value is deep inside; bad
    // values follow every 1000 words after it, so every later chunk, whatever its size,
    // has one near its start and would "win" a race.
    let (rows, cols) = (1 << 16, 8);
    let first = 300_001;
    let mut words: Vec<u32> = (0..rows * cols).map(|i| (i as u32) & 0xFFFF).collect();
    words[first] = BB_P as u32 + 99;
    for i in (first + 1..rows * cols).step_by(1000) {
        words[i] = u32::MAX;
    }
    let (_s, t) = open_ok(&numpy_file("<u4", &[rows as u64, cols as u64], &le32(&words)), FieldId::BabyBear);
    for _ in 0..3 {
        let e = t.validate_canonical().expect_err("bad values");
        assert!(matches!(e, TraceError::NonCanonical { row: 37_500, col: 1, value, .. } if value == BB_P + 99), "{e}");
    }
    assert!(matches!(t.to_matrix::<BabyBear>(), Err(TraceError::NonCanonical { row: 37_500, col: 1, .. })));
}

#[test]
fn converting_into_another_field_is_refused() {
    let (_s, t) = open_ok(&bb_file_with(2, 2, &[]), FieldId::BabyBear);
    let e = t.to_matrix::<KoalaBear>().expect_err("wrong field");
    assert!(
        matches!(e, TraceError::FieldMismatch { opened: FieldId::BabyBear, requested: FieldId::KoalaBear, .. }),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// The writer.

#[test]
fn writing_into_missing_directory_leaves_nothing() {
    let s = Scratch::new();
    let target = s.path("no/such/dir/t.npy");
    let e = write_npy_words(&target, FieldId::BabyBear, 1, 2, &[1, 2]).expect_err("no directory");
    assert!(matches!(&e, TraceError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound), "{e}");
    assert_eq!(e.path(), target.as_path());
    assert!(s.entries().is_empty());
}

#[test]
fn writing_non_canonical_words_leaves_no_file() {
    let s = Scratch::new();
    let target = s.path("t.npy");
    let mut words = vec![5u64; 4 * 3];
    words[2 * 3 + 1] = BB_P;
    words[3 * 3] = u64::from(u32::MAX);
    let e = write_npy_words(&target, FieldId::BabyBear, 4, 3, &words).expect_err("non-canonical");
    assert!(matches!(e, TraceError::NonCanonical { row: 2, col: 1, value: BB_P, .. }), "{e}");
    assert!(s.entries().is_empty(), "{:?}", s.entries());
    // A Goldilocks value above 2^32 must not be truncated into a 32-bit field either.
    let e = write_npy_words(&target, FieldId::KoalaBear, 1, 1, &[1 << 32]).expect_err("too large");
    assert!(matches!(e, TraceError::NonCanonical { row: 0, col: 0, .. }), "{e}");
    let e = write_npy_words(&target, FieldId::Goldilocks, 1, 2, &[0, GL_P]).expect_err("p");
    assert!(matches!(e, TraceError::NonCanonical { row: 0, col: 1, value: GL_P, .. }), "{e}");
    assert!(s.entries().is_empty(), "{:?}", s.entries());
}

#[test]
fn overwriting_is_atomic() {
    let s = Scratch::new();
    let target = s.path("t.npy");
    write_npy_words(&target, FieldId::Goldilocks, 2, 2, &[1, 2, 3, 4]).expect("first write");
    let old = fs::read(&target).expect("read");
    // A failed overwrite keeps the old trace intact.
    write_npy_words(&target, FieldId::Goldilocks, 2, 2, &[1, 2, 3, GL_P]).expect_err("non-canonical");
    assert_eq!(fs::read(&target).expect("read"), old);
    write_npy_words(&target, FieldId::Goldilocks, 3, 2, &[0; 5]).expect_err("wrong count");
    assert_eq!(fs::read(&target).expect("read"), old);
    assert_eq!(s.entries(), ["t.npy"]);
    // A successful one replaces it whole.
    let m = RowMajor::new(vec![Goldilocks::from_canonical(9); 6], 3).expect("shape");
    write_npy(&target, &m).expect("overwrite");
    let t = TraceFile::open(&target, FieldId::Goldilocks).expect("open");
    assert_eq!(t.to_matrix::<Goldilocks>().expect("valid"), m);
    assert_eq!(s.entries(), ["t.npy"]);
}

#[test]
fn failed_rename_leaves_no_temporary_file() {
    let s = Scratch::new();
    let target = s.path("occupied");
    fs::create_dir(&target).expect("mkdir");
    fs::write(target.join("keep"), b"x").expect("write");
    let e = write_npy_words(&target, FieldId::BabyBear, 1, 1, &[1]).expect_err("target is a directory");
    assert!(matches!(e, TraceError::Io { .. }), "{e}");
    assert_eq!(s.entries(), ["occupied"]);
    assert_eq!(entries(&target), ["keep"]);
}

#[test]
fn writer_rejects_bad_shapes() {
    let s = Scratch::new();
    let target = s.path("t.npy");
    let e = write_npy_words(&target, FieldId::BabyBear, 2, 3, &[1; 5]).expect_err("5 != 6");
    assert!(matches!(e, TraceError::Shape { len: 5, rows: 2, cols: 3, .. }), "{e}");
    let e = write_npy_words(&target, FieldId::BabyBear, 0, 3, &[]).expect_err("empty");
    assert!(matches!(e, TraceError::EmptyTrace { rows: 0, cols: 3, .. }), "{e}");
    let e = write_npy_words(&target, FieldId::BabyBear, 3, 0, &[]).expect_err("empty");
    assert!(matches!(e, TraceError::EmptyTrace { rows: 3, cols: 0, .. }), "{e}");
    let e = write_npy_words(&target, FieldId::Goldilocks, usize::MAX, 2, &[]).expect_err("overflow");
    assert!(matches!(e, TraceError::ShapeOverflow { .. }), "{e}");
    let empty: RowMajor<BabyBear> = RowMajor::new(vec![], 4).expect("0 rows of 4");
    let e = write_npy(&target, &empty).expect_err("empty");
    assert!(matches!(e, TraceError::EmptyTrace { rows: 0, cols: 4, .. }), "{e}");
    assert!(s.entries().is_empty());
}

// ---------------------------------------------------------------------------------------
// Robustness: mutated files must produce Ok or Err, never a panic.

fn mutation_seed() -> u64 {
    match std::env::var("SLOTPROOF_SEED") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("SLOTPROOF_SEED={s:?} is not a u64")),
        Err(_) => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0x5107),
    }
}

fn seed_corpus() -> Vec<Vec<u8>> {
    let bb: Vec<u32> = (0..12).map(|i| i * 1000 + 1).collect();
    vec![
        numpy_file("<u4", &[3, 4], &le32(&bb)),
        numpy_file("<u4", &[2, 5], &le32(&[0, 1, 2, 3, 0x7f00_0000, 5, 6, 7, 8, 9])),
        numpy_file("<u8", &[4, 1], &le64(&[0, GL_P - 1, 7, 1 << 40])),
        raw_file(
            (2, 0),
            b"{\"shape\": (2, 3), \"fortran_order\": False, \"descr\": \"<u4\"}\n",
            &le32(&[1, 2, 3, 4, 5, 6]),
        ),
        raw_file((3, 0), b"{'descr':'<u8','fortran_order':False,'shape':(1,2,)}", &le64(&[3, GL_P - 2])),
        raw_file((1, 0), b"{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), }  \n", &le32(&[BB_P as u32 - 1])),
    ]
}

const INTERESTING: &[u8] = b"{}()[],:'\" \n\t\x00\xff0123456789-+xLTFeu<>|48";

fn mutate(rng: &mut StdRng, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    // Most mutations hit the preamble and header, where the parser lives.
    let pos = |rng: &mut StdRng| {
        if rng.random_bool(0.8) { rng.random_range(0..len.min(140)) } else { rng.random_range(0..len) }
    };
    if len == 0 {
        bytes.extend((0..rng.random_range(1..16)).map(|_| rng.random::<u8>()));
        return;
    }
    match rng.random_range(0..9) {
        0 => {
            let i = pos(rng);
            bytes[i] ^= 1 << rng.random_range(0..8);
        }
        1 => {
            let i = pos(rng);
            bytes[i] = rng.random();
        }
        2 => bytes.truncate(rng.random_range(0..len)),
        3 => {
            let n = if rng.random_bool(0.5) { 4 * rng.random_range(1..8) } else { rng.random_range(1..64) };
            bytes.extend((0..n).map(|_| rng.random::<u8>()));
        }
        4 => {
            let i = pos(rng);
            bytes[i] = INTERESTING[rng.random_range(0..INTERESTING.len())];
        }
        5 => {
            let i = pos(rng);
            bytes.insert(i, INTERESTING[rng.random_range(0..INTERESTING.len())]);
        }
        6 => {
            let i = pos(rng);
            bytes.remove(i);
        }
        7 if len >= 12 => {
            // The header length field, including edge values.
            let v: u32 = match rng.random_range(0..4) {
                0 => 0,
                1 => u32::MAX,
                2 => rng.random_range(0..200),
                _ => rng.random(),
            };
            let at = if bytes[6] == 1 { 8..10 } else { 8..12 };
            let le = v.to_le_bytes();
            for (k, i) in at.enumerate() {
                bytes[i] = le[k];
            }
        }
        _ => {
            // Rewrite a digit run inside the header: shapes are where the arithmetic is.
            let i = pos(rng);
            if bytes[i].is_ascii_digit() {
                let digits: Vec<u8> = (0..rng.random_range(1..25)).map(|_| b'0' + rng.random_range(0..10u8)).collect();
                bytes.splice(i..i + 1, digits);
            }
        }
    }
}

fn check_matrix<F: TraceField>(t: &TraceFile, ctx: &str) {
    let p = F::ID.modulus();
    match t.to_matrix::<F>() {
        Ok(m) => {
            assert_eq!((m.height(), m.width()), (t.rows(), t.cols()), "{ctx}");
            assert!(m.values().iter().all(|v| v.canonical() < p), "{ctx}");
        }
        Err(TraceError::NonCanonical { row, col, value, .. }) => {
            assert!(row < t.rows() && col < t.cols() && value >= p, "{ctx}");
        }
        Err(e) => panic!("{ctx}: to_matrix after a successful open failed with {e}"),
    }
}

#[test]
fn mutated_files_never_panic() {
    let seed = mutation_seed();
    eprintln!("mutation seed {seed} (replay with SLOTPROOF_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let corpus = seed_corpus();
    let s = Scratch::new();
    let path = s.path("m.npy");
    let (mut opened, mut converted) = (0usize, 0usize);
    for iter in 0..10_000 {
        let mut bytes = corpus[rng.random_range(0..corpus.len())].clone();
        for _ in 0..rng.random_range(1..=3) {
            mutate(&mut rng, &mut bytes);
        }
        fs::write(&path, &bytes).expect("write mutated file");
        let ctx = format!("seed {seed}, iteration {iter}");
        if let Err(e) = TraceFile::peek_header(&path) {
            assert!(!e.to_string().is_empty() && !e.kind().is_empty(), "{ctx}");
        }
        for field in FieldId::ALL {
            match TraceFile::open(&path, field) {
                Ok(t) => {
                    opened += 1;
                    let data = t.data_bytes().len();
                    assert!(t.rows() > 0 && t.cols() > 0, "{ctx}");
                    assert_eq!(t.rows() * t.cols() * field.word_bytes(), data, "{ctx}");
                    assert_eq!(t.header().data_offset as usize + data, bytes.len(), "{ctx}");
                    match field {
                        FieldId::BabyBear => check_matrix::<BabyBear>(&t, &ctx),
                        FieldId::KoalaBear => check_matrix::<KoalaBear>(&t, &ctx),
                        FieldId::Goldilocks => check_matrix::<Goldilocks>(&t, &ctx),
                    }
                    converted += 1;
                }
                Err(e) => {
                    assert_eq!(e.path(), path.as_path(), "{ctx}");
                    assert!(e.to_string().starts_with(&path.display().to_string()), "{ctx}: {e}");
                }
            }
        }
    }
    eprintln!("{opened} successful opens, {converted} checked conversions");
    // The harness must exercise both outcomes, or it proves nothing.
    assert!(opened > 0, "seed {seed}: no mutated file was ever accepted");
}
