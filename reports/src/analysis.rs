//! Derives every statistic in a [`RunFile`] from its raw samples ([`analyze`]: each row's
//! figures), and what the reports conclude across rows ([`Analysis`]). Run after measuring and
//! again by `plugbench report`, so a saved file always rebuilds the same figures.

use std::collections::BTreeMap;

use stats::{
    classify_outliers, paired_log_ratio, paired_median_ratio, unpaired_ratio, welch_t_test, Summary,
};

use crate::choose::{break_evens, choices, situations, Choice, Overtake, Situation};
use crate::gap::{gap_tables, GapTable};
use crate::model::{RunFile, RuntimeResult};
use crate::overview::{headline_ratios, RatioPoint};
use crate::row::{PhaseResult, PhaseStats, Row, Run};
use crate::sandbox::{guard_costs, GuardCost};
use crate::sweep::{sweeps, Sweep};
use crate::Phase;
pub use plugbench_data::{headline_ratio, paired, Pairs};

/// A warm coefficient of variation above this flags the runtime's row as noisy.
pub const NOISY_CV: f64 = 0.05;

pub fn phase_stats(samples: &[f64]) -> Option<PhaseStats> {
    let s = Summary::of(samples)?;
    Some(PhaseStats {
        mean_ns: s.mean,
        median_ns: s.median,
        p90_ns: s.p90,
        p99_ns: s.p99,
        stddev_ns: s.stddev,
        min_ns: s.min,
        max_ns: s.max,
        ci95_ns: s.ci95,
        cv: s.cv,
        samples: s.n,
        throughput_per_s: 1e9 / s.mean,
        outliers: classify_outliers(samples),
    })
}

/// Derives every row's figures, each against the baseline of its own (kernel, size).
pub fn analyze(run: RunFile) -> Run {
    // Each row's baseline: the one of its own (kernel, size), if it has a figure.
    let baselines: Vec<RuntimeResult> = run
        .results
        .iter()
        .filter(|r| r.baseline && r.is_ok())
        .cloned()
        .collect();
    let target = run.settings.target_precision;
    run.map_results(|raw| {
        let base = baselines
            .iter()
            .find(|b| b.kernel == raw.kernel && b.size == raw.size);
        analyze_one(raw, base, target)
    })
}

fn phase_results(result: &RuntimeResult) -> BTreeMap<Phase, PhaseResult> {
    // A failed row reports no timing at all (its raw samples stay in the file): a figure
    // from a runtime that trapped or answered wrongly must not be quoted.
    let ok = result.is_ok();
    Phase::ALL
        .iter()
        .map(|&phase| {
            let entry = if let Some(message) = result.raw.phase_errors.get(&phase) {
                PhaseResult::Error {
                    message: message.clone(),
                }
            } else if result.raw.unsupported.contains(&phase) {
                PhaseResult::NotSupported
            } else {
                match result
                    .raw
                    .phases_ns
                    .get(&phase)
                    .filter(|_| ok)
                    .and_then(|s| phase_stats(s))
                {
                    Some(stats) => PhaseResult::Measured(stats),
                    None => PhaseResult::NotMeasured,
                }
            };
            (phase, entry)
        })
        .collect()
}

fn analyze_one(raw: RuntimeResult, baseline: Option<&RuntimeResult>, target: f64) -> Row {
    let mut row = Row::unanalysed(raw);
    row.phases = phase_results(&row.result);
    if !row.is_ok() {
        return row;
    }
    row.warm = phase_stats(&row.raw.warm_ns);
    row.noisy = row.warm.as_ref().is_some_and(|w| w.cv > NOISY_CV);
    let Some(base) = baseline else {
        return row;
    };
    if row.baseline {
        return row;
    }
    let pairs = paired(&row.result, base);
    row.ratio_to_native = headline_ratio(&pairs);
    row.ratio_pooled = paired_median_ratio(&pairs.a, &pairs.b);
    row.ratio_geomean = paired_log_ratio(&pairs.a, &pairs.b);
    row.ratio_unpaired = unpaired_ratio(&row.raw.warm_ns, &base.raw.warm_ns);
    row.welch_vs_native = welch_t_test(&row.raw.warm_ns, &base.raw.warm_ns);
    row.precision_met = row.ratio_to_native.as_ref().map(|r| r.precision <= target);
    row
}

/// Everything the reports conclude across rows, derived once from an analysed run: every
/// exporter renders from it and computes nothing of its own (the JSON writes it as `derived`).
pub struct Analysis {
    /// Each (kernel, size) of the run on its own, in the run's order.
    pub workloads: Vec<Workload>,
    /// "Choosing a runtime": each situation the run answers, at its workload's size.
    pub situations: Vec<(Situation, usize, Choice)>,
    /// Each guard of each runtime: its cost, or why there is none.
    pub guard_costs: Vec<GuardCost>,
    /// Whether any row measured a guard (the guard sections appear only then).
    pub guards_measured: bool,
    /// Each kernel measured at several sizes.
    pub sweeps: Vec<Sweep>,
    /// The gap decomposition of each gap kernel that has its rows.
    pub gap: Vec<GapTable>,
    /// Each runtime's headline ratio per kernel at its largest size (the chart at a glance).
    pub headline: Vec<RatioPoint>,
}

/// One (kernel, size): its rows, and the runtime that wins each scenario.
pub struct Workload {
    pub run: Run,
    pub choices: Vec<Choice>,
    /// The runtime ready soonest, and the call from which each other one costs less in total.
    pub break_even: Option<(String, Vec<Overtake>)>,
}

impl Analysis {
    pub fn of(run: &Run) -> Self {
        let views = run.views();
        Analysis {
            situations: situations(&views),
            workloads: views
                .into_iter()
                .map(|run| Workload {
                    choices: choices(&run),
                    break_even: break_evens(&run),
                    run,
                })
                .collect(),
            guard_costs: guard_costs(run),
            guards_measured: crate::sandbox::any_measured(run),
            sweeps: sweeps(run),
            gap: gap_tables(run),
            headline: headline_ratios(run),
        }
    }
}
