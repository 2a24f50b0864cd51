//! The worker side: one runtime in its own process, serving timing requests over stdio.
//! Everything timed happens here; inputs are made before and outputs checked after the
//! timed region.

use std::io::{BufRead, Write};
use std::time::Instant;

use kernel_embed::Kernel;
use plugbench_data::Phase;
use runtimes::{Compiled, Instance, Runtime, RuntimeError};

use crate::fault::Fault;
use crate::memory;
use crate::protocol::{Request, Response};

/// Bytes that start like a Wasm module and then are not one.
const GARBAGE_MODULE: &[u8] = b"\0asm\x01\0\0\0this is not a wasm module";

pub struct WorkerOptions {
    pub runtime: String,
    pub kernel: &'static Kernel,
    pub size: usize,
    pub input_seed: u64,
    pub fault: Option<Fault>,
}

struct Prepared {
    runtime: Box<dyn Runtime>,
    compiled: Box<dyn Compiled>,
    instance: Box<dyn Instance>,
    artifact: Option<Vec<u8>>,
    /// A module loaded from the artifact has been run and checked once.
    artifact_checked: bool,
    /// The runtime's compilation cache for `compile_cached`, removed when the worker ends.
    cache_dir: Option<tempfile::TempDir>,
    cached_checked: bool,
}

struct Worker {
    opts: WorkerOptions,
    bytes: Vec<u8>,
    input: Vec<u8>,
    expected: Vec<u8>,
    prepared: Option<Prepared>,
}

/// Serves requests from stdin until it closes.
pub fn serve(opts: WorkerOptions) -> anyhow::Result<()> {
    let input = (opts.kernel.make_input)(opts.size, opts.input_seed);
    let expected = opts
        .kernel
        .expected_output(&input)
        .map_err(|e| anyhow::anyhow!("native kernel failed on its own input: {e}"))?;
    let mut worker = Worker {
        opts,
        bytes: Vec::new(),
        input,
        expected,
        prepared: None,
    };
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let request: Request = serde_json::from_str(&line?)?;
        let response = worker.handle(request);
        serde_json::to_writer(&mut stdout, &response)?;
        stdout.write_all(b"\n")?;
        stdout.flush()?;
    }
    Ok(())
}

fn failed(e: impl std::fmt::Display) -> Response {
    Response::Failed {
        message: e.to_string(),
    }
}

impl Worker {
    fn handle(&mut self, request: Request) -> Response {
        let step = match &request {
            Request::Prepare => "prepare",
            Request::Warm { .. } => "warm",
            Request::Phase { phase } => phase.as_str(),
            Request::Memory => "memory",
        };
        Fault::trigger(self.opts.fault.as_ref(), step);
        let result = match request {
            Request::Prepare => self.prepare(),
            Request::Warm { calls } => self.warm(calls),
            Request::Phase { phase } => self.phase(phase),
            Request::Memory => self.memory(),
        };
        result.unwrap_or_else(failed)
    }

    fn check(&self, output: Result<Vec<u8>, RuntimeError>) -> Result<(), String> {
        let mut output = output.map_err(|e| e.to_string())?;
        if self.opts.fault == Some(Fault::WrongOutput) {
            if let Some(b) = output.iter_mut().find(|b| b.is_ascii_digit()) {
                *b = if *b == b'9' { b'1' } else { *b + 1 };
            }
        }
        (self.opts.kernel.verify)(&self.expected, &output)
            .map_err(|e| format!("output differs from native: {e}"))
    }

    fn prepare(&mut self) -> Result<Response, String> {
        let runtime = runtimes::create(&self.opts.runtime).map_err(|e| e.to_string())?;
        let info = runtime.info();
        if !info.guest.available(self.opts.kernel) {
            return Err(format!(
                "there is no {} build of `{}`",
                info.guest.label(),
                self.opts.kernel.name
            ));
        }
        self.bytes = match self.opts.fault {
            Some(Fault::BadModule) => GARBAGE_MODULE.to_vec(),
            Some(Fault::Hostile(hostile)) => hostile.module(self.opts.kernel.export),
            _ => info.guest.artifact(self.opts.kernel).to_vec(),
        };
        let kernel = self.opts.kernel;
        let compiled = runtime
            .compile(kernel, &self.bytes)
            .map_err(|e| e.to_string())?;
        let mut instance = compiled.instantiate().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let first = instance.call(&self.input);
        let first_call_ns = start.elapsed().as_nanos() as f64;
        self.check(first)?;
        let start = Instant::now();
        let second = instance.call(&self.input);
        let call_estimate_ns = start.elapsed().as_nanos() as f64;
        self.check(second)?;
        self.prepared = Some(Prepared {
            runtime,
            compiled,
            instance,
            artifact: None,
            artifact_checked: false,
            cache_dir: None,
            cached_checked: false,
        });
        Ok(Response::Ready {
            crate_name: info.crate_name.into(),
            crate_version: info.crate_version.into(),
            config: info.config,
            guest: info.guest.label().into(),
            baseline: info.guest == runtimes::GuestFormat::Native,
            first_call_ns,
            call_estimate_ns,
            pid: std::process::id(),
        })
    }

    fn prepared(&mut self) -> Result<&mut Prepared, String> {
        self.prepared
            .as_mut()
            .ok_or_else(|| "worker was not prepared".to_string())
    }

    fn warm(&mut self, calls: u64) -> Result<Response, String> {
        let input = std::mem::take(&mut self.input);
        let prepared = self.prepared()?;
        // The first and the last output of the batch are checked; every other one is dropped
        // as soon as the next call returns, as a host would. Holding a whole batch of outputs
        // alive grew the heap by the batch's size and put page faults into the timing of
        // allocation-heavy kernels (see README, "Verification").
        let mut first = None;
        let mut last = None;
        let start = Instant::now();
        for i in 0..calls {
            let output = prepared.instance.call(&input);
            if i == 0 {
                first = Some(output);
            } else {
                last = Some(output);
            }
        }
        let ns = start.elapsed().as_nanos() as f64;
        self.input = input;
        for output in first.into_iter().chain(last) {
            self.check(output)?;
        }
        Ok(Response::Sample { ns })
    }

    fn phase(&mut self, phase: Phase) -> Result<Response, String> {
        let kernel = self.opts.kernel;
        let input = std::mem::take(&mut self.input);
        let bytes = std::mem::take(&mut self.bytes);
        let result = self.time_phase(phase, kernel, &bytes, &input);
        self.input = input;
        self.bytes = bytes;
        match result {
            Err(RuntimeError::Unsupported) => Ok(Response::Unsupported),
            Err(e) => Err(e.to_string()),
            Ok((ns, output)) => {
                if let Some(output) = output {
                    self.check(Ok(output))?;
                }
                Ok(Response::Sample { ns })
            }
        }
    }

    /// Times one operation; returns the time and, where the phase ends in a call, its output.
    fn time_phase(
        &mut self,
        phase: Phase,
        kernel: &Kernel,
        bytes: &[u8],
        input: &[u8],
    ) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
        let p = self
            .prepared
            .as_mut()
            .ok_or_else(|| RuntimeError::Setup("worker was not prepared".into()))?;
        let elapsed = |start: Instant| start.elapsed().as_nanos() as f64;
        match phase {
            Phase::Compile => {
                let start = Instant::now();
                let compiled = p.runtime.compile(kernel, bytes)?;
                let ns = elapsed(start);
                drop(compiled);
                Ok((ns, None))
            }
            Phase::Instantiate => {
                let start = Instant::now();
                let instance = p.compiled.instantiate()?;
                let ns = elapsed(start);
                drop(instance);
                Ok((ns, None))
            }
            Phase::FirstCall => {
                let mut instance = p.compiled.instantiate()?;
                let start = Instant::now();
                let output = instance.call(input)?;
                Ok((elapsed(start), Some(output)))
            }
            Phase::ColdStart => {
                let start = Instant::now();
                let compiled = p.runtime.compile(kernel, bytes)?;
                let mut instance = compiled.instantiate()?;
                let output = instance.call(input)?;
                Ok((elapsed(start), Some(output)))
            }
            Phase::Serialize => {
                let start = Instant::now();
                let artifact = p.compiled.serialize()?;
                let ns = elapsed(start);
                p.artifact = Some(artifact);
                Ok((ns, None))
            }
            Phase::LoadArtifact => {
                if p.artifact.is_none() {
                    p.artifact = Some(p.compiled.serialize()?);
                }
                let artifact = p.artifact.as_deref().unwrap_or_default();
                let start = Instant::now();
                let loaded = p.runtime.load_artifact(kernel, artifact)?;
                let ns = elapsed(start);
                // Prove once that a loaded module computes the right answer (outside the timed region).
                if p.artifact_checked {
                    return Ok((ns, None));
                }
                p.artifact_checked = true;
                let output = loaded.instantiate()?.call(input)?;
                Ok((ns, Some(output)))
            }
            Phase::CompileCached => {
                let dir = match &p.cache_dir {
                    Some(dir) => dir.path().to_path_buf(),
                    None => {
                        let dir = tempfile::tempdir()
                            .map_err(|e| RuntimeError::Setup(format!("cache directory: {e}")))?;
                        let path = dir.path().to_path_buf();
                        // The first compile fills the cache; only hits are timed.
                        match p.runtime.compile_cached(kernel, bytes, &path) {
                            Ok(_) => p.cache_dir = Some(dir),
                            Err(e) => return Err(e),
                        }
                        path
                    }
                };
                let start = Instant::now();
                let compiled = p.runtime.compile_cached(kernel, bytes, &dir)?;
                let ns = elapsed(start);
                if p.cached_checked {
                    return Ok((ns, None));
                }
                p.cached_checked = true;
                let output = compiled.instantiate()?.call(input)?;
                Ok((ns, Some(output)))
            }
        }
    }

    /// Peak RSS first (before extra instances inflate it), then the growth of `INSTANCES` live
    /// instances, then the artifact size where the runtime can save one.
    fn memory(&mut self) -> Result<Response, String> {
        let peak_rss_kib = memory::peak_rss_kib();
        let small_input =
            (self.opts.kernel.make_input)(memory::INSTANCE_INPUT_SIZE, self.opts.input_seed);
        let prepared = self.prepared()?;
        let growth = memory::instances_growth_kib(
            prepared.compiled.as_ref(),
            &small_input,
            memory::INSTANCES,
        );
        let artifact_bytes = match prepared.compiled.serialize() {
            Ok(artifact) => Some(artifact.len() as u64),
            Err(_) => None,
        };
        Ok(Response::Memory {
            peak_rss_kib,
            instance_kib: growth
                .map_err(|e| e.to_string())?
                .map(|kib| kib as f64 / memory::INSTANCES as f64),
            artifact_bytes,
        })
    }
}
