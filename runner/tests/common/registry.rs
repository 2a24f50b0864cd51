//! Every adapter's runtimes in this test process, in the workers' report order: what the
//! worker binaries make one engine each, made here side by side to test the adapters together.

use runtimes::{Declarations, Entry, Registry, Runtime, RuntimeError, SandboxSupport};

pub fn registry() -> Registry {
    let mut all = runtime_native::configurations();
    all.extend(runtime_wasmtime::configurations());
    all.extend(runtime_wasmtime::component_configurations());
    all.extend(runtime_wasmtime43::configurations());
    all.extend(runtime_wasmer::configurations());
    #[cfg(feature = "wasmer-llvm")]
    all.push(runtime_wasmer_llvm::llvm());
    all.extend(runtime_wasmi::configurations());
    all.extend(runtime_wasmi031::configurations());
    all.extend(runtime_tinywasm::configurations());
    all.extend(runtime_extism::configurations());
    Registry::new(all)
}

pub fn declarations() -> Declarations {
    registry().declarations()
}

pub fn all() -> Vec<Entry> {
    declarations().entries()
}

pub fn create(name: &str) -> Result<Box<dyn Runtime>, RuntimeError> {
    registry().create(name)
}

pub fn names() -> Vec<String> {
    declarations().names()
}

pub fn default_names() -> Vec<String> {
    declarations().default_names()
}

pub fn baseline_name() -> Option<String> {
    declarations().baseline_name()
}

pub fn sandbox_support() -> Vec<SandboxSupport> {
    declarations().sandbox_support()
}

pub fn simd_support() -> Vec<(String, Result<String, String>)> {
    declarations().simd_support()
}

pub fn shared_support() -> Vec<(String, String)> {
    declarations().shared_support()
}
