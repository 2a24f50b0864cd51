//! Instruction counts beside the time: per workload, each runtime's instructions per warm call
//! and their ratio to native's, with the time ratio of the same run where it was timed, and the
//! phases' counts. A ratio's range runs from the lowest to the highest count over the launches.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use plugbench_data::{InstructionRow, InstructionRun, Phase};
use serde::Serialize;
use stats::RatioEstimate;

use crate::exporters::table::draw;
use crate::format::ratio;
use crate::rows::Grid;
use crate::Run;

/// The phases counted, in the order the tables show them.
const PHASES: [Phase; 3] = [Phase::Compile, Phase::Instantiate, Phase::FirstCall];

/// A count over the launches of one row: their median, lowest and highest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Spread {
            median: stats::percentile(&sorted, 50.0),
            low: *sorted.first()?,
            high: *sorted.last()?,
        })
    }

    /// This count over `base`'s, its range from lowest over highest to highest over lowest.
    pub fn over(&self, base: &Spread) -> Spread {
        Spread {
            median: self.median / base.median,
            low: self.low / base.high,
            high: self.high / base.low,
        }
    }

    /// The larger distance from the median to an end, relative to the median.
    pub fn half_width(&self) -> f64 {
        (self.high / self.median - 1.0).max(1.0 - self.low / self.median)
    }
}

/// One runtime's counts on one workload, as the reports show them.
pub struct Counted<'a> {
    pub row: &'a InstructionRow,
    pub warm: Option<Spread>,
    /// Its warm count over the baseline's.
    pub vs_base: Option<Spread>,
    /// The timed ratio of the same runtime and workload in the same run, where it was timed.
    pub time: Option<&'a RatioEstimate>,
    /// Instructions of a warm call per nanosecond of its median timed call.
    pub per_ns: Option<f64>,
    /// Launches behind its ratio: its own or the baseline's, whichever are fewer.
    pub launches: usize,
}

/// The rows of one workload, the baseline first: native, or else the row with the fewest
/// instructions per warm call (a user's module without a native build).
pub fn workload<'a>(
    run: &'a Run,
    counts: &'a InstructionRun,
    kernel: &str,
    size: usize,
) -> Vec<Counted<'a>> {
    let rows = counts.workload(kernel, size);
    let warm = |r: &InstructionRow| Spread::of(&r.warm());
    let base_row = rows
        .iter()
        .filter(|r| r.is_ok())
        .find(|r| r.native)
        .or_else(|| {
            rows.iter()
                .filter(|r| r.is_ok())
                .min_by(|a, b| median(a).total_cmp(&median(b)))
        });
    let base = base_row.and_then(|r| warm(r));
    let base_launches = base_row.map_or(0, |r| r.launches.len());
    rows.into_iter()
        .map(|row| {
            let timed = run.results.iter().find(|t| {
                t.result.runtime == row.runtime
                    && t.result.kernel == kernel
                    && t.result.size == size
            });
            let warm = warm(row);
            Counted {
                row,
                warm,
                vs_base: warm.zip(base).map(|(w, b)| w.over(&b)),
                time: timed.and_then(|t| t.ratio_to_native.as_ref()),
                per_ns: warm
                    .zip(timed.and_then(|t| t.warm.as_ref()))
                    .map(|(w, t)| w.median / t.median_ns),
                launches: row.launches.len().min(base_launches),
            }
        })
        .collect()
}

fn median(row: &InstructionRow) -> f64 {
    Spread::of(&row.warm()).map_or(f64::INFINITY, |s| s.median)
}

/// "1.55 M": a count in units a reader compares at a glance.
pub fn count(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.2} G", n / 1e9),
        n if n >= 1e6 => format!("{:.2} M", n / 1e6),
        n if n >= 1e4 => format!("{:.1} k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

/// "1.846x ±0.03%" ("±<0.01%" below what two decimals show); from one launch each, no
/// spread to show.
pub fn ratio_spread(s: &Spread, launches: usize) -> String {
    let value = crate::format::ratio_value(s.median);
    if launches < 2 {
        return format!("{value}x (1 launch)");
    }
    match s.half_width() * 100.0 {
        pct if pct < 0.01 => format!("{value}x ±<0.01%"),
        pct => format!("{value}x ±{pct:.2}%"),
    }
}

fn phase_cell(row: &InstructionRow, phase: Phase) -> String {
    Spread::of(&row.phase(phase)).map_or_else(|| "-".into(), |s| count(s.median))
}

/// The counts table of one workload: with the time columns where the run was timed too.
fn grid(rows: &[Counted], base: &str, timed: bool) -> Grid {
    let mut header = vec![
        "Runtime".to_string(),
        "Instructions per warm call".into(),
        format!("vs {base} (counted)"),
    ];
    if timed {
        header.push(format!("vs {base} (timed) [95% CI]"));
        header.push("Instructions per ns".into());
    }
    header.extend(PHASES.iter().map(|p| p.label().to_string()));
    let rows = rows
        .iter()
        .filter(|c| c.row.is_ok())
        .map(|c| {
            let mut cells = vec![
                c.row.runtime.clone(),
                c.warm.map_or_else(|| "-".into(), |w| count(w.median)),
                c.vs_base
                    .as_ref()
                    .map_or_else(|| "-".into(), |r| ratio_spread(r, c.launches)),
            ];
            if timed {
                cells.push(c.time.map_or_else(|| "-".into(), ratio));
                cells.push(c.per_ns.map_or_else(|| "-".into(), |x| format!("{x:.2}")));
            }
            cells.extend(PHASES.iter().map(|&p| phase_cell(c.row, p)));
            cells
        })
        .collect();
    Grid { header, rows }
}

/// Who the counted ratios are to.
fn base_name(rows: &[Counted]) -> String {
    rows.iter()
        .find(|c| c.vs_base.is_some_and(|s| s.median == 1.0 && s.low <= 1.0))
        .map_or_else(|| "native".into(), |c| c.row.runtime.clone())
}

/// The runtimes that were not counted, and why.
fn not_counted(rows: &[Counted]) -> Vec<String> {
    rows.iter()
        .filter(|c| !c.row.is_ok())
        .map(|c| {
            format!(
                "{}: {}",
                c.row.runtime,
                c.row.error.as_deref().unwrap_or("no count")
            )
        })
        .collect()
}

fn timed(run: &Run) -> bool {
    !run.results.is_empty()
}

/// The terminal's tables, one per workload (empty without counts).
pub fn terminal(run: &Run) -> String {
    let Some(counts) = &run.instructions else {
        return String::new();
    };
    let mut out = format!(
        "\nInstruction counts under callgrind ({}; {} launch(es) per runtime, {} warm calls \
         counted in each; ranges over launches). Not time: instructions per cycle differ.\n",
        counts.valgrind, counts.launches, counts.warm_calls
    );
    for (kernel, size) in counts.workloads() {
        let rows = workload(run, counts, &kernel, size);
        let base = base_name(&rows);
        out += &format!("\n{kernel} · size {size}\n");
        out += &draw(&grid(&rows, &base, timed(run)), UTF8_FULL_CONDENSED);
        out += "\n";
        for line in not_counted(&rows) {
            out += &format!("not counted: {line}\n");
        }
    }
    out
}

/// The "Instruction counts" section with its heading at level `h` (empty without counts).
pub fn section_with(run: &Run, h: &str) -> String {
    let Some(counts) = &run.instructions else {
        return String::new();
    };
    let mut md = format!(
        "\n{h} Instruction counts\n\nEach runtime's warm call and phases counted in \
         instructions under valgrind's callgrind ({}), only the measured region (client \
         requests start and stop the count around it), every thread; outputs verified as in a \
         timed run. {} worker process(es) per runtime, {} warm calls counted in each after one \
         uncounted; a counted ratio's ± runs to the lowest over the highest count of the \
         launches. Counts do not move with the neighbours, so they compare on a busy machine, \
         but **they are not time**: JIT code, an interpreter and native code retire different \
         numbers of instructions per cycle (\"Instructions per ns\", where the run was timed \
         too, shows how far), callgrind does not see cache misses or waits, and it counts each \
         byte a `rep movsb`/`rep stosb` copies or fills (memcpy and memset of large blocks) as \
         an instruction. How: docs/method.md, \"Instruction counts\".\n",
        counts.valgrind, counts.launches, counts.warm_calls
    );
    let h2 = format!("{h}#");
    for (kernel, size) in counts.workloads() {
        let rows = workload(run, counts, &kernel, size);
        let base = base_name(&rows);
        md += &format!("\n{h2} `{kernel}` at size {size}\n\n");
        let grid = grid(&rows, &base, timed(run));
        let (warm, phases) = split_phases(grid);
        md += &draw(&warm, ASCII_MARKDOWN);
        md += "\n\nPhases, in instructions (the median launch):\n\n";
        md += &draw(&phases, ASCII_MARKDOWN);
        md += "\n";
        let missing = not_counted(&rows);
        if !missing.is_empty() {
            md += "\nNot counted:\n\n";
            for line in missing {
                md += &format!("- {line}\n");
            }
        }
    }
    md
}

/// The warm columns and the phase columns as two narrow tables, each led by the runtime.
fn split_phases(grid: Grid) -> (Grid, Grid) {
    let at = grid.header.len() - PHASES.len();
    let split = |range: &dyn Fn(&[String]) -> Vec<String>| Grid {
        header: range(&grid.header),
        rows: grid.rows.iter().map(|r| range(r)).collect(),
    };
    let warm = split(&|cells: &[String]| cells[..at].to_vec());
    let phases = split(&|cells: &[String]| {
        std::iter::once(cells[0].clone())
            .chain(cells[at..].iter().cloned())
            .collect()
    });
    (warm, phases)
}

/// Each runtime counted and its crate, a line for the environment of a run that timed nothing
/// (a timed run's table of runtimes has them).
pub fn crates(run: &Run) -> String {
    let Some(counts) = &run.instructions else {
        return String::new();
    };
    let mut seen: Vec<String> = Vec::new();
    for r in counts.rows.iter().filter(|r| !r.crate_name.is_empty()) {
        let line = format!("{} ({} {})", r.runtime, r.crate_name, r.crate_version);
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    format!("- Runtimes: {}\n", seen.join(", "))
}

/// A CSV row; its field names are the header.
#[derive(Serialize)]
struct CsvRow<'a> {
    kernel: &'a str,
    size: usize,
    runtime: &'a str,
    native: bool,
    verified: bool,
    error: Option<&'a str>,
    launches: usize,
    warm_instructions: Option<f64>,
    warm_instructions_low: Option<f64>,
    warm_instructions_high: Option<f64>,
    ratio: Option<f64>,
    ratio_low: Option<f64>,
    ratio_high: Option<f64>,
    time_ratio: Option<f64>,
    time_ratio_ci95_lo: Option<f64>,
    time_ratio_ci95_hi: Option<f64>,
    compile_instructions: Option<f64>,
    instantiate_instructions: Option<f64>,
    first_call_instructions: Option<f64>,
}

/// Every counted row (empty without counts).
pub fn csv(run: &Run) -> String {
    let Some(counts) = &run.instructions else {
        return String::new();
    };
    let rows = counts
        .workloads()
        .into_iter()
        .flat_map(|(kernel, size)| workload(run, counts, &kernel, size))
        .map(|c| {
            let phase = |p| Spread::of(&c.row.phase(p)).map(|s| s.median);
            CsvRow {
                kernel: &c.row.kernel,
                size: c.row.size,
                runtime: &c.row.runtime,
                native: c.row.native,
                verified: c.row.verified,
                error: c.row.error.as_deref(),
                launches: c.row.launches.len(),
                warm_instructions: c.warm.map(|w| w.median),
                warm_instructions_low: c.warm.map(|w| w.low),
                warm_instructions_high: c.warm.map(|w| w.high),
                ratio: c.vs_base.map(|r| r.median),
                ratio_low: c.vs_base.map(|r| r.low),
                ratio_high: c.vs_base.map(|r| r.high),
                time_ratio: c.time.map(|t| t.value),
                time_ratio_ci95_lo: c.time.map(|t| t.ci95[0]),
                time_ratio_ci95_hi: c.time.map(|t| t.ci95[1]),
                compile_instructions: phase(Phase::Compile),
                instantiate_instructions: phase(Phase::Instantiate),
                first_call_instructions: phase(Phase::FirstCall),
            }
        })
        .collect::<Vec<_>>();
    crate::exporters::csv_text(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_ratio_spans_every_launch_of_both_rows() {
        let runtime = Spread::of(&[210.0, 200.0]).unwrap();
        let native = Spread::of(&[100.0, 105.0]).unwrap();
        let r = runtime.over(&native);
        assert!((r.median - 205.0 / 102.5).abs() < 1e-12);
        assert!((r.low - 200.0 / 105.0).abs() < 1e-12);
        assert!((r.high - 210.0 / 100.0).abs() < 1e-12);
        assert!(r.half_width() > 0.0 && r.low < r.median && r.median < r.high);
    }

    #[test]
    fn counts_read_at_a_glance() {
        assert_eq!(count(95.0), "95");
        assert_eq!(count(127_674.5), "127.7 k");
        assert_eq!(count(682_945_807.0), "682.95 M");
        assert_eq!(count(1.5e9), "1.50 G");
    }
}
