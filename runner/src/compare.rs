//! `plugbench compare`: choose runtimes, start one worker each, measure, build the results.

use std::collections::BTreeMap;

use std::time::Duration;

use anyhow::{bail, Context, Result};
use plugbench_data::{
    Environment, Group, HeapLayout, RunFile, RuntimeResult, Settings, SCHEMA_VERSION,
};

use crate::catalog::catalog;
use crate::measure::{described, measure, Outcome, Plan};
use crate::progress::Progress;
use crate::subject::{ProcessSubject, Subject, WorkerCommand};
use crate::workload::{Groups, Workload};

/// One workload's measurement: what runs, on which runtimes, how.
#[derive(Clone)]
pub struct CompareOptions {
    pub workload: Workload,
    /// Every runtime measured on it (sandboxed and gap variants included).
    pub runtimes: Vec<String>,
    pub plan: Plan,
    pub phase_timeout: Duration,
    pub faults: BTreeMap<String, String>,
    pub heap_layout: HeapLayout,
}

/// The rows a comparison adds to the selected runtimes, and where.
#[derive(Default)]
pub struct Extras {
    /// The sandboxed variants: on the first kernel at [`side_size`] (each is a full extra
    /// runtime to measure).
    pub sandbox: Vec<String>,
    /// The gap measurement's rows: on each gap kernel at [`side_size`].
    pub gap: Vec<String>,
    /// The "Plugin interface" section's component rows: the first on every kernel at every
    /// size (the per-byte cost needs `echo`'s sweep), the others at [`side_size`].
    pub interface: Vec<String>,
    /// The section's pairs of an engine version kept for its component layer, at the smallest
    /// size: interpreted, their calls take 0.15-0.2 s at size 1000 here, and the minimum
    /// rounds of both at every kernel would add about a minute to `compare-all`.
    pub interface_references: Vec<String>,
}

/// The kernels' workloads: each kernel at each size on `runtimes`, with `extras` where they
/// belong.
pub fn kernel_workloads(
    kernels: &[String],
    sizes: &[usize],
    input_seed: u64,
    runtimes: &[String],
    extras: &Extras,
) -> Groups {
    let mut groups = Vec::new();
    for kernel in kernels {
        for &size in sizes {
            let side = Some(size) == side_size(sizes);
            let mut selected = runtimes.to_vec();
            if kernel == &kernels[0] && side {
                selected.extend(extras.sandbox.iter().cloned());
            }
            if kernel_embed::GAP_KERNELS.contains(&kernel.as_str()) && side {
                selected.extend(extras.gap.iter().cloned());
            }
            let interface = if side { extras.interface.len() } else { 1 };
            selected.extend(extras.interface.iter().take(interface).cloned());
            if Some(&size) == sizes.iter().min() {
                selected.extend(extras.interface_references.iter().cloned());
            }
            let workload = Workload::Kernel {
                kernel: kernel.clone(),
                size,
                input_seed,
            };
            groups.push((workload, selected));
        }
    }
    groups
}

/// The runtimes to run: the requested ones (by default every runtime without a sandbox
/// guard), baseline always included because every ratio needs it, in registry order.
pub fn select_runtimes(requested: &[String]) -> Result<Vec<String>> {
    check_runtime_names(requested)?;
    let declarations = catalog().declarations();
    let baseline = declarations.baseline_name();
    let defaults = declarations.default_names();
    let mut selected: Vec<String> = declarations
        .names()
        .into_iter()
        .filter(|n| {
            (requested.is_empty() && defaults.contains(n))
                || requested.contains(n)
                || Some(n) == baseline.as_ref()
        })
        .collect();
    if requested.is_empty() {
        selected.extend(catalog().missing_required().into_iter().map(String::from));
    }
    Ok(selected)
}

/// Every requested name is a runtime of a worker here; where a worker is missing, the error
/// names it and what builds it.
pub fn check_runtime_names(requested: &[String]) -> Result<()> {
    for name in requested {
        catalog().worker_path(name).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Every sandboxed variant of the selected runtimes that is not selected already.
pub fn sandbox_variants(selected: &[String]) -> Vec<String> {
    catalog()
        .sandbox_support()
        .into_iter()
        .filter(|s| selected.contains(&s.runtime))
        .filter_map(|s| s.variant)
        .filter(|v| !selected.contains(v))
        .collect()
}

/// The kernels to run, in catalog order; `all` selects every one.
pub fn select_kernels(requested: &[String]) -> Result<Vec<String>> {
    let known: Vec<&str> = kernel_embed::KERNELS.iter().map(|k| k.name).collect();
    if requested.iter().any(|k| k == "all") {
        return Ok(known.iter().map(|k| k.to_string()).collect());
    }
    for name in requested {
        if !known.contains(&name.as_str()) {
            bail!(
                "unknown kernel `{name}`; available: {}, all",
                known.join(", ")
            );
        }
    }
    Ok(known
        .into_iter()
        .filter(|k| requested.iter().any(|r| r == k))
        .map(String::from)
        .collect())
}

/// The size the side measurements (sandbox guards, the gap) run at: the largest selected up to
/// 1000, else the smallest. Every extra row runs in every round, so at the largest sizes the
/// interpreters' guarded and SIMD rows made one workload take minutes (371 s of an 11-minute
/// `compare-all` at 7000) while the ratios they show hardly depend on the size.
pub fn side_size(sizes: &[usize]) -> Option<usize> {
    const LARGEST: usize = 1000;
    sizes
        .iter()
        .copied()
        .filter(|&s| s <= LARGEST)
        .max()
        .or_else(|| sizes.iter().copied().min())
}

/// Runs every workload in turn, each a complete measurement with fresh workers, and joins
/// them into one results file.
pub fn run_groups(groups: &[CompareOptions], environment: Environment) -> Result<RunFile> {
    let total = groups.len();
    let mut views = Vec::with_capacity(total);
    // A module's later inputs keep the baseline its first input chose, so its sweep compares
    // every size with the same runtime.
    let mut chosen: BTreeMap<String, String> = BTreeMap::new();
    for (i, group) in groups.iter().enumerate() {
        if crate::interrupt::requested() {
            break;
        }
        let mut group = group.clone();
        let is_module = matches!(group.workload, Workload::Module(_));
        if is_module && group.plan.baseline.is_none() {
            group.plan.baseline = chosen.get(&group.workload.name()).cloned();
        }
        let group = &group;
        let (name, size) = (group.workload.name(), group.workload.size());
        let label = (total > 1).then(|| format!("{name} @ {size} ({}/{total})", i + 1));
        let progress = Progress::stderr(group.plan.budget, label);
        let view = run(group, environment.clone(), &progress)?;
        if let (true, Some(base)) = (is_module, view.baseline()) {
            chosen
                .entry(group.workload.name())
                .or_insert_with(|| base.runtime.clone());
        }
        views.push(view);
    }
    let mut merged = RunFile::merge(views).context("no workload selected")?;
    merged.interrupted = crate::interrupt::requested();
    Ok(merged)
}

/// The results file of workloads that were not timed (only their instructions are counted):
/// each workload and the settings, no rows.
pub fn untimed(groups: &[CompareOptions], environment: Environment) -> Result<RunFile> {
    let views = groups
        .iter()
        .map(|opts| {
            let outcome = Outcome {
                results: Vec::new(),
                answer: None,
                rounds: 0,
                stop_reason: plugbench_data::StopReason::NotTimed,
                elapsed: Duration::ZERO,
            };
            assemble(opts, environment.clone(), outcome, Vec::new())
        })
        .collect();
    RunFile::merge(views).context("no workload selected")
}

pub fn run(
    opts: &CompareOptions,
    environment: Environment,
    progress: &Progress,
) -> Result<RunFile> {
    if let Workload::Kernel { kernel, .. } = &opts.workload {
        if kernel_embed::kernel(kernel).is_none() {
            let names: Vec<&str> = kernel_embed::KERNELS.iter().map(|k| k.name).collect();
            bail!("unknown kernel `{kernel}`; available: {}", names.join(", "));
        }
    }
    let (name, size) = (opts.workload.name(), opts.workload.size());
    let mut failed_to_start = Vec::new();
    let mut subjects: Vec<Box<dyn Subject>> = Vec::new();
    for runtime in &opts.runtimes {
        // A runtime whose worker binary is missing is an error row naming the binary.
        let exe = match catalog().worker_path(runtime) {
            Ok(exe) => exe.to_path_buf(),
            Err(why) => {
                failed_to_start.push(described(RuntimeResult::failed(runtime, &name, size, why)));
                continue;
            }
        };
        let cmd = WorkerCommand {
            exe,
            runtime: runtime.clone(),
            workload: opts.workload.clone(),
            fault: opts.faults.get(runtime).cloned(),
            timeout: opts.phase_timeout,
            heap_layout: opts.heap_layout,
            wrapper: None,
        };
        match ProcessSubject::spawn(cmd) {
            Ok(s) => subjects.push(Box::new(s)),
            Err(e) => failed_to_start.push(described(RuntimeResult::failed(
                runtime, &name, size, e.message,
            ))),
        }
    }
    let outcome = measure(subjects, &name, size, &opts.plan, progress);
    progress.finish();
    Ok(assemble(opts, environment, outcome, failed_to_start))
}

/// Without a named baseline, a user's module's ratios are to its fastest runtime (by median warm time).
fn mark_fastest_as_baseline(results: &mut [RuntimeResult]) {
    let fastest = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok() && !r.raw.warm_ns.is_empty())
        .min_by(|(_, a), (_, b)| {
            crate::measure::median_warm(a).total_cmp(&crate::measure::median_warm(b))
        })
        .map(|(i, _)| i);
    if let Some(i) = fastest {
        results[i].baseline = true;
    }
}

/// The results file of a finished measurement: its raw samples (the reports derive the rest).
pub fn assemble(
    opts: &CompareOptions,
    environment: Environment,
    outcome: Outcome,
    failed_to_start: Vec<RuntimeResult>,
) -> RunFile {
    let mut results = outcome.results;
    results.extend(failed_to_start);
    // The gap measurement's rows belong to the kernels; a module's native library is its baseline.
    let kernel = matches!(opts.workload, Workload::Kernel { .. });
    for r in &mut results {
        r.gap_variant =
            kernel && (catalog().is_gap_variant(&r.runtime) || catalog().is_component(&r.runtime));
    }
    if let Workload::Module(module) = &opts.workload {
        if !results.iter().any(|r| r.baseline) {
            mark_fastest_as_baseline(&mut results);
        }
        for r in results.iter_mut().filter(|_| !module.verify) {
            r.verified = false;
        }
    }
    let plan = &opts.plan;
    RunFile {
        schema: SCHEMA_VERSION,
        interrupted: outcome.stop_reason == plugbench_data::StopReason::Interrupted,
        tool: format!("plugbench {}", env!("CARGO_PKG_VERSION")),
        environment,
        settings: Settings {
            input_seed: opts.workload.input_seed(),
            seed: plan.seed,
            budget_s: plan.budget.as_secs_f64(),
            target_precision: plan.target_precision,
            min_rounds: plan.min_rounds,
            max_rounds: plan.max_rounds,
            launches: plan.launches,
            max_launches: plan.max_launches,
            baseline_processes: plan.baseline_processes,
            heap_layout: opts.heap_layout,
            min_sample_ns: plan.min_sample_ns,
            phase_timeout_s: opts.phase_timeout.as_secs_f64(),
            runtimes: opts.runtimes.clone(),
            baseline: plan.baseline.clone(),
            elapsed_s: outcome.elapsed.as_secs_f64(),
        },
        groups: vec![Group {
            kernel: opts.workload.name(),
            size: opts.workload.size(),
            rounds: outcome.rounds,
            stop_reason: outcome.stop_reason,
            elapsed_s: outcome.elapsed.as_secs_f64(),
            answer: outcome.answer,
        }],
        results,
        load: Vec::new(),
        instructions: None,
    }
}
