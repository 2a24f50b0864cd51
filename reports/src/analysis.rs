//! Derives every statistic in a [`RunFile`] from its raw samples ([`analyze`]: each row's
//! figures), and what the reports conclude across rows ([`Analysis`]). Run after measuring and
//! again by `plugbench report`, so a saved file always rebuilds the same figures.

use stats::{
    classify_outliers, paired_log_ratio, paired_median_ratio, unpaired_ratio, welch_t_test, Summary,
};

use crate::choose::{break_evens, choices, situations, Choice, Overtake, Situation};
use crate::gap::{gap_tables, GapTable};
use crate::model::{phase, PhaseResult, PhaseStats, RunFile, RuntimeResult};
use crate::overview::{headline_ratios, RatioPoint};
use crate::sandbox::{guard_costs, GuardCost};
use crate::sweep::{sweeps, Sweep};
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

/// Fills in every derived field of every result, each against the baseline of its own
/// (kernel, size).
pub fn analyze(run: &mut RunFile) {
    if run.is_multi_group() {
        let mut results = Vec::with_capacity(run.results.len());
        for mut view in run.views() {
            analyze_group(&mut view);
            results.extend(view.results);
        }
        run.results = results;
    } else {
        analyze_group(run);
    }
}

fn analyze_group(run: &mut RunFile) {
    let baseline = run.baseline().cloned();
    let target = run.settings.target_precision;
    for result in &mut run.results {
        analyze_one(result, baseline.as_ref(), target);
    }
}

fn analyze_one(result: &mut RuntimeResult, baseline: Option<&RuntimeResult>, target: f64) {
    // A failed row reports no timing at all (its raw samples stay in the file): a figure
    // from a runtime that trapped or answered wrongly must not be quoted.
    let ok = result.is_ok();
    result.phases = phase::ALL
        .iter()
        .map(|&name| {
            let entry = if let Some(message) = result.raw.phase_errors.get(name) {
                PhaseResult::Error {
                    message: message.clone(),
                }
            } else if result.raw.unsupported.iter().any(|p| p == name) {
                PhaseResult::NotSupported
            } else {
                match result
                    .raw
                    .phases_ns
                    .get(name)
                    .filter(|_| ok)
                    .and_then(|s| phase_stats(s))
                {
                    Some(stats) => PhaseResult::Measured(stats),
                    None => PhaseResult::NotMeasured,
                }
            };
            (name.to_string(), entry)
        })
        .collect();

    result.warm = if ok {
        phase_stats(&result.raw.warm_ns)
    } else {
        None
    };
    result.noisy = result.warm.as_ref().is_some_and(|w| w.cv > NOISY_CV);
    result.ratio_to_native = None;
    result.ratio_pooled = None;
    result.ratio_geomean = None;
    result.ratio_unpaired = None;
    result.welch_vs_native = None;
    result.precision_met = None;
    let Some(base) = baseline.filter(|b| b.is_ok()) else {
        return;
    };
    if !result.is_ok() || result.baseline {
        return;
    }
    let pairs = paired(result, base);
    result.ratio_to_native = headline_ratio(&pairs);
    result.ratio_pooled = paired_median_ratio(&pairs.a, &pairs.b);
    result.ratio_geomean = paired_log_ratio(&pairs.a, &pairs.b);
    result.ratio_unpaired = unpaired_ratio(&result.raw.warm_ns, &base.raw.warm_ns);
    result.welch_vs_native = welch_t_test(&result.raw.warm_ns, &base.raw.warm_ns);
    result.precision_met = result
        .ratio_to_native
        .as_ref()
        .map(|r| r.precision <= target);
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
    pub run: RunFile,
    pub choices: Vec<Choice>,
    /// The runtime ready soonest, and the call from which each other one costs less in total.
    pub break_even: Option<(String, Vec<Overtake>)>,
}

impl Analysis {
    pub fn of(run: &RunFile) -> Self {
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
