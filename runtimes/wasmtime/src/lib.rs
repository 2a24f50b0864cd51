//! wasmtime in the configurations a plugin host picks between: Cranelift (the default),
//! Winch (baseline compiler), Pulley (wasmtime's portable interpreter, for hosts without JIT),
//! Cranelift with the pooling instance allocator and Cranelift without signal handlers; each
//! optionally with a sandbox guard.

use std::borrow::Cow;

#[cfg(feature = "component")]
mod component;
#[cfg(feature = "component")]
mod component_user;
mod engine;
#[cfg(feature = "wasi")]
mod wasi;

pub use engine::{Flavor, Wasmtime};
use runtimes::{Configuration, Symptom};

const FLAVORS: [(Flavor, &str); 5] = [
    (Flavor::Cranelift, "wasmtime"),
    (Flavor::Winch, "wasmtime-winch"),
    (Flavor::Pulley, "wasmtime-pulley"),
    (Flavor::Pooling, "wasmtime-pooling"),
    (Flavor::NoSignals, "wasmtime-no-signals"),
];

pub fn configurations() -> Vec<Configuration> {
    FLAVORS
        .iter()
        .map(|&(flavor, name)| {
            let configuration =
                Configuration::new(name, engine::guards(), move |g| Wasmtime::new(flavor, g))
                    .runs_simd();
            if flavor == Flavor::Winch {
                // runner/tests/any_module.rs: winch_rejects_reference_types
                configuration.known(
                    Symptom::RejectsWith(Cow::Borrowed("gc types are disallowed")),
                    "Winch has no reference types (wasmtime 48 turns GC types off for it): limitation",
                )
            } else {
                configuration
            }
        })
        .collect()
}

/// Each configuration hosting components (the worker `plugbench-worker-wasmtime-component`):
/// the same engine settings and guards, named `<configuration>-component`.
#[cfg(feature = "component")]
pub fn component_configurations() -> Vec<Configuration> {
    FLAVORS
        .iter()
        .map(|&(flavor, name)| {
            Configuration::new(&format!("{name}-component"), engine::guards(), move |g| {
                component::WasmtimeComponents::new(flavor, g)
            })
            .component_of(name)
            .not_default()
        })
        .collect()
}

/// What this build adds to every configuration's description.
fn build_note() -> String {
    runtimes::wasi_build_note(
        cfg!(feature = "wasi"),
        "wasmtime-wasi: component-model and async on",
    )
}

/// Whether this build runs WASI programs, or why not.
fn wasi_built_in() -> Result<(), String> {
    runtimes::wasi_built_in(cfg!(feature = "wasi"), "wasmtime-wasi")
}
