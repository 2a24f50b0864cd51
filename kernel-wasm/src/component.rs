//! The kernels as components (`--features component`): each world of `wit/kernels.wit` is one
//! kernel with typed data, implemented by the same functions the core module and the extism
//! plugin run. `kernel-wasm/embed/build.rs` turns the core module wit-bindgen makes into a
//! component with wit-component.
//!
//! Where the byte ABI decodes its input inside the guest, a typed interface has the canonical
//! ABI do it: `pairwise-raw` gets its values as `list<s64>` and runs [`crate::pairwise::pairwise`]
//! on them directly; the JSON kernels get `string` and run the byte kernel on its bytes.

// Only the kernel this build carries is compiled (see `build.rs`).
#![allow(unused_imports, dead_code)]

use crate::{ByteKernel, KernelError};

/// A text kernel's output as the `result<string, string>` its world returns.
fn text(kernel: ByteKernel, input: &str) -> Result<String, String> {
    let mut out = Vec::new();
    kernel(input.as_bytes(), &mut out).map_err(|KernelError(message)| message)?;
    // The JSON kernels write serde_json's output, which is UTF-8; checked all the same, since
    // a wrong string would be the canonical ABI's error, not a kernel's.
    String::from_utf8(out).map_err(|e| format!("the kernel's output is not UTF-8: {e}"))
}

#[cfg(guest_kernel = "pairwise-json")]
mod world {
    wit_bindgen::generate!({ path: "wit", world: "pairwise-json" });
    struct Kernel;
    impl Guest for Kernel {
        fn run(input: String) -> Result<String, String> {
            super::text(crate::pairwise::pairwise_json, &input)
        }
    }
    export!(Kernel);
}

#[cfg(guest_kernel = "pairwise-raw")]
mod world {
    wit_bindgen::generate!({ path: "wit", world: "pairwise-raw" });
    struct Kernel;
    impl Guest for Kernel {
        fn pairwise_raw(values: Vec<i64>) -> Vec<i64> {
            crate::pairwise::pairwise(&values)
        }
    }
    export!(Kernel);
}

#[cfg(guest_kernel = "echo")]
mod world {
    wit_bindgen::generate!({ path: "wit", world: "echo" });
    struct Kernel;
    impl Guest for Kernel {
        fn echo(input: Vec<u8>) -> Vec<u8> {
            // The same copy the byte ABI's echo makes, so both builds do the same work.
            let mut out = Vec::new();
            let copied = crate::echo::echo(&input, &mut out);
            debug_assert!(copied.is_ok());
            out
        }
    }
    export!(Kernel);
}

#[cfg(guest_kernel = "host-calls")]
mod world {
    wit_bindgen::generate!({ path: "wit", world: "host-calls" });
    struct Kernel;
    impl Guest for Kernel {
        fn host_calls(values: Vec<i64>) -> Vec<i64> {
            crate::host_calls::chain(&values, &mut |v| host_mix(v))
        }
    }
    export!(Kernel);
}

#[cfg(guest_kernel = "webhook")]
mod world {
    wit_bindgen::generate!({ path: "wit", world: "webhook" });
    struct Kernel;
    impl Guest for Kernel {
        fn webhook(event: String) -> Result<String, String> {
            super::text(crate::webhook::webhook, &event)
        }
    }
    export!(Kernel);
}
