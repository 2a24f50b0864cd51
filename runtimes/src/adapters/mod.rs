//! One module per runtime; each is compiled only with its cargo feature.

#[cfg(feature = "extism")]
pub mod extism;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
pub mod native_library;
#[cfg(feature = "tinywasm")]
pub mod tinywasm;
#[cfg(any(feature = "wasmtime-wasi", feature = "wasmi", feature = "wasmer-wasi"))]
mod wasi_bench;
#[cfg(feature = "wasmer-common")]
pub mod wasmer;
#[cfg(feature = "wasmer-wasi")]
mod wasmer_wasi;
#[cfg(feature = "wasmi")]
pub mod wasmi;
#[cfg(feature = "wasmi")]
mod wasmi_wasi;
#[cfg(feature = "wasmtime")]
pub mod wasmtime;
#[cfg(feature = "wasmtime-wasi")]
mod wasmtime_wasi;
