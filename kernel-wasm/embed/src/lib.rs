//! The kernel catalog with the Wasm artifacts built from the same source: one core module and
//! one Extism plugin and one component per kernel (see `build.rs`).

pub use kernel_wasm::catalog::{kernel, same_bytes, Kernel, Mismatch, Typed, GAP_KERNELS, KERNELS};
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

/// The kernel as a component with its typed WIT world (`kernel-wasm/wit/kernels.wit`).
pub fn component(kernel: &Kernel) -> &'static [u8] {
    COMPONENTS
        .iter()
        .find(|(name, _)| *name == kernel.name)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_else(|| panic!("kernel `{}` has no component build", kernel.name))
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
    /// The same for x86-64-v3 (AVX2, BMI2, FMA, ...); empty on a host that is not x86-64.
    pub native_v3: &'static [u8],
}

pub use plugbench_data::NativeBuild;

fn gap_artifacts(kernel: &Kernel) -> Option<&'static GapArtifacts> {
    GAP_ARTIFACTS.iter().find(|a| a.kernel == kernel.name)
}

/// The kernel's core module built with Wasm SIMD (`+simd128`), for the gap kernels.
pub fn core_module_simd(kernel: &Kernel) -> Option<&'static [u8]> {
    gap_artifacts(kernel).map(|a| a.core_simd)
}

/// The kernel as a one-kernel native shared library built the given way, for the gap kernels
/// (and, for x86-64-v3, on an x86-64 host).
pub fn native_library(kernel: &Kernel, build: NativeBuild) -> Option<&'static [u8]> {
    let a = gap_artifacts(kernel)?;
    let bytes = match build {
        NativeBuild::Default => a.native,
        NativeBuild::NotVectorized => a.native_scalar,
        NativeBuild::X86_64V3 => a.native_v3,
    };
    (!bytes.is_empty()).then_some(bytes)
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
                native_library(kernel, NativeBuild::Default).unwrap(),
                native_library(kernel, NativeBuild::NotVectorized).unwrap(),
            );
            assert_eq!(&vectorized[..4], b"\x7fELF");
            assert_ne!(fingerprint(vectorized), fingerprint(scalar), "{name}");
            let v3 = native_library(kernel, NativeBuild::X86_64V3);
            if cfg!(target_arch = "x86_64") {
                let v3 = v3.unwrap();
                assert_ne!(fingerprint(v3), fingerprint(vectorized), "{name}");
            } else {
                assert!(v3.is_none(), "built only for an x86-64 host");
            }
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
