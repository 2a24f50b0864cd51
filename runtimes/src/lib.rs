//! The `Runtime` trait, shaped like the phases a plugin host goes through (compile bytes
//! into a module, instantiate it, call it with input bytes), the registry every runtime is
//! declared in, and what the adapters share. Each engine's adapter is a crate of its own beside
//! this one (`runtimes/<engine>/`), linked only into that engine's worker binary: nothing else
//! names a runtime or uses its API, and the runner, which links no engine, learns the
//! declarations from the workers.

mod any_module;
/// The byte ABI every core-module adapter drives (`kernel_wasm::core_abi`'s host side).
pub mod core_abi;
mod cpu;
mod guest_build;
mod invoke;
mod known;
/// The program a runtime runs, and what core-module adapters share to run any of them.
pub mod program;
mod registry;
mod sequence;
mod wasi;
/// The Sightglass-style benchmark markers every WASI adapter provides.
pub mod wasi_bench;

use std::fmt::{Debug, Display};
use std::path::Path;

pub use any_module::{digest, not_a_number, resolved, AnyInstance, AnyModule};
pub use cpu::lacks_x86_64_v3;
pub use invoke::{invoked, results_from_text, results_text, Invocation};
pub use kernel_embed::{Kernel, KERNELS};
pub use known::{KnownDifference, Symptom};
pub use plugbench_data::{
    Arg, Guard, GuardSupport, GuestBuild, ModuleShape, NativeBuild, Sequence, Step, Value,
    ValueType,
};
pub use program::{Link, Program};
pub use registry::{
    shared_variant, simd_variant, Configuration, Declarations, Declared, Description, Embeds,
    Entry, Registry, SandboxSupport, Worker, EMBEDDED_ENGINES, WORKERS,
};
pub use sequence::{sequenced, Lifecycle};
pub use wasi::{
    capped, drain, outcome, outcome_bytes, outcome_from_bytes, wasi_build_note, wasi_built_in,
    wasi_call, Captured, Ended, Preopen, WasiEntry, WasiInstance, WasiOutcome, WasiProgram,
    WasiSetup, BENCH_MODULE, STREAM_CAP,
};

/// Which build of the kernel a runtime loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestFormat {
    /// The kernel compiled into this binary: the baseline.
    Native,
    /// The kernel's plain core module with the documented ABI; identical bytes for every such runtime.
    CoreModule,
    /// The same kernel built with extism-pdk.
    PdkPlugin,
    /// The core module built with Wasm SIMD (`+simd128`); gap kernels only.
    CoreModuleSimd,
    /// Every kernel in one core module (the gap measurement's shared build).
    CoreModuleShared,
    /// Every kernel in one extism-pdk plugin.
    PdkPluginShared,
    /// The kernel as a one-kernel native shared library built one of three ways; gap kernels
    /// only.
    NativeLibrary { build: NativeBuild },
    /// The kernel as a component with a typed WIT interface (`kernel-wasm/wit/kernels.wit`).
    Component,
}

impl GuestFormat {
    /// The embedded build of `kernel` in this format (empty for native code, and for a
    /// kernel that has no build in this format).
    pub fn artifact(self, kernel: &Kernel) -> &'static [u8] {
        match self {
            GuestFormat::Native => &[],
            GuestFormat::CoreModule => kernel_embed::core_module(kernel),
            GuestFormat::PdkPlugin => kernel_embed::pdk_plugin(kernel),
            GuestFormat::CoreModuleSimd => kernel_embed::core_module_simd(kernel).unwrap_or(&[]),
            GuestFormat::CoreModuleShared => kernel_embed::shared_core_module(),
            GuestFormat::PdkPluginShared => kernel_embed::shared_plugin(),
            GuestFormat::NativeLibrary { build } => {
                kernel_embed::native_library(kernel, build).unwrap_or(&[])
            }
            GuestFormat::Component => kernel_embed::component(kernel),
        }
    }

    /// Whether `kernel` is built in this format.
    pub fn available(self, kernel: &Kernel) -> bool {
        self == GuestFormat::Native || !self.artifact(kernel).is_empty()
    }

    pub fn label(self) -> &'static str {
        match self {
            GuestFormat::Native => "native code",
            GuestFormat::CoreModule => "core module",
            GuestFormat::PdkPlugin => "pdk plugin",
            GuestFormat::CoreModuleSimd => "core module with SIMD",
            GuestFormat::CoreModuleShared => "core module, every kernel in one",
            GuestFormat::PdkPluginShared => "pdk plugin, every kernel in one",
            GuestFormat::NativeLibrary { build } => build.label(),
            GuestFormat::Component => "component",
        }
    }
}

impl std::fmt::Display for GuestFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A kernel's input bytes as the `list<s64>` its component takes (`Typed::Integers`).
pub fn decode_integers(input: &[u8]) -> Result<Vec<i64>, RuntimeError> {
    if !input.len().is_multiple_of(8) {
        return Err(RuntimeError::Guest(format!(
            "input is {} bytes, not a whole number of little-endian i64 values",
            input.len()
        )));
    }
    Ok(input
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().expect("8-byte chunk")))
        .collect())
}

/// Fuel given to a fuel-metered instance: never exhausted by a benchmark, so what is
/// measured is the counting, not a trap.
pub const FUEL: u64 = u64::MAX / 2;
/// Linear-memory cap of a memory-limited instance (far above what any kernel here uses).
pub const MEMORY_LIMIT_BYTES: usize = 256 << 20;
/// The same cap in Wasm pages (64 KiB), the unit most runtimes take it in.
pub const MEMORY_LIMIT_PAGES: u32 = (MEMORY_LIMIT_BYTES / 65536) as u32;

/// The memory cap in words, for configurations and reports.
pub fn memory_limit_text() -> String {
    format!("{} MiB", MEMORY_LIMIT_BYTES >> 20)
}
/// Deadline of a deadline-guarded call (never reached here: the check is what costs).
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);

/// What a runtime says about itself; it goes into every report (its name is its
/// [`RuntimeEntry`]'s).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuntimeInfo {
    /// The crate that implements it and its exact version from Cargo.lock.
    pub crate_name: String,
    pub crate_version: String,
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
    #[error("the guest reported an error: {0}")]
    Guest(String),
    #[error("not supported by this runtime")]
    Unsupported,
}

impl RuntimeError {
    pub fn setup(e: impl Display + Debug) -> Self {
        Self::Setup(describe(e))
    }
    pub fn compile(e: impl Display + Debug) -> Self {
        Self::Compile(describe(e))
    }
    pub fn instantiate(e: impl Display + Debug) -> Self {
        Self::Instantiate(describe(e))
    }
    pub fn call(e: impl Display + Debug) -> Self {
        Self::Call(describe(e))
    }
}

/// A runtime's error in words: its message with causes, or its debug form when the message
/// says nothing more than its kind (some runtimes display a bare "trap").
fn describe(e: impl Display + Debug) -> String {
    let shown = format!("{e:#}");
    let debug = format!("{e:?}");
    if shown.trim().is_empty()
        || (shown.split_whitespace().count() < 2 && debug.len() > shown.len())
    {
        debug
    } else {
        shown
    }
}

/// One runtime, configured. Creating it (engine setup) is not a measured phase.
pub trait Runtime {
    fn info(&self) -> RuntimeInfo;

    /// Whether it can run `program`, or why not.
    fn hosts(&self, program: &Program) -> Result<(), String> {
        self.info().guest.hosts(program)
    }

    /// Compile (or validate/translate) `bytes` into a module that runs `program`. Without
    /// `cache` no cache of any kind is used; with it, the runtime's own compilation cache,
    /// stored in that absolute directory (reported apart, as `compile (cached)`). `bytes` is
    /// the artifact of [`RuntimeInfo::guest`] for a kernel; native code ignores it.
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError>;

    /// Loads a module saved by [`Compiled::serialize`] on this runtime, to run `program`.
    fn load(
        &self,
        _program: &Program,
        _artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }

    /// Compiles any core module that imports nothing, for calls by export name
    /// ([`AnyInstance::invoke`]): what the fuzzer and the proposal probes run. Runtimes that
    /// only run their own plugin format say [`RuntimeError::Unsupported`].
    fn compile_any(&self, _bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
}

/// A compiled module, ready to be instantiated any number of times. `Send + Sync`: a host
/// under load shares one compiled module among its threads, each with instances of its own,
/// as an embedding shares one engine and module.
pub trait Compiled: Send + Sync {
    /// Phase 2: a fresh instance with its own memory.
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError>;

    /// Saves the compiled code so [`Runtime::load`] can skip compilation.
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
}

/// A live instance. Not `Send`: a host thread makes its own (tinywasm's store cannot move
/// between threads).
pub trait Instance {
    /// Phase 3: one call of the kernel. Input bytes in, output bytes out (owned by the host).
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError>;

    /// The time the guest itself marked in the last call (a Sightglass-style benchmark's
    /// `bench.start` to `bench.end`, a call sequence's timed call), which then is the warm
    /// figure instead of the whole call.
    fn region_ns(&self) -> Option<f64> {
        None
    }

    /// A call sequence's setup and teardown (none for any other program).
    fn lifecycle(&mut self) -> Option<&mut dyn Lifecycle> {
        None
    }
}
