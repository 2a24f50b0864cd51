//! A configuration given the guest built with Wasm SIMD instead of the plain core module: the
//! same runtime, only [`RuntimeInfo::guest`] differs, so the worker loads the other bytes.

use kernel_embed::Kernel;

use crate::{AnyModule, Compiled, GuestFormat, Runtime, RuntimeError, RuntimeInfo};

pub struct SimdGuest(pub Box<dyn Runtime>);

impl Runtime for SimdGuest {
    fn info(&self) -> RuntimeInfo {
        let mut info = self.0.info();
        info.guest = GuestFormat::CoreModuleSimd;
        info.config += "; guest built with -C target-feature=+simd128";
        info
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        self.0.compile(kernel, bytes)
    }

    fn compile_cached(
        &self,
        kernel: &Kernel,
        bytes: &[u8],
        cache_dir: &std::path::Path,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        self.0.compile_cached(kernel, bytes, cache_dir)
    }

    fn load_artifact(
        &self,
        kernel: &Kernel,
        artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        self.0.load_artifact(kernel, artifact)
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        self.0.compile_any(bytes)
    }
}
