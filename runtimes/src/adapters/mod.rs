//! One module per runtime; each is compiled only with its cargo feature.

#[cfg(feature = "extism")]
pub mod extism;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
pub mod native_library;
#[cfg(feature = "tinywasm")]
pub mod tinywasm;
#[cfg(any(feature = "wasmtime", feature = "wasmi", feature = "wasmer-common"))]
mod wasi_bench;
#[cfg(feature = "wasmer-common")]
pub mod wasmer;
#[cfg(feature = "wasmer-common")]
mod wasmer_wasi;
#[cfg(feature = "wasmi")]
pub mod wasmi;
#[cfg(feature = "wasmi")]
mod wasmi_wasi;
#[cfg(feature = "wasmtime")]
pub mod wasmtime;
#[cfg(feature = "wasmtime")]
mod wasmtime_wasi;
