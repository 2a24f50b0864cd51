//! The same function as an extism plugin. Built for wasm32-wasip1, the plugin also reads a file
//! through WASI (`word_freq_file`): extism runs it with its WASI on, the file's directory given
//! as an allowed path.

use extism_pdk::{plugin_fn, FnResult};

#[plugin_fn]
pub fn word_freq(text: String) -> FnResult<String> {
    Ok(super::word_freq(&text))
}

/// The ten most frequent words of the file the input names (a path the host allowed).
#[cfg(target_os = "wasi")]
#[plugin_fn]
pub fn word_freq_file(path: String) -> FnResult<String> {
    let text = std::fs::read_to_string(path.trim())?;
    Ok(super::word_freq(&text))
}
