//! The baseline: the kernel compiled natively into this binary, called through the same
//! byte-level interface (JSON in, JSON out) as the Wasm builds.

use kernel_embed::NativeFn;

use runtimes::{
    Compiled, Configuration, GuestFormat, Instance, Program, Runtime, RuntimeError, RuntimeInfo,
};

pub struct Native;

pub fn configurations() -> Vec<Configuration> {
    vec![Configuration::baseline("native", || Native)]
}

impl Runtime for Native {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            crate_name: "rustc".into(),
            crate_version: "host build".into(),
            config: "kernel linked into its worker, same profile as the runtimes' workers".into(),
            guest: GuestFormat::Native,
            supports_artifacts: false,
        }
    }

    /// Linked in already: nothing to compile, nothing to cache.
    fn compile(
        &self,
        program: &Program,
        _bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        match (program, cache) {
            (Program::Kernel(kernel), None) => Ok(Box::new(NativeKernel(kernel.native))),
            _ => Err(RuntimeError::Unsupported),
        }
    }
}

struct NativeKernel(NativeFn);

impl Compiled for NativeKernel {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        Ok(Box::new(NativeKernel(self.0)))
    }
}

impl Instance for NativeKernel {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        let mut out = Vec::new();
        (self.0)(input, &mut out).map_err(|e| RuntimeError::Guest(e.0))?;
        Ok(out)
    }
}
