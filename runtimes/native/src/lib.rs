//! Native code: the baseline (the kernels compiled into the worker, called through the same
//! byte-level interface as the Wasm builds) and native shared libraries loaded with `dlopen`
//! (the gap measurement's one-kernel libraries, a user's own native build with `--native`).

mod kernel;
mod library;
mod numeric;

use runtimes::Configuration;

/// Native code's configurations: the baseline, then the native libraries.
pub fn configurations() -> Vec<Configuration> {
    [kernel::configurations(), library::configurations()].concat()
}
