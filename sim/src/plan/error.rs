//! What can go wrong when planning: a catalogue or workload file that does not parse or
//! holds a value out of range, a name nobody knows, a configuration that does not fit.

use std::path::{Path, PathBuf};

/// Why a plan cannot be made. Every variant names the file or name and the value at fault.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A TOML document did not parse (the message carries toml's line and column).
    #[error("{origin}: not a valid {what}: {message}")]
    Toml {
        /// Where the text came from (a path, or "built-in catalogue").
        origin: String,
        /// What the document should have been ("board catalogue", "workload").
        what: &'static str,
        /// toml's message, with line and column.
        message: String,
    },
    /// A value parsed but is out of range or inconsistent.
    #[error("{origin}: {item}: {message}")]
    Invalid {
        /// Where the value came from.
        origin: String,
        /// Which entry and field, e.g. `board "u55c" field dsp`.
        item: String,
        /// What is wrong with it.
        message: String,
    },
    /// A board, host or workload name that is not in the catalogue.
    #[error("unknown {kind} {name:?}; known: {known}")]
    Unknown {
        /// "board", "host" or "workload".
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// The requested accelerator does not fit the board.
    #[error("{board}: does not fit: {message}")]
    DoesNotFit {
        /// The board.
        board: String,
        /// Which resource ran out, and by how much.
        message: String,
    },
    /// A plot could not be drawn.
    #[error("plot {path}: {message}")]
    Plot {
        /// The image being written.
        path: PathBuf,
        /// What the plotting library said.
        message: String,
    },
}

/// Parses TOML `text` as a `what` ("board catalogue", "workload"); `origin` names the text
/// in the error, which carries toml's line and column.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    what: &'static str,
) -> Result<T, PlanError> {
    toml::from_str(text).map_err(|e| PlanError::Toml { origin: origin.to_string(), what, message: e.to_string() })
}

/// Reads a text file, naming it in the error.
pub(crate) fn read_text(path: &Path) -> Result<String, PlanError> {
    std::fs::read_to_string(path).map_err(|source| PlanError::Io { path: path.to_path_buf(), source })
}
