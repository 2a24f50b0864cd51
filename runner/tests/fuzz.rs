//! `plugbench fuzz` end to end: a small seeded run on every runtime finds nothing it cannot
//! explain, and a runtime that answers wrongly, crashes or hangs is caught, counted, saved
//! and replayed, without plugbench itself stopping.

mod common;

use common::registry;
use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn fuzz(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("plugbench")
        .unwrap()
        .arg("fuzz")
        .arg("--out")
        .arg(dir.join("repro"))
        .arg("--json")
        .arg(dir.join("fuzz.json"))
        .arg("--markdown")
        .arg(dir.join("fuzz.md"))
        .args(extra)
        .assert()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tally<'a>(run: &'a Value, runtime: &str) -> &'a Value {
    run["runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["runtime"] == runtime)
        .unwrap_or_else(|| panic!("no tally for {runtime}"))
}

/// The CI fuzz: a few hundred modules on every runtime that can host them. Fails on a crash
/// of plugbench, on a crash of a runtime, and on any disagreement without a known reason.
#[test]
fn a_seeded_fuzz_on_every_runtime_finds_nothing_unexplained() {
    let dir = tempfile::tempdir().unwrap();
    fuzz(dir.path(), &["--seed", "1", "--modules", "300"]).code(0);
    let run = read(&dir.path().join("fuzz.json"));
    assert_eq!(run["modules_tried"], 300);
    assert!(
        run["mutated_modules"].as_u64().unwrap() > 30,
        "mutations are tried too"
    );
    let tallies = run["runtimes"].as_array().unwrap();
    let hosting = registry::default_names().len() - 2; // all but native and extism
    assert_eq!(tallies.len(), hosting, "{tallies:?}");
    for t in tallies {
        assert_eq!(t["tried"], 300, "{}", t["runtime"]);
        assert_eq!(t["crashed"], 0, "{}", t["runtime"]);
        assert!(
            t["calls"].as_u64().unwrap() > 300,
            "{}: modules are called",
            t["runtime"]
        );
    }
    assert_eq!(
        run["findings"].as_array().unwrap().len(),
        0,
        "{:#}",
        run["findings"]
    );
    let md = std::fs::read_to_string(dir.path().join("fuzz.md")).unwrap();
    assert!(md.contains("| wasmtime |") && md.contains("## Known differences"));
    assert!(
        md.contains("extism: it runs"),
        "a runtime that cannot host says why"
    );
}

/// An adapter that converts a value wrongly is a disagreement nothing explains: exit code 3,
/// a reproducer, and `--replay` shows it again (and not without the fault).
#[test]
fn a_wrong_answer_is_caught_saved_and_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let runtimes = [
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmer-cranelift",
    ];
    let mut args = vec![
        "--seed",
        "3",
        "--modules",
        "60",
        "--inject-fault",
        "wasmi=wrong-output",
    ];
    args.extend(runtimes);
    fuzz(dir.path(), &args).code(3);
    let run = read(&dir.path().join("fuzz.json"));
    let findings = run["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["dissenters"], serde_json::json!(["wasmi"]), "{f}");
        assert!(f["explanation"].is_null());
    }
    assert_eq!(tally(&run, "wasmi")["disagreed"], findings.len());
    assert_eq!(tally(&run, "wasmtime")["disagreed"], 0);
    let reproducer = findings[0]["reproducer"].as_str().unwrap();
    assert!(Path::new(reproducer).with_extension("wasm").exists());
    let replay = |extra: &[&str]| {
        Command::cargo_bin("plugbench")
            .unwrap()
            .args(["fuzz", "--replay", reproducer])
            .args(extra)
            .assert()
    };
    replay(&["--inject-fault", "wasmi=wrong-output"])
        .code(3)
        .stdout(contains("DIFFERS"));
    replay(&[]).code(0).stdout(contains("every runtime agrees"));
}

/// A worker that aborts or hangs on a module costs that module's answer only: it is counted,
/// replaced, and every other module and runtime is still tried.
#[test]
fn a_crashing_or_hanging_worker_is_counted_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--seed",
        "4",
        "--modules",
        "12",
        "--timeout",
        "2",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "tinywasm",
        "--inject-fault",
        "wasmi=abort@case-3",
        "--inject-fault",
        "tinywasm=hang@case-5",
    ];
    fuzz(dir.path(), &args).code(3);
    let run = read(&dir.path().join("fuzz.json"));
    let wasmi = tally(&run, "wasmi");
    assert_eq!(
        (wasmi["tried"].as_u64(), wasmi["crashed"].as_u64()),
        (Some(12), Some(1))
    );
    let lanes = run["workers_per_runtime"].as_u64().unwrap();
    assert!(lanes >= 1);
    assert_eq!(
        wasmi["workers_started"].as_u64(),
        Some(lanes + 1),
        "one replaced"
    );
    let tinywasm = tally(&run, "tinywasm");
    assert_eq!(
        (tinywasm["tried"].as_u64(), tinywasm["timed_out"].as_u64()),
        (Some(12), Some(1))
    );
    assert_eq!(tinywasm["workers_started"].as_u64(), Some(lanes + 1));
    let crash = &run["findings"].as_array().unwrap()[0];
    assert_eq!(crash["case"], 3);
    assert!(
        crash["answers"]["wasmi"]
            .as_str()
            .unwrap()
            .contains("SIGABRT"),
        "{crash}"
    );
}

/// The wasmi bug the fuzzer found (seed 2, case 2105): wasmi 2.0.0 panics translating a valid
/// module eagerly. When wasmi is fixed this test fails, and the explanation in
/// `runner/src/fuzz/verdict.rs` must go.
#[test]
fn the_wasmi_translator_panic_is_known_and_still_there() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--seed",
        "2",
        "--from",
        "2105",
        "--modules",
        "1",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmi-eager",
    ];
    fuzz(dir.path(), &args).code(0);
    let run = read(&dir.path().join("fuzz.json"));
    assert_eq!(tally(&run, "wasmi-eager")["crashed"], 1);
    assert_eq!(tally(&run, "wasmi")["crashed"], 0);
    let finding = &run["findings"][0];
    assert!(finding["explanation"]
        .as_str()
        .unwrap()
        .contains("wasmi 2.0.0 panics"));
    assert!(finding["answers"]["wasmi-eager"]
        .as_str()
        .unwrap()
        .contains("entered unreachable code"));
}

/// The CI fuzz with every proposal on: modules as other compilers emit them (GC, exceptions,
/// memory64, several memories, ...) through inspect's readers, the call planner and every
/// runtime. No panic of plugbench's own code; a valid module a runtime refuses is counted as
/// its missing proposal; every disagreement and crash has a known reason.
#[test]
fn a_seeded_fuzz_with_every_proposal_has_no_panic_of_plugbench() {
    let dir = tempfile::tempdir().unwrap();
    fuzz(
        dir.path(),
        &["--all-proposals", "--seed", "7", "--modules", "400"],
    )
    .code(0);
    let run = read(&dir.path().join("fuzz.json"));
    assert_eq!(run["modules_tried"], 400);
    assert_eq!(run["features"]["all_proposals"], true);
    let tallies = run["runtimes"].as_array().unwrap();
    for t in tallies {
        assert_eq!(t["own_panics"], 0, "{}", t["runtime"]);
        let (rejected, ran) = (t["rejected"].as_u64().unwrap(), t["ran"].as_u64().unwrap());
        assert!(
            rejected > 0 && ran > 0,
            "{}: {rejected} rejected, {ran} ran",
            t["runtime"]
        );
    }
    // Runtimes differ in the proposals they run: many refusals, none of them a disagreement.
    let wasmi = tally(&run, "wasmi");
    assert!(wasmi["rejected"].as_u64().unwrap() > 300, "{wasmi}");
    for finding in run["findings"].as_array().unwrap() {
        assert!(
            finding["explanation"].is_string(),
            "an unexplained finding: {finding}"
        );
    }
}

/// Case `case` of seed `seed` with every proposal on, on the runtimes named: its findings and
/// explained differences.
fn one_case(dir: &Path, seed: &str, case: &str, runtimes: &[&str]) -> Value {
    let mut args = vec![
        "--all-proposals",
        "--seed",
        seed,
        "--from",
        case,
        "--modules",
        "1",
    ];
    for runtime in runtimes {
        args.extend(["--runtime", runtime]);
    }
    fuzz(dir, &args);
    read(&dir.join("fuzz.json"))
}

/// The explanation of a case's only finding, or of its only explained difference.
fn explanation(run: &Value) -> String {
    let found = run["findings"].as_array().unwrap();
    let known = run["explained"].as_array().unwrap();
    match (found.as_slice(), known.as_slice()) {
        ([one], []) => one["explanation"]
            .as_str()
            .unwrap_or("NOT EXPLAINED")
            .to_string(),
        ([], [one]) => one["explanation"].as_str().unwrap().to_string(),
        _ => panic!("expected one finding or one known difference: {run}"),
    }
}

/// wasmer 7.4's Singlepass panics on a call with a v128 in its signature. When wasmer is
/// fixed this test fails, and the known difference in its adapter must go.
#[test]
fn singlepass_crashes_on_a_v128_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let run = one_case(dir.path(), "7", "1364", &["wasmtime", "wasmer-singlepass"]);
    assert_eq!(tally(&run, "wasmer-singlepass")["crashed"], 1);
    assert!(explanation(&run).contains("Singlepass panics"), "{run}");
}

/// wasmer 7.4's Cranelift panics translating a module with exceptions, SIMD and wide arithmetic.
#[test]
fn wasmer_cranelift_crashes_on_a_module_with_exceptions_and_simd() {
    let dir = tempfile::tempdir().unwrap();
    let run = one_case(
        dir.path(),
        "11",
        "9376",
        &["wasmer-cranelift", "wasmer-llvm"],
    );
    assert_eq!(tally(&run, "wasmer-cranelift")["crashed"], 1);
    assert!(
        explanation(&run).contains("wasmer 7.4's Cranelift panics"),
        "{run}"
    );
}

/// wasmer compiles a table of exception references and cannot instantiate it.
#[test]
fn wasmer_cannot_instantiate_a_table_of_exception_references() {
    let dir = tempfile::tempdir().unwrap();
    let run = one_case(
        dir.path(),
        "7",
        "474",
        &[
            "wasmtime",
            "wasmtime-pulley",
            "wasmtime-pooling",
            "wasmer-cranelift",
        ],
    );
    assert_eq!(tally(&run, "wasmer-cranelift")["not_instantiated"], 1);
    assert_eq!(tally(&run, "wasmtime")["ran"], 1);
    assert!(
        explanation(&run).contains("table of exception references"),
        "{run}"
    );
}

#[test]
fn bad_fuzz_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fuzz(dir.path(), &["--modules", "0"]).code(2);
    fuzz(dir.path(), &["--timeout", "0"])
        .code(2)
        .stderr(contains("--timeout"));
    fuzz(dir.path(), &["--time-limit", "-1"]).code(2);
    fuzz(dir.path(), &["--seed", "x"]).code(2);
    fuzz(dir.path(), &["--runtime", "nope"])
        .code(1)
        .stderr(contains("unknown runtime `nope`"));
    fuzz(
        dir.path(),
        &["--runtime", "wasmtime", "--runtime", "extism"],
    )
    .code(1)
    .stderr(contains("at least two"));
    Command::cargo_bin("plugbench")
        .unwrap()
        .args([
            "fuzz",
            "--modules",
            "5",
            "--out",
            "/proc/plugbench-cannot-write-here",
        ])
        .assert()
        .code(1)
        .stderr(contains(
            "cannot create the folder /proc/plugbench-cannot-write-here",
        ));
    fuzz(dir.path(), &["--replay", "/nonexistent.json"])
        .code(1)
        .stderr(contains("/nonexistent.json"));
}
