//! Memory a runtime costs: the worker's peak RSS, what each extra live instance adds, and the
//! size of a compiled artifact where the runtime can save one.

use runtimes::{Compiled, Instance, RuntimeError};

/// Instances kept alive at once when measuring what one more instance costs.
pub const INSTANCES: usize = 16;

/// A `kB` field of /proc/self/status (Linux; `None` elsewhere).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident set size of this process so far (VmHWM).
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Resident set size now (VmRSS).
pub fn rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

/// Of the resident set now, the pages mapped from files (RssFile): the binaries' code and
/// read-only data, which every process running the same binary shares and the kernel can drop.
/// Which of them a start touches moves with where the linker put the code, so two builds of
/// one source differ here, not in what the process allocated (docs/calibration.md).
pub fn file_rss_kib() -> Option<u64> {
    status_kib("RssFile:")
}

/// Input length for the one call each measured instance gets: small, so that even an
/// interpreter at a large `--size` measures in milliseconds.
pub const INSTANCE_INPUT_SIZE: usize = 16;

/// Resident memory added by `count` live instances, each called once on `input` (a plugin
/// that has run has touched its memory). A first, discarded round of `count` instances pays
/// the one-off costs (allocator arenas, lazily built runtime state), so the figure is what
/// further instances add. `None` where RSS cannot be read.
pub fn instances_growth_kib(
    compiled: &dyn Compiled,
    input: &[u8],
    count: usize,
) -> Result<Option<u64>, RuntimeError> {
    live_instances_growth(compiled, input, count)?;
    live_instances_growth(compiled, input, count)
}

/// Hands free heap pages back to the kernel, so that RSS growth counts the memory new
/// instances hold rather than depending on how much freed memory the process happens to have
/// resident. Without it, a worker that had just run calls on a large input showed 0 KiB per
/// wasmi instance (their allocations reused freed, still-resident heap) against 1148 KiB in
/// a fresh one. It releases all of the main arena's free memory but not the free top of a
/// thread's arena (glibc trims only the main arena's top), so the figure is exact on the main
/// thread, where a worker measures.
pub(crate) fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused heap memory to the OS; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn live_instances_growth(
    compiled: &dyn Compiled,
    input: &[u8],
    count: usize,
) -> Result<Option<u64>, RuntimeError> {
    release_free_heap();
    let before = rss_kib();
    let mut live: Vec<Box<dyn Instance>> = Vec::with_capacity(count);
    for _ in 0..count {
        let mut instance = compiled.instantiate()?;
        instance.call(input)?;
        live.push(instance);
    }
    let after = rss_kib();
    drop(live);
    Ok(before.zip(after).map(|(b, a)| a.saturating_sub(b)))
}
