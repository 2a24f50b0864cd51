//! The pages a multi-workload summary links to: one per kernel (or user's module) with every
//! size in full, and one per topic whose tables are too long for the summary.

use comfy_table::presets::ASCII_MARKDOWN;

use super::sections;
use super::Page;
use crate::analysis::{Analysis, Workload};
use crate::chart::sweep_file_name;
use crate::choose::Overtake;
use crate::exporters::table::draw;
use crate::first_seen;
use crate::rows;
use crate::sweep::Sweep;
use crate::Run;

/// Every page of the report, in the order the summary lists them; slugs are unique; each
/// begins with a link back to the summary (`<stem>.md`).
pub(super) fn pages(run: &Run, analysis: &Analysis, stem: &str) -> Vec<Page> {
    let mut pages: Vec<Page> = workloads_by_kernel(analysis)
        .into_iter()
        .map(|(kernel, workloads)| kernel_page(kernel, &workloads, analysis))
        .collect();
    let topics = [
        topic(
            "sandbox",
            "Sandbox features and their cost",
            "each guard's cost per runtime",
            sections::sandbox_section(analysis, "#"),
        ),
        topic(
            "gap",
            "Where the gap to native comes from",
            "the same kernel in five builds",
            sections::gap_section(analysis, "#"),
        ),
        topic(
            "interface",
            "Plugin interface",
            "byte ABI core module, component and extism plugin, per call, per byte, compile and instantiate",
            super::interface::interface_section(analysis, "#"),
        ),
        topic(
            "proposals",
            "Which proposals each runtime runs",
            "each WebAssembly proposal per runtime",
            crate::proposals::markdown(&run.environment.proposals, "#"),
        ),
        topic(
            "load",
            "Under load",
            "events/s, latency and tenants per host model and threads",
            crate::load::section_with(&run.load, "#"),
        ),
        topic(
            "instructions",
            "Instruction counts",
            "instructions per warm call and phase, beside the time",
            crate::instructions::section_with(run, "#"),
        ),
        topic(
            "environment",
            "Environment",
            "the machine, the build, every runtime's crate and configuration",
            sections::environment(run, "#"),
        ),
    ];
    pages.extend(topics.into_iter().flatten());
    unique_slugs(&mut pages);
    for page in &mut pages {
        page.text = format!("[Back to the summary]({stem}.md)\n\n{}", page.text);
    }
    pages
}

/// A topic's page, if the run has that topic.
fn topic(slug: &str, title: &str, about: &str, text: String) -> Option<Page> {
    (!text.is_empty()).then(|| Page {
        slug: slug.into(),
        title: title.into(),
        about: about.into(),
        text: text.trim_start().to_string(),
    })
}

/// Each kernel (or module) with its workloads, in the order they were measured.
pub(super) fn workloads_by_kernel(analysis: &Analysis) -> Vec<(&str, Vec<&Workload>)> {
    fn kernel(w: &Workload) -> &str {
        w.run.group().kernel.as_str()
    }
    first_seen(analysis.workloads.iter().map(kernel))
        .into_iter()
        .map(|k| {
            let of_kernel = analysis.workloads.iter().filter(|w| kernel(w) == k);
            (k, of_kernel.collect())
        })
        .collect()
}

fn kernel_page(kernel: &str, workloads: &[&Workload], analysis: &Analysis) -> Page {
    let run = &workloads[0].run;
    let what = if run.module(kernel).is_some() {
        "module"
    } else {
        "kernel"
    };
    let sizes: Vec<String> = workloads
        .iter()
        .map(|w| w.run.group().size.to_string())
        .collect();
    let mut md = format!(
        "# `{kernel}`: every size\n\nThe {what} `{kernel}` at size {}: how time grows with size, \
         when each runtime pays off, and each size's figures in full.\n",
        sizes.join(", ")
    );
    if let Some(sweep) = analysis.sweeps.iter().find(|s| s.kernel == kernel) {
        md += &sweep_tables(sweep);
    }
    md += &break_evens(workloads);
    for w in workloads {
        md += &format!("\n## {}\n\n", w.run.workload_heading());
        md += &sections::body(&w.run, w, analysis, "###");
    }
    Page {
        slug: slug(kernel),
        title: format!("`{kernel}`"),
        about: format!("every figure at size {}", sizes.join(", ")),
        text: md,
    }
}

/// Time per call against size, the fit and the chart, for one kernel.
fn sweep_tables(sweep: &Sweep) -> String {
    format!(
        "\n## Scaling with input size\n\nMedian warm time per call at each size. Scaling: slope of a \
         least-squares line through log(time) against log(size), so n^1 is linear and n^2 quadratic, \
         with its R². Work > overhead from size: the size at which a call costs twice what it costs at \
         the smallest size (interpolated on log axes); the smallest size's time bounds the fixed cost \
         of a call from above, so from there on the size-dependent work is most of each call.\n\n{}\n\n\
         Ratio to {} at each size (the headline ratio of each size's own run):\n\n{}\n\n\
         ![{}: time per call against size]({})\n",
        draw(&rows::sweep(sweep), ASCII_MARKDOWN),
        sweep.baseline_name,
        draw(&rows::sweep_ratios(sweep), ASCII_MARKDOWN),
        sweep.kernel,
        sweep_file_name(&sweep.kernel)
    )
}

/// At each size, the call from which each runtime has cost less in total than the one ready
/// soonest: a row per runtime, a column per size.
fn break_evens(workloads: &[&Workload]) -> String {
    let evens: Vec<(&Run, &str, &[Overtake])> = workloads
        .iter()
        .filter_map(|w| {
            let (reference, overtakes) = w.break_even.as_ref()?;
            Some((&w.run, reference.as_str(), overtakes.as_slice()))
        })
        .collect();
    if evens.is_empty() {
        return String::new();
    }
    format!(
        "\n## Break-even\n\nAt each size, against the runtime ready soonest (smallest compile + \
         instantiate, typically the interpreter), the call from which each other runtime has cost \
         less in total (compile + instantiate + warm mean per call); \"never\": dearer both up \
         front and per call.\n\n{}\n",
        draw(&rows::break_evens_by_size(&evens), ASCII_MARKDOWN)
    )
}

/// A file-name-safe slug of a kernel's or module's name.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A page whose slug an earlier page took (a module named like a topic) gets a number.
fn unique_slugs(pages: &mut [Page]) {
    for i in 1..pages.len() {
        let (before, rest) = pages.split_at_mut(i);
        let taken = |s: &str| before.iter().any(|p| p.slug == s);
        if taken(&rest[0].slug) {
            let base = rest[0].slug.clone();
            let n = (2..).find(|n| !taken(&format!("{base}-{n}"))).unwrap_or(2);
            rest[0].slug = format!("{base}-{n}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(slug: &str) -> Page {
        Page {
            slug: slug.into(),
            title: String::new(),
            about: String::new(),
            text: String::new(),
        }
    }

    #[test]
    fn a_module_named_like_a_topic_gets_its_own_file() {
        let mut pages = vec![page("load"), page("load"), page("load-2"), page("gap")];
        unique_slugs(&mut pages);
        let slugs: Vec<&str> = pages.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["load", "load-2", "load-2-2", "gap"]);
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("pairwise-json"), "pairwise-json");
        assert_eq!(slug("My Plugin.v2/x"), "my-plugin-v2-x");
    }
}
