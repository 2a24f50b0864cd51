//! `compare --measure instructions`: workers counted under valgrind's callgrind, end to end.
//! Nothing here asserts a speed or a count's size: only that counts exist, are verified, are
//! reported beside the time, and that a wrong output or a missing valgrind is said plainly.

mod common;

use std::path::Path;

use common::{plugbench, read_json};
use serde_json::Value;

/// The counted rows of a results file, by runtime.
fn counted<'a>(run: &'a Value, runtime: &str) -> &'a Value {
    run["instructions"]["rows"]
        .as_array()
        .expect("the run has instruction counts")
        .iter()
        .find(|r| r["runtime"] == runtime)
        .unwrap_or_else(|| panic!("no count for {runtime}"))
}

fn count_args(dir: &Path, measure: &str) -> Vec<String> {
    let path = |name: &str| dir.join(name).display().to_string();
    [
        "compare",
        "--measure",
        measure,
        "--kernel",
        "echo",
        "--size",
        "100",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--budget",
        "3",
        "--min-rounds",
        "4",
        "--warmup",
        "0.05",
        "--no-phases",
        "--json",
        &path("run.json"),
        "--markdown",
        &path("report.md"),
        "--csv",
        &path("run.csv"),
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn counts_are_verified_and_reported_beside_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = plugbench()
        .args(count_args(d, "time,instructions"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let run = read_json(&d.join("run.json"));
    assert_eq!(run["instructions"]["launches"], 2);
    for runtime in ["native", "wasmtime", "wasmi"] {
        let row = counted(&run, runtime);
        assert_eq!(row["verified"], true, "{row}");
        assert_eq!(row["native"], runtime == "native", "{row}");
        let launches = row["launches"].as_array().unwrap();
        assert_eq!(launches.len(), 2, "{row}");
        for launch in launches {
            assert!(launch["warm_per_call"].as_f64().unwrap() > 0.0, "{row}");
            for phase in ["compile", "instantiate", "first_call"] {
                assert!(launch["phases"][phase].as_u64().is_some(), "{phase}: {row}");
            }
        }
    }
    // Timed too: the report puts the counted ratio beside the timed one.
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    for text in [&stdout, &md] {
        assert!(text.contains("Instruction counts"), "{text}");
        assert!(text.contains("vs native (counted)"), "{text}");
        assert!(text.contains("vs native (timed) [95% CI]"), "{text}");
    }
    assert!(md.contains("**they are not time**"), "{md}");
    let csv = std::fs::read_to_string(d.join("run-instructions.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and three runtimes: {csv}");
    let verified = |line: &str| line.split(',').nth(4).map(String::from);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| verified(l).as_deref() == Some("true")),
        "{csv}"
    );
    // The saved file gives the same section again.
    let again = plugbench()
        .arg("report")
        .arg(d.join("run.json"))
        .assert()
        .success();
    let again = String::from_utf8_lossy(&again.get_output().stdout).to_string();
    let section = |text: &str| text[text.find("Instruction counts").unwrap()..].to_string();
    assert_eq!(section(&again), section(&stdout));
}

#[test]
fn a_wrong_output_under_valgrind_is_a_marked_row_and_counts_alone_time_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = count_args(d, "instructions");
    args.extend(
        [
            "--inject-fault",
            "wasmi=wrong-output",
            "--count-launches",
            "1",
        ]
        .map(String::from),
    );
    let out = plugbench().args(args).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("wasmi"), "{stderr}");
    let run = read_json(&d.join("run.json"));
    assert!(
        run["results"].as_array().unwrap().is_empty(),
        "nothing timed"
    );
    assert_eq!(
        run["groups"][0]["stop_reason"],
        "not timed (instructions counted only)"
    );
    let wasmi = counted(&run, "wasmi");
    assert_eq!(wasmi["verified"], false);
    assert!(wasmi["launches"].as_array().unwrap().is_empty(), "{wasmi}");
    let error = wasmi["error"].as_str().unwrap();
    assert!(error.contains("output differs from native"), "{error}");
    assert_eq!(counted(&run, "wasmtime")["verified"], true);
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    assert!(md.starts_with("# plugbench: instruction counts"), "{md}");
    assert!(md.contains("- wasmi: during prepare"), "{md}");
    assert!(
        md.contains("x (1 launch)"),
        "one launch has no spread to show: {md}"
    );
    assert!(!md.contains("vs native (timed)"), "nothing was timed: {md}");
}

#[test]
fn without_valgrind_counting_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = plugbench()
        .args(count_args(d, "instructions"))
        .env("PATH", d)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("apt-get install valgrind"), "{stderr}");
    assert!(!d.join("run.json").exists());
}
