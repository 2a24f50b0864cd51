//! `compare --measure instructions`: each runtime's warm call and phases counted in
//! instructions under valgrind's callgrind, in worker processes of their own, outputs verified
//! as in a timed run. Counts do not move with the neighbours, so they compare on a machine too
//! busy for time (docs/method.md, "Instruction counts").

pub mod callgrind;
mod meter;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use plugbench_data::{HeapLayout, InstructionRow, InstructionRun, LaunchCount, Phase};

pub use meter::Meter;

use crate::catalog::catalog;
use crate::failure::Failure;
use crate::process::Wrapper;
use crate::protocol::{OutputSummary, Region};
use crate::subject::{ProcessSubject, Readiness, Subject, WorkerCommand};
use crate::workload::Workload;

/// The phases counted besides the warm call: what a host pays to get a module running.
pub const COUNTED_PHASES: [Phase; 3] = [Phase::Compile, Phase::Instantiate, Phase::FirstCall];

/// Warm calls counted together, after one uncounted warm call.
pub const WARM_CALLS: u64 = 2;

/// Under callgrind a worker runs 20 to 100 times slower than on its own.
const VALGRIND_SLOWDOWN: u32 = 100;

/// How the counting runs.
#[derive(Debug, Clone)]
pub struct CountPlan {
    /// Worker processes counted per runtime and workload.
    pub launches: usize,
    /// The time limit of one request to a worker outside valgrind.
    pub timeout: Duration,
    pub heap_layout: HeapLayout,
    /// Faults to inject, by runtime (tests).
    pub faults: BTreeMap<String, String>,
}

/// `valgrind --version`, or why instructions cannot be counted here.
pub fn valgrind_version() -> Result<String> {
    if !cfg!(target_arch = "x86_64") {
        bail!("--measure instructions is available on x86-64 only (valgrind's client requests are written for it)");
    }
    let output = Command::new("valgrind").arg("--version").output();
    match output {
        Ok(out) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        _ => bail!(
            "--measure instructions counts under valgrind, which is not installed here \
             (Debian and Ubuntu: apt-get install valgrind)"
        ),
    }
}

/// Counts every runtime of every workload, one after the other.
pub fn count(groups: &[(Workload, Vec<String>)], plan: &CountPlan) -> Result<InstructionRun> {
    let valgrind = valgrind_version()?;
    let start = Instant::now();
    let mut rows = Vec::new();
    for (workload, runtimes) in groups {
        let mut counted = Vec::new();
        for runtime in runtimes {
            if crate::interrupt::requested() {
                break;
            }
            eprintln!(
                "counting instructions: {runtime} on {} @ {} ({:.0} s so far)",
                workload.name(),
                workload.size(),
                start.elapsed().as_secs_f64()
            );
            counted.push(count_runtime(workload, runtime, plan));
        }
        agree_on_output(&mut counted, workload);
        rows.extend(counted.into_iter().map(|(row, _)| row));
    }
    Ok(InstructionRun {
        valgrind,
        launches: plan.launches,
        warm_calls: WARM_CALLS,
        elapsed_s: start.elapsed().as_secs_f64(),
        rows,
    })
}

/// A runtime's row: every launch counted, or the first failure.
fn count_runtime(
    workload: &Workload,
    runtime: &str,
    plan: &CountPlan,
) -> (InstructionRow, Option<OutputSummary>) {
    let mut row = InstructionRow {
        runtime: runtime.into(),
        kernel: workload.name(),
        size: workload.size(),
        native: false,
        crate_name: String::new(),
        crate_version: String::new(),
        verified: false,
        error: None,
        launches: Vec::new(),
    };
    let mut output = None;
    for _ in 0..plan.launches.max(1) {
        match count_launch(workload, runtime, plan) {
            Ok(launch) => {
                row.native = launch.ready.native;
                row.crate_name = launch.ready.crate_name.clone();
                row.crate_version = launch.ready.crate_version.clone();
                output = launch.ready.output;
                row.launches.push(launch.count);
            }
            Err(failure) => {
                row.error = Some(failure.message);
                row.launches.clear();
                break;
            }
        }
    }
    row.verified = row.is_ok() && workload.verifies();
    (row, output)
}

struct Launch {
    count: LaunchCount,
    /// What the worker said of itself (a user's module: its output, compared across runtimes).
    ready: Readiness,
}

/// One worker under callgrind: prepared uninstrumented, one warm call, then each region counted.
fn count_launch(workload: &Workload, runtime: &str, plan: &CountPlan) -> Result<Launch, Failure> {
    let profiles = tempfile::tempdir()
        .map_err(|e| Failure::worker(format!("a directory for callgrind's profiles: {e}")))?;
    let command = WorkerCommand {
        exe: catalog()
            .worker_path(runtime)
            .map_err(Failure::worker)?
            .to_path_buf(),
        runtime: runtime.into(),
        workload: workload.clone(),
        fault: plan.faults.get(runtime).cloned(),
        timeout: plan.timeout * VALGRIND_SLOWDOWN,
        heap_layout: plan.heap_layout,
        wrapper: Some(callgrind_wrapper(profiles.path().to_path_buf())),
    };
    let mut worker = ProcessSubject::spawn(command).map_err(under_valgrind)?;
    let ready = worker.prepare_again().map_err(under_valgrind)?;
    worker.warm(1).map_err(under_valgrind)?;
    let warm = worker
        .count(Region::Warm { calls: WARM_CALLS })
        .map_err(under_valgrind)?
        .ok_or_else(|| Failure::worker("the warm calls were not counted"))?;
    let mut phases = BTreeMap::new();
    for phase in COUNTED_PHASES {
        if let Some(n) = worker
            .count(Region::Phase { phase })
            .map_err(under_valgrind)?
        {
            phases.insert(phase, n);
        }
    }
    Ok(Launch {
        count: LaunchCount {
            warm_per_call: warm as f64 / WARM_CALLS as f64,
            phases,
        },
        ready,
    })
}

/// valgrind running callgrind with nothing instrumented until the worker asks (its client
/// requests), JIT code's self-modifying-code checks on, profiles into `profiles`.
fn callgrind_wrapper(profiles: PathBuf) -> Wrapper {
    Wrapper {
        program: "valgrind".into(),
        args: vec![
            "--tool=callgrind".into(),
            "--instr-atstart=no".into(),
            "--smc-check=all".into(),
            "-q".into(),
            format!("--callgrind-out-file={}/callgrind.%p", profiles.display()),
        ],
        env: vec![(callgrind::PROFILES_DIR.into(), profiles)],
    }
}

/// A failure under valgrind says so (the same worker may run outside it); a wrong output is
/// wrong anywhere.
fn under_valgrind(failure: Failure) -> Failure {
    if failure.is_mismatch() {
        return failure;
    }
    failure.during("under valgrind")
}

/// A user's module has no native reference: each runtime's output must be the first counted
/// runtime's (the baseline's, if native code is one), or its row is a mismatch.
fn agree_on_output(rows: &mut [(InstructionRow, Option<OutputSummary>)], workload: &Workload) {
    if !matches!(workload, Workload::Module(_)) || !workload.verifies() {
        return;
    }
    rows.sort_by_key(|(row, _)| !row.native);
    let Some((reference_runtime, reference)) = rows
        .iter()
        .find_map(|(row, out)| Some((row.runtime.clone(), out.clone()?)))
    else {
        return;
    };
    for (row, output) in rows.iter_mut() {
        let Some(output) = output else { continue };
        if let Err(mismatch) = output.matches(&reference) {
            row.error = Some(format!(
                "output differs from {reference_runtime}'s: {mismatch}"
            ));
            row.verified = false;
            row.launches.clear();
        }
    }
}
