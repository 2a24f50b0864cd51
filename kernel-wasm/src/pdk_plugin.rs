//! The kernels as an Extism plugin: each export hands its input bytes to the same byte
//! function the native build and the core module run, so both Wasm builds carry the same hot
//! code. (The seed post's `Json<Vec<i64>>` signature compiled to a slower loop: 4.05x native
//! against 3.15x on extism at size 5000, measured.)

// Only the export of the kernel this build carries is compiled (see `build.rs`).
#![allow(unused_imports)]

use extism_pdk::{plugin_fn, Error, FnResult};

use crate::{ByteKernel, KernelError};

/// Exports each kernel under its export name; the build's `cfg(guest_kernel)` keeps its own.
macro_rules! export {
    ($({ name: $name:literal, export: $export:ident, guest: $guest:path, $($rest:tt)* })*) => {$(
        #[cfg(guest_kernel = $name)]
        #[plugin_fn]
        pub fn $export(input: Vec<u8>) -> FnResult<Vec<u8>> {
            bytes($guest, input)
        }
    )*};
}

kernels!(export);

fn bytes(kernel: ByteKernel, input: Vec<u8>) -> FnResult<Vec<u8>> {
    let mut out = Vec::new();
    kernel(&input, &mut out).map_err(|e| Error::msg(e.0))?;
    Ok(out)
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

/// `host-calls` as the guest runs it: every call of the host API goes out through the import.
#[cfg(guest_kernel = "host-calls")]
fn host_calls_guest(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    crate::host_calls::host_calls(input, out, &mut |v| unsafe { imported_host_mix(v) })
}
