//! MSM inputs on disk, in arkworks' own encoding so that arkworks users can write them with
//! one call: a points file is `Vec<Affine>::serialize_uncompressed` (a little-endian `u64`
//! count, then each point's `x` and `y`, little-endian, flags in `y`'s spare top bits), and a
//! scalars file is `Vec<Fr>::serialize_uncompressed` (the count, then 32 bytes a scalar).
//!
//! Reading checks everything before anything is computed, and names what is wrong and where:
//! the count against the file's size, every coordinate and scalar below its modulus, every
//! point on the curve and in the prime-order subgroup.

use std::path::{Path, PathBuf};

use ark_ec::short_weierstrass::Affine;
use ark_ff::{AdditiveGroup, PrimeField};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rayon::prelude::*;

use crate::curve::{CurveId, MsmCurve};

/// Why an MSM input file was refused.
#[derive(Debug, thiserror::Error)]
pub enum MsmFileError {
    /// The file could not be read or written.
    #[error("{path}: could not {action}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done ("read", "write", ...).
        action: &'static str,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The count and the size disagree (or the file is shorter than the count itself).
    #[error(
        "{path}: {size} bytes does not hold {what} of {curve}: expected an 8-byte count then {each} bytes each{count}"
    )]
    Size {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// "points" or "scalars".
        what: &'static str,
        /// The curve they were read for.
        curve: CurveId,
        /// Bytes per element.
        each: usize,
        /// ", and its count says N" when the count could be read.
        count: String,
    },
    /// An element that does not decode: a coordinate or scalar not below its modulus, or
    /// flags that are not arkworks' (the message says which).
    #[error("{path}: {what} {index} (bytes {start}..{end}): {why}")]
    Element {
        /// The file.
        path: PathBuf,
        /// "point" or "scalar".
        what: &'static str,
        /// Its index.
        index: usize,
        /// Its first byte in the file.
        start: usize,
        /// One past its last byte.
        end: usize,
        /// What is wrong with it.
        why: String,
    },
}

impl MsmFileError {
    /// The input is at fault (a missing or malformed file), not the machine.
    pub fn is_bad_input(&self) -> bool {
        match self {
            MsmFileError::Io { action, source, .. } => {
                *action == "read"
                    && matches!(
                        source.kind(),
                        std::io::ErrorKind::NotFound
                            | std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::IsADirectory
                    )
            }
            MsmFileError::Size { .. } | MsmFileError::Element { .. } => true,
        }
    }
}

/// Bytes of one point in a points file (both coordinates, uncompressed).
pub fn point_bytes<P: MsmCurve>() -> usize {
    Affine::<P>::identity().uncompressed_size()
}

/// Bytes of one scalar in a scalars file.
pub fn scalar_bytes<P: MsmCurve>() -> usize {
    P::ScalarField::ZERO.uncompressed_size()
}

fn read_file(path: &Path) -> Result<Vec<u8>, MsmFileError> {
    std::fs::read(path).map_err(|source| MsmFileError::Io { path: path.to_owned(), action: "read", source })
}

/// The elements' bytes of a counted file: checks the count against the size.
fn counted<'a>(
    path: &Path,
    bytes: &'a [u8],
    what: &'static str,
    curve: CurveId,
    each: usize,
) -> Result<&'a [u8], MsmFileError> {
    let size_error = |count: String| MsmFileError::Size {
        path: path.to_owned(),
        size: bytes.len() as u64,
        what,
        curve,
        each,
        count,
    };
    let Some((count, body)) = bytes.split_first_chunk::<8>() else { return Err(size_error(String::new())) };
    let count = u64::from_le_bytes(*count);
    if count.checked_mul(each as u64) != Some(body.len() as u64) {
        return Err(size_error(format!(", and its count says {count}")));
    }
    Ok(body)
}

/// Reads a points file for curve `P`, checking every point.
pub fn read_points<P: MsmCurve>(path: &Path) -> Result<Vec<Affine<P>>, MsmFileError> {
    let bytes = read_file(path)?;
    let each = point_bytes::<P>();
    let body = counted(path, &bytes, "points", P::ID, each)?;
    decode_each(path, body, each, "point", |chunk| {
        let p = Affine::<P>::deserialize_uncompressed_unchecked(chunk).map_err(|_| {
            "not an uncompressed point: a coordinate is not below the field modulus, or the flags are not arkworks'"
                .to_owned()
        })?;
        if !p.is_on_curve() {
            return Err(format!("not on {}", P::ID));
        }
        if !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(format!("on {} but not in its prime-order subgroup G1", P::ID));
        }
        Ok(p)
    })
}

/// Reads a scalars file for curve `P`'s group order.
pub fn read_scalars<P: MsmCurve>(path: &Path) -> Result<Vec<P::ScalarField>, MsmFileError> {
    let bytes = read_file(path)?;
    let each = scalar_bytes::<P>();
    let body = counted(path, &bytes, "scalars", P::ID, each)?;
    decode_each(path, body, each, "scalar", |chunk| {
        P::ScalarField::deserialize_uncompressed(chunk).map_err(|_| format!("not below {}'s group order r", P::ID))
    })
}

/// Decodes every `each`-byte element in parallel; the error names the *first* bad one, the
/// same on every run whatever the thread timing.
fn decode_each<T: Send>(
    path: &Path,
    body: &[u8],
    each: usize,
    what: &'static str,
    decode: impl Fn(&[u8]) -> Result<T, String> + Sync + Send,
) -> Result<Vec<T>, MsmFileError> {
    let decoded: Vec<Result<T, String>> = body.par_chunks(each).map(decode).collect();
    decoded
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            r.map_err(|why| MsmFileError::Element {
                path: path.to_owned(),
                what,
                index,
                start: 8 + index * each,
                end: 8 + (index + 1) * each,
                why,
            })
        })
        .collect()
}

/// Writes points as [`read_points`] reads them.
pub fn write_points<P: MsmCurve>(path: &Path, points: &[Affine<P>]) -> Result<(), MsmFileError> {
    write(path, points)
}

/// Writes scalars as [`read_scalars`] reads them.
pub fn write_scalars<P: MsmCurve>(path: &Path, scalars: &[P::ScalarField]) -> Result<(), MsmFileError> {
    write(path, scalars)
}

/// Atomically, as trace files are written: on any error nothing is left behind.
fn write<T: CanonicalSerialize>(path: &Path, items: &[T]) -> Result<(), MsmFileError> {
    crate::trace::write_file_atomically(path, |file| {
        let mut out = std::io::BufWriter::new(file);
        items.serialize_uncompressed(&mut out).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut out)
    })
    .map_err(|(action, source)| MsmFileError::Io { path: path.to_owned(), action, source })
}

/// A canonical big-endian hex string of a prime field element, `0x`-prefixed (how the CLI
/// prints coordinates: the convention of Ethereum's precompiles and of most tools).
pub fn field_hex<F: PrimeField>(f: &F) -> String {
    use ark_ff::BigInteger;
    let bytes = f.into_bigint().to_bytes_be();
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
