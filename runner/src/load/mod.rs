//! `plugbench load`: a plugin host under load. Each runtime's worker serves events on several
//! threads at once, sharing one compiled module as an embedding shares its engine, in each
//! host model; the runner only asks for samples and is never in the event loop.

pub mod figures;
pub mod host;
pub mod schedule;
pub mod tenants;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use plugbench_data::load::{HostModel, LoadFile, LoadSettings, LOAD_SCHEMA_VERSION};

use crate::catalog::catalog;
use crate::cli::{CompareArgs, LoadArgs};
use crate::compare::select_runtimes;
use crate::subject::{ProcessSubject, Subject, WorkerCommand};
use crate::workload::Workload;
use crate::{checks, fault};
use schedule::{LoadPlan, LoadSubject};

/// `plugbench load`'s arguments, checked: everything the measurement needs, nothing else.
#[derive(Debug, Clone)]
pub struct LoadCommand {
    /// The runtimes that host the workload (native, or the user's native build, among them).
    pub runtimes: Vec<String>,
    pub workload: Workload,
    pub plan: LoadPlan,
    pub timeout: Duration,
    pub faults: BTreeMap<String, String>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
}

impl LoadCommand {
    pub fn from_args(args: LoadArgs) -> Result<Self> {
        let (workload, runtimes) = if args.module.modules.is_empty() {
            kernel_workload(&args)?
        } else {
            module_workload(&args)?
        };
        for path in [&args.json, &args.markdown].into_iter().flatten() {
            checks::writable(path)?;
        }
        let faults = args
            .inject_fault
            .iter()
            .map(|s| fault::parse_assignment(s))
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(anyhow::Error::msg)?;
        if args.launches * args.rounds < 2 {
            anyhow::bail!("--launches × --rounds must be 2 or more: an interval needs two rounds");
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        let mut threads = if args.threads.is_empty() {
            default_threads(cores)
        } else {
            args.threads
        };
        threads.sort_unstable();
        threads.dedup();
        let mut models = args.models;
        models.sort();
        models.dedup();
        let sample = Duration::from_secs_f64(args.sample);
        let open_sample = Duration::from_secs_f64(args.open_sample);
        Ok(LoadCommand {
            runtimes,
            workload,
            plan: LoadPlan {
                models,
                threads,
                cores,
                launches: args.launches,
                rounds: args.rounds,
                sample,
                open_sample,
                loads: args.loads,
                tenants: args.tenants,
            },
            // A request is a whole sample: its limit is the sample's length and then the
            // usual limit for the instances and calls around it.
            timeout: Duration::from_secs_f64(args.phase_timeout) + sample.max(open_sample),
            faults,
            json: args.json,
            markdown: args.markdown,
        })
    }
}

/// A built-in kernel at its size, on the selected runtimes and native.
fn kernel_workload(args: &LoadArgs) -> Result<(Workload, Vec<String>)> {
    if let Some(flag) = args.module.stray_flag() {
        anyhow::bail!("{flag} applies to a module of your own (--module PATH)");
    }
    let kernel = kernel_embed::kernel(&args.kernel).with_context(|| {
        let known: Vec<&str> = kernel_embed::KERNELS.iter().map(|k| k.name).collect();
        format!(
            "unknown kernel `{}`; available: {}",
            args.kernel,
            known.join(", ")
        )
    })?;
    let size = args.size as usize;
    checks::input_fits(kernel, size)?;
    checks::builds_exist(&args.runtimes, kernel)?;
    let workload = Workload::Kernel {
        kernel: args.kernel.clone(),
        size,
        input_seed: args.input_seed,
    };
    let mut runtimes = select_runtimes(&args.runtimes)?;
    if args.sandbox {
        runtimes.extend(crate::compare::sandbox_variants(&runtimes));
    }
    Ok((workload, runtimes))
}

/// The user's module and its call, on the runtimes that host it (`inspect` says which): one
/// workload, as a load measurement serves one kind of event.
fn module_workload(args: &LoadArgs) -> Result<(Workload, Vec<String>)> {
    let request = args.module.call_request()?;
    let (mut groups, _) = crate::module::plan_modules(
        &args.module.modules,
        &request,
        &args.runtimes,
        None,
        args.sandbox,
    )?;
    if groups.len() != 1 {
        anyhow::bail!(
            "load serves one kind of event: give one module with at most one input ({} workloads \
             given)",
            groups.len()
        );
    }
    Ok(groups.remove(0))
}

/// The `--load` measurements of `plugbench compare`: each kernel and size, on the run's
/// runtimes with compare's shorter schedule, checked before anything runs.
pub fn for_compare(args: &CompareArgs) -> Result<Vec<LoadCommand>> {
    if !args.load.is_empty() && !args.module.modules.is_empty() {
        anyhow::bail!("--load measures the built-in kernels, not a module of your own");
    }
    args.load
        .iter()
        .map(|(kernel, size)| {
            LoadCommand::from_args(LoadArgs {
                runtimes: args.runtimes.clone(),
                kernel: kernel.clone(),
                size: *size,
                threads: Vec::new(),
                models: HostModel::ALL.to_vec(),
                tenants: args.load_tenants,
                // One launch: two would compile every runtime and its tenants again, which
                // compare-all's budget has no room for (`plugbench load` has two).
                launches: 1,
                rounds: args.load_rounds,
                sample: args.load_sample,
                open_sample: args.load_open_sample,
                loads: COMPARE_LOADS.to_vec(),
                input_seed: args.input_seed,
                phase_timeout: args.phase_timeout,
                json: None,
                markdown: None,
                inject_fault: args.inject_fault.clone(),
                module: Default::default(),
                sandbox: false,
            })
            .with_context(|| format!("--load {kernel}@{size}"))
        })
        .collect()
}

/// The fraction of each maximum `compare --load` offers at a fixed rate: the one its
/// "Choosing a runtime" answers at (`plugbench load` offers 50% too).
const COMPARE_LOADS: [f64; 1] = [0.8];

/// 1 and every power of two up to `cores` (and `cores` itself).
pub fn default_threads(cores: u32) -> Vec<u32> {
    let mut threads: Vec<u32> = std::iter::successors(Some(1u32), |t| t.checked_mul(2))
        .take_while(|&t| t <= cores)
        .collect();
    if threads.last() != Some(&cores) {
        threads.push(cores.max(1));
    }
    threads
}

/// Measures every runtime under load and gives the results file.
pub fn run(cmd: &LoadCommand) -> Result<LoadFile> {
    let started = Instant::now();
    let workload = &cmd.workload;
    let subjects = cmd
        .runtimes
        .iter()
        .map(|runtime| LoadSubject {
            name: runtime.clone(),
            subject: spawn(cmd, runtime, workload),
        })
        .collect();
    let measured = schedule::measure(subjects, &cmd.plan, &|line| eprintln!("{line}"));
    let plan = &cmd.plan;
    Ok(LoadFile {
        schema: LOAD_SCHEMA_VERSION,
        tool: format!("plugbench {}", env!("CARGO_PKG_VERSION")),
        environment: crate::environment::collect(),
        settings: LoadSettings {
            kernel: workload.name(),
            size: workload.size(),
            input_seed: workload.input_seed(),
            threads: plan.threads.clone(),
            cores: plan.cores,
            launches: plan.launches,
            rounds: plan.rounds,
            sample_ms: plan.sample.as_millis() as u64,
            open_sample_ms: plan.open_sample.as_millis() as u64,
            loads: plan.loads.clone(),
            tenants: plan.tenants,
            elapsed_s: started.elapsed().as_secs_f64(),
        },
        rows: measured.rows,
        tenants: measured.tenants,
    })
}

/// A runtime's worker, or why it could not start (a missing binary is named).
fn spawn(
    cmd: &LoadCommand,
    runtime: &str,
    workload: &Workload,
) -> Result<Box<dyn Subject>, crate::failure::Failure> {
    let exe = catalog()
        .worker_path(runtime)
        .map_err(crate::failure::Failure::worker)?;
    let command = WorkerCommand {
        exe: exe.to_path_buf(),
        runtime: runtime.to_string(),
        workload: workload.clone(),
        fault: cmd.faults.get(runtime).cloned(),
        timeout: cmd.timeout,
        heap_layout: plugbench_data::HeapLayout::Random,
        wrapper: None,
    };
    Ok(Box::new(ProcessSubject::spawn(command)?))
}

#[cfg(test)]
mod tests {
    use super::default_threads;

    #[test]
    fn default_threads_are_one_and_powers_of_two_up_to_the_cores() {
        assert_eq!(default_threads(1), [1]);
        assert_eq!(default_threads(2), [1, 2]);
        assert_eq!(default_threads(6), [1, 2, 4, 6]);
        assert_eq!(default_threads(64), [1, 2, 4, 8, 16, 32, 64]);
    }
}
