//! Checks of what a user asks for, made before anything is measured: a bad value or an
//! output path that cannot be written is an error now, not after minutes of measuring.

use std::path::Path;

use anyhow::{bail, Context, Result};
use kernel_embed::Kernel;

/// The largest input a guest is given: it must fit in a wasm32 guest's 4 GiB memory together
/// with the kernel's output and working memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Sizes whose input is measured to estimate bytes per unit of size (inputs grow linearly).
const PROBE_SIZE: usize = 1000;

/// A finite number that `ok` accepts, or a message saying what it must be (`rule`).
fn number(text: &str, what: &str, ok: impl Fn(f64) -> bool, rule: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a {what}"))?;
    if value.is_finite() && ok(value) {
        Ok(value)
    } else {
        Err(format!("must be {rule}, got {text}"))
    }
}

/// clap parser for a duration or budget in seconds: above zero.
pub fn positive_seconds(text: &str) -> Result<f64, String> {
    number(
        text,
        "number of seconds",
        |v| v > 0.0,
        "more than 0 seconds",
    )
}

/// clap parser for a warm-up time in seconds: zero allowed.
pub fn seconds_or_zero(text: &str) -> Result<f64, String> {
    number(text, "number of seconds", |v| v >= 0.0, "0 seconds or more")
}

/// clap parser for a fraction of a maximum rate: above 0 and below 1.
pub fn load_fraction(text: &str) -> Result<f64, String> {
    number(
        text,
        "fraction",
        |v| v > 0.0 && v < 1.0,
        "between 0 and 1 (e.g. 0.8)",
    )
}

/// clap parser for `KERNEL@SIZE` (`webhook@10`).
pub fn load_target(text: &str) -> Result<(String, u64), String> {
    let usage = || format!("`{text}` is not KERNEL@SIZE (e.g. webhook@10)");
    let (kernel, size) = text.split_once('@').ok_or_else(usage)?;
    let size: u64 = size.parse().map_err(|_| usage())?;
    if kernel.is_empty() || size == 0 {
        return Err(usage());
    }
    Ok((kernel.to_string(), size))
}

/// clap parser for a precision target in percent: above 0 and below 100.
pub fn percent(text: &str) -> Result<f64, String> {
    let ok = |v: f64| v > 0.0 && v < 100.0;
    number(text, "percentage", ok, "above 0 and below 100 (percent)")
}

/// About how many bytes the kernel's input has at `size`.
pub fn estimated_input_bytes(kernel: &Kernel, size: usize) -> u128 {
    let probe = (kernel.make_input)(PROBE_SIZE, 0).len() as u128;
    probe * size as u128 / PROBE_SIZE as u128
}

/// Refuses a size whose input would not fit a guest, naming the largest size that does.
pub fn input_fits(kernel: &Kernel, size: usize) -> Result<()> {
    let needed = estimated_input_bytes(kernel, size);
    if needed <= u128::from(MAX_INPUT_BYTES) {
        return Ok(());
    }
    let per_unit = estimated_input_bytes(kernel, PROBE_SIZE).max(1) as f64 / PROBE_SIZE as f64;
    bail!(
        "--size {size} is too large for kernel `{}`: its input would be about {:.1} GiB, and a \
         guest is given at most {} GiB (input and output share a wasm32 guest's 4 GiB memory); \
         the largest size for this kernel is about {}",
        kernel.name,
        needed as f64 / f64::from(1u32 << 30),
        MAX_INPUT_BYTES >> 30,
        (MAX_INPUT_BYTES as f64 / per_unit) as u64
    )
}

/// Makes sure `path` can be written: its folder exists or can be made, a file can be created
/// there, and `path` itself is not a folder. Nothing is left behind but the folder.
pub fn writable(path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!("{} is a folder, not a file to write", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create the folder {} for {}",
            dir.display(),
            path.display()
        )
    })?;
    tempfile::NamedTempFile::new_in(dir).with_context(|| {
        format!(
            "cannot write into {} (for {})",
            dir.display(),
            path.display()
        )
    })?;
    Ok(())
}

/// Every runtime named has a build of `kernel` to load (the gap measurement's builds exist
/// for the gap kernels only).
pub fn builds_exist(runtimes: &[String], kernel: &Kernel) -> Result<()> {
    for name in runtimes {
        let Ok(info) = crate::catalog::catalog().info(name) else {
            continue; // unknown names are reported by the runtime selection
        };
        let guest = info.guest;
        if !guest.available(kernel) {
            anyhow::bail!(
                "`{name}` loads the {} build, which exists for the gap kernels only ({}), not for `{}`",
                guest.label(),
                kernel_embed::GAP_KERNELS.join(", "),
                kernel.name
            );
        }
    }
    Ok(())
}

/// `KEY=VALUE` of `--env`.
pub fn env_pair(text: &str) -> Result<(String, String)> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => bail!("--env {text}: expected KEY=VALUE"),
    }
}

/// `HOST[::GUEST]` of `--dir`: an existing host directory, and where the guest sees it.
pub fn dir_mapping(text: &str) -> Result<(std::path::PathBuf, String)> {
    let (host, guest) = match text.split_once("::") {
        Some((host, guest)) => (host, guest.to_string()),
        None => (text, text.to_string()),
    };
    let host = std::fs::canonicalize(host).with_context(|| format!("--dir {host}"))?;
    if !host.is_dir() {
        bail!("--dir {}: not a directory", host.display());
    }
    Ok((host, guest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_percent_parsers_refuse_what_cannot_be_meant() {
        assert_eq!(positive_seconds("2.5"), Ok(2.5));
        for bad in ["0", "-1", "nan", "inf", "ten"] {
            assert!(positive_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(seconds_or_zero("0"), Ok(0.0));
        assert!(seconds_or_zero("-0.1").is_err());
        assert_eq!(percent("0.5"), Ok(0.5));
        for bad in ["0", "100", "-3", "NaN"] {
            assert!(percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_size_beyond_a_guest_memory_is_refused_with_the_largest_that_fits() {
        let kernel = kernel_embed::kernel("pairwise-raw").unwrap();
        // 8 bytes per value: 2^27 values is exactly 1 GiB.
        assert!(input_fits(kernel, 1 << 27).is_ok());
        let err = input_fits(kernel, 99_999_999_999).unwrap_err().to_string();
        assert!(err.contains("745.1 GiB"), "{err}");
        assert!(err.contains("about 134217728"), "{err}");
    }

    #[test]
    fn an_unwritable_path_is_found_before_measuring() {
        let dir = tempfile::tempdir().unwrap();
        assert!(writable(&dir.path().join("new/sub/run.json")).is_ok());
        assert!(writable(dir.path())
            .unwrap_err()
            .to_string()
            .contains("is a folder"));
        let file = dir.path().join("plain");
        std::fs::write(&file, "x").unwrap();
        let err = writable(&file.join("run.json")).unwrap_err();
        assert!(
            format!("{err:#}").contains("cannot create the folder"),
            "{err:#}"
        );
    }
}
