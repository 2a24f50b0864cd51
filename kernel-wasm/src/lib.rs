//! Benchmark kernels, written once.
//!
//! The same source is compiled four ways: natively (linked into the native worker as the
//! baseline), as a plain core Wasm module (`--features core-abi`, see [`core_abi`]), as an
//! Extism plugin (`--features extism-plugin`, see `pdk_plugin`) and as a component with a
//! typed WIT interface (`--features component`, see `component` and `wit/kernels.wit`). Every
//! build runs//! exactly the functions below, so a difference in time is the runtime's, not the code's.
//! Each Wasm build exports one kernel, the one named by `PLUGBENCH_GUEST_KERNEL` (see
//! `build.rs`); [`catalog`] lists them.

/// Every kernel, once, in catalog order: its name, its export in every build, the function its
/// Wasm guest runs and the one native code runs (they differ only for `host-calls`, whose guest
/// calls the host through each Wasm build's own import, `host_calls_guest`), its description,
/// how its input is made, how an output is checked and how its component types the data. Each
/// build expands the list with its own macro: the catalog, the core module's exports, the
/// extism plugin's, the native library's. Adding a kernel is its source file, one entry here,
/// and its world in `wit/kernels.wit` with its block in `component.rs`.
#[cfg_attr(feature = "component", allow(unused_macros))] // the component build types its own exports
macro_rules! kernels {
    ($build:ident) => {
        $build! {
            {
                name: "pairwise-json",
                export: run,
                guest: crate::pairwise::pairwise_json,
                native: crate::pairwise::pairwise_json,
                description: "the seed post's O(n^2) loop over Vec<i64>, JSON in and out",
                input: json_i64_input,
                verify: verify_json_i64,
                typed: Text,
            }
            {
                name: "pairwise-raw",
                export: pairwise_raw,
                guest: crate::pairwise::pairwise_raw,
                native: crate::pairwise::pairwise_raw,
                description: "the same loop with raw little-endian i64 bytes in and out (no JSON)",
                input: raw_i64_input,
                verify: verify_raw_i64,
                typed: Integers,
            }
            {
                name: "echo",
                export: echo,
                guest: crate::echo::echo,
                native: crate::echo::echo,
                description: "size bytes in, the same bytes out: the cost of one boundary crossing",
                input: seeded_bytes,
                verify: verify_bytes,
                typed: Bytes,
            }
            {
                name: "host-calls",
                export: host_calls,
                guest: host_calls_guest,
                native: crate::host_calls::host_calls_native,
                description: "size calls from the guest to a host function (i64 in, i64 out), each fed the previous result",
                input: raw_i64_input,
                verify: verify_raw_i64,
                typed: Integers,
            }
            {
                name: "webhook",
                export: webhook,
                guest: crate::webhook::webhook,
                native: crate::webhook::webhook,
                description: "a git push event of size commits as JSON in, a summary (authors, files, one line per commit) as JSON out",
                input: push_event,
                verify: verify_text,
                typed: Text,
            }
        }
    };
}

#[cfg(not(target_arch = "wasm32"))]
pub mod catalog;
pub mod echo;
pub mod host_calls;
pub mod pairwise;
pub mod webhook;

#[cfg(any(
    all(feature = "core-abi", feature = "extism-plugin"),
    all(feature = "core-abi", feature = "component"),
    all(feature = "extism-plugin", feature = "component")
))]
compile_error!("the Wasm builds export the same names; build them separately");

// A Wasm build carries one kernel, as a plugin author's one-purpose crate would: with several
// exports sharing the loop, LLVM compiled it to a slower form (docs/calibration.md, "Build profile").
#[cfg(all(
    any(
        feature = "core-abi",
        feature = "extism-plugin",
        feature = "native-library",
        feature = "component"
    ),
    not(guest_kernel_chosen)
))]
compile_error!("a Wasm build exports one kernel: set PLUGBENCH_GUEST_KERNEL to its catalog name");

#[cfg(feature = "core-abi")]
pub mod core_abi;

#[cfg(feature = "extism-plugin")]
mod pdk_plugin;

#[cfg(feature = "component")]
mod component;

#[cfg(feature = "native-library")]
pub mod native_library;

/// First byte of a core-ABI kernel's output: the kernel succeeded, its output follows.
pub const CORE_STATUS_OK: u8 = 0;
/// First byte of a core-ABI kernel's output: the kernel failed, a UTF-8 message follows.
pub const CORE_STATUS_ERR: u8 = 1;

/// A kernel failed on its input (for example the input was not the JSON it expects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError(pub String);

impl std::fmt::Display for KernelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KernelError {}

/// Signature every kernel has at the byte level: input bytes in, output bytes appended to `out`.
pub type ByteKernel = fn(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError>;

/// Deterministic pseudo-random values in `-1000..=1000` (splitmix64), so every runtime and
/// every run sees the same input for a given `(size, seed)`, and sums stay far from overflow.
pub fn seeded_values(size: usize, seed: u64) -> Vec<i64> {
    let mut state = seed;
    (0..size)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z % 2001) as i64 - 1000
        })
        .collect()
}
