//! The `Runtime` trait, shaped like the phases a plugin host goes through (compile bytes
//! into a module, instantiate it, call it with input bytes), and one adapter per runtime.
//!
//! Nothing outside `adapters/` and [`registry`] names a runtime or uses its API: the runner
//! measures phases through these traits only.

mod adapters;
#[allow(dead_code)] // unused when no core-module runtime is built in
mod core_abi;
mod registry;

pub use kernel_embed::{Kernel, KERNELS};
pub use registry::{all, baseline_name, create, names, RuntimeEntry};

/// Which build of the kernel a runtime loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestFormat {
    /// The kernel compiled into this binary: the baseline.
    Native,
    /// The plain core module with the documented ABI; identical bytes for every such runtime.
    CoreModule,
    /// The same kernel built with extism-pdk.
    PdkPlugin,
}

impl GuestFormat {
    /// The embedded artifact for this format (empty for native code).
    pub fn artifact(self) -> &'static [u8] {
        match self {
            GuestFormat::Native => &[],
            GuestFormat::CoreModule => kernel_embed::CORE_MODULE,
            GuestFormat::PdkPlugin => kernel_embed::PDK_PLUGIN,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GuestFormat::Native => "native code",
            GuestFormat::CoreModule => "core module",
            GuestFormat::PdkPlugin => "pdk plugin",
        }
    }
}

impl std::fmt::Display for GuestFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What a runtime says about itself; it goes into every report.
#[derive(Debug, Clone)]
pub struct RuntimeInfo {
    pub name: &'static str,
    /// The crate that implements it and its exact version from Cargo.lock.
    pub crate_name: &'static str,
    pub crate_version: &'static str,
    /// How it is configured here (compiler, optimization, caches, ...), in words.
    pub config: String,
    pub guest: GuestFormat,
    /// Whether a compiled module can be saved as an artifact and loaded back.
    pub supports_artifacts: bool,
}

/// Everything that can go wrong inside a runtime, by phase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    #[error("runtime setup failed: {0}")]
    Setup(String),
    #[error("compile failed: {0}")]
    Compile(String),
    #[error("instantiate failed: {0}")]
    Instantiate(String),
    #[error("call trapped or failed: {0}")]
    Call(String),
    #[error("the kernel reported an error: {0}")]
    Guest(String),
    #[error("not supported by this runtime")]
    Unsupported,
}

impl RuntimeError {
    pub(crate) fn setup(e: impl std::fmt::Display) -> Self {
        Self::Setup(format!("{e:#}"))
    }
    pub(crate) fn compile(e: impl std::fmt::Display) -> Self {
        Self::Compile(format!("{e:#}"))
    }
    pub(crate) fn instantiate(e: impl std::fmt::Display) -> Self {
        Self::Instantiate(format!("{e:#}"))
    }
    pub(crate) fn call(e: impl std::fmt::Display) -> Self {
        Self::Call(format!("{e:#}"))
    }
}

/// One runtime, configured. Creating it (engine setup) is not a measured phase.
pub trait Runtime {
    fn info(&self) -> RuntimeInfo;

    /// Phase 1: compile (or validate/translate) `bytes` into a module, with no cache of any kind.
    /// `bytes` is the artifact of [`RuntimeInfo::guest`]; native code ignores it.
    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError>;

    /// Compile with the runtime's own compilation cache on, stored under `cache_dir` (an
    /// absolute, initially empty directory). Reported apart from [`Runtime::compile`], which
    /// never uses a cache.
    fn compile_cached(
        &self,
        _kernel: &Kernel,
        _bytes: &[u8],
        _cache_dir: &std::path::Path,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }

    /// Loads a module saved by [`Compiled::serialize`] on this runtime.
    fn load_artifact(
        &self,
        _kernel: &Kernel,
        _artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
}

/// A compiled module, ready to be instantiated any number of times.
pub trait Compiled {
    /// Phase 2: a fresh instance with its own memory.
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError>;

    /// Saves the compiled code so [`Runtime::load_artifact`] can skip compilation.
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
}

/// A live instance.
pub trait Instance {
    /// Phase 3: one call of the kernel. Input bytes in, output bytes out (owned by the host).
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError>;
}
