//! The worker side: one runtime in its own process, serving timing requests over stdio.
//! Everything timed happens here; inputs are made before and outputs checked after the
//! timed region.

use std::borrow::Cow;
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use kernel_embed::Kernel;
use plugbench_data::Phase;
use runtimes::{Compiled, GuestFormat, Instance, Program, Runtime, RuntimeError};

use crate::count::{Meter, COUNTED_PHASES};
use crate::failure::Failure;
use crate::fault::Fault;
use crate::load::host::{self, LoadSpec, Stall};
use crate::load::tenants;
use crate::memory;
use crate::protocol::{OutputSummary, Region, Request, Response};
use crate::workload::{CallWith, ModuleCall, Workload};
use plugbench_data::load::{Arrival, HostModel};

/// Bytes that start like a Wasm module and then are not one.
const GARBAGE_MODULE: &[u8] = b"\0asm\x01\0\0\0this is not a wasm module";

pub struct WorkerOptions {
    /// The runtimes this worker makes (its engine's configurations).
    pub registry: runtimes::Registry,
    pub runtime: String,
    pub workload: Workload,
    pub fault: Option<Fault>,
    /// Bytes this worker shifted its heap by (reported with its readiness).
    pub heap_offset: u32,
}

struct Prepared {
    runtime: Box<dyn Runtime>,
    compiled: Box<dyn Compiled>,
    instance: Box<dyn Instance>,
    artifact: Option<Vec<u8>>,
    /// A module loaded from the artifact has been run and checked once.
    artifact_checked: bool,
    /// The runtime's compilation cache for `compile (cached)`, removed when the worker ends.
    cache_dir: Option<tempfile::TempDir>,
    cached_checked: bool,
    /// The `tenants` host model's modules, once asked for.
    tenants: Vec<Box<dyn Compiled>>,
}

/// What every output is checked against.
enum Reference {
    /// A kernel's native output, compared by the kernel's own rule.
    Native(
        Vec<u8>,
        fn(&[u8], &[u8]) -> Result<(), kernel_embed::Mismatch>,
    ),
    /// A user's module: the first call's output on this runtime (the runner compares that one
    /// across runtimes); `None` until the first call.
    FirstCall(Option<Vec<u8>>),
    /// `--no-verify`.
    Unchecked,
}

/// The workload as this worker runs it.
struct Setup {
    /// What the runtime is asked to run.
    program: Program,
    /// The built-in kernel, if it is one (its native output is the reference).
    kernel: Option<&'static Kernel>,
    /// The warm figure is the guest's own marked region (a Sightglass-style benchmark).
    region: bool,
    /// The user's module bytes (else the runtime's build of the kernel).
    module: Option<Vec<u8>>,
    input: Vec<u8>,
    reference: Reference,
}

impl Setup {
    fn new(workload: &Workload) -> anyhow::Result<Setup> {
        match workload {
            Workload::Kernel {
                kernel,
                size,
                input_seed,
            } => {
                let entry = kernel_embed::kernel(kernel)
                    .ok_or_else(|| anyhow::anyhow!("unknown kernel `{kernel}`"))?;
                let input = (entry.make_input)(*size, *input_seed);
                let expected = entry
                    .expected_output(&input)
                    .map_err(|e| anyhow::anyhow!("native kernel failed on its own input: {e}"))?;
                Ok(Setup {
                    program: Program::Kernel(entry),
                    kernel: Some(entry),
                    region: false,
                    module: None,
                    input,
                    reference: Reference::Native(expected, entry.verify),
                })
            }
            Workload::Module(call) => Setup::module(call),
        }
    }

    fn module(call: &ModuleCall) -> anyhow::Result<Setup> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).map_err(|e| anyhow::anyhow!("read {}: {e}", path.display()))
        };
        let input = match &call.call {
            CallWith::Numbers(_) | CallWith::Sequence(_) | CallWith::Wave(_) => Vec::new(),
            CallWith::Input(path) => path.as_deref().map(read).transpose()?.unwrap_or_default(),
        };
        Ok(Setup {
            program: call.linked_program()?,
            kernel: None,
            // A Sightglass-style benchmark's marked region, a call sequence's timed call.
            region: call.shape.marks_region() || matches!(call.call, CallWith::Sequence(_)),
            module: Some(read(&call.path)?),
            input,
            reference: if call.verify {
                Reference::FirstCall(None)
            } else {
                Reference::Unchecked
            },
        })
    }

    fn compile(
        &self,
        runtime: &dyn Runtime,
        bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        runtime.compile(&self.program, bytes, cache)
    }

    /// Loads what [`Compiled::serialize`] saved, for the same program.
    fn load(
        &self,
        runtime: &dyn Runtime,
        artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        runtime.load(&self.program, artifact)
    }
}

struct Worker {
    registry: runtimes::Registry,
    runtime_name: String,
    /// Resident set size once the runtime was first created, before anything was compiled.
    idle_rss_kib: Option<u64>,
    /// Of it, the pages mapped from files.
    idle_file_kib: Option<u64>,
    workload: Workload,
    fault: Option<Fault>,
    heap_offset: u32,
    setup: Setup,
    /// Borrowed for a kernel: its build is in the binary, and a copy would count in the
    /// worker's peak RSS as memory its runtime does not need.
    bytes: Cow<'static, [u8]>,
    prepared: Option<Prepared>,
}

/// Serves requests from stdin until it closes.
pub fn serve(opts: WorkerOptions) -> anyhow::Result<()> {
    let mut worker = Worker {
        registry: opts.registry,
        idle_rss_kib: None,
        idle_file_kib: None,
        setup: Setup::new(&opts.workload)?,
        runtime_name: opts.runtime,
        workload: opts.workload,
        fault: opts.fault,
        heap_offset: opts.heap_offset,
        bytes: Cow::Borrowed(&[]),
        prepared: None,
    };
    let stdin = std::io::stdin();
    let mut answers = std::io::BufWriter::new(crate::process::protocol_output()?);
    for line in stdin.lock().lines() {
        let request: Request = serde_json::from_str(&line?)?;
        let response = worker.handle(request);
        serde_json::to_writer(&mut answers, &response)?;
        answers.write_all(b"\n")?;
        answers.flush()?;
    }
    Ok(())
}

impl Worker {
    fn handle(&mut self, request: Request) -> Response {
        let step = match &request {
            Request::Prepare { .. } => "prepare",
            Request::Warm { .. } => "warm",
            Request::Phase { phase } => phase.as_str(),
            Request::Memory => "memory",
            Request::Load { .. } => "load",
            Request::Tenants { .. } => "tenants",
            Request::Count { .. } => "count",
        };
        Fault::trigger(self.fault.as_ref(), step);
        let result = match request {
            Request::Prepare { estimate } => self.prepare(estimate),
            Request::Warm { calls } => self.warm(calls, Meter::Clock),
            Request::Phase { phase } => self.phase(phase, Meter::Clock),
            Request::Count { region } => self.count(region),
            Request::Memory => self.memory(),
            Request::Load {
                model,
                threads,
                duration_ms,
                arrival,
            } => self.load(LoadSpec {
                model,
                threads: threads as usize,
                duration: Duration::from_millis(duration_ms),
                arrival,
                stall: self.scripted_stall(arrival),
            }),
            Request::Tenants { count } => self.tenants(count),
        };
        result.unwrap_or_else(Response::Failed)
    }

    fn check(&mut self, output: Result<Vec<u8>, RuntimeError>) -> Result<(), Failure> {
        let mut output = output?;
        if self.fault == Some(Fault::WrongOutput) {
            corrupt(&mut output);
        }
        if let Reference::FirstCall(None) = self.setup.reference {
            self.setup.reference = Reference::FirstCall(Some(output));
            return Ok(());
        }
        check_output(&self.setup.reference, &output)
    }

    /// The `slow-event` fault's stall, in a fixed-rate sample only (the closed-loop samples set
    /// the rate it runs at).
    fn scripted_stall(&self, arrival: Arrival) -> Option<Stall> {
        let open = matches!(arrival, Arrival::Open { .. });
        (self.fault == Some(Fault::SlowEvent) && open).then_some(Stall {
            event: crate::fault::SLOW_EVENT,
            pause: crate::fault::SLOW_EVENT_PAUSE,
        })
    }

    /// Events on several threads sharing the prepared module, each sampled output checked as
    /// every other output is (the first call's output is the reference for a user's module).
    fn load(&self, spec: LoadSpec) -> Result<Response, Failure> {
        let prepared = self
            .prepared
            .as_ref()
            .ok_or_else(|| Failure::worker("worker was not prepared"))?;
        let wrong = matches!(self.fault, Some(Fault::WrongOutput | Fault::WrongUnderLoad));
        let reference = &self.setup.reference;
        let check = |output: &[u8]| check_under_load(reference, wrong, output);
        let modules: Vec<&dyn Compiled> = match spec.model {
            HostModel::Tenants if prepared.tenants.is_empty() => {
                return Err(Failure::worker("the tenants were not compiled"))
            }
            HostModel::Tenants => prepared.tenants.iter().map(|m| m.as_ref()).collect(),
            HostModel::InstancePerEvent | HostModel::Pooled => vec![prepared.compiled.as_ref()],
        };
        host::serve(&modules, &self.setup.input, &check, &spec).map(Response::Load)
    }

    /// Compiles `count` distinct modules of the workload for the `tenants` host model (replacing
    /// any from before), each first output checked.
    fn tenants(&mut self, count: u32) -> Result<Response, Failure> {
        let prepared = self
            .prepared
            .as_mut()
            .ok_or_else(|| Failure::worker("worker was not prepared"))?;
        prepared.tenants.clear();
        let (setup, bytes) = (&self.setup, &self.bytes);
        let runtime = prepared.runtime.as_ref();
        let compile = |index: u32| setup.compile(runtime, &tenants::distinct(bytes, index), None);
        let wrong = matches!(self.fault, Some(Fault::WrongOutput));
        let check = |output: &[u8]| check_under_load(&setup.reference, wrong, output);
        let (modules, cost) = tenants::build(count, &compile, &setup.input, &check)?;
        prepared.tenants = modules;
        Ok(Response::Tenants(cost))
    }

    /// The output the runner compares across runtimes (a user's module; a kernel is checked
    /// against native here).
    fn output_summary(&self) -> Option<OutputSummary> {
        match &self.setup.reference {
            Reference::FirstCall(Some(output)) => {
                Some(OutputSummary::of(output, &self.setup.program))
            }
            _ => None,
        }
    }

    /// The fingerprint of the kernel build compiled: none for native code linked in, a user's
    /// module, or a module a fault put in its place.
    fn kernel_fingerprint(&self) -> Option<String> {
        let replaced = matches!(self.fault, Some(Fault::BadModule | Fault::Hostile(_)));
        if self.setup.kernel.is_none() || self.bytes.is_empty() || replaced {
            return None;
        }
        Some(match self.fault {
            Some(Fault::ForeignBuild) => {
                kernel_embed::fingerprint(&[&self.bytes[..], b"+"].concat())
            }
            _ => kernel_embed::fingerprint(&self.bytes),
        })
    }

    /// The bytes to compile, after checking that this runtime can run the workload.
    fn module_bytes(
        &self,
        runtime: &dyn Runtime,
        info: &runtimes::RuntimeInfo,
    ) -> Result<Cow<'static, [u8]>, Failure> {
        runtime
            .hosts(&self.setup.program)
            .map_err(|why| Failure::runtime(format!("not supported: {why}")))?;
        match (&self.workload, &self.setup.module, self.setup.kernel) {
            (Workload::Module(call), Some(bytes), _) => match (&call.native, info.guest) {
                (Some(library), GuestFormat::NativeLibrary { .. }) => std::fs::read(library)
                    .map(Cow::Owned)
                    .map_err(|e| Failure::runtime(format!("read {}: {e}", library.display()))),
                _ => Ok(Cow::Owned(bytes.clone())),
            },
            (_, _, Some(kernel)) if !info.guest.available(kernel) => {
                Err(Failure::runtime(format!(
                    "there is no {} build of `{}`",
                    info.guest.label(),
                    kernel.name
                )))
            }
            (_, _, Some(kernel)) => Ok(Cow::Borrowed(info.guest.artifact(kernel))),
            (_, _, None) => Err(Failure::worker("a module workload without its bytes")),
        }
    }

    fn prepare(&mut self, estimate: bool) -> Result<Response, Failure> {
        let runtime = self.registry.create(&self.runtime_name)?;
        if self.idle_rss_kib.is_none() {
            self.idle_rss_kib = memory::rss_kib();
            self.idle_file_kib = memory::file_rss_kib();
        }
        let info = runtime.info();
        self.bytes = match self.fault {
            Some(Fault::BadModule) => Cow::Borrowed(GARBAGE_MODULE),
            Some(Fault::Hostile(hostile)) => {
                Cow::Owned(hostile.module(self.setup.program.byte_export().unwrap_or("run")))
            }
            _ => self.module_bytes(runtime.as_ref(), &info)?,
        };
        let compiled = self.setup.compile(runtime.as_ref(), &self.bytes, None)?;
        let mut instance = compiled.instantiate()?;
        let start = Instant::now();
        let first = instance.call(&self.setup.input);
        let first_call_ns = start.elapsed().as_nanos() as f64;
        self.check(first)?;
        let mut call_estimate_ns = 0.0;
        if estimate {
            let start = Instant::now();
            let second = instance.call(&self.setup.input);
            call_estimate_ns = start.elapsed().as_nanos() as f64;
            self.check(second)?;
        }
        let mut config = info.config;
        if instance
            .lifecycle()
            .is_some_and(|l| l.fresh_setup_per_call())
        {
            config += "; the timed call changes the module's state (the check differs after a \
                       second one), so every timed call had a fresh setup of its own (untimed)";
        }
        self.prepared = Some(Prepared {
            runtime,
            compiled,
            instance,
            artifact: None,
            artifact_checked: false,
            cache_dir: None,
            cached_checked: false,
            tenants: Vec::new(),
        });
        Ok(Response::Ready {
            crate_name: info.crate_name,
            crate_version: info.crate_version,
            config,
            guest: info.guest.label().into(),
            baseline: info.guest == GuestFormat::Native,
            native: matches!(
                info.guest,
                GuestFormat::Native | GuestFormat::NativeLibrary { .. }
            ),
            first_call_ns,
            call_estimate_ns,
            pid: std::process::id(),
            heap_offset: self.heap_offset,
            output: self.output_summary(),
            module_fingerprint: self.kernel_fingerprint(),
        })
    }

    fn prepared(&mut self) -> Result<&mut Prepared, Failure> {
        self.prepared
            .as_mut()
            .ok_or_else(|| Failure::worker("worker was not prepared"))
    }

    fn warm(&mut self, calls: u64, meter: Meter) -> Result<Response, Failure> {
        let input = std::mem::take(&mut self.setup.input);
        let Some(prepared) = self.prepared.as_mut() else {
            self.setup.input = input;
            return Err(Failure::worker("worker was not prepared"));
        };
        // The first and the last output of the batch are checked; every other one is dropped
        // as soon as the next call returns, as a host would. Holding a whole batch of outputs
        // alive grew the heap by the batch's size and put page faults into the timing of
        // allocation-heavy kernels (docs/method.md, "How it measures", Verification).
        let mut first = None;
        let mut last = None;
        // The guest's own marked time (a Sightglass-style benchmark), summed over the batch.
        let mut region = Some(0.0);
        let measured = meter.measure(|| {
            for i in 0..calls {
                let output = prepared.instance.call(&input);
                region = region
                    .zip(prepared.instance.region_ns())
                    .map(|(sum, ns)| sum + ns);
                if i == 0 {
                    first = Some(output);
                } else {
                    last = Some(output);
                }
            }
        });
        self.setup.input = input;
        let ((), whole) = measured?;
        // A count is of the whole calls: callgrind cannot see the guest's marks.
        let ns = match (self.setup.region && meter == Meter::Clock, region) {
            (false, _) => whole,
            (true, Some(region)) => region,
            (true, None) => {
                return Err(Failure::runtime(
                    "the benchmark did not call both bench.start and bench.end",
                ))
            }
        };
        for output in first.into_iter().chain(last) {
            self.check(output)?;
        }
        Ok(Response::Sample { ns })
    }

    /// The instructions of warm calls or of a phase, counted as [`Self::warm`] and
    /// [`Self::phase`] time them, their outputs checked the same way (outside the count).
    fn count(&mut self, region: Region) -> Result<Response, Failure> {
        let measured = match region {
            Region::Warm { calls } => self.warm(calls.max(1), Meter::Instructions),
            Region::Phase { phase } if COUNTED_PHASES.contains(&phase) => {
                self.phase(phase, Meter::Instructions)
            }
            Region::Phase { phase } => Err(Failure::worker(format!("{phase} is not counted"))),
        };
        match measured? {
            Response::Sample { ns: count } => Ok(Response::Count {
                instructions: count as u64,
            }),
            other => Ok(other),
        }
    }

    fn phase(&mut self, phase: Phase, meter: Meter) -> Result<Response, Failure> {
        let input = std::mem::take(&mut self.setup.input);
        let bytes = std::mem::take(&mut self.bytes);
        let result = self.time_phase(phase, meter, &bytes, &input);
        self.setup.input = input;
        self.bytes = bytes;
        match result {
            Err(RuntimeError::Unsupported) => Ok(Response::Unsupported),
            Err(e) => Err(e.into()),
            Ok((ns, output)) => {
                if let Some(output) = output {
                    self.check(Ok(output))?;
                }
                Ok(Response::Sample { ns })
            }
        }
    }

    /// Measures one operation; returns what it cost and, where the phase ends in a call, its
    /// output. The meter applies to the phases [`COUNTED_PHASES`] names; the others are timed.
    fn time_phase(
        &mut self,
        phase: Phase,
        meter: Meter,
        bytes: &[u8],
        input: &[u8],
    ) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
        let setup = &self.setup;
        let p = self
            .prepared
            .as_mut()
            .ok_or_else(|| RuntimeError::Setup("worker was not prepared".into()))?;
        match phase {
            Phase::Compile => {
                let (compiled, cost) =
                    meter.measure(|| setup.compile(p.runtime.as_ref(), bytes, None))?;
                drop(compiled?);
                Ok((cost, None))
            }
            Phase::Instantiate => {
                let (instance, cost) = meter.measure(|| p.compiled.instantiate())?;
                drop(instance?);
                Ok((cost, None))
            }
            Phase::FirstCall => {
                let mut instance = p.compiled.instantiate()?;
                let (output, cost) = meter.measure(|| instance.call(input))?;
                Ok((cost, Some(output?)))
            }
            Phase::ColdStart => {
                let start = Instant::now();
                let compiled = setup.compile(p.runtime.as_ref(), bytes, None)?;
                let mut instance = compiled.instantiate()?;
                let output = instance.call(input)?;
                Ok((start.elapsed().as_nanos() as f64, Some(output)))
            }
            Phase::Serialize => {
                let start = Instant::now();
                let artifact = p.compiled.serialize()?;
                let ns = start.elapsed().as_nanos() as f64;
                p.artifact = Some(artifact);
                Ok((ns, None))
            }
            Phase::LoadArtifact => time_load_artifact(setup, p, input),
            Phase::CompileCached => time_compile_cached(setup, p, bytes, input),
            Phase::Setup | Phase::Teardown => time_lifecycle(setup, p, phase, input),
        }
    }

    /// Peak RSS first (before extra instances inflate it), then the growth of `INSTANCES` live
    /// instances, then the artifact size where the runtime can save one.
    fn memory(&mut self) -> Result<Response, Failure> {
        let peak_rss_kib = memory::peak_rss_kib();
        let small_input = match self.workload.kernel() {
            Some(kernel) => {
                (kernel.make_input)(memory::INSTANCE_INPUT_SIZE, self.workload.input_seed())
            }
            None => self.setup.input.clone(),
        };
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
            idle_rss_kib: self.idle_rss_kib,
            idle_file_kib: self.idle_file_kib,
            peak_rss_kib,
            instance_kib: growth?.map(|kib| kib as f64 / memory::INSTANCES as f64),
            artifact_bytes,
        })
    }
}

/// Loads the artifact `Serialize` saved (saving one first if that phase did not run); the first
/// load is also called once, outside the timed region, to prove it computes the right answer.
fn time_load_artifact(
    setup: &Setup,
    p: &mut Prepared,
    input: &[u8],
) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
    if p.artifact.is_none() {
        p.artifact = Some(p.compiled.serialize()?);
    }
    let artifact = p.artifact.as_deref().unwrap_or_default();
    let start = Instant::now();
    let loaded = setup.load(p.runtime.as_ref(), artifact)?;
    let ns = start.elapsed().as_nanos() as f64;
    checked_once(&mut p.artifact_checked, ns, || {
        loaded.instantiate()?.call(input)
    })
}

/// A compile that hits the runtime's cache: the first compile fills a fresh cache directory
/// untimed, and only hits are timed; the first hit is also called once, to check it.
fn time_compile_cached(
    setup: &Setup,
    p: &mut Prepared,
    bytes: &[u8],
    input: &[u8],
) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
    let dir = match &p.cache_dir {
        Some(dir) => dir.path().to_path_buf(),
        None => {
            let dir = tempfile::tempdir()
                .map_err(|e| RuntimeError::Setup(format!("cache directory: {e}")))?;
            let path = dir.path().to_path_buf();
            setup.compile(p.runtime.as_ref(), bytes, Some(&path))?;
            p.cache_dir = Some(dir);
            path
        }
    };
    let start = Instant::now();
    let compiled = setup.compile(p.runtime.as_ref(), bytes, Some(&dir))?;
    let ns = start.elapsed().as_nanos() as f64;
    checked_once(&mut p.cached_checked, ns, || {
        compiled.instantiate()?.call(input)
    })
}

/// A call sequence's setup or teardown, on a fresh instance called once (its output checked).
fn time_lifecycle(
    setup: &Setup,
    p: &mut Prepared,
    phase: Phase,
    input: &[u8],
) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
    if !matches!(setup.program.unlinked().0, Program::Sequence(_)) {
        return Err(RuntimeError::Unsupported);
    }
    let mut instance = p.compiled.instantiate()?;
    let output = instance.call(input)?;
    let lifecycle = instance.lifecycle().ok_or(RuntimeError::Unsupported)?;
    let ns = match phase {
        Phase::Setup => lifecycle.setup_ns(),
        _ => lifecycle.finish()?,
    };
    Ok((ns.ok_or(RuntimeError::Unsupported)?, Some(output)))
}

/// The time, and the first time also the output of one call (outside the timed region) for
/// the worker to check.
fn checked_once(
    checked: &mut bool,
    ns: f64,
    call: impl FnOnce() -> Result<Vec<u8>, RuntimeError>,
) -> Result<(f64, Option<Vec<u8>>), RuntimeError> {
    if *checked {
        return Ok((ns, None));
    }
    *checked = true;
    Ok((ns, Some(call()?)))
}

/// An output under load against the reference (`wrong`: corrupted first, as the
/// `wrong-output` and `wrong-under-load` faults do).
fn check_under_load(reference: &Reference, wrong: bool, output: &[u8]) -> Result<(), Failure> {
    if !wrong {
        return check_output(reference, output);
    }
    let mut copy = output.to_vec();
    corrupt(&mut copy);
    check_output(reference, &copy)
}

/// What the `wrong-output` fault does to an output: its first digit changed.
fn corrupt(output: &mut [u8]) {
    if let Some(b) = output.iter_mut().find(|b| b.is_ascii_digit()) {
        *b = if *b == b'9' { b'1' } else { *b + 1 };
    }
}

fn check_output(reference: &Reference, output: &[u8]) -> Result<(), Failure> {
    match reference {
        Reference::Native(expected, verify) => {
            verify(expected, output).map_err(|e| Failure::mismatch(format!("native: {e}")))
        }
        Reference::FirstCall(Some(expected)) => kernel_embed::same_bytes(expected, output)
            .map_err(|e| Failure::mismatch(format!("this runtime's first call: {e}"))),
        Reference::FirstCall(None) => Err(Failure::worker("no first call to check against")),
        Reference::Unchecked => Ok(()),
    }
}
