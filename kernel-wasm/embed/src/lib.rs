//! The kernel catalog with the Wasm artifacts built from the same source: one core module and
//! one Extism plugin per kernel (see `build.rs`).

pub use kernel_wasm::catalog::{kernel, same_bytes, Kernel, Mismatch, GAP_KERNELS, KERNELS};
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

/// The extra builds of a gap kernel (`kernel_wasm::catalog::GAP_KERNELS`).
pub struct GapArtifacts {
    pub kernel: &'static str,
    /// The core module built with Wasm SIMD (`+simd128`).
    pub core_simd: &'static [u8],
    /// A one-kernel native shared library (`kernel_wasm::native_library`), compiler defaults.
    pub native: &'static [u8],
    /// The same without auto-vectorization.
    pub native_scalar: &'static [u8],
}

fn gap_artifacts(kernel: &Kernel) -> Option<&'static GapArtifacts> {
    GAP_ARTIFACTS.iter().find(|a| a.kernel == kernel.name)
}

/// The kernel's core module built with Wasm SIMD (`+simd128`), for the gap kernels.
pub fn core_module_simd(kernel: &Kernel) -> Option<&'static [u8]> {
    gap_artifacts(kernel).map(|a| a.core_simd)
}

/// The kernel as a one-kernel native shared library, built with the compiler's defaults or
/// without auto-vectorization, for the gap kernels.
pub fn native_library(kernel: &Kernel, vectorized: bool) -> Option<&'static [u8]> {
    gap_artifacts(kernel).map(|a| {
        if vectorized {
            a.native
        } else {
            a.native_scalar
        }
    })
}

/// Every kernel in one core module: how the guest was built before each kernel got its own
/// module, kept so the gap measurement can show what that build choice moves.
pub fn shared_core_module() -> &'static [u8] {
    SHARED_CORE
}

/// Every kernel in one Extism plugin.
pub fn shared_plugin() -> &'static [u8] {
    SHARED_PLUGIN
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

    #[test]
    fn gap_kernels_have_distinct_simd_and_native_builds() {
        for &name in kernel_wasm::catalog::GAP_KERNELS {
            let kernel = kernel(name).unwrap();
            let simd = core_module_simd(kernel).unwrap();
            assert_eq!(&simd[..4], b"\0asm");
            assert_ne!(
                fingerprint(simd),
                fingerprint(core_module(kernel)),
                "{name}"
            );
            let (vectorized, scalar) = (
                native_library(kernel, true).unwrap(),
                native_library(kernel, false).unwrap(),
            );
            assert_eq!(&vectorized[..4], b"\x7fELF");
            assert_ne!(fingerprint(vectorized), fingerprint(scalar), "{name}");
        }
    }

    #[test]
    fn the_shared_builds_are_modules_of_their_own() {
        for (shared, own) in [
            (
                shared_core_module(),
                core_module as fn(&Kernel) -> &'static [u8],
            ),
            (shared_plugin(), pdk_plugin),
        ] {
            assert_eq!(&shared[..4], b"\0asm");
            for kernel in KERNELS {
                assert_ne!(
                    fingerprint(shared),
                    fingerprint(own(kernel)),
                    "{}",
                    kernel.name
                );
                assert!(shared.len() > own(kernel).len(), "{}", kernel.name);
            }
        }
    }
}
