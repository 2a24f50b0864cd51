//! One kernel as a native shared library, for the native rows of the gap measurement
//! (`plugbench` loads it with `dlopen`): the same one-kernel build as the Wasm modules, for the
//! host, so it can also be built without auto-vectorization and compared with the guest.
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `plugbench_kernel` | `(input: *const u8, len: usize, out_len: *mut usize) -> *const u8` | runs the kernel |
//!
//! The output starts with the status byte of the core ABI ([`crate::CORE_STATUS_OK`] or
//! [`crate::CORE_STATUS_ERR`] then a message) and stays valid until the next call in the
//! same thread.

use std::cell::RefCell;

use crate::{ByteKernel, KernelError, CORE_STATUS_ERR, CORE_STATUS_OK};

thread_local! {
    static LAST_OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[cfg(guest_kernel = "pairwise-json")]
const KERNEL: ByteKernel = crate::pairwise::pairwise_json;
#[cfg(guest_kernel = "pairwise-raw")]
const KERNEL: ByteKernel = crate::pairwise::pairwise_raw;
#[cfg(guest_kernel = "echo")]
const KERNEL: ByteKernel = crate::echo::echo;
#[cfg(guest_kernel = "webhook")]
const KERNEL: ByteKernel = crate::webhook::webhook;
#[cfg(guest_kernel = "host-calls")]
const KERNEL: ByteKernel = crate::host_calls::host_calls_native;

/// Runs the kernel on `len` bytes at `input`; see the module docs.
///
/// # Safety
/// `input` must point to `len` readable bytes and `out_len` to a writable `usize`.
#[no_mangle]
pub unsafe extern "C" fn plugbench_kernel(
    input: *const u8,
    len: usize,
    out_len: *mut usize,
) -> *const u8 {
    let input = std::slice::from_raw_parts(input, len);
    LAST_OUTPUT.with(|last| {
        let mut out = last.borrow_mut();
        out.clear();
        out.push(CORE_STATUS_OK);
        if let Err(KernelError(message)) = KERNEL(input, &mut out) {
            out.clear();
            out.push(CORE_STATUS_ERR);
            out.extend_from_slice(message.as_bytes());
        }
        *out_len = out.len();
        out.as_ptr()
    })
}
