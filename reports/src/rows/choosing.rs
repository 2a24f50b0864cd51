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

/// One workload's winner per scenario, its runner-up and the margin between them, a line each
/// (as a table, the tied runtimes made it several screens wide).
pub fn choice_lines(picks: &[Choice]) -> Vec<String> {
    picks
        .iter()
        .map(|c| {
            let best = c.tied().join("** = **");
            let next = c
                .runner_up()
                .map(|(name, y)| format!("; next {name} ({}), {}", figure(c.unit, *y), margin(c)))
                .unwrap_or_default();
            format!(
                "**{}**: **{best}** ({}{next}); {}",
                c.scenario.name(),
                figure(c.unit, c.winner().1),
                c.measure
            )
        })
        .collect()
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

/// A size's column heading.
fn at_size(view: &Run) -> String {
    format!("@ {}", view.group().size)
}

/// One kernel's scenarios at each of its sizes: a row per scenario, a column per size; each
/// cell the best runtime, how many tie with it, and its margin over the next.
pub fn choices_by_size(workloads: &[&Workload], scenarios: &[Scenario]) -> Grid {
    let mut header = vec!["Scenario".to_string()];
    header.extend(workloads.iter().map(|w| at_size(&w.run)));
    let cell = |w: &Workload, scenario: Scenario| {
        let Some(c) = w.choices.iter().find(|c| c.scenario == scenario) else {
            return DASH.to_string();
        };
        let tied = c.tied();
        let more = match tied.len() {
            0 | 1 => String::new(),
            n => format!(" +{}", n - 1),
        };
        let margin = c.margin().map(|m| format!(" ({m:.2}x)"));
        format!("{}{more}{}", tied[0], margin.unwrap_or_default())
    };
    let rows = scenarios
        .iter()
        .map(|&s| {
            let mut row = vec![s.name().to_string()];
            row.extend(workloads.iter().map(|w| cell(w, s)));
            row
        })
        .collect();
    Grid { header, rows }
}

/// The call from which each runtime costs less in total than the one ready soonest, at each
/// size: a row per runtime (the first names the reference), a column per size.
pub fn break_evens_by_size(evens: &[(&Run, &str, &[Overtake])]) -> Grid {
    let mut header = header(&["Runtime"]);
    header.extend(evens.iter().map(|(view, _, _)| at_size(view)));
    let runtimes = crate::first_seen(evens.iter().flat_map(|(_, reference, o)| {
        std::iter::once(*reference).chain(o.iter().map(|o| o.runtime.as_str()))
    }));
    let mut rows = vec![{
        let mut row = vec!["ready soonest".to_string()];
        row.extend(evens.iter().map(|(_, reference, _)| reference.to_string()));
        row
    }];
    rows.extend(runtimes.iter().map(|name| {
        let mut row = vec![name.to_string()];
        row.extend(evens.iter().map(|(_, reference, overtakes)| {
            match overtakes.iter().find(|o| o.runtime == *name) {
                Some(o) => break_even_short(o.result),
                None if name == reference => "(reference)".into(),
                None => DASH.into(),
            }
        }));
        row
    }));
    Grid { header, rows }
}

/// A break-even in a cell of many: what "never" means is said once, above the table.
fn break_even_short(b: stats::BreakEven) -> String {
    match b {
        stats::BreakEven::Never => "never".to_string(),
        other => break_even_cell(other),
    }
}
