//! `plugbench load`: a plugin host under load. Each runtime's worker serves events on several
//! threads at once, sharing one compiled module as an embedding shares its engine, in each
//! host model; the runner only asks for samples and is never in the event loop.

pub mod figures;
pub mod host;
pub mod schedule;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use plugbench_data::load::{LoadFile, LoadSettings, LOAD_SCHEMA_VERSION};

use crate::catalog::catalog;
use crate::cli::LoadArgs;
use crate::compare::select_runtimes;
use crate::subject::{ProcessSubject, Subject, WorkerCommand};
use crate::workload::Workload;
use crate::{checks, fault};
use schedule::{LoadPlan, LoadSubject};

/// `plugbench load`'s arguments, checked: everything the measurement needs, nothing else.
#[derive(Debug, Clone)]
pub struct LoadCommand {
    pub runtimes: Vec<String>,
    pub kernel: String,
    pub size: usize,
    pub input_seed: u64,
    pub plan: LoadPlan,
    pub timeout: Duration,
    pub faults: BTreeMap<String, String>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
}

impl LoadCommand {
    pub fn from_args(args: LoadArgs) -> Result<Self> {
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
        for path in [&args.json, &args.markdown].into_iter().flatten() {
            checks::writable(path)?;
        }
        let faults = args
            .inject_fault
            .iter()
            .map(|s| fault::parse_assignment(s))
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(anyhow::Error::msg)?;
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
            runtimes: select_runtimes(&args.runtimes)?,
            kernel: args.kernel,
            size,
            input_seed: args.input_seed,
            plan: LoadPlan {
                models,
                threads,
                cores,
                rounds: args.rounds,
                sample,
                open_sample,
                loads: args.loads,
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
    let workload = Workload::Kernel {
        kernel: cmd.kernel.clone(),
        size: cmd.size,
        input_seed: cmd.input_seed,
    };
    let subjects = cmd
        .runtimes
        .iter()
        .map(|runtime| LoadSubject {
            name: runtime.clone(),
            subject: spawn(cmd, runtime, &workload),
        })
        .collect();
    let rows = schedule::measure(subjects, &cmd.plan, &|line| eprintln!("{line}"));
    let plan = &cmd.plan;
    Ok(LoadFile {
        schema: LOAD_SCHEMA_VERSION,
        tool: format!("plugbench {}", env!("CARGO_PKG_VERSION")),
        environment: crate::environment::collect(),
        settings: LoadSettings {
            kernel: cmd.kernel.clone(),
            size: cmd.size,
            input_seed: cmd.input_seed,
            threads: plan.threads.clone(),
            cores: plan.cores,
            rounds: plan.rounds,
            sample_ms: plan.sample.as_millis() as u64,
            open_sample_ms: plan.open_sample.as_millis() as u64,
            loads: plan.loads.clone(),
            elapsed_s: started.elapsed().as_secs_f64(),
        },
        rows,
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
