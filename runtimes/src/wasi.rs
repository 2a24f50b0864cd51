//! WASI preview 1 programs: what a program is given (arguments, environment, stdin,
//! directories), what a run gives back (exit code, stdout, stderr, and the time between the
//! Sightglass-style `bench.start` / `bench.end` calls), and the [`Compiled`] that runs one, so a
//! WASI program goes through the same phases and workers as every other workload.
//!
//! A runtime runs a [`crate::Program::Wasi`] through its own WASI implementation, each in its
//! own adapter file.

use std::path::PathBuf;
use std::sync::Arc;

use crate::{Compiled, Instance, RuntimeError, Value};

/// Bytes kept of each of stdout and stderr per run; a guest that writes more is stopped and
/// its row says so.
pub const STREAM_CAP: usize = 64 << 20;

/// The import module of the Sightglass-style benchmark markers.
pub const BENCH_MODULE: &str = "bench";

/// What a WASI program is started with.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WasiSetup {
    /// `argv[0]`.
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<Preopen>,
    pub entry: WasiEntry,
}

/// A host directory the guest may open.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
    pub writable: bool,
}

/// Where a run starts.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum WasiEntry {
    /// A command: `_start`, once per instance (each call is a fresh instance).
    #[default]
    Command,
    /// A reactor: `_initialize` once per instance, then this export on every call.
    Reactor { export: String, args: Vec<Value> },
}

/// What one run gave back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WasiOutcome {
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// A reactor's results.
    pub results: Vec<Value>,
    /// Time between `bench.start` and `bench.end`, if the program called them.
    pub bench_ns: Option<f64>,
}

/// A compiled WASI program.
pub trait WasiProgram: Send + Sync {
    /// Saves the compiled code so [`crate::Runtime::load`] can skip compilation.
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }

    /// A fresh instance with its own WASI context, stdin holding `stdin` (a reactor's
    /// `_initialize` runs here).
    fn instantiate(
        &self,
        setup: &WasiSetup,
        stdin: &[u8],
    ) -> Result<Box<dyn WasiInstance>, RuntimeError>;
}

/// A live instance of a WASI program.
pub trait WasiInstance {
    /// Runs the entry; stdout and stderr are what this run wrote.
    fn run(&mut self, entry: &WasiEntry) -> Result<WasiOutcome, RuntimeError>;
}

/// How a call of an export ended, as an adapter reports it.
pub enum Ended {
    Returned(Vec<Value>),
    /// `proc_exit` with this code.
    Exited(i32),
    Failed(RuntimeError),
}

impl WasiEntry {
    /// The export a run calls, with its arguments.
    pub fn call(&self) -> (&str, &[Value]) {
        match self {
            WasiEntry::Command => ("_start", &[]),
            WasiEntry::Reactor { export, args } => (export, args),
        }
    }
}

/// One run's outcome from how its call ended and what the streams got (a full stream is the
/// reason a run failed, whatever the guest made of the error), without its benchmark time.
pub fn outcome(
    ended: Ended,
    streams: Result<[Vec<u8>; 2], RuntimeError>,
) -> Result<WasiOutcome, RuntimeError> {
    let [stdout, stderr] = streams?;
    let (exit_code, results) = match ended {
        Ended::Returned(values) => (0, values),
        Ended::Exited(code) => (code, Vec::new()),
        Ended::Failed(e) => return Err(e),
    };
    Ok(WasiOutcome {
        exit_code,
        stdout,
        stderr,
        results,
        bench_ns: None,
    })
}

/// What a guest wrote to stdout or stderr, in memory, refusing to grow past [`STREAM_CAP`].
#[derive(Debug, Default)]
pub struct Captured {
    bytes: Vec<u8>,
    full: bool,
}

impl Captured {
    /// The bytes written after the first `from`, with the length so far; `None` once the
    /// stream reached its cap.
    pub fn since(&self, from: usize) -> Option<(Vec<u8>, usize)> {
        (!self.full).then(|| (self.bytes[from..].to_vec(), self.bytes.len()))
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > STREAM_CAP {
            self.full = true;
            return Err(std::io::Error::other("stream capped"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What stdout and stderr got since the last run of an instance, or the error of a full one.
/// `read` holds how much of each earlier runs returned; `since(i, from)` reads stream `i`
/// (0 stdout, 1 stderr) as [`Captured::since`] does.
pub fn drain(
    read: &mut [usize; 2],
    since: impl Fn(usize, usize) -> Option<(Vec<u8>, usize)>,
) -> Result<[Vec<u8>; 2], RuntimeError> {
    let mut out = [Vec::new(), Vec::new()];
    for (i, name) in ["stdout", "stderr"].iter().enumerate() {
        let (bytes, len) = since(i, read[i]).ok_or_else(|| capped(name))?;
        out[i] = bytes;
        read[i] = len;
    }
    Ok(out)
}

/// The error for a stream that reached [`STREAM_CAP`].
pub fn capped(stream: &str) -> RuntimeError {
    RuntimeError::Call(format!(
        "the guest wrote more than {} MiB to {stream} (capped, run stopped)",
        STREAM_CAP >> 20
    ))
}

/// A compiled WASI program to be run as `setup` says; each call's input is its stdin and its
/// output the exit code, results, stdout and stderr (see [`outcome_bytes`]).
pub fn wasi_call(program: Box<dyn WasiProgram>, setup: &WasiSetup) -> Box<dyn Compiled> {
    Box::new(WasiCompiled {
        program: Arc::from(program),
        setup: Arc::new(setup.clone()),
    })
}

struct WasiCompiled {
    program: Arc<dyn WasiProgram>,
    setup: Arc<WasiSetup>,
}

impl Compiled for WasiCompiled {
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.program.serialize()
    }

    /// An instance for the first call (with no stdin yet: a command's stdin is given per call,
    /// so a command's instance is made again in each call with it).
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let ready = self.program.instantiate(&self.setup, &[])?;
        Ok(Box::new(WasiCall {
            program: self.program.clone(),
            setup: self.setup.clone(),
            ready: Some(ready),
            bench_ns: None,
        }))
    }
}

struct WasiCall {
    program: Arc<dyn WasiProgram>,
    setup: Arc<WasiSetup>,
    /// A reactor's instance for every call; a command's last one.
    ready: Option<Box<dyn WasiInstance>>,
    bench_ns: Option<f64>,
}

impl Instance for WasiCall {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        let outcome = match &self.setup.entry {
            WasiEntry::Command => {
                // `_start` runs once per instance: every call starts one, with its stdin, and
                // keeps it (finished) until the next, so memory figures see a live instance.
                self.ready = None;
                let instance = self
                    .ready
                    .insert(self.program.instantiate(&self.setup, input)?);
                instance.run(&self.setup.entry)?
            }
            entry @ WasiEntry::Reactor { .. } => {
                let instance = match &mut self.ready {
                    Some(instance) => instance,
                    slot => slot.insert(self.program.instantiate(&self.setup, input)?),
                };
                instance.run(entry)?
            }
        };
        if outcome.exit_code != 0 {
            return Err(RuntimeError::Guest(format!(
                "the program exited with code {}; stderr: {}",
                outcome.exit_code,
                String::from_utf8_lossy(&outcome.stderr[..outcome.stderr.len().min(500)]).trim()
            )));
        }
        self.bench_ns = outcome.bench_ns;
        Ok(outcome_bytes(&outcome))
    }

    fn region_ns(&self) -> Option<f64> {
        self.bench_ns
    }
}

/// A run's output as bytes, compared across runtimes: exit code, results, then each stream
/// with its length.
pub fn outcome_bytes(outcome: &WasiOutcome) -> Vec<u8> {
    let mut out = format!("exit code {}\n", outcome.exit_code).into_bytes();
    out.extend(crate::results_text(&outcome.results).into_bytes());
    for (name, stream) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        out.extend(format!("{name}: {} bytes\n", stream.len()).into_bytes());
        out.extend_from_slice(stream);
        out.push(b'\n');
    }
    out
}

/// What [`outcome_bytes`] wrote, read back (`None` for bytes it did not write); no benchmark time.
pub fn outcome_from_bytes(bytes: &[u8]) -> Option<WasiOutcome> {
    let (line, mut rest) = split_line(bytes)?;
    let exit_code = std::str::from_utf8(line)
        .ok()?
        .strip_prefix("exit code ")?
        .parse()
        .ok()?;
    let mut results = Vec::new();
    let mut streams = [Vec::new(), Vec::new()];
    for (i, name) in ["stdout", "stderr"].iter().enumerate() {
        // A reactor's results come before stdout, one per line.
        let len = loop {
            let (line, after) = split_line(rest)?;
            rest = after;
            let line = std::str::from_utf8(line).ok()?;
            match line.strip_prefix(name).and_then(|l| l.strip_prefix(": ")) {
                Some(header) => break header.strip_suffix(" bytes")?.parse::<usize>().ok()?,
                None if i == 0 => results.extend(crate::invoke::results_from_text(line)?),
                None => return None,
            }
        };
        streams[i] = rest.get(..len)?.to_vec();
        rest = rest.get(len..)?.strip_prefix(b"\n")?;
    }
    let [stdout, stderr] = streams;
    rest.is_empty().then_some(WasiOutcome {
        exit_code,
        stdout,
        stderr,
        results,
        bench_ns: None,
    })
}

/// The bytes before the first newline, and those after it.
fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    Some((&bytes[..end], &bytes[end + 1..]))
}

/// A runtime's answer to [`crate::Runtime::hosts`] for a WASI program when its WASI layer is a cargo
/// feature: built in, or the feature that adds it.
pub fn wasi_built_in(built: bool, feature: &str) -> Result<(), String> {
    match built {
        true => Ok(()),
        false => Err(format!(
            "built without its WASI layer, {feature} (the runner's cargo feature `wasi`, in the default build)"
        )),
    }
}

/// What a configuration's description says of a WASI layer that changes the engine's own
/// build (features it turns on for every call, kernels included).
pub fn wasi_build_note(built: bool, what: &str) -> String {
    match built {
        true => format!("; WASI built in ({what})"),
        false => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_reads_back_as_written() {
        let outcome = WasiOutcome {
            exit_code: 3,
            stdout: b"two\nlines\n".to_vec(),
            stderr: b"stdout: 9 bytes\n".to_vec(),
            results: vec![Value::I32(7), Value::I64(-1)],
            bench_ns: None,
        };
        assert_eq!(outcome_from_bytes(&outcome_bytes(&outcome)), Some(outcome));
        let plain = WasiOutcome::default();
        assert_eq!(outcome_from_bytes(&outcome_bytes(&plain)), Some(plain));
        assert_eq!(
            outcome_from_bytes(b"exit code 0\nstdout: 5 bytes\nab\n"),
            None
        );
    }
}
