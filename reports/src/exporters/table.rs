use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table as Comfy};

use super::Exporter;
use crate::analysis::Analysis;
use crate::format::sentence;
use crate::rows::{self, Grid};
use crate::Run;

/// The terminal view: warm table, phase table, one sentence per runtime.
pub struct Table;

pub(crate) fn draw(grid: &Grid, preset: &str) -> String {
    drawn(grid, preset, None)
}

/// [`draw`], its cells wrapped to keep the table within `width` characters.
pub(crate) fn draw_within(grid: &Grid, preset: &str, width: u16) -> String {
    drawn(grid, preset, Some(width))
}

fn drawn(grid: &Grid, preset: &str, width: Option<u16>) -> String {
    let mut table = Comfy::new();
    table.load_preset(preset).set_header(&grid.header);
    match width {
        Some(width) => table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    for row in &grid.rows {
        table.add_row(row);
    }
    table.to_string()
}

impl Exporter for Table {
    fn render_with(&self, run: &Run, analysis: &Analysis) -> String {
        let mut out = String::new();
        if run.interrupted {
            out += &format!("{}\n", crate::INTERRUPTED_NOTICE);
        }
        if !run.is_multi_group() {
            return out
                + &format!("{} · ", run.workload_title())
                + &single(run)
                + &sandbox(analysis)
                + &machine(analysis);
        }
        for workload in &analysis.workloads {
            let view = &workload.run;
            out += &format!("══ {} ══\n", view.workload_title());
            // The heading names the workload, so the summary under it does not again.
            out += &single(view);
            out.push('\n');
        }
        for sweep in &analysis.sweeps {
            out += &format!("Scaling of {} with size (median per call)\n", sweep.kernel);
            out += &draw(&rows::sweep(sweep), UTF8_FULL_CONDENSED);
            out += &format!("\nRatio to {} by size\n", sweep.baseline_name);
            out += &draw(&rows::sweep_ratios(sweep), UTF8_FULL_CONDENSED);
            out += "\n\n";
        }
        out + &sandbox(analysis) + &machine(analysis)
    }
}

/// The guards' costs, when the run measured any.
fn sandbox(analysis: &Analysis) -> String {
    if !analysis.guards_measured {
        return String::new();
    }
    format!(
        "Sandbox guards (with / without, paired by round)\n{}\n",
        draw(&rows::sandbox(&analysis.guard_costs), UTF8_FULL_CONDENSED)
    )
}

/// One workload's tables, after a line naming the workload (the caller's).
fn single(run: &Run) -> String {
    let s = &run.settings;
    let g = run.group();
    let mut out = format!(
        "{} rounds over {} in {:.1} s ({}{})\n",
        g.rounds,
        rows::launches_phrase(run),
        g.elapsed_s,
        g.stop_reason,
        rows::overrun_note(run, g.elapsed_s)
    );
    for note in crate::format::module_notes(run) {
        out += &format!("{note}\n");
    }
    let base = run.baseline_name();
    out += &if s.launches > 1 {
        format!(
            "\nWarm calls (per call; ratio to {base} paired by round, interval across launches)\n"
        )
    } else {
        format!("\nWarm calls (per call; paired ratio to {base})\n")
    };
    out += &draw(&rows::warm(run, 60), UTF8_FULL_CONDENSED);
    out += "\n\nPhases (mean ± 95% CI half-width)\n";
    out += &draw(&rows::phases(run), UTF8_FULL_CONDENSED);
    out += "\n\nMemory\n";
    out += &draw(&rows::memory(run), UTF8_FULL_CONDENSED);
    out += "\n\n";
    for r in &run.results {
        out += &sentence(r, base);
        out.push('\n');
    }
    out
}

/// The steadiness verdict, last, where a reader's eye lands when the run ends.
fn machine(analysis: &Analysis) -> String {
    let s = &analysis.steadiness;
    format!("\nMachine: {}. {}\n", s.label(), s.explanation())
}
