//! Whether the machine was steady enough for a run's figures: what the kernel said about other
//! processes and the hypervisor before and while measuring, and what only this tool sees, the
//! native baseline's own processes disagreeing within a round and its launches spreading.
//! Thresholds: docs/calibration.md, "Steadiness".

use std::collections::BTreeMap;

use plugbench_data::MachineActivity;
use serde::Serialize;

use crate::choose::TIE;
use crate::Run;

/// Other processes using more than this share of the cores' time, before or while measuring,
/// is worth a note: a busy neighbour may take the measured core at any moment.
pub const OTHERS_CAUTION: f64 = 0.10;
/// Other processes leaving less than one core free (plus this margin) take time slices from
/// the measured process itself: the machine is unsteady. plugbench measures one process at a
/// time, so on this 2-core VM one busy loop (others at 47-50%) left the ratios within their
/// idle intervals and two (66-100%) did not.
pub const FREE_CORE_MARGIN: f64 = 0.05;
/// A hypervisor stealing more than this share gives the measured code a slower, varying CPU.
pub const STEAL_LIMIT: f64 = 0.02;
/// Native's processes, running the same code in the same round, differing by more than this
/// (median over rounds): the machine moves faster than a round. Idle runs here: 1.8-5.0%; two
/// busy loops: 22.5-24.7%; the noisy VM of docs/calibration.md: 9.6-16.1%.
pub const PROCESS_LIMIT: f64 = 0.07;
/// Native's launch medians spreading by more than this (largest over smallest, less one). Idle
/// runs here: 1.6-10.0%; two busy loops: 25.8-87.1%.
pub const LAUNCH_LIMIT: f64 = 0.15;
/// Only workloads whose native warm sample lasts this long judge native's processes: shorter
/// samples disagree by their own jitter on a quiet machine too.
pub const LONG_SAMPLE_NS: f64 = 1e6;

/// One thing the checks found, with its figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "finding", content = "value", rename_all = "kebab-case")]
pub enum Finding {
    OthersBefore(f64),
    StealBefore(f64),
    OthersDuring(f64),
    /// Other processes busy, but leaving a core free (a caution, not a verdict).
    BusyNeighbours(f64),
    StealDuring(f64),
    NativeProcesses(f64),
    NativeLaunches(f64),
    /// The frequency governor lets the clock move (a caution, not a verdict).
    Governor(String),
    /// A clock source that costs microseconds a read (a caution, not a verdict).
    Clocksource(String),
}

impl Finding {
    /// Whether it makes the machine unsteady (the others are cautions).
    pub fn unsteadies(&self) -> bool {
        !matches!(
            self,
            Finding::Governor(_) | Finding::Clocksource(_) | Finding::BusyNeighbours(_)
        )
    }

    pub fn describe(&self) -> String {
        let pct = |x: &f64| format!("{:.1}%", 100.0 * x);
        match self {
            Finding::OthersBefore(x) => format!(
                "other processes used {} of the cores before measuring, leaving less than one free",
                pct(x)
            ),
            Finding::StealBefore(x) => format!(
                "the hypervisor stole {} of the cores' time before measuring (limit {})",
                pct(x),
                pct(&STEAL_LIMIT)
            ),
            Finding::OthersDuring(x) => format!(
                "other processes used {} of the cores while measuring, leaving less than one free",
                pct(x)
            ),
            Finding::BusyNeighbours(x) => format!(
                "other processes used up to {} of the cores, leaving one free for the measured \
                 process",
                pct(x)
            ),
            Finding::StealDuring(x) => format!(
                "the hypervisor stole {} of the cores' time while measuring (limit {})",
                pct(x),
                pct(&STEAL_LIMIT)
            ),
            Finding::NativeProcesses(x) => format!(
                "native's processes differed by {} within a round (limit {})",
                pct(x),
                pct(&PROCESS_LIMIT)
            ),
            Finding::NativeLaunches(x) => format!(
                "native's launches spread by {} (limit {})",
                pct(x),
                pct(&LAUNCH_LIMIT)
            ),
            Finding::Governor(g) => {
                format!("the CPU frequency governor is `{g}`, so the clock moves with load")
            }
            Finding::Clocksource(c) => {
                format!("the clock source is `{c}`, which costs microseconds a read")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Steady,
    Unsteady,
    /// Nothing to judge from (no activity recorded, no baseline with several processes).
    Unknown,
}

/// The figures behind the verdict, and the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Steadiness {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub activity: Option<MachineActivity>,
    /// Native's processes within a round: the median over rounds of (largest - smallest) /
    /// median, then the median over the workloads that judge it.
    pub native_processes: Option<f64>,
    /// Native's launch medians: largest / smallest - 1, the median over those workloads.
    pub native_launches: Option<f64>,
    /// How many workloads had samples long enough to judge (all of them if none had).
    pub judged_workloads: usize,
}

impl Steadiness {
    pub fn of(run: &Run) -> Self {
        let (native_processes, native_launches, judged_workloads) = native_spreads(run);
        Self::judge(
            run.environment.activity.clone(),
            run.environment.cores,
            (native_processes, native_launches, judged_workloads),
        )
    }

    /// The machine alone, where no native baseline ran in several processes (`plugbench
    /// load`, whose native serves events like any runtime).
    pub fn of_machine(activity: Option<MachineActivity>, cores: usize) -> Self {
        Self::judge(activity, cores, (None, None, 0))
    }

    fn judge(
        activity: Option<MachineActivity>,
        cores: usize,
        (native_processes, native_launches, judged_workloads): (Option<f64>, Option<f64>, usize),
    ) -> Self {
        let mut findings = Vec::new();
        if let Some(a) = &activity {
            let over = |x: Option<f64>, limit: f64| x.filter(|&x| x > limit);
            let no_free_core = free_core_limit(cores);
            findings.extend(over(a.busy_before, no_free_core).map(Finding::OthersBefore));
            findings.extend(over(a.steal_before, STEAL_LIMIT).map(Finding::StealBefore));
            findings.extend(over(a.others_during, no_free_core).map(Finding::OthersDuring));
            findings.extend(over(a.steal_during, STEAL_LIMIT).map(Finding::StealDuring));
            let busiest = a
                .busy_before
                .into_iter()
                .chain(a.others_during)
                .fold(0.0, f64::max);
            if busiest > OTHERS_CAUTION && busiest <= no_free_core {
                findings.push(Finding::BusyNeighbours(busiest));
            }
            findings.extend(
                a.governor
                    .clone()
                    .filter(|g| g != "performance")
                    .map(Finding::Governor),
            );
            findings.extend(
                a.clocksource
                    .clone()
                    .filter(|c| c == "hpet" || c == "acpi_pm")
                    .map(Finding::Clocksource),
            );
        }
        findings.extend(
            native_processes
                .filter(|&x| x > PROCESS_LIMIT)
                .map(Finding::NativeProcesses),
        );
        findings.extend(
            native_launches
                .filter(|&x| x > LAUNCH_LIMIT)
                .map(Finding::NativeLaunches),
        );
        let verdict = if findings.iter().any(Finding::unsteadies) {
            Verdict::Unsteady
        } else if activity.is_none() && native_processes.is_none() {
            Verdict::Unknown
        } else {
            Verdict::Steady
        };
        Steadiness {
            verdict,
            findings,
            activity,
            native_processes,
            native_launches,
            judged_workloads,
        }
    }

    /// Within what fraction of the best a time is a tie in "Choosing a runtime": the usual
    /// [`TIE`], or on an unsteady machine how far native's own processes moved, if more.
    pub fn tie(&self) -> f64 {
        match self.verdict {
            Verdict::Unsteady => self
                .native_processes
                .or(self.native_launches)
                .unwrap_or(TIE)
                .max(TIE),
            _ => TIE,
        }
    }

    /// How close to the best a figure must be to tie it, in words.
    pub fn tie_phrase(&self) -> String {
        let pct = |x: f64| format!("{:.1}%", 100.0 * x);
        if self.tie() > TIE {
            format!(
                "{} of it for a time (the machine was unsteady; {} for memory)",
                pct(self.tie()),
                pct(TIE)
            )
        } else {
            format!("{} of it", pct(TIE))
        }
    }
}

impl Steadiness {
    /// The verdict in a few words: "steady", "not steady", "not judged".
    pub fn label(&self) -> &'static str {
        match self.verdict {
            Verdict::Steady => "steady",
            Verdict::Unsteady => "NOT steady",
            Verdict::Unknown => "not judged",
        }
    }

    /// What the verdict rests on, in a sentence or two.
    pub fn explanation(&self) -> String {
        let pct = |x: f64| format!("{:.1}%", 100.0 * x);
        let unsteady: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.unsteadies())
            .map(Finding::describe)
            .collect();
        let cautions: Vec<String> = self
            .findings
            .iter()
            .filter(|f| !f.unsteadies())
            .map(Finding::describe)
            .collect();
        let mut text = match self.verdict {
            Verdict::Unsteady => format!(
                "{}. The intervals carry it (they are wide, not wrong); \"Choosing a runtime\" \
                 counts times within {} of the best as ties.",
                sentence_case(&unsteady.join("; ")),
                pct(self.tie())
            ),
            Verdict::Unknown => "no record of the machine's activity (a file from an older \
                 plugbench) and no baseline measured in several processes."
                .to_string(),
            Verdict::Steady => {
                let mut parts = Vec::new();
                if let Some(a) = &self.activity {
                    if let (Some(b), Some(d)) = (a.busy_before, a.others_during) {
                        parts.push(format!(
                            "other processes used {} of the cores before measuring and {} while \
                             measuring",
                            pct(b),
                            pct(d)
                        ));
                    }
                    if let Some(st) = a.steal_during {
                        parts.push(format!("{} stolen by the hypervisor", pct(st)));
                    }
                }
                if let Some(p) = self.native_processes {
                    parts.push(format!(
                        "native's processes agreed within {} in a round",
                        pct(p)
                    ));
                }
                if let Some(l) = self.native_launches {
                    parts.push(format!("its launches within {}", pct(l)));
                }
                format!("{}.", sentence_case(&parts.join("; ")))
            }
        };
        if !cautions.is_empty() {
            text += &format!(" Note: {}.", cautions.join("; "));
        }
        text
    }
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Native's within-round and launch spreads, each a median over the workloads with long
/// samples (over all of them if none has), and how many workloads that was.
fn native_spreads(run: &Run) -> (Option<f64>, Option<f64>, usize) {
    let per_workload: Vec<(f64, Option<f64>, Option<f64>)> = run
        .results
        .iter()
        .filter(|r| r.baseline && r.is_ok())
        .map(|r| {
            let raw = &r.raw;
            let sample_ns = median(&raw.warm_ns) * r.batch.max(1) as f64;
            let mut rounds: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
            let mut launches: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
            for (i, &x) in raw.warm_ns.iter().enumerate() {
                rounds.entry(raw.warm_rounds[i]).or_default().push(x);
                let launch = raw.warm_launches.get(i).copied().unwrap_or(0);
                launches.entry(launch).or_default().push(x);
            }
            let within: Vec<f64> = rounds
                .values()
                .filter(|v| v.len() >= 2)
                .map(|v| relative_range(v))
                .collect();
            let medians: Vec<f64> = launches.values().map(|v| median(v)).collect();
            let launch_spread = (medians.len() >= 2).then(|| {
                let lo = medians.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = medians.iter().copied().fold(0.0, f64::max);
                hi / lo - 1.0
            });
            (
                sample_ns,
                (!within.is_empty()).then(|| median(&within)),
                launch_spread,
            )
        })
        .collect();
    let long: Vec<_> = per_workload
        .iter()
        .filter(|w| w.0 >= LONG_SAMPLE_NS)
        .collect();
    let judged: Vec<_> = if long.is_empty() {
        per_workload.iter().collect()
    } else {
        long
    };
    let median_of = |values: Vec<f64>| (!values.is_empty()).then(|| median(&values));
    (
        median_of(judged.iter().filter_map(|w| w.1).collect()),
        median_of(judged.iter().filter_map(|w| w.2).collect()),
        judged.len(),
    )
}

/// The share of the cores' time others can use and still leave one core free, with a margin.
fn free_core_limit(cores: usize) -> f64 {
    let cores = cores.max(1) as f64;
    (cores - 1.0) / cores + FREE_CORE_MARGIN
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    stats::percentile(&sorted, 50.0)
}

/// (largest - smallest) / median.
fn relative_range(values: &[f64]) -> f64 {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    (hi - lo) / median(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_relative_to_the_median() {
        assert!((relative_range(&[9.0, 10.0, 11.0]) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn others_must_leave_one_core_free() {
        assert!((free_core_limit(2) - 0.55).abs() < 1e-12);
        assert!((free_core_limit(1) - 0.05).abs() < 1e-12);
        assert!((free_core_limit(8) - 0.925).abs() < 1e-12);
    }

    #[test]
    fn cautions_do_not_make_a_machine_unsteady() {
        assert!(!Finding::BusyNeighbours(0.5).unsteadies());
        assert!(!Finding::Governor("powersave".into()).unsteadies());
        assert!(!Finding::Clocksource("hpet".into()).unsteadies());
        assert!(Finding::OthersDuring(0.5).unsteadies());
        assert!(Finding::NativeProcesses(0.1).unsteadies());
    }
}
