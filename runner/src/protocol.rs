//! The runner and a worker talk in JSON lines: one request on the worker's stdin, one
//! response on its stdout.

use plugbench_data::Phase;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Create the runtime, compile, instantiate, time and verify the first call.
    Prepare,
    /// One warm sample: `calls` back-to-back calls on the prepared instance, timed as one.
    Warm { calls: u64 },
    /// One sample of a phase other than warm.
    Phase { phase: Phase },
    /// Peak resident set size so far, memory per extra instance, artifact size.
    Memory,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    Ready {
        crate_name: String,
        crate_version: String,
        config: String,
        guest: String,
        baseline: bool,
        first_call_ns: f64,
        /// Time of a second call, to size warm batches.
        call_estimate_ns: f64,
        /// The worker's process id: each launch is a new process.
        pid: u32,
    },
    /// Nanoseconds for the whole request (all calls of a warm batch).
    Sample {
        ns: f64,
    },
    Unsupported,
    Failed {
        message: String,
    },
    Memory {
        peak_rss_kib: Option<u64>,
        /// Resident memory per extra live instance (each called once).
        instance_kib: Option<f64>,
        /// Size of the saved compiled module, where the runtime can save one.
        artifact_bytes: Option<u64>,
    },
}
