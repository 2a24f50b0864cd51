//! The native form of the byte ABI (docs/extending.md): the same function for
//! `plugbench compare --module word-freq.wasm --native libexample_word_freq.so`, so the plugin's
//! own native build is the baseline. The output (a status byte, then the text) stays valid
//! until the next call on the same thread.

use std::cell::RefCell;

thread_local! {
    static LAST_OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// # Safety
/// `input` must point to `len` readable bytes and `out_len` to a writable `usize`.
#[no_mangle]
pub unsafe extern "C" fn word_freq(input: *const u8, len: usize, out_len: *mut usize) -> *const u8 {
    let input = std::slice::from_raw_parts(input, len);
    LAST_OUTPUT.with(|last| {
        let mut out = last.borrow_mut();
        out.clear();
        match std::str::from_utf8(input) {
            Ok(text) => {
                out.push(0);
                out.extend_from_slice(super::word_freq(text).as_bytes());
            }
            Err(e) => {
                out.push(1);
                out.extend_from_slice(format!("input is not UTF-8: {e}").as_bytes());
            }
        }
        *out_len = out.len();
        out.as_ptr()
    })
}
