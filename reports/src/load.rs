//! A load measurement (`plugbench load`) as a table: per runtime, host model and thread count,
//! events per second with its interval, the scaling efficiency, and latency.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Table};
use plugbench_data::load::{
    Estimate, LoadFile, LoadRow, Percentiles, TenantCost, TenantRow, CHECK_EVERY,
};

use crate::chart::ChartError;
use crate::first_seen;
use crate::format::{duration, ratio_value, throughput};
use crate::{load_chart, load_guards};

pub use crate::load_csv::csv;
pub use crate::load_situations::situations;

/// The table for a terminal.
pub fn terminal(file: &LoadFile) -> String {
    let s = &file.settings;
    format!(
        "Under load: {} at size {}\n{}\n{}\n{}{}{}",
        s.kernel,
        s.size,
        table(file, UTF8_FULL_CONDENSED),
        notes(file),
        tenants(file, UTF8_FULL_CONDENSED),
        load_guards::table(file, UTF8_FULL_CONDENSED),
        machine(file).map_or_else(String::new, |m| format!("\n{m}\n"))
    )
}

/// The machine's verdict, where the file recorded what it was doing (`plugbench load`; inside
/// `compare`, the comparison's own verdict covers it).
fn machine(file: &LoadFile) -> Option<String> {
    let env = &file.environment;
    env.activity.as_ref()?;
    let s = crate::steadiness::Steadiness::of_machine(env.activity.clone(), env.cores);
    Some(format!("Machine: {}. {}", s.label(), s.explanation()))
}

/// `plugbench load --markdown`: the table with its notes, the tenants' costs, the situations.
pub fn markdown(file: &LoadFile) -> String {
    let s = &file.settings;
    let answers = situations(std::slice::from_ref(file));
    let machine = machine(file).map_or_else(String::new, |m| {
        let (label, rest) = m.split_once(". ").unwrap_or((&m, ""));
        format!("**{label}.** {rest}\n\n")
    });
    format!(
        "## Under load: `{}` at size {}\n\n{machine}{}{}{}",
        s.kernel,
        s.size,
        answers.join(""),
        if answers.is_empty() { "" } else { "\n" },
        body(file)
    )
}

/// The report's section for `compare --load`: each measurement with its chart.
pub fn section(files: &[LoadFile]) -> String {
    section_with(files, "##")
}

/// The "Under load" section with its heading at level `h` (a page of its own takes `#`).
pub fn section_with(files: &[LoadFile], h: &str) -> String {
    if files.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Under load\n\nA plugin host serving events on several threads at once inside one \
         worker process, sharing one compiled module: an instance per event (instantiate, call, \
         drop), pooled (each thread calls its own instance), and many tenants (a distinct module \
         per tenant, a tenant at random per event, an instance per event). Events/s with its 95% \
         interval over rounds; efficiency is events/s per thread against one thread's (1 = \
         perfect scaling); p99 at a load is the 99th percentile when events arrive at that \
         fraction of the cell's maximum, counted from when each was due. Memory per tenant from \
         fewer than 16 tenants is ±20% or worse, so \"Choosing a runtime\" names the most \
         tenants per GiB only from 16 or more (`plugbench load`). How: docs/method.md, \
         \"A host under load\".\n",
    );
    for file in files {
        let s = &file.settings;
        md += &format!(
            "\n{h}# `{}` at size {}\n\n{}\n\n{}",
            s.kernel,
            s.size,
            chart_link(file),
            body(file)
        );
    }
    md
}

/// Each load chart as an image, one paragraph each.
pub fn chart_links(files: &[LoadFile]) -> String {
    files
        .iter()
        .map(|file| format!("{}\n\n", chart_link(file)))
        .collect()
}

fn chart_link(file: &LoadFile) -> String {
    let s = &file.settings;
    format!(
        "![events/s against threads, {} at size {}]({})",
        s.kernel,
        s.size,
        load_chart::file_name(file)
    )
}

/// A measurement's table, its notes and its tenants.
fn body(file: &LoadFile) -> String {
    let guards = load_guards::table(file, ASCII_MARKDOWN);
    format!(
        "{}\n\n{}\n\n{}{}{guards}",
        table(file, ASCII_MARKDOWN),
        notes(file),
        tenants(file, ASCII_MARKDOWN),
        if guards.is_empty() { "" } else { "\n" },
    )
}

/// Each measurement's chart: (file name, SVG or why it could not be drawn).
pub fn charts(files: &[LoadFile]) -> Vec<(String, Result<String, ChartError>)> {
    load_chart::charts(files)
}

/// Runtimes with a failed row or tenant, each once.
pub fn failed_runtimes(file: &LoadFile) -> Vec<&str> {
    let rows = file
        .rows
        .iter()
        .filter(|r| !r.is_ok())
        .map(|r| r.runtime.as_str());
    let tenants = file
        .tenants
        .iter()
        .filter(|t| t.error.is_some())
        .map(|t| t.runtime.as_str());
    first_seen(rows.chain(tenants))
}

/// A table in `preset` with `header`, as wide as its contents (the markdown and terminal
/// tables of a load measurement).
pub(crate) fn new_table<T: Into<comfy_table::Cell>>(
    preset: &str,
    header: impl IntoIterator<Item = T>,
) -> Table {
    let mut t = Table::new();
    t.load_preset(preset)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    t
}

/// What each runtime's tenants cost, with its note; empty without the `tenants` model.
pub fn tenants(file: &LoadFile, preset: &str) -> String {
    if file.tenants.is_empty() {
        return String::new();
    }
    let mut t = new_table(
        preset,
        [
            "runtime",
            "compile per tenant",
            "memory per tenant",
            "tenants per GiB",
            "with a live instance each",
            "tenants per GiB (with instance)",
        ],
    );
    for row in &file.tenants {
        t.add_row(tenant_cells(row));
    }
    let count = file
        .tenants
        .iter()
        .find_map(|r| r.cost)
        .map_or(0, |c| c.tenants);
    format!(
        "{t}\n{count} tenants per runtime, each the workload's module with a custom section of \
         its own (the same code, other bytes), compiled once and kept. Memory per tenant: the \
         resident memory each tenant of the second half added (the first half pays one-off \
         costs), measured in the worker; tenants per GiB is 1 GiB over it. Native code is one \
         copy for every tenant.\n"
    )
}

fn tenant_cells(row: &TenantRow) -> Vec<String> {
    let mut cells = vec![row.runtime.clone()];
    let cost = match (&row.error, row.cost) {
        (Some(error), _) => {
            cells.push(format!("ERROR: {error}"));
            cells.extend(std::iter::repeat_n(String::new(), 4));
            return cells;
        }
        (None, Some(cost)) => cost,
        (None, None) => {
            cells.extend(std::iter::repeat_n("n/a".to_string(), 5));
            return cells;
        }
    };
    let kib = |k: Option<f64>| k.map_or("n/a".into(), |k| format!("{k:.0} KiB"));
    let per_gib = |k: Option<f64>| {
        if row.native {
            return "—".to_string();
        }
        TenantCost::per_gib(k).map_or("n/a".into(), |n| format!("{n:.0}"))
    };
    cells.push(duration(cost.compile_ns));
    cells.push(kib(cost.compiled_kib));
    cells.push(per_gib(cost.compiled_kib));
    cells.push(kib(cost.with_instance_kib));
    cells.push(per_gib(cost.with_instance_kib));
    cells
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
    let mut t = new_table(preset, header);
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
            percentile(&p, 100, p.p99_ns),
            percentile(&p, 1000, p.p999_ns)
        )
    }));
    for load in loads {
        let at = row.at_load.iter().find(|a| a.load == *load);
        cells.push(at.map_or("n/a".into(), |a| {
            percentile(&a.latency, 100, a.latency.p99_ns)
        }));
    }
    cells
}

/// A tail percentile, or "—" when fewer events than `least` were timed (the 99th percentile
/// of 50 events is their largest, not a tail).
fn percentile(p: &Percentiles, least: u64, ns: f64) -> String {
    if p.events < least {
        return format!("— ({} events)", p.events);
    }
    duration(ns)
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

/// How the rounds were split over worker processes, in words.
fn launches(launches: u32, rounds: u32) -> String {
    match launches {
        1 => "one worker process per runtime".into(),
        n => format!("{n} worker processes per runtime one after the other, {rounds} rounds each"),
    }
}

fn notes(file: &LoadFile) -> String {
    let s = &file.settings;
    let events: u64 = file.rows.iter().map(|r| r.events).sum();
    let checked: u64 = file.rows.iter().map(|r| r.checked).sum();
    let failed = file.rows.iter().filter(|r| !r.is_ok()).count();
    let mut notes = format!(
        "Each cell: {} closed-loop rounds of {} ms ({}; the runtimes interleaved round by \
         round), events/s as their mean with its 95% interval. Efficiency: events/s per thread against \
         one thread's, paired by round (1 = perfect scaling). Service latency: events back to \
         back. p99 at a load: events due at that fraction of the cell's maximum, for {} ms, \
         latency counted from when each was due (a stalled event delays the ones behind it). \
         Outputs checked: each thread's first event and one in {CHECK_EVERY} after it, {checked} \
         of {events} events. {} cores.",
        s.rounds * s.launches,
        s.sample_ms,
        launches(s.launches, s.rounds),
        s.open_sample_ms,
        s.cores
    );
    if failed > 0 {
        notes.push_str(&format!(" {failed} row(s) failed: see ERROR."));
    }
    notes
}
