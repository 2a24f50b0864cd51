//! Atomic file output: a report is either complete or absent, never half-written.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::upgrade::ReadError;

pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("temp file in {}", dir.display()))?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("write {}", path.display()))?;
    Ok(())
}

/// Reads a results file of this or an older schema version, or says why it cannot.
pub fn read_run(path: &Path) -> Result<crate::RunFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let not_ours = || format!("{} is not a plugbench results file", path.display());
    let value: serde_json::Value = serde_json::from_str(&text).with_context(not_ours)?;
    let current = crate::upgrade::to_current(value).map_err(|e| match e {
        ReadError::Newer(_) => anyhow::anyhow!("cannot read {}: {e}", path.display()),
        _ => anyhow::Error::new(e).context(not_ours()),
    })?;
    serde_json::from_value(current).with_context(not_ours)
}
