//! A configuration given another build of the guest than its own, for the gap measurement:
//! the same runtime, only [`RuntimeInfo::guest`] differs, so the worker loads the other bytes.

use crate::{
    AnyModule, Compiled, GuestBuild, GuestFormat, Program, Runtime, RuntimeError, RuntimeInfo,
};

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
