//! The same function as an extism plugin.

use extism_pdk::{plugin_fn, FnResult};

#[plugin_fn]
pub fn word_freq(text: String) -> FnResult<String> {
    Ok(super::word_freq(&text))
}
