//! A row as the reports read it: the raw result as measured, with the figures derived from its
//! samples beside it (never inside it, so the measured file holds samples only).

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};
use stats::{Outliers, RatioEstimate, WelchTest};

use crate::model::{RunFile, RuntimeResult};
use crate::Phase;

/// A run with every row's figures derived: what every exporter renders.
pub type Run = RunFile<Row>;

/// One runtime on one workload, analysed. Derefs to its raw result; written as the raw
/// result's fields followed by the derived ones.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub result: RuntimeResult,
    pub warm: Option<PhaseStats>,
    /// The headline ratio: across worker launches when there were several, else the
    /// median of per-round ratios.
    pub ratio_to_native: Option<RatioEstimate>,
    /// Median of all per-round ratios pooled over launches, with its order-statistic interval
    /// (blind to differences between worker processes).
    pub ratio_pooled: Option<RatioEstimate>,
    /// Geometric mean of per-round ratios with a t interval on the logs.
    pub ratio_geomean: Option<RatioEstimate>,
    pub ratio_unpaired: Option<RatioEstimate>,
    pub welch_vs_native: Option<WelchTest>,
    /// The ratio's interval is within the target precision.
    pub precision_met: Option<bool>,
    /// Warm coefficient of variation above the noise threshold.
    pub noisy: bool,
    /// Each worker launch's ratio to the baseline, in launch order (what the headline ratio
    /// averages over launches).
    pub launches: Vec<LaunchRatio>,
    pub phases: BTreeMap<Phase, PhaseResult>,
}

impl Row {
    /// A row with nothing derived yet (what a failed row keeps).
    pub fn unanalysed(result: RuntimeResult) -> Self {
        Row {
            result,
            warm: None,
            ratio_to_native: None,
            ratio_pooled: None,
            ratio_geomean: None,
            ratio_unpaired: None,
            welch_vs_native: None,
            precision_met: None,
            noisy: false,
            launches: Vec::new(),
            phases: BTreeMap::new(),
        }
    }
}

impl Deref for Row {
    type Target = RuntimeResult;

    fn deref(&self) -> &RuntimeResult {
        &self.result
    }
}

impl AsRef<RuntimeResult> for Row {
    fn as_ref(&self) -> &RuntimeResult {
        &self.result
    }
}

/// One worker launch's ratio to the baseline: the median of its per-round ratios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaunchRatio {
    pub launch: usize,
    pub ratio: f64,
    /// How far it lies from the median of the row's launch ratios, as a fraction (0.10: 10%
    /// higher, a slower process); 0 with fewer than three launches, which have no median
    /// launch to stand apart from.
    pub from_median: f64,
}

/// Statistics of one phase, per call, in nanoseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseStats {
    pub mean_ns: f64,
    pub median_ns: f64,
    pub p90_ns: f64,
    pub p99_ns: f64,
    pub stddev_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub ci95_ns: [f64; 2],
    pub cv: f64,
    pub samples: usize,
    pub throughput_per_s: f64,
    pub outliers: Outliers,
}

/// A measured phase, or why there is no figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PhaseResult {
    Measured(PhaseStats),
    NotSupported,
    Error { message: String },
    NotMeasured,
}

/// Tests build rows by hand; elsewhere a row's raw result is never changed once its figures
/// are derived from it.
#[cfg(test)]
impl std::ops::DerefMut for Row {
    fn deref_mut(&mut self) -> &mut RuntimeResult {
        &mut self.result
    }
}
