//! Instruction counts (`compare --measure instructions`): what each runtime executes for a warm
//! call and its phases, counted under valgrind's callgrind. Counts do not move with the
//! neighbours as time does; they are not time either (JIT code and native code differ in
//! instructions per cycle), so the reports show them beside the time, never in its place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::words::named;
use crate::Phase;

/// What `compare` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Wall-clock time, sampled in rounds against native (the default).
    Time,
    /// Instructions executed, counted under callgrind.
    Instructions,
}

named!("measure", Measure {
    Time => "time",
    Instructions => "instructions",
});

/// Every workload's counts, and how they were taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstructionRun {
    /// `valgrind --version`.
    pub valgrind: String,
    /// Worker processes counted per runtime and workload: each has its own memory layout, and
    /// the spread between them is the counts' uncertainty.
    pub launches: usize,
    /// Warm calls counted together in each launch (after one uncounted warm call).
    pub warm_calls: u64,
    /// Time the counting took, every workload together.
    pub elapsed_s: f64,
    pub rows: Vec<InstructionRow>,
}

/// One runtime on one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstructionRow {
    pub runtime: String,
    pub kernel: String,
    pub size: usize,
    /// Native code: every ratio of its workload is to this row.
    pub native: bool,
    /// The crate that runs it, and its version (empty for a row that failed to start).
    #[serde(default)]
    pub crate_name: String,
    #[serde(default)]
    pub crate_version: String,
    /// Every output checked matched native's (false for a row that failed).
    pub verified: bool,
    /// Why this runtime has no counts (it cannot run under valgrind, its output was wrong...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// One entry per worker process counted.
    pub launches: Vec<LaunchCount>,
}

/// The counts of one worker process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchCount {
    /// Instructions of the counted warm calls divided by their number.
    pub warm_per_call: f64,
    /// Instructions of each phase counted once (compile, instantiate, first call); a phase the
    /// runtime does not offer is absent.
    #[serde(default)]
    pub phases: BTreeMap<Phase, u64>,
}

impl InstructionRow {
    pub fn is_ok(&self) -> bool {
        self.error.is_none() && !self.launches.is_empty()
    }

    /// Each launch's count of a warm call.
    pub fn warm(&self) -> Vec<f64> {
        self.launches.iter().map(|l| l.warm_per_call).collect()
    }

    /// Each launch's count of `phase`, where it was counted.
    pub fn phase(&self, phase: Phase) -> Vec<f64> {
        self.launches
            .iter()
            .filter_map(|l| l.phases.get(&phase).map(|&n| n as f64))
            .collect()
    }
}

impl InstructionRun {
    /// The rows of one workload, native first.
    pub fn workload(&self, kernel: &str, size: usize) -> Vec<&InstructionRow> {
        let mut rows: Vec<&InstructionRow> = self
            .rows
            .iter()
            .filter(|r| r.kernel == kernel && r.size == size)
            .collect();
        rows.sort_by_key(|r| !r.native);
        rows
    }

    /// Every workload counted, in order.
    pub fn workloads(&self) -> Vec<(String, usize)> {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for r in &self.rows {
            let key = (r.kernel.clone(), r.size);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen
    }
}
