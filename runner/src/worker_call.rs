//! How `plugbench` starts a worker: one typed command, written as arguments by the runner and
//! read back by the worker. Parsed by hand rather than with clap, because a worker's resident
//! memory is reported as its runtime's: clap's code and tables cost a worker about 0.2 MiB that
//! a host embedding the runtime never pays (docs/calibration.md, "A worker per engine").

use runtimes::Program;

use crate::workload::Workload;

#[derive(Debug, Clone)]
pub enum WorkerCall {
    /// Every runtime of the worker, its configuration and what it says about itself (JSON).
    Describe,
    /// Whether each runtime of the worker can run a program.
    Hosts { program: Program },
    /// Serve one runtime for `compare`.
    Serve {
        runtime: String,
        workload: Workload,
        /// A fault to inject (`runner::fault::Fault`, as text).
        fault: Option<String>,
        /// Bytes to shift the heap by; without it, a random offset.
        heap_offset: Option<u32>,
    },
    /// Serve one runtime for `fuzz`.
    Fuzz {
        runtime: String,
        fault: Option<String>,
    },
}

impl WorkerCall {
    /// The worker's command line.
    pub fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        match self {
            WorkerCall::Describe => args.push("describe".into()),
            WorkerCall::Hosts { program } => {
                args.extend(["hosts".into(), "--program".into(), to_json(program)]);
            }
            WorkerCall::Serve {
                runtime,
                workload,
                fault,
                heap_offset,
            } => {
                args.extend(["serve".into(), "--runtime".into(), runtime.clone()]);
                args.extend(["--workload".into(), to_json(workload)]);
                push_option(&mut args, "--inject-fault", fault.as_ref());
                push_option(&mut args, "--heap-offset", heap_offset.as_ref());
            }
            WorkerCall::Fuzz { runtime, fault } => {
                args.extend(["fuzz".into(), "--runtime".into(), runtime.clone()]);
                push_option(&mut args, "--inject-fault", fault.as_ref());
            }
        }
        args
    }

    /// Reads a worker's command line (without the program name) back.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut args = args.into_iter();
        let command = args.next().ok_or(USAGE)?;
        let mut options = Options::read(args)?;
        let call = match command.as_str() {
            "describe" => WorkerCall::Describe,
            "hosts" => WorkerCall::Hosts {
                program: from_json(&options.required("--program")?, "--program")?,
            },
            "serve" => WorkerCall::Serve {
                runtime: options.required("--runtime")?,
                workload: from_json(&options.required("--workload")?, "--workload")?,
                fault: options.take("--inject-fault"),
                heap_offset: options
                    .take("--heap-offset")
                    .map(|n| n.parse().map_err(|e| format!("--heap-offset {n}: {e}")))
                    .transpose()?,
            },
            "fuzz" => WorkerCall::Fuzz {
                runtime: options.required("--runtime")?,
                fault: options.take("--inject-fault"),
            },
            other => return Err(format!("unknown command `{other}`; {USAGE}")),
        };
        options.finish()?;
        Ok(call)
    }
}

const USAGE: &str = "a plugbench worker is started by plugbench with `describe`, \
    `hosts --program JSON`, `serve --runtime NAME --workload JSON` or `fuzz --runtime NAME`";

fn push_option(args: &mut Vec<String>, flag: &str, value: Option<&impl ToString>) {
    if let Some(value) = value {
        args.extend([flag.to_string(), value.to_string()]);
    }
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("a worker's arguments serialize")
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, flag: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{flag}: {e}"))
}

/// `--flag value` pairs, each taken once by the command that knows it.
struct Options(Vec<(String, String)>);

impl Options {
    fn read(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut pairs = Vec::new();
        while let Some(flag) = args.next() {
            if !flag.starts_with("--") {
                return Err(format!("unexpected argument `{flag}`; {USAGE}"));
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            pairs.push((flag, value));
        }
        Ok(Self(pairs))
    }

    fn take(&mut self, flag: &str) -> Option<String> {
        let at = self.0.iter().position(|(f, _)| f == flag)?;
        Some(self.0.remove(at).1)
    }

    fn required(&mut self, flag: &str) -> Result<String, String> {
        self.take(flag).ok_or_else(|| format!("{flag} is required"))
    }

    fn finish(self) -> Result<(), String> {
        match self.0.first() {
            None => Ok(()),
            Some((flag, _)) => Err(format!("unknown or repeated option {flag}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(call: WorkerCall) -> WorkerCall {
        WorkerCall::parse(call.args()).unwrap()
    }

    #[test]
    fn every_command_reads_back_as_written() {
        let workload: Workload = serde_json::from_str(
            r#"{"kind":"kernel","kernel":"pairwise-json","size":1000,"input_seed":42}"#,
        )
        .unwrap();
        let serve = WorkerCall::Serve {
            runtime: "wasmi".into(),
            workload,
            fault: Some("abort@warm".into()),
            heap_offset: Some(112),
        };
        let WorkerCall::Serve {
            runtime,
            workload,
            fault,
            heap_offset,
        } = round_trip(serve)
        else {
            panic!("not a serve");
        };
        assert_eq!(runtime, "wasmi");
        assert_eq!(
            serde_json::to_string(&workload).unwrap(),
            r#"{"kind":"kernel","kernel":"pairwise-json","size":1000,"input_seed":42}"#
        );
        assert_eq!(fault.as_deref(), Some("abort@warm"));
        assert_eq!(heap_offset, Some(112));
        assert!(matches!(
            round_trip(WorkerCall::Describe),
            WorkerCall::Describe
        ));
        let fuzz = round_trip(WorkerCall::Fuzz {
            runtime: "wasmtime".into(),
            fault: None,
        });
        assert!(matches!(fuzz, WorkerCall::Fuzz { runtime, fault: None } if runtime == "wasmtime"));
    }

    #[test]
    fn bad_command_lines_say_what_is_wrong() {
        let parse =
            |args: &[&str]| WorkerCall::parse(args.iter().map(|a| a.to_string())).unwrap_err();
        assert!(parse(&[]).contains("started by plugbench"));
        assert!(parse(&["run"]).contains("unknown command `run`"));
        assert!(parse(&["serve", "--runtime", "wasmi"]).contains("--workload is required"));
        assert!(parse(&["fuzz", "--runtime"]).contains("--runtime needs a value"));
        assert!(parse(&["describe", "--runtime", "x"]).contains("unknown or repeated option"));
        assert!(parse(&["serve", "--runtime", "a", "--workload", "{"]).starts_with("--workload:"));
    }
}
