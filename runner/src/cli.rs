//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::checks;

/// Input length of the seed kernel by default: tens of milliseconds per native call on a
/// 2-core cloud VM (see README for the measured figure).
pub const DEFAULT_SIZE: u64 = 7000;

#[derive(Debug, Parser)]
#[command(
    name = "plugbench",
    version,
    about = "Which WebAssembly runtime should my plugin system embed, and what does it cost compared to native code?",
    long_about = "Runs the same compiled kernel on every built-in WebAssembly runtime and natively, \
checks outputs against native, and reports the cost of each runtime with its 95% confidence interval.",
    after_help = "Examples:\n  \
plugbench compare\n  \
plugbench compare --runtime wasmtime --runtime wasmi --size 2000 --budget 20\n  \
plugbench compare --json results/run.json --markdown results/report.md\n  \
plugbench list\n  \
plugbench report results/run.json --markdown results/report.md\n  \
plugbench diff results/old.json results/new.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure the kernel on each runtime and on native code, and compare.
    #[command(after_help = "Examples:\n  \
plugbench compare\n  \
plugbench compare --runtime wasmtime --runtime extism --budget 15\n  \
plugbench compare --size 1000 --precision 0.5 --json run.json --markdown report.md
  \
plugbench compare --kernel all --sizes 10,100,1000 --budget 10 --markdown sweep.md
  \
plugbench compare --module fib.wasm --invoke fib --arg 30
  \
plugbench compare --module filter.wasm --invoke run --input inputs/ --markdown report.md")]
    Compare(Box<CompareArgs>),
    /// List the runtimes and kernels built into this binary.
    List,
    /// What a module is (imports, exports, shape), how plugbench calls it and which runtimes can host it.
    #[command(after_help = "Examples:\n  \
plugbench inspect my-plugin.wasm")]
    Inspect {
        /// A `.wasm` file.
        module: PathBuf,
        /// A module it imports from: NAME (the import module) = PATH.wasm (repeatable, in
        /// instantiation order).
        #[arg(long = "link", value_name = "NAME=PATH", value_parser = crate::module::links::parse)]
        links: Vec<(String, PathBuf)>,
    },
    /// Rebuild the table and reports from a saved results file, without rerunning.
    Report(ReportArgs),
    /// Compare two saved results files: per runtime and phase, did the time change significantly?
    Diff { old: PathBuf, new: PathBuf },
    /// Runs of the same workloads on several machines in one report: each runtime's ratio on
    /// each machine, and whether the ranking and the choices hold across them.
    #[command(after_help = "Examples:\n  \
plugbench merge x86.json arm.json laptop.json --markdown machines.md")]
    Merge(MergeArgs),
    /// Differential fuzzing: generated and broken modules on every runtime, answers compared.
    #[command(after_help = "Examples:\n  \
plugbench fuzz --modules 1000 --seed 1\n  \
plugbench fuzz --modules 10000 --markdown results/fuzz.md --json results/fuzz.json\n  \
plugbench fuzz --replay results/fuzz/seed-1-case-17.json")]
    Fuzz(FuzzArgs),
    /// A plugin host under load: events on several threads at once sharing one compiled
    /// module, per runtime and host model: events per second, scaling, tail latency.
    #[command(after_help = "Examples:\n  \
plugbench load --kernel webhook --size 10\n  \
plugbench load --runtime wasmtime --runtime wasmi --threads 1,2,4 --json load.json --markdown load.md\n  \
plugbench load --runtime wasmtime --sandbox --model pooled\n  \
plugbench load --module filter.wasm --invoke run --input request.json --tenants 64")]
    Load(Box<LoadArgs>),
    /// Which WebAssembly proposals each runtime configuration runs, measured on a small module
    /// that needs each one.
    #[command(after_help = "Examples:\n  \
plugbench features\n  \
plugbench features --runtime wasmtime --runtime wasmi --json proposals.json --markdown proposals.md")]
    Features(FeaturesArgs),
}

#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Runtime configurations to probe (repeatable; default: every default one).
    #[arg(long = "runtime", value_name = "NAME")]
    pub runtimes: Vec<String>,
    /// Seconds each runtime may take on one probe module before it counts as crashed.
    #[arg(long, default_value_t = 30.0, value_parser = checks::positive_seconds)]
    pub timeout: f64,
    /// Write the table as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the table as markdown.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// Modules to generate and run.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub modules: u64,
    /// Seed of the modules and arguments (default: from the clock; always printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Index of the first case: `--seed S --from N --modules 1` runs case N of seed S alone.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub from: u64,
    /// Runtime to fuzz (repeatable). Default: every runtime built in that can host any core module.
    #[arg(long = "runtime", value_name = "NAME")]
    pub runtimes: Vec<String>,
    /// Stop after this many seconds even if fewer modules were tried.
    #[arg(long, value_name = "SECONDS", value_parser = checks::positive_seconds)]
    pub time_limit: Option<f64>,
    /// Time limit per module and runtime; a worker over it is killed, counted and replaced.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, value_parser = checks::positive_seconds)]
    pub timeout: f64,
    /// Let generated modules use fixed-width SIMD.
    #[arg(long)]
    pub simd: bool,
    /// Let generated modules use every proposal wasm-smith knows (GC, exceptions, memory64,
    /// several memories, threads, tail calls, ...): a runtime's refusal of a valid module is
    /// counted as its missing proposal, not as a difference.
    #[arg(long)]
    pub all_proposals: bool,
    /// Directory for reproducers (a `.wasm` and a `.json` per finding).
    #[arg(long, value_name = "DIR", default_value = "results/fuzz")]
    pub out: PathBuf,
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Run one saved reproducer (its `.json`) again instead of fuzzing.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Testing aid: make a runtime's worker misbehave (RUNTIME=wrong-output|abort@case-N|hang@case-N).
    #[arg(long, value_name = "RUNTIME=FAULT", hide = true)]
    pub inject_fault: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Runtime to measure (repeatable). Default: every runtime built in. Native is always added.
    #[arg(long = "runtime", value_name = "NAME")]
    pub runtimes: Vec<String>,
    /// Kernel to run (repeatable, or comma-separated; `all` runs every kernel). Each kernel
    /// runs at each size, one after the other, each with its own budget.
    #[arg(
        long = "kernel",
        value_name = "NAME",
        value_delimiter = ',',
        default_value = "pairwise-json"
    )]
    pub kernels: Vec<String>,
    /// Input size, or several for a sweep (`--sizes 10,100,1000`). What a size counts depends
    /// on the kernel (`plugbench list`).
    #[arg(long = "size", visible_alias = "sizes", value_name = "N", value_delimiter = ',', default_values_t = [DEFAULT_SIZE], value_parser = clap::value_parser!(u64).range(1..))]
    pub sizes: Vec<u64>,
    /// Time for the measurement of each kernel at each size, in seconds (warm rounds, then the other phases).
    #[arg(long, value_name = "SECONDS", default_value_t = 45.0, value_parser = checks::positive_seconds)]
    pub budget: f64,
    /// Stop once every ratio's 95% interval is within ±this many percent.
    #[arg(long, value_name = "PERCENT", default_value_t = 1.0, value_parser = checks::percent)]
    pub precision: f64,
    /// Rounds to run before the precision target may stop sampling.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..))]
    pub min_rounds: u32,
    /// Upper bound on warm rounds.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(2..))]
    pub max_rounds: u32,
    /// Worker launches of every runtime over the warm rounds. Each launch has fresh
    /// memory addresses; with 2 or more the ratio's interval spans the differences between
    /// launches, which a single process cannot show.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub launches: u32,
    /// Launches at most (counting --launches). After the first --launches (2 or more),
    /// runtimes whose ratio is still wider than --precision, and the baseline, get further
    /// launches while the budget lasts (the first launches then take half of it, where a
    /// launch's restart and warm-up leave them room to).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_launches: u32,
    /// Worker processes of the baseline (native) in every launch, each sampled in every round;
    /// a round's baseline time is their median, so one slow process does not move every ratio.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=9))]
    pub baseline_processes: u32,
    /// Shift every worker's heap by this many bytes, to reproduce one memory layout (each
    /// row's `raw.heap_offsets` in the JSON has its workers'). Without it each worker draws
    /// its own offset below 4096, so that launches sample layouts.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(0..=65536))]
    pub heap_offset: Option<u32>,
    /// Also measure each selected runtime with each sandbox guard it offers (fuel/metering,
    /// deadline, memory limit), on the first kernel at the largest selected size up to 1000, to report
    /// what each costs.
    #[arg(long)]
    pub sandbox: bool,
    /// Also decompose the gap to native on the gap kernels (pairwise-json, webhook), at the
    /// largest selected size up to 1000: adds the kernel as a native library with and without
    /// auto-vectorization, and each runtime's guest built with Wasm SIMD.
    #[arg(long)]
    pub gap: bool,
    /// Also run the kernels as components on each selected configuration that hosts them,
    /// for the "Plugin interface" section (byte ABI core module, component, extism plugin):
    /// the first such configuration on every kernel and size, the others at the largest
    /// selected size up to 1000.
    #[arg(long)]
    pub interface: bool,
    /// Also probe which WebAssembly proposals each selected runtime runs (as `plugbench
    /// features`), and add the table to the report.
    #[arg(long)]
    pub proposals: bool,
    /// Also measure a plugin host under load on this kernel at this size (repeatable or
    /// comma-separated, `webhook@10`): the run's runtimes in each host model on 1 and every power
    /// of two up to the cores, as `plugbench load` does, on the shorter schedule below.
    #[arg(long = "load", value_name = "KERNEL@SIZE", value_delimiter = ',', value_parser = checks::load_target, help_heading = "Under load")]
    pub load: Vec<(String, u64)>,
    /// Closed-loop rounds of each `--load` measurement.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=1000), help_heading = "Under load")]
    pub load_rounds: u32,
    /// Length of each closed-loop sample of `--load`, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.03, value_parser = checks::positive_seconds, help_heading = "Under load")]
    pub load_sample: f64,
    /// Length of each fixed-rate sample of `--load` (at 80% of each maximum), in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.05, value_parser = checks::positive_seconds, help_heading = "Under load")]
    pub load_open_sample: f64,
    /// Distinct modules in the `tenants` model of `--load`.
    #[arg(long, value_name = "T", default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=100_000), help_heading = "Under load")]
    pub load_tenants: u32,
    /// What to measure, comma-separated: `time` (the default), `instructions` (each runtime's
    /// warm call, compile, instantiate and first call counted under valgrind's callgrind: counts
    /// do not move with a busy machine, but they are not time), or `time,instructions`.
    #[arg(
        long,
        value_name = "WHAT",
        value_delimiter = ',',
        default_value = "time",
        help_heading = "Instruction counts"
    )]
    pub measure: Vec<plugbench_data::Measure>,
    /// Worker processes counted per runtime with `--measure instructions`, each with its own
    /// memory layout: the counts' spread between them is their uncertainty.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=20), help_heading = "Instruction counts")]
    pub count_launches: u32,
    #[command(flatten)]
    pub module: ModuleArgs,
    /// The runtime every ratio is relative to (default: the fastest, named in the report).
    #[arg(long, value_name = "RUNTIME", help_heading = "Your own module")]
    pub baseline: Option<String>,
    /// Seed for the order of runtimes in each round (default: from the clock; always recorded).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seed of the kernel's input values.
    #[arg(long, default_value_t = 42)]
    pub input_seed: u64,
    /// Skip compile / instantiate / first call / cold start / artifact rounds.
    #[arg(long)]
    pub no_phases: bool,
    /// Time limit for any single request to a runtime's worker, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = checks::positive_seconds)]
    pub phase_timeout: f64,
    /// Warm-up time per runtime before recorded samples, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.1, value_parser = checks::seconds_or_zero)]
    pub warmup: f64,
    /// Write the full results (with every raw sample) as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the markdown report.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write one CSV row per runtime.
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Testing aid: make a runtime's worker fail (RUNTIME=bad-module|wrong-output|abort@STEP|hang@STEP).
    #[arg(long, value_name = "RUNTIME=FAULT", hide = true)]
    pub inject_fault: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A results file written by `compare --json`.
    pub results: PathBuf,
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the re-analysed results as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Results files written by `compare --json`, one per machine (two or more).
    #[arg(required = true, num_args = 2..)]
    pub runs: Vec<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Runtime to measure (repeatable). Default: every default runtime. Native is always added.
    #[arg(long = "runtime", value_name = "NAME")]
    pub runtimes: Vec<String>,
    /// The kernel every event runs.
    #[arg(long, value_name = "NAME", default_value = "webhook")]
    pub kernel: String,
    /// The kernel's input size.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub size: u64,
    /// Host threads serving events at once (comma-separated). Default: 1 and every power of
    /// two up to this machine's cores; more than the cores is allowed and marked.
    #[arg(long, value_name = "N,...", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Vec<u32>,
    /// Host models (comma-separated): instance-per-event, pooled, tenants.
    #[arg(
        long = "model",
        value_name = "MODEL",
        value_delimiter = ',',
        default_value = "instance-per-event,pooled,tenants"
    )]
    pub models: Vec<plugbench_data::load::HostModel>,
    /// Also serve events with each sandbox guard each selected runtime offers (fuel/metering,
    /// deadline, memory limit), to report what each costs per event under load.
    #[arg(long)]
    pub sandbox: bool,
    /// Distinct modules in the `tenants` model, each compiled once (the first pays one-off
    /// costs; memory per tenant is what the others add).
    #[arg(long, value_name = "T", default_value_t = 16, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub tenants: u32,
    /// Worker processes of each runtime, one after the other: the interval spans what differs
    /// between processes.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub launches: u32,
    /// Closed-loop rounds in each launch: every runtime, model and thread count once per round.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub rounds: u32,
    /// Length of each closed-loop sample, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.3, value_parser = checks::positive_seconds)]
    pub sample: f64,
    /// Length of each fixed-rate sample, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0, value_parser = checks::positive_seconds)]
    pub open_sample: f64,
    /// Fractions of each measured maximum offered at a fixed rate for the latency figures
    /// (comma-separated, each above 0 and below 1).
    #[arg(long, value_name = "F,...", value_delimiter = ',', default_value = "0.5,0.8", value_parser = checks::load_fraction)]
    pub loads: Vec<f64>,
    /// Seed of the kernel's input values.
    #[arg(long, default_value_t = 42)]
    pub input_seed: u64,
    /// Time limit for any single request to a runtime's worker, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = checks::positive_seconds)]
    pub phase_timeout: f64,
    #[command(flatten)]
    pub module: ModuleArgs,
    /// Write the results as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the table as markdown.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Testing aid: make a runtime's worker fail (RUNTIME=wrong-under-load|slow-event|abort@load|...).
    #[arg(long, value_name = "RUNTIME=FAULT", hide = true)]
    pub inject_fault: Vec<String>,
}

/// A module of the user's own and how to call it (`compare --module`, `load --module`).
#[derive(Debug, Clone, Default, Args)]
pub struct ModuleArgs {
    /// Measure your own module instead of the built-in kernels (repeatable; a directory adds
    /// every `*.wasm` in it). `plugbench inspect` shows how it is called and who hosts it.
    #[arg(long = "module", value_name = "PATH", help_heading = "Your own module")]
    pub modules: Vec<PathBuf>,
    /// The export to call (default: the only one there is), or a call sequence's timed call
    /// written as a call (`run($setup)`).
    #[arg(long, value_name = "NAME", help_heading = "Your own module")]
    pub invoke: Option<String>,
    /// An argument of a numeric export, in order (repeatable), typed by its signature; for a
    /// WASI program, its command-line arguments.
    #[arg(
        long = "arg",
        value_name = "VALUE",
        allow_hyphen_values = true,
        help_heading = "Your own module"
    )]
    pub args: Vec<String>,
    /// Input bytes of a byte-ABI module or extism plugin, or a WASI program's stdin
    /// (repeatable; a directory adds every file in it): each input is a workload of its own.
    #[arg(
        long = "input",
        visible_alias = "stdin",
        value_name = "FILE|DIR",
        help_heading = "Your own module"
    )]
    pub inputs: Vec<PathBuf>,
    /// An environment variable of a WASI program (repeatable).
    #[arg(
        long = "env",
        value_name = "KEY=VALUE",
        help_heading = "Your own module"
    )]
    pub env: Vec<String>,
    /// A host directory a WASI program may open, at GUEST (default: the same path); read-only
    /// unless --dir-rw (repeatable).
    #[arg(
        long = "dir",
        value_name = "HOST[::GUEST]",
        help_heading = "Your own module"
    )]
    pub dirs: Vec<String>,
    /// Your native build of the same plugin (a shared library exporting the invoked function:
    /// the same numeric signature, or the native byte ABI of docs/extending.md): measured as the
    /// native row, every ratio relative to it.
    #[arg(long, value_name = "LIB.so", help_heading = "Your own module")]
    pub native: Option<PathBuf>,
    /// A module the measured module imports from: NAME (the import module) = PATH.wasm,
    /// instantiated before it in the same store (repeatable, in instantiation order; a linked
    /// module may import WASI and the modules linked before it).
    #[arg(long = "link", value_name = "NAME=PATH", value_parser = crate::module::links::parse, help_heading = "Your own module")]
    pub links: Vec<(String, PathBuf)>,
    /// A call sequence's setup, called once per instance before the timed call (`--invoke
    /// 'run($setup)'`), untimed: `name(args)`, numbers; its results are `$setup`, `$setup.1`, ...
    #[arg(long, value_name = "CALL", help_heading = "Your own module")]
    pub setup: Option<String>,
    /// A call after the timed call whose results are the output checked across runtimes
    /// (`len_primes($setup)`).
    #[arg(long, value_name = "CALL", help_heading = "Your own module")]
    pub check: Option<String>,
    /// A call sequence's teardown, when an instance is done (`teardown($setup)`).
    #[arg(long, value_name = "CALL", help_heading = "Your own module")]
    pub teardown: Option<String>,
    /// Let a WASI program write in its --dir directories.
    #[arg(long, help_heading = "Your own module")]
    pub dir_rw: bool,
    /// Do not check outputs (for a module whose output changes from call to call: a clock,
    /// random numbers); every row then says "not verified".
    #[arg(long, help_heading = "Your own module")]
    pub no_verify: bool,
}

impl ModuleArgs {
    /// How to call the module, checked: environment pairs and directory mappings parsed, the
    /// native library found.
    pub fn call_request(&self) -> anyhow::Result<crate::module::CallRequest> {
        use anyhow::Context;
        Ok(crate::module::CallRequest {
            invoke: self.invoke.clone(),
            args: self.args.clone(),
            inputs: self.inputs.clone(),
            verify: !self.no_verify,
            env: self
                .env
                .iter()
                .map(|e| checks::env_pair(e))
                .collect::<anyhow::Result<_>>()?,
            dirs: self
                .dirs
                .iter()
                .map(|d| checks::dir_mapping(d))
                .collect::<anyhow::Result<_>>()?,
            dirs_writable: self.dir_rw,
            native: self
                .native
                .as_deref()
                .map(|p| {
                    std::fs::canonicalize(p).with_context(|| format!("--native {}", p.display()))
                })
                .transpose()?,
            links: self.links.clone(),
            setup: self.setup.clone(),
            check: self.check.clone(),
            teardown: self.teardown.clone(),
        })
    }

    /// The module-only flags given without a module, if any (the kernels are checked against
    /// native and take no arguments).
    pub fn stray_flag(&self) -> Option<&'static str> {
        let module_only = [
            (self.invoke.is_some(), "--invoke"),
            (!self.args.is_empty(), "--arg"),
            (!self.inputs.is_empty(), "--input"),
            (self.no_verify, "--no-verify"),
            (!self.env.is_empty(), "--env"),
            (!self.dirs.is_empty(), "--dir"),
            (self.dir_rw, "--dir-rw"),
            (self.native.is_some(), "--native"),
            (!self.links.is_empty(), "--link"),
            (self.setup.is_some(), "--setup"),
        ];
        let stray = module_only
            .iter()
            .find(|(set, _)| *set && self.modules.is_empty());
        stray.map(|(_, flag)| *flag)
    }
}
