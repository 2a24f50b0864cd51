//! The "Choosing a runtime" tables: the winner of each scenario, and the call from which each
//! runtime has cost less in total than the one ready soonest.

use super::{Grid, DASH};
use crate::analysis::Workload;
use crate::choose::{Choice, Overtake, Scenario, Unit};
use crate::format::duration;
use crate::Run;

/// A scenario's figure in its unit.
pub fn figure(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Nanoseconds => duration(x),
        Unit::Kibibytes if x < 1024.0 => format!("{x:.0} KiB"),
        Unit::Kibibytes => format!("{:.1} MiB", x / 1024.0),
    }
}

fn break_even_cell(b: stats::BreakEven) -> String {
    match b {
        stats::BreakEven::FromStart => "the start".to_string(),
        stats::BreakEven::AfterCalls(1) => "the first call".to_string(),
        stats::BreakEven::AfterCalls(n) => format!("call {n}"),
        stats::BreakEven::Never => "never (dearer up front and per call)".to_string(),
    }
}

fn header(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// One workload's winner per scenario, its runner-up and the margin between them.
pub fn choices(picks: &[Choice]) -> Grid {
    let header = header(&[
        "Scenario",
        "Best",
        "Its figure",
        "Runner-up",
        "Runner-up's figure",
        "Margin",
        "Measured as",
    ]);
    let rows = picks
        .iter()
        .map(|c| {
            let tied = c.tied();
            let best = if tied.len() > 1 {
                format!("**{}** (tie)", tied.join("**, **"))
            } else {
                format!("**{}**", tied[0])
            };
            let (second, y) = c
                .runner_up()
                .map(|(n, y)| (n.clone(), figure(c.unit, *y)))
                .unwrap_or((DASH.into(), DASH.into()));
            vec![
                c.scenario.name().to_string(),
                best,
                figure(c.unit, c.winner().1),
                second,
                y,
                margin(c),
                c.measure.to_string(),
            ]
        })
        .collect();
    Grid { header, rows }
}

fn margin(c: &Choice) -> String {
    c.margin()
        .map(|m| format!("{m:.2}x"))
        .unwrap_or_else(|| DASH.into())
}

/// Each other runtime's one-off and per-call cost, and the call from which it is cheaper in
/// total than `reference`.
pub fn break_even(reference: &str, overtakes: &[Overtake]) -> Grid {
    let last = format!("Cheaper than {reference} from");
    let header = header(&["Runtime", "Compile + instantiate", "Per call", &last]);
    let rows = overtakes
        .iter()
        .map(|o| {
            vec![
                o.runtime.clone(),
                duration(o.fixed_ns),
                duration(o.per_call_ns),
                break_even_cell(o.result),
            ]
        })
        .collect();
    Grid { header, rows }
}

/// The workload's name in a table of several: kernel and size.
fn workload(view: &Run) -> String {
    format!("`{}` @ {}", view.group().kernel, view.group().size)
}

/// Each workload's winner per scenario (with the margin to the next), one column per scenario.
pub fn choices_across(workloads: &[Workload], scenarios: &[Scenario]) -> Grid {
    let mut header = vec!["Workload".to_string()];
    header.extend(scenarios.iter().map(|s| s.name().to_string()));
    let winner = |choices: &[Choice], scenario: Scenario| match choices
        .iter()
        .find(|c| c.scenario == scenario)
    {
        Some(c) => {
            let margin = c.margin().map(|m| format!(" ({m:.2}x)"));
            format!("{}{}", c.tied().join(" = "), margin.unwrap_or_default())
        }
        None => DASH.into(),
    };
    let rows = workloads
        .iter()
        .map(|w| {
            let mut row = vec![workload(&w.run)];
            row.extend(scenarios.iter().map(|&s| winner(&w.choices, s)));
            row
        })
        .collect();
    Grid { header, rows }
}

/// Each workload's break-even calls against its runtime ready soonest, one column per runtime.
pub fn break_evens_across(evens: &[(&Run, &str, &[Overtake])], runtimes: &[&str]) -> Grid {
    let mut header = header(&["Workload", "Ready soonest"]);
    header.extend(runtimes.iter().map(|r| r.to_string()));
    let rows = evens
        .iter()
        .map(|(view, reference, overtakes)| {
            let mut row = vec![workload(view), reference.to_string()];
            row.extend(runtimes.iter().map(|name| {
                match overtakes.iter().find(|o| o.runtime == *name) {
                    Some(o) => break_even_cell(o.result),
                    None if name == reference => "(reference)".into(),
                    None => DASH.into(),
                }
            }));
            row
        })
        .collect();
    Grid { header, rows }
}
