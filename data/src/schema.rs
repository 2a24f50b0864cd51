//! The results file: a contract users script against (docs/method.md, "JSON results").
//! Raw samples are kept so `plugbench report` can rebuild every figure without rerunning.

use std::collections::BTreeMap;

use crate::{
    Answer, Guard, GuardSupport, GuestBuild, HeapLayout, ModuleShape, NativeBuild, Phase,
    ProposalSupport, StopReason,
};
use serde::{Deserialize, Serialize};

/// 2: sandbox guards typed (`guard` is its name, `support` says offered with `how` or
/// not offered with `why`); `interrupted`; artifacts per kernel. Files of version 1 are
/// upgraded on reading (`reports::write::read_run`).
/// 3: a user's modules (`environment.modules`: file, size, SHA-256, shape, calls, which
/// runtimes could not host it and why); a workload's baseline may be a runtime, not native
/// (`settings.baseline`). Files of version 2 read as they are (no modules).
/// 4: `derived` (what the reports derive: choices, guard costs, sweeps), which reading ignores
/// and derives again; `settings.max_launches` and launches beyond `settings.launches`.
/// 5: `environment.shared_module` (each runtime's variant that loads every kernel in one
/// module, for the gap measurement); the stop reason is one of a fixed set of names.
/// 6: `groups` (every workload and how its sampling went) at the top, always, one for a single
/// workload; `settings` no longer repeats the first one (`kernel`, `size`, `rounds`,
/// `stop_reason`), and its `elapsed_s` is the whole run's. `environment.native_libraries` is
/// `{runtime, build}` (a third build, x86-64-v3), not `[runtime, vectorized]`.
/// 7: `settings.baseline_processes` (the baseline's worker processes per launch; 1 before).
/// 8: `settings.heap_layout` and each row's `raw.heap_offsets` (each worker shifts its heap;
/// `unshifted` and none before).
/// 9: a user's module's workload has the output the runtimes agreed on (`groups[].answer`:
/// numbers, or bytes and each WASI stream as length, SHA-256 and preview; none before), and
/// the module says whether it imports WASI (`environment.modules[].imports_wasi`); each row's
/// `environment.proposals`, which proposals each runtime ran (none before);
/// `environment.modules[].links`, the modules linked to it (`--link`).
/// 10: one worker binary per engine, so memory is the runtime's own (older files measured
/// every runtime in one binary holding every engine); each row's `worker` (that binary) and
/// `memory.idle_rss_kib` (its worker once the runtime was created, nothing compiled);
/// `environment.embedded_engines` (a runtime and the engine it embeds, measured on its own);
/// each row's `configuration`, `guard` and `guest_build`, typed (read from the row's name and
/// the environment's variants in older files, `reports::upgrade`).
/// 11: `load`, the host under load (`compare --load`): one `plugbench load` file's settings,
/// rows and tenants per kernel and size; none before.
/// 12: `environment.activity`, what the machine was doing before and while measuring (other
/// processes' share of the cores, steal, governor, clock source); none before.
/// 13: `instructions`, the instruction counts (`compare --measure instructions`); none before.
/// A run that counted instructions only has no `results`.
/// 14: `environment.components`, each configuration that runs components with the core-module
/// configuration it pairs with (the "Plugin interface" section); none before.
/// 15: `memory.idle_file_kib`, of the idle figure the pages mapped from files; none before.
pub const SCHEMA_VERSION: u32 = 15;

/// A run: how it was measured and one row per runtime and workload. `R` is the row: the raw
/// [`RuntimeResult`] as measured and read back, or a report's row, which adds the figures
/// derived from it (and is written in the same place, so a reader finds both together).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunFile<R = RuntimeResult> {
    pub schema: u32,
    pub tool: String,
    /// Stopped by SIGINT or SIGTERM before it finished: the results are what was measured
    /// until then (workloads not reached are absent).
    #[serde(default)]
    pub interrupted: bool,
    pub environment: Environment,
    pub settings: Settings,
    /// Every (kernel, size) measured, in order, and how its sampling went: one for a single
    /// workload. Each result names its group by kernel and size.
    pub groups: Vec<Group>,
    pub results: Vec<R>,
    /// The host under load (`compare --load`), one measurement per kernel and size.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load: Vec<crate::load::LoadFile>,
    /// Instruction counts (`compare --measure instructions`), every workload's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<crate::InstructionRun>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Environment {
    pub cpu: String,
    pub cores: usize,
    pub os: String,
    pub rustc: String,
    /// Cargo profile the runner was built with and its settings that matter for speed.
    pub build_profile: String,
    /// Unix time (seconds) when the run started.
    pub started_unix: u64,
    /// Cost of one `Instant::now()` pair and of the empty timing loop, measured at startup.
    pub timer_overhead_ns: f64,
    pub artifacts: Vec<ArtifactInfo>,
    /// Every sandbox guard of every runtime built in, offered or not.
    #[serde(default)]
    pub sandbox: Vec<SandboxInfo>,
    /// Each runtime's answer to the guest built with Wasm SIMD (the gap measurement).
    #[serde(default)]
    pub simd: Vec<SimdInfo>,
    /// The gap measurement's native libraries: each one's runtime name and build.
    #[serde(default)]
    pub native_libraries: Vec<NativeLibraryInfo>,
    /// The gap measurement's variant of each runtime that loads every kernel in one module:
    /// (runtime, variant).
    #[serde(default)]
    pub shared_module: Vec<(String, String)>,
    /// The user's modules measured (`compare --module`); empty for the built-in kernels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<ModuleInfo>,
    /// Which proposals each runtime runs, measured on a probe module each (`--proposals`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<ProposalSupport>,
    /// Runtimes built on another engine that is measured on its own too (extism on the
    /// wasmtime it embeds): the gap section splits such a runtime's ratio at its engine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded_engines: Vec<EmbeddedEngine>,
    /// Each configuration that runs the kernels as components, with the core-module
    /// configuration of the same engine and settings: the "Plugin interface" section's pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentPair>,
    /// What the machine was doing before and while measuring (steadiness).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<crate::MachineActivity>,
}

/// A runtime that runs on another engine, and the configuration that runs that engine
/// directly on the same kernels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedEngine {
    pub runtime: String,
    pub engine: String,
}

/// A configuration that runs components and the core-module one it pairs with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentPair {
    pub core: String,
    pub component: String,
}

/// A user's module: which file exactly, how it was called, and who could not host it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// The file name: the workload's name in every table.
    pub name: String,
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    pub shape: ModuleShape,
    /// Each call measured (one per input), as a command line would write it.
    pub calls: Vec<String>,
    /// Outputs were checked across runtimes (false with `--no-verify`).
    pub verified: bool,
    /// Runtimes that were asked for or are default but cannot host it, with why.
    pub not_hosted: Vec<(String, String)>,
    /// It imports WASI preview 1 (for an extism plugin: extism runs it with WASI on).
    #[serde(default)]
    pub imports_wasi: bool,
    /// The modules it imports from (`--link`), in the order they are instantiated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkedInfo>,
}

/// A module linked to a user's module (`--link NAME=PATH`): which file exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedInfo {
    /// The import module name it provides.
    pub name: String,
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A native library of the gap measurement: the runtime name that loads it, and how it is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NativeLibraryInfo {
    pub runtime: String,
    pub build: NativeBuild,
}

/// Whether a runtime runs the guest built with Wasm SIMD: the variant that measures it, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimdInfo {
    pub runtime: String,
    pub variant: Option<String>,
    pub why_not: Option<String>,
}

/// One guard of one runtime: how it is offered and the variant that measures it, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxInfo {
    pub runtime: String,
    pub guard: Guard,
    /// The runtime name (`<runtime>+<guard>`) that measures it, if it is offered here.
    pub variant: Option<String>,
    #[serde(flatten)]
    pub support: GuardSupport,
}

/// A Wasm artifact the run loaded, so readers can check that runtimes loaded identical bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArtifactInfo {
    /// The kernel it carries (each Wasm build carries one); empty in files from before that.
    #[serde(default)]
    pub kernel: String,
    pub format: String,
    pub bytes: usize,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub input_seed: u64,
    /// Shuffle seed for the order of runtimes within each round.
    pub seed: u64,
    pub budget_s: f64,
    /// Target relative half-width of every ratio's 95% interval (0.01 = +-1%).
    pub target_precision: f64,
    pub min_rounds: usize,
    pub max_rounds: usize,
    /// Worker processes started per runtime over the warm rounds (fresh memory layout each).
    #[serde(default = "one")]
    pub launches: usize,
    /// Launches at most: runtimes whose ratio stayed wider than the target, and the baseline,
    /// got further launches up to this many (0 in files written before there were any).
    #[serde(default)]
    pub max_launches: usize,
    /// Worker processes of the baseline in each launch; a round's baseline time is the median
    /// of theirs (1 in files written before there were several).
    #[serde(default = "one")]
    pub baseline_processes: usize,
    /// Where each worker's heap starts (unshifted in files written before it was shifted).
    #[serde(default)]
    pub heap_layout: HeapLayout,
    /// Minimum time of one warm sample; calls are batched to reach it.
    pub min_sample_ns: f64,
    pub phase_timeout_s: f64,
    pub runtimes: Vec<String>,
    /// The runtime named as the baseline of a user's module (`--baseline`); without it, and
    /// without a native build, the fastest runtime is the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Time the whole run took, every workload together.
    #[serde(default)]
    pub elapsed_s: f64,
}

/// One (kernel, size) of a run, a workload, and how its sampling went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub kernel: String,
    pub size: usize,
    pub rounds: usize,
    pub stop_reason: StopReason,
    pub elapsed_s: f64,
    /// A user's module: the output every verified runtime gave (none for a kernel, which is
    /// checked against native code, and for `--no-verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Error,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Resident set size of the runtime's worker process (VmRSS) once the runtime (its engine)
    /// was created, before anything was compiled: the engine's fixed cost with the worker's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_rss_kib: Option<u64>,
    /// Of `idle_rss_kib`, the pages mapped from files (RssFile): the worker's code and read-only
    /// data, shared by every process running the same binary; the rest the process allocated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_file_kib: Option<u64>,
    /// Peak resident set size of the runtime's worker process (VmHWM), before the
    /// extra instances below were created.
    pub peak_rss_kib: Option<u64>,
    /// Resident memory each extra live instance adds (growth of `instances` instances, each
    /// called once, divided by their number).
    #[serde(default)]
    pub per_instance_kib: Option<f64>,
    #[serde(default)]
    pub instances: usize,
    /// Size of the compiled module saved as an artifact, where the runtime can save one.
    #[serde(default)]
    pub artifact_bytes: Option<u64>,
}

/// Samples as measured, before any statistics. Warm samples are per call (batch total /
/// batch size); `warm_rounds[i]` is the round of `warm_ns[i]`, which pairs it with native,
/// and `warm_launches[i]` the worker launch (process) it came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawSamples {
    pub warm_ns: Vec<f64>,
    pub warm_rounds: Vec<usize>,
    #[serde(default)]
    pub warm_launches: Vec<usize>,
    /// Process id of the worker of each launch, in launch order.
    #[serde(default)]
    pub worker_pids: Vec<u32>,
    /// Bytes each of those workers shifted its heap by (empty in files from before it did).
    #[serde(default)]
    pub heap_offsets: Vec<u32>,
    pub phases_ns: BTreeMap<Phase, Vec<f64>>,
    /// Phases this runtime does not offer.
    pub unsupported: Vec<Phase>,
    /// Phases that failed, with the message.
    pub phase_errors: BTreeMap<Phase, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuntimeResult {
    pub runtime: String,
    pub kernel: String,
    pub size: usize,
    pub status: Status,
    pub error: Option<String>,
    /// Every checked output matched the reference (native, or for a user's module the other
    /// runtimes') value for value; false on every row of a run with `--no-verify`.
    pub verified: bool,
    /// The row every ratio of its workload is relative to.
    pub baseline: bool,
    /// The kernel's native build (the baseline of a kernel, never a choice).
    #[serde(default)]
    pub native: bool,
    pub crate_name: String,
    pub crate_version: String,
    pub config: String,
    pub guest: String,
    /// The worker binary that ran it (one per engine; empty in files before schema 10).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub worker: String,
    /// The configuration it was made from: `wasmtime` for `wasmtime+fuel` and `wasmtime-simd`.
    #[serde(default)]
    pub configuration: String,
    /// The sandbox guard it runs with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<Guard>,
    /// The other build of the guest it loads (a gap variant), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_build: Option<GuestBuild>,
    /// Calls per warm sample.
    pub batch: u64,
    pub first_call_ns: Option<f64>,
    pub memory: Memory,
    pub raw: RawSamples,
    /// A row of the gap measurement (an extra native build or a SIMD guest) or of the "Plugin
    /// interface" section (a component), not a runtime of the core-module comparison: it stays
    /// out of the choices, the overview and the scaling tables.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gap_variant: bool,
}

impl RuntimeResult {
    /// A row for a runtime that could not produce a result at all.
    pub fn failed(runtime: &str, kernel: &str, size: usize, error: String) -> Self {
        RuntimeResult {
            runtime: runtime.into(),
            kernel: kernel.into(),
            size,
            status: Status::Error,
            error: Some(error),
            verified: false,
            baseline: false,
            native: false,
            crate_name: String::new(),
            crate_version: String::new(),
            config: String::new(),
            guest: String::new(),
            worker: String::new(),
            configuration: runtime.into(),
            guard: None,
            guest_build: None,
            batch: 0,
            first_call_ns: None,
            memory: Memory::default(),
            raw: RawSamples::default(),
            gap_variant: false,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// A runtime measured with a sandbox guard on (`<runtime>+<guard>`): it shows a guard's
    /// cost, it is not a separate choice.
    pub fn is_sandbox_variant(&self) -> bool {
        self.guard.is_some()
    }

    /// A runtime configuration a user picks (not a guard's or the gap measurement's variant).
    pub fn is_choice(&self) -> bool {
        !self.is_sandbox_variant() && !self.gap_variant && !self.native
    }
}

impl AsRef<RuntimeResult> for RuntimeResult {
    fn as_ref(&self) -> &RuntimeResult {
        self
    }
}

impl<R> RunFile<R> {
    /// The same run with each row made into another (a report's row from a raw one).
    pub fn map_results<S>(self, row: impl FnMut(R) -> S) -> RunFile<S> {
        RunFile {
            schema: self.schema,
            tool: self.tool,
            interrupted: self.interrupted,
            environment: self.environment,
            settings: self.settings,
            groups: self.groups,
            results: self.results.into_iter().map(row).collect(),
            load: self.load,
            instructions: self.instructions,
        }
    }
}

impl<R: AsRef<RuntimeResult> + Clone> RunFile<R> {
    /// The baseline of a single-group run (of a view, see [`RunFile::view`]).
    pub fn baseline(&self) -> Option<&R> {
        self.results.iter().find(|r| r.as_ref().baseline)
    }

    /// Who the ratios of a single-group run are relative to, for headings: `native`, or the
    /// baseline runtime of a user's module.
    pub fn baseline_name(&self) -> &str {
        self.baseline()
            .map(|r| r.as_ref().runtime.as_str())
            .unwrap_or("native")
    }

    /// The user's module a workload is, if it is one.
    pub fn module(&self, workload: &str) -> Option<&ModuleInfo> {
        self.environment.modules.iter().find(|m| m.name == workload)
    }

    /// The workload of a single-group run (a view): the first, in a run of several.
    pub fn group(&self) -> &Group {
        self.groups
            .first()
            .expect("a run has a workload (reading a file checks it)")
    }

    /// A single-group run's workload as a markdown heading: `` `kernel` at size N ``, or the
    /// module and its call.
    pub fn workload_heading(&self) -> String {
        let g = self.group();
        match self.module(&g.kernel) {
            Some(_) => self.workload_title(),
            None => format!("`{}` at size {}", g.kernel, g.size),
        }
    }

    /// A single-group run's workload in words: the kernel at its size, or the module and its call.
    pub fn workload_title(&self) -> String {
        let g = self.group();
        match self.module(&g.kernel) {
            // Several calls are several inputs, told apart by size.
            Some(m) if m.shape.takes_bytes() || m.calls.len() > 1 => {
                format!("module {} · input of {} bytes", m.name, g.size)
            }
            Some(m) => format!("module {} · {}", m.name, m.calls.join(", ")),
            None => format!("kernel {} · size {}", g.kernel, g.size),
        }
    }

    pub fn is_multi_group(&self) -> bool {
        self.groups.len() > 1
    }

    /// The run restricted to one (kernel, size): a single-group run every exporter renders as is.
    pub fn view(&self, group: &Group) -> Self {
        RunFile {
            schema: self.schema,
            tool: self.tool.clone(),
            interrupted: self.interrupted,
            environment: self.environment.clone(),
            settings: self.settings.clone(),
            groups: vec![group.clone()],
            results: self
                .results
                .iter()
                .filter(|r| {
                    let r = r.as_ref();
                    r.kernel == group.kernel && r.size == group.size
                })
                .cloned()
                .collect(),
            // Under load and the counts are the run's, not a workload's: sections of their own.
            load: Vec::new(),
            instructions: None,
        }
    }

    /// One view per group, in order.
    pub fn views(&self) -> Vec<Self> {
        self.groups.iter().map(|g| self.view(g)).collect()
    }

    /// Joins single-group runs measured with the same settings into one multi-group run.
    pub fn merge(mut views: Vec<Self>) -> Option<Self> {
        if views.len() == 1 {
            return views.pop();
        }
        let groups: Vec<Group> = views.iter().flat_map(|v| v.groups.clone()).collect();
        let mut iter = views.into_iter();
        let mut run = iter.next()?;
        for v in iter {
            run.interrupted |= v.interrupted;
            // Every runtime of any workload (sandboxed variants join one of them).
            for name in v.settings.runtimes {
                if !run.settings.runtimes.contains(&name) {
                    run.settings.runtimes.push(name);
                }
            }
            run.results.extend(v.results);
            run.load.extend(v.load);
        }
        run.settings.elapsed_s = groups.iter().map(|g| g.elapsed_s).sum();
        run.groups = groups;
        Some(run)
    }
}
