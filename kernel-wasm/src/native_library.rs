//! One kernel as a native shared library, for the native rows of the gap measurement
//! (`plugbench` loads it with `dlopen`): the same one-kernel build as the Wasm modules, for the
//! host, so it can also be built without auto-vectorization and compared with the guest.
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | the kernel's export name (`run` for the seed kernel) | `(input: *const u8, len: usize, out_len: *mut usize) -> *const u8` | runs the kernel |
//!
//! This is the native form of the byte ABI (docs/extending.md): a user's native build of a
//! byte-ABI plugin (`compare --module ... --native LIB.so`) exports its function the same way.
//!
//! The output starts with the status byte of the core ABI ([`crate::CORE_STATUS_OK`] or
//! [`crate::CORE_STATUS_ERR`] then a message) and stays valid until the next call in the
//! same thread.

use std::cell::RefCell;

use crate::{ByteKernel, KernelError, CORE_STATUS_ERR, CORE_STATUS_OK};

thread_local! {
    static LAST_OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Exports each kernel under its export name; the build's `cfg(guest_kernel)` keeps its own.
macro_rules! export {
    ($({ name: $name:literal, export: $export:ident, guest: $guest:path, native: $native:path, $($rest:tt)* })*) => {$(
        #[cfg(guest_kernel = $name)]
        /// Runs the kernel on `len` bytes at `input`; see the module docs.
        ///
        /// # Safety
        /// `input` must point to `len` readable bytes and `out_len` to a writable `usize`.
        #[no_mangle]
        pub unsafe extern "C" fn $export(
            input: *const u8,
            len: usize,
            out_len: *mut usize,
        ) -> *const u8 {
            call($native, input, len, out_len)
        }
    )*};
}

kernels!(export);

/// # Safety
/// See the exports above.
#[allow(dead_code)] // only the kernel of this build calls it
unsafe fn call(kernel: ByteKernel, input: *const u8, len: usize, out_len: *mut usize) -> *const u8 {
    let input = std::slice::from_raw_parts(input, len);
    LAST_OUTPUT.with(|last| {
        let mut out = last.borrow_mut();
        out.clear();
        out.push(CORE_STATUS_OK);
        if let Err(KernelError(message)) = kernel(input, &mut out) {
            out.clear();
            out.push(CORE_STATUS_ERR);
            out.extend_from_slice(message.as_bytes());
        }
        *out_len = out.len();
        out.as_ptr()
    })
}
