//! Atomic file output: a report is either complete or absent, never half-written. And reading
//! a results file back, of this or an older schema version.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::upgrade::ReadError;

/// Why a file could not be written or read as a results file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a plugbench results file: {source}", path.display())]
    NotOurs { path: PathBuf, source: ReadError },
    #[error("cannot read {}: {source}", path.display())]
    Newer { path: PathBuf, source: ReadError },
}

pub fn write_atomic(path: &Path, contents: &str) -> Result<(), FileError> {
    let failed = |source| FileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    tmp.write_all(contents.as_bytes()).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Reads a results file of this or an older schema version, or says why it cannot.
pub fn read_run(path: &Path) -> Result<crate::RunFile, FileError> {
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let not_ours = |source| FileError::NotOurs {
        path: path.to_path_buf(),
        source,
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| not_ours(ReadError::Shape(e)))?;
    let current = crate::upgrade::to_current(value).map_err(|e| match e {
        ReadError::Newer(_) => FileError::Newer {
            path: path.to_path_buf(),
            source: e,
        },
        _ => not_ours(e),
    })?;
    serde_json::from_value(current).map_err(|e| not_ours(ReadError::Shape(e)))
}
