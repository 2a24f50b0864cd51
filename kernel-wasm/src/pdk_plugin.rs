//! The kernels as an Extism plugin: each export hands its input bytes to the same byte
//! function the native build and the core module run.

// Only the export of the kernel this build carries is compiled (see `build.rs`).
#![allow(unused_imports)]

use extism_pdk::{plugin_fn, Error, FnResult};

use crate::ByteKernel;

/// The seed kernel (`pairwise-json`), through the same byte function the core module runs, so
/// both carry the same hot code. (The seed post's `Json<Vec<i64>>` signature compiled to a
/// slower loop: 4.05x native against 3.15x on extism at size 5000, measured.)
#[cfg(guest_kernel = "pairwise-json")]
#[plugin_fn]
pub fn run(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::pairwise::pairwise_json, input)
}

/// Bytes in, bytes out, for the kernels whose input is not JSON.
#[cfg(any(
    guest_kernel = "pairwise-json",
    guest_kernel = "pairwise-raw",
    guest_kernel = "echo",
    guest_kernel = "webhook"
))]
fn bytes(kernel: ByteKernel, input: Vec<u8>) -> FnResult<Vec<u8>> {
    let mut out = Vec::new();
    kernel(&input, &mut out).map_err(|e| Error::msg(e.0))?;
    Ok(out)
}

#[cfg(guest_kernel = "pairwise-raw")]
#[plugin_fn]
pub fn pairwise_raw(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::pairwise::pairwise_raw, input)
}

#[cfg(guest_kernel = "echo")]
#[plugin_fn]
pub fn echo(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::echo::echo, input)
}

// The host API as a plain `i64 -> i64` import in extism's user namespace: the same signature
// the core module imports, so the comparison is of the runtimes' host-call paths, not of
// argument encodings. (extism-pdk's `#[host_fn]` would pass every value through extism's
// memory as a handle.)
#[cfg(guest_kernel = "host-calls")]
#[link(wasm_import_module = "extism:host/user")]
extern "C" {
    #[link_name = "host_mix"]
    fn imported_host_mix(v: i64) -> i64;
}

#[cfg(guest_kernel = "host-calls")]
#[plugin_fn]
pub fn host_calls(input: Vec<u8>) -> FnResult<Vec<u8>> {
    let mut out = Vec::new();
    crate::host_calls::host_calls(&input, &mut out, &mut |v| unsafe { imported_host_mix(v) })
        .map_err(|e| Error::msg(e.0))?;
    Ok(out)
}

#[cfg(guest_kernel = "webhook")]
#[plugin_fn]
pub fn webhook(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::webhook::webhook, input)
}
