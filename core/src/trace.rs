//! `.npy` trace files: the input of every commitment.
//!
//! A trace reaches slotproof as a NumPy `.npy` file: a 2-D, C-order (row-major) array of
//! canonical field values, dtype `<u4` for BabyBear and KoalaBear, `<u8` for Goldilocks.
//! Every backend (CPU, card, golden model) starts from a [`TraceFile`], so this module is
//! the front door of the house, and it is built for untrusted input:
//!
//! - **Validated before allocated.** The header is parsed by hand, strictly, from a bounded
//!   read (never more than [`MAX_HEADER_LEN`] bytes). Shape, dtype, order and the exact data
//!   length are checked against the real file size with checked arithmetic before anything
//!   proportional to the header's claims is allocated or mapped. (A general-purpose `.npy`
//!   reader that trusts `header_len` or the shape can be made to allocate gigabytes by a
//!   twelve-byte file.)
//! - **Zero-copy.** The file is memory-mapped; [`TraceFile::words_u32`] /
//!   [`TraceFile::words_u64`] borrow the mapping directly when it is aligned, which numpy's
//!   64-byte header padding guarantees for files it writes.
//! - **Values are checked, not trusted.** [`TraceFile::validate_canonical`] rejects any word
//!   `>= p` and names the first one in row-major order, so the same file always gives the
//!   same message however the parallel scan is scheduled. Conversion into Plonky3 field
//!   types goes through [`TraceFile::to_matrix`], which validates first.
//! - **Written atomically.** [`write_npy`] and [`write_npy_words`] write numpy's exact byte
//!   layout into a temporary file next to the target, fsync it and rename it into place,
//!   so a reader never sees half a trace and a failed write leaves nothing behind.
//!
//! Every error names the file and says what is wrong in a user's words; the structured
//! fields of [`TraceError`] let callers and tests match on the precise cause.

use std::borrow::Cow;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::Mmap;
use rayon::prelude::*;

use crate::field::{FieldId, TraceField};
use crate::matrix::RowMajor;

/// The six bytes every `.npy` file starts with.
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The largest header text accepted, in bytes. numpy writes ~120 bytes for a trace; a header
/// this large is either hostile or not a trace, and refusing it bounds the one allocation
/// made before the file is validated.
pub const MAX_HEADER_LEN: u64 = 64 * 1024;

/// numpy pads the preamble plus header to a multiple of this, so the data is aligned for
/// any dtype when the file is memory-mapped.
const ARRAY_ALIGN: usize = 64;

/// numpy leaves room for the growth axis to reach this many digits without rewriting.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// Words per parallel work item when scanning for non-canonical values: large enough to
/// amortise scheduling, small enough that both cores stay busy on a modest trace.
const SCAN_CHUNK_WORDS: usize = 1 << 16;

/// Bytes buffered before each write when saving a trace.
const WRITE_BUF_BYTES: usize = 1 << 20;

/// Everything that can go wrong reading or writing a trace file.
///
/// Every variant carries the path it is about; the `Display` text starts with it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// The operating system refused an operation. The OS reason is the error's `source()`
    /// (printed after this text by `{:#}` / error chains), not repeated here.
    #[error("{path}: cannot {action}")]
    Io {
        /// The trace file.
        path: PathBuf,
        /// What was being attempted, e.g. "open", "read".
        action: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The path is a directory, device or pipe.
    #[error("{path}: not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file has no bytes at all.
    #[error("{path}: empty file (0 bytes), not a .npy trace")]
    EmptyFile {
        /// The trace file.
        path: PathBuf,
    },
    /// The file does not start with `\x93NUMPY`.
    #[error("{path}: not a .npy file (bad magic bytes)")]
    NotNpy {
        /// The trace file.
        path: PathBuf,
    },
    /// The file ends inside the fixed preamble (magic, version, header length).
    #[error("{path}: truncated: file has {file_len} bytes but the .npy preamble needs {needed}")]
    TruncatedPreamble {
        /// The trace file.
        path: PathBuf,
        /// Size of the file.
        file_len: u64,
        /// Bytes the preamble needs.
        needed: u64,
    },
    /// A format version other than 1.0, 2.0 or 3.0.
    #[error("{path}: unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)")]
    UnsupportedVersion {
        /// The trace file.
        path: PathBuf,
        /// Major version byte.
        major: u8,
        /// Minor version byte.
        minor: u8,
    },
    /// The header length field points past the end of the file.
    #[error("{path}: truncated: header says {header_len} bytes of header but file has {file_len} bytes")]
    TruncatedHeader {
        /// The trace file.
        path: PathBuf,
        /// Header length claimed by the preamble.
        header_len: u64,
        /// Size of the file.
        file_len: u64,
    },
    /// The header is longer than [`MAX_HEADER_LEN`].
    #[error(
        "{path}: header is {header_len} bytes, more than the {max} bytes a trace header may have",
        max = MAX_HEADER_LEN
    )]
    HeaderTooLong {
        /// The trace file.
        path: PathBuf,
        /// Header length claimed by the preamble.
        header_len: u64,
    },
    /// A NUL byte in the header text.
    #[error("{path}: header contains a NUL byte at byte {offset} of the file")]
    HeaderNul {
        /// The trace file.
        path: PathBuf,
        /// Offset of the NUL from the start of the file.
        offset: u64,
    },
    /// A version 3.0 header that is not UTF-8.
    #[error("{path}: header is not valid UTF-8 (at byte {offset} of the file)")]
    HeaderNotUtf8 {
        /// The trace file.
        path: PathBuf,
        /// Offset of the first invalid byte from the start of the file.
        offset: u64,
    },
    /// The header text is not the Python dict literal numpy writes.
    #[error("{path}: malformed header at byte {offset} of the file: {detail}")]
    HeaderSyntax {
        /// The trace file.
        path: PathBuf,
        /// Offset of the problem from the start of the file.
        offset: u64,
        /// What was expected and what was found.
        detail: String,
    },
    /// One of `descr`, `fortran_order`, `shape` is absent.
    #[error("{path}: header has no '{key}' entry (a .npy header needs 'descr', 'fortran_order' and 'shape')")]
    MissingKey {
        /// The trace file.
        path: PathBuf,
        /// The missing key.
        key: &'static str,
    },
    /// A key numpy does not write.
    #[error("{path}: header has unknown key '{key}' (only 'descr', 'fortran_order' and 'shape' are allowed)")]
    UnknownKey {
        /// The trace file.
        path: PathBuf,
        /// The unexpected key (clipped if very long).
        key: String,
    },
    /// The same key twice.
    #[error("{path}: header has the key '{key}' twice")]
    DuplicateKey {
        /// The trace file.
        path: PathBuf,
        /// The repeated key.
        key: String,
    },
    /// A shape entry that does not fit in 64 bits.
    #[error("{path}: shape entry {digits} is too large (the limit is 2^64 - 1)")]
    ShapeEntryTooLarge {
        /// The trace file.
        path: PathBuf,
        /// The entry as written (clipped if very long).
        digits: String,
    },
    /// The dtype is not the one the field is stored as.
    #[error("{path}: dtype '{found}' is not valid for {field} (expected '{expected}'){hint}", hint = dtype_hint(.found, .expected))]
    WrongDtype {
        /// The trace file.
        path: PathBuf,
        /// The dtype in the header (clipped if very long).
        found: String,
        /// The field the trace was opened as.
        field: FieldId,
        /// The dtype that field needs.
        expected: &'static str,
    },
    /// `fortran_order: True`.
    #[error("{path}: Fortran-order arrays are not supported; save with np.ascontiguousarray")]
    FortranOrder {
        /// The trace file.
        path: PathBuf,
    },
    /// Not a 2-D array.
    #[error("{path}: expected a 2-D array (rows, columns), found shape {}", shape_text(.shape))]
    WrongRank {
        /// The trace file.
        path: PathBuf,
        /// The shape in the header.
        shape: Vec<u64>,
    },
    /// rows × cols × word size does not fit in an address-sized integer.
    #[error(
        "{path}: shape {} of {descr} overflows: its size in bytes does not fit in an address-sized integer",
        shape_text(.shape)
    )]
    ShapeOverflow {
        /// The trace file.
        path: PathBuf,
        /// The shape.
        shape: Vec<u64>,
        /// The dtype.
        descr: &'static str,
    },
    /// The data after the header is not exactly what the shape needs.
    #[error(
        "{path}: data is {actual} bytes but shape {} of {descr} needs {expected} bytes",
        shape_text(.shape)
    )]
    DataLength {
        /// The trace file.
        path: PathBuf,
        /// Bytes after the header.
        actual: u64,
        /// Bytes the shape needs.
        expected: u64,
        /// The shape.
        shape: Vec<u64>,
        /// The dtype.
        descr: &'static str,
    },
    /// Zero rows or zero columns.
    #[error(
        "{path}: trace is empty (shape {}); an empty trace cannot be committed",
        shape_text(&[*.rows, *.cols])
    )]
    EmptyTrace {
        /// The trace file.
        path: PathBuf,
        /// Number of rows.
        rows: u64,
        /// Number of columns.
        cols: u64,
    },
    /// A value `>= p`; the first one in row-major order.
    #[error("{path}: value {value} at row {row}, column {col} is not canonical for {field} (must be < {modulus})")]
    NonCanonical {
        /// The trace file.
        path: PathBuf,
        /// Row of the value (0-based, as numpy indexes).
        row: usize,
        /// Column of the value (0-based).
        col: usize,
        /// The value.
        value: u64,
        /// The field's prime.
        modulus: u64,
        /// The field.
        field: FieldId,
    },
    /// Converted into a different field than the one it was opened as.
    #[error("{path}: trace was opened as {opened} but converted as {requested}")]
    FieldMismatch {
        /// The trace file.
        path: PathBuf,
        /// The field given to [`TraceFile::open`].
        opened: FieldId,
        /// The field type asked of [`TraceFile::to_matrix`].
        requested: FieldId,
    },
    /// A writer was given a number of words that is not rows × cols.
    #[error("{path}: {len} values do not make {rows} rows of {cols} columns")]
    Shape {
        /// The output file.
        path: PathBuf,
        /// Number of values given.
        len: usize,
        /// Rows requested.
        rows: usize,
        /// Columns requested.
        cols: usize,
    },
    /// The file was replaced or resized between validation and mapping.
    #[error("{path}: file changed while it was being opened; try again")]
    Changed {
        /// The trace file.
        path: PathBuf,
    },
}

impl TraceError {
    /// A short stable tag for the variant, for logs, JSON reports and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            TraceError::Io { .. } => "io",
            TraceError::NotAFile { .. } => "not_a_file",
            TraceError::EmptyFile { .. } => "empty_file",
            TraceError::NotNpy { .. } => "not_npy",
            TraceError::TruncatedPreamble { .. } => "truncated_preamble",
            TraceError::UnsupportedVersion { .. } => "unsupported_version",
            TraceError::TruncatedHeader { .. } => "truncated_header",
            TraceError::HeaderTooLong { .. } => "header_too_long",
            TraceError::HeaderNul { .. } => "header_nul",
            TraceError::HeaderNotUtf8 { .. } => "header_not_utf8",
            TraceError::HeaderSyntax { .. } => "header_syntax",
            TraceError::MissingKey { .. } => "missing_key",
            TraceError::UnknownKey { .. } => "unknown_key",
            TraceError::DuplicateKey { .. } => "duplicate_key",
            TraceError::ShapeEntryTooLarge { .. } => "shape_entry_too_large",
            TraceError::WrongDtype { .. } => "wrong_dtype",
            TraceError::FortranOrder { .. } => "fortran_order",
            TraceError::WrongRank { .. } => "wrong_rank",
            TraceError::ShapeOverflow { .. } => "shape_overflow",
            TraceError::DataLength { .. } => "data_length",
            TraceError::EmptyTrace { .. } => "empty_trace",
            TraceError::NonCanonical { .. } => "non_canonical",
            TraceError::FieldMismatch { .. } => "field_mismatch",
            TraceError::Shape { .. } => "shape",
            TraceError::Changed { .. } => "changed",
        }
    }

    /// True when the user can fix this by changing the input (a bad file, a wrong path or
    /// permission), false for a machine fault (an I/O error reading a good file, no memory).
    pub fn is_user_fault(&self) -> bool {
        match self {
            TraceError::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::PermissionDenied
                    | io::ErrorKind::AlreadyExists
                    | io::ErrorKind::IsADirectory
                    | io::ErrorKind::NotADirectory
                    | io::ErrorKind::InvalidInput
                    | io::ErrorKind::ReadOnlyFilesystem
            ),
            _ => true,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            TraceError::Io { path, .. }
            | TraceError::NotAFile { path }
            | TraceError::EmptyFile { path }
            | TraceError::NotNpy { path }
            | TraceError::TruncatedPreamble { path, .. }
            | TraceError::UnsupportedVersion { path, .. }
            | TraceError::TruncatedHeader { path, .. }
            | TraceError::HeaderTooLong { path, .. }
            | TraceError::HeaderNul { path, .. }
            | TraceError::HeaderNotUtf8 { path, .. }
            | TraceError::HeaderSyntax { path, .. }
            | TraceError::MissingKey { path, .. }
            | TraceError::UnknownKey { path, .. }
            | TraceError::DuplicateKey { path, .. }
            | TraceError::ShapeEntryTooLarge { path, .. }
            | TraceError::WrongDtype { path, .. }
            | TraceError::FortranOrder { path }
            | TraceError::WrongRank { path, .. }
            | TraceError::ShapeOverflow { path, .. }
            | TraceError::DataLength { path, .. }
            | TraceError::EmptyTrace { path, .. }
            | TraceError::NonCanonical { path, .. }
            | TraceError::FieldMismatch { path, .. }
            | TraceError::Shape { path, .. }
            | TraceError::Changed { path } => path,
        }
    }
}

/// A shape written the way Python writes a tuple: `()`, `(5,)`, `(64, 4)`.
fn shape_text(shape: &[u64]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(u64::to_string).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// The likely fix for the dtype mistakes people actually make.
fn dtype_hint(found: &str, expected: &str) -> String {
    let same_kind = found.get(1..).is_some_and(|k| Some(k) == expected.get(1..));
    let users: Vec<&str> = FieldId::ALL.into_iter().filter(|f| f.npy_descr() == found).map(FieldId::name).collect();
    if found.starts_with('>') && same_kind {
        format!("; the file is big-endian: convert with arr.astype('{expected}')")
    } else if (found.starts_with('=') || found.starts_with('|')) && same_kind {
        format!("; save with the explicit little-endian dtype '{expected}'")
    } else if !users.is_empty() {
        format!("; '{found}' is the dtype of {} traces", users.join(" and "))
    } else if matches!(found, "<i4" | "<i8" | "<f4" | "<f8" | "<u2" | "<u1" | "<i2" | "<i1" | "|u1" | "|i1") {
        format!("; convert the canonical values with arr.astype('{expected}')")
    } else {
        String::new()
    }
}

/// Clips text taken from a hostile header before it goes into a message.
fn clip(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX_CHARS).collect();
        out.push('…');
        out
    }
}

fn io_err<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(io::Error) -> TraceError + 'a {
    move |source| TraceError::Io { path: path.to_path_buf(), action, source }
}

/// What the header of a `.npy` file says, checked for well-formedness but not yet against a
/// field or the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    /// Format version, (1, 0), (2, 0) or (3, 0).
    pub version: (u8, u8),
    /// The dtype descriptor, e.g. `<u4`.
    pub descr: String,
    /// Whether the data is stored column-major.
    pub fortran_order: bool,
    /// The array shape, outermost axis first.
    pub shape: Vec<u64>,
    /// Length of the header text in bytes (excluding the preamble).
    pub header_len: u64,
    /// Offset of the first data byte from the start of the file.
    pub data_offset: u64,
    /// Bytes after the header.
    pub data_len: u64,
}

impl NpyHeader {
    /// The fields whose trace files use this header's dtype: two for `<u4`, one for `<u8`,
    /// none otherwise. A `<u4` file cannot say which 31-bit field it holds, so a caller
    /// with more than one candidate must ask the user.
    pub fn field_candidates(&self) -> Vec<FieldId> {
        FieldId::ALL.into_iter().filter(|f| f.npy_descr() == self.descr).collect()
    }
}

/// A validated, memory-mapped trace file.
#[derive(Debug)]
pub struct TraceFile {
    path: PathBuf,
    field: FieldId,
    rows: usize,
    cols: usize,
    header: NpyHeader,
    /// Where the data starts in `mmap`; `data_offset + rows * cols * word_bytes` is exactly
    /// `mmap.len()`, checked in `open`.
    data_offset: usize,
    mmap: Mmap,
}

impl TraceFile {
    /// Opens a trace file and checks everything but the values: magic, version, header
    /// length against the file size, header syntax, dtype (must be `field.npy_descr()`),
    /// C order, rank 2, a non-empty shape whose byte size does not overflow, and a data
    /// length exactly equal to what the shape needs. Only then is the file mapped.
    pub fn open(path: impl AsRef<Path>, field: FieldId) -> Result<Self, TraceError> {
        let path = path.as_ref();
        let (mut file, file_len) = open_regular(path)?;
        let (header, raw_header) = read_header(&mut file, path, file_len)?;
        let pb = || path.to_path_buf();

        let descr = field.npy_descr();
        if header.descr != descr {
            return Err(TraceError::WrongDtype { path: pb(), found: clip(&header.descr), field, expected: descr });
        }
        if header.fortran_order {
            return Err(TraceError::FortranOrder { path: pb() });
        }
        let &[rows, cols] = header.shape.as_slice() else {
            return Err(TraceError::WrongRank { path: pb(), shape: header.shape.clone() });
        };
        let overflow = || TraceError::ShapeOverflow { path: pb(), shape: header.shape.clone(), descr };
        let expected =
            rows.checked_mul(cols).and_then(|n| n.checked_mul(field.word_bytes() as u64)).ok_or_else(overflow)?;
        // The mapping is indexed with usize; on a 32-bit host a 64-bit size must not wrap.
        let (Ok(rows_us), Ok(cols_us), Ok(_)) =
            (usize::try_from(rows), usize::try_from(cols), usize::try_from(expected))
        else {
            return Err(overflow());
        };
        if rows == 0 || cols == 0 {
            return Err(TraceError::EmptyTrace { path: pb(), rows, cols });
        }
        if expected != header.data_len {
            return Err(TraceError::DataLength {
                path: pb(),
                actual: header.data_len,
                expected,
                shape: header.shape.clone(),
                descr,
            });
        }
        let data_offset = usize::try_from(header.data_offset).map_err(|_| overflow())?;

        let mmap = map_read_only(&file).map_err(io_err(path, "memory-map"))?;
        // Everything above was checked against what `read` returned; if the file was swapped
        // or resized since, the mapping is not the file we validated.
        if mmap.len() as u64 != file_len || mmap.get(..raw_header.len()) != Some(&raw_header[..]) {
            return Err(TraceError::Changed { path: pb() });
        }
        #[cfg(unix)]
        if let Err(e) = mmap.advise(memmap2::Advice::Sequential) {
            log::debug!("{}: madvise(SEQUENTIAL) failed: {e}", path.display());
        }
        log::debug!("{}: {rows} x {cols} {field} trace, data at byte {data_offset}", path.display());
        Ok(Self { path: pb(), field, rows: rows_us, cols: cols_us, header, data_offset, mmap })
    }

    /// Reads and parses only the header: magic, version, lengths and the dict, without
    /// checking it against a field or the data. For tools that want to describe a file
    /// (e.g. to suggest `--field`) before opening it.
    pub fn peek_header(path: impl AsRef<Path>) -> Result<NpyHeader, TraceError> {
        let path = path.as_ref();
        let (mut file, file_len) = open_regular(path)?;
        read_header(&mut file, path, file_len).map(|(h, _)| h)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The field the trace was opened as.
    pub fn field(&self) -> FieldId {
        self.field
    }

    /// The path the trace was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parsed header.
    pub fn header(&self) -> &NpyHeader {
        &self.header
    }

    /// The raw little-endian data bytes, exactly `rows * cols * word_bytes` of them.
    pub fn data_bytes(&self) -> &[u8] {
        self.mmap.get(self.data_offset..).unwrap_or_default()
    }

    /// The words of a 32-bit-field trace, borrowed from the mapping when it is aligned (any
    /// file numpy wrote), else copied. `None` for Goldilocks. Not checked for canonicity.
    pub fn words_u32(&self) -> Option<Cow<'_, [u32]>> {
        if self.field.word_bytes() != 4 {
            return None;
        }
        let bytes = self.data_bytes();
        #[cfg(target_endian = "little")]
        if let Ok(words) = bytemuck::try_cast_slice::<u8, u32>(bytes) {
            return Some(Cow::Borrowed(words));
        }
        Some(Cow::Owned(bytes.chunks_exact(4).map(|c| le_word::<4>(c) as u32).collect()))
    }

    /// The words of a Goldilocks trace, borrowed when aligned, else copied. `None` for the
    /// 32-bit fields. Not checked for canonicity.
    pub fn words_u64(&self) -> Option<Cow<'_, [u64]>> {
        if self.field.word_bytes() != 8 {
            return None;
        }
        let bytes = self.data_bytes();
        #[cfg(target_endian = "little")]
        if let Ok(words) = bytemuck::try_cast_slice::<u8, u64>(bytes) {
            return Some(Cow::Borrowed(words));
        }
        Some(Cow::Owned(bytes.chunks_exact(8).map(le_word::<8>).collect()))
    }

    /// Checks that every value is canonical (`< p`). The error names the first offending
    /// value in row-major order, whichever thread finds a bad value first.
    pub fn validate_canonical(&self) -> Result<(), TraceError> {
        let p = self.field.modulus();
        let bad = match self.field.word_bytes() {
            4 => first_non_canonical_bytes::<4>(self.data_bytes(), p),
            _ => first_non_canonical_bytes::<8>(self.data_bytes(), p),
        };
        match bad {
            None => Ok(()),
            Some((index, value)) => Err(non_canonical(&self.path, self.field, self.cols, index, value)),
        }
    }

    /// Validates the values and converts them into field elements. `F` must be the field
    /// the trace was opened as.
    pub fn to_matrix<F: TraceField>(&self) -> Result<RowMajor<F>, TraceError> {
        if F::ID != self.field {
            return Err(TraceError::FieldMismatch { path: self.path.clone(), opened: self.field, requested: F::ID });
        }
        self.validate_canonical()?;
        // Plonky3 keeps 31-bit fields in Montgomery form, so words are converted, never cast.
        let values: Vec<F> = match self.field.word_bytes() {
            4 => self.data_bytes().par_chunks_exact(4).map(|c| F::from_canonical(le_word::<4>(c))).collect(),
            _ => self.data_bytes().par_chunks_exact(8).map(|c| F::from_canonical(le_word::<8>(c))).collect(),
        };
        let len = values.len();
        RowMajor::new(values, self.cols).map_err(|_| TraceError::Shape {
            path: self.path.clone(),
            len,
            rows: self.rows,
            cols: self.cols,
        })
    }
}

/// Opens `path` read-only and returns it with its length, refusing anything but a regular
/// file (a FIFO could not be mapped, and a directory would fail with a confusing error).
fn open_regular(path: &Path) -> Result<(File, u64), TraceError> {
    let file = File::open(path).map_err(io_err(path, "open"))?;
    let meta = file.metadata().map_err(io_err(path, "read the file's metadata"))?;
    if !meta.is_file() {
        return Err(TraceError::NotAFile { path: path.to_path_buf() });
    }
    Ok((file, meta.len()))
}

/// Maps the whole file read-only.
#[allow(unsafe_code)]
fn map_read_only(file: &File) -> io::Result<Mmap> {
    // SAFETY: the map is read-only and the file was opened read-only, so nothing in this
    // process writes through it, and `Mmap` never hands out `&mut`. The remaining hazard is
    // outside the process: if another program truncates the file while it is mapped, touching
    // the lost pages raises SIGBUS, and if it rewrites the file in place the values change
    // under us. Trace files are written once (atomically, by rename, see `write_npy`) and
    // then only read, which is the usage this relies on; `open` also re-checks the header
    // and length through the mapping to catch a swap between validation and mapping.
    unsafe { Mmap::map(file) }
}

/// Reads the preamble and header with bounded reads and parses them. Returns the header and
/// the raw bytes it was parsed from (preamble included), so the caller can check that the
/// mapping shows the same bytes.
fn read_header(file: &mut File, path: &Path, file_len: u64) -> Result<(NpyHeader, Vec<u8>), TraceError> {
    let pb = || path.to_path_buf();
    if file_len == 0 {
        return Err(TraceError::EmptyFile { path: pb() });
    }
    let mut pre = [0u8; 12];
    // `file_len` is at least 1 here and `pre` holds 12, so the conversion cannot fail.
    let n = usize::try_from(file_len.min(12)).unwrap_or(12);
    file.read_exact(&mut pre[..n]).map_err(io_err(path, "read"))?;
    let seen = n.min(MAGIC.len());
    if pre[..seen] != MAGIC[..seen] {
        return Err(TraceError::NotNpy { path: pb() });
    }
    if n < 8 {
        return Err(TraceError::TruncatedPreamble { path: pb(), file_len, needed: 10 });
    }
    let version = (pre[6], pre[7]);
    let len_bytes = match version {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (major, minor) => {
            return Err(TraceError::UnsupportedVersion { path: pb(), major, minor });
        }
    };
    let preamble = 8 + len_bytes;
    if n < preamble {
        return Err(TraceError::TruncatedPreamble { path: pb(), file_len, needed: preamble as u64 });
    }
    let header_len = if len_bytes == 2 {
        u64::from(u16::from_le_bytes([pre[8], pre[9]]))
    } else {
        u64::from(u32::from_le_bytes([pre[8], pre[9], pre[10], pre[11]]))
    };
    // Both checks come before the header is read: the claimed length has now been bounded
    // by the real file and by our limit, so the allocation below is at most 64 KiB.
    let data_offset = preamble as u64 + header_len;
    if data_offset > file_len {
        return Err(TraceError::TruncatedHeader { path: pb(), header_len, file_len });
    }
    if header_len > MAX_HEADER_LEN {
        return Err(TraceError::HeaderTooLong { path: pb(), header_len });
    }
    let total = usize::try_from(data_offset).map_err(|_| TraceError::HeaderTooLong { path: pb(), header_len })?;
    let mut raw = vec![0u8; total];
    raw[..preamble].copy_from_slice(&pre[..preamble]);
    // A cursor may sit past `preamble` (we read up to 12 bytes); `read_exact` at an
    // explicit position keeps the two in step.
    read_exact_at(file, &mut raw[preamble..], preamble as u64).map_err(io_err(path, "read"))?;

    let text = &raw[preamble..];
    let base = preamble as u64;
    if let Some(i) = text.iter().position(|&b| b == 0) {
        return Err(TraceError::HeaderNul { path: pb(), offset: base + i as u64 });
    }
    if version == (3, 0)
        && let Err(e) = std::str::from_utf8(text)
    {
        return Err(TraceError::HeaderNotUtf8 { path: pb(), offset: base + e.valid_up_to() as u64 });
    }
    let dict = HeaderParser { text, pos: 0, base, path, utf8: version == (3, 0) }.parse()?;
    Ok((
        NpyHeader {
            version,
            descr: dict.descr,
            fortran_order: dict.fortran_order,
            shape: dict.shape,
            header_len,
            data_offset,
            data_len: file_len - data_offset,
        },
        raw,
    ))
}

fn read_exact_at(file: &mut File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// The three entries of a header dict.
#[derive(Debug)]
struct HeaderDict {
    descr: String,
    fortran_order: bool,
    shape: Vec<u64>,
}

/// A recursive-descent parser for exactly the Python literal numpy writes:
/// `{'descr': '<u4', 'fortran_order': False, 'shape': (1024, 64), }` in any key order,
/// either quote style, optional trailing commas and any whitespace. Nothing is evaluated and
/// everything else (escapes, expressions, comments, nested values) is refused.
struct HeaderParser<'a> {
    text: &'a [u8],
    pos: usize,
    /// File offset of `text[0]`, so messages point into the file.
    base: u64,
    path: &'a Path,
    /// Version 3.0 headers are UTF-8; earlier ones are Latin-1.
    utf8: bool,
}

impl HeaderParser<'_> {
    fn err(&self, detail: impl Into<String>) -> TraceError {
        TraceError::HeaderSyntax {
            path: self.path.to_path_buf(),
            offset: self.base + self.pos as u64,
            detail: detail.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    /// How the byte at the cursor reads in a message.
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the header".to_owned(),
            Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
            Some(b' ') => "a space".to_owned(),
            Some(b) => format!("byte 0x{b:02x}"),
        }
    }

    /// The run of non-delimiter bytes at `start`, for quoting a bad token.
    fn token_from(&self, start: usize) -> String {
        let rest = self.text.get(start..).unwrap_or_default();
        let end = rest.iter().position(|b| b" \t\r\n\x0c,()[]{}:'\"".contains(b)).unwrap_or(rest.len());
        clip(&String::from_utf8_lossy(&rest[..end]))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn parse(mut self) -> Result<HeaderDict, TraceError> {
        self.skip_ws();
        if !self.eat(b'{') {
            return Err(self.err(format!("expected a Python dict starting with '{{', found {}", self.found())));
        }
        let mut descr: Option<String> = None;
        let mut fortran_order: Option<bool> = None;
        let mut shape: Option<Vec<u64>> = None;
        loop {
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            if !matches!(self.peek(), Some(b'\'' | b'"')) {
                return Err(self.err(format!("expected a quoted key or '}}', found {}", self.found())));
            }
            let key = self.string()?;
            let pb = || self.path.to_path_buf();
            let duplicate = match key.as_str() {
                "descr" => descr.is_some(),
                "fortran_order" => fortran_order.is_some(),
                "shape" => shape.is_some(),
                _ => {
                    return Err(TraceError::UnknownKey { path: pb(), key: clip(&key) });
                }
            };
            if duplicate {
                return Err(TraceError::DuplicateKey { path: pb(), key });
            }
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.err(format!("expected ':' after the key '{key}', found {}", self.found())));
            }
            self.skip_ws();
            match key.as_str() {
                "descr" => descr = Some(self.descr()?),
                "fortran_order" => fortran_order = Some(self.boolean()?),
                _ => shape = Some(self.shape()?),
            }
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            if !self.eat(b',') {
                return Err(
                    self.err(format!("expected ',' or '}}' after the value of '{key}', found {}", self.found()))
                );
            }
        }
        self.skip_ws();
        if self.pos != self.text.len() {
            return Err(self.err(format!("unexpected {} after the closing '}}'", self.found())));
        }
        let path = self.path;
        let missing = |key| TraceError::MissingKey { path: path.to_path_buf(), key };
        Ok(HeaderDict {
            descr: descr.ok_or_else(|| missing("descr"))?,
            fortran_order: fortran_order.ok_or_else(|| missing("fortran_order"))?,
            shape: shape.ok_or_else(|| missing("shape"))?,
        })
    }

    /// A quoted string without escapes; the cursor is on the opening quote.
    fn string(&mut self) -> Result<String, TraceError> {
        let Some(quote) = self.peek() else {
            return Err(self.err("expected a quoted string, found the end of the header"));
        };
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n' | b'\r') => return Err(self.err("unterminated string")),
                Some(b'\\') => {
                    return Err(self.err("escape sequences are not supported in header strings"));
                }
                Some(b) if b == quote => break,
                Some(_) => self.pos += 1,
            }
        }
        let bytes = &self.text[start..self.pos];
        self.pos += 1;
        if self.utf8 {
            // The whole header was checked to be UTF-8 before parsing.
            Ok(String::from_utf8_lossy(bytes).into_owned())
        } else {
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
    }

    fn descr(&mut self) -> Result<String, TraceError> {
        match self.peek() {
            Some(b'\'' | b'"') => self.string(),
            Some(b'[') => {
                Err(self.err("'descr' is a structured (record) dtype; a trace must be a plain '<u4' or '<u8' array"))
            }
            _ => Err(self.err(format!("'descr' must be a quoted dtype like '<u4', found {}", self.found()))),
        }
    }

    fn boolean(&mut self) -> Result<bool, TraceError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            self.pos += 1;
        }
        match &self.text[start..self.pos] {
            b"True" => Ok(true),
            b"False" => Ok(false),
            word => {
                self.pos = start;
                let found = if word.is_empty() { self.found() } else { format!("'{}'", self.token_from(start)) };
                Err(self.err(format!("'fortran_order' must be True or False, found {found}")))
            }
        }
    }

    fn shape(&mut self) -> Result<Vec<u64>, TraceError> {
        if !self.eat(b'(') {
            return Err(self.err(format!("'shape' must be a tuple like (1024, 64), found {}", self.found())));
        }
        let mut dims = Vec::new();
        self.skip_ws();
        if self.eat(b')') {
            return Ok(dims);
        }
        loop {
            self.skip_ws();
            dims.push(self.dim()?);
            self.skip_ws();
            if self.eat(b',') {
                self.skip_ws();
                if self.eat(b')') {
                    return Ok(dims);
                }
            } else if self.eat(b')') {
                if dims.len() == 1 {
                    self.pos -= 1;
                    return Err(self
                        .err(format!("'shape' ({}) is not a tuple; a 1-D shape is written ({},)", dims[0], dims[0])));
                }
                return Ok(dims);
            } else {
                return Err(self.err(format!("expected ',' or ')' in 'shape', found {}", self.found())));
            }
        }
    }

    /// A non-negative decimal integer that fits in 64 bits.
    fn dim(&mut self) -> Result<u64, TraceError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = &self.text[start..self.pos];
        // "5L" (Python 2), "0x10", "1_000", "5.0" and signs all stop here.
        if digits.is_empty() || self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
            let token = self.token_from(start);
            self.pos = start;
            return Err(self.err(if token.is_empty() {
                format!("expected a shape entry, found {}", self.found())
            } else {
                format!("shape entries must be non-negative decimal integers, found '{token}'")
            }));
        }
        let mut value: u64 = 0;
        for &d in digits {
            value = match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))) {
                Some(v) => v,
                None => {
                    return Err(TraceError::ShapeEntryTooLarge {
                        path: self.path.to_path_buf(),
                        digits: clip(&String::from_utf8_lossy(digits)),
                    });
                }
            };
        }
        Ok(value)
    }
}

/// The little-endian word in `c` (exactly `W` bytes), widened to u64.
#[inline(always)]
fn le_word<const W: usize>(c: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b[..W].copy_from_slice(c);
    u64::from_le_bytes(b)
}

/// Index and value of the first word `>= p` in little-endian `bytes`. Chunks are scanned in
/// parallel, but `find_map_first` returns the match from the earliest chunk, so the answer
/// does not depend on which thread finishes first.
fn first_non_canonical_bytes<const W: usize>(bytes: &[u8], p: u64) -> Option<(usize, u64)> {
    bytes.par_chunks(SCAN_CHUNK_WORDS * W).enumerate().find_map_first(|(chunk, b)| {
        b.chunks_exact(W)
            .map(le_word::<W>)
            .enumerate()
            .find(|&(_, v)| v >= p)
            .map(|(i, v)| (chunk * SCAN_CHUNK_WORDS + i, v))
    })
}

/// As [`first_non_canonical_bytes`], over words already in memory.
fn first_non_canonical_words(words: &[u64], p: u64) -> Option<(usize, u64)> {
    words.par_chunks(SCAN_CHUNK_WORDS).enumerate().find_map_first(|(chunk, w)| {
        w.iter().enumerate().find(|&(_, &v)| v >= p).map(|(i, &v)| (chunk * SCAN_CHUNK_WORDS + i, v))
    })
}

fn non_canonical(path: &Path, field: FieldId, cols: usize, index: usize, value: u64) -> TraceError {
    // `cols` is non-zero wherever this is called (checked by `open` and the writers).
    let cols = cols.max(1);
    TraceError::NonCanonical {
        path: path.to_path_buf(),
        row: index / cols,
        col: index % cols,
        value,
        modulus: field.modulus(),
        field,
    }
}

/// Writes a matrix as a `.npy` trace, byte for byte as `numpy.save` would, atomically.
pub fn write_npy<F: TraceField>(path: impl AsRef<Path>, m: &RowMajor<F>) -> Result<(), TraceError> {
    let path = path.as_ref();
    let header = npy_header(path, F::ID, m.height(), m.width())?;
    let wb = F::ID.word_bytes();
    write_atomically(path, |file| {
        file.write_all(&header)?;
        write_words(file, wb, m.values().iter().map(|v| v.canonical()))
    })
}

/// Writes `rows × cols` canonical words (row-major) as a `.npy` trace of `field`,
/// atomically. Values `>= p` are rejected, naming the first by row and column, before any
/// file is created.
pub fn write_npy_words(
    path: impl AsRef<Path>,
    field: FieldId,
    rows: usize,
    cols: usize,
    words: &[u64],
) -> Result<(), TraceError> {
    let path = path.as_ref();
    let header = npy_header(path, field, rows, cols)?;
    if rows.checked_mul(cols) != Some(words.len()) {
        return Err(TraceError::Shape { path: path.to_path_buf(), len: words.len(), rows, cols });
    }
    if let Some((index, value)) = first_non_canonical_words(words, field.modulus()) {
        return Err(non_canonical(path, field, cols, index, value));
    }
    write_atomically(path, |file| {
        file.write_all(&header)?;
        write_words(file, field.word_bytes(), words.iter().copied())
    })
}

/// The preamble and header numpy 1.x/2.x writes for a C-order 2-D array: keys sorted,
/// `repr` values, spare spaces for the row count to grow to 21 digits, then spaces and a
/// newline up to a multiple of 64 bytes. Refuses shapes the reader would refuse.
fn npy_header(path: &Path, field: FieldId, rows: usize, cols: usize) -> Result<Vec<u8>, TraceError> {
    if rows == 0 || cols == 0 {
        return Err(TraceError::EmptyTrace { path: path.to_path_buf(), rows: rows as u64, cols: cols as u64 });
    }
    if rows.checked_mul(cols).and_then(|n| n.checked_mul(field.word_bytes())).is_none() {
        return Err(TraceError::ShapeOverflow {
            path: path.to_path_buf(),
            shape: vec![rows as u64, cols as u64],
            descr: field.npy_descr(),
        });
    }
    let mut dict = format!("{{'descr': '{}', 'fortran_order': False, 'shape': ({rows}, {cols}), }}", field.npy_descr());
    let growth = GROWTH_AXIS_MAX_DIGITS.saturating_sub(rows.to_string().len());
    dict.extend(std::iter::repeat_n(' ', growth));
    let hlen = dict.len() + 1;
    // numpy's formula: the pad is 1..=64 spaces, never 0, so an already aligned header still
    // gets a full block; matching it keeps the bytes identical to numpy's.
    let padlen = ARRAY_ALIGN - (MAGIC.len() + 2 + 2 + hlen) % ARRAY_ALIGN;
    // At most ~110 characters of dict (two 20-digit numbers), so this fits a u16 (v1.0).
    let header_len = (hlen + padlen) as u16;
    let mut out = Vec::with_capacity(10 + usize::from(header_len));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    Ok(out)
}

/// Streams words as little-endian `wb`-byte integers (the low bytes of each u64).
fn write_words(file: &mut File, wb: usize, words: impl Iterator<Item = u64>) -> io::Result<()> {
    let mut buf = Vec::with_capacity(WRITE_BUF_BYTES + 8);
    for v in words {
        buf.extend_from_slice(&v.to_le_bytes()[..wb]);
        if buf.len() >= WRITE_BUF_BYTES {
            file.write_all(&buf)?;
            buf.clear();
        }
    }
    file.write_all(&buf)
}

/// Removes the temporary file unless the rename succeeded, on every exit path including a
/// panic in the body.
struct TempGuard {
    path: Option<PathBuf>,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.path.take()
            && let Err(e) = fs::remove_file(&p)
            && e.kind() != io::ErrorKind::NotFound
        {
            log::warn!("{}: could not remove temporary file: {e}", p.display());
        }
    }
}

/// Writes `body` to a fresh temporary file in `path`'s directory, fsyncs it and renames it
/// onto `path`. Same directory because rename is only atomic within one filesystem.
fn write_atomically(path: &Path, body: impl FnOnce(&mut File) -> io::Result<()>) -> Result<(), TraceError> {
    write_file_atomically(path, body).map_err(|(action, source)| TraceError::Io {
        path: path.to_path_buf(),
        action,
        source,
    })
}

/// Writes `path` through a temporary file in its directory, fsynced and renamed into place:
/// readers see the old file or the whole new one, and on any error nothing is left behind.
/// An error says which step failed ("write", "flush to disk", ...).
pub(crate) fn write_file_atomically(
    path: &Path,
    body: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), (&'static str, io::Error)> {
    let Some(name) = path.file_name() else {
        return Err(("write", io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")));
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (tmp_path, file) = create_temp(dir, name).map_err(|e| ("create a temporary file in its directory", e))?;
    let mut guard = TempGuard { path: Some(tmp_path.clone()) };
    // Declared after the guard so it is closed before the guard deletes the file (Windows
    // cannot delete an open file).
    let mut file = file;
    body(&mut file).map_err(|e| ("write", e))?;
    file.sync_all().map_err(|e| ("flush to disk", e))?;
    drop(file);
    fs::rename(&tmp_path, path).map_err(|e| ("move the finished file into place", e))?;
    guard.path = None;
    // The rename is only durable once the directory entry is; but the file is in place now
    // and reporting failure would be a lie about its content, so this is best effort.
    #[cfg(unix)]
    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
        log::warn!("{}: could not fsync the directory after writing: {e}", dir.display());
    }
    Ok(())
}

/// Creates `.{name}.{pid}.{n}.tmp` in `dir` with `create_new`, so a concurrent writer of the
/// same target can never share (or truncate) our temporary file.
fn create_temp(dir: &Path, name: &std::ffi::OsStr) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last_err = None;
    for _ in 0..64 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HeaderDict, TraceError> {
        HeaderParser { text: text.as_bytes(), pos: 0, base: 10, path: Path::new("t.npy"), utf8: false }.parse()
    }

    fn syntax_detail(text: &str) -> String {
        match parse(text) {
            Err(TraceError::HeaderSyntax { detail, .. }) => detail,
            Err(e) => panic!("{text:?}: expected a syntax error, got {e}"),
            Ok(d) => panic!("{text:?}: expected a syntax error, parsed shape {:?}", d.shape),
        }
    }

    #[test]
    fn trace_header_accepts_numpy_variants() {
        for text in [
            "{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4), }          \n",
            "{\"shape\": (3, 4), \"descr\": \"<u4\", \"fortran_order\": False}",
            "  {\t'fortran_order':False,'shape':(3,4,),'descr':'<u4'}\r\n",
            "{'descr':'<u4',\n 'fortran_order' : False ,\n 'shape' : ( 3 , 4 ) , }",
        ] {
            let d = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!((d.descr.as_str(), d.fortran_order, d.shape), ("<u4", false, vec![3, 4]), "{text:?}");
        }
        assert_eq!(parse("{'descr': '<u4', 'fortran_order': True, 'shape': (), }").unwrap().shape, Vec::<u64>::new());
        assert_eq!(parse("{'descr': '<u4', 'fortran_order': True, 'shape': (5,), }").unwrap().shape, vec![5]);
        assert!(parse("{'descr': '<u4', 'fortran_order': True, 'shape': (1,2,3)}").unwrap().fortran_order);
    }

    #[test]
    fn trace_header_rejects_bad_shape_entries() {
        let with = |s: &str| format!("{{'descr': '<u4', 'fortran_order': False, 'shape': {s}, }}");
        for (shape, needle) in [
            ("(-3, 4)", "'-3'"),
            ("(+3, 4)", "'+3'"),
            ("(0x10, 4)", "'0x10'"),
            ("(3L, 4L)", "'3L'"),
            ("(1_000, 4)", "'1_000'"),
            ("(3.0, 4)", "'3.0'"),
            ("(3)", "(3,)"),
            ("[3, 4]", "tuple"),
            ("(3 4)", "expected ',' or ')'"),
            ("(3, , 4)", "expected a shape entry"),
            ("(,)", "expected a shape entry"),
            ("(3, 4", "expected a shape entry, found '}'"),
        ] {
            let detail = syntax_detail(&with(shape));
            assert!(detail.contains(needle), "{shape}: {detail}");
        }
        match parse(&with("(99999999999999999999999, 4)")) {
            Err(TraceError::ShapeEntryTooLarge { digits, .. }) => {
                assert_eq!(digits, "99999999999999999999999")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse(&with("(18446744073709551615, 1)")).unwrap().shape, vec![u64::MAX, 1]);
    }

    #[test]
    fn trace_header_rejects_non_literals() {
        for (text, needle) in [
            ("", "expected a Python dict"),
            ("{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4)} x", "after the closing"),
            ("{'descr': '<u4' 'fortran_order': False, 'shape': (3, 4)}", "expected ',' or '}'"),
            ("{'descr': '<u4', 'fortran_order': 0, 'shape': (3, 4)}", "True or False"),
            ("{'descr': '<u4', 'fortran_order': false, 'shape': (3, 4)}", "'false'"),
            ("{'descr': '<\\x75\\x34', 'fortran_order': False, 'shape': (3, 4)}", "escape"),
            ("{'descr': [('a', '<u4')], 'fortran_order': False, 'shape': (3, 4)}", "structured"),
            ("{'descr': '<u4, 'fortran_order': False, 'shape': (3, 4)}", "after the value of 'descr', found 'f'"),
            ("{'descr' '<u4', 'fortran_order': False, 'shape': (3, 4)}", "expected ':' after the key 'descr'"),
            ("{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4),,}", "quoted key"),
            ("{'descr': '<u4\n', 'fortran_order': False, 'shape': (3, 4)}", "unterminated"),
            ("{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4) # c\n}", "expected ',' or '}'"),
        ] {
            let detail = syntax_detail(text);
            assert!(detail.contains(needle), "{text:?}: {detail}");
        }
    }

    #[test]
    fn trace_header_key_errors() {
        assert!(matches!(
            parse("{'descr': '<u4', 'fortran_order': False}"),
            Err(TraceError::MissingKey { key: "shape", .. })
        ));
        assert!(matches!(
            parse("{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), 'descr': '<u4'}"),
            Err(TraceError::DuplicateKey { key, .. }) if key == "descr"
        ));
        assert!(matches!(
            parse("{'descr': '<u4', 'extra': 1, 'fortran_order': False, 'shape': (1, 1)}"),
            Err(TraceError::UnknownKey { key, .. }) if key == "extra"
        ));
    }

    #[test]
    fn trace_syntax_error_offsets_point_into_the_file() {
        // base is 10 (a v1.0 preamble): the '-' is at text offset 51.
        let text = "{'descr': '<u4', 'fortran_order': False, 'shape': (-3, 4), }";
        assert_eq!(text.find('-'), Some(51));
        assert!(matches!(parse(text), Err(TraceError::HeaderSyntax { offset: 61, .. })));
    }

    #[test]
    fn trace_header_bytes_match_numpy() {
        // np.save of a (3, 4) uint32 array: header_len 118 ('v'), data at byte 128.
        let h = npy_header(Path::new("x.npy"), FieldId::BabyBear, 3, 4).unwrap();
        let mut expected =
            b"\x93NUMPY\x01\x00v\x00{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4), }".to_vec();
        expected.resize(127, b' ');
        expected.push(b'\n');
        assert_eq!(h, expected);
        for (rows, cols) in [(1, 1), (12345, 7), (usize::MAX / 8, 1), (1, usize::MAX / 8)] {
            let h = npy_header(Path::new("x.npy"), FieldId::Goldilocks, rows, cols).unwrap();
            assert_eq!(h.len() % ARRAY_ALIGN, 0, "{rows}x{cols}");
            assert_eq!(usize::from(u16::from_le_bytes([h[8], h[9]])) + 10, h.len());
            assert_eq!(h.last(), Some(&b'\n'));
        }
    }

    #[test]
    fn trace_scan_reports_first_bad_across_chunk_boundaries() {
        let p = FieldId::BabyBear.modulus();
        let n = SCAN_CHUNK_WORDS * 5 + 17;
        let mut words = vec![1u64; n];
        // The first bad value sits at the end of chunk 1; every later chunk has one at its
        // start, so a scan that returned whichever chunk finished first would be wrong.
        let first = 2 * SCAN_CHUNK_WORDS - 1;
        words[first] = p + 5;
        for c in 2..6 {
            words[c * SCAN_CHUNK_WORDS] = u64::from(u32::MAX);
        }
        let bytes: Vec<u8> = words.iter().flat_map(|&w| (w as u32).to_le_bytes()).collect();
        for _ in 0..4 {
            assert_eq!(first_non_canonical_bytes::<4>(&bytes, p), Some((first, p + 5)));
            assert_eq!(first_non_canonical_words(&words, p), Some((first, p + 5)));
        }
        words[first] = 0;
        let bytes: Vec<u8> = words.iter().flat_map(|&w| (w as u32).to_le_bytes()).collect();
        assert_eq!(first_non_canonical_bytes::<4>(&bytes, p), Some((2 * SCAN_CHUNK_WORDS, u64::from(u32::MAX))));
        let g: Vec<u8> = [0u64, 1, u64::MAX, 3].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(first_non_canonical_bytes::<8>(&g, FieldId::Goldilocks.modulus()), Some((2, u64::MAX)));
    }

    fn dir_entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn trace_atomic_write_failing_midway_keeps_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.npy");
        fs::write(&target, b"old content").unwrap();
        let err = write_atomically(&target, |f| {
            f.write_all(b"half of the new")?;
            Err(io::Error::other("disk on fire"))
        })
        .unwrap_err();
        assert!(matches!(&err, TraceError::Io { action: "write", .. }), "{err}");
        // The OS reason travels as the error's source, shown once by `{:#}`-style chains.
        assert!(std::error::Error::source(&err).is_some_and(|s| s.to_string().contains("disk on fire")));
        assert_eq!(fs::read(&target).unwrap(), b"old content");
        assert_eq!(dir_entries(dir.path()), ["t.npy"]);

        write_atomically(&target, |f| f.write_all(b"new content")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new content");
        assert_eq!(dir_entries(dir.path()), ["t.npy"]);
    }

    #[test]
    fn trace_atomic_write_cleans_up_after_panic() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.npy");
        let r = std::panic::catch_unwind(|| {
            let _ = write_atomically(&target, |f| {
                f.write_all(b"partial")?;
                panic!("writer bug");
            });
        });
        assert!(r.is_err());
        assert!(dir_entries(dir.path()).is_empty(), "{:?}", dir_entries(dir.path()));
    }

    #[test]
    fn trace_error_display_texts() {
        let p = || PathBuf::from("trace.npy");
        let cases: Vec<(TraceError, &str)> = vec![
            (TraceError::NotNpy { path: p() }, "trace.npy: not a .npy file (bad magic bytes)"),
            (
                TraceError::TruncatedHeader { path: p(), header_len: 4096, file_len: 12 },
                "trace.npy: truncated: header says 4096 bytes of header but file has 12 bytes",
            ),
            (
                TraceError::DataLength { path: p(), actual: 1000, expected: 1024, shape: vec![64, 4], descr: "<u4" },
                "trace.npy: data is 1000 bytes but shape (64, 4) of <u4 needs 1024 bytes",
            ),
            (
                TraceError::WrongDtype { path: p(), found: "<f8".into(), field: FieldId::BabyBear, expected: "<u4" },
                "trace.npy: dtype '<f8' is not valid for babybear (expected '<u4'); convert the canonical values with arr.astype('<u4')",
            ),
            (
                TraceError::FortranOrder { path: p() },
                "trace.npy: Fortran-order arrays are not supported; save with np.ascontiguousarray",
            ),
            (
                TraceError::WrongRank { path: p(), shape: vec![5] },
                "trace.npy: expected a 2-D array (rows, columns), found shape (5,)",
            ),
            (
                TraceError::NonCanonical {
                    path: p(),
                    row: 3,
                    col: 7,
                    value: 2013265921,
                    modulus: 2013265921,
                    field: FieldId::BabyBear,
                },
                "trace.npy: value 2013265921 at row 3, column 7 is not canonical for babybear (must be < 2013265921)",
            ),
            (
                TraceError::ShapeOverflow { path: p(), shape: vec![1 << 40, 1 << 40], descr: "<u4" },
                "trace.npy: shape (1099511627776, 1099511627776) of <u4 overflows: its size in bytes does not fit in an address-sized integer",
            ),
            (
                TraceError::EmptyTrace { path: p(), rows: 0, cols: 64 },
                "trace.npy: trace is empty (shape (0, 64)); an empty trace cannot be committed",
            ),
            (
                TraceError::UnsupportedVersion { path: p(), major: 9, minor: 9 },
                "trace.npy: unsupported .npy format version 9.9 (supported: 1.0, 2.0, 3.0)",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text, "{}", err.kind());
            assert_eq!(err.path(), Path::new("trace.npy"));
        }
        let e = TraceError::WrongDtype { path: p(), found: ">u4".into(), field: FieldId::BabyBear, expected: "<u4" };
        assert!(e.to_string().contains("big-endian"), "{e}");
    }
}
