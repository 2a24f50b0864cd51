//! One runtime's worker as the fuzzer sees it: started once, given module after module, and
//! replaced after it crashes or runs out of time (the answer then says which).

use std::path::PathBuf;
use std::time::Duration;

use super::answer::Answer;
use super::worker::{Greeting, Job};
use crate::failure::Failure;
use crate::process::{ProcessError, WorkerProcess};
use crate::worker_call::WorkerCall;

/// How to start a runtime's fuzz workers.
#[derive(Clone)]
pub struct WorkerSpec {
    /// The name it is reported under (the configuration, without the guard suffix).
    pub name: String,
    /// The runtime entry the worker creates (with the memory-limit guard where offered).
    pub entry: String,
    pub exe: PathBuf,
    pub fault: Option<String>,
    /// Per module.
    pub timeout: Duration,
}

pub struct Host {
    spec: WorkerSpec,
    pub description: String,
    process: Option<WorkerProcess>,
    /// Workers started, the first included.
    pub launches: u64,
}

/// A host, or why its runtime cannot be fuzzed.
pub enum Started {
    Ready(Host),
    CannotHost { name: String, why: String },
}

/// One runtime's workers. A batch's modules are shared among them, so a runtime that is slow
/// per module (LLVM compiling each one) uses every core instead of holding each batch up on one
/// while the other runtimes wait.
pub struct Pool {
    pub name: String,
    pub description: String,
    lanes: Vec<Host>,
}

impl Pool {
    /// `lanes` workers, or why the runtime cannot be fuzzed.
    pub fn start(spec: &WorkerSpec, lanes: usize) -> Result<Pool, (String, String)> {
        let mut started = Vec::new();
        for _ in 0..lanes.max(1) {
            match Host::start(spec.clone()) {
                Started::Ready(host) => started.push(host),
                Started::CannotHost { name, why } => return Err((name, why)),
            }
        }
        Ok(Pool {
            description: started[0].description.clone(),
            name: spec.name.clone(),
            lanes: started,
        })
    }

    /// The answers to `jobs`, in their order; lane `i` takes every `lanes`-th job from `i`.
    pub fn probe_all(&mut self, jobs: &[&Job]) -> Vec<Answer> {
        let count = self.lanes.len();
        let mut lanes: Vec<(usize, &mut Host)> = self.lanes.iter_mut().enumerate().collect();
        let per_lane: Vec<Vec<Answer>> = super::in_parallel(&mut lanes, |(lane, host)| {
            jobs.iter()
                .skip(*lane)
                .step_by(count)
                .map(|job| host.probe(job))
                .collect()
        });
        (0..jobs.len())
            .map(|j| per_lane[j % count][j / count].clone())
            .collect()
    }

    /// Workers started over the run, the first of each lane included.
    pub fn launches(&self) -> u64 {
        self.lanes.iter().map(|h| h.launches).sum()
    }

    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }
}

impl Host {
    pub fn start(spec: WorkerSpec) -> Started {
        let mut host = Host {
            spec,
            description: String::new(),
            process: None,
            launches: 0,
        };
        match host.launch() {
            Ok(Greeting::Ready {
                crate_name,
                crate_version,
                config,
            }) => {
                host.description = format!("{crate_name} {crate_version}: {config}");
                Started::Ready(host)
            }
            Ok(Greeting::CannotHost { why }) => Started::CannotHost {
                name: host.spec.name,
                why,
            },
            Err(failure) => Started::CannotHost {
                name: host.spec.name,
                why: failure.to_string(),
            },
        }
    }

    fn launch(&mut self) -> Result<Greeting, Failure> {
        let spec = &self.spec;
        let args = WorkerCall::Fuzz {
            runtime: spec.entry.clone(),
            fault: spec.fault.clone(),
        }
        .args();
        // Starting a worker (and its engine) gets a generous limit of its own.
        let mut process =
            WorkerProcess::spawn(&spec.exe, &args, spec.timeout.max(Duration::from_secs(30)))?;
        self.launches += 1;
        let line = process.answer("start")?;
        let greeting = serde_json::from_str(&line)
            .map_err(|e| Failure::worker(format!("bad greeting from worker ({e}): {line}")))?;
        process.set_timeout(self.spec.timeout);
        self.process = Some(process);
        Ok(greeting)
    }

    /// The runtime's answer for `job`; a dead or hung worker is reported and replaced.
    pub fn probe(&mut self, job: &Job) -> Answer {
        if self.process.as_ref().is_none_or(|p| !p.alive()) {
            if let Err(how) = self.launch() {
                return Answer::Crashed {
                    how: format!("could not restart: {how}"),
                };
            }
        }
        let process = self.process.as_mut().expect("launched above");
        let line = serde_json::to_string(job).expect("jobs serialize");
        match process.exchange(&line, &job.step()) {
            Ok(answer) => serde_json::from_str(&answer).unwrap_or_else(|e| Answer::Crashed {
                how: format!("bad answer from worker ({e})"),
            }),
            Err(ProcessError::TimedOut { seconds, .. }) => Answer::TimedOut { seconds },
            Err(how) => Answer::Crashed {
                how: how.to_string(),
            },
        }
    }
}
