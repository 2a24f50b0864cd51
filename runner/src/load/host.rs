//! The host under load, inside a worker: threads serving events on one shared compiled module,
//! each event timed and counted, outputs checked. Runs in the worker's process (or a test's),
//! never in the runner's: nothing here waits on anything another thread holds, so the threads
//! serialise only where the runtime itself makes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use plugbench_data::load::{Arrival, HostModel, LoadSample, CHECK_EVERY};
use runtimes::{Compiled, Instance, RuntimeError};

use crate::failure::Failure;
use crate::load::figures::histogram;

/// Checks one event's output; `Err` says how it differs from the expected one.
pub type Check<'a> = dyn Fn(&[u8]) -> Result<(), Failure> + Sync + 'a;

/// What to run: `threads` host threads for `duration`, events arriving as `arrival` says.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    pub model: HostModel,
    pub threads: usize,
    pub duration: Duration,
    pub arrival: Arrival,
    /// A scripted slow event (the tests' check that the latency method sees one).
    pub stall: Option<Stall>,
}

/// Thread 0 pauses for `pause` inside its event number `event`, as a plugin stalled by a page
/// fault, a collection or a preempted core would.
#[derive(Debug, Clone, Copy)]
pub struct Stall {
    pub event: u64,
    pub pause: Duration,
}

/// What one thread did.
struct ThreadRun {
    start: Instant,
    end: Instant,
    events: u64,
    checked: u64,
    latency: Histogram<u64>,
}

/// Serves events on `threads` threads sharing `modules` (one, or a tenant's each for the
/// `tenants` model); the first failure stops every thread and is the result, naming its
/// thread and event.
pub fn serve(
    modules: &[&dyn Compiled],
    input: &[u8],
    check: &Check,
    spec: &LoadSpec,
) -> Result<LoadSample, Failure> {
    let threads = spec.threads.max(1);
    let barrier = Barrier::new(threads);
    let failed = AtomicBool::new(false);
    let runs: Vec<Result<Option<ThreadRun>, Failure>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|index| {
                let (barrier, failed) = (&barrier, &failed);
                scope.spawn(move || {
                    let run = serve_thread(modules, input, check, spec, index, barrier, failed);
                    if run.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    run
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Failure::runtime("a host thread panicked")))
            })
            .collect()
    });
    combine(runs)
}

/// The threads' figures together, or the failure that stopped them.
fn combine(runs: Vec<Result<Option<ThreadRun>, Failure>>) -> Result<LoadSample, Failure> {
    let runs: Vec<Option<ThreadRun>> = runs.into_iter().collect::<Result<_, _>>()?;
    // A thread stops early only when another failed, and that one returned its failure above.
    let runs: Vec<ThreadRun> = runs.into_iter().flatten().collect();
    let mut latency = histogram();
    for run in &runs {
        latency
            .add(&run.latency)
            .expect("histograms of equal bounds");
    }
    let start = runs
        .iter()
        .map(|r| r.start)
        .min()
        .expect("one thread at least");
    let end = runs
        .iter()
        .map(|r| r.end)
        .max()
        .expect("one thread at least");
    Ok(LoadSample {
        events: runs.iter().map(|r| r.events).sum(),
        wall_ns: (end - start).as_nanos() as f64,
        checked: runs.iter().map(|r| r.checked).sum(),
        latency: latency
            .iter_recorded()
            .map(|v| (v.value_iterated_to(), v.count_at_value()))
            .collect(),
    })
}

/// One host thread: its own instance for the pooled model, then events until the time is up;
/// `None` when it stopped because another thread failed.
fn serve_thread(
    modules: &[&dyn Compiled],
    input: &[u8],
    check: &Check,
    spec: &LoadSpec,
    index: usize,
    barrier: &Barrier,
    failed: &AtomicBool,
) -> Result<Option<ThreadRun>, Failure> {
    let Some(&first) = modules.first() else {
        return Err(Failure::worker("no module to serve events with"));
    };
    let instance =
        match spec.model {
            HostModel::Pooled => Some(first.instantiate().map_err(|e| {
                Failure::from(e).during(format!("host thread {index}, its instance"))
            })),
            HostModel::InstancePerEvent | HostModel::Tenants => None,
        };
    // Every thread reaches the barrier, even one whose instance failed, or the others would
    // wait for it for ever.
    barrier.wait();
    let host = Host {
        modules,
        tenant: Tenant::seeded(index),
        input,
        check,
        spec,
        index,
    };
    host.run(instance.transpose()?, failed)
}

/// One host thread's part of a sample.
struct Host<'a> {
    modules: &'a [&'a dyn Compiled],
    tenant: Tenant,
    input: &'a [u8],
    check: &'a Check<'a>,
    spec: &'a LoadSpec,
    index: usize,
}

impl Host<'_> {
    fn run(
        mut self,
        mut own: Option<Box<dyn Instance>>,
        failed: &AtomicBool,
    ) -> Result<Option<ThreadRun>, Failure> {
        let start = Instant::now();
        let deadline = start + self.spec.duration;
        let mut run = ThreadRun {
            start,
            end: start,
            events: 0,
            checked: 0,
            latency: histogram(),
        };
        loop {
            if failed.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let event = run.events;
            let due = self.due(start, event);
            if due >= deadline {
                break;
            }
            wait_until(due);
            let index = self.index;
            let named = |e: Failure| e.during(format!("host thread {index}, event {event}"));
            let output = self
                .event(own.as_mut(), event)
                .map_err(|e| named(e.into()))?;
            let done = Instant::now();
            run.latency
                .saturating_record((done - due).as_nanos().max(1) as u64);
            run.events += 1;
            run.end = done;
            if event.is_multiple_of(CHECK_EVERY) {
                (self.check)(&output).map_err(named)?;
                run.checked += 1;
            }
        }
        Ok(Some(run))
    }

    /// When event number `event` is due: now (closed loop), or on the thread's schedule (fixed
    /// rate) even if the thread is behind it, so that waiting counts in its latency. The
    /// threads' schedules are staggered, so that their events do not arrive in bursts.
    fn due(&self, start: Instant, event: u64) -> Instant {
        match self.spec.arrival {
            Arrival::Closed => Instant::now(),
            Arrival::Open { events_per_s } => {
                let threads = self.spec.threads.max(1) as f64;
                let interval = Duration::from_secs_f64(threads / events_per_s);
                start + interval.mul_f64(event as f64 + self.index as f64 / threads)
            }
        }
    }

    /// One event (with the scripted stall, where this is its thread and event).
    fn event(
        &mut self,
        own: Option<&mut Box<dyn Instance>>,
        event: u64,
    ) -> Result<Vec<u8>, RuntimeError> {
        if let Some(stall) = self
            .spec
            .stall
            .filter(|s| self.index == 0 && s.event == event)
        {
            thread::sleep(stall.pause);
        }
        let module = match self.spec.model {
            HostModel::Tenants => self.modules[self.tenant.next(self.modules.len())],
            HostModel::InstancePerEvent | HostModel::Pooled => self.modules[0],
        };
        call(module, own, self.input)
    }
}

/// The tenant of each event, drawn at random (SplitMix64: a few cycles, nothing shared between
/// threads); each thread draws its own sequence.
struct Tenant(u64);

impl Tenant {
    fn seeded(thread: usize) -> Tenant {
        Tenant(0x9e37_79b9_7f4a_7c15 ^ thread as u64)
    }

    /// A tenant among `count`.
    fn next(&mut self, count: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % count.max(1) as u64) as usize
    }
}

/// One event: a call on the thread's own instance, or on a fresh one dropped after it.
fn call(
    compiled: &dyn Compiled,
    own: Option<&mut Box<dyn Instance>>,
    input: &[u8],
) -> Result<Vec<u8>, RuntimeError> {
    match own {
        Some(instance) => instance.call(input),
        None => compiled.instantiate()?.call(input),
    }
}

/// Sleeps most of the way, then spins: a sleep alone overshoots by tens of microseconds,
/// longer than a short event.
fn wait_until(due: Instant) {
    const SPIN: Duration = Duration::from_micros(200);
    loop {
        let now = Instant::now();
        if now >= due {
            return;
        }
        let left = due - now;
        if left > SPIN {
            thread::sleep(left - SPIN);
        } else {
            std::hint::spin_loop();
        }
    }
}
