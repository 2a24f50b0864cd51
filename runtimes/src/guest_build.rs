//! A configuration given another build of the guest than its own, for the gap measurement:
//! the same runtime, only [`RuntimeInfo::guest`] differs, so the worker loads the other bytes.

use crate::{AnyModule, Compiled, GuestFormat, Program, Runtime, RuntimeError, RuntimeInfo};

/// Which other build of the guest a gap variant loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestBuild {
    /// The core module built with Wasm SIMD (`+simd128`).
    Simd,
    /// Every kernel in one module (or one plugin, for a runtime that loads plugins).
    Shared,
}

pub struct OtherBuild(pub Box<dyn Runtime>, pub GuestBuild);

impl Runtime for OtherBuild {
    fn info(&self) -> RuntimeInfo {
        let mut info = self.0.info();
        let (guest, note) = match (self.1, info.guest) {
            (GuestBuild::Simd, _) => (
                GuestFormat::CoreModuleSimd,
                "; guest built with -C target-feature=+simd128",
            ),
            (GuestBuild::Shared, GuestFormat::PdkPlugin) => (
                GuestFormat::PdkPluginShared,
                "; guest: every kernel in one plugin",
            ),
            (GuestBuild::Shared, _) => (
                GuestFormat::CoreModuleShared,
                "; guest: every kernel in one module",
            ),
        };
        info.guest = guest;
        info.config += note;
        info
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        self.0.hosts(program)
    }

    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        self.0.compile(program, bytes, cache)
    }

    fn load(&self, program: &Program, artifact: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        self.0.load(program, artifact)
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        self.0.compile_any(bytes)
    }
}
