//! Runs of the same workloads on several machines in one report: a column per machine, each
//! runtime's ratio to native with its interval on each, and whether the ranking and the
//! answers of "Choosing a runtime" hold across them. Runs that did not measure the same thing
//! are refused, naming what differs.

use std::collections::BTreeSet;

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};

use crate::analysis::Analysis;
use crate::exporters::table::draw;
use crate::rows::Grid;
use crate::{first_seen, Run};

/// One run on one machine, analysed.
pub struct MachineRun {
    /// The file it came from.
    pub source: String,
    pub run: Run,
    pub analysis: Analysis,
}

impl MachineRun {
    pub fn new(source: String, run: Run) -> Self {
        let analysis = Analysis::of(&run);
        MachineRun {
            source,
            run,
            analysis,
        }
    }

    /// The machine's column heading: CPU and cores.
    fn label(&self) -> String {
        let env = &self.run.environment;
        format!("{} ({} cores)", env.cpu, env.cores)
    }
}

/// The runs' column headings: a number (the machines table gives its file) and the machine.
fn labels(runs: &[MachineRun]) -> Vec<String> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| format!("{}: {}", i + 1, r.label()))
        .collect()
}

/// The workloads a run measured, as (kernel, size).
fn workloads(run: &Run) -> BTreeSet<(String, usize)> {
    run.groups
        .iter()
        .map(|g| (g.kernel.clone(), g.size))
        .collect()
}

/// Each runtime's crate and version in a run.
fn versions(run: &Run) -> BTreeSet<(String, String, String)> {
    run.results
        .iter()
        .map(|r| {
            (
                r.runtime.clone(),
                r.crate_name.clone(),
                r.crate_version.clone(),
            )
        })
        .collect()
}

/// Why the runs cannot be put side by side, one line per difference; empty when they can.
pub fn differences(runs: &[MachineRun]) -> Vec<String> {
    let Some(first) = runs.first() else {
        return vec!["no runs to merge".into()];
    };
    let mut found = Vec::new();
    for other in &runs[1..] {
        let (a, b) = (&first.run, &other.run);
        let only = |x: &BTreeSet<(String, usize)>, y: &BTreeSet<(String, usize)>| {
            x.difference(y)
                .map(|(k, s)| format!("`{k}` at size {s}"))
                .collect::<Vec<_>>()
        };
        let (wa, wb) = (workloads(a), workloads(b));
        for (file, missing) in [
            (&other.source, only(&wa, &wb)),
            (&first.source, only(&wb, &wa)),
        ] {
            if !missing.is_empty() {
                found.push(format!("{file} did not measure {}", missing.join(", ")));
            }
        }
        for (runtime, crate_name, version) in versions(b).difference(&versions(a)) {
            match versions(a).iter().find(|(r, _, _)| r == runtime) {
                Some((_, c, v)) => found.push(format!(
                    "{runtime} is {c} {v} in {} and {crate_name} {version} in {}",
                    first.source, other.source
                )),
                None => found.push(format!(
                    "{runtime} is in {} only, not in {}",
                    other.source, first.source
                )),
            }
        }
        for (runtime, _, _) in versions(a) {
            if !versions(b).iter().any(|(r, _, _)| *r == runtime) {
                found.push(format!(
                    "{runtime} is in {} only, not in {}",
                    first.source, other.source
                ));
            }
        }
        if a.settings.input_seed != b.settings.input_seed {
            found.push(format!(
                "the inputs differ: seed {} in {}, {} in {}",
                a.settings.input_seed, first.source, b.settings.input_seed, other.source
            ));
        }
    }
    found
}

/// The machines: what each is, and whether it was steady.
fn machines(runs: &[MachineRun]) -> Grid {
    let header = ["Machine", "File", "OS", "rustc", "Build", "Steadiness"]
        .map(String::from)
        .to_vec();
    let rows = runs
        .iter()
        .zip(labels(runs))
        .map(|(r, label)| {
            let env = &r.run.environment;
            vec![
                label,
                r.source.clone(),
                env.os.clone(),
                env.rustc.clone(),
                short(&env.build_profile, 40),
                r.analysis.steadiness.label().to_string(),
            ]
        })
        .collect();
    Grid { header, rows }
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).chain(['…']).collect()
    }
}

/// One workload: each runtime's ratio on each machine, and whether its rank holds.
fn ratios(runs: &[MachineRun], kernel: &str, size: usize) -> (Grid, Vec<String>) {
    let of = |m: &MachineRun| -> Vec<(String, Option<stats::RatioEstimate>)> {
        m.run
            .results
            .iter()
            .filter(|r| r.kernel == kernel && r.size == size && !r.baseline)
            .map(|r| (r.runtime.clone(), r.ratio_to_native.clone()))
            .collect()
    };
    let per_machine: Vec<_> = runs.iter().map(of).collect();
    let names = first_seen(per_machine.iter().flatten().map(|(n, _)| n.clone()));
    let mut header = vec!["Runtime".to_string()];
    header.extend(labels(runs));
    let rows = names
        .iter()
        .map(|name| {
            let mut row = vec![name.clone()];
            row.extend(per_machine.iter().map(|m| {
                m.iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, r)| r.as_ref())
                    .map(crate::format::ratio)
                    .unwrap_or_else(|| "-".into())
            }));
            row
        })
        .collect();
    (
        Grid { header, rows },
        rank_changes(&names, &per_machine, &labels(runs)),
    )
}

/// Pairs of runtimes one machine tells apart one way and another the other way.
fn rank_changes(
    names: &[String],
    per_machine: &[Vec<(String, Option<stats::RatioEstimate>)>],
    labels: &[String],
) -> Vec<String> {
    let ratio = |m: usize, name: &str| {
        per_machine[m]
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, r)| r.clone())
    };
    // a is faster than b on machine m: a's whole interval below b's.
    let faster = |m: usize, a: &str, b: &str| match (ratio(m, a), ratio(m, b)) {
        (Some(x), Some(y)) => x.ci95[1] < y.ci95[0],
        _ => false,
    };
    let mut changes = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let ahead = (0..labels.len()).find(|&m| faster(m, a, b));
            let behind = (0..labels.len()).find(|&m| faster(m, b, a));
            if let (Some(m), Some(n)) = (ahead, behind) {
                changes.push(format!(
                    "{a} is faster than {b} on {}, slower on {}",
                    labels[m], labels[n]
                ));
            }
        }
    }
    changes
}

/// Each situation of "Choosing a runtime": the answer on each machine, and whether one runtime
/// is among the best on all of them.
fn answers(runs: &[MachineRun]) -> Grid {
    let mut header = vec!["Situation".to_string()];
    header.extend(labels(runs));
    header.push("Holds on every machine".into());
    let questions = first_seen(
        runs.iter()
            .flat_map(|m| &m.analysis.situations)
            .map(|(s, _, _)| s.question),
    );
    let rows = questions
        .iter()
        .map(|q| {
            let tied: Vec<Option<Vec<&str>>> = runs
                .iter()
                .map(|m| {
                    m.analysis
                        .situations
                        .iter()
                        .find(|(s, _, _)| s.question == *q)
                        .map(|(_, _, c)| c.tied())
                })
                .collect();
            let mut row = vec![q.to_string()];
            row.extend(tied.iter().map(|t| match t {
                Some(t) => t.join(" = "),
                None => "-".into(),
            }));
            let everywhere: Vec<&str> = match tied.first() {
                Some(Some(first)) => first
                    .iter()
                    .copied()
                    .filter(|name| {
                        tied.iter()
                            .all(|t| t.as_ref().is_some_and(|t| t.contains(name)))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            row.push(if everywhere.is_empty() {
                "no: the answer depends on the machine".into()
            } else {
                format!("yes: {}", everywhere.join(", "))
            });
            row
        })
        .collect();
    Grid { header, rows }
}

/// The merged report as markdown.
pub fn markdown(runs: &[MachineRun]) -> String {
    render(runs, Style::Markdown)
}

/// The merged report for the terminal.
pub fn terminal(runs: &[MachineRun]) -> String {
    render(runs, Style::Terminal)
}

#[derive(Clone, Copy)]
enum Style {
    Markdown,
    Terminal,
}

fn render(runs: &[MachineRun], style: Style) -> String {
    let (h1, h2, preset) = match style {
        Style::Markdown => ("# ", "\n## ", ASCII_MARKDOWN),
        Style::Terminal => ("", "\n", UTF8_FULL_CONDENSED),
    };
    let mut out = format!(
        "{h1}plugbench: {} machines\n\nThe same workloads measured on each machine; each \
         ratio is to native on the same machine, with its 95% interval.\n{h2}Machines\n\n{}\n",
        runs.len(),
        draw(&machines(runs), preset)
    );
    let answers = answers(runs);
    if !answers.rows.is_empty() {
        out += &format!(
            "{h2}Choosing a runtime on each machine\n\nThe best runtime per situation on each \
             machine (ties joined with =), and a runtime that is among the best on every one.\n\n{}\n",
            draw(&answers, preset)
        );
    }
    let Some(first) = runs.first() else {
        return out;
    };
    for group in &first.run.groups {
        let (grid, changes) = ratios(runs, &group.kernel, group.size);
        let verdict = if changes.is_empty() {
            "The ranking holds: no machine tells two runtimes apart in the opposite order of \
             another."
                .to_string()
        } else {
            format!("The ranking changes: {}.", changes.join("; "))
        };
        out += &format!(
            "{h2}`{}` at size {}\n\n{}\n\n{verdict}\n",
            group.kernel,
            group.size,
            draw(&grid, preset)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(value: f64, lo: f64, hi: f64) -> Option<stats::RatioEstimate> {
        Some(stats::RatioEstimate {
            value,
            ci95: [lo, hi],
            p_value: 0.0,
            precision: 0.0,
            n: 10,
            method: stats::RatioMethod::PairedMedian,
        })
    }

    #[test]
    fn a_ranking_changes_only_where_both_machines_tell_the_runtimes_apart() {
        let names = ["a".to_string(), "b".to_string(), "c".to_string()];
        let x86 = vec![
            ("a".to_string(), ratio(2.0, 1.9, 2.1)),
            ("b".to_string(), ratio(3.0, 2.9, 3.1)),
            ("c".to_string(), ratio(3.05, 2.5, 3.5)),
        ];
        let arm = vec![
            ("a".to_string(), ratio(4.0, 3.9, 4.1)),
            ("b".to_string(), ratio(3.0, 2.9, 3.1)),
            ("c".to_string(), ratio(2.9, 2.0, 4.0)),
        ];
        let labels = ["1: x86".to_string(), "2: arm".to_string()];
        let changes = rank_changes(&names, &[x86, arm], &labels);
        // b and c overlap on both machines, and a against c on arm: only a/b flips.
        assert_eq!(changes, ["a is faster than b on 1: x86, slower on 2: arm"]);
    }
}
