//! What a runtime is asked to run: the [`Program`], decided before anything is compiled. A
//! runtime compiles bytes for a program and loads an artifact for one; how the program is
//! then called (the byte ABI, an extism call, a numeric export, a WASI start) is its adapter's
//! business, so one `compile` and one `load` serve every kind of program.

use kernel_embed::Kernel;
use serde::{Deserialize, Serialize};

use crate::{
    invoked, sequenced, wasi_call, AnyModule, Compiled, Invocation, RuntimeError, Sequence,
    WasiProgram,
};
use crate::{GuestFormat, WasiSetup};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// A built-in kernel, in the build its runtime loads ([`GuestFormat`]), by name in files.
    Kernel(#[serde(with = "by_name")] &'static Kernel),
    /// A user's module with plugbench's byte ABI: `export` called with bytes in and out.
    ByteAbi { export: String },
    /// A user's extism plugin: `export` called with bytes; `wasi` for a plugin that imports
    /// WASI (extism's WASI is on for it, with the directories given).
    ExtismPlugin {
        export: String,
        wasi: Option<WasiSetup>,
    },
    /// A numeric export of a user's module, called with fixed arguments.
    Invocation(Invocation),
    /// A user's module with a lifecycle: setup, the timed call, a check, teardown.
    Sequence(Sequence),
    /// A user's WASI preview 1 program (a command, a reactor or a Sightglass-style benchmark).
    Wasi(WasiSetup),
    /// A user's component: an exported function called with typed values, written as a call
    /// in the WAVE format (`name(arg, ...)`, as `wasmtime run --invoke` takes it); its output
    /// is the results in WAVE.
    ComponentCall { call: String },
    /// A user's WASI 0.2 command: a component exporting `wasi:cli/run`, started as a WASI
    /// preview 1 command is.
    ComponentCommand(WasiSetup),
    /// A user's module with the modules it imports from (`--link`): each instantiated before
    /// it, in the same store, in order, and its exports given as import module `name`.
    Linked {
        program: Box<Program>,
        links: Vec<Link>,
    },
}

/// A module another imports from, by the import module name it provides.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub name: String,
    pub bytes: Vec<u8>,
    /// It imports WASI preview 1 itself.
    pub imports_wasi: bool,
}

/// A built-in kernel written as its name.
mod by_name {
    use kernel_embed::Kernel;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kernel: &&'static Kernel, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kernel.name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static Kernel, D::Error> {
        let name = String::deserialize(d)?;
        kernel_embed::kernel(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown kernel `{name}`")))
    }
}

impl Program {
    /// The export a byte call goes to (none for a numeric call or a WASI program).
    pub fn byte_export(&self) -> Option<&str> {
        match self {
            Program::Kernel(kernel) => Some(kernel.export),
            Program::ByteAbi { export } | Program::ExtismPlugin { export, .. } => Some(export),
            Program::Invocation(_)
            | Program::Sequence(_)
            | Program::Wasi(_)
            | Program::ComponentCall { .. }
            | Program::ComponentCommand(_) => None,
            Program::Linked { program, .. } => program.byte_export(),
        }
    }

    /// The program without its linked modules, and those modules.
    pub fn unlinked(&self) -> (&Program, &[Link]) {
        match self {
            Program::Linked { program, links } => (program, links),
            other => (other, &[]),
        }
    }
}

impl GuestFormat {
    /// Whether a runtime that loads this format can run `program`, or why not. A WASI program
    /// is refused here: a runtime whose adapter wires WASI answers for it itself.
    pub fn hosts(self, program: &Program) -> Result<(), String> {
        let why = match (self, program) {
            (_, Program::Linked { program, .. }) => return self.hosts(program),
            (_, Program::Kernel(_)) => return Ok(()),
            (
                GuestFormat::Component,
                Program::ComponentCall { .. } | Program::ComponentCommand(_),
            ) => return Ok(()),
            (_, Program::ComponentCall { .. } | Program::ComponentCommand(_)) => {
                "it runs core modules, not components (the `-component` configurations do)"
            }
            (
                GuestFormat::CoreModule,
                Program::ByteAbi { .. } | Program::Invocation(_) | Program::Sequence(_),
            ) => return Ok(()),
            (GuestFormat::PdkPlugin, Program::ExtismPlugin { .. }) => return Ok(()),
            (
                GuestFormat::NativeLibrary { .. },
                Program::ByteAbi { .. } | Program::ExtismPlugin { .. } | Program::Invocation(_),
            ) => return Ok(()),
            (GuestFormat::CoreModule, Program::Wasi(_)) => {
                "its adapter does not wire a WASI implementation"
            }
            (GuestFormat::PdkPlugin, Program::Wasi(_)) => {
                "extism's WASI switch gives a plugin no arguments or stdin, and its stdout and \
                 stderr go nowhere (or to the host process's own), so a program's output cannot \
                 be captured or checked"
            }
            (GuestFormat::PdkPlugin, _) => "it runs extism plugins only",
            (GuestFormat::CoreModule, Program::ExtismPlugin { .. }) => {
                "it has no extism kernel (the plugin imports `extism:host/env`)"
            }
            (GuestFormat::NativeLibrary { .. }, Program::Sequence(_)) => {
                "a native library is called by one function, not through a call sequence"
            }
            (GuestFormat::NativeLibrary { .. }, _) => {
                "a native library is called by function, not run as a WASI program"
            }
            (GuestFormat::Native, _) => "it is the built-in kernels' native build",
            (GuestFormat::Component, _) => "it runs components, and this is a core module",
            (GuestFormat::CoreModuleSimd, _) => {
                "it is the gap measurement's SIMD build of the built-in kernels"
            }
            (GuestFormat::CoreModuleShared | GuestFormat::PdkPluginShared, _) => {
                "it is the gap measurement's build of every built-in kernel in one module"
            }
        };
        Err(why.into())
    }
}

/// A core module compiled by an engine, before it is known how it will be called: every
/// adapter of a core-module runtime has one, and [`core_program`] makes it the program.
pub trait Code: AnyModule + Sized + 'static {
    /// Called through the byte ABI at `export`.
    fn byte_abi(self, export: String) -> Box<dyn Compiled>;
    /// Run as a WASI program (where the adapter wires WASI).
    fn wasi(self) -> Result<Box<dyn WasiProgram>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
    /// The same code with `links` compiled by the same engine, to be instantiated before it in
    /// every store (its artifact is then not saved: it would not hold them).
    fn link(self, links: &[Link]) -> Result<Self, RuntimeError>;
}

/// `code` called as `program` says.
pub fn core_program(program: &Program, code: impl Code) -> Result<Box<dyn Compiled>, RuntimeError> {
    match program {
        Program::Kernel(kernel) => Ok(code.byte_abi(kernel.export.to_string())),
        Program::ByteAbi { export } => Ok(code.byte_abi(export.clone())),
        Program::Invocation(invocation) => Ok(invoked(Box::new(code), invocation)),
        Program::Sequence(sequence) => Ok(sequenced(Box::new(code), sequence)),
        Program::Wasi(setup) => Ok(wasi_call(code.wasi()?, setup)),
        Program::ExtismPlugin { .. }
        | Program::ComponentCall { .. }
        | Program::ComponentCommand(_) => Err(RuntimeError::Unsupported),
        Program::Linked { program, links } => core_program(program, code.link(links)?),
    }
}

/// Each of `links` compiled by `compile`, with its import module name.
pub fn compile_links<M, E: std::fmt::Display + std::fmt::Debug>(
    links: &[Link],
    compile: impl Fn(&[u8]) -> Result<M, E>,
) -> Result<Vec<(String, M)>, RuntimeError> {
    links
        .iter()
        .map(|link| {
            let module = compile(&link.bytes)
                .map_err(|e| link_error(&link.name, e, RuntimeError::Compile))?;
            Ok((link.name.clone(), module))
        })
        .collect()
}

/// A linked module that failed to compile or instantiate, named.
pub fn link_error(
    link: &str,
    error: impl std::fmt::Display + std::fmt::Debug,
    phase: fn(String) -> RuntimeError,
) -> RuntimeError {
    phase(format!("linked module `{link}`: {error:#}"))
}
