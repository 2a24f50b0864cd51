//! The kernel catalog with the Wasm artifacts built from the same source: one core module and
//! one Extism plugin per kernel (see `build.rs`).

pub use kernel_wasm::catalog::{kernel, Kernel, KERNELS};
pub use kernel_wasm::{ByteKernel as NativeFn, KernelError, CORE_STATUS_ERR, CORE_STATUS_OK};

/// The host function behind the `host-calls` kernel's import; every host provides this one.
pub use kernel_wasm::host_calls::host_mix;

include!(concat!(env!("OUT_DIR"), "/artifacts.rs"));

fn artifacts(kernel: &Kernel) -> &'static (&'static str, &'static [u8], &'static [u8]) {
    ARTIFACTS
        .iter()
        .find(|(name, _, _)| *name == kernel.name)
        .unwrap_or_else(|| panic!("kernel `{}` has no Wasm build", kernel.name))
}

/// The kernel's core module (plain ABI, see `kernel_wasm::core_abi`): identical bytes for every
/// runtime that loads core modules (a static, so every use is the same address).
pub fn core_module(kernel: &Kernel) -> &'static [u8] {
    artifacts(kernel).1
}

/// The same kernel built with extism-pdk.
pub fn pdk_plugin(kernel: &Kernel) -> &'static [u8] {
    artifacts(kernel).2
}

/// A short, stable fingerprint of an artifact (FNV-1a 64), so a report shows that the
/// runtimes loading the core module really loaded identical bytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_has_its_own_modules() {
        let mut seen = std::collections::BTreeSet::new();
        for kernel in KERNELS {
            for bytes in [core_module(kernel), pdk_plugin(kernel)] {
                assert_eq!(&bytes[..4], b"\0asm", "{}", kernel.name);
                assert!(seen.insert(fingerprint(bytes)), "{}", kernel.name);
            }
        }
        assert_eq!(ARTIFACTS.len(), KERNELS.len());
    }
}
