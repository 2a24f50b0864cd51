//! Derives every statistic in a [`RunFile`] from its raw samples ([`analyze`]: each row's
//! figures), and what the reports conclude across rows ([`Analysis`]). Run after measuring and
//! again by `plugbench report`, so a saved file always rebuilds the same figures.

use std::collections::BTreeMap;

use stats::{
    classify_outliers, launch_medians, paired_log_ratio, paired_median_ratio, unpaired_ratio,
    welch_t_test, Summary,
};

use crate::choose::{break_evens, choices, situations, Choice, Overtake, Situation};
use crate::gap::{gap_tables, GapTable};
use crate::interface::{interface_tables, per_byte, InterfaceTable, PerByte};
use crate::model::{RunFile, RuntimeResult};
use crate::overview::{headline_ratios, RatioPoint};
use crate::row::{LaunchRatio, PhaseResult, PhaseStats, Row, Run};
use crate::sandbox::{guard_costs, GuardCost};
use crate::steadiness::Steadiness;
use crate::sweep::{sweeps, Sweep};
use crate::Phase;
pub use plugbench_data::{headline_ratio, paired, Pairs};

/// A warm coefficient of variation above this flags the runtime's row as noisy.
pub const NOISY_CV: f64 = 0.05;

/// A launch whose ratio lies further than this from the median launch's is named in the row's
/// notes. Measured on a quiet machine (docs/calibration.md): 547 of 552 launches of the
/// compiled runtimes lay within 5% of their runtime's median launch, and four of the other five
/// 9-15% above it, processes that ran slow for their whole life; a reader should see such a
/// process behind a wide interval rather than guess.
pub const LAUNCH_APART: f64 = 0.05;

/// Each launch's ratio, and its distance from the median launch's where there are three or more.
fn launch_ratios(pairs: &Pairs) -> Vec<LaunchRatio> {
    let Some(medians) = launch_medians(&pairs.a, &pairs.b, &pairs.launch) else {
        return Vec::new();
    };
    let mut sorted: Vec<f64> = medians.iter().map(|&(_, ratio)| ratio).collect();
    sorted.sort_by(f64::total_cmp);
    let middle = stats::percentile(&sorted, 50.0);
    medians
        .into_iter()
        .map(|(launch, ratio)| LaunchRatio {
            launch,
            ratio,
            from_median: if sorted.len() >= 3 {
                ratio / middle - 1.0
            } else {
                0.0
            },
        })
        .collect()
}

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
        // A lifecycle phase belongs to a call sequence only: elsewhere it is not there at all.
        .filter(|(phase, entry)| {
            !phase.is_lifecycle()
                || !matches!(entry, PhaseResult::NotSupported | PhaseResult::NotMeasured)
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
    row.launches = launch_ratios(&pairs);
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
    /// "Plugin interface": each (kernel, size) with component rows, and each interface's cost
    /// per call and per byte on `echo`.
    pub interface: Vec<InterfaceTable>,
    pub per_byte: Vec<PerByte>,
    /// Each runtime's headline ratio per kernel at its largest size (the chart at a glance).
    pub headline: Vec<RatioPoint>,
    /// Whether the machine was steady enough for the figures; on an unsteady one, the choices
    /// tie times within what native's own processes moved.
    pub steadiness: Steadiness,
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
        let steadiness = Steadiness::of(run);
        let tie = steadiness.tie();
        Analysis {
            situations: situations(&views)
                .into_iter()
                .map(|(s, size, c)| (s, size, c.on_machine(tie)))
                .collect(),
            workloads: views
                .into_iter()
                .map(|run| Workload {
                    choices: choices(&run)
                        .into_iter()
                        .map(|c| c.on_machine(tie))
                        .collect(),
                    break_even: break_evens(&run),
                    run,
                })
                .collect(),
            steadiness,
            guard_costs: guard_costs(run),
            guards_measured: crate::sandbox::any_measured(run),
            sweeps: sweeps(run),
            gap: gap_tables(run),
            interface: interface_tables(run),
            per_byte: per_byte(run),
            headline: headline_ratios(run),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    /// A row of `rounds` rounds per launch whose per-call time in launch l is `per_launch[l]`.
    fn launched(name: &str, per_launch: &[f64], rounds: usize) -> RuntimeResult {
        let mut r = RuntimeResult::failed(name, "k", 10, String::new());
        r.status = Status::Ok;
        for (launch, &ns) in per_launch.iter().enumerate() {
            for i in 0..rounds {
                r.raw.warm_ns.push(ns);
                r.raw.warm_rounds.push(launch * rounds + i);
                r.raw.warm_launches.push(launch);
            }
        }
        r
    }

    fn notes_of(runtime_ns: &[f64]) -> (Row, String) {
        let native = launched("native", &vec![100.0; runtime_ns.len()], 4);
        let row = analyze_one(launched("rt", runtime_ns, 4), Some(&native), 0.01);
        let notes = crate::format::notes(&row, 0.01);
        (row, notes)
    }

    #[test]
    fn a_launch_far_from_the_median_launch_is_named_in_the_notes() {
        // Launch 2 runs 10% slow, launch 4 7% fast; the others within 1% of 200.
        let (row, notes) = notes_of(&[200.0, 201.0, 220.0, 199.0, 186.0]);
        let from: Vec<f64> = row.launches.iter().map(|l| l.from_median).collect();
        for (got, want) in from.iter().zip([0.0, 0.005, 0.1, -0.005, -0.07]) {
            assert!((got - want).abs() < 1e-12, "{from:?}");
        }
        assert!(
            notes.contains("2 of 5 launches >5% from the median launch (+10.0%, -7.0%)"),
            "{notes}"
        );
    }

    #[test]
    fn launches_within_five_percent_or_too_few_for_a_median_are_not_named() {
        let (_, close) = notes_of(&[200.0, 209.0, 191.0, 200.0]);
        assert!(!close.contains("launches"), "{close}");
        // Two launches 20% apart: neither is the odd one.
        let (row, two) = notes_of(&[200.0, 240.0]);
        assert!(!two.contains("launches"), "{two}");
        assert_eq!(row.launches.len(), 2);
        assert!((row.launches[1].ratio - 2.4).abs() < 1e-12);
    }
}
