//! A user's components end to end (`compare --module`, `inspect`): a plugin with a typed WIT
//! interface and a WASI 0.2 command, both built for wasm32-wasip2 from `examples/` by
//! `scripts/build-examples`, on every configuration that hosts components; and every fault a
//! component can bring. Nothing asserts a speed.

mod common;

use std::path::Path;

use common::{example, plugbench, read_json, read_report, result, results};
use predicates::str::contains;
use serde_json::Value;

/// Every configuration that hosts a user's components, in registry order (a component
/// configuration may run the built-in kernels' components only).
fn component_hosts() -> Vec<String> {
    let user = runtimes::Program::ComponentCommand(Default::default());
    let hosts: Vec<String> = common::registry::declarations()
        .component_pairs()
        .into_iter()
        .map(|(_, component)| component)
        .filter(|c| common::registry::create(c).is_ok_and(|rt| rt.hosts(&user).is_ok()))
        .collect();
    assert!(hosts.len() >= 5, "{hosts:?}");
    hosts
}

/// A short measurement of a component with the reports written to `dir`.
fn quick(dir: &Path, module: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    plugbench()
        .args([
            "compare",
            "--budget",
            "2",
            "--launches",
            "1",
            "--min-rounds",
            "4",
        ])
        .args(["--warmup", "0.02", "--seed", "5"])
        .arg("--module")
        .arg(module)
        .arg("--json")
        .arg(dir.join("run.json"))
        .arg("--markdown")
        .arg(dir.join("report.md"))
        .args(extra)
        .assert()
}

/// Every host ran, verified, and they agreed on `answer`'s field `field` being `expected`.
fn every_host_agrees(run: &Value, field: &str, expected: &str) {
    let ran: Vec<&str> = results(run)
        .iter()
        .map(|r| r["runtime"].as_str().unwrap())
        .collect();
    assert_eq!(ran, component_hosts());
    for r in results(run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
        assert_eq!(r["verified"], true, "{}", r["runtime"]);
    }
    let answer = &run["groups"][0]["answer"];
    let shown = match field {
        "stdout" => &answer["stdout"]["preview"],
        _ => &answer["output"]["preview"],
    };
    assert_eq!(shown, expected, "{answer}");
}

#[test]
fn a_component_s_function_runs_with_typed_values_on_every_component_configuration_verified() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = example("word-stats.wasm");
    quick(
        dir.path(),
        &plugin,
        &[
            "--invoke",
            r#"count-words("the quick brown fox jumps over the lazy dog", 3)"#,
        ],
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    every_host_agrees(&run, "output", "5");
    assert_eq!(run["environment"]["modules"][0]["shape"], "component");
    // A list in, a list out, in WAVE.
    quick(
        dir.path(),
        &plugin,
        &["--invoke", "histogram([1, 5, 9, -3, 12], 3)"],
    )
    .success();
    every_host_agrees(
        &read_json(&dir.path().join("run.json")),
        "output",
        "[2, 1, 2]",
    );
}

#[test]
fn a_wasi_0_2_command_reads_stdin_and_a_directory_on_every_component_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let command = example("text-stats.p2.wasm");
    let stdin = dir.path().join("stdin.txt");
    std::fs::write(&stdin, "one two two\nthree three three\n").unwrap();
    let stdin_arg = stdin.display().to_string();
    quick(dir.path(), &command, &["--stdin", &stdin_arg]).success();
    let expected = "stdin: 2 lines, 6 words, 30 bytes, most frequent: three (3)";
    every_host_agrees(&read_json(&dir.path().join("run.json")), "stdout", expected);

    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.txt"), "hello world hello\n").unwrap();
    let mapping = format!("{}::.", data.display());
    quick(dir.path(), &command, &["--arg", "a.txt", "--dir", &mapping]).success();
    let expected = "a.txt: 1 lines, 3 words, 18 bytes, most frequent: hello (2)";
    every_host_agrees(&read_json(&dir.path().join("run.json")), "stdout", expected);
}

#[test]
fn inspect_shows_a_component_s_wit_world_and_who_hosts_it() {
    let out = plugbench()
        .arg("inspect")
        .arg(example("word-stats.wasm"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for shown in [
        "shape: component with exported functions",
        "import wasi:cli/environment@0.2",
        "export histogram: func(values: list<s64>, buckets: u32) -> list<u32>;",
        "--invoke 'NAME(ARG, ...)' (WAVE)",
        "wasmtime-component   hosts it",
    ] {
        assert!(text.contains(shown), "{shown}\n{text}");
    }
    plugbench()
        .arg("inspect")
        .arg(example("text-stats.p2.wasm"))
        .assert()
        .success()
        .stdout(contains(
            "WASI 0.2 command (a component exporting wasi:cli/run)",
        ));
}

/// Sightglass's component benchmark shape (a `wasi:cli/run` command importing the `bench`
/// interface): its warm figure is the region between `start` and `end`, on every component
/// configuration; one that never marks is an error row. Then the example benchmark built as
/// Sightglass builds its components, reading `./default.input`.
#[test]
fn a_sightglass_component_is_timed_between_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    // Work outside the markers (a long loop) and inside them (a short one).
    let marked = |name: &str, inside: &str| {
        let path = dir.path().join(name);
        let wat = format!(
            r#"(component
              (import "bench" (instance $bench (export "start" (func)) (export "end" (func))))
              (core func $start (canon lower (func $bench "start")))
              (core func $end (canon lower (func $bench "end")))
              (core module $m
                (import "bench" "start" (func $start))
                (import "bench" "end" (func $end))
                (func $spin (param $n i32)
                  (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                (func (export "run") (result i32)
                  (call $spin (i32.const 2000000))
                  {inside}
                  (i32.const 0)))
              (core instance $i (instantiate $m (with "bench" (instance
                (export "start" (func $start)) (export "end" (func $end))))))
              (func $run (result (result)) (canon lift (core func $i "run")))
              (instance $cli (export "run" (func $run)))
              (export "wasi:cli/run@0.2.0" (instance $cli)))"#
        );
        std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
        path
    };
    let bench = marked(
        "bench.wasm",
        "(call $start) (call $spin (i32.const 1000)) (call $end)",
    );
    quick(dir.path(), &bench, &["--no-phases"]).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(
        run["environment"]["modules"][0]["shape"],
        "sightglass-component"
    );
    every_host_agrees(&run, "stdout", "");
    for runtime in component_hosts() {
        let r = result(&run, &runtime);
        // The warm figure is the marked region, far below the whole run (the first call
        // includes the long loop).
        let warm = r["warm"]["median_ns"].as_f64().unwrap();
        let first = r["first_call_ns"].as_f64().unwrap();
        assert!(
            warm * 20.0 < first,
            "{runtime}: warm {warm} ns vs first call {first} ns"
        );
    }

    let unmarked = marked("unmarked.wasm", "");
    let one = ["--runtime", "wasmtime-component", "--no-phases"];
    quick(dir.path(), &unmarked, &one).code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "wasmtime-component")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("did not call both bench.start and bench.end"),
        "{error}"
    );

    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("default.input"), "to be or not to be\n").unwrap();
    let mapping = format!("{}::.", input.display());
    let example = example("bench-words.p2.wasm");
    quick(dir.path(), &example, &["--dir", &mapping, "--no-phases"]).success();
    every_host_agrees(
        &read_json(&dir.path().join("run.json")),
        "stdout",
        "4 distinct words, most frequent: be (2)",
    );
}

/// A trap and an endless loop are error rows, the others still measured; the report is written.
#[test]
fn a_trapping_or_endless_function_is_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = example("word-stats.wasm");
    let two = [
        "--runtime",
        "wasmtime-component",
        "--runtime",
        "wasmtime-winch-component",
    ];
    fn with<'a>(call: &'a str, runtimes: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["--invoke", call];
        args.extend(runtimes);
        args
    }
    quick(dir.path(), &plugin, &with("fail()", &two)).code(3);
    let run = read_json(&dir.path().join("run.json"));
    for runtime in ["wasmtime-component", "wasmtime-winch-component"] {
        let row = result(&run, runtime);
        assert_eq!(row["status"], "error");
        let error = row["error"].as_str().unwrap();
        assert!(error.contains("unreachable"), "{error}");
    }
    let mut spin = with("spin()", &two);
    spin.extend(["--phase-timeout", "3"]);
    quick(dir.path(), &plugin, &spin).code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "wasmtime-component")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("timed out after 3 s"), "{error}");
    assert!(read_report(&dir.path().join("report.md")).contains("ERROR"));
}

#[test]
fn bad_components_and_calls_are_refused_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = example("word-stats.wasm");
    let bytes = std::fs::read(&plugin).unwrap();
    let truncated = dir.path().join("truncated.wasm");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    // The same component with the layer's version of the pre-standard encoding (0xa).
    let older = dir.path().join("older.wasm");
    let mut old = bytes.clone();
    old[4] = 0x0a;
    std::fs::write(&older, &old).unwrap();
    // A binary version after the component model's 0xd.
    let newer = dir.path().join("newer.wasm");
    let mut new = bytes.clone();
    new[4] = 0x0e;
    std::fs::write(&newer, &new).unwrap();
    let cases: [(&Path, &[&str], &str); 8] = [
        (&truncated, &["--invoke", "spin()"], "not a valid module"),
        (&older, &["--invoke", "spin()"], "not a valid module"),
        (&newer, &["--invoke", "spin()"], "not a valid module"),
        (
            &plugin,
            &["--invoke", "nope()"],
            "exports no function `nope`",
        ),
        (
            &plugin,
            &["--invoke", "fail", "--arg", "1"],
            "write its function's arguments in the call",
        ),
        (
            &plugin,
            &["--invoke", "fail()", "--env", "A=1"],
            "--env and --dir are for a WASI 0.2 command",
        ),
        (
            &plugin,
            &["--invoke", "fail()", "--runtime", "wasmtime"],
            "it runs core modules, not components",
        ),
        (
            &plugin,
            &["--invoke", "fail()", "--interface"],
            "--interface runs the built-in kernels as components",
        ),
    ];
    for (path, extra, expected) in cases {
        quick(dir.path(), path, extra)
            .code(1)
            .stderr(contains(expected));
        assert!(!dir.path().join("run.json").exists(), "{expected}");
    }
    // A call whose values do not fit the function: an error row naming the mismatch.
    quick(
        dir.path(),
        &plugin,
        &[
            "--invoke",
            "count-words(5, 3)",
            "--runtime",
            "wasmtime-component",
        ],
    )
    .code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "wasmtime-component")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("--invoke \"count-words(5, 3)\""), "{error}");
}
