//! One runtime's worker as the fuzzer sees it: started once, given module after module, and
//! replaced after it crashes or runs out of time (the answer then says which).

use std::path::PathBuf;
use std::time::Duration;

use super::answer::Answer;
use super::worker::{Greeting, Job};
use crate::process::WorkerProcess;

pub struct Host {
    /// The name it is reported under (the configuration, without the guard suffix).
    pub name: String,
    /// The runtime entry the worker creates (with the memory-limit guard where offered).
    pub entry: String,
    pub description: String,
    exe: PathBuf,
    fault: Option<String>,
    timeout: Duration,
    process: Option<WorkerProcess>,
    /// Workers started, the first included.
    pub launches: u64,
}

/// A host, or why its runtime cannot be fuzzed.
pub enum Started {
    Ready(Host),
    CannotHost { name: String, why: String },
}

impl Host {
    pub fn start(
        name: String,
        entry: String,
        exe: PathBuf,
        fault: Option<String>,
        timeout: Duration,
    ) -> Started {
        let mut host = Host {
            name,
            entry,
            description: String::new(),
            exe,
            fault,
            timeout,
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
                name: host.name,
                why,
            },
            Err(why) => Started::CannotHost {
                name: host.name,
                why,
            },
        }
    }

    fn launch(&mut self) -> Result<Greeting, String> {
        let mut args = vec![
            "fuzz-worker".to_string(),
            "--runtime".into(),
            self.entry.clone(),
        ];
        if let Some(fault) = &self.fault {
            args.extend(["--inject-fault".into(), fault.clone()]);
        }
        // Starting a worker (and its engine) gets a generous limit of its own.
        let mut process =
            WorkerProcess::spawn(&self.exe, &args, self.timeout.max(Duration::from_secs(30)))?;
        self.launches += 1;
        let line = process.answer("start")?;
        let greeting = serde_json::from_str(&line)
            .map_err(|e| format!("bad greeting from worker ({e}): {line}"))?;
        process.set_timeout(self.timeout);
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
            Err(_) if process.timed_out() => Answer::TimedOut {
                seconds: self.timeout.as_secs_f64(),
            },
            Err(how) => Answer::Crashed { how },
        }
    }
}
