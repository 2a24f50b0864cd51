//! A user's own module (`compare --module`, `inspect`): read it, decide how to call it and
//! which runtimes can host it, all before anything is measured.

mod component;
pub mod inspect;
pub mod links;
pub mod types;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plugbench_data::{ModuleShape, Sequence, Step, Value, ValueType};
use runtimes::{Program, WasiSetup};
use sha2::{Digest, Sha256};

pub use inspect::{inspect, Inspection, NotCallable};

use crate::workload::{CallWith, Groups, LinkSpec, ModuleCall, WasiStart};

/// A module file, read and inspected, with the modules linked to it.
pub struct UserModule {
    pub path: PathBuf,
    pub name: String,
    pub bytes: usize,
    pub sha256: String,
    pub inspection: Inspection,
    pub links: Vec<links::Linked>,
}

/// How the user asked for it to be called.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    pub invoke: Option<String>,
    pub args: Vec<String>,
    pub inputs: Vec<PathBuf>,
    pub verify: bool,
    /// A WASI program's environment and directories (its `args` are `args`).
    pub env: Vec<(String, String)>,
    pub dirs: Vec<(PathBuf, String)>,
    pub dirs_writable: bool,
    /// The user's native build of the module (`--native`).
    pub native: Option<PathBuf>,
    /// Modules it imports from (`--link NAME=PATH`), in order.
    pub links: Vec<(String, PathBuf)>,
    /// A call sequence's setup, check and teardown calls (`--setup`, `--check`, `--teardown`),
    /// as written; its timed call is `invoke`.
    pub setup: Option<String>,
    pub check: Option<String>,
    pub teardown: Option<String>,
}

/// Every `*.wasm` file named or in a named directory, sorted within each directory.
pub fn module_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let wasm = |p: &Path| p.extension().is_some_and(|e| e == "wasm");
    expand(paths, wasm, "*.wasm file")
}

/// Every input file named or in a named directory.
pub fn input_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    expand(paths, |_| true, "file")
}

fn expand(paths: &[PathBuf], keep: impl Fn(&Path) -> bool, what: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("read directory {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && keep(p))
                .collect();
            if found.is_empty() {
                bail!("{} has no {what}", path.display());
            }
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("{} does not exist", path.display());
        }
    }
    files
        .into_iter()
        .map(|p| std::fs::canonicalize(&p).with_context(|| format!("resolve {}", p.display())))
        .collect()
}

/// Reads and inspects one module with the modules linked to it (`--link`, read and checked
/// by [`links::load`]); what plugbench cannot call is an error naming why.
pub fn load(path: &Path, linked: Vec<links::Linked>) -> Result<UserModule> {
    let bytes = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
    let names: Vec<&str> = linked.iter().map(|l| l.name.as_str()).collect();
    let inspection = inspect(&bytes, &names).with_context(|| format!("{}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    links::check(&name, &inspection, &linked)?;
    Ok(UserModule {
        path: path.to_path_buf(),
        name,
        bytes: bytes.len(),
        sha256: format!("{:x}", Sha256::digest(&bytes)),
        inspection,
        links: linked,
    })
}

impl UserModule {
    /// The calls to measure: one per input (bytes in), or the one numeric call.
    pub fn calls(&self, request: &CallRequest) -> Result<Vec<ModuleCall>> {
        let shape = self.shape()?;
        if shape.is_component() {
            return self.component_calls(request, shape);
        }
        let sequence = self.sequence(request, shape)?;
        let wasi = self.wasi_start(request)?;
        let export = match (&sequence, shape) {
            (Some(sequence), _) => sequence.run.export.clone(),
            (None, ModuleShape::WasiCommand | ModuleShape::SightglassBench) => {
                self.command_entry(request)?
            }
            _ => self.export(request)?,
        };
        // What a native build of the checked call returns.
        let checked = sequence
            .as_ref()
            .and_then(|s| s.check.as_ref())
            .map_or(export.clone(), |check| check.export.clone());
        let call = |with: CallWith| ModuleCall {
            path: self.path.clone(),
            name: self.name.clone(),
            shape,
            export: export.clone(),
            call: with,
            verify: request.verify,
            wasi: wasi.clone(),
            results: self.results(&checked),
            native: request.native.clone(),
            links: self
                .links
                .iter()
                .map(|l| LinkSpec {
                    name: l.name.clone(),
                    path: l.path().to_path_buf(),
                    imports_wasi: l.inspection.imports_wasi(),
                })
                .collect(),
        };
        if let Some(sequence) = sequence {
            if !request.inputs.is_empty() {
                bail!("a call sequence takes numbers in its calls, not --input");
            }
            return Ok(vec![call(CallWith::Sequence(Box::new(sequence)))]);
        }
        if matches!(
            shape,
            ModuleShape::WasiCommand | ModuleShape::SightglassBench
        ) {
            return self.inputs(request, call);
        }
        if !shape.takes_bytes() {
            if !request.inputs.is_empty() {
                bail!(
                    "`{export}` takes numbers (--arg), not --input: {} is a {}",
                    self.name,
                    shape.label()
                );
            }
            return Ok(vec![call(CallWith::Numbers(
                self.arguments(&export, &request.args)?,
            ))]);
        }
        if !request.args.is_empty() {
            bail!(
                "{} is a {}: it takes --input FILE, not --arg",
                self.name,
                shape.label()
            );
        }
        self.inputs(request, call)
    }

    /// A component's calls: a command's one per input (its stdin), as a WASI program's; a
    /// function's one call with the values written in `--invoke` (WAVE).
    fn component_calls(
        &self,
        request: &CallRequest,
        shape: ModuleShape,
    ) -> Result<Vec<ModuleCall>> {
        if request.setup.is_some() || request.check.is_some() || request.teardown.is_some() {
            bail!("--setup, --check and --teardown call a core module's exports with numbers; {} is a {}", self.name, shape.label());
        }
        if request.native.is_some() {
            bail!("--native stands for a core module's export or a WASI preview 1 program; {} is a {}", self.name, shape.label());
        }
        let command = shape.is_command();
        let (export, with) = if command {
            if request.invoke.is_some() {
                bail!("{} is a {}: it runs `wasi:cli/run`, with --arg, --stdin, --env and --dir, not --invoke", self.name, shape.label());
            }
            ("wasi:cli/run#run".to_string(), None)
        } else {
            if !request.args.is_empty() || !request.inputs.is_empty() {
                bail!("{} is a {}: write its function's arguments in the call, --invoke 'name(arg, ...)' (WAVE, as `wasmtime run --invoke` takes them), not --arg or --input", self.name, shape.label());
            }
            if !request.env.is_empty() || !request.dirs.is_empty() {
                bail!("--env and --dir are for a WASI 0.2 command; {}'s functions are called with no WASI granted", self.name);
            }
            let call = self.wave_call(request)?;
            (call.clone(), Some(CallWith::Wave(call)))
        };
        let call = |with: CallWith| ModuleCall {
            path: self.path.clone(),
            name: self.name.clone(),
            shape,
            export: export.clone(),
            call: with,
            verify: request.verify,
            wasi: command.then(|| WasiStart {
                args: request.args.clone(),
                env: request.env.clone(),
                dirs: request.dirs.clone(),
                dirs_writable: request.dirs_writable,
            }),
            results: Vec::new(),
            native: None,
            links: Vec::new(),
        };
        match with {
            Some(with) => Ok(vec![call(with)]),
            None => self.inputs(request, call),
        }
    }

    /// `--invoke` as a WAVE call of a function the component exports (a bare name: no
    /// arguments); its values are typed against the function by the runtime, at instantiation.
    fn wave_call(&self, request: &CallRequest) -> Result<String> {
        let functions: Vec<&str> = self
            .inspection
            .exports
            .iter()
            .filter(|e| e.kind == "func" || e.kind == "instance")
            .map(|e| e.name.as_str())
            .collect();
        let Some(text) = request.invoke.as_deref() else {
            bail!(
                "say which function to call with --invoke 'name(args)' (WAVE); {} exports: {}",
                self.name,
                functions.join(", ")
            );
        };
        let text = if text.contains('(') {
            text.to_string()
        } else {
            format!("{text}()")
        };
        let name = text[..text.find('(').unwrap_or(text.len())].trim();
        let top = name.split('#').next().unwrap_or(name);
        if !functions.contains(&top) {
            bail!(
                "{} exports no function `{name}`; its exports: {} (a function of an exported interface is `interface#function`)",
                self.name,
                functions.join(", ")
            );
        }
        Ok(text)
    }

    /// One call per input (bytes in, or a WASI program's stdin), or one without input.
    fn inputs(
        &self,
        request: &CallRequest,
        call: impl Fn(CallWith) -> ModuleCall,
    ) -> Result<Vec<ModuleCall>> {
        let inputs = input_paths(&request.inputs)?;
        if inputs.is_empty() {
            return Ok(vec![call(CallWith::Input(None))]);
        }
        let mut calls: Vec<ModuleCall> = inputs
            .into_iter()
            .map(|p| call(CallWith::Input(Some(p))))
            .collect();
        distinct_sizes(&calls)?;
        // Smallest first, as a size sweep runs.
        calls.sort_by_key(ModuleCall::input_size);
        Ok(calls)
    }

    /// The call sequence asked for (`--setup`, `--check`, `--teardown`, or `--invoke` written as
    /// a call with `$setup`), each call read against the export's signature.
    fn sequence(&self, request: &CallRequest, shape: ModuleShape) -> Result<Option<Sequence>> {
        let written = |text: &Option<String>| text.as_deref().is_some_and(|t| t.contains('('));
        let asked = request.setup.is_some()
            || request.check.is_some()
            || request.teardown.is_some()
            || written(&request.invoke);
        if !asked {
            return Ok(None);
        }
        if shape != ModuleShape::Numeric {
            bail!(
                "a call sequence (--setup, --check, --teardown, --invoke 'name(args)') calls \
                 exports with numbers; {} is a {}",
                self.name,
                shape.label()
            );
        }
        if !request.args.is_empty() {
            bail!("a call sequence takes its arguments in its calls (--invoke 'run(5, $setup)'), not --arg");
        }
        let signature = |name: &str| {
            self.inspection
                .functions()
                .find(|e| e.name == name)
                .and_then(|e| e.signature.clone())
        };
        let params = |name: &str| signature(name).map(|(params, _)| params);
        let read = |flag: &str, text: &str, setup: Option<&[ValueType]>| {
            Step::parse(text, params, setup).map_err(|e| anyhow::anyhow!("{flag} {e}"))
        };
        let setup = request
            .setup
            .as_deref()
            .map(|text| read("--setup", text, None))
            .transpose()?;
        let handle = setup
            .as_ref()
            .and_then(|s| signature(&s.export))
            .map(|(_, results)| results);
        let handle = handle.as_deref();
        let run = match request.invoke.as_deref() {
            Some(text) if text.contains('(') => read("--invoke", text, handle)?,
            Some(name) => read("--invoke", &format!("{name}()"), handle)?,
            None => bail!("say the timed call of the sequence with --invoke 'name(args)'"),
        };
        let step = |flag: &str, text: &Option<String>| {
            text.as_deref().map(|t| read(flag, t, handle)).transpose()
        };
        Ok(Some(Sequence {
            setup,
            run,
            check: step("--check", &request.check)?,
            teardown: step("--teardown", &request.teardown)?,
        }))
    }

    /// A linked module that imports WASI, if any.
    fn wasi_link(&self) -> Option<&links::Linked> {
        self.links.iter().find(|l| l.inspection.imports_wasi())
    }

    /// How it is run: as inspected, but a numeric module whose linked modules import WASI runs
    /// as a WASI reactor (its export called after any `_initialize`), so they get WASI.
    fn shape(&self) -> Result<ModuleShape> {
        let shape = self.inspection.shape;
        match (shape, self.wasi_link()) {
            (ModuleShape::Numeric, Some(_)) => Ok(ModuleShape::WasiReactor),
            (ModuleShape::ByteAbi, Some(link)) => bail!(
                "--link {}: it imports WASI, and plugbench calls a byte-ABI module ({}) without \
                 WASI; link a module that does not use it",
                link.name,
                self.name
            ),
            (shape, _) => Ok(shape),
        }
    }

    /// A WASI program's start; the WASI options refused for any other module.
    fn wasi_start(&self, request: &CallRequest) -> Result<Option<WasiStart>> {
        let shape = self.shape()?;
        if !shape.is_wasi() && !self.is_wasi_plugin() {
            if !request.env.is_empty() || !request.dirs.is_empty() {
                bail!(
                    "--env and --dir are for WASI programs and plugins that import WASI; {} is a {} that does not",
                    self.name,
                    shape.label()
                );
            }
            return Ok(None);
        }
        let command = shape.is_wasi() && shape != ModuleShape::WasiReactor;
        Ok(Some(WasiStart {
            // A command's --arg values are its arguments; a reactor's are the export's numbers.
            args: if command {
                request.args.clone()
            } else {
                Vec::new()
            },
            env: request.env.clone(),
            dirs: request.dirs.clone(),
            dirs_writable: request.dirs_writable,
        }))
    }

    /// An extism plugin that imports WASI, or whose linked modules do (extism runs it with its
    /// WASI on).
    pub fn is_wasi_plugin(&self) -> bool {
        self.inspection.shape == ModuleShape::ExtismPlugin
            && (self.inspection.imports_wasi() || self.wasi_link().is_some())
    }

    /// A program of this module's shape, as `inspect` asks the runtimes about it (the call
    /// itself is decided by `compare`'s options).
    pub fn typical_program(&self) -> Program {
        let export = self
            .callable()
            .first()
            .map_or(String::new(), |e| e.to_string());
        let program = match self.shape().unwrap_or(self.inspection.shape) {
            ModuleShape::Component => Program::ComponentCall {
                call: format!("{export}()"),
            },
            ModuleShape::ComponentCommand | ModuleShape::SightglassComponent => {
                Program::ComponentCommand(WasiSetup::default())
            }
            ModuleShape::ExtismPlugin => Program::ExtismPlugin {
                export,
                wasi: self.is_wasi_plugin().then(WasiSetup::default),
            },
            shape if shape.is_wasi() => Program::Wasi(WasiSetup::default()),
            ModuleShape::ByteAbi => Program::ByteAbi { export },
            _ => Program::Invocation(runtimes::Invocation {
                export,
                args: Vec::new(),
                results: Vec::new(),
            }),
        };
        if self.links.is_empty() {
            return program;
        }
        let links = self
            .links
            .iter()
            .map(|l| runtimes::Link {
                name: l.name.clone(),
                bytes: Vec::new(),
                imports_wasi: l.inspection.imports_wasi(),
            })
            .collect();
        Program::Linked {
            program: Box::new(program),
            links,
        }
    }

    /// A command runs `_start`; `--invoke` may only name it.
    fn command_entry(&self, request: &CallRequest) -> Result<String> {
        match request.invoke.as_deref() {
            None | Some("_start") => Ok("_start".into()),
            Some(other) => bail!(
                "{} is a {}: it runs `_start` (with --arg as its arguments), not `{other}`",
                self.name,
                self.inspection.shape.label()
            ),
        }
    }

    /// A numeric export's result types (none for any other export).
    fn results(&self, export: &str) -> Vec<plugbench_data::ValueType> {
        self.inspection
            .export(export)
            .and_then(|e| e.signature.clone())
            .map(|(_, results)| results)
            .unwrap_or_default()
    }

    /// The exports a call can name: every function but the byte ABI's own and the toolchains' hooks.
    pub fn callable(&self) -> Vec<&str> {
        const NOT_CALLED: [&str; 4] = ["alloc", "dealloc", "_initialize", "__wasm_call_ctors"];
        self.inspection
            .functions()
            .map(|e| e.name.as_str())
            .filter(|n| !NOT_CALLED.contains(n))
            .collect()
    }

    /// The export to call: the one named, or the only candidate.
    fn export(&self, request: &CallRequest) -> Result<String> {
        let functions: Vec<&str> = self
            .inspection
            .functions()
            .map(|e| e.name.as_str())
            .collect();
        let callable = self.callable();
        match &request.invoke {
            Some(name) if functions.contains(&name.as_str()) => Ok(name.clone()),
            Some(name) => bail!(
                "{} exports no function `{name}`; its functions: {}",
                self.name,
                functions.join(", ")
            ),
            None if callable.len() == 1 => Ok(callable[0].to_string()),
            None => bail!(
                "say which export to call with --invoke NAME; {} exports: {}",
                self.name,
                callable.join(", ")
            ),
        }
    }

    /// `--arg` values typed by the export's parameters.
    fn arguments(&self, export: &str, args: &[String]) -> Result<Vec<Value>> {
        let found = self
            .inspection
            .export(export)
            .context("export found above")?;
        let Some((params, _)) = &found.signature else {
            bail!(
                "`{export}` {} takes or returns a value that is not a number",
                found.signature_text
            );
        };
        if params.len() != args.len() {
            let types: Vec<&str> = params.iter().map(|t| t.as_str()).collect();
            bail!(
                "`{export}` takes {} argument(s) ({}), got {} --arg",
                params.len(),
                types.join(", "),
                args.len()
            );
        }
        params
            .iter()
            .zip(args)
            .map(|(&ty, text)| Value::parse(ty, text).map_err(anyhow::Error::msg))
            .collect()
    }
}

/// The runtime that loads a native library (the user's native build, with `--native`).
pub const NATIVE_LIBRARY: &str = "native-library";

/// Inputs are told apart in reports by their size, as kernel sizes are.
fn distinct_sizes(calls: &[ModuleCall]) -> Result<()> {
    let size = ModuleCall::input_size;
    for (i, a) in calls.iter().enumerate() {
        if let Some(b) = calls[..i].iter().find(|b| size(b) == size(a)) {
            bail!(
                "inputs {} and {} have the same size ({} bytes); reports tell inputs apart by size",
                describe_input(b),
                describe_input(a),
                size(a)
            );
        }
    }
    Ok(())
}

fn describe_input(call: &ModuleCall) -> String {
    match &call.call {
        CallWith::Input(Some(p)) => p.display().to_string(),
        _ => "(none)".into(),
    }
}

/// The runtimes a module is offered to by default: every default one but native code (the
/// kernels' own native build).
pub fn default_candidates() -> Vec<String> {
    let declarations = crate::catalog::catalog().declarations();
    let native = declarations.baseline_name();
    declarations
        .default_names()
        .into_iter()
        .filter(|n| Some(n) != native.as_ref())
        .collect()
}

/// The runtimes that host the kernels' components, which a user's component is offered to.
pub fn component_candidates() -> Vec<String> {
    crate::catalog::catalog()
        .declarations()
        .component_pairs()
        .into_iter()
        .map(|(_, component)| component)
        .collect()
}

impl UserModule {
    /// The runtimes it is offered to by default: the component configurations for a
    /// component, every default runtime but native code for a module.
    pub fn candidates(&self) -> Vec<String> {
        if self.inspection.shape.is_component() {
            component_candidates()
        } else {
            default_candidates()
        }
    }
}

/// Which of `candidates` can run `program`: those that can, and why each other cannot (each
/// runtime's worker answers).
pub fn hosts(program: &Program, candidates: &[String]) -> (Vec<String>, Vec<(String, String)>) {
    crate::catalog::catalog().hosts(program, candidates)
}

/// `--native` names the native build of exactly one module, and is then its baseline.
fn check_native(request: &CallRequest, paths: &[PathBuf], baseline: Option<&str>) -> Result<()> {
    let Some(library) = &request.native else {
        return Ok(());
    };
    if paths.len() > 1 {
        bail!(
            "--native {} is the native build of one module; {} modules are named",
            library.display(),
            paths.len()
        );
    }
    if baseline.is_some() {
        bail!("--native makes the native build every ratio's baseline; leave out --baseline");
    }
    Ok(())
}

/// A module is measured only where someone hosts it, the native build and the baseline among them.
fn check_hosts(
    module: &UserModule,
    hosted: &[String],
    not_hosted: &[(String, String)],
    request: &CallRequest,
    baseline: Option<&str>,
) -> Result<()> {
    let shape = module.inspection.shape.label();
    if request.native.is_some() && !hosted.iter().any(|h| h == NATIVE_LIBRARY) {
        bail!(
            "--native: {} is a {shape}, which a native library cannot stand for",
            module.name
        );
    }
    if hosted.is_empty() {
        let why: Vec<String> = not_hosted
            .iter()
            .map(|(n, w)| format!("{n}: {w}"))
            .collect();
        bail!(
            "no selected runtime can host {} ({shape}): {}",
            module.name,
            why.join("; ")
        );
    }
    if let Some(name) = baseline.filter(|b| !hosted.iter().any(|h| h == b)) {
        bail!(
            "--baseline {name} does not host {}; runtimes that do: {}",
            module.name,
            hosted.join(", ")
        );
    }
    Ok(())
}

/// Every module's workloads (one per call) with the runtimes that host it, and what the report
/// says about each module. `requested` is `--runtime` (empty: every default runtime); the
/// sandboxed variants of the hosts join the first workload when `sandbox` is set.
pub fn plan_modules(
    paths: &[PathBuf],
    request: &CallRequest,
    requested: &[String],
    baseline: Option<&str>,
    sandbox: bool,
) -> Result<(Groups, Vec<plugbench_data::ModuleInfo>)> {
    crate::compare::check_runtime_names(requested)?;
    let mut groups = Vec::new();
    let mut infos = Vec::new();
    let paths = module_paths(paths)?;
    check_native(request, &paths, baseline)?;
    for path in paths {
        let module = load(&path, links::load(&request.links)?)?;
        let calls = module.calls(request)?;
        let mut candidates = if requested.is_empty() {
            module.candidates()
        } else {
            requested.to_vec()
        };
        if request.native.is_some() {
            candidates.push(NATIVE_LIBRARY.to_string());
        }
        let (hosted, not_hosted) = hosts(&calls[0].planned_program(), &candidates);
        check_hosts(&module, &hosted, &not_hosted, request, baseline)?;
        infos.push(plugbench_data::ModuleInfo {
            name: module.name.clone(),
            path: module.path.display().to_string(),
            bytes: module.bytes as u64,
            sha256: module.sha256.clone(),
            shape: module.inspection.shape,
            calls: calls.iter().map(ModuleCall::describe).collect(),
            verified: request.verify,
            not_hosted,
            imports_wasi: module.inspection.imports_wasi(),
            links: module.links.iter().map(links::Linked::info).collect(),
        });
        for call in calls {
            groups.push((
                crate::workload::Workload::Module(Box::new(call)),
                hosted.clone(),
            ));
        }
    }
    if sandbox {
        if let Some((_, runtimes)) = groups.first_mut() {
            let variants = crate::compare::sandbox_variants(runtimes);
            runtimes.extend(variants);
        }
    }
    Ok((groups, infos))
}
