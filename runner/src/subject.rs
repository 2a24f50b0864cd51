//! What the scheduler measures: a [`Subject`] answers sample requests. In production each
//! subject is a worker process ([`ProcessSubject`]); tests use scripted subjects.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::protocol::{Request, Response};

/// Facts a subject reports once it is ready.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    pub crate_name: String,
    pub crate_version: String,
    pub config: String,
    pub guest: String,
    pub baseline: bool,
    pub first_call_ns: f64,
    pub call_estimate_ns: f64,
    /// Process id of the worker (0 where there is no process).
    pub pid: u32,
}

/// Result of one phase sample.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseSample {
    Ns(f64),
    Unsupported,
}

pub trait Subject {
    fn name(&self) -> &str;
    fn prepare(&mut self) -> Result<Readiness, String>;
    /// Total nanoseconds for `calls` warm calls.
    fn warm(&mut self, calls: u64) -> Result<f64, String>;
    fn phase(&mut self, phase: &str) -> Result<PhaseSample, String>;
    /// Peak RSS, memory per extra instance and artifact size (`None` if unavailable).
    fn memory(&mut self) -> Option<reports::Memory>;
    /// After a failure: is the subject still able to answer (only the request failed)?
    fn alive(&self) -> bool;
    /// Replace the subject by a fresh one (a new process); `prepare` follows.
    fn relaunch(&mut self) -> Result<(), String>;
}

/// How to start a worker process.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub exe: PathBuf,
    pub runtime: String,
    pub kernel: String,
    pub size: usize,
    pub input_seed: u64,
    pub fault: Option<String>,
    pub timeout: Duration,
}

/// A runtime in its own process, driven over pipes, with a time limit per request.
pub struct ProcessSubject {
    command: WorkerCommand,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    timeout: Duration,
    dead: bool,
}

const STDERR_LINES_KEPT: usize = 8;

impl ProcessSubject {
    pub fn spawn(cmd: WorkerCommand) -> Result<Self, String> {
        let mut command = Command::new(&cmd.exe);
        command
            .args(["worker", "--runtime", &cmd.runtime, "--kernel", &cmd.kernel])
            .args([
                "--size",
                &cmd.size.to_string(),
                "--input-seed",
                &cmd.input_seed.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: a Ctrl-C at the terminal reaches plugbench only, which
            // finishes the sample in flight, stops the workers and writes what it has.
            .process_group(0);
        if let Some(fault) = &cmd.fault {
            command.args(["--inject-fault", fault]);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start worker: {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut tail = tail.lock().unwrap();
                if tail.len() == STDERR_LINES_KEPT {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        Ok(Self {
            timeout: cmd.timeout,
            command: cmd,
            child,
            stdin,
            lines,
            stderr_tail,
            dead: false,
        })
    }

    fn stderr_note(&self) -> String {
        // Give the stderr reader a moment to collect the dying words.
        std::thread::sleep(Duration::from_millis(50));
        let tail = self.stderr_tail.lock().unwrap();
        let text: Vec<&str> = tail
            .iter()
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if text.is_empty() {
            String::new()
        } else {
            format!("; worker stderr: {}", text.join(" | "))
        }
    }

    fn died(&mut self, step: &str) -> String {
        self.dead = true;
        let status = match self.child.try_wait() {
            Ok(Some(status)) => Some(status),
            _ => {
                std::thread::sleep(Duration::from_millis(100));
                self.child.try_wait().ok().flatten()
            }
        };
        let how = match status {
            Some(status) => describe_exit(status),
            None => "closed its output".into(),
        };
        format!("worker {how} during {step}{}", self.stderr_note())
    }

    fn request(&mut self, request: &Request, step: &str) -> Result<Response, String> {
        if self.dead {
            return Err("worker is no longer running".into());
        }
        let mut line = serde_json::to_string(request).expect("requests serialize");
        line.push('\n');
        if self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|_| self.stdin.flush())
            .is_err()
        {
            return Err(self.died(step));
        }
        match self.lines.recv_timeout(self.timeout) {
            Ok(line) => serde_json::from_str(&line)
                .map_err(|e| format!("bad answer from worker ({e}): {line}")),
            Err(RecvTimeoutError::Disconnected) => Err(self.died(step)),
            Err(RecvTimeoutError::Timeout) => {
                self.dead = true;
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err(format!(
                    "worker gave no answer within {:.0} s during {step} and was killed{}",
                    self.timeout.as_secs_f64(),
                    self.stderr_note()
                ))
            }
        }
    }
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("was killed by signal {signal} ({})", signal_name(signal)),
        (Some(code), _) => format!("exited with code {code}"),
        _ => format!("ended ({status})"),
    }
}

#[cfg(not(unix))]
fn describe_exit(status: std::process::ExitStatus) -> String {
    format!("ended ({status})")
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal",
    }
}

impl Drop for ProcessSubject {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unexpected(r: Response) -> String {
    match r {
        Response::Failed { message } => message,
        other => format!("unexpected answer from worker: {other:?}"),
    }
}

impl Subject for ProcessSubject {
    fn name(&self) -> &str {
        &self.command.runtime
    }

    fn prepare(&mut self) -> Result<Readiness, String> {
        match self.request(&Request::Prepare, "prepare")? {
            Response::Ready {
                crate_name,
                crate_version,
                config,
                guest,
                baseline,
                first_call_ns,
                call_estimate_ns,
                pid,
            } => Ok(Readiness {
                crate_name,
                crate_version,
                config,
                guest,
                baseline,
                first_call_ns,
                call_estimate_ns,
                pid,
            }),
            other => Err(format!(
                "during prepare (compile, instantiate, first calls): {}",
                unexpected(other)
            )),
        }
    }

    fn warm(&mut self, calls: u64) -> Result<f64, String> {
        match self.request(&Request::Warm { calls }, "warm calls")? {
            Response::Sample { ns } => Ok(ns),
            other => Err(format!("during warm calls: {}", unexpected(other))),
        }
    }

    fn phase(&mut self, phase: &str) -> Result<PhaseSample, String> {
        match self.request(
            &Request::Phase {
                phase: phase.into(),
            },
            phase,
        )? {
            Response::Sample { ns } => Ok(PhaseSample::Ns(ns)),
            Response::Unsupported => Ok(PhaseSample::Unsupported),
            other => Err(unexpected(other)),
        }
    }

    fn memory(&mut self) -> Option<reports::Memory> {
        match self.request(&Request::Memory, "memory") {
            Ok(Response::Memory {
                peak_rss_kib,
                instance_kib,
                artifact_bytes,
            }) => Some(reports::Memory {
                peak_rss_kib,
                per_instance_kib: instance_kib,
                instances: crate::memory::INSTANCES,
                artifact_bytes,
            }),
            _ => None,
        }
    }

    fn alive(&self) -> bool {
        !self.dead
    }

    fn relaunch(&mut self) -> Result<(), String> {
        // Dropping the old subject kills and reaps its process.
        *self = ProcessSubject::spawn(self.command.clone())?;
        Ok(())
    }
}
