//! The wasmtime extism embeds (43), run directly on the core module like `runtime-wasmtime`'s
//! Cranelift configuration: the same host code (`engine.rs`, shared), another wasmtime. Beside
//! wasmtime 48 it shows what a wasmtime release moves; beside extism, what extism's kernel and
//! calling convention add to the engine it runs on.

#[path = "../../wasmtime/src/engine.rs"]
mod engine;

pub use engine::{Flavor, Wasmtime};
use runtimes::Configuration;

/// The configuration's name: the engine's name with the major version extism pins.
pub const NAME: &str = "wasmtime-43";

pub fn configurations() -> Vec<Configuration> {
    vec![Configuration::new(NAME, engine::guards(), |g| {
        Wasmtime::new(Flavor::Cranelift, g)
    })
    .runs_simd()]
}

/// This build has extism's features of this wasmtime (cargo unifies them).
fn build_note() -> String {
    "; the wasmtime extism embeds, with the features extism builds it with (wasmtime's defaults: \
     component-model and async on)"
        .into()
}

/// WASI on this wasmtime is extism's business; run directly, it has none.
fn wasi_built_in() -> Result<(), String> {
    Err("run without a WASI layer: it is here to compare engine versions on modules".into())
}
