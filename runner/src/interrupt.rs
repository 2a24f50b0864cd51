//! Ctrl-C (SIGINT) and SIGTERM during `compare`: the measurement stops at the next sample,
//! and what was measured so far is written as a complete results file marked interrupted.
//! A second signal ends plugbench at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGINT, SIGTERM};

static REQUESTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Exit code of an interrupted `compare` (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// Installs the handlers; until then [`requested`] is always false.
pub fn install() -> std::io::Result<()> {
    let flag = REQUESTED.get_or_init(|| Arc::new(AtomicBool::new(false)));
    for signal in [SIGINT, SIGTERM] {
        // Order matters: the shutdown check must see the flag before this signal sets it.
        signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(flag))?;
        signal_hook::flag::register(signal, Arc::clone(flag))?;
    }
    Ok(())
}

/// Has a stop been asked for?
pub fn requested() -> bool {
    REQUESTED
        .get()
        .is_some_and(|flag| flag.load(Ordering::Relaxed))
}
