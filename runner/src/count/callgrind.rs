//! The worker's side of counting: callgrind's client requests around one region, and the
//! region's count read back from the profile callgrind dumps for it.
//!
//! The requests are valgrind's documented "special instruction" sequence (valgrind.h), written
//! here for x86-64: the crates that offer them generate their bindings with bindgen at build
//! time, which needs libclang, a further system package and a further build for six requests.
//! The sequence does nothing outside valgrind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable with the directory callgrind writes its profiles to (the runner
/// sets it with `--callgrind-out-file`).
pub const PROFILES_DIR: &str = "PLUGBENCH_CALLGRIND_DIR";

/// `VG_USERREQ_TOOL_BASE('C','T')` and callgrind's requests after it (callgrind.h).
const CALLGRIND_BASE: usize = (b'C' as usize) << 24 | (b'T' as usize) << 16;
const ZERO_STATS: usize = CALLGRIND_BASE + 1;
const DUMP_STATS_AT: usize = CALLGRIND_BASE + 3;
const START_INSTRUMENTATION: usize = CALLGRIND_BASE + 4;
const STOP_INSTRUMENTATION: usize = CALLGRIND_BASE + 5;
/// `VG_USERREQ__RUNNING_ON_VALGRIND` (valgrind.h).
const RUNNING_ON_VALGRIND: usize = 0x1001;

#[cfg(target_arch = "x86_64")]
fn request(default: usize, code: usize, arg: usize) -> usize {
    let args: [usize; 6] = [code, arg, 0, 0, 0, 0];
    let result: usize;
    // SAFETY: valgrind recognises the rotations of rdi (128 bits in all: rdi is left as it
    // was) followed by `xchg rbx, rbx`, reads the six words at rax and puts its answer in rdx;
    // outside valgrind the sequence changes nothing but the flags, and rdx keeps `default`.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") default => result,
            in("rax") args.as_ptr(),
            options(nostack),
        );
    }
    result
}

#[cfg(not(target_arch = "x86_64"))]
fn request(default: usize, _code: usize, _arg: usize) -> usize {
    default
}

/// Whether this process runs under valgrind (always false where the requests are not written).
pub fn running_on_valgrind() -> bool {
    request(0, RUNNING_ON_VALGRIND, 0) != 0
}

/// Counts the instructions `region` executes, on every thread, and reads the count back:
/// instrumentation is on only around it, and the dump made right after it holds it alone.
pub fn count<R>(region: impl FnOnce() -> R) -> Result<(R, u64), String> {
    static REGIONS: AtomicU64 = AtomicU64::new(0);
    if !running_on_valgrind() {
        return Err("instructions are counted only under valgrind's callgrind".into());
    }
    let dir = std::env::var_os(PROFILES_DIR)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{PROFILES_DIR} is not set"))?;
    let label = format!(
        "plugbench-region-{}",
        REGIONS.fetch_add(1, Ordering::Relaxed)
    );
    let reason = std::ffi::CString::new(label.clone()).map_err(|e| e.to_string())?;
    request(0, START_INSTRUMENTATION, 0);
    request(0, ZERO_STATS, 0);
    let value = region();
    request(0, STOP_INSTRUMENTATION, 0);
    request(0, DUMP_STATS_AT, reason.as_ptr() as usize);
    Ok((value, take_dump(&dir, &label)?))
}

/// The total of the profile dumped for `label` (removed once read).
fn take_dump(dir: &Path, label: &str) -> Result<u64, String> {
    let trigger = format!("desc: Trigger: Client Request: {label}\n");
    let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if text.contains(&trigger) {
            let _ = std::fs::remove_file(entry.path());
            return totals(&text)
                .ok_or_else(|| format!("no totals in callgrind's profile for {label}"));
        }
    }
    Err(format!(
        "callgrind wrote no profile for {label} in {}",
        dir.display()
    ))
}

/// The `totals:` line of a callgrind profile (its first event is `Ir`, instructions).
pub fn totals(profile: &str) -> Option<u64> {
    profile
        .lines()
        .find_map(|line| line.strip_prefix("totals:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_totals_line_is_the_count() {
        let profile = "desc: Trigger: Client Request: warm-1\nevents: Ir\nsummary: 0\n\
                       fn=(1) main\n3 6020\ntotals: 6020\n";
        assert_eq!(totals(profile), Some(6020));
        assert_eq!(totals("events: Ir\nsummary: 12\n"), None);
    }

    #[test]
    fn outside_valgrind_nothing_is_counted() {
        assert!(!running_on_valgrind());
        let answer = count(|| 7);
        assert!(answer.unwrap_err().contains("only under valgrind"));
    }
}
