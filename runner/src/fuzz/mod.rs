//! `plugbench fuzz`: differential fuzzing across runtimes. Seeded modules (wasm-smith, plus
//! byte-level mutations) go through every runtime that can host any core module, each in
//! its own long-lived worker process; answers are compared with the majority, and every
//! disagreement or crash is saved as a reproducer.

mod answer;
mod case;
mod host;
mod plan;
mod report;
mod repro;
mod verdict;
pub mod worker;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub use answer::{Answer, CallResult};
pub use case::Features;
use host::{Pool, WorkerSpec};
pub use plan::Plan;
pub use report::{FuzzRun, RuntimeTally};
pub use repro::{replay, Replayed};
pub use worker::Job;

/// Cases generated and probed together; between batches plugbench checks for a signal and
/// reports progress.
const BATCH: u64 = 50;

pub struct FuzzOptions {
    pub seed: u64,
    /// Index of the first case.
    pub first: u64,
    pub modules: u64,
    /// Stop starting batches after this long, even if fewer modules were tried.
    pub time_limit: Option<Duration>,
    pub runtimes: Vec<String>,
    pub features: Features,
    /// Per module and runtime.
    pub timeout: Duration,
    /// Where reproducers go.
    pub out_dir: PathBuf,
    /// Testing aid: RUNTIME -> fault for its worker.
    pub faults: BTreeMap<String, String>,
}

/// Workers per runtime: one per core, so the slowest runtime sets the pace with every core.
fn lanes() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Starts the workers of each runtime (with the memory-limit guard where it offers one).
fn start_hosts(opts: &FuzzOptions, lanes: usize) -> (Vec<Pool>, Vec<(String, String)>) {
    let mut hosts = Vec::new();
    let mut not_hosted = Vec::new();
    let catalog = crate::catalog::catalog();
    for name in &opts.runtimes {
        let entry = catalog
            .entries()
            .into_iter()
            .find(|e| &e.configuration == name && e.guard == Some(runtimes::Guard::MemoryLimit))
            .map_or_else(|| name.clone(), |e| e.name);
        let exe = match catalog.worker_path(&entry) {
            Ok(exe) => exe.to_path_buf(),
            Err(why) => {
                not_hosted.push((name.clone(), why));
                continue;
            }
        };
        let fault = opts.faults.get(name).cloned();
        let spec = WorkerSpec {
            name: name.clone(),
            entry,
            exe,
            fault,
            timeout: opts.timeout,
        };
        match Pool::start(&spec, lanes) {
            Ok(pool) => hosts.push(pool),
            Err(why) => not_hosted.push(why),
        }
    }
    (hosts, not_hosted)
}

pub fn run(opts: &FuzzOptions) -> Result<FuzzRun> {
    let (mut hosts, not_hosted) = start_hosts(opts, lanes());
    anyhow::ensure!(
        hosts.len() >= 2,
        "fuzzing compares runtimes: at least two must host any core module (got {})",
        hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let scratch = tempfile::tempdir().context("create a scratch directory for modules")?;
    let mut run = FuzzRun::new(opts, &hosts, not_hosted);
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(opts.modules),
        indicatif::ProgressDrawTarget::stderr(),
    );
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed:>4} [{bar:30}] {pos}/{len} modules, {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let last = opts.first.saturating_add(opts.modules);
    let mut next = opts.first;
    while next < last {
        if crate::interrupt::requested()
            || opts
                .time_limit
                .is_some_and(|limit| start.elapsed() >= limit)
        {
            run.interrupted = true;
            break;
        }
        let end = (next + BATCH).min(last);
        let jobs = repro::write_batch(opts, next..end, scratch.path())?;
        let answers = probe_all(&mut hosts, &jobs);
        for (job, answers) in jobs.iter().zip(answers) {
            run.record(opts, job, answers)?;
        }
        next = end;
        progress.set_position(next - opts.first);
        progress.set_message(format!("{} finding(s)", run.findings.len()));
    }
    progress.finish_and_clear();
    run.finish(start.elapsed(), &hosts);
    Ok(run)
}

/// Every job on each of `runtimes` (configurations as users get them), one worker each, the
/// runtimes at once: each runtime's answers in job order, or why it cannot run a core module.
pub fn probe_each(
    runtimes: &[String],
    jobs: &[Job],
    timeout: Duration,
) -> Vec<Result<Vec<Answer>, String>> {
    let jobs: Vec<&Job> = jobs.iter().collect();
    let mut names = runtimes.to_vec();
    in_parallel(&mut names, |name| {
        let exe = crate::catalog::catalog().worker_path(name)?.to_path_buf();
        let spec = WorkerSpec {
            name: name.clone(),
            entry: name.clone(),
            exe,
            fault: None,
            timeout,
        };
        let mut pool = Pool::start(&spec, 1).map_err(|(_, why)| why)?;
        Ok(pool.probe_all(&jobs))
    })
}

/// Every runtime probes every job, the runtimes in parallel; answers per job, in runtime order.
fn probe_all(hosts: &mut [Pool], jobs: &[repro::Prepared]) -> Vec<Vec<Answer>> {
    let jobs: Vec<&worker::Job> = jobs.iter().map(|j| &j.job).collect();
    let jobs = &jobs;
    let per_host: Vec<Vec<Answer>> = in_parallel(hosts, |pool| pool.probe_all(jobs));
    (0..jobs.len())
        .map(|j| per_host.iter().map(|answers| answers[j].clone()).collect())
        .collect()
}

/// `work` on every item, each on its own thread; the results in item order.
fn in_parallel<T: Send, R: Send>(items: &mut [T], work: impl Fn(&mut T) -> R + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter_mut()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a probing thread does not panic"))
            .collect()
    })
}
