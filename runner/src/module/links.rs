//! Modules a user's module imports from (`--link NAME=PATH.wasm`, as `wasmtime run --preload`
//! takes them): each read, checked and named by file and SHA-256 before anything runs; each
//! runtime instantiates them before the module, in the same store, in the order given.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plugbench_data::LinkedInfo;
use sha2::{Digest, Sha256};

use super::inspect::{inspect_any, Import, Inspection};

/// A module given with `--link`, read and inspected.
pub struct Linked {
    pub name: String,
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub inspection: Inspection,
}

/// `NAME=PATH` as given on the command line, checked.
pub fn parse(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!(
            "`{text}` is not NAME=PATH.wasm (the import module name the file provides)"
        )),
    }
}

/// Each `--link`, read and inspected. A linked module may import WASI and the modules linked
/// before it, nothing else.
pub fn load(specs: &[(String, PathBuf)]) -> Result<Vec<Linked>> {
    let mut linked: Vec<Linked> = Vec::new();
    for (name, path) in specs {
        let flag = || format!("--link {name}={}", path.display());
        if linked.iter().any(|l| &l.name == name) {
            bail!("{}: `{name}` is linked twice", flag());
        }
        let bytes = std::fs::read(path).with_context(|| format!("{}: read it", flag()))?;
        let before: Vec<&str> = linked.iter().map(|l| l.name.as_str()).collect();
        let inspection = inspect_any(&bytes, &before).with_context(flag)?;
        linked.push(Linked {
            name: name.clone(),
            path: std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
            bytes: bytes.len() as u64,
            sha256: format!("{:x}", Sha256::digest(&bytes)),
            inspection,
        });
    }
    Ok(linked)
}

/// Every import of `module` (named `who`) from a linked module is one that module exports, of
/// the same kind; and every linked module is imported from.
pub fn check(who: &str, module: &Inspection, links: &[Linked]) -> Result<()> {
    for link in links {
        let wanted: Vec<&Import> = module
            .imports
            .iter()
            .filter(|i| i.module == link.name)
            .collect();
        if wanted.is_empty() {
            bail!(
                "--link {}={}: {who} imports nothing from `{}`",
                link.name,
                link.path.display(),
                link.name
            );
        }
        for import in wanted {
            let exported = link
                .inspection
                .exports
                .iter()
                .any(|e| e.name == import.name && e.kind == import.kind);
            if !exported {
                let exports: Vec<String> = link
                    .inspection
                    .exports
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.kind))
                    .collect();
                bail!(
                    "{who} imports `{}.{}` ({}), which --link {}={} does not export; it exports: {}",
                    import.module,
                    import.name,
                    import.kind,
                    link.name,
                    link.path.display(),
                    if exports.is_empty() { "nothing".into() } else { exports.join(", ") }
                );
            }
        }
    }
    Ok(())
}

impl Linked {
    /// What the report says of it.
    pub fn info(&self) -> LinkedInfo {
        LinkedInfo {
            name: self.name.clone(),
            path: self.path.display().to_string(),
            bytes: self.bytes,
            sha256: self.sha256.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
