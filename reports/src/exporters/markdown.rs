use comfy_table::presets::ASCII_MARKDOWN;

use super::table::draw;
use super::Exporter;
use crate::choose::{break_evens, choices, Unit};
use crate::format::{duration, percent, sentence};
use crate::model::{PhaseResult, RunFile};
use crate::rows;

/// The shareable report: summary, tables, environment, settings and method.
pub struct Markdown;

impl Exporter for Markdown {
    fn render(&self, run: &RunFile) -> String {
        let s = &run.settings;
        let env = &run.environment;
        let mut md = format!("# plugbench: `{}` at size {}\n\n", s.kernel, s.size);
        for r in &run.results {
            md += &format!("- {}\n", sentence(r));
        }

        md += &if s.launches > 1 {
            format!(
                "\n## Warm calls\n\nPer call. Ratio to native: each of the {} worker launches gives the median \
                 of its per-round ratios (each runtime paired with native in the same round); the ratio is their \
                 geometric mean, its 95% interval a t interval over launches; p-value: t-test over launches.\n\n",
                s.launches
            )
        } else {
            "\n## Warm calls\n\nPer call. Ratio to native: median of the per-round ratios \
             (each runtime paired with native in the same round), distribution-free 95% interval; \
             p-value: sign test.\n\n"
                .to_string()
        };
        md += &draw(&rows::warm(run, 200), ASCII_MARKDOWN);
        if s.launches > 1 {
            md += "\n\nMedian per call in each worker launch (samples in brackets); a launch is a fresh \
                   set of worker processes, so differences between columns are differences between processes.\n\n";
            md += &draw(&rows::launches(run), ASCII_MARKDOWN);
        }
        md += "\n\n## Phases\n\nMean per operation ± half-width of its 95% interval. \
               Compile starts from bytes with every cache off; cold start is bytes to first result.\n\n";
        md += &draw(&rows::phases(run), ASCII_MARKDOWN);
        md += "\n\n## Memory\n\nPeak RSS of each runtime's worker process; then the resident memory that \
               each extra live instance adds (instances created and called once on a 16-value input, after a \
               discarded first round; growth divided by their number); then the size of the compiled module saved as an artifact.\n\n";
        md += &draw(&rows::memory(run), ASCII_MARKDOWN);
        md.push('\n');
        md += &choosing(run);

        let errors: Vec<String> = run
            .results
            .iter()
            .flat_map(|r| {
                let row = r
                    .error
                    .iter()
                    .map(move |e| format!("- **{}**: {e}", r.runtime));
                let phases = r.phases.iter().filter_map(move |(name, p)| match p {
                    PhaseResult::Error { message } => {
                        Some(format!("- **{}** ({name}): {message}", r.runtime))
                    }
                    _ => None,
                });
                row.chain(phases)
            })
            .collect();
        if !errors.is_empty() {
            md += "\n## Errors\n\n";
            md += &errors.join("\n");
            md.push('\n');
        }

        md += "\n## Environment\n\n";
        md += &format!("- CPU: {} ({} cores)\n", env.cpu, env.cores);
        md += &format!("- OS: {}\n", env.os);
        md += &format!("- rustc: {}\n", env.rustc);
        md += &format!("- Build profile: {}\n", env.build_profile);
        md += &format!(
            "- Timer overhead: {} per sample\n",
            duration(env.timer_overhead_ns)
        );
        for a in &env.artifacts {
            md += &format!(
                "- Artifact `{}`: {} bytes, fingerprint `{}`\n",
                a.format, a.bytes, a.fingerprint
            );
        }
        md += "\n| Runtime | Crate | Version | Loads | Configuration |\n|---|---|---|---|---|\n";
        for r in run.results.iter().filter(|r| !r.crate_name.is_empty()) {
            md += &format!(
                "| {} | {} | {} | {} | {} |\n",
                r.runtime, r.crate_name, r.crate_version, r.guest, r.config
            );
        }

        md += "\n## Settings\n\n";
        md += &format!(
            "- Kernel `{}`, input size {}, input seed {}\n",
            s.kernel, s.size, s.input_seed
        );
        md += &format!("- Runtimes: {}\n", s.runtimes.join(", "));
        md += &format!(
            "- Budget {:.0} s, target precision ±{} on every ratio, {}-{} rounds, shuffle seed {}\n",
            s.budget_s,
            percent(s.target_precision),
            s.min_rounds,
            s.max_rounds,
            s.seed
        );
        md += &format!(
            "- Ran {} rounds over {} worker launch(es) in {:.1} s; stopped: {}\n",
            s.rounds, s.launches, s.elapsed_s, s.stop_reason
        );
        md += &format!(
            "- Minimum sample {}, phase time limit {:.0} s\n",
            duration(s.min_sample_ns),
            s.phase_timeout_s
        );
        let batches: Vec<String> = run
            .results
            .iter()
            .filter(|r| r.batch > 0)
            .map(|r| format!("{} {}", r.runtime, r.batch))
            .collect();
        md += &format!("- Calls per warm sample: {}\n", batches.join(", "));
        md += "\n## Method\n\n\
            Each runtime runs in its own worker process. In every round each runtime, native \
            included, takes one warm sample, in a freshly shuffled order. Within a launch the ratio to \
            native is the median of the per-round ratios, so slow drift of the machine cancels and the \
            short stalls a shared machine inflicts on a few samples cannot move it. The warm rounds are \
            split over several launches, each a fresh set of worker processes: a process's memory layout \
            can shift its speed by a few percent for its whole life, so the quoted ratio is the geometric \
            mean of the launch medians with a t interval over launches, which carries that spread. With a \
            single launch the interval comes from order statistics (sign test). \
            Sampling stops when every interval is within the target precision or the budget is spent. \
            Every output is checked value for value against native outside the timed region. \
            Outliers (Tukey fences) are counted, never dropped: the mean, standard deviation and p99 \
            include them. The pooled median over all rounds (order-statistic interval), the geometric-mean \
            ratio (t interval), the unpaired ratio of means and Welch's t-test are in the JSON file.\n";
        md
    }
}

/// The "Choosing a runtime" section: this run's winner per scenario, then break-even.
fn choosing(run: &RunFile) -> String {
    let picks = choices(run);
    if picks.is_empty() {
        return String::new();
    }
    let figure = |unit: Unit, x: f64| match unit {
        Unit::Nanoseconds => duration(x),
        Unit::Kibibytes if x < 1024.0 => format!("{x:.0} KiB"),
        Unit::Kibibytes => format!("{:.1} MiB", x / 1024.0),
    };
    let mut md = format!(
        "\n## Choosing a runtime\n\nFrom this run's measurements (kernel `{}`, size {}); lower is better; figures \
         within 0.5% of the best are a tie. Only runtimes without errors are ranked.\n\n\
         | Scenario | Best | Its figure | Runner-up | Runner-up's figure | Margin | Measured as |\n\
         |---|---|---|---|---|---|---|\n",
        run.settings.kernel, run.settings.size
    );
    for c in &picks {
        let (_, x) = c.winner();
        let tied = c.tied();
        let best = if tied.len() > 1 {
            format!("**{}** (tie)", tied.join("**, **"))
        } else {
            format!("**{}**", tied[0])
        };
        let (second, y) = c
            .runner_up()
            .map(|(n, y)| (n.as_str(), figure(c.unit, *y)))
            .unwrap_or(("-", "-".into()));
        let margin = c
            .margin()
            .map(|m| format!("{m:.2}x"))
            .unwrap_or_else(|| "-".into());
        md += &format!(
            "| {} | {best} | {} | {second} | {y} | {margin} | {} |\n",
            c.scenario,
            figure(c.unit, *x),
            c.measure
        );
    }
    if let Some((reference, overtakes)) = break_evens(run) {
        md += &format!(
            "\nBreak-even against **{reference}**, the runtime ready soonest (compile + instantiate): \
             after how many calls on one instance each other runtime has cost less in total \
             (one-off compile + instantiate, plus warm mean per call).\n\n\
             | Runtime | Compile + instantiate | Per call | Cheaper than {reference} from |\n|---|---|---|---|\n"
        );
        for o in overtakes {
            let when = match o.result {
                stats::BreakEven::FromStart => "the start".to_string(),
                stats::BreakEven::AfterCalls(1) => "the first call".to_string(),
                stats::BreakEven::AfterCalls(n) => format!("call {n}"),
                stats::BreakEven::Never => "never (dearer up front and per call)".to_string(),
            };
            md += &format!(
                "| {} | {} | {} | {when} |\n",
                o.runtime,
                duration(o.fixed_ns),
                duration(o.per_call_ns)
            );
        }
    }
    md
}
