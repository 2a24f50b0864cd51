//! The runner and a worker talk in JSON lines: one request on the worker's stdin, one
//! response on its stdout.

use kernel_embed::Mismatch;
use plugbench_data::load::{Arrival, HostModel, LoadSample, TenantCost};
use plugbench_data::{Answer, Phase};
use serde::{Deserialize, Serialize};

use crate::failure::Failure;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Create the runtime, compile, instantiate, time and verify the first call; with
    /// `estimate`, also time a second call to size the warm batches (a relaunch, whose batch
    /// is known, skips it: at 1.5 s a call on an interpreter it is time no sample gets).
    Prepare { estimate: bool },
    /// One warm sample: `calls` back-to-back calls on the prepared instance, timed as one.
    Warm { calls: u64 },
    /// One sample of a phase other than warm.
    Phase { phase: Phase },
    /// Peak resident set size so far, memory per extra instance, artifact size.
    Memory,
    /// Serve events on `threads` threads sharing the prepared module, for `duration_ms`.
    Load {
        model: HostModel,
        threads: u32,
        duration_ms: u64,
        arrival: Arrival,
    },
    /// Compile `count` distinct modules of the workload and keep them for the `tenants` host
    /// model, measuring what each costs.
    Tenants { count: u32 },
    /// Count the instructions of a region under callgrind (the worker runs under valgrind).
    Count { region: Region },
}

/// What a [`Request::Count`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "region", rename_all = "snake_case")]
pub enum Region {
    /// `calls` warm calls on the prepared instance, together.
    Warm { calls: u64 },
    /// One phase (compile, instantiate or first call).
    Phase { phase: Phase },
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
        /// Native code (the kernel linked in, or a native library), not a Wasm runtime.
        #[serde(default)]
        native: bool,
        first_call_ns: f64,
        /// Time of a second call, to size warm batches.
        call_estimate_ns: f64,
        /// The worker's process id: each launch is a new process.
        pid: u32,
        /// Bytes the worker shifted its heap by before the runtime allocated anything.
        #[serde(default)]
        heap_offset: u32,
        /// A user's module: its output, which the runner compares across runtimes.
        #[serde(default)]
        output: Option<OutputSummary>,
        /// The fingerprint of the kernel build it compiled (none for native code linked in, or
        /// a user's module): the runner holds it to its own builds, so that every runtime of a
        /// run loads the same bytes whatever profile its worker was built with.
        #[serde(default)]
        module_fingerprint: Option<String>,
    },
    /// Nanoseconds for the whole request (all calls of a warm batch).
    Sample {
        ns: f64,
    },
    Unsupported,
    Failed(Failure),
    Load(LoadSample),
    Tenants(TenantCost),
    /// Instructions executed by a counted region, on every thread of the worker.
    Count {
        instructions: u64,
    },
    Memory {
        /// Resident set size once the runtime was created, before anything was compiled.
        #[serde(default)]
        idle_rss_kib: Option<u64>,
        /// Of it, the pages mapped from files (code and read-only data).
        #[serde(default)]
        idle_file_kib: Option<u64>,
        peak_rss_kib: Option<u64>,
        /// Resident memory per extra live instance (each called once).
        instance_kib: Option<f64>,
        /// Size of the saved compiled module, where the runtime can save one.
        artifact_bytes: Option<u64>,
    },
}

/// An output as the runner compares it across runtimes: its length and digest, and its start
/// to name the first difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputSummary {
    pub len: u64,
    pub digest: u64,
    pub head: Vec<u8>,
    /// The output as a person checks it (shown in the reports, not compared).
    #[serde(default)]
    pub answer: Option<Box<Answer>>,
}

impl OutputSummary {
    /// Bytes of the output kept to show where two outputs differ.
    pub const HEAD: usize = 4096;

    /// `output` of one call of `program`.
    pub fn of(output: &[u8], program: &runtimes::Program) -> Self {
        Self {
            len: output.len() as u64,
            digest: runtimes::digest(output),
            head: output[..output.len().min(Self::HEAD)].to_vec(),
            answer: Some(Box::new(crate::answer::answer(program, output))),
        }
    }

    /// `Err` names where `self` differs from `reference`.
    pub fn matches(&self, reference: &OutputSummary) -> Result<(), Mismatch> {
        if self == reference {
            return Ok(());
        }
        kernel_embed::same_bytes(&reference.head, &self.head)?;
        if self.len != reference.len {
            return Err(Mismatch(format!(
                "output has {} bytes where {} were expected",
                self.len, reference.len
            )));
        }
        Err(Mismatch(format!(
            "the outputs differ after their first {} bytes",
            Self::HEAD
        )))
    }

    /// The output's start, for a person.
    pub fn preview(&self) -> String {
        let text = String::from_utf8_lossy(&self.head[..self.head.len().min(60)]);
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "{} bytes: {}{}",
            self.len,
            text.trim_end(),
            if self.len > 60 { "…" } else { "" }
        )
    }
}
