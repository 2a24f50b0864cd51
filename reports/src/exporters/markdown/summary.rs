//! The summary of a run of several workloads: what a reader needs to pick a runtime, in the
//! order they need it, with every table narrow enough for a screen; the figures behind it are
//! on the pages it links to.

use comfy_table::presets::ASCII_MARKDOWN;

use super::pages::workloads_by_kernel;
use super::sections;
use super::Page;
use crate::analysis::Analysis;
use crate::chart::{sweep_file_name, OVERVIEW_FILE};
use crate::exporters::table::draw;
use crate::first_seen;
use crate::rows;
use crate::Run;

pub(super) fn summary(run: &Run, analysis: &Analysis, pages: &[Page], stem: &str) -> String {
    let mut md = heading(run, analysis);
    md += &sections::steadiness(analysis);
    md += &sections::interrupted_notice(run);
    md += &contents(run, analysis);
    md += &answers(run, analysis);
    md += &overview(run, analysis);
    md += &scenarios(analysis, pages, stem);
    md += &scaling(analysis, pages, stem);
    md += &under_load(run, pages, stem);
    md += &page_list(pages, stem);
    md += &sections::errors(run);
    md += &sections::modules_section(run);
    md += &environment(run, pages, stem);
    md += &sections::settings(run);
    md += sections::METHOD;
    md
}

fn heading(run: &Run, analysis: &Analysis) -> String {
    let views: Vec<&Run> = analysis.workloads.iter().map(|w| &w.run).collect();
    let kernels = first_seen(views.iter().map(|v| v.group().kernel.as_str()));
    let what = if run.environment.modules.is_empty() {
        "Kernels"
    } else {
        "Modules"
    };
    format!(
        "# plugbench: {} workloads\n\n{what} {}; {} workloads, each measured on its own \
         with fresh workers. Failed rows: {}.\n",
        views.len(),
        kernels
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        views.len(),
        run.results.iter().filter(|r| !r.is_ok()).count()
    )
}

/// The summary's sections, as links (GitHub's heading anchors).
fn contents(run: &Run, analysis: &Analysis) -> String {
    let mut titles = vec!["Choosing a runtime"];
    if !analysis.headline.is_empty() {
        titles.push("Ratio to native at a glance");
    }
    titles.push("Every workload, every scenario");
    if !analysis.sweeps.is_empty() {
        titles.push("Scaling with input size");
    }
    if !run.load.is_empty() {
        titles.push("Under load");
    }
    titles.extend(["Every figure", "Environment", "Settings", "Method"]);
    let links: Vec<String> = titles
        .iter()
        .map(|title| format!("[{title}](#{})", sections::anchor(title)))
        .collect();
    format!("\n**Contents**: {}\n", links.join(" · "))
}

/// Each situation this run answers, one line each.
fn answers(run: &Run, analysis: &Analysis) -> String {
    let under_load = crate::load::situations(&run.load);
    if analysis.situations.is_empty() && under_load.is_empty() {
        return String::new();
    }
    format!(
        "\n## Choosing a runtime\n\nThe runtime that wins each plugin-host situation in this run and how \
         many times better it is than the next (a runtime ties the best when its figure is within {} \
         or their 95% intervals overlap).\n\n{}",
        analysis.steadiness.tie_phrase(),
        sections::situation_answers(&analysis.situations, &under_load)
    )
}

/// The chart a reader takes in at a glance, when the run has ratios to draw.
fn overview(run: &Run, analysis: &Analysis) -> String {
    if analysis.headline.is_empty() {
        return String::new();
    }
    let of_modules = if run.environment.modules.is_empty() {
        ""
    } else {
        " A user's module is compared with its baseline runtime instead (named in its section)."
    };
    format!(
        "\n## Ratio to native at a glance\n\nEach runtime's headline ratio to native with its 95% \
         interval, on each kernel at its largest size (1x = native; further right is slower).{of_modules}\n\n\
         ![ratio to native per runtime]({OVERVIEW_FILE})\n"
    )
}

/// Per kernel, each scenario's winner at each size.
fn scenarios(analysis: &Analysis, pages: &[Page], stem: &str) -> String {
    let all = first_seen(
        analysis
            .workloads
            .iter()
            .flat_map(|w| &w.choices)
            .map(|c| c.scenario),
    );
    if all.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n## Every workload, every scenario\n\nEach scenario's best runtime at each size; \"+N\": \
         N more runtimes tie with it (within {} or 95% intervals overlapping), named on the \
         kernel's page with the figures behind every pick; in brackets, how many times better it \
         is than the best runtime that does not tie.\n",
        analysis.steadiness.tie_phrase()
    );
    for (kernel, workloads) in workloads_by_kernel(analysis) {
        md += &format!(
            "\n**`{kernel}`** ([every figure]({}))\n\n{}\n",
            kernel_page(pages, kernel, stem),
            draw(&rows::choices_by_size(&workloads, &all), ASCII_MARKDOWN)
        );
    }
    md
}

/// The file of a kernel's page.
fn kernel_page(pages: &[Page], kernel: &str, stem: &str) -> String {
    let title = format!("`{kernel}`");
    pages
        .iter()
        .find(|p| p.title == title)
        .map(|p| p.file_name(stem))
        .unwrap_or_default()
}

/// The sweep charts; their tables are on each kernel's page.
fn scaling(analysis: &Analysis, pages: &[Page], stem: &str) -> String {
    if analysis.sweeps.is_empty() {
        return String::new();
    }
    let mut md = String::from(
        "\n## Scaling with input size\n\nMedian warm time per call against input size, per kernel \
         (log axes); the fitted scaling and the size from which the work outweighs the call's fixed \
         cost are on each kernel's page.\n",
    );
    for sweep in &analysis.sweeps {
        md += &format!(
            "\n[`{k}`]({}):\n\n![{k}: time per call against size]({})\n",
            kernel_page(pages, &sweep.kernel, stem),
            sweep_file_name(&sweep.kernel),
            k = sweep.kernel
        );
    }
    md
}

/// The load charts; their tables are on the load page.
fn under_load(run: &Run, pages: &[Page], stem: &str) -> String {
    let Some(page) = pages.iter().find(|p| p.slug == "load") else {
        return String::new();
    };
    format!(
        "\n## Under load\n\nEvents/s against threads per runtime and host model, with 95% whiskers \
         ([the tables, latency and tenants]({})).\n\n{}",
        page.file_name(stem),
        crate::load::chart_links(&run.load)
    )
}

fn page_list(pages: &[Page], stem: &str) -> String {
    let mut md = String::from("\n## Every figure\n\n");
    for page in pages {
        md += &format!(
            "- [{}]({}): {}\n",
            page.title,
            page.file_name(stem),
            page.about
        );
    }
    md
}

/// The machine in brief; the rest of the environment is on its page.
fn environment(run: &Run, pages: &[Page], stem: &str) -> String {
    let more = pages
        .iter()
        .find(|p| p.slug == "environment")
        .map(|p| {
            format!(
                "- Artifacts, and each runtime's crate and configuration: [{}]({})\n",
                p.title,
                p.file_name(stem)
            )
        })
        .unwrap_or_default();
    format!("\n## Environment\n\n{}{more}", sections::machine(run))
}
