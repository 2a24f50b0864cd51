//! The `plugbench` binary end to end, with real worker processes on a small input.
//! Nothing here asserts a speed: only that figures exist, agree and are reported.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

const ALL: [&str; 6] = [
    "native",
    "wasmtime",
    "wasmer-cranelift",
    "wasmer-singlepass",
    "wasmi",
    "extism",
];

fn plugbench() -> Command {
    Command::cargo_bin("plugbench").unwrap()
}

/// A short measurement: small input, few rounds, all the usual outputs.
fn quick_compare(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = plugbench();
    cmd.args([
        "compare",
        "--size",
        "300",
        "--budget",
        "8",
        "--min-rounds",
        "6",
        "--warmup",
        "0.05",
        "--seed",
        "17",
    ])
    .arg("--json")
    .arg(dir.join("run.json"))
    .arg("--markdown")
    .arg(dir.join("report.md"))
    .arg("--csv")
    .arg(dir.join("run.csv"))
    .args(extra);
    cmd.assert()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn result<'a>(run: &'a Value, runtime: &str) -> &'a Value {
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["runtime"] == runtime)
        .unwrap_or_else(|| panic!("no result for {runtime}"))
}

#[test]
fn compare_writes_every_report_with_all_six_runtimes_verified() {
    let dir = tempfile::tempdir().unwrap();
    let out = quick_compare(dir.path(), &[]).success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();

    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["settings"]["seed"], 17);
    assert_eq!(run["settings"]["launches"], 4);
    assert_eq!(run["settings"]["size"], 300);
    assert!(run["environment"]["rustc"]
        .as_str()
        .unwrap()
        .starts_with("rustc "));
    assert!(run["environment"]["build_profile"]
        .as_str()
        .unwrap()
        .contains("release"));
    assert_eq!(run["results"].as_array().unwrap().len(), 6);
    for name in ALL {
        let r = result(&run, name);
        assert_eq!(r["status"], "ok", "{name}: {}", r["error"]);
        assert!(r["error"].is_null());
        assert_eq!(r["verified"], true, "{name}");
        assert_eq!(r["kernel"], "pairwise-json");
        assert_eq!(r["size"], 300);
        let warm = &r["warm"];
        for key in [
            "mean_ns",
            "median_ns",
            "p90_ns",
            "p99_ns",
            "stddev_ns",
            "throughput_per_s",
        ] {
            assert!(warm[key].as_f64().unwrap() > 0.0, "{name} warm.{key}");
        }
        let ci = warm["ci95_ns"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= warm["mean_ns"].as_f64().unwrap());
        assert!(warm["samples"].as_u64().unwrap() >= 6);
        assert_eq!(
            warm["samples"].as_u64().unwrap() as usize,
            r["raw"]["warm_ns"].as_array().unwrap().len()
        );
        assert!(!r["crate_version"].as_str().unwrap().is_empty(), "{name}");
        assert!(r["memory"]["peak_rss_kib"].as_u64().unwrap() > 0, "{name}");
        if name != "native" {
            let per_instance = r["memory"]["per_instance_kib"].as_f64().unwrap();
            assert!(per_instance > 0.0, "{name}: {per_instance}");
        }
        // The default run relaunches every worker: four processes, each contributing rounds.
        let pids: Vec<u64> = r["raw"]["worker_pids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_u64().unwrap())
            .collect();
        let distinct: std::collections::BTreeSet<_> = pids.iter().collect();
        assert_eq!((pids.len(), distinct.len()), (4, 4), "{name}: {pids:?}");
        let launches: std::collections::BTreeSet<u64> = r["raw"]["warm_launches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_u64().unwrap())
            .collect();
        assert_eq!(launches, (0..4).collect(), "{name}");
        assert!(
            matches!(r["phases"]["compile"]["status"].as_str(), Some("measured")),
            "{name}"
        );
        assert!(
            stdout.contains(&format!("{name}: ")),
            "{name} has no summary sentence"
        );
        if name == "native" {
            assert!(r["ratio_to_native"].is_null());
            continue;
        }
        let ratio = &r["ratio_to_native"];
        let (value, lo, hi) = (
            ratio["value"].as_f64().unwrap(),
            ratio["ci95"][0].as_f64().unwrap(),
            ratio["ci95"][1].as_f64().unwrap(),
        );
        assert!(lo <= value && value <= hi && lo > 0.0, "{name}: {ratio}");
        let p = ratio["p_value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    // Runtimes with compiled artifacts measure serialize/load; the rest say "not supported".
    assert_eq!(
        result(&run, "wasmtime")["phases"]["serialize"]["status"],
        "measured"
    );
    assert_eq!(
        result(&run, "wasmi")["phases"]["serialize"]["status"],
        "not_supported"
    );
    assert!(
        result(&run, "wasmtime")["memory"]["artifact_bytes"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(result(&run, "wasmi")["memory"]["artifact_bytes"].is_null());

    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for section in [
        "## Warm calls",
        "## Phases",
        "## Choosing a runtime",
        "## Environment",
        "## Settings",
        "## Method",
    ] {
        assert!(md.contains(section), "markdown lacks {section}");
    }
    for name in ALL {
        assert!(
            md.contains(&format!("| {name} ")),
            "markdown lacks a row for {name}"
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("run.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7, "header and six rows:\n{csv}");
}

#[test]
fn report_and_diff_rebuild_from_the_saved_json() {
    let dir = tempfile::tempdir().unwrap();
    quick_compare(
        dir.path(),
        &[
            "--runtime",
            "wasmi",
            "--runtime",
            "wasmer-singlepass",
            "--no-phases",
        ],
    )
    .success();
    let saved = dir.path().join("run.json");

    let again = dir.path().join("again.json");
    let md = dir.path().join("again.md");
    plugbench()
        .arg("report")
        .arg(&saved)
        .arg("--json")
        .arg(&again)
        .arg("--markdown")
        .arg(&md)
        .assert()
        .success()
        .stdout(contains("wasmi: "));
    let (a, b) = (read_json(&saved), read_json(&again));
    assert_eq!(
        a["results"], b["results"],
        "report must rebuild identical figures"
    );
    assert_eq!(
        std::fs::read_to_string(&md).unwrap(),
        std::fs::read_to_string(dir.path().join("report.md")).unwrap()
    );

    let out = plugbench()
        .arg("diff")
        .arg(&saved)
        .arg(&saved)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("no significant change"), "{stdout}");
    assert!(
        !stdout.contains("slower") && !stdout.contains("faster"),
        "a run differs from itself:\n{stdout}"
    );
    for name in ["native", "wasmi", "wasmer-singlepass"] {
        assert!(stdout.contains(name), "{stdout}");
    }
}

#[test]
fn broken_crashing_hanging_and_lying_runtimes_are_error_rows_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let assert = quick_compare(
        dir.path(),
        &[
            "--phase-timeout",
            "3",
            "--no-phases",
            "--inject-fault",
            "wasmtime=bad-module",
            "--inject-fault",
            "wasmer-cranelift=abort@warm",
            "--inject-fault",
            "wasmer-singlepass=hang@warm",
            "--inject-fault",
            "extism=wrong-output",
        ],
    )
    .code(3)
    .stderr(contains("4 runtime(s) failed"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();

    let run = read_json(&dir.path().join("run.json"));
    let expect_error = |name: &str, needle: &str| {
        let r = result(&run, name);
        assert_eq!(r["status"], "error", "{name}");
        assert!(
            r["warm"].is_null() && r["ratio_to_native"].is_null(),
            "{name} reports a timing"
        );
        let error = r["error"].as_str().unwrap();
        assert!(error.contains(needle), "{name}: {error}");
        assert!(stdout.contains(&format!("{name}: ERROR")), "{stdout}");
    };
    expect_error("wasmtime", "compile");
    expect_error("wasmer-cranelift", "SIGABRT");
    expect_error("wasmer-singlepass", "no answer within 3 s");
    expect_error("extism", "differs from native");
    assert_eq!(result(&run, "extism")["verified"], false);

    for name in ["native", "wasmi"] {
        let r = result(&run, name);
        assert_eq!(r["status"], "ok", "{name}: {}", r["error"]);
        assert_eq!(r["verified"], true);
    }
    assert!(
        result(&run, "wasmi")["ratio_to_native"]["value"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("## Errors"));
    assert!(
        md.contains("**wasmer-cranelift**: worker was killed by signal 6 (SIGABRT)"),
        "{md}"
    );
}

#[test]
fn list_shows_every_runtime_with_its_crate_version() {
    let out = plugbench().arg("list").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for name in ALL {
        assert!(stdout.contains(name), "{name} missing from:\n{stdout}");
    }
    for krate in ["wasmtime", "wasmer", "wasmi", "extism"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(krate) && l.chars().any(|c| c.is_ascii_digit())),
            "{krate}"
        );
    }
    for kernel in ["pairwise-json", "pairwise-raw", "echo"] {
        assert!(
            stdout.contains(kernel),
            "kernel {kernel} missing from:\n{stdout}"
        );
    }
}

#[test]
fn the_other_kernels_run_and_verify_on_every_runtime() {
    for kernel in ["pairwise-raw", "echo"] {
        let dir = tempfile::tempdir().unwrap();
        quick_compare(
            dir.path(),
            &["--kernel", kernel, "--no-phases", "--launches", "2"],
        )
        .success();
        let run = read_json(&dir.path().join("run.json"));
        assert_eq!(run["settings"]["kernel"], kernel);
        for name in ALL {
            let r = result(&run, name);
            assert_eq!(r["status"], "ok", "{kernel} on {name}: {}", r["error"]);
            assert_eq!(r["verified"], true, "{kernel} on {name}");
            assert_eq!(r["kernel"], kernel);
        }
    }
}

#[test]
fn help_has_examples_and_bad_input_gets_a_clear_error() {
    plugbench()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Examples:"))
        .stdout(contains("plugbench compare"));
    plugbench()
        .args(["compare", "--help"])
        .assert()
        .success()
        .stdout(contains("--runtime"))
        .stdout(contains("--budget"))
        .stdout(contains("--precision"));
    plugbench()
        .args(["compare", "--runtime", "v8"])
        .assert()
        .code(1)
        .stderr(contains("unknown runtime `v8`"))
        .stderr(contains("wasmtime"));
    plugbench()
        .args(["compare", "--kernel", "nope"])
        .assert()
        .code(1)
        .stderr(contains("unknown kernel `nope`"));
    plugbench()
        .args(["report", "/nonexistent/run.json"])
        .assert()
        .code(1)
        .stderr(contains("/nonexistent/run.json"));
}
