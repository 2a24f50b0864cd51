//! The markdown summary of a run the size of `just compare-all` (five kernels at four sizes,
//! fifteen runtimes) stays small enough to read and narrow enough for a screen; everything
//! else is on the pages it links to.

use std::path::Path;

use reports::model::Group;
use reports::write::read_run;
use reports::{analyze, markdown_files, Analysis, Exporter, Markdown};

/// What a reader opens first: at most this many bytes.
const SUMMARY_BYTES: usize = 60 * 1024;
/// A table row in the summary: at most this many characters of markdown (its padding
/// included; rendered, such a table fits GitHub's 1012-pixel column).
const SCREEN_COLUMNS: usize = 180;
/// A table row on any page.
const PAGE_COLUMNS: usize = 200;

const KERNELS: [&str; 5] = [
    "pairwise-json",
    "pairwise-raw",
    "echo",
    "host-calls",
    "webhook",
];
const SIZES: [usize; 4] = [10, 100, 1000, 7000];
/// Runtimes beside native: the saved run's two, each copied under further names.
const COPIES: usize = 7;

/// The saved run (two kernels at two sizes, three runtimes and guards) grown to compare-all's
/// shape: each (kernel, size) takes the rows of one saved group, each runtime row copied.
fn compare_all_shaped() -> reports::Run {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-v1.json");
    let mut file = read_run(&path).unwrap();
    let saved = std::mem::take(&mut file.results);
    let templates = std::mem::take(&mut file.groups);
    for (n, (kernel, size)) in KERNELS
        .iter()
        .flat_map(|k| SIZES.iter().map(move |s| (*k, *s)))
        .enumerate()
    {
        let template = &templates[n % templates.len()];
        let rows = saved
            .iter()
            .filter(|r| r.kernel == template.kernel && r.size == template.size);
        for row in rows {
            let copies = if row.baseline || row.guard.is_some() {
                1
            } else {
                COPIES
            };
            for copy in 0..copies {
                let mut row = row.clone();
                if copy > 0 {
                    // As long as the longest configuration names (`wasmtime-no-signals`).
                    row.runtime = format!("{}-variant-{copy:02}", row.runtime);
                }
                row.kernel = kernel.to_string();
                row.size = size;
                file.results.push(row);
            }
        }
        file.groups.push(Group {
            kernel: kernel.to_string(),
            size,
            ..template.clone()
        });
    }
    analyze(file)
}

fn widest_table_row(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn the_summary_of_a_compare_all_sized_run_fits_its_size_and_a_screen() {
    let run = compare_all_shaped();
    assert_eq!(run.groups.len(), 20);
    let analysis = Analysis::of(&run);
    let files = markdown_files(&run, &analysis, "report.md");
    let (name, summary) = &files[0];
    assert_eq!(name, "report.md");
    let whole = Markdown.render_with(&run, &analysis);
    // Without the pages, the report would not fit: the split is what keeps the summary small.
    assert!(whole.len() > 2 * SUMMARY_BYTES, "{} bytes", whole.len());
    assert!(
        summary.len() <= SUMMARY_BYTES,
        "the summary is {} bytes, more than {SUMMARY_BYTES}",
        summary.len()
    );
    assert!(
        widest_table_row(summary) <= SCREEN_COLUMNS,
        "a summary table is {} characters wide",
        widest_table_row(summary)
    );
    for kernel in KERNELS {
        let page = format!("report-{kernel}.md");
        assert!(
            summary.contains(&format!("]({page})")),
            "the summary links {page}"
        );
        let (_, text) = files.iter().find(|(n, _)| *n == page).unwrap();
        for size in SIZES {
            assert!(text.contains(&format!("## `{kernel}` at size {size}")));
        }
    }
}

#[test]
fn every_page_the_summary_links_is_written_and_fits_a_screen() {
    let run = compare_all_shaped();
    let analysis = Analysis::of(&run);
    let files = markdown_files(&run, &analysis, "out.md");
    let summary = &files[0].1;
    for (name, text) in &files[1..] {
        assert!(name.starts_with("out-") && name.ends_with(".md"), "{name}");
        assert!(summary.contains(&format!("]({name})")), "{name} is linked");
        assert!(
            widest_table_row(text) <= PAGE_COLUMNS,
            "{name}: a table is {} characters wide",
            widest_table_row(text)
        );
    }
}

#[test]
fn a_single_workload_is_one_file() {
    let mut run = compare_all_shaped();
    let first = run.groups[0].clone();
    run = run.view(&first);
    let analysis = Analysis::of(&run);
    let files = markdown_files(&run, &analysis, "one.md");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1, Markdown.render_with(&run, &analysis));
}
