//! The plain core-module ABI (wasm32). wasmtime, wasmer and wasmi load these identical bytes.
//! The `host-calls` module's one import is the host API: `plugbench.host_mix(i64) -> i64`
//! (see [`crate::host_calls::host_mix`]).
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `memory` | | the linear memory |
//! | `alloc` | `(len: i32) -> i32` | a buffer of `len` bytes for the input |
//! | `dealloc` | `(ptr: i32, len: i32)` | frees an `alloc` buffer that was not passed to a kernel |
//! | the kernel's export (`run` for the seed kernel) | `(ptr: i32, len: i32) -> i64` | runs the kernel |
//!
//! A module exports one kernel (chosen at build time, see `build.rs`).
//!
//! A kernel export takes ownership of its input buffer (frees it). It returns
//! `(out_ptr << 32) | out_len`; the output starts with a status byte: [`crate::CORE_STATUS_OK`] then
//! the kernel's output, or [`crate::CORE_STATUS_ERR`] then a UTF-8 message. The output stays valid
//! until the next kernel call on the same instance, so the host never frees it.

use std::cell::RefCell;

use crate::{ByteKernel, KernelError};

use crate::{CORE_STATUS_ERR as STATUS_ERR, CORE_STATUS_OK as STATUS_OK};

thread_local! {
    // Kept until the next call so the host can copy it out without a second export call.
    static LAST_OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    let mut buf = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len as usize));
    buf.as_mut_ptr()
}

/// # Safety
/// `ptr` must come from [`alloc`] with the same `len`, and not have been passed to a kernel.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: u32) {
    drop(Vec::from_raw_parts(ptr, 0, len as usize));
}

/// Runs `kernel` on an input buffer from [`alloc`], following the ABI above.
///
/// # Safety
/// `ptr`/`len` must be an [`alloc`] buffer of `len` bytes, fully written by the host.
unsafe fn call(kernel: ByteKernel, ptr: *mut u8, len: u32) -> u64 {
    let input = Vec::from_raw_parts(ptr, len as usize, len as usize);
    let mut out = Vec::new();
    out.push(STATUS_OK);
    if let Err(KernelError(message)) = kernel(&input, &mut out) {
        out.clear();
        out.push(STATUS_ERR);
        out.extend_from_slice(message.as_bytes());
    }
    drop(input);
    let packed = ((out.as_ptr() as u64) << 32) | out.len() as u64;
    LAST_OUTPUT.with(|last| *last.borrow_mut() = out);
    packed
}

/// Exports each kernel under its export name; the build's `cfg(guest_kernel)` keeps its own.
macro_rules! export {
    ($({ name: $name:literal, export: $export:ident, guest: $guest:path, $($rest:tt)* })*) => {$(
        #[cfg(guest_kernel = $name)]
        #[doc = concat!("The kernel `", $name, "`.\n\n# Safety\nSee [`call`].")]
        #[no_mangle]
        pub unsafe extern "C" fn $export(ptr: *mut u8, len: u32) -> u64 {
            call($guest, ptr, len)
        }
    )*};
}

kernels!(export);

#[cfg(guest_kernel = "host-calls")]
#[link(wasm_import_module = "plugbench")]
extern "C" {
    #[link_name = "host_mix"]
    fn imported_host_mix(v: i64) -> i64;
}

/// `host-calls` as the guest runs it: every call of the host API goes out through the import.
#[cfg(guest_kernel = "host-calls")]
fn host_calls_guest(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    crate::host_calls::host_calls(input, out, &mut |v| unsafe { imported_host_mix(v) })
}
