//! What a worker runs: a built-in kernel at a size, or a user's module with its call. The
//! scheduler, the worker protocol and the reports treat both alike; only the worker's setup
//! (which bytes, which input, what the output is checked against) tells them apart.

use std::path::PathBuf;

use plugbench_data::{ModuleShape, Value, ValueType};
use serde::{Deserialize, Serialize};

/// Workloads in run order, each with the runtimes measured on it.
pub type Groups = Vec<(Workload, Vec<String>)>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Workload {
    /// A built-in kernel; its input is generated from `size` and `input_seed`, its output is
    /// checked against the native build.
    Kernel {
        kernel: String,
        size: usize,
        input_seed: u64,
    },
    /// A user's module (`compare --module`).
    Module(Box<ModuleCall>),
}

/// One call of a user's module, the same on every runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleCall {
    pub path: PathBuf,
    /// The file name, which names the workload in reports.
    pub name: String,
    pub shape: ModuleShape,
    pub export: String,
    pub call: CallWith,
    /// Outputs are checked (off for a module whose output legitimately changes between calls).
    pub verify: bool,
    /// A WASI program's start: arguments, environment, directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi: Option<WasiStart>,
    /// A numeric export's result types (what a native build of it returns).
    #[serde(default)]
    pub results: Vec<ValueType>,
    /// The user's native build of the same plugin (`--native`): the native row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<PathBuf>,
    /// The modules it imports from (`--link`), in the order they are instantiated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSpec>,
}

/// A module linked to the user's module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSpec {
    /// The import module name it provides.
    pub name: String,
    pub path: PathBuf,
    pub imports_wasi: bool,
}

/// How a WASI program is started (its stdin is the call's input).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WasiStart {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// (host directory, guest path).
    pub dirs: Vec<(PathBuf, String)>,
    /// Directories are writable (else read-only).
    pub dirs_writable: bool,
}

impl ModuleCall {
    /// What a runtime is asked to run, its linked modules read from their files.
    pub fn linked_program(&self) -> std::io::Result<runtimes::Program> {
        self.program_with(|path| std::fs::read(path))
    }

    /// What a runtime is asked to run, without its linked modules' bytes: enough to ask a
    /// runtime whether it can run it.
    pub fn planned_program(&self) -> runtimes::Program {
        self.program_with(|_| Ok(Vec::new()))
            .expect("no file is read")
    }

    /// The program, with each linked module's bytes as `read` gives them.
    fn program_with(
        &self,
        read: impl Fn(&std::path::Path) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<runtimes::Program> {
        let program = self.program();
        if self.links.is_empty() {
            return Ok(program);
        }
        let links = self
            .links
            .iter()
            .map(|link| {
                Ok(runtimes::Link {
                    name: link.name.clone(),
                    bytes: read(&link.path)?,
                    imports_wasi: link.imports_wasi,
                })
            })
            .collect::<std::io::Result<_>>()?;
        Ok(runtimes::Program::Linked {
            program: Box::new(program),
            links,
        })
    }

    /// What a runtime is asked to run, linked modules aside.
    fn program(&self) -> runtimes::Program {
        use runtimes::Program;
        let export = self.export.clone();
        match (self.shape, &self.call) {
            (shape, _) if shape.is_component() && shape.is_command() => {
                Program::ComponentCommand(self.wasi_setup().unwrap_or_default())
            }
            (_, CallWith::Wave(call)) => Program::ComponentCall { call: call.clone() },
            (ModuleShape::ExtismPlugin, _) => Program::ExtismPlugin {
                export,
                wasi: self.wasi_setup(),
            },
            (shape, _) if shape.is_wasi() => Program::Wasi(self.wasi_setup().unwrap_or_default()),
            (_, CallWith::Sequence(sequence)) => Program::Sequence((**sequence).clone()),
            (_, CallWith::Numbers(args)) => Program::Invocation(runtimes::Invocation {
                export,
                args: args.clone(),
                results: self.results.clone(),
            }),
            (_, CallWith::Input(_)) => Program::ByteAbi { export },
        }
    }

    /// The runtime's view of a WASI program's start.
    pub fn wasi_setup(&self) -> Option<runtimes::WasiSetup> {
        let start = self.wasi.as_ref()?;
        Some(runtimes::WasiSetup {
            program: self.name.clone(),
            args: start.args.clone(),
            env: start.env.clone(),
            dirs: start
                .dirs
                .iter()
                .map(|(host, guest)| runtimes::Preopen {
                    host: host.clone(),
                    guest: guest.clone(),
                    writable: start.dirs_writable,
                })
                .collect(),
            entry: match (&self.call, self.shape) {
                (CallWith::Numbers(args), ModuleShape::WasiReactor) => {
                    runtimes::WasiEntry::Reactor {
                        export: self.export.clone(),
                        args: args.clone(),
                    }
                }
                _ => runtimes::WasiEntry::Command,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallWith {
    /// Numbers in, results out.
    Numbers(Vec<Value>),
    /// A call sequence: setup, the timed call, check, teardown.
    Sequence(Box<plugbench_data::Sequence>),
    /// The bytes of this file in (none: no input), bytes out.
    Input(Option<PathBuf>),
    /// A component's function called with typed values: the call written in WAVE.
    Wave(String),
}

impl Workload {
    /// Its name in reports: the kernel's, or the module file's (with the input's, if any).
    pub fn name(&self) -> String {
        match self {
            Workload::Kernel { kernel, .. } => kernel.clone(),
            Workload::Module(m) => m.name.clone(),
        }
    }

    /// Its size in reports: the kernel's size, or the input's length in bytes.
    pub fn size(&self) -> usize {
        match self {
            Workload::Kernel { size, .. } => *size,
            Workload::Module(m) => m.input_size(),
        }
    }

    /// Its outputs are checked: a kernel's against native code always, a module's unless
    /// `--no-verify`.
    pub fn verifies(&self) -> bool {
        match self {
            Workload::Kernel { .. } => true,
            Workload::Module(m) => m.verify,
        }
    }

    pub fn input_seed(&self) -> u64 {
        match self {
            Workload::Kernel { input_seed, .. } => *input_seed,
            Workload::Module(_) => 0,
        }
    }

    /// The built-in kernel, if it is one.
    pub fn kernel(&self) -> Option<&'static kernel_embed::Kernel> {
        match self {
            Workload::Kernel { kernel, .. } => kernel_embed::kernel(kernel),
            Workload::Module(_) => None,
        }
    }
}

impl ModuleCall {
    /// Its size in reports: the input's length in bytes (0 without an input).
    pub fn input_size(&self) -> usize {
        match &self.call {
            CallWith::Input(Some(path)) => std::fs::metadata(path)
                .map(|m| m.len() as usize)
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The call as a command line would write it.
    pub fn describe(&self) -> String {
        let program = self.wasi.as_ref().filter(|_| self.shape.is_command());
        if let (Some(start), CallWith::Input(stdin)) = (program, &self.call) {
            let mut line = format!("{} {}", self.name, start.args.join(" "));
            if let Some(path) = stdin {
                line += &format!(" < {}", path.display());
            }
            return line.trim_end().to_string();
        }
        match &self.call {
            CallWith::Numbers(args) => {
                let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                format!("{}({})", self.export, args.join(", "))
            }
            CallWith::Sequence(sequence) => sequence.text(),
            CallWith::Input(Some(path)) => format!("{} < {}", self.export, path.display()),
            CallWith::Input(None) => format!("{} with no input", self.export),
            CallWith::Wave(call) => call.clone(),
        }
    }
}
