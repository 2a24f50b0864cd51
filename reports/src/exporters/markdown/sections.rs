//! The sections a markdown report is made of, shared by the one-file report of a single
//! workload, the summary of several and the pages the summary links to.

use comfy_table::presets::ASCII_MARKDOWN;

use crate::analysis::{Analysis, Workload};
use crate::choose::{Choice, Situation};
use crate::exporters::table::draw;
use crate::format::{duration, percent, sentence};
use crate::rows::{self, figure};
use crate::{PhaseResult, Run};

/// A run stopped by a signal says so before any figure.
pub(super) fn interrupted_notice(run: &Run) -> String {
    if run.interrupted {
        format!("\n> **{}**\n\n", crate::INTERRUPTED_NOTICE)
    } else {
        String::new()
    }
}

/// GitHub's anchor of a heading: lower case, spaces to hyphens, other punctuation dropped.
pub(super) fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Whether the machine was steady enough for the figures: the report's first words after its
/// title.
pub(super) fn steadiness(analysis: &Analysis) -> String {
    let s = &analysis.steadiness;
    format!("\n**Machine: {}.** {}\n", s.label(), s.explanation())
}

/// The situations this run answers, one line each.
pub(super) fn situation_answers(
    answers: &[(Situation, usize, Choice)],
    under_load: &[String],
) -> String {
    if answers.is_empty() && under_load.is_empty() {
        return String::new();
    }
    let mut md = String::new();
    for (s, size, c) in answers {
        let (_, best) = c.winner();
        let runner_up = match (c.runner_up(), c.margin()) {
            (Some((name, y)), Some(m)) => {
                format!("; next {name} ({}), {m:.2}x", figure(c.unit, *y))
            }
            _ => String::new(),
        };
        md += &format!(
            "- **For {}**: {} ({}{runner_up}). Measured on `{}` at size {size} as {}.\n",
            s.question,
            c.tied().join(" = "),
            figure(c.unit, *best),
            s.kernel,
            c.measure
        );
    }
    md + &under_load.concat()
}

/// Every guard of every runtime: how it is offered and what it costs, or why there is no figure.
pub(super) fn sandbox_section(analysis: &Analysis, h: &str) -> String {
    if !analysis.guards_measured {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Sandbox features and their cost\n\nEach guard a plugin host can switch on to bound untrusted code, \
         measured as its own runtime (`<runtime>+<guard>`) in the same rounds as the runtime without it: the warm \
         ratio is paired by round like the ratio to native; compile is a ratio of means. Fuel is never exhausted \
         and deadlines never reached here, so what is measured is the bookkeeping every call pays.\n\n"
    );
    md += &table_with_list(
        rows::sandbox(&analysis.guard_costs),
        2,
        2,
        "How each guard is offered",
    );
    md.push('\n');
    md
}

pub(super) fn gap_section(analysis: &Analysis, h: &str) -> String {
    let tables = &analysis.gap;
    if tables.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Where the gap to native comes from\n\nThe same kernel in five builds, all measured in the same \
         rounds: natively linked into a worker (the baseline of every other ratio), as a one-kernel native \
         library built the way the guest is (`dlopen`ed), that library without auto-vectorization \
         (`-C no-vectorize-loops -C no-vectorize-slp`) and for x86-64-v3 (`-C target-cpu=x86-64-v3`: AVX2, \
         FMA; what a host compiling for its own servers gets; x86-64 hosts only), and the guest built with Wasm \
         SIMD (`+simd128`); \
         then the guest built the other way a plugin author might: every kernel of this project in one module \
         (one plugin, for a runtime that loads plugins) instead of one module per kernel. \
         Each cell is a ratio with its 95% interval, paired by round. Read across a row: where \
         \"not vectorized\" is much lower than \"/ native\", the native build's auto-vectorization is that \
         part of the gap; where \"x86-64-v3\" is much higher than \"/ native library\", a native build for the \
         host's CPU widens the gap that much; where the SIMD guest is lower than the plain guest, the guest's \
         lack of SIMD is; \
         \"every kernel in one module / its own module\" above 1 is what that build choice alone costs, \
         with the same source, compiler and flags. \
         For a runtime built on an engine that is measured on its own too (extism on the wasmtime it \
         embeds, same version and build, loading the core module), the last two columns split its \
         ratio there: the engine run directly / native (beside this project's newer wasmtime, what the \
         engine version costs) times the runtime / its engine (what the runtime's kernel, its guest \
         build and its calling convention add).\n"
    );
    for t in tables {
        let show = |r: &Option<stats::RatioEstimate>| {
            r.as_ref()
                .map(crate::format::ratio)
                .unwrap_or_else(|| "-".into())
        };
        let v3 = t
            .library_v3
            .as_ref()
            .map(|r| format!(", for x86-64-v3 / native {}", crate::format::ratio(r)))
            .unwrap_or_default();
        md += &format!(
            "\n**`{}` at size {}**: native library / native {}, native library without \
             auto-vectorization / native {}{v3}.\n\n",
            t.kernel,
            t.size,
            show(&t.library),
            show(&t.library_scalar)
        );
        // The native builds, the SIMD guest, then one module for every kernel and the engine.
        md += &split_table(rows::gap(t), &[5, 7]);
        md.push('\n');
    }
    md
}

/// Sentences, warm calls, phases, memory and choosing a runtime for one (kernel, size);
/// `h` is the heading level of its sections.
pub(super) fn body(run: &Run, workload: &Workload, analysis: &Analysis, h: &str) -> String {
    let s = &run.settings;
    let base = run.baseline_name();
    let mut md = String::new();
    for note in crate::format::module_notes(run) {
        md += &format!("{note}.\n\n");
    }
    for r in &run.results {
        md += &format!("- {}\n", sentence(r, base));
    }

    md += &if s.launches > 1 {
        format!(
                "\n{h} Warm calls\n\nPer call, over {}. Ratio to {base}: each launch gives the median \
                 of its per-round ratios (each runtime paired with {}); the ratio is their \
                 geometric mean, its 95% interval a t interval over launches; p-value: t-test over launches.\n\n",
                rows::launches_phrase(run),
                rows::pairing_phrase(run, base)
            )
    } else {
        format!(
            "\n{h} Warm calls\n\nPer call. Ratio to {base}: median of the per-round ratios \
                 (each runtime paired with {}), distribution-free 95% interval; \
                 p-value: sign test.\n\n",
            rows::pairing_phrase(run, base)
        )
    };
    md += &format!("Memory layout: {}.\n\n", s.heap_layout.describe());
    md += &warm_table(run);
    if s.launches > 1 {
        md += "\n\nMedian per call in each worker launch (samples in brackets); a launch is a fresh \
                   set of worker processes, so differences between columns are differences between processes.\n\n";
        md += &draw(&rows::launches(run), ASCII_MARKDOWN);
    }
    md += &format!(
            "\n\n{h} Phases\n\nMean per operation ± half-width of its 95% interval. \
             Compile starts from bytes with every cache off; cold start is bytes to first result.\n\n"
        );
    md += &draw(&rows::phases(run), ASCII_MARKDOWN);
    md += &format!(
            "\n\n{h} Memory\n\nPeak RSS of each runtime's worker process; then the resident memory that \
             each extra live instance adds (instances created and called once on a 16-value input, after a \
             discarded first round; growth divided by their number); then the size of the compiled module saved as an artifact.\n\n"
        );
    md += &draw(&rows::memory(run), ASCII_MARKDOWN);
    md.push('\n');
    if h == "##" {
        // A multi-workload report has these sections once, at the top.
        md += &sandbox_section(analysis, h);
        md += &gap_section(analysis, h);
        md += &super::interface::interface_section(analysis, h);
    }
    md += &choosing(run, workload, &analysis.steadiness.tie_phrase(), h);
    md
}

/// Each user's module: the exact file, how it was called, how it was checked, who could not host it.
pub(super) fn modules_section(run: &Run) -> String {
    let mut md = String::new();
    for m in &run.environment.modules {
        md += &format!(
            "\n## Module `{}`\n\n- File: `{}`, {} bytes, SHA-256 `{}`\n- Shape: {} (`{}`)\n- Calls: {}\n",
            m.name,
            m.path,
            m.bytes,
            m.sha256,
            m.shape.label(),
            m.shape,
            m.calls.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        );
        md += if m.verified {
            "- Outputs: every runtime's output equals the reference (the baseline's if named, else \
             the one most runtimes give), and every call's equals the first.\n"
        } else {
            "- Outputs: **not verified** (`--no-verify`): no row's output was checked.\n"
        };
        for link in &m.links {
            md += &format!(
                "- Linked (`--link {}`): `{}`, {} bytes, SHA-256 `{}`, instantiated before it in the same store\n",
                link.name, link.path, link.bytes, link.sha256
            );
        }
        for (runtime, why) in &m.not_hosted {
            md += &format!("- Not hosted by {runtime}: {why}\n");
        }
    }
    md
}

/// Every failed row and failed phase, named.
pub(super) fn errors(run: &Run) -> String {
    let multi = run.is_multi_group();
    let who = |r: &crate::Row| {
        if multi {
            format!("{}** ({} @ {})", r.runtime, r.kernel, r.size)
        } else {
            format!("{}**", r.runtime)
        }
    };
    let mut lines: Vec<String> = Vec::new();
    for r in &run.results {
        let name = who(r);
        lines.extend(r.error.iter().map(|e| format!("- **{name}: {e}")));
        lines.extend(r.phases.iter().filter_map(|(phase, p)| match p {
            PhaseResult::Error { message } => Some(format!("- **{name} {phase}: {message}")),
            _ => None,
        }));
    }
    if lines.is_empty() {
        return String::new();
    }
    format!("\n## Errors\n\n{}\n", lines.join("\n"))
}

/// The machine and the build, a line each.
pub(super) fn machine(run: &Run) -> String {
    let env = &run.environment;
    let mut md = format!("- CPU: {} ({} cores)\n", env.cpu, env.cores);
    md += &format!("- OS: {}\n", env.os);
    md += &format!("- rustc: {}\n", env.rustc);
    md += &format!("- Build profile: {}\n", env.build_profile);
    md += &format!(
        "- Timer overhead: {} per sample\n",
        duration(env.timer_overhead_ns)
    );
    md
}

/// The machine, the build, the artifacts loaded and each runtime's crate and configuration.
pub(super) fn environment(run: &Run, h: &str) -> String {
    let mut md = format!("\n{h} Environment\n\n{}", machine(run));
    for a in &run.environment.artifacts {
        md += &format!(
            "- Artifact `{}{}{}`: {} bytes, fingerprint `{}`\n",
            a.kernel,
            if a.kernel.is_empty() { "" } else { " " },
            a.format,
            a.bytes,
            a.fingerprint
        );
    }
    md += "\n";
    md += &table_with_list(rows::runtimes(run), 4, 1, "Configuration");
    md.push('\n');
    md
}

/// What was asked for and how sampling went.
pub(super) fn settings(run: &Run) -> String {
    let s = &run.settings;
    let multi = run.is_multi_group();
    let mut md = String::from("\n## Settings\n\n");
    md += &workloads_settings(run);
    md += &format!("- Runtimes: {}\n", s.runtimes.join(", "));
    md += &format!(
        "- Budget {:.0} s, target precision ±{} on every ratio, {}-{} rounds, shuffle seed {}\n",
        s.budget_s,
        percent(s.target_precision),
        s.min_rounds,
        s.max_rounds,
        s.seed
    );
    md += &if multi {
        format!(
            "- {} per kernel and size; {:.1} s in all\n",
            rows::launches_phrase(run),
            s.elapsed_s
        )
    } else {
        let g = run.group();
        format!(
            "- Ran {} rounds over {} in {:.1} s; stopped: {}{}\n",
            g.rounds,
            rows::launches_phrase(run),
            g.elapsed_s,
            g.stop_reason,
            rows::overrun_note(run, g.elapsed_s)
        )
    };
    md += &format!(
        "- Minimum sample {}, phase time limit {:.0} s\n",
        duration(s.min_sample_ns),
        s.phase_timeout_s
    );
    if !multi {
        let batches: Vec<String> = run
            .results
            .iter()
            .filter(|r| r.batch > 0)
            .map(|r| format!("{} {}", r.runtime, r.batch))
            .collect();
        md += &format!("- Calls per warm sample: {}\n", batches.join(", "));
    }
    md
}

/// The kernel, size and input of one workload, or how each of several went.
pub(super) fn workloads_settings(run: &Run) -> String {
    let s = &run.settings;
    if !run.is_multi_group() {
        let g = run.group();
        return format!(
            "- Kernel `{}`, input size {}, input seed {}\n",
            g.kernel, g.size, s.input_seed
        );
    }
    let mut md = format!(
        "- Input seed {}; each kernel at each size measured in turn, with its own workers and budget:\n",
        s.input_seed
    );
    for g in &run.groups {
        let over = rows::overrun_s(run, g.elapsed_s)
            .map_or_else(String::new, |over| format!("; {over:.1} s over"));
        md += &format!(
            "  - `{}` size {}: {} rounds in {:.1} s, stopped: {}{over}\n",
            g.kernel, g.size, g.rounds, g.elapsed_s, g.stop_reason
        );
    }
    if run
        .groups
        .iter()
        .any(|g| rows::overrun_s(run, g.elapsed_s).is_some())
    {
        md += &format!(
            "- Where a workload is marked \"over\", it ran past its {} s budget: {}\n",
            s.budget_s,
            rows::OVERRUN_WHY
        );
    }
    md
}

/// How every figure is measured, in brief (docs/method.md has it in full).
pub(super) const METHOD: &str = "\n## Method\n\n\
            Each runtime runs in its own worker process. In every round each runtime, native \
            included, takes one warm sample, in a freshly shuffled order. Within a launch the ratio to \
            native is the median of the per-round ratios, so slow drift of the machine cancels and the \
            short stalls a shared machine inflicts on a few samples cannot move it. The warm rounds are \
            split over several launches, each a fresh set of worker processes: a process's memory layout \
            can shift its speed by a few percent for its whole life, so the quoted ratio is the geometric \
            mean of the launch medians with a t interval over launches, which carries that spread; a launch \
            more than 5% from the median launch is named in the row's notes. Where the \
            first launches leave a ratio wider than the target, that runtime and the baseline get further \
            launches while the budget lasts (the others sit them out). With a single launch the interval comes from order statistics (sign test). \
            Sampling stops when every interval is within the target precision or the budget is spent. \
            Outputs are checked value for value against native outside the timed region: every output of \
            the preparation and phase calls, and the first and last of every warm batch (the others are dropped \
            as they come, as a host would; holding a batch's outputs alive put heap growth into the timing). \
            Outliers (Tukey fences) are counted, never dropped: the mean, standard deviation and p99 \
            include them. The pooled median over all rounds (order-statistic interval), the geometric-mean \
            ratio (t interval), the unpaired ratio of means and Welch's t-test are in the JSON file.\n";

/// The "Choosing a runtime" section: this run's winner per scenario, then break-even.
pub(super) fn choosing(run: &Run, workload: &Workload, tie: &str, h: &str) -> String {
    let picks = &workload.choices;
    if picks.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Choosing a runtime\n\nFrom this run's measurements (kernel `{}`, size {}); lower is better; a runtime \
         ties the best when its figure is within {tie} or their 95% intervals overlap (the run cannot \
         tell them apart); the margin is to the best runtime that does not tie. Only runtimes without errors \
         are ranked.\n\n{}",
        run.group().kernel,
        run.group().size,
        rows::choice_lines(picks)
            .iter()
            .map(|line| format!("- {line}\n"))
            .collect::<String>()
    );
    if let Some((reference, overtakes)) = &workload.break_even {
        md += &format!(
            "\nBreak-even against **{reference}**, the runtime ready soonest (compile + instantiate): \
             after how many calls on one instance each other runtime has cost less in total \
             (one-off compile + instantiate, plus warm mean per call).\n\n{}\n",
            draw(&rows::break_even(reference, overtakes), ASCII_MARKDOWN)
        );
    }
    // A view of one workload has no load measurement; the whole run's is answered once.
    let under_load = crate::load::situations(&run.load);
    if !under_load.is_empty() {
        md += &format!("\nUnder load:\n\n{}", under_load.concat());
    }
    md
}

/// The warm-call table, with each row's notes as a list under it (a notes column made the
/// table several screens wide).
fn warm_table(run: &Run) -> String {
    let grid = rows::warm(run, usize::MAX);
    let notes = grid.header.len() - 1;
    table_with_list(grid, notes, 1, "Notes")
}

/// A table with its long-text `column` moved under it as a list, each item named by the row's
/// first `key` cells (empty cells left out): one column of sentences made a table wider than
/// any screen.
fn table_with_list(mut grid: rows::Grid, column: usize, key: usize, title: &str) -> String {
    grid.header.remove(column);
    let items: Vec<String> = grid
        .rows
        .iter_mut()
        .filter_map(|row| {
            let text = row.remove(column);
            (!text.is_empty()).then(|| format!("- {}: {text}\n", row[..key].join(", ")))
        })
        .collect();
    let mut md = draw(&grid, ASCII_MARKDOWN);
    if !items.is_empty() {
        md += &format!("\n\n{title}:\n\n{}", items.concat());
    }
    md
}

/// A wide table as several, each with the first column: split before each of `at`.
fn split_table(grid: rows::Grid, at: &[usize]) -> String {
    let part = |range: std::ops::Range<usize>| rows::Grid {
        header: std::iter::once(grid.header[0].clone())
            .chain(grid.header[range.clone()].iter().cloned())
            .collect(),
        rows: grid
            .rows
            .iter()
            .map(|row| {
                std::iter::once(row[0].clone())
                    .chain(row[range.clone()].iter().cloned())
                    .collect()
            })
            .collect(),
    };
    let bounds: Vec<usize> = std::iter::once(1)
        .chain(at.iter().copied())
        .chain(std::iter::once(grid.header.len()))
        .collect();
    bounds
        .windows(2)
        .map(|w| draw(&part(w[0]..w[1]), ASCII_MARKDOWN))
        .collect::<Vec<_>>()
        .join("\n\n")
}
