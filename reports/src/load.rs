//! A load measurement (`plugbench load`) as a table: per runtime, host model and thread count,
//! events per second with its interval, the scaling efficiency, and latency.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Table};
use plugbench_data::load::{Estimate, LoadFile, LoadRow, CHECK_EVERY};

use crate::format::{duration, ratio_value, throughput};

/// The table for a terminal.
pub fn terminal(file: &LoadFile) -> String {
    format!("{}\n{}\n", table(file, UTF8_FULL_CONDENSED), notes(file))
}

/// The table as markdown, with its notes.
pub fn markdown(file: &LoadFile) -> String {
    let s = &file.settings;
    format!(
        "## Under load: `{}` at size {}\n\n{}\n\n{}\n",
        s.kernel,
        s.size,
        table(file, ASCII_MARKDOWN),
        notes(file)
    )
}

fn table(file: &LoadFile, preset: &str) -> String {
    let loads: Vec<f64> = file.settings.loads.clone();
    let mut header = vec![
        "runtime".to_string(),
        "host model".into(),
        "threads".into(),
        "events/s [95% CI]".into(),
        "efficiency".into(),
        "service p50 / p99 / p99.9".into(),
    ];
    header.extend(
        loads
            .iter()
            .map(|l| format!("p99 at {:.0}% load", l * 100.0)),
    );
    let mut t = Table::new();
    t.load_preset(preset)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for row in &file.rows {
        t.add_row(cells(row, &loads));
    }
    t.to_string()
}

fn cells(row: &LoadRow, loads: &[f64]) -> Vec<String> {
    let threads = if row.oversubscribed {
        format!("{} (oversubscribed)", row.threads)
    } else {
        row.threads.to_string()
    };
    let mut cells = vec![row.runtime.clone(), row.model.to_string(), threads];
    if let Some(error) = &row.error {
        cells.push(format!("ERROR: {error}"));
        cells.extend(std::iter::repeat_n(String::new(), 2 + loads.len()));
        return cells;
    }
    cells.push(row.throughput.as_ref().map_or("n/a".into(), |t| {
        format!(
            "{} [{}-{}]",
            throughput(t.mean),
            throughput(t.ci95[0]),
            throughput(t.ci95[1])
        )
    }));
    cells.push(row.efficiency.map_or("n/a".into(), efficiency));
    cells.push(row.service.map_or("n/a".into(), |p| {
        format!(
            "{} / {} / {}",
            duration(p.p50_ns),
            duration(p.p99_ns),
            duration(p.p999_ns)
        )
    }));
    for load in loads {
        let at = row.at_load.iter().find(|a| a.load == *load);
        cells.push(at.map_or("n/a".into(), |a| duration(a.latency.p99_ns)));
    }
    cells
}

fn efficiency(e: Estimate) -> String {
    if e.ci95[0] == e.ci95[1] {
        return ratio_value(e.value);
    }
    format!(
        "{} [{}-{}]",
        ratio_value(e.value),
        ratio_value(e.ci95[0]),
        ratio_value(e.ci95[1])
    )
}

fn notes(file: &LoadFile) -> String {
    let s = &file.settings;
    let events: u64 = file.rows.iter().map(|r| r.events).sum();
    let checked: u64 = file.rows.iter().map(|r| r.checked).sum();
    let failed = file.rows.iter().filter(|r| !r.is_ok()).count();
    let mut notes = format!(
        "Each cell: {} closed-loop rounds of {} ms (the runtimes interleaved round by round), \
         events/s as their mean with its 95% interval. Efficiency: events/s per thread against \
         one thread's, paired by round (1 = perfect scaling). Service latency: events back to \
         back. p99 at a load: events due at that fraction of the cell's maximum, for {} ms, \
         latency counted from when each was due (a stalled event delays the ones behind it). \
         Outputs checked: each thread's first event and one in {CHECK_EVERY} after it, {checked} \
         of {events} events. {} cores.",
        s.rounds, s.sample_ms, s.open_sample_ms, s.cores
    );
    if failed > 0 {
        notes.push_str(&format!(" {failed} row(s) failed: see ERROR."));
    }
    notes
}
