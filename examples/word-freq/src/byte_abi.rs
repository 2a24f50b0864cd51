//! plugbench's byte ABI (docs/extending.md): the host allocates the input with `alloc`, writes
//! it, calls the export with (ptr, len), and reads `(out_ptr << 32) | out_len`; the output starts
//! with a status byte, 0 for success (then the output) or 1 for an error (then its message).

use std::cell::RefCell;

thread_local! {
    // The output stays valid until the next call, so the host can copy it out.
    static LAST_OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len as usize)).as_mut_ptr()
}

/// # Safety
/// `ptr` must come from [`alloc`] with the same `len`, and not have been passed to the export.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: u32) {
    drop(Vec::from_raw_parts(ptr, 0, len as usize));
}

/// # Safety
/// `ptr`/`len` must be an [`alloc`] buffer of `len` bytes, written by the host; this takes it.
#[no_mangle]
pub unsafe extern "C" fn word_freq(ptr: *mut u8, len: u32) -> u64 {
    let input = Vec::from_raw_parts(ptr, len as usize, len as usize);
    let out = match std::str::from_utf8(&input) {
        Ok(text) => [&[0u8][..], super::word_freq(text).as_bytes()].concat(),
        Err(e) => [&[1u8][..], format!("input is not UTF-8: {e}").as_bytes()].concat(),
    };
    let packed = ((out.as_ptr() as u64) << 32) | out.len() as u64;
    LAST_OUTPUT.with(|last| *last.borrow_mut() = out);
    packed
}
