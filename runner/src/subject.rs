//! What the scheduler measures: a [`Subject`] answers sample requests. In production each
//! subject is a worker process ([`ProcessSubject`]); tests use scripted subjects.

use std::path::PathBuf;
use std::time::Duration;

use plugbench_data::load::{Arrival, HostModel, LoadSample, TenantCost};
use plugbench_data::{HeapLayout, Phase};

use crate::failure::Failure;
use crate::process::{WorkerProcess, Wrapper};
use crate::protocol::{OutputSummary, Region, Request, Response};
use crate::worker_call::WorkerCall;
use crate::workload::Workload;

/// Facts a subject reports once it is ready.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    pub crate_name: String,
    pub crate_version: String,
    pub config: String,
    pub guest: String,
    pub baseline: bool,
    /// Native code, not a Wasm runtime.
    pub native: bool,
    pub first_call_ns: f64,
    pub call_estimate_ns: f64,
    /// Process id of the worker (0 where there is no process).
    pub pid: u32,
    /// Bytes the worker shifted its heap by.
    pub heap_offset: u32,
    /// A user's module: the output to compare across runtimes.
    pub output: Option<OutputSummary>,
}

/// Result of one phase sample.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseSample {
    Ns(f64),
    Unsupported,
}

pub trait Subject {
    fn name(&self) -> &str;
    fn prepare(&mut self) -> Result<Readiness, Failure>;
    /// Total nanoseconds for `calls` warm calls.
    fn warm(&mut self, calls: u64) -> Result<f64, Failure>;
    fn phase(&mut self, phase: Phase) -> Result<PhaseSample, Failure>;
    /// Peak RSS, memory per extra instance and artifact size (`None` if unavailable).
    fn memory(&mut self) -> Option<plugbench_data::Memory>;
    /// After a failure: is the subject still able to answer (only the request failed)?
    fn alive(&self) -> bool;
    /// Replace the subject by a fresh one (a new process); `prepare_again` follows.
    fn relaunch(&mut self) -> Result<(), Failure>;
    /// `prepare` after a relaunch, or for a replica: the batch is known, so no call is timed to
    /// size it (`call_estimate_ns` may be 0).
    fn prepare_again(&mut self) -> Result<Readiness, Failure> {
        self.prepare()
    }
    /// Another subject running the same code in a process of its own, unprepared (the
    /// baseline runs in several at once); `None` where this subject cannot have one.
    fn replica(&self) -> Option<Result<Box<dyn Subject>, Failure>> {
        None
    }
    /// Events served on several threads at once (`plugbench load`); a subject that cannot
    /// serve them says so.
    fn load(&mut self, _request: &LoadRequest) -> Result<LoadSample, Failure> {
        Err(Failure::worker(
            "this subject does not serve events under load",
        ))
    }
    /// Compiles `count` distinct modules for the `tenants` host model and says what they cost.
    fn tenants(&mut self, _count: u32) -> Result<TenantCost, Failure> {
        Err(Failure::worker("this subject does not keep tenants"))
    }
}

/// One load sample asked of a worker.
#[derive(Debug, Clone, Copy)]
pub struct LoadRequest {
    pub model: HostModel,
    pub threads: u32,
    pub duration: Duration,
    pub arrival: Arrival,
}

/// How to start a worker process.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub exe: PathBuf,
    pub runtime: String,
    pub workload: Workload,
    pub fault: Option<String>,
    pub timeout: Duration,
    pub heap_layout: HeapLayout,
    /// What the worker runs under (valgrind, to count instructions), if anything.
    pub wrapper: Option<Wrapper>,
}

/// A worker's kernel build must be one of this plugbench's: a worker from another build (or
/// one whose guest was built with another profile) would measure other bytes than the rest.
fn check_build(fingerprint: &str) -> Result<(), Failure> {
    if crate::environment::own_build(fingerprint) {
        Ok(())
    } else {
        Err(Failure::worker(format!(
            "the worker compiled a build of the kernel that is not this plugbench's (fingerprint \
             {fingerprint}); rebuild plugbench and its workers together (scripts/build-workers)"
        )))
    }
}

/// A runtime in its own process, driven over pipes, with a time limit per request.
pub struct ProcessSubject {
    command: WorkerCommand,
    process: WorkerProcess,
}

impl ProcessSubject {
    pub fn spawn(cmd: WorkerCommand) -> Result<Self, Failure> {
        let args = WorkerCall::Serve {
            runtime: cmd.runtime.clone(),
            workload: cmd.workload.clone(),
            fault: cmd.fault.clone(),
            heap_offset: match cmd.heap_layout {
                HeapLayout::Fixed(bytes) => Some(bytes),
                HeapLayout::Random | HeapLayout::Unshifted => None,
            },
        }
        .args();
        Ok(Self {
            process: WorkerProcess::spawn_under(
                cmd.wrapper.as_ref(),
                &cmd.exe,
                &args,
                cmd.timeout,
            )?,
            command: cmd,
        })
    }

    fn ready(&mut self, estimate: bool) -> Result<Readiness, Failure> {
        match self.request(&Request::Prepare { estimate }, "prepare")? {
            Response::Ready {
                crate_name,
                crate_version,
                config,
                guest,
                baseline,
                native,
                first_call_ns,
                call_estimate_ns,
                pid,
                heap_offset,
                output,
                module_fingerprint,
            } => {
                if let Some(fingerprint) = module_fingerprint {
                    check_build(&fingerprint)?;
                }
                Ok(Readiness {
                    crate_name,
                    crate_version,
                    config,
                    guest,
                    baseline,
                    native,
                    first_call_ns,
                    call_estimate_ns,
                    pid,
                    heap_offset,
                    output,
                })
            }
            other => {
                Err(unexpected(other).during("during prepare (compile, instantiate, first calls)"))
            }
        }
    }

    fn request(&mut self, request: &Request, step: &str) -> Result<Response, Failure> {
        let line = serde_json::to_string(request).expect("requests serialize");
        let answer = self.process.exchange(&line, step)?;
        serde_json::from_str(&answer)
            .map_err(|e| Failure::worker(format!("bad answer from worker ({e}): {answer}")))
    }
}

impl ProcessSubject {
    /// The instructions of `region` (the worker runs under callgrind); `None` for a phase the
    /// runtime does not offer.
    pub fn count(&mut self, region: Region) -> Result<Option<u64>, Failure> {
        match self.request(&Request::Count { region }, "count")? {
            Response::Count { instructions } => Ok(Some(instructions)),
            Response::Unsupported => Ok(None),
            other => Err(unexpected(other).during("while counting instructions")),
        }
    }
}

/// The worker's own failure, or the protocol broken.
fn unexpected(r: Response) -> Failure {
    match r {
        Response::Failed(failure) => failure,
        other => Failure::worker(format!("unexpected answer from worker: {other:?}")),
    }
}

impl Subject for ProcessSubject {
    fn name(&self) -> &str {
        &self.command.runtime
    }

    fn prepare(&mut self) -> Result<Readiness, Failure> {
        self.ready(true)
    }

    fn warm(&mut self, calls: u64) -> Result<f64, Failure> {
        match self.request(&Request::Warm { calls }, "warm calls")? {
            Response::Sample { ns } => Ok(ns),
            other => Err(unexpected(other).during("during warm calls")),
        }
    }

    fn phase(&mut self, phase: Phase) -> Result<PhaseSample, Failure> {
        match self.request(&Request::Phase { phase }, phase.as_str())? {
            Response::Sample { ns } => Ok(PhaseSample::Ns(ns)),
            Response::Unsupported => Ok(PhaseSample::Unsupported),
            other => Err(unexpected(other)),
        }
    }

    fn memory(&mut self) -> Option<plugbench_data::Memory> {
        match self.request(&Request::Memory, "memory") {
            Ok(Response::Memory {
                idle_rss_kib,
                idle_file_kib,
                peak_rss_kib,
                instance_kib,
                artifact_bytes,
            }) => Some(plugbench_data::Memory {
                idle_rss_kib,
                idle_file_kib,
                peak_rss_kib,
                per_instance_kib: instance_kib,
                instances: crate::memory::INSTANCES,
                artifact_bytes,
            }),
            _ => None,
        }
    }

    fn alive(&self) -> bool {
        self.process.alive()
    }

    fn relaunch(&mut self) -> Result<(), Failure> {
        // Dropping the old subject kills and reaps its process.
        *self = ProcessSubject::spawn(self.command.clone())?;
        Ok(())
    }

    fn prepare_again(&mut self) -> Result<Readiness, Failure> {
        self.ready(false)
    }

    fn load(&mut self, r: &LoadRequest) -> Result<LoadSample, Failure> {
        let request = Request::Load {
            model: r.model,
            threads: r.threads,
            duration_ms: r.duration.as_millis() as u64,
            arrival: r.arrival,
        };
        match self.request(&request, "load")? {
            Response::Load(sample) => Ok(sample),
            other => Err(unexpected(other).during("under load")),
        }
    }

    fn tenants(&mut self, count: u32) -> Result<TenantCost, Failure> {
        // Each tenant is a compile: the limit is the usual one for each.
        self.process
            .set_timeout(self.command.timeout * count.max(1));
        let answer = self.request(&Request::Tenants { count }, "tenants");
        self.process.set_timeout(self.command.timeout);
        match answer? {
            Response::Tenants(cost) => Ok(cost),
            other => Err(unexpected(other).during("compiling tenants")),
        }
    }

    fn replica(&self) -> Option<Result<Box<dyn Subject>, Failure>> {
        let spawned = ProcessSubject::spawn(self.command.clone());
        Some(spawned.map(|s| Box::new(s) as Box<dyn Subject>))
    }
}
