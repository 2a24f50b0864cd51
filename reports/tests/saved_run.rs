//! A run saved by an earlier plugbench (schema 1, `fixtures/run-v1.json`, with the markdown
//! that version wrote from it) read by today's code: every figure comes out the same.

use std::collections::BTreeMap;
use std::path::Path;

use reports::write::read_run;
use reports::{analyze, Exporter, Markdown};
use serde_json::Value;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The figures the earlier version derived and stored beside the raw samples.
const DERIVED: [&str; 9] = [
    "warm",
    "ratio_to_native",
    "ratio_pooled",
    "ratio_geomean",
    "ratio_unpaired",
    "welch_vs_native",
    "precision_met",
    "noisy",
    "phases",
];

#[test]
fn every_derived_figure_of_a_v1_file_is_rebuilt_bit_for_bit() {
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("run-v1.json")).unwrap()).unwrap();
    let run = analyze(read_run(&fixture("run-v1.json")).unwrap());
    let rebuilt = serde_json::to_value(&run).unwrap();
    let (saved, rebuilt) = (
        saved["results"].as_array().unwrap(),
        rebuilt["results"].as_array().unwrap(),
    );
    assert_eq!(saved.len(), rebuilt.len());
    assert!(
        saved.len() > 10,
        "the fixture has groups and guard variants"
    );
    for (old, new) in saved.iter().zip(rebuilt) {
        for key in DERIVED {
            assert_eq!(old[key], new[key], "{} {key}", old["runtime"]);
        }
    }
}

/// Numbers as the report prints them (`1.234x`, `56.7 µs`, `12`), each with its count.
fn numbers(text: &str) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    let mut current = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            *found
                .entry(current.trim_end_matches('.').to_string())
                .or_insert(0) += 1;
            current.clear();
        }
    }
    found
}

#[test]
fn every_number_of_the_v1_report_is_in_the_rebuilt_one() {
    let old = std::fs::read_to_string(fixture("report-v1.md")).unwrap();
    let run = analyze(read_run(&fixture("run-v1.json")).unwrap());
    let new = Markdown.render(&run);
    let (old, new) = (numbers(&old), numbers(&new));
    let missing: Vec<String> = old
        .iter()
        .filter(|(n, count)| new.get(*n).copied().unwrap_or(0) < **count)
        .map(|(n, count)| format!("{n} (x{count}, now x{})", new.get(n).copied().unwrap_or(0)))
        .collect();
    assert!(missing.is_empty(), "figures lost: {missing:?}");
}

/// Every exporter on the same fixed run, against its reviewed snapshot (`cargo insta review`
/// after an intended change of layout).
#[test]
fn every_exporter_renders_the_fixed_run_as_reviewed() {
    let run = analyze(read_run(&fixture("run-v1.json")).unwrap());
    insta::assert_snapshot!("table", reports::Table.render(&run));
    insta::assert_snapshot!("markdown", Markdown.render(&run));
    insta::assert_snapshot!("csv", reports::Csv.render(&run));
}

#[test]
fn the_csv_has_a_column_per_phase_and_a_row_per_result() {
    let run = analyze(read_run(&fixture("run-v1.json")).unwrap());
    let csv = reports::Csv.render(&run);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for phase in plugbench_data::Phase::ALL {
        let column = format!("{}_ns", phase.as_str());
        assert!(header.contains(&column.as_str()), "no column {column}");
    }
    assert_eq!(csv.lines().count(), run.results.len() + 1);
}

/// The JSON carries what the reports derive (the answers of "Choosing a runtime", every
/// scenario's ranking, guard costs, size sweeps), the same as the report's own functions give,
/// and a file read back is the same run.
#[test]
fn the_json_carries_the_reports_answers_and_reads_back_as_the_same_run() {
    let run = analyze(read_run(&fixture("run-v1.json")).unwrap());
    let text = reports::Json.render(&run);
    let json: Value = serde_json::from_str(&text).unwrap();
    let derived = &json["derived"];

    let views = run.views();
    let answers = reports::choose::situations(&views);
    let written = derived["situations"].as_array().unwrap();
    assert!(!answers.is_empty());
    assert_eq!(written.len(), answers.len());
    for ((situation, size, choice), json) in answers.iter().zip(written) {
        assert_eq!(json["question"], situation.question);
        assert_eq!(json["size"], *size);
        assert_eq!(json["ranking"][0][0], choice.winner().0);
        assert_eq!(json["ranking"][0][1], choice.winner().1);
        assert_eq!(json["tied"].as_array().unwrap().len(), choice.tied().len());
        assert_eq!(json["margin"].as_f64(), choice.margin());
    }
    assert_eq!(derived["choices"].as_array().unwrap().len(), views.len());

    let costs = reports::sandbox::guard_costs(&run);
    let written = derived["guard_costs"].as_array().unwrap();
    assert_eq!(written.len(), costs.len());
    let measured = costs.iter().zip(written).filter(|(c, _)| c.warm.is_some());
    assert!(measured.clone().count() > 0, "the fixture measures guards");
    for (cost, json) in measured {
        assert_eq!(json["warm"]["value"], cost.warm.as_ref().unwrap().value);
    }

    let sweeps = reports::sweep::sweeps(&run);
    let written = derived["sweeps"].as_array().unwrap();
    assert!(
        !sweeps.is_empty(),
        "the fixture has kernels at several sizes"
    );
    for (sweep, json) in sweeps.iter().zip(written) {
        assert_eq!(json["kernel"], sweep.kernel.as_str());
        assert_eq!(json["lines"].as_array().unwrap().len(), sweep.lines.len());
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    std::fs::write(&path, &text).unwrap();
    let again = analyze(read_run(&path).unwrap());
    assert_eq!(reports::Json.render(&again), text);
}
