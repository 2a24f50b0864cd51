//! `compare --module` and `inspect` end to end on modules nobody wrote the measurement for:
//! core modules written here in wat, and the example plugins built from `examples/` by
//! `scripts/build-examples`. Every shape, every refusal and every fault is a test; nothing
//! asserts a speed.

mod common;

use common::registry;

use std::path::{Path, PathBuf};

use common::{example, plugbench, read_json, read_report, result, results};
use predicates::str::contains;
use serde_json::Value;

/// `wat` text as a module file in `dir`.
fn module(dir: &Path, name: &str, wat: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    path
}

/// A short measurement of a module with every report written to `dir`.
fn quick(dir: &Path, module: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    quick_command(dir, module, extra).assert()
}

/// The command [`quick`] runs, for a test that changes how it starts (its working directory).
fn quick_command(dir: &Path, module: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut command = plugbench();
    command
        .args([
            "compare",
            "--budget",
            "3",
            "--launches",
            "2",
            "--min-rounds",
            "6",
        ])
        .args(["--warmup", "0.02", "--seed", "5"])
        .arg("--module")
        .arg(module)
        .arg("--json")
        .arg(dir.join("run.json"))
        .arg("--markdown")
        .arg(dir.join("report.md"))
        .args(extra);
    command
}

/// Default runtimes that host a core module (everything but native code and extism).
fn core_hosts() -> Vec<String> {
    registry::default_names()
        .into_iter()
        .filter(|n| n != "native" && n != "extism")
        .collect()
}

#[test]
fn a_numeric_export_runs_on_every_core_module_runtime_verified() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let out = quick(dir.path(), &fib, &["--invoke", "fib", "--arg", "50"]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("module fib.wasm · fib(50:i32)"), "{stdout}");
    // The value every runtime agreed on (fib(50)), in each of the three outputs.
    let answer = "Output (every verified runtime's): 12586269025:i64";
    assert!(stdout.contains(answer), "{stdout}");

    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["schema"], plugbench_data::SCHEMA_VERSION);
    assert_eq!(
        run["groups"][0]["answer"],
        serde_json::json!({"kind": "values", "values": [{"i64": 12586269025i64}]})
    );
    let m = &run["environment"]["modules"][0];
    assert_eq!(m["name"], "fib.wasm");
    assert_eq!(m["shape"], "numeric");
    assert_eq!(m["calls"][0], "fib(50:i32)");
    let bytes = std::fs::read(&fib).unwrap();
    assert_eq!(m["bytes"], bytes.len());
    assert_eq!(m["sha256"].as_str().unwrap().len(), 64);
    let not_hosted: Vec<&str> = m["not_hosted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert_eq!(not_hosted, ["extism"]);
    assert_eq!(results(&run).len(), core_hosts().len());
    let baselines: Vec<&Value> = results(&run)
        .iter()
        .filter(|r| r["baseline"] == true)
        .collect();
    assert_eq!(baselines.len(), 1, "the fastest runtime is the baseline");
    for name in core_hosts() {
        let r = result(&run, &name);
        assert_eq!(r["status"], "ok", "{name}: {}", r["error"]);
        assert_eq!(r["verified"], true);
        assert_eq!(r["native"], false);
        assert!(r["phases"]["cold_start"]["mean_ns"].as_f64().unwrap() > 0.0);
        if r["baseline"] == false {
            assert!(
                r["ratio_to_native"]["value"].as_f64().unwrap() > 0.0,
                "{name}"
            );
        }
    }
    let base = baselines[0]["runtime"].as_str().unwrap();
    let report = read_report(&dir.path().join("report.md"));
    assert!(report.contains(&format!("vs {base} [95% CI]")), "{report}");
    assert!(report.contains("Not hosted by extism: it runs extism plugins only"));
    assert!(report.contains(answer), "{report}");
    assert!(report.contains(&m["sha256"].as_str().unwrap().to_string()));
}

#[test]
fn a_named_baseline_is_every_ratio_s_reference() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let args = [
        "--arg",
        "20",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmtime",
        "--baseline",
        "wasmi",
    ];
    quick(dir.path(), &fib, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["settings"]["baseline"], "wasmi");
    assert_eq!(result(&run, "wasmi")["baseline"], true);
    assert_eq!(result(&run, "wasmtime")["baseline"], false);
    assert!(result(&run, "wasmtime")["ratio_to_native"]["value"]
        .as_f64()
        .is_some());
}

#[test]
fn byte_abi_plugin_inputs_are_workloads_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("short.txt"), "the cat and the hat").unwrap();
    let long = "a plugin host picks a runtime for the plugin it hosts ".repeat(200);
    std::fs::write(inputs.join("long.txt"), &long).unwrap();
    let plugin = example("word-freq.wasm");
    let args = [
        "--input",
        inputs.to_str().unwrap(),
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
    ];
    quick(dir.path(), &plugin, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    let groups = run["groups"].as_array().unwrap();
    let sizes: Vec<u64> = groups.iter().map(|g| g["size"].as_u64().unwrap()).collect();
    assert_eq!(
        sizes,
        [19, long.len() as u64],
        "one workload per input, smallest first"
    );
    assert_eq!(run["environment"]["modules"][0]["shape"], "byte-abi");
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
        assert_eq!(r["verified"], true);
    }
    let bases: Vec<&str> = results(&run)
        .iter()
        .filter(|r| r["baseline"] == true)
        .map(|r| r["runtime"].as_str().unwrap())
        .collect();
    assert_eq!(bases.len(), 2);
    assert_eq!(
        bases[0], bases[1],
        "a module's inputs share the first input's baseline"
    );
}

#[test]
fn an_extism_plugin_is_hosted_by_extism_and_refused_by_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("text.txt");
    std::fs::write(&input, "one two two three three three").unwrap();
    let plugin = example("word-freq.extism.wasm");
    let inspect = plugbench().arg("inspect").arg(&plugin).assert().success();
    let shown = String::from_utf8_lossy(&inspect.get_output().stdout).to_string();
    assert!(shown.contains("shape: extism plugin"), "{shown}");
    assert!(shown.contains("extism               hosts it"), "{shown}");
    assert!(
        shown.contains("wasmtime             cannot: it has no extism kernel"),
        "{shown}"
    );

    quick(dir.path(), &plugin, &["--input", input.to_str().unwrap()]).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(results(&run).len(), 1);
    let r = result(&run, "extism");
    assert_eq!(r["status"], "ok", "{}", r["error"]);
    assert_eq!(r["baseline"], true);
}

#[test]
fn a_runtime_whose_output_differs_is_an_error_row_naming_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let args = [
        "--arg",
        "30",
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmer-cranelift",
    ];
    let fault = ["--inject-fault", "wasmi=wrong-output"];
    let out = quick(dir.path(), &fib, &[&args[..], &fault[..]].concat()).code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("1 runtime(s) failed: wasmi"), "{stderr}");
    let run = read_json(&dir.path().join("run.json"));
    let wasmi = result(&run, "wasmi");
    assert_eq!(wasmi["status"], "error");
    assert_eq!(wasmi["verified"], false);
    let error = wasmi["error"].as_str().unwrap();
    assert!(error.contains("output differs from wasmtime's"), "{error}");
    assert!(error.contains("first difference at byte 0"), "{error}");
    assert_eq!(result(&run, "wasmer-cranelift")["status"], "ok");
}

#[test]
fn no_verify_marks_every_row_not_verified() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let args = [
        "--arg",
        "10",
        "--runtime",
        "wasmi",
        "--no-verify",
        "--inject-fault",
        "wasmi=wrong-output",
    ];
    let out = quick(dir.path(), &fib, &args).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("not verified"), "{stdout}");
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(result(&run, "wasmi")["verified"], false);
    assert_eq!(run["environment"]["modules"][0]["verified"], false);
    let report = read_report(&dir.path().join("report.md"));
    assert!(report.contains("**not verified**"));
}

/// Each misbehaving export is an error row per runtime naming the phase; reports are written.
#[test]
fn traps_stack_overflow_memory_growth_and_hangs_are_error_rows() {
    let cases = [
        ("trap", "(func (export \"go\") (result i32) unreachable)", "prepare"),
        (
            "overflow",
            "(func $f (export \"go\") (result i32) call $f)",
            "prepare",
        ),
        (
            "grow",
            "(memory 1) (func (export \"go\") (result i32) (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1024)) (i32.const -1)))) unreachable)",
            "prepare",
        ),
        ("hang", "(func (export \"go\") (result i32) (loop $l (br $l)) i32.const 0)", "timed out after 2 s during prepare"),
    ];
    for (name, body, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = module(
            dir.path(),
            &format!("{name}.wasm"),
            &format!("(module {body})"),
        );
        let args = [
            "--runtime",
            "wasmtime",
            "--runtime",
            "wasmi",
            "--phase-timeout",
            "2",
        ];
        quick(dir.path(), &path, &args).code(3);
        let run = read_json(&dir.path().join("run.json"));
        for runtime in ["wasmtime", "wasmi"] {
            let r = result(&run, runtime);
            assert_eq!(r["status"], "error", "{name} on {runtime}");
            let error = r["error"].as_str().unwrap();
            assert!(error.contains(expected), "{name} on {runtime}: {error}");
        }
        assert!(
            dir.path().join("report.md").exists(),
            "{name}: report written"
        );
    }
}

#[test]
fn a_worker_killed_by_a_signal_is_reported_with_its_signal() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let args = [
        "--arg",
        "10",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmtime",
        "--inject-fault",
        "wasmi=abort@warm",
    ];
    quick(dir.path(), &fib, &args).code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "wasmi")["error"].as_str().unwrap().to_string();
    assert!(error.contains("SIGABRT"), "{error}");
    assert_eq!(result(&run, "wasmtime")["status"], "ok");
}

/// What cannot be called is refused before anything is measured, and no report is written.
#[test]
fn modules_that_cannot_be_called_are_refused_naming_why() {
    let dir = tempfile::tempdir().unwrap();
    let not_wasm = dir.path().join("notes.wasm");
    std::fs::write(&not_wasm, "hello").unwrap();
    let truncated = dir.path().join("truncated.wasm");
    std::fs::write(&truncated, &wat::parse_str(common::FIB).unwrap()[..20]).unwrap();
    let component = dir.path().join("component.wasm");
    std::fs::write(&component, wat::parse_str("(component)").unwrap()).unwrap();
    let unmet = dir.path().join("unmet.wasm");
    let needs_log = r#"(component (import "acme:plugins/log@1.0.0" (instance)))"#;
    std::fs::write(&unmet, wat::parse_str(needs_log).unwrap()).unwrap();
    let env = module(
        dir.path(),
        "env.wasm",
        r#"(module (import "env" "log" (func (param i32))))"#,
    );
    let cases: [(&Path, &str); 5] = [
        (&not_wasm, "not a WebAssembly module"),
        (&truncated, "not a valid module"),
        (
            &component,
            "say which function to call with --invoke 'name(args)'",
        ),
        (
            &unmet,
            "no host here meets these imports of the component: acme:plugins/log@1.0.0 (instance)",
        ),
        (&env, "no host here can satisfy its imports: env.log (func)"),
    ];
    for (path, expected) in cases {
        quick(dir.path(), path, &[])
            .code(1)
            .stderr(contains(expected));
        assert!(!dir.path().join("run.json").exists());
    }
    plugbench()
        .arg("inspect")
        .arg(&env)
        .assert()
        .code(1)
        .stderr(contains("env.log"));
}

#[test]
fn calls_that_do_not_fit_the_export_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fib = module(dir.path(), "fib.wasm", common::FIB);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--arg", "1", "--arg", "2"],
            "`fib` takes 1 argument(s) (i32), got 2 --arg",
        ),
        (&["--arg", "2.5"], "`2.5` is not an i32"),
        (
            &["--invoke", "fob", "--arg", "1"],
            "exports no function `fob`; its functions: fib",
        ),
        (
            &["--input", "Cargo.toml"],
            "takes numbers (--arg), not --input",
        ),
        (
            &["--arg", "1", "--baseline", "extism"],
            "--baseline extism does not host fib.wasm",
        ),
    ];
    for (args, expected) in cases {
        quick(dir.path(), &fib, args)
            .code(1)
            .stderr(contains(expected));
    }
    plugbench()
        .args(["compare", "--invoke", "fib"])
        .assert()
        .code(1)
        .stderr(contains("--invoke applies to a module of your own"));
}

#[test]
fn inspect_shows_shape_exports_and_hosts() {
    let plugin = example("primes.wasm");
    let out = plugbench().arg("inspect").arg(&plugin).assert().success();
    let shown = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        shown.contains("shape: core module with numeric exports (numeric)"),
        "{shown}"
    );
    assert!(
        shown.contains("count_primes             func (i32) -> (i32)"),
        "{shown}"
    );
    assert!(
        shown.contains("--invoke count_primes --arg VALUE"),
        "{shown}"
    );
    assert!(shown.contains("wasmtime             hosts it"), "{shown}");
    assert!(
        shown.contains("extism               cannot: it runs extism plugins only"),
        "{shown}"
    );
}

/// `--runtime NAME` for each of `names`.
fn runtime_args<'a>(names: &[&'a str]) -> Vec<&'a str> {
    names.iter().flat_map(|name| ["--runtime", name]).collect()
}

/// Runtimes whose adapters wire WASI, among the defaults.
fn wasi_hosts() -> Vec<String> {
    registry::default_names()
        .into_iter()
        .filter(|n| {
            let rt = registry::create(n).unwrap();
            rt.hosts(&runtimes::Program::Wasi(runtimes::WasiSetup::default()))
                .is_ok()
        })
        .collect()
}

#[test]
fn a_wasi_program_reads_stdin_on_every_runtime_with_wasi_verified() {
    let dir = tempfile::tempdir().unwrap();
    let stdin = dir.path().join("stdin.txt");
    std::fs::write(&stdin, "one two two\nthree three three\n").unwrap();
    let program = example("text-stats.wasm");
    quick(dir.path(), &program, &["--stdin", stdin.to_str().unwrap()]).success();
    let run = read_json(&dir.path().join("run.json"));
    let m = &run["environment"]["modules"][0];
    assert_eq!(m["shape"], "wasi-command");
    let not_hosted: Vec<&str> = m["not_hosted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert!(not_hosted.contains(&"extism"), "{not_hosted:?}");
    let hosts = wasi_hosts();
    assert!(hosts.len() >= 2, "{hosts:?}");
    assert_eq!(results(&run).len(), hosts.len());
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
        assert_eq!(r["verified"], true);
    }
}

#[test]
fn wasi_arguments_environment_and_directories_reach_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.txt"), "alpha beta beta\n").unwrap();
    let program = example("text-stats.wasm");
    let mapping = format!("{}::/data", data.display());
    let args = ["--arg", "/data/a.txt", "--dir", &mapping, "--env", "LANG=C"];
    quick(dir.path(), &program, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    let m = &run["environment"]["modules"][0];
    assert_eq!(m["calls"][0], "text-stats.wasm /data/a.txt");
    // A read-only directory: a runtime whose WASI cannot open one read-only says so.
    let said: Vec<String> = m["not_hosted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}", p[0].as_str().unwrap(), p[1].as_str().unwrap()))
        .collect();
    assert!(
        said.iter()
            .any(|s| s.starts_with("wasmi: wasmi_wasi (wasi-common) cannot preopen")),
        "{said:?}"
    );
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
    }
    // With --dir-rw every runtime with WASI hosts it.
    let rw = [&args[..], &["--dir-rw"]].concat();
    quick(dir.path(), &program, &rw).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(results(&run).len(), wasi_hosts().len());
    // A file the program cannot reach: it exits 1, an error row saying so.
    let missing = [
        "--arg",
        "/data/missing.txt",
        "--dir",
        &mapping,
        "--runtime",
        "wasmtime",
    ];
    quick(dir.path(), &program, &missing).code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "wasmtime")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("the program exited with code 1"), "{error}");
    assert!(error.contains("/data/missing.txt"), "{error}");
}

/// A WASI program that creates `made.txt` in the preopened directory whose name ends in
/// `out`: exit code 0, else the errno (100: no such directory).
const CREATE_FILE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $dirname (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "made.txt")
  ;; The preopen whose name ends in "out" ("/out" or "out"), or is ".": prestat at 0 (name
  ;; length at 4), its name at 32.
  (func $find (result i32) (local $fd i32) (local $len i32)
    (local.set $fd (i32.const 3))
    (block $none
      (loop $next
        (br_if $none (call $prestat (local.get $fd) (i32.const 0)))
        (local.set $len (i32.load (i32.const 4)))
        (if (i32.eq (local.get $len) (i32.const 1))
          (then
            (drop (call $dirname (local.get $fd) (i32.const 32) (i32.const 1)))
            (if (i32.eq (i32.load8_u (i32.const 32)) (i32.const 0x2e))
              (then (return (local.get $fd))))))
        (if (i32.and (i32.ge_u (local.get $len) (i32.const 3)) (i32.le_u (local.get $len) (i32.const 16)))
          (then
            (drop (call $dirname (local.get $fd) (i32.const 32) (local.get $len)))
            (if (i32.and
                  (i32.and
                    (i32.eq (i32.load8_u (i32.add (i32.const 29) (local.get $len))) (i32.const 0x6f))
                    (i32.eq (i32.load8_u (i32.add (i32.const 30) (local.get $len))) (i32.const 0x75)))
                  (i32.eq (i32.load8_u (i32.add (i32.const 31) (local.get $len))) (i32.const 0x74)))
              (then (return (local.get $fd))))))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (i32.const -1))
  ;; Creates made.txt in it for writing: exit code 0, else the errno (100: no such preopen).
  (func (export "_start") (local $dir i32)
    (local.set $dir (call $find))
    (if (i32.lt_s (local.get $dir) (i32.const 0)) (then (call $exit (i32.const 100))))
    (call $exit (call $open (local.get $dir) (i32.const 0) (i32.const 64) (i32.const 8)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 8)))))"#;

#[test]
fn a_read_only_directory_stays_unwritten_on_every_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let program = module(dir.path(), "create.wasm", CREATE_FILE);
    // Preopened at a path of its own, and as the guest's working directory.
    for guest in ["/out", "."] {
        let mapping = format!("{}::{guest}", out.display());
        quick(dir.path(), &program, &["--dir", &mapping]).code(3);
        let run = read_json(&dir.path().join("run.json"));
        let refused: Vec<&Value> = results(&run)
            .iter()
            .filter(|r| r["status"] != "ok")
            .collect();
        // Every runtime that offers read-only directories ran it and was refused the file.
        assert!(refused.len() >= 2, "{guest}: {:?}", results(&run));
        for r in &refused {
            let error = r["error"].as_str().unwrap();
            assert!(
                error.contains("the program exited with code"),
                "{guest}: {}: {error}",
                r["runtime"]
            );
        }
        assert_eq!(refused.len(), results(&run).len(), "{:?}", results(&run));
        assert!(!out.join("made.txt").exists(), "{guest}");

        quick(dir.path(), &program, &["--dir", &mapping, "--dir-rw"]).success();
        let run = read_json(&dir.path().join("run.json"));
        assert_eq!(results(&run).len(), wasi_hosts().len(), "{guest}");
        assert!(out.join("made.txt").exists(), "{guest}");
        std::fs::remove_file(out.join("made.txt")).unwrap();
    }
}

/// A Sightglass-style benchmark reads `./default.input` from the directory preopened as `.`:
/// every WASI host runs it (wasmi only with `--dir-rw`), times its marked region and agrees on
/// its output, which every report shows; the same with the directory given without `::GUEST`
/// from inside it, as Sightglass runs its benchmarks (`--dir .`).
#[test]
fn a_sightglass_program_reads_its_input_from_the_directory_preopened_as_dot() {
    let dir = tempfile::tempdir().unwrap();
    let bench = dir.path().join("bench");
    std::fs::create_dir(&bench).unwrap();
    std::fs::write(bench.join("default.input"), "to be or not to be\n").unwrap();
    let program = example("bench-words.wasm");
    let mapping = format!("{}::.", bench.display());
    let expected = "4 distinct words, most frequent: be (2)";
    let every_host_agrees = |run: &Value, hosts: &[String]| {
        let ran: Vec<&str> = results(run)
            .iter()
            .map(|r| r["runtime"].as_str().unwrap())
            .collect();
        assert_eq!(ran, hosts.iter().map(String::as_str).collect::<Vec<_>>());
        for r in results(run) {
            assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
            assert_eq!(r["verified"], true, "{}", r["runtime"]);
        }
        let answer = &run["groups"][0]["answer"];
        assert_eq!(answer["kind"], "program", "{answer}");
        assert_eq!(answer["exit_code"], 0);
        assert_eq!(answer["stdout"]["preview"], expected, "{answer}");
    };
    let read_only: Vec<String> = wasi_hosts()
        .into_iter()
        .filter(|h| !h.starts_with("wasmi"))
        .collect();
    assert!(
        read_only.iter().filter(|h| h.starts_with("wasmer")).count() >= 2,
        "{read_only:?}"
    );
    quick(dir.path(), &program, &["--dir", &mapping, "--no-phases"]).success();
    let run = read_json(&dir.path().join("run.json"));
    every_host_agrees(&run, &read_only);
    // wasmi's reason is in the terminal and the markdown, not only the JSON.
    let report = read_report(&dir.path().join("report.md"));
    for shown in [
        format!(
            "Output (every verified runtime's): exit code 0; stdout {} bytes",
            expected.len() + 1
        ),
        "Not hosted by wasmi, wasmi-lazy, wasmi-eager: wasmi_wasi (wasi-common) cannot preopen"
            .into(),
        "--dir-rw lets wasmi host it".into(),
    ] {
        assert!(report.contains(&shown), "{shown}\n{report}");
    }

    let rw = ["--dir", &mapping, "--dir-rw", "--no-phases"];
    let terminal = quick(dir.path(), &program, &rw).success();
    let terminal = String::from_utf8_lossy(&terminal.get_output().stdout).to_string();
    assert!(terminal.contains(expected), "{terminal}");
    every_host_agrees(&read_json(&dir.path().join("run.json")), &wasi_hosts());

    // `--dir .` from inside the directory: the guest path is `.` too.
    quick_command(dir.path(), &program, &["--dir", ".", "--no-phases"])
        .current_dir(&bench)
        .assert()
        .success();
    every_host_agrees(&read_json(&dir.path().join("run.json")), &read_only);
}

/// An extism plugin built for wasm32-wasip1 imports WASI: extism runs it with its WASI on, and
/// `--dir` is the plugin's allowed path, read through WASI; a plugin that imports no WASI runs
/// with it off, and each report says which.
#[test]
fn an_extism_plugin_that_imports_wasi_runs_with_extism_s_wasi() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.txt"), "alpha beta beta gamma\n").unwrap();
    let path = dir.path().join("path.txt");
    std::fs::write(&path, "/data/a.txt").unwrap();
    let plugin = example("word-freq.extism-wasi.wasm");
    let mapping = format!("{}::/data", data.display());
    let args = [
        "--invoke",
        "word_freq_file",
        "--input",
        path.to_str().unwrap(),
        "--dir",
        &mapping,
    ];
    quick(dir.path(), &plugin, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    let r = result(&run, "extism");
    assert_eq!(r["status"], "ok", "{}", r["error"]);
    assert_eq!(r["verified"], true);
    assert_eq!(run["environment"]["modules"][0]["imports_wasi"], true);
    let answer = &run["groups"][0]["answer"];
    assert_eq!(
        answer["output"]["preview"], "2 beta 1 alpha 1 gamma",
        "{answer}"
    );
    let report = read_report(&dir.path().join("report.md"));
    assert!(
        report.contains("It imports WASI: extism ran it with its WASI on"),
        "{report}"
    );

    // Without the directory the file is not there: an error row, not a crash.
    quick(dir.path(), &plugin, &args[..4]).code(3);
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(result(&run, "extism")["status"], "error");
    // extism's WASI has no environment to give: refused before measuring, saying why.
    let env = [&args[..], &["--env", "A=1"]].concat();
    quick(dir.path(), &plugin, &env).code(1).stderr(contains(
        "extism's WASI gives a plugin no arguments or environment variables",
    ));
    // The same plugin built without WASI runs with it off.
    let text = dir.path().join("text.txt");
    std::fs::write(&text, "one two two").unwrap();
    quick(
        dir.path(),
        &example("word-freq.extism.wasm"),
        &["--input", text.to_str().unwrap()],
    )
    .success();
    let report = read_report(&dir.path().join("report.md"));
    assert!(
        report.contains("It imports no WASI: extism ran it with WASI off"),
        "{report}"
    );
}

/// A WASI program that writes 64 KiB blocks to stdout until the host refuses.
const FLOOD: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $more
      (br_if $more (i32.eqz (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))))"#;

#[test]
fn a_program_that_floods_stdout_is_capped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let flood = module(dir.path(), "flood.wasm", FLOOD);
    let hosts = ["wasmtime", "wasmi", "wasmer-cranelift"];
    quick(dir.path(), &flood, &runtime_args(&hosts)).code(3);
    let run = read_json(&dir.path().join("run.json"));
    for runtime in hosts {
        let error = result(&run, runtime)["error"].as_str().unwrap().to_string();
        assert!(
            error.contains("wrote more than 64 MiB to stdout (capped"),
            "{runtime}: {error}"
        );
    }
}

#[test]
fn a_sightglass_benchmark_is_timed_between_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    // Work outside the markers (a long loop) and inside them (a short one).
    let bench = module(
        dir.path(),
        "bench.wasm",
        r#"(module
          (import "bench" "start" (func $start))
          (import "bench" "end" (func $end))
          (func $spin (param $n i32)
            (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
          (func (export "_start")
            (call $spin (i32.const 2000000))
            (call $start)
            (call $spin (i32.const 1000))
            (call $end)))"#,
    );
    let hosts = ["wasmi", "wasmer-singlepass"];
    let args = [runtime_args(&hosts), vec!["--no-phases"]].concat();
    quick(dir.path(), &bench, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(
        run["environment"]["modules"][0]["shape"],
        "sightglass-bench"
    );
    for runtime in hosts {
        let r = result(&run, runtime);
        assert_eq!(r["status"], "ok", "{runtime}: {}", r["error"]);
        // The warm figure is the marked region, far below the whole call (the first call
        // includes the long loop).
        let warm = r["warm"]["median_ns"].as_f64().unwrap();
        let first = r["first_call_ns"].as_f64().unwrap();
        assert!(
            warm * 20.0 < first,
            "{runtime}: warm {warm} ns vs first call {first} ns"
        );
    }

    let unmarked = module(
        dir.path(),
        "unmarked.wasm",
        r#"(module
          (import "bench" "start" (func $start))
          (import "bench" "end" (func $end))
          (func (export "_start")))"#,
    );
    quick(dir.path(), &unmarked, &args).code(3);
    let run = read_json(&dir.path().join("run.json"));
    for runtime in hosts {
        let error = result(&run, runtime)["error"].as_str().unwrap().to_string();
        assert!(
            error.contains("did not call both bench.start and bench.end"),
            "{runtime}: {error}"
        );
    }
}

#[test]
fn a_wasi_reactor_export_is_called_after_initialize() {
    let dir = tempfile::tempdir().unwrap();
    let reactor = module(
        dir.path(),
        "reactor.wasm",
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
          (global $base (mut i32) (i32.const 0))
          (func (export "_initialize") (global.set $base (i32.const 100)))
          (func (export "add") (param i32) (result i32) (i32.add (global.get $base) (local.get 0))))"#,
    );
    // No memory: wasmer-wasix wants one, the others do not care.
    let hosts = ["wasmtime", "wasmi", "wasmer-cranelift"];
    let args = [vec!["--invoke", "add", "--arg", "5"], runtime_args(&hosts)].concat();
    quick(dir.path(), &reactor, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["environment"]["modules"][0]["shape"], "wasi-reactor");
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
        assert_eq!(r["verified"], true);
    }
}

#[test]
fn the_plugin_s_own_native_build_is_the_baseline_with_native() {
    let dir = tempfile::tempdir().unwrap();
    let primes_so = example("primes.so");
    let numeric = ["--arg", "20000", "--native", primes_so.to_str().unwrap()];
    let args = [
        &numeric[..],
        &["--runtime", "wasmtime", "--runtime", "wasmi"],
    ]
    .concat();
    quick(dir.path(), &example("primes.wasm"), &args).success();
    let run = read_json(&dir.path().join("run.json"));
    let native = result(&run, "native-library");
    assert_eq!(native["status"], "ok", "{}", native["error"]);
    assert_eq!(
        (native["baseline"].as_bool(), native["native"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(run["settings"]["baseline"], "native-library");
    for runtime in ["wasmtime", "wasmi"] {
        let r = result(&run, runtime);
        assert_eq!(r["verified"], true, "{runtime}: {}", r["error"]);
        assert!(r["ratio_to_native"]["value"].as_f64().is_some());
    }
    let report = read_report(&dir.path().join("report.md"));
    assert!(report.contains("vs native-library [95% CI]"));

    let input = dir.path().join("text.txt");
    std::fs::write(
        &input,
        "the native build of the plugin is the baseline ".repeat(50),
    )
    .unwrap();
    let word_freq_so = example("word-freq.so");
    let bytes = [
        "--input",
        input.to_str().unwrap(),
        "--native",
        word_freq_so.to_str().unwrap(),
    ];
    quick(
        dir.path(),
        &example("word-freq.wasm"),
        &[&bytes[..], &["--runtime", "wasmtime"]].concat(),
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(result(&run, "native-library")["baseline"], true);
    assert_eq!(result(&run, "wasmtime")["verified"], true);
}

#[test]
fn a_native_build_without_the_function_is_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = example("word-freq.so");
    let args = [
        "--arg",
        "100",
        "--native",
        wrong.to_str().unwrap(),
        "--runtime",
        "wasmtime",
    ];
    quick(dir.path(), &example("primes.wasm"), &args).code(3);
    let run = read_json(&dir.path().join("run.json"));
    let error = result(&run, "native-library")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("count_primes"), "{error}");
    assert_eq!(result(&run, "wasmtime")["status"], "ok");
    let missing = ["--arg", "100", "--native", "no-such.so"];
    quick(dir.path(), &example("primes.wasm"), &missing)
        .code(1)
        .stderr(contains("--native no-such.so"));
}

/// A proposal a runtime lacks is that runtime's error row at compile; the others run it.
#[test]
fn a_proposal_a_runtime_lacks_is_its_error_row_and_the_others_run() {
    let dir = tempfile::tempdir().unwrap();
    let simd = module(
        dir.path(),
        "simd.wasm",
        r#"(module (func (export "lane") (result i32)
            (i32x4.extract_lane 2 (i32x4.splat (i32.const 7)))))"#,
    );
    let args = [
        "--runtime",
        "wasmtime",
        "--runtime",
        "wasmi",
        "--runtime",
        "wasmer-singlepass",
    ];
    quick(dir.path(), &simd, &args).code(3);
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(result(&run, "wasmtime")["status"], "ok");
    for runtime in ["wasmi", "wasmer-singlepass"] {
        let error = result(&run, runtime)["error"].as_str().unwrap().to_string();
        assert!(error.contains("compile failed"), "{runtime}: {error}");
    }
}

/// Modules from compilers of GC languages, C++ and 64-bit toolchains: `inspect` and `compare`
/// read them whole (the GC module once panicked inside the type reader), and each runtime
/// runs them or says why not in its row.
#[test]
fn modules_of_gc_exceptions_and_memory64_are_inspected_and_measured_or_refused_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let modules = [
        (
            "gc.wasm",
            r#"(module
                 (type $point (struct (field i32) (field i32)))
                 (func (export "run") (result i32)
                   (struct.get $point 1 (struct.new $point (i32.const 1) (i32.const 42)))))"#,
        ),
        (
            "exceptions.wasm",
            r#"(module (tag $e (param i32))
                 (func (export "run") (result i32)
                   (block $h (result i32)
                     (try_table (catch $e $h) (throw $e (i32.const 42)))
                     (i32.const 0))))"#,
        ),
        (
            "memory64.wasm",
            r#"(module (memory i64 1)
                 (func (export "run") (result i32)
                   (i64.store (i64.const 8) (i64.const 42))
                   (i32.wrap_i64 (i64.load (i64.const 8)))))"#,
        ),
    ];
    for (name, wat) in modules {
        let path = module(dir.path(), name, wat);
        let shown = plugbench().arg("inspect").arg(&path).assert().success();
        let shown = String::from_utf8_lossy(&shown.get_output().stdout).to_string();
        assert!(
            shown.contains("run                      func () -> (i32)"),
            "{name}: {shown}"
        );
        let args = [
            "--invoke",
            "run",
            "--runtime",
            "wasmtime",
            "--runtime",
            "wasmi",
            "--runtime",
            "tinywasm",
        ];
        let code = quick(dir.path(), &path, &args).get_output().status.code();
        assert!(matches!(code, Some(0 | 3)), "{name}: exit code {code:?}");
        let run = read_json(&dir.path().join("run.json"));
        assert_eq!(results(&run).len(), 3, "{name}");
        let mut ran = 0;
        for r in results(&run) {
            match r["status"].as_str() {
                Some("ok") => ran += 1,
                _ => assert!(
                    r["error"].as_str().unwrap().contains("compile failed"),
                    "{name}: {}: {}",
                    r["runtime"],
                    r["error"]
                ),
            }
        }
        assert!(ran >= 1, "{name}: no runtime ran it");
        if ran > 0 {
            assert_eq!(run["groups"][0]["answer"]["values"][0]["i32"], 42, "{name}");
        }
    }
}

#[test]
fn a_trap_in_the_start_function_is_an_instantiate_error() {
    let dir = tempfile::tempdir().unwrap();
    let start = module(
        dir.path(),
        "start.wasm",
        r#"(module (func $boom unreachable) (start $boom) (func (export "f") (result i32) i32.const 1))"#,
    );
    quick(
        dir.path(),
        &start,
        &["--runtime", "wasmtime", "--runtime", "wasmi"],
    )
    .code(3);
    let run = read_json(&dir.path().join("run.json"));
    for runtime in ["wasmtime", "wasmi"] {
        let error = result(&run, runtime)["error"].as_str().unwrap().to_string();
        assert!(error.contains("instantiate failed"), "{runtime}: {error}");
    }
}

#[test]
fn a_plugin_for_the_old_extism_abi_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let old = module(
        dir.path(),
        "old.wasm",
        r#"(module (import "env" "extism_input_length" (func (result i64)))
            (func (export "count") (result i32) i32.const 0))"#,
    );
    quick(dir.path(), &old, &[])
        .code(1)
        .stderr(contains("an extism plugin for the ABI before extism 1.0"));
}

#[test]
fn a_directory_of_modules_is_a_workload_per_module() {
    let dir = tempfile::tempdir().unwrap();
    let modules = dir.path().join("modules");
    std::fs::create_dir(&modules).unwrap();
    module(&modules, "a.wasm", common::FIB);
    module(&modules, "b.wasm", common::FIB);
    std::fs::write(modules.join("notes.txt"), "not a module").unwrap();
    let args = ["--arg", "10", "--runtime", "wasmi"];
    quick(dir.path(), &modules, &args).success();
    let run = read_json(&dir.path().join("run.json"));
    let names: Vec<&str> = run["environment"]["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a.wasm", "b.wasm"]);
    assert_eq!(results(&run).len(), 2);
}

/// A host API as a module of its own: a clock that ticks once per reading and a logger that
/// sums what it is given (`--link host=host.wasm`).
const HOST: &str = r#"(module
  (global $ticks (mut i64) (i64.const 1000))
  (global $logged (mut i64) (i64.const 0))
  (func (export "clock") (result i64)
    (global.set $ticks (i64.add (global.get $ticks) (i64.const 1)))
    (global.get $ticks))
  (func (export "log") (param i64)
    (global.set $logged (i64.add (global.get $logged) (local.get 0)))))"#;

/// Sums 1..=n, logs the sum, and adds how many ticks the clock moved (one).
const TIMED_SUM: &str = r#"(module
  (import "host" "clock" (func $clock (result i64)))
  (import "host" "log" (func $log (param i64)))
  (func (export "work") (param $n i32) (result i64) (local $t0 i64) (local $sum i64)
    (local.set $t0 (call $clock))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (call $log (local.get $sum))
    (i64.add (local.get $sum) (i64.sub (call $clock) (local.get $t0)))))"#;

/// The same through extism's kernel: 8 bytes out, the ticks the clock moved.
const TIMED_PLUGIN: &str = r#"(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store (param i64 i64)))
  (import "extism:host/env" "output_set" (func $output (param i64 i64)))
  (import "host" "clock" (func $clock (result i64)))
  (import "host" "log" (func $log (param i64)))
  (memory (export "memory") 1)
  (func (export "work") (result i32) (local $t0 i64) (local $at i64)
    (local.set $t0 (call $clock))
    (call $log (i64.const 7))
    (local.set $at (call $alloc (i64.const 8)))
    (call $store (local.get $at) (i64.sub (call $clock) (local.get $t0)))
    (call $output (local.get $at) (i64.const 8))
    (i32.const 0)))"#;

/// A module that imports its clock and logger from a linked module is measured on every
/// core-module runtime and on extism, each linked module named by file and SHA-256.
#[test]
fn a_module_importing_from_a_linked_module_runs_on_every_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let host = module(dir.path(), "host.wasm", HOST);
    let link = format!("host={}", host.display());
    let timed = module(dir.path(), "timed.wasm", TIMED_SUM);
    let shown = plugbench()
        .args(["inspect", timed.to_str().unwrap(), "--link", &link])
        .assert()
        .success();
    let shown = String::from_utf8_lossy(&shown.get_output().stdout).to_string();
    assert!(shown.contains("from --link host:"), "{shown}");
    quick(
        dir.path(),
        &timed,
        &["--invoke", "work", "--arg", "100", "--link", &link],
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(results(&run).len(), core_hosts().len());
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
        assert_eq!(r["verified"], true);
    }
    assert_eq!(run["groups"][0]["answer"]["values"][0]["i64"], 5051);
    let linked = &run["environment"]["modules"][0]["links"][0];
    assert_eq!(linked["name"], "host");
    assert_eq!(linked["sha256"].as_str().unwrap().len(), 64);
    let report = read_report(&dir.path().join("report.md"));
    assert!(report.contains("Linked (`--link host`)"), "{report}");

    let plugin = module(dir.path(), "timed-plugin.wasm", TIMED_PLUGIN);
    quick(dir.path(), &plugin, &["--invoke", "work", "--link", &link]).success();
    let run = read_json(&dir.path().join("run.json"));
    let r = result(&run, "extism");
    assert_eq!(r["status"], "ok", "{}", r["error"]);
    assert_eq!(run["groups"][0]["answer"]["output"]["bytes"], 8);
}

/// A linked module that is missing, invalid, lacks an import asked for or is not imported
/// from is refused before anything runs, saying which.
#[test]
fn linked_modules_that_do_not_fit_are_refused_naming_why() {
    let dir = tempfile::tempdir().unwrap();
    let timed = module(dir.path(), "timed.wasm", TIMED_SUM);
    let no_log = module(
        dir.path(),
        "no-log.wasm",
        r#"(module (func (export "clock") (result i64) i64.const 0))"#,
    );
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm\x01\0\0\0garbage").unwrap();
    let host = module(dir.path(), "host.wasm", HOST);
    let cases = [
        (
            format!("host={}", dir.path().join("missing.wasm").display()),
            "read it",
        ),
        (format!("host={}", garbage.display()), "not a valid module"),
        (
            format!("host={}", no_log.display()),
            "imports `host.log` (func), which --link host=",
        ),
        (
            format!("other={}", host.display()),
            "no host here can satisfy its imports",
        ),
        ("host".to_string(), "NAME=PATH.wasm"),
    ];
    for (link, why) in cases {
        quick(
            dir.path(),
            &timed,
            &["--invoke", "work", "--arg", "3", "--link", &link],
        )
        .failure()
        .stderr(contains(why));
    }
    let two = [
        "--invoke",
        "work",
        "--arg",
        "3",
        "--link",
        &format!("host={}", host.display()),
        "--link",
        &format!("spare={}", host.display()),
    ];
    quick(dir.path(), &timed, &two)
        .code(1)
        .stderr(contains("timed.wasm imports nothing from `spare`"));
}

/// A module with a lifecycle: `setup(limit)` makes a handle, `run(handle)` counts the primes
/// below the limit, `len_primes(handle)` reads the count, `teardown(handle)` ends it; `advance`
/// adds one to a counter on every call, which `counter` reads.
const LIFECYCLE: &str = r#"(module
  (global $limit (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $counter (mut i32) (i32.const 0))
  (global $live (mut i32) (i32.const 0))
  (func (export "setup") (param $n i32) (result i32)
    (global.set $limit (local.get $n))
    (global.set $counter (i32.const 0))
    (global.set $live (i32.const 1))
    (i32.const 7))
  (func $prime (param $n i32) (result i32) (local $d i32)
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (return (i32.const 0))))
    (local.set $d (i32.const 2))
    (block $done (loop $next
      (br_if $done (i32.gt_u (i32.mul (local.get $d) (local.get $d)) (local.get $n)))
      (if (i32.eqz (i32.rem_u (local.get $n) (local.get $d))) (then (return (i32.const 0))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $next)))
    (i32.const 1))
  (func (export "run") (param $handle i32) (local $n i32) (local $found i32)
    (if (i32.ne (local.get $handle) (i32.const 7)) (then unreachable))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $n) (global.get $limit)))
      (local.set $found (i32.add (local.get $found) (call $prime (local.get $n))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (global.set $count (local.get $found)))
  (func (export "len_primes") (param i32) (result i32) (global.get $count))
  (func (export "advance") (param i32) (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "counter") (param i32) (result i32) (global.get $counter))
  (func (export "teardown") (param i32)
    (if (i32.eqz (global.get $live)) (then unreachable))
    (global.set $live (i32.const 0))))"#;

/// Only the timed call is the warm figure; the getter's value is the verified output; setup
/// and teardown are phases of their own; a timed call that changes the state gets a fresh
/// setup per call, and the report says so.
#[test]
fn a_setup_run_check_sequence_is_measured_with_its_getter_verified() {
    let dir = tempfile::tempdir().unwrap();
    let lifecycle = module(dir.path(), "lifecycle.wasm", LIFECYCLE);
    let hosts = ["wasmtime", "wasmi", "wasmer-cranelift", "tinywasm"];
    let sequence = [
        "--setup",
        "setup(1000)",
        "--invoke",
        "run($setup)",
        "--check",
        "len_primes($setup)",
        "--teardown",
        "teardown($setup)",
    ];
    quick(
        dir.path(),
        &lifecycle,
        &[&sequence[..], &runtime_args(&hosts)].concat(),
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["groups"][0]["answer"]["values"][0]["i32"], 168);
    assert_eq!(
        run["environment"]["modules"][0]["calls"][0],
        "setup setup(1000:i32); timed run($setup); check len_primes($setup); teardown teardown($setup)"
    );
    for runtime in hosts {
        let r = result(&run, runtime);
        assert_eq!(r["status"], "ok", "{runtime}: {}", r["error"]);
        assert_eq!(r["verified"], true);
        for phase in ["setup", "teardown"] {
            assert_eq!(
                r["phases"][phase]["status"], "measured",
                "{runtime} {phase}"
            );
        }
        assert!(!r["config"].as_str().unwrap().contains("fresh setup"));
    }
    let report = read_report(&dir.path().join("report.md"));
    assert!(report.contains("| setup"), "{report}");

    // A timed call that moves the state: each gets a fresh setup, and says so.
    let stateful = [
        "--setup",
        "setup(10)",
        "--invoke",
        "advance($setup)",
        "--check",
        "counter($setup)",
    ];
    quick(
        dir.path(),
        &lifecycle,
        &[&stateful[..], &runtime_args(&hosts)].concat(),
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    assert_eq!(run["groups"][0]["answer"]["values"][0]["i32"], 1);
    for runtime in hosts {
        let r = result(&run, runtime);
        assert_eq!(r["status"], "ok", "{runtime}: {}", r["error"]);
        assert!(
            r["config"].as_str().unwrap().contains("fresh setup"),
            "{runtime}"
        );
    }
}

#[test]
fn sequences_that_do_not_fit_the_module_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lifecycle = module(dir.path(), "lifecycle.wasm", LIFECYCLE);
    for (args, why) in [
        (
            vec!["--setup", "setup(10)", "--invoke", "nope($setup)"],
            "exports no function `nope`",
        ),
        (
            vec!["--setup", "setup(x)", "--invoke", "run($setup)"],
            "is not an i32",
        ),
        (vec!["--invoke", "run($setup)"], "without --setup"),
        (
            vec!["--setup", "setup(1)", "--invoke", "run($setup, 2)"],
            "takes 1 argument(s), 2 given",
        ),
        (
            vec!["--setup", "setup(1)", "--check", "len_primes($setup)"],
            "--invoke 'name(args)'",
        ),
    ] {
        quick(dir.path(), &lifecycle, &args)
            .code(1)
            .stderr(contains(why));
    }
    let plugin = example("word-freq.extism.wasm");
    quick(
        dir.path(),
        &plugin,
        &["--setup", "a()", "--invoke", "word_freq()"],
    )
    .code(1)
    .stderr(contains("calls exports with numbers"));
}

/// A linked module may use WASI itself: the module that imports from it then runs as a WASI
/// reactor, the linked module's output in its answer; a runtime whose WASI cannot serve a
/// linked module says why.
#[test]
fn a_linked_module_may_use_wasi() {
    let dir = tempfile::tempdir().unwrap();
    let logger = module(
        dir.path(),
        "logger.wasm",
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "logged\n")
          (func (export "log") (param i64)
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 7))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    );
    let main = module(
        dir.path(),
        "double.wasm",
        r#"(module (import "host" "log" (func $log (param i64)))
          (func (export "double") (param $n i64) (result i64)
            (call $log (local.get $n))
            (i64.mul (local.get $n) (i64.const 2))))"#,
    );
    let link = format!("host={}", logger.display());
    quick(
        dir.path(),
        &main,
        &["--invoke", "double", "--arg", "21", "--link", &link],
    )
    .success();
    let run = read_json(&dir.path().join("run.json"));
    let answer = &run["groups"][0]["answer"];
    assert_eq!(answer["kind"], "program", "{answer}");
    assert_eq!(answer["results"][0]["i64"], 42, "{answer}");
    assert_eq!(answer["stdout"]["preview"], "logged", "{answer}");
    let ran: Vec<&str> = results(&run)
        .iter()
        .map(|r| r["runtime"].as_str().unwrap())
        .collect();
    assert!(
        ran.contains(&"wasmtime") && ran.contains(&"wasmi"),
        "{ran:?}"
    );
    for r in results(&run) {
        assert_eq!(r["status"], "ok", "{}: {}", r["runtime"], r["error"]);
    }
    let said = run["environment"]["modules"][0]["not_hosted"].to_string();
    assert!(
        said.contains("wasmer-wasix binds WASI to one instance's memory"),
        "{said}"
    );
}
