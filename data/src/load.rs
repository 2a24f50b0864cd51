//! A plugin host under load (`plugbench load`): how it serves events, and what one
//! measurement of it gave.

use serde::{Deserialize, Serialize};

use crate::words::named;

/// How a host turns an event into a plugin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HostModel {
    /// Instantiate, call, drop, for every event (Spin, wasmCloud).
    InstancePerEvent,
    /// Each host thread keeps its own instance and calls it for every event (a warm worker,
    /// extism's pool).
    Pooled,
    /// Many tenants: a distinct module per tenant (the same code made distinct, so that no
    /// cache shares them), each compiled once and kept; each event goes to a tenant drawn at
    /// random and runs on an instance of its own (instantiate, call, drop).
    Tenants,
}

named!("host model", HostModel {
    InstancePerEvent => "instance-per-event",
    Pooled => "pooled",
    Tenants => "tenants",
});

impl HostModel {
    /// What the host does per event, for people.
    pub fn label(self) -> &'static str {
        match self {
            HostModel::InstancePerEvent => "instance per event (instantiate, call, drop)",
            HostModel::Pooled => "pooled (each thread calls its own instance)",
            HostModel::Tenants => {
                "many tenants (a distinct module each, a tenant at random, instance per event)"
            }
        }
    }
}

/// How events arrive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "arrival", rename_all = "snake_case")]
pub enum Arrival {
    /// Each thread starts its next event as soon as the last one is done: the most events a
    /// second the host can serve; latency is then the service time only.
    Closed,
    /// Events are due at a fixed total rate, spread evenly over the threads; an event's latency
    /// runs from when it was due, so a stalled event delays the ones queued behind it
    /// (coordinated omission corrected, as wrk2 does).
    Open { events_per_s: f64 },
}

/// One measurement of a host: `threads` threads serving events for a while.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadSample {
    /// Events completed (every one's latency is in `latency`).
    pub events: u64,
    /// From the first thread's start to the last thread's end.
    pub wall_ns: f64,
    /// Events whose output was checked (each thread's first, then one in [`CHECK_EVERY`]).
    pub checked: u64,
    /// The latency histogram: (nanoseconds, events) for each recorded value.
    pub latency: Vec<(u64, u64)>,
}

/// Outputs checked under load: each thread's first event and then one event in this many.
pub const CHECK_EVERY: u64 = 64;

impl LoadSample {
    pub fn events_per_s(&self) -> f64 {
        self.events as f64 / (self.wall_ns / 1e9)
    }
}

/// A load measurement's results file (`plugbench load --json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadFile {
    pub schema: u32,
    pub tool: String,
    pub environment: crate::Environment,
    pub settings: LoadSettings,
    pub rows: Vec<LoadRow>,
    /// What each runtime's tenants cost (with the `tenants` host model).
    #[serde(default)]
    pub tenants: Vec<TenantRow>,
}

/// The version of [`LoadFile`]'s layout. 2: the `tenants` host model, `settings.tenants` and
/// `tenants` (memory and compile time per tenant); 3: `environment.activity`, what the machine
/// was doing (`plugbench load` only); files of earlier versions read as they are.
pub const LOAD_SCHEMA_VERSION: u32 = 3;

/// What keeping many tenants costs one runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRow {
    pub runtime: String,
    pub native: bool,
    /// Why there are no figures, or `None`.
    pub error: Option<String>,
    pub cost: Option<TenantCost>,
}

/// Memory and time to bring up tenants, measured in the worker as they were compiled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TenantCost {
    pub tenants: u32,
    /// Resident memory each further tenant's compiled module added (the first tenant pays the
    /// one-off costs and is not counted); `None` where RSS cannot be read.
    pub compiled_kib: Option<f64>,
    /// The same with one live instance per tenant besides its module (called once).
    pub with_instance_kib: Option<f64>,
    /// Mean time to compile one tenant's module.
    pub compile_ns: f64,
}

impl TenantCost {
    /// Tenants whose compiled modules fit in 1 GiB, at `kib` each.
    pub fn per_gib(kib: Option<f64>) -> Option<f64> {
        kib.filter(|k| *k > 0.0).map(|k| 1024.0 * 1024.0 / k)
    }
}

/// What was asked of the load measurement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadSettings {
    pub kernel: String,
    pub size: usize,
    pub input_seed: u64,
    pub threads: Vec<u32>,
    /// Cores this machine has: more threads than that are oversubscribed.
    pub cores: u32,
    /// Worker processes of each runtime, one after the other (1 in files before it was kept).
    #[serde(default = "one")]
    pub launches: u32,
    /// Closed-loop rounds in each launch.
    pub rounds: u32,
    /// Length of each closed-loop sample.
    pub sample_ms: u64,
    /// Length of each fixed-rate sample.
    pub open_sample_ms: u64,
    /// Fractions of the measured maximum at which latency is measured with a fixed arrival rate.
    pub loads: Vec<f64>,
    /// Distinct modules in the `tenants` host model.
    #[serde(default)]
    pub tenants: u32,
    pub elapsed_s: f64,
}

fn one() -> u32 {
    1
}

/// One runtime serving events in one host model with one number of threads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadRow {
    pub runtime: String,
    /// Native code (the baseline), not a Wasm runtime.
    pub native: bool,
    pub model: HostModel,
    pub threads: u32,
    /// More threads than cores.
    pub oversubscribed: bool,
    /// Why this row has no figures (a failed event names itself here), or `None`.
    pub error: Option<String>,
    /// Events per second of each closed-loop round.
    pub rates: Vec<f64>,
    /// Events per second over the rounds, with the 95% interval of the mean.
    pub throughput: Option<stats::Summary>,
    /// Events per second per thread against one thread's, paired by round (1 for one thread).
    pub efficiency: Option<Estimate>,
    /// Latency with events back to back (the service time), over every round.
    pub service: Option<Percentiles>,
    /// Latency at fixed arrival rates below the measured maximum.
    pub at_load: Vec<LatencyAtLoad>,
    /// Events served and events whose output was checked, over every sample.
    pub events: u64,
    pub checked: u64,
}

impl LoadRow {
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}

/// A derived figure with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    pub ci95: [f64; 2],
}

/// Latency percentiles of a set of events.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub events: u64,
    pub p50_ns: f64,
    pub p99_ns: f64,
    pub p999_ns: f64,
    pub max_ns: f64,
}

/// Latency when events arrive at a fixed rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencyAtLoad {
    /// The fraction of the measured maximum that was offered.
    pub load: f64,
    pub offered_per_s: f64,
    pub achieved_per_s: f64,
    pub latency: Percentiles,
}
