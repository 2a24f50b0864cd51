//! The cells of the report's tables, built once and drawn by each exporter in its own style.

use crate::format::{self, duration, phase_cell};
use crate::{Phase, Run};
use plugbench_data::GuardSupport;

mod choosing;

pub use choosing::{break_even, break_evens_by_size, choice_lines, choices_by_size, figure};

pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

const DASH: &str = "-";

/// The post's columns (throughput, average, p90) and the statistics behind them.
pub fn warm(run: &Run, max_note: usize) -> Grid {
    let vs = format!("vs {} [95% CI]", run.baseline_name());
    let header = [
        "Runtime",
        "Verified",
        "Throughput",
        "Average ± 95% CI",
        "Median",
        "p90",
        "p99",
        "Std dev",
        "First call",
        &vs,
        "p-value",
        "Notes",
    ];
    let rows = run
        .results
        .iter()
        .map(|r| {
            let Some(w) = r.warm.as_ref().filter(|_| r.is_ok()) else {
                let mut row = vec![r.runtime.clone(), "ERROR".into()];
                row.extend(std::iter::repeat_n(DASH.to_string(), header.len() - 3));
                row.push(truncate(
                    r.error.as_deref().unwrap_or("no samples"),
                    max_note,
                ));
                return row;
            };
            let (ratio, p) = match (&r.ratio_to_native, r.baseline) {
                (_, true) => ("baseline".into(), DASH.into()),
                (Some(ratio), false) => (format::ratio(ratio), format::p_value(ratio.p_value)),
                (None, false) => (DASH.into(), DASH.into()),
            };
            vec![
                r.runtime.clone(),
                if r.verified { "yes" } else { "not verified" }.into(),
                format::throughput(w.throughput_per_s),
                format::mean_with_ci(w),
                duration(w.median_ns),
                duration(w.p90_ns),
                duration(w.p99_ns),
                duration(w.stddev_ns),
                r.first_call_ns.map(duration).unwrap_or_else(|| DASH.into()),
                ratio,
                p,
                truncate(&format::notes(r, run.settings.target_precision), max_note),
            ]
        })
        .collect();
    Grid {
        header: header.map(String::from).to_vec(),
        rows,
    }
}

/// Per-phase means with their interval.
pub fn phases(run: &Run) -> Grid {
    // A call sequence's setup and teardown only where some row has them.
    let shown: Vec<Phase> = Phase::ALL
        .iter()
        .copied()
        .filter(|p| !p.is_lifecycle() || run.results.iter().any(|r| r.phases.contains_key(p)))
        .collect();
    let mut header = vec!["Runtime".to_string()];
    header.extend(shown.iter().map(|p| p.label().to_string()));
    let rows = run
        .results
        .iter()
        .map(|r| {
            let mut row = vec![r.runtime.clone()];
            row.extend(shown.iter().map(|p| phase_cell(r.phases.get(p))));
            row
        })
        .collect();
    Grid { header, rows }
}

/// Median warm time per call in each worker launch: the spread the headline interval carries.
/// A runtime that sat out a further launch (its ratio was already within the target) shows a
/// dash there.
pub fn launches(run: &Run) -> Grid {
    let count = launch_count(run);
    let mut header = vec!["Runtime".to_string()];
    header.extend((1..=count).map(|l| format!("Launch {l}")));
    let rows = run
        .results
        .iter()
        .map(|r| {
            let mut row = vec![r.runtime.clone()];
            row.extend((0..count).map(|launch| {
                let mut samples: Vec<f64> = r
                    .raw
                    .warm_ns
                    .iter()
                    .zip(&r.raw.warm_launches)
                    .filter(|(_, &l)| l == launch)
                    .map(|(&ns, _)| ns)
                    .collect();
                samples.sort_by(f64::total_cmp);
                if samples.is_empty() {
                    DASH.into()
                } else {
                    format!(
                        "{} ({})",
                        duration(stats::percentile(&samples, 50.0)),
                        samples.len()
                    )
                }
            }));
            row
        })
        .collect();
    Grid { header, rows }
}

/// Launches the run had: the first launches and any further ones.
pub fn launch_count(run: &Run) -> usize {
    let recorded = run
        .results
        .iter()
        .flat_map(|r| r.raw.warm_launches.iter().map(|l| l + 1))
        .max()
        .unwrap_or(0);
    recorded.max(run.settings.launches).max(1)
}

/// The worker launches of a run: every runtime's first ones, and the further ones of
/// runtimes whose ratio stayed wider than the target.
pub fn launches_phrase(run: &Run) -> String {
    let first = run.settings.launches.max(1);
    let further = launch_count(run) - first;
    let first = format!(
        "{first} worker launch{}",
        if first == 1 { "" } else { "es" }
    );
    match further {
        0 => first,
        n => format!("{first} of every runtime, {n} further of those still wider than the target"),
    }
}

/// Seconds a workload ran past its budget, where it took more than a tenth longer: a budget is
/// not a deadline for floors (each runtime's samples in a launch, the phases' rounds) or for the
/// launches' restarts, which slow calls and slow compiles make long.
pub fn overrun_s(run: &Run, elapsed_s: f64) -> Option<f64> {
    let budget = run.settings.budget_s;
    (elapsed_s > budget * 1.1).then_some(elapsed_s - budget)
}

/// Why a workload can run past its budget (see [`overrun_s`]).
pub const OVERRUN_WHY: &str =
    "floors of samples and of phase rounds, and restarts, are not cut short";

/// To follow a workload's stop reason: "; 57.4 s over the 90 s budget: ...", or nothing.
pub fn overrun_note(run: &Run, elapsed_s: f64) -> String {
    overrun_s(run, elapsed_s).map_or_else(String::new, |over| {
        let budget = run.settings.budget_s;
        format!("; {over:.1} s over the {budget} s budget: {OVERRUN_WHY}")
    })
}

/// What a runtime's sample is paired with in its round: the baseline's, or the median of the
/// baseline's processes' where it ran in several.
pub fn pairing_phrase(run: &Run, base: &str) -> String {
    match run.settings.baseline_processes {
        0 | 1 => format!("{base} in the same round"),
        n => format!("the median of {base}'s {n} worker processes in the same round"),
    }
}

/// Idle RSS (where measured), peak RSS, memory per extra live instance, artifact size.
pub fn memory(run: &Run) -> Grid {
    let instances = run
        .results
        .iter()
        .map(|r| r.memory.instances)
        .max()
        .unwrap_or(0);
    // Files from before the workers measured it have no idle figure: no column for it.
    let idle = run.results.iter().any(|r| r.memory.idle_rss_kib.is_some());
    let mut header = vec!["Runtime".to_string()];
    if idle {
        header.push(
            "Idle RSS (runtime created, nothing compiled; of it, mapped from files)".to_string(),
        );
    }
    header.extend([
        "Peak RSS (worker)".to_string(),
        format!("Per extra instance (of {instances}, each called once on a small input)"),
        "Compiled artifact".to_string(),
    ]);
    let kib = |k: Option<u64>| k.map(|k| mib(k as f64)).unwrap_or(DASH.into());
    let rows = run
        .results
        .iter()
        .map(|r| {
            let m = &r.memory;
            let mut row = vec![r.runtime.clone()];
            if idle {
                row.push(idle_cell(m));
            }
            row.extend([
                kib(m.peak_rss_kib),
                m.per_instance_kib
                    .map(|k| format!("{k:.0} KiB"))
                    .unwrap_or(DASH.into()),
                m.artifact_bytes
                    .map(|b| format!("{:.0} KiB", b as f64 / 1024.0))
                    .unwrap_or("not supported".into()),
            ]);
            row
        })
        .collect();
    Grid { header, rows }
}

/// "33.5 MiB (29.6 from files)": the pages mapped from files are code and read-only data that
/// every process running the same binary shares; the rest the worker allocated.
fn idle_cell(m: &plugbench_data::Memory) -> String {
    match (m.idle_rss_kib, m.idle_file_kib) {
        (Some(total), Some(file)) => {
            format!(
                "{} ({:.1} from files)",
                mib(total as f64),
                file as f64 / 1024.0
            )
        }
        (Some(total), None) => mib(total as f64),
        (None, _) => DASH.into(),
    }
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Time per call at each size of a sweep, the fitted exponent and where overhead stops dominating.
pub fn sweep(sweep: &crate::sweep::Sweep) -> Grid {
    let mut header = vec!["Runtime".to_string()];
    header.extend(sweep.sizes.iter().map(|n| format!("size {n}")));
    header.push("Scaling (R²)".into());
    header.push("Work > overhead from size".into());
    let rows = sweep
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![l.runtime.clone()];
            row.extend(
                l.per_call_ns
                    .iter()
                    .map(|t| t.map(duration).unwrap_or_else(|| "ERROR".into())),
            );
            // Two points fit any line exactly: R² says something only from three on.
            let points = l.per_call_ns.iter().flatten().count();
            row.push(match l.fit {
                Some(f) if points >= 3 => format!("n^{:.2} ({:.3})", f.slope, f.r2),
                Some(f) => format!("n^{:.2} (2 sizes)", f.slope),
                None => DASH.into(),
            });
            row.push(match l.crossover {
                Some(stats::Crossover::At(n)) => format!("{n:.0}"),
                Some(stats::Crossover::Beyond(n)) => format!("above {n}"),
                None => DASH.into(),
            });
            row
        })
        .collect();
    Grid { header, rows }
}

/// The headline ratio to native at each size of a sweep.
pub fn sweep_ratios(sweep: &crate::sweep::Sweep) -> Grid {
    let mut header = vec!["Runtime".to_string()];
    header.extend(sweep.sizes.iter().map(|n| format!("size {n}")));
    let rows = sweep
        .lines
        .iter()
        .filter(|l| !l.baseline)
        .map(|l| {
            let mut row = vec![l.runtime.clone()];
            row.extend(l.ratio.iter().map(|q| {
                q.map(|q| format!("{}x", format::ratio_value(q)))
                    .unwrap_or_else(|| DASH.into())
            }));
            row
        })
        .collect();
    Grid { header, rows }
}

/// Every guard of every runtime in the run: how it is offered and what it costs.
pub fn sandbox(costs: &[crate::sandbox::GuardCost]) -> Grid {
    let header = [
        "Runtime",
        "Guard",
        "How it is offered",
        "Warm call, with / without [95% CI]",
        "Compile, with / without",
    ]
    .map(String::from)
    .to_vec();
    let rows = costs
        .iter()
        .map(|c| {
            let (warm, compile) = match (&c.variant, &c.missing) {
                (None, _) if !c.support.is_offered() => ("not offered".into(), DASH.into()),
                (None, _) => ("not measured".into(), DASH.into()),
                (Some(_), Some(why)) => (why.clone(), DASH.into()),
                (Some(_), None) => (
                    c.warm
                        .as_ref()
                        .map(|r| format!("{} ({:+.1}%)", format::ratio(r), (r.value - 1.0) * 100.0))
                        .unwrap_or_else(|| DASH.into()),
                    c.compile
                        .as_ref()
                        .map(format::ratio)
                        .unwrap_or_else(|| DASH.into()),
                ),
            };
            let how = match &c.support {
                GuardSupport::Offered { how } => how.clone(),
                GuardSupport::NotOffered { why } => format!("not offered: {why}"),
            };
            vec![
                c.runtime.clone(),
                c.guard.label().to_string(),
                how,
                warm,
                compile,
            ]
        })
        .collect();
    Grid { header, rows }
}

/// The gap decomposition of one (kernel, size): each guest build against each native build.
pub fn gap(table: &crate::gap::GapTable) -> Grid {
    let header = [
        "Runtime",
        "Guest / native",
        "Guest / native library",
        "Guest / native library, not vectorized",
        "Guest / native library, x86-64-v3",
        "SIMD guest / native",
        "SIMD guest / native library, not vectorized",
        "Every kernel in one module / native",
        "Every kernel in one module / its own module",
        "The engine it embeds, run directly / native",
        "Runtime / the engine it embeds",
    ]
    .map(String::from)
    .to_vec();
    let cell = |r: &Option<stats::RatioEstimate>| {
        r.as_ref().map(format::ratio).unwrap_or_else(|| DASH.into())
    };
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let (simd, simd_scalar) = match &row.simd {
                Ok(simd) => (cell(&simd.vs_native), cell(&simd.vs_library_scalar)),
                Err(why) => (format!("no SIMD: {why}"), DASH.into()),
            };
            let (shared, shared_vs_own) = match &row.shared {
                Some(s) => (cell(&s.vs_native), cell(&s.vs_own)),
                None => ("not measured".into(), DASH.into()),
            };
            let (engine, over_engine) = match &row.engine {
                Some(e) => (
                    format!("{}: {}", e.engine, cell(&e.engine_vs_native)),
                    cell(&e.over_engine),
                ),
                None => (DASH.into(), DASH.into()),
            };
            vec![
                row.runtime.clone(),
                cell(&row.guest.vs_native),
                cell(&row.guest.vs_library),
                cell(&row.guest.vs_library_scalar),
                cell(&row.guest.vs_library_v3),
                simd,
                simd_scalar,
                shared,
                shared_vs_own,
                engine,
                over_engine,
            ]
        })
        .collect();
    Grid { header, rows }
}

/// Each runtime of the run once: the crate and version behind it, what it loads, how it is set up.
pub fn runtimes(run: &Run) -> Grid {
    let header = ["Runtime", "Crate", "Version", "Loads", "Configuration"]
        .map(String::from)
        .to_vec();
    let mut listed: Vec<&str> = Vec::new();
    let mut rows = Vec::new();
    for r in run.results.iter().filter(|r| !r.crate_name.is_empty()) {
        if listed.contains(&r.runtime.as_str()) {
            continue;
        }
        listed.push(&r.runtime);
        rows.push(vec![
            r.runtime.clone(),
            r.crate_name.clone(),
            r.crate_version.clone(),
            r.guest.clone(),
            r.config.clone(),
        ]);
    }
    Grid { header, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_past_its_budget_says_by_how_much_and_why() {
        let mut run = crate::choose::tests::run(vec![]);
        run.settings.budget_s = 90.0;
        assert_eq!(
            overrun_note(&run, 147.4),
            "; 57.4 s over the 90 s budget: floors of samples and of phase rounds, and restarts, \
             are not cut short"
        );
        assert_eq!(overrun_note(&run, 98.0), "");
    }

    #[test]
    fn the_idle_figure_says_how_much_of_it_is_mapped_from_files() {
        let memory = |idle, file| plugbench_data::Memory {
            idle_rss_kib: idle,
            idle_file_kib: file,
            ..Default::default()
        };
        assert_eq!(
            idle_cell(&memory(Some(34304), Some(30310))),
            "33.5 MiB (29.6 from files)"
        );
        // Files from before schema 15 have the idle figure alone.
        assert_eq!(idle_cell(&memory(Some(34304), None)), "33.5 MiB");
        assert_eq!(idle_cell(&memory(None, None)), DASH);
    }
}
