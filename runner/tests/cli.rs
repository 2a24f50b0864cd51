//! The `plugbench` binary end to end, with real worker processes on a small input.
//! Nothing here asserts a speed: only that figures exist, agree and are reported.

mod common;

use common::registry;

use std::path::Path;

use common::{plugbench, read_json, read_report, result, results};
use predicates::str::contains;

/// A JSON array of integers (pids, offsets, launch numbers).
fn integers(array: &serde_json::Value) -> Vec<u64> {
    let items = array.as_array().expect("an array");
    items
        .iter()
        .map(|v| v.as_u64().expect("an integer"))
        .collect()
}

/// What `compare` runs by default: every configuration in the registry, without guards.
fn all() -> Vec<String> {
    registry::default_names()
}

/// A short measurement: small input, few rounds, all the usual outputs.
fn quick_compare(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = plugbench();
    cmd.args([
        "compare",
        "--size",
        "300",
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
    if !extra.contains(&"--budget") {
        cmd.args(["--budget", "8"]);
    }
    cmd.assert()
}

#[test]
fn compare_writes_every_report_with_every_runtime_verified() {
    let dir = tempfile::tempdir().unwrap();
    let out = quick_compare(dir.path(), &[]).success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();

    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["settings"]["seed"], 17);
    assert_eq!(run["settings"]["launches"], 4);
    assert_eq!(run["groups"][0]["size"], 300);
    assert!(run["environment"]["rustc"]
        .as_str()
        .unwrap()
        .starts_with("rustc "));
    assert!(run["environment"]["build_profile"]
        .as_str()
        .unwrap()
        .contains("release"));
    assert_eq!(run["results"].as_array().unwrap().len(), all().len());
    for name in all().iter().map(String::as_str) {
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
        // The default run relaunches every worker: four processes (native three in each
        // launch), each contributing rounds.
        let pids = integers(&r["raw"]["worker_pids"]);
        let distinct: std::collections::BTreeSet<_> = pids.iter().collect();
        let processes = if name == "native" { 12 } else { 4 };
        assert_eq!(
            (pids.len(), distinct.len()),
            (processes, processes),
            "{name}: {pids:?}"
        );
        // Each of those workers drew its own heap offset: steps of 16 below a page.
        let offsets = integers(&r["raw"]["heap_offsets"]);
        assert_eq!(offsets.len(), processes, "{name}: {offsets:?}");
        assert!(
            offsets.iter().all(|o| o % 16 == 0 && *o < 4096),
            "{offsets:?}"
        );
        let launches: std::collections::BTreeSet<u64> =
            integers(&r["raw"]["warm_launches"]).into_iter().collect();
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

    // What the machine was doing around the measurement, and the verdict first in the report.
    let activity = &run["environment"]["activity"];
    for share in ["busy_before", "others_during", "steal_during"] {
        let x = activity[share]
            .as_f64()
            .unwrap_or_else(|| panic!("{share}: {activity}"));
        assert!((0.0..=1.0).contains(&x), "{share} {x}");
    }
    assert!(run["derived"]["steadiness"]["verdict"].is_string());
    let md = read_report(&dir.path().join("report.md"));
    let verdict = md.find("**Machine: ").expect("a steadiness verdict");
    assert!(verdict < md.find("## Warm calls").unwrap());
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
    for name in all().iter().map(String::as_str) {
        assert!(
            md.contains(&format!("| {name} ")),
            "markdown lacks a row for {name}"
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("run.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        all().len() + 1,
        "header and a row each:\n{csv}"
    );
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
            "--heap-offset",
            "112",
        ],
    )
    .success();
    let saved = dir.path().join("run.json");
    // One layout, reproduced in every worker, and said so.
    let run = read_json(&saved);
    assert_eq!(
        run["settings"]["heap_layout"],
        serde_json::json!({"fixed": 112})
    );
    for r in run["results"].as_array().unwrap() {
        let offsets = r["raw"]["heap_offsets"].as_array().unwrap();
        assert!(
            !offsets.is_empty() && offsets.iter().all(|o| o == 112),
            "{offsets:?}"
        );
    }
    let report = read_report(&dir.path().join("report.md"));
    assert!(
        report.contains("every worker's heap shifted by 112 bytes"),
        "{report}"
    );

    let again = dir.path().join("again.json");
    // In a folder of its own, so that the pages it links have the same names.
    let md = dir.path().join("again").join("report.md");
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
    assert_eq!(read_report(&md), read_report(&dir.path().join("report.md")));

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
            // Long enough for wasmer-llvm to compile on a loaded machine (a CI run beside two
            // other builds took more than 3 s), short enough for the hang to cost little.
            "--phase-timeout",
            "10",
            "--no-phases",
            "--inject-fault",
            "wasmtime=bad-module",
            "--inject-fault",
            "wasmer-cranelift=abort@warm",
            "--inject-fault",
            "wasmer-singlepass=hang@warm",
            "--inject-fault",
            "extism=wrong-output",
            "--inject-fault",
            "wasmtime-winch=foreign-build",
        ],
    )
    .code(3)
    .stderr(contains("5 runtime(s) failed"));
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
    expect_error("wasmer-singlepass", "timed out after 10 s");
    expect_error("extism", "differs from native");
    expect_error("wasmtime-winch", "not this plugbench's");
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
    let md = read_report(&dir.path().join("report.md"));
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
    for name in all().iter().map(String::as_str) {
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
    let kernels = ["pairwise-raw", "echo", "host-calls", "webhook"];
    let dir = tempfile::tempdir().unwrap();
    quick_compare(
        dir.path(),
        &[
            "--kernel",
            &kernels.join(","),
            "--no-phases",
            "--launches",
            "2",
            "--budget",
            "2",
        ],
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    let groups = run["groups"].as_array().unwrap();
    assert_eq!(groups.len(), kernels.len());
    for (group, kernel) in groups.iter().zip(kernels) {
        assert_eq!(group["kernel"], kernel);
        assert_eq!(group["size"], 300);
        for name in all().iter().map(String::as_str) {
            let r = run["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["runtime"] == name && r["kernel"] == kernel)
                .unwrap_or_else(|| panic!("no {name} row for {kernel}"));
            assert_eq!(r["status"], "ok", "{kernel} on {name}: {}", r["error"]);
            assert_eq!(r["verified"], true, "{kernel} on {name}");
            if name != "native" {
                assert!(r["ratio_to_native"]["value"].as_f64().unwrap() > 0.0);
            }
        }
    }
}

/// Two kernels at two sizes with sandbox guards: every group, the sweep, the charts and the
/// guard costs are in the reports, and `report` rebuilds the same markdown from the JSON.
#[test]
fn a_size_sweep_with_sandbox_guards_reports_scaling_charts_and_guard_costs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cmd = plugbench();
    cmd.args([
        "compare",
        "--kernel",
        "host-calls",
        "--kernel",
        "echo",
        "--sizes",
        "64,8",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--sandbox",
        "--budget",
        "1.5",
        "--launches",
        "2",
        "--min-rounds",
        "4",
        "--warmup",
        "0.02",
        "--seed",
        "5",
    ])
    .arg("--json")
    .arg(d.join("run.json"))
    .arg("--markdown")
    .arg(d.join("report.md"));
    cmd.assert().success();

    let run = read_json(&d.join("run.json"));
    let groups: Vec<(String, u64)> = run["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["kernel"].as_str().unwrap().to_string(),
                g["size"].as_u64().unwrap(),
            )
        })
        .collect();
    // Catalog order of kernels, ascending sizes.
    let expected: Vec<(String, u64)> = [
        ("echo", 8),
        ("echo", 64),
        ("host-calls", 8),
        ("host-calls", 64),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), *n))
    .collect();
    assert_eq!(groups, expected);
    let results = run["results"].as_array().unwrap();
    let variants = [
        "wasmtime+fuel",
        "wasmtime+deadline",
        "wasmtime+memory-limit",
        "wasmi+fuel",
        "wasmi+memory-limit",
    ];
    for r in results {
        assert_eq!(
            r["status"], "ok",
            "{} {}: {}",
            r["runtime"], r["kernel"], r["error"]
        );
        assert_eq!(r["verified"], true);
        let name = r["runtime"].as_str().unwrap();
        if variants.contains(&name) {
            // Guards run on the first kernel at its largest size up to 1000 only.
            assert_eq!(
                (r["kernel"].as_str().unwrap(), r["size"].as_u64().unwrap()),
                ("echo", 64)
            );
        }
    }
    assert_eq!(results.len(), 4 * 3 + variants.len());
    let listed: Vec<&str> = run["settings"]["runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3 + variants.len(), "{listed:?}");
    assert_eq!(
        run["environment"]["sandbox"].as_array().unwrap().len(),
        6,
        "3 guards x 2 runtimes"
    );

    let md = read_report(&d.join("report.md"));
    for needle in [
        "# plugbench: 4 workloads",
        "## Scaling with input size",
        "# `echo`: every size",
        "# `host-calls`: every size",
        "](plugbench-sweep-echo.svg)",
        "## Choosing a runtime",
        "# Sandbox features and their cost",
        "## `host-calls` at size 64",
    ] {
        assert!(md.contains(needle), "report lacks {needle:?}");
    }
    assert_eq!(md.matches("# Sandbox features and their cost").count(), 1);
    let guard_row = |runtime: &str, guard: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {runtime} ")) && l.contains(guard))
            .unwrap_or_else(|| panic!("no {runtime} {guard} row"))
            .to_string()
    };
    // A measured guard has a ratio; a guard the runtime lacks says so.
    assert!(guard_row("wasmtime", "fuel / instruction metering").contains("x ["));
    assert!(guard_row("wasmi", "deadline / epoch interruption").contains("not offered"));
    for kernel in ["echo", "host-calls"] {
        let svg = std::fs::read_to_string(d.join(format!("plugbench-sweep-{kernel}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("wasmi"),
            "{kernel} chart"
        );
    }

    plugbench()
        .arg("report")
        .arg(d.join("run.json"))
        .arg("--markdown")
        .arg(d.join("again").join("report.md"))
        .assert()
        .success();
    assert_eq!(read_report(&d.join("again").join("report.md")), md);

    // A multi-workload diff names the workload of every row; a file against itself never changes.
    let out = plugbench()
        .arg("diff")
        .arg(d.join("run.json"))
        .arg(d.join("run.json"))
        .assert()
        .success();
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(table.contains("wasmtime (host-calls @ 64)"), "{table}");
    assert!(table.contains("wasmtime+fuel (echo @ 64)"), "{table}");
    assert!(
        !table.contains("faster") && !table.contains("slower"),
        "{table}"
    );
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
        .stderr(contains("unknown kernel `nope`"))
        .stderr(contains("webhook, all"));
    plugbench()
        .args(["report", "/nonexistent/run.json"])
        .assert()
        .code(1)
        .stderr(contains("/nonexistent/run.json"));
}

/// Every value a user types is checked before anything runs: a clear message naming what is
/// wrong, exit 2 for a value clap refuses, 1 for one that only plugbench can judge; never a
/// panic, and nothing is measured first.
#[test]
fn bad_values_are_refused_up_front_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let under_file = file.join("run.json");
    let under_file = under_file.to_str().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--launches", "0"], 2, "--launches"),
        (&["--heap-offset", "70000"], 2, "--heap-offset"),
        (&["--phase-timeout", "0"], 2, "more than 0 seconds"),
        (&["--budget=-1"], 2, "more than 0 seconds"),
        (&["--budget", "soon"], 2, "not a number of seconds"),
        (&["--warmup=-0.5"], 2, "0 seconds or more"),
        (&["--precision", "0"], 2, "above 0 and below 100"),
        (&["--size", "0"], 2, "--size"),
        (&["--size", "ten"], 2, "--size"),
        (&["--sizes", "10,-5"], 2, "--size"),
        (&["--min-rounds", "1"], 2, "--min-rounds"),
        (
            &["--min-rounds", "50", "--max-rounds", "10"],
            1,
            "more than --max-rounds",
        ),
        (
            &["--size", "99999999999"],
            1,
            "too large for kernel `pairwise-json`",
        ),
        (
            &["--kernel", "echo", "--size", "99999999999"],
            1,
            "the largest size for this kernel is about",
        ),
        (&["--json", under_file], 1, "cannot create the folder"),
        (
            &["--markdown", dir.path().to_str().unwrap()],
            1,
            "is a folder",
        ),
        (&["--runtime", "v8"], 1, "unknown runtime `v8`"),
        (&["--kernel", "nope"], 1, "unknown kernel `nope`"),
    ];
    for (args, code, message) in cases {
        let out = plugbench()
            .arg("compare")
            .args(*args)
            .assert()
            .code(*code)
            .stderr(contains(*message));
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        // Refused before measuring: a measurement prints its table on stdout.
        assert!(
            out.get_output().stdout.is_empty(),
            "{args:?} measured first"
        );
    }
    assert!(!dir.path().join("run.json").exists());
}

/// `report` and `diff` on files that are not whole plugbench results say what is wrong.
#[test]
fn report_and_diff_explain_a_truncated_or_foreign_file() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(
        &truncated,
        r#"{"schema": 1, "tool": "plugbench 0.1.0", "environment": {"#,
    )
    .unwrap();
    let foreign = dir.path().join("foreign.json");
    std::fs::write(
        &foreign,
        r#"{"name": "some other tool", "results": [1, 2]}"#,
    )
    .unwrap();
    for file in [&truncated, &foreign] {
        for cmd in [vec!["report"], vec!["diff", file.to_str().unwrap()]] {
            let out = plugbench()
                .args(&cmd)
                .arg(file)
                .assert()
                .code(1)
                .stderr(contains("is not a plugbench results file"));
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

/// Hostile modules in the compare path: each is an error row naming the phase and the reason,
/// within the time limit, while the other rows are measured and every report is written.
#[test]
fn hostile_modules_are_error_rows_with_phase_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let faults = [
        ("wasmtime", "trap", "unreachable"),
        ("wasmi", "stack-overflow", "stack"),
        ("wasmer-cranelift", "grow-memory", "unreachable"),
        ("wasmer-singlepass", "huge-output", "outside guest memory"),
        ("wasmtime-winch", "endless-loop", "timed out after 3 s"),
    ];
    let mut args = vec!["--phase-timeout", "3", "--no-phases", "--launches", "1"];
    for (runtime, fault, _) in &faults {
        args.extend(["--runtime", runtime]);
        args.extend([
            "--inject-fault",
            Box::leak(format!("{runtime}={fault}").into_boxed_str()),
        ]);
    }
    // A runtime that floods stdout and stderr (32 MiB each) is measured all the same: the
    // worker answers on a channel of its own, so only its stderr tail keeps any of it.
    args.extend([
        "--runtime",
        "tinywasm",
        "--inject-fault",
        "tinywasm=flood@prepare",
    ]);
    quick_compare(dir.path(), &args).code(3);
    let run = read_json(&dir.path().join("run.json"));
    for (runtime, fault, needle) in faults {
        let r = result(&run, runtime);
        assert_eq!(r["status"], "error", "{runtime} {fault}");
        assert!(r["warm"].is_null(), "{runtime} {fault} has a timing");
        let error = r["error"].as_str().unwrap().to_lowercase();
        assert!(error.contains("prepare"), "{runtime} {fault}: {error}");
        assert!(error.contains(needle), "{runtime} {fault}: {error}");
    }
    for healthy in ["native", "tinywasm"] {
        assert_eq!(result(&run, healthy)["status"], "ok", "{healthy}");
    }
    assert!(dir.path().join("report.md").exists() && dir.path().join("run.csv").exists());
}

/// `--gap`: the seed kernel also runs as a native library with and without auto-vectorization,
/// as a SIMD guest and with every kernel in one module; every extra row is verified, marked as
/// the gap measurement's, and the report decomposes the gap (a runtime without SIMD says why).
#[test]
fn the_gap_measurement_adds_verified_builds_and_its_section() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--kernel",
        "pairwise-json",
        "--gap",
        "--no-phases",
        "--launches",
        "1",
        "--budget",
        "3",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmer-singlepass",
        "--runtime",
        "extism",
        "--runtime",
        "wasmtime-43",
    ];
    quick_compare(dir.path(), &args).code(0);
    let run = read_json(&dir.path().join("run.json"));
    // The x86-64-v3 library runs where the CPU has x86-64-v3, and is an error row saying why
    // where it does not.
    let v3 = result(&run, "native-library-v3");
    match runtimes::lacks_x86_64_v3() {
        None => assert_eq!(v3["verified"], true, "{v3}"),
        Some(why) => assert_eq!(v3["error"].as_str().map(|e| e.contains(&why)), Some(true)),
    }
    for name in [
        "native-library",
        "native-library-scalar",
        "wasmtime-simd",
        "wasmtime-shared",
        "wasmer-singlepass-shared",
    ] {
        let r = result(&run, name);
        assert_eq!(
            (r["status"].as_str(), r["verified"].as_bool()),
            (Some("ok"), Some(true)),
            "{name}"
        );
        assert_eq!(r["gap_variant"], true, "{name}");
    }
    assert!(result(&run, "wasmtime").get("gap_variant").is_none());
    let fingerprints = run["environment"]["artifacts"].as_array().unwrap();
    assert!(fingerprints
        .iter()
        .any(|a| a["format"] == "core module with SIMD"));
    assert!(fingerprints
        .iter()
        .any(|a| a["format"] == "core module, every kernel in one"));
    let md = read_report(&dir.path().join("report.md"));
    let gap = &md[md
        .find("Where the gap to native comes from")
        .expect("gap section")..];
    // The section alone, up to the next heading of its level.
    let gap = &gap[..gap.find("\n## ").unwrap_or(gap.len())];
    assert!(gap.contains("no SIMD: Singlepass"), "{gap}");
    assert!(
        gap.contains("Every kernel in one module / its own module"),
        "{gap}"
    );
    // Three tables, a row per runtime in each: the native builds, the SIMD guest, then every
    // kernel in one module and the embedded engine.
    let rows_of = |runtime: &str| -> Vec<Vec<&str>> {
        let rows: Vec<Vec<&str>> = gap
            .lines()
            .filter(|l| l.starts_with(&format!("| {runtime} ")))
            .map(|l| l.split('|').map(str::trim).collect())
            .collect();
        assert_eq!(rows.len(), 3, "{runtime}: {gap}");
        rows
    };
    for runtime in ["wasmtime", "wasmer-singlepass"] {
        let rows = rows_of(runtime);
        let vs_v3 = rows[0][5];
        assert_eq!(
            vs_v3.ends_with(']'),
            runtimes::lacks_x86_64_v3().is_none(),
            "{:?}",
            rows[0]
        );
        let shared_vs_own = rows[2][3];
        assert!(shared_vs_own.ends_with(']'), "{:?}", rows[2]);
    }
    // extism's ratio split at the wasmtime it embeds, measured on its own in the same rounds.
    let extism = &rows_of("extism")[2];
    assert!(
        extism[4].starts_with("wasmtime-43: ") && extism[4].ends_with(']'),
        "{extism:?}"
    );
    assert!(extism[5].ends_with(']'), "{extism:?}");
}

#[test]
fn a_gap_build_is_refused_for_a_kernel_without_one() {
    let dir = tempfile::tempdir().unwrap();
    quick_compare(
        dir.path(),
        &["--kernel", "echo", "--runtime", "native-library"],
    )
    .code(1)
    .stderr(contains("exists for the gap kernels only"));
}

/// `plugbench features`: each proposal's probe module on each runtime, measured (a runtime that
/// runs only its own plugin format says so), written as JSON and markdown; `compare
/// --proposals` puts the same table in its report.
#[test]
fn features_probes_each_proposal_on_each_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let (json, md) = (dir.path().join("f.json"), dir.path().join("f.md"));
    let runtimes = [
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "extism",
    ];
    let shown = plugbench()
        .arg("features")
        .args(runtimes)
        .arg("--json")
        .arg(&json)
        .arg("--markdown")
        .arg(&md)
        .assert()
        .success();
    let shown = String::from_utf8_lossy(&shown.get_output().stdout).to_string();
    assert!(shown.contains("Not probed: extism"), "{shown}");
    let file = read_json(&json);
    let table = file["proposals"].as_array().unwrap();
    assert_eq!(table.len(), 3 * plugbench_data::Proposal::ALL.len());
    let outcome = |runtime: &str, proposal: &str| {
        table
            .iter()
            .find(|s| s["runtime"] == runtime && s["proposal"] == proposal)
            .unwrap_or_else(|| panic!("{runtime} {proposal}"))
    };
    for proposal in [
        "sign-extension",
        "multi-value",
        "bulk-memory",
        "extended-const",
    ] {
        for runtime in ["wasmtime", "wasmi"] {
            assert_eq!(
                outcome(runtime, proposal)["outcome"],
                "runs",
                "{runtime} {proposal}"
            );
        }
    }
    // As these versions are built here: wasmtime with GC, wasmi without.
    assert_eq!(outcome("wasmtime", "gc")["outcome"], "runs");
    let wasmi_gc = outcome("wasmi", "gc");
    assert_eq!(wasmi_gc["outcome"], "rejected");
    assert!(
        wasmi_gc["message"].as_str().unwrap().contains("gc"),
        "{wasmi_gc}"
    );
    assert_eq!(outcome("extism", "gc")["outcome"], "not-probed");
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(
        report.contains("## Which proposals each runtime runs"),
        "{report}"
    );
    assert!(report.contains("gc on wasmi: rejected"), "{report}");

    let args = [
        "--kernel",
        "echo",
        "--budget",
        "2",
        "--no-phases",
        "--proposals",
    ];
    quick_compare(dir.path(), &[&args[..], &["--runtime", "wasmi"]].concat()).success();
    let run = read_json(&dir.path().join("run.json"));
    let probed = run["environment"]["proposals"].as_array().unwrap();
    assert_eq!(
        probed.len(),
        plugbench_data::Proposal::ALL.len(),
        "wasmi only, not native"
    );
    let report = read_report(&dir.path().join("report.md"));
    assert!(
        report.contains("Which proposals each runtime runs"),
        "{report}"
    );
}

/// Two machines' runs of the same workloads side by side; runs of other workloads or other
/// engine versions refused, naming the difference.
#[test]
fn merge_puts_machines_side_by_side_and_refuses_runs_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    quick_compare(
        d,
        &[
            "--runtime",
            "wasmtime",
            "--runtime",
            "wasmi",
            "--kernel",
            "echo",
            "--kernel",
            "webhook",
            "--budget",
            "3",
        ],
    )
    .success();
    // The second machine: the same run, as if measured on another CPU with other ratios.
    let mut other = read_json(&d.join("run.json"));
    other["environment"]["cpu"] = "Arm Neoverse-N1".into();
    other["environment"]["cores"] = 4.into();
    let write = |name: &str, run: &serde_json::Value| {
        let path = d.join(name);
        std::fs::write(&path, serde_json::to_string(run).unwrap()).unwrap();
        path
    };
    let arm = write("arm.json", &other);
    let out = plugbench()
        .arg("merge")
        .arg(d.join("run.json"))
        .arg(&arm)
        .arg("--markdown")
        .arg(d.join("machines.md"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let md = std::fs::read_to_string(d.join("machines.md")).unwrap();
    for text in [&stdout, &md] {
        assert!(text.contains("2: Arm Neoverse-N1 (4 cores)"), "{text}");
        assert!(text.contains("`webhook` at size 300"), "{text}");
        // The same figures on both: the ranking and every answer hold.
        assert!(text.contains("The ranking holds"), "{text}");
        assert!(text.contains("yes: "), "{text}");
    }
    let wasmtime_row = md.lines().find(|l| l.starts_with("| wasmtime ")).unwrap();
    assert_eq!(wasmtime_row.matches("x [").count(), 2, "{wasmtime_row}");

    // Other workloads, another engine version: refused, each difference named.
    let mut differs = other.clone();
    let groups = differs["groups"].as_array_mut().unwrap();
    groups.retain(|g| g["kernel"] != "echo");
    let results = differs["results"].as_array_mut().unwrap();
    results.retain(|r| r["kernel"] != "echo");
    for r in results.iter_mut().filter(|r| r["runtime"] == "wasmi") {
        r["crate_version"] = "1.0.0".into();
    }
    let differs = write("differs.json", &differs);
    plugbench()
        .arg("merge")
        .arg(d.join("run.json"))
        .arg(&differs)
        .assert()
        .failure()
        .stderr(contains("did not measure `echo` at size 300"))
        .stderr(contains("wasmi is wasmi 2.0.0"))
        .stderr(contains("1.0.0"));
}

/// `--interface`: each kernel also runs as a component on the configurations that host
/// components (the first on every kernel and size, the others at the side size), every row
/// verified and kept out of the choices; the report compares byte ABI, component and extism
/// plugin, and prices each interface per call and per byte on `echo`.
#[test]
fn the_interface_measurement_adds_verified_components_and_its_section() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = plugbench();
    cmd.args([
        "compare",
        "--kernel",
        "echo",
        "--kernel",
        "host-calls",
        "--sizes",
        "10,100",
    ])
    .args([
        "--interface",
        "--no-phases",
        "--launches",
        "1",
        "--budget",
        "2",
    ])
    .args(["--min-rounds", "6", "--warmup", "0.05", "--seed", "17"])
    .args(["--runtime", "wasmtime", "--runtime", "wasmtime-winch"])
    .args(["--runtime", "extism", "--runtime", "wasmtime-43"])
    .arg("--json")
    .arg(dir.path().join("run.json"))
    .arg("--markdown")
    .arg(dir.path().join("report.md"));
    cmd.assert().code(0);
    let run = read_json(&dir.path().join("run.json"));
    let rows = |name: &str| -> Vec<(String, u64)> {
        results(&run)
            .iter()
            .filter(|r| r["runtime"] == name)
            .map(|r| {
                assert_eq!(r["status"], "ok", "{name}: {}", r["error"]);
                assert_eq!(r["verified"], true, "{name}");
                assert_eq!(r["gap_variant"], true, "{name}");
                (
                    r["kernel"].as_str().unwrap().to_string(),
                    r["size"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let every = |sizes: &[u64]| -> Vec<(String, u64)> {
        ["echo", "host-calls"]
            .iter()
            .flat_map(|k| sizes.iter().map(move |&s| (k.to_string(), s)))
            .collect()
    };
    assert_eq!(rows("wasmtime-component"), every(&[10, 100]));
    assert_eq!(rows("wasmtime-winch-component"), every(&[100]));
    assert!(
        rows("wasmtime-pulley-component").is_empty(),
        "its core configuration was not selected"
    );
    // The component layer over wasmi 0.31 comes with its own core-module pair, at the smallest
    // size.
    assert_eq!(rows("wasmi-0.31"), every(&[10]));
    assert_eq!(rows("wasmi-0.31-component"), every(&[10]));
    let pairs = run["environment"]["components"].as_array().unwrap();
    assert!(pairs
        .iter()
        .any(|p| p["core"] == "wasmtime" && p["component"] == "wasmtime-component"));
    let interface = run["derived"]["interface"].as_array().unwrap();
    assert_eq!(interface.len(), 4, "every kernel and size");
    let per_byte = run["derived"]["per_byte"].as_array().unwrap();
    let component = per_byte
        .iter()
        .find(|p| p["runtime"] == "wasmtime-component")
        .expect("the component priced on echo");
    assert_eq!(component["interface"], "component");
    assert!(per_byte.iter().any(|p| p["interface"] == "extism plugin"));
    let page = std::fs::read_to_string(dir.path().join("report-interface.md")).unwrap();
    for shown in [
        "# Plugin interface",
        "Component / core module",
        "wasmtime-43:",
        "Per byte",
    ] {
        assert!(page.contains(shown), "{shown}\n{page}");
    }
    // The components stay out of the choices: the run's answers name core-module runtimes only.
    let summary = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for kept_out in ["wasmtime-component (", "wasmi-0.31 ("] {
        assert!(!summary.contains(kept_out), "{kept_out}\n{summary}");
    }
}
