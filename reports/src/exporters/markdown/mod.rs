//! The markdown report. One workload: one file. Several: a summary a reader takes in at once
//! (the answers, the charts, the settings) and a page per kernel and per topic it links to, so
//! the file a reader opens first stays small however many workloads and runtimes a run has.

mod interface;
mod pages;
mod sections;
mod summary;

use super::Exporter;
use crate::analysis::Analysis;
use crate::chart::OVERVIEW_FILE;
use crate::Run;

/// The report as one document: for a run of several workloads, the summary followed by every
/// page it links to (what `plugbench` writes is [`markdown_files`]).
pub struct Markdown;

impl Exporter for Markdown {
    fn render_with(&self, run: &Run, analysis: &Analysis) -> String {
        if run.results.is_empty() && run.instructions.is_some() {
            return counts_only(run);
        }
        if !run.is_multi_group() {
            return single_workload(run, analysis);
        }
        let pages = pages::pages(run, analysis, DOCUMENT_STEM);
        let mut md = summary::summary(run, analysis, &pages, DOCUMENT_STEM);
        for page in &pages {
            md += &format!("\n---\n\n{}", page.text);
        }
        md
    }
}

/// The stem the one-document form links its pages under (they follow in the same text).
const DOCUMENT_STEM: &str = "report";

/// A page the summary links to: `<stem>-<slug>.md` beside it.
pub(crate) struct Page {
    pub slug: String,
    pub title: String,
    /// What a reader finds there, in a few words (the summary's list of pages).
    pub about: String,
    pub text: String,
}

impl Page {
    pub fn file_name(&self, stem: &str) -> String {
        format!("{stem}-{}.md", self.slug)
    }
}

/// The files of the markdown report, the first under `name` (the path a user asked for, its
/// file name only), the pages it links to beside it.
pub fn markdown_files(run: &Run, analysis: &Analysis, name: &str) -> Vec<(String, String)> {
    if run.results.is_empty() && run.instructions.is_some() {
        return vec![(name.to_string(), counts_only(run))];
    }
    if !run.is_multi_group() {
        return vec![(name.to_string(), single_workload(run, analysis))];
    }
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let pages = pages::pages(run, analysis, stem);
    let mut files = vec![(
        name.to_string(),
        summary::summary(run, analysis, &pages, stem),
    )];
    files.extend(pages.into_iter().map(|p| (p.file_name(stem), p.text)));
    files
}

fn single_workload(run: &Run, analysis: &Analysis) -> String {
    let mut md = format!("# plugbench: {}\n", run.workload_heading());
    md += &sections::steadiness(analysis);
    md += "\n";
    md += &sections::interrupted_notice(run);
    if !analysis.headline.is_empty() {
        md += &format!(
            "![ratio to {} per runtime]({OVERVIEW_FILE})\n\n",
            run.baseline_name()
        );
    }
    if let Some(workload) = analysis.workloads.first() {
        md += &sections::body(run, workload, analysis, "##");
    }
    md += &crate::proposals::markdown(&run.environment.proposals, "##");
    md += &crate::load::section(&run.load);
    md += &crate::instructions::section_with(run, "##");
    md += &sections::errors(run);
    md += &sections::modules_section(run);
    md += &sections::environment(run, "##");
    md += &sections::settings(run);
    md += sections::METHOD;
    md
}

/// A run that counted instructions and timed nothing: the counts, the machine, the settings.
fn counts_only(run: &Run) -> String {
    let mut md = "# plugbench: instruction counts\n".to_string();
    md += &sections::interrupted_notice(run);
    md += &crate::instructions::section_with(run, "##");
    md += &format!("\n## Environment\n\n{}", sections::machine(run));
    md += &crate::instructions::crates(run);
    md
}
