//! `plugbench compare`: choose runtimes, start one worker each, measure, build the results.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use reports::{analyze, Environment, RunFile, RuntimeResult, Settings, SCHEMA_VERSION};

use crate::measure::{measure, Outcome, Plan};
use crate::progress::Progress;
use crate::subject::{ProcessSubject, Subject, WorkerCommand};

pub struct CompareOptions {
    pub runtimes: Vec<String>,
    pub kernel: String,
    pub size: usize,
    pub input_seed: u64,
    pub plan: Plan,
    pub phase_timeout: Duration,
    pub faults: BTreeMap<String, String>,
    /// Sandboxed variants measured beside their runtimes, on the first kernel at [`side_size`]
    /// only (each variant is a full extra runtime to measure).
    pub sandbox_runtimes: Vec<String>,
    /// The gap measurement's extra rows, added to each gap kernel at [`side_size`].
    pub gap_runtimes: Vec<String>,
}

/// The runtimes to run: the requested ones (by default every runtime without a sandbox
/// guard), baseline always included because every ratio needs it, in registry order.
pub fn select_runtimes(requested: &[String]) -> Result<Vec<String>> {
    check_runtime_names(requested)?;
    let known = runtimes::names();
    let baseline = runtimes::baseline_name();
    let defaults = runtimes::default_names();
    Ok(known
        .into_iter()
        .filter(|n| {
            (requested.is_empty() && defaults.contains(n))
                || requested.contains(n)
                || Some(n.as_str()) == baseline
        })
        .collect())
}

/// Every requested name is a runtime of this binary; one left out of the build says how to add it.
pub fn check_runtime_names(requested: &[String]) -> Result<()> {
    let known = runtimes::names();
    for name in requested {
        if let Some((_, how)) = runtimes::left_out().into_iter().find(|(n, _)| n == name) {
            bail!("`{name}` is not built into this binary: it {how}");
        }
        if !known.contains(name) {
            bail!(
                "unknown runtime `{name}`; built into this binary: {}",
                known.join(", ")
            );
        }
    }
    Ok(())
}

/// Every sandboxed variant of the selected runtimes that is not selected already.
pub fn sandbox_variants(selected: &[String]) -> Vec<String> {
    runtimes::sandbox_support()
        .into_iter()
        .filter(|s| selected.iter().any(|r| r == s.runtime))
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

/// Runs every (kernel, size) in turn, each a complete measurement with fresh workers, and
/// joins them into one results file.
pub fn run_groups(
    opts: &CompareOptions,
    kernels: &[String],
    sizes: &[usize],
    exe: &Path,
    environment: Environment,
) -> Result<RunFile> {
    let total = kernels.len() * sizes.len();
    let mut views = Vec::with_capacity(total);
    for (i, (kernel, size)) in kernels
        .iter()
        .flat_map(|k| sizes.iter().map(move |s| (k, *s)))
        .enumerate()
    {
        let mut runtimes = opts.runtimes.clone();
        if kernel == &kernels[0] && Some(size) == side_size(sizes) {
            runtimes.extend(opts.sandbox_runtimes.iter().cloned());
        }
        if kernel_embed::GAP_KERNELS.contains(&kernel.as_str()) && Some(size) == side_size(sizes) {
            runtimes.extend(opts.gap_runtimes.iter().cloned());
        }
        let group = CompareOptions {
            kernel: kernel.clone(),
            size,
            runtimes,
            sandbox_runtimes: Vec::new(),
            gap_runtimes: Vec::new(),
            input_seed: opts.input_seed,
            plan: opts.plan.clone(),
            phase_timeout: opts.phase_timeout,
            faults: opts.faults.clone(),
        };
        if crate::interrupt::requested() {
            break;
        }
        let label = (total > 1).then(|| format!("{kernel} @ {size} ({}/{total})", i + 1));
        let progress = Progress::stderr(opts.plan.budget, label);
        views.push(run(&group, exe, environment.clone(), &progress)?);
    }
    let mut merged = RunFile::merge(views).context("no kernel or size selected")?;
    merged.interrupted = crate::interrupt::requested();
    analyze(&mut merged);
    Ok(merged)
}

pub fn run(
    opts: &CompareOptions,
    exe: &Path,
    environment: Environment,
    progress: &Progress,
) -> Result<RunFile> {
    let Some(kernel) = kernel_embed::kernel(&opts.kernel) else {
        let names: Vec<&str> = kernel_embed::KERNELS.iter().map(|k| k.name).collect();
        bail!(
            "unknown kernel `{}`; available: {}",
            opts.kernel,
            names.join(", ")
        );
    };
    let mut failed_to_start = Vec::new();
    let mut subjects: Vec<Box<dyn Subject>> = Vec::new();
    for name in &opts.runtimes {
        let cmd = WorkerCommand {
            exe: exe.to_path_buf(),
            runtime: name.clone(),
            kernel: kernel.name.to_string(),
            size: opts.size,
            input_seed: opts.input_seed,
            fault: opts.faults.get(name).cloned(),
            timeout: opts.phase_timeout,
        };
        match ProcessSubject::spawn(cmd) {
            Ok(s) => subjects.push(Box::new(s)),
            Err(e) => failed_to_start.push(RuntimeResult::failed(name, kernel.name, opts.size, e)),
        }
    }
    let outcome = measure(subjects, kernel.name, opts.size, &opts.plan, progress);
    progress.finish();
    Ok(assemble(
        opts,
        kernel.name,
        environment,
        outcome,
        failed_to_start,
    ))
}

/// The results file of a finished measurement, every statistic derived from its raw samples.
pub fn assemble(
    opts: &CompareOptions,
    kernel: &str,
    environment: Environment,
    outcome: Outcome,
    failed_to_start: Vec<RuntimeResult>,
) -> RunFile {
    let mut results = outcome.results;
    results.extend(failed_to_start);
    for r in &mut results {
        r.gap_variant = runtimes::is_gap_variant(&r.runtime);
    }
    let plan = &opts.plan;
    let mut run = RunFile {
        schema: SCHEMA_VERSION,
        interrupted: outcome.stop_reason == crate::measure::INTERRUPTED,
        tool: format!("plugbench {}", env!("CARGO_PKG_VERSION")),
        environment,
        settings: Settings {
            kernel: kernel.into(),
            size: opts.size,
            input_seed: opts.input_seed,
            seed: plan.seed,
            budget_s: plan.budget.as_secs_f64(),
            target_precision: plan.target_precision,
            min_rounds: plan.min_rounds,
            max_rounds: plan.max_rounds,
            launches: plan.launches,
            min_sample_ns: plan.min_sample_ns,
            phase_timeout_s: opts.phase_timeout.as_secs_f64(),
            runtimes: opts.runtimes.clone(),
            stop_reason: outcome.stop_reason,
            rounds: outcome.rounds,
            elapsed_s: outcome.elapsed.as_secs_f64(),
            groups: Vec::new(),
        },
        results,
    };
    analyze(&mut run);
    run
}
