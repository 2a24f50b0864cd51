//! The host under load: every adapter serves events on two threads in each host model with
//! every checked output right; a stalled event shows in the tail latency; `plugbench load`
//! end to end, a wrong answer under load an error row naming its event. Nothing here asserts
//! a speed.

mod common;

use std::time::Duration;

use common::{plugbench, read_json, read_report, registry};
use plugbench_data::load::{Arrival, HostModel, LoadSample, CHECK_EVERY};
use predicates::str::contains;
use runner::failure::Failure;
use runner::load::figures::percentiles;
use runner::load::host::{serve, LoadSpec, Stall};
use runner::load::tenants::{build, distinct};
use runtimes::{Compiled, GuestFormat, Program, KERNELS};

fn kernel() -> &'static runtimes::Kernel {
    &KERNELS[0]
}

/// `runtime` compiled for the first kernel, and the kernel's input at a small size.
fn compiled(runtime: &str) -> (Box<dyn Compiled>, Vec<u8>) {
    let (mut modules, input) = tenants(runtime, 1);
    (modules.remove(0), input)
}

/// `count` distinct modules of the first kernel compiled by `runtime` (the `tenants` model's),
/// and the kernel's input at a small size.
fn tenants(runtime: &str, count: u32) -> (Vec<Box<dyn Compiled>>, Vec<u8>) {
    let runtime = registry::create(runtime).unwrap();
    let bytes = runtime.info().guest.artifact(kernel());
    let compile =
        |index: u32| runtime.compile(&Program::Kernel(kernel()), &distinct(bytes, index), None);
    let input = (kernel().make_input)(10, 1);
    let (modules, cost) = build(count, &compile, &input, &checker(&input)).unwrap();
    assert_eq!(cost.tenants, count);
    (modules, input)
}

fn checker(input: &[u8]) -> impl Fn(&[u8]) -> Result<(), Failure> {
    let expected = kernel().expected_output(input).unwrap();
    move |output: &[u8]| {
        (kernel().verify)(&expected, output).map_err(|e| Failure::mismatch(format!("native: {e}")))
    }
}

fn served(compiled: &dyn Compiled, input: &[u8], spec: &LoadSpec) -> Result<LoadSample, Failure> {
    serve(&[compiled], input, &checker(input), spec)
}

fn spec(model: HostModel, arrival: Arrival, duration_ms: u64) -> LoadSpec {
    LoadSpec {
        model,
        threads: 2,
        duration: Duration::from_millis(duration_ms),
        arrival,
        stall: None,
    }
}

#[test]
fn every_adapter_serves_each_host_model_on_two_threads_with_checked_outputs() {
    for entry in registry::all() {
        let (modules, input) = tenants(&entry.name, 3);
        let modules: Vec<&dyn Compiled> = modules.iter().map(|m| m.as_ref()).collect();
        for &model in HostModel::ALL {
            // Every model but `tenants` serves the first module alone.
            let served_by = match model {
                HostModel::Tenants => &modules[..],
                HostModel::InstancePerEvent | HostModel::Pooled => &modules[..1],
            };
            let spec = spec(model, Arrival::Closed, 60);
            let sample = serve(served_by, &input, &checker(&input), &spec)
                .unwrap_or_else(|e| panic!("{} {model}: {e}", entry.name));
            let recorded: u64 = sample.latency.iter().map(|(_, n)| n).sum();
            assert!(sample.events >= 2, "{} {model}: {sample:?}", entry.name);
            assert_eq!(
                recorded, sample.events,
                "{} {model}: every event timed",
                entry.name
            );
            // Each thread's first event and one in CHECK_EVERY after it.
            let least = sample.events / CHECK_EVERY;
            assert!(
                sample.checked >= least.max(2),
                "{} {model}: {sample:?}",
                entry.name
            );
            assert!(sample.wall_ns > 0.0);
        }
    }
}

#[test]
fn a_wrong_output_under_load_fails_naming_its_thread_and_event() {
    let (compiled, input) = compiled("wasmi");
    let check = |_: &[u8]| Err(Failure::mismatch("native: byte 0 differs"));
    let error = serve(
        &[compiled.as_ref()],
        &input,
        &check,
        &spec(HostModel::Pooled, Arrival::Closed, 50),
    )
    .unwrap_err();
    assert!(error.is_mismatch(), "{error:?}");
    assert!(error.message.contains("host thread"), "{error}");
    assert!(error.message.contains("event 0"), "{error}");
}

/// At a fixed arrival rate a stalled event delays the events due behind it, so the stall
/// reaches the 99th percentile; timed from when each event started instead, it would be one
/// slow event among thousands and the 99th percentile would not see it.
#[test]
fn a_stalled_event_shows_in_the_tail_at_a_fixed_rate() {
    let native = registry::all()
        .into_iter()
        .find(|e| {
            registry::create(&e.name)
                .map(|r| r.info().guest == GuestFormat::Native)
                .unwrap_or(false)
        })
        .expect("a native runtime");
    let (compiled, input) = compiled(&native.name);
    let pause = Duration::from_millis(100);
    let stalled = LoadSpec {
        stall: Some(Stall { event: 50, pause }),
        // 1000 events a second per thread: the stall holds up about a hundred of thread 0's.
        ..spec(
            HostModel::Pooled,
            Arrival::Open {
                events_per_s: 2000.0,
            },
            1000,
        )
    };
    let sample = served(compiled.as_ref(), &input, &stalled).unwrap();
    let tail = percentiles(&sample.latency);
    assert!(
        tail.p99_ns >= pause.as_nanos() as f64 / 2.0,
        "the stall is missing from the tail: {tail:?}"
    );
    assert!(tail.max_ns >= pause.as_nanos() as f64, "{tail:?}");
}

/// A short schedule on 1 and 2 threads: one worker launch of two rounds, samples of `sample`
/// and `open_sample` seconds.
fn one_launch_of_two_rounds<'a>(sample: &'a str, open_sample: &'a str) -> [&'a str; 10] {
    [
        "--threads",
        "1,2",
        "--launches",
        "1",
        "--rounds",
        "2",
        "--sample",
        sample,
        "--open-sample",
        open_sample,
    ]
}

/// A short run of the command on two runtimes: every row verified, the JSON written.
fn quick_load(dir: &std::path::Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    plugbench()
        .args([
            "load",
            "--runtime",
            "wasmi",
            "--threads",
            "1,2",
            "--launches",
            "2",
            "--rounds",
            "1",
            "--sample",
            "0.05",
            "--open-sample",
            "0.1",
            "--tenants",
            "3",
        ])
        .arg("--json")
        .arg(dir.join("load.json"))
        .args(extra)
        .assert()
}

#[test]
fn load_measures_every_runtime_model_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    quick_load(dir.path(), &[])
        .success()
        .stdout(contains("events/s"));
    let file = read_json(&dir.path().join("load.json"));
    let rows = file["rows"].as_array().unwrap();
    assert_eq!(file["settings"]["launches"], 2);
    // wasmi and the native baseline, three models, two thread counts.
    assert_eq!(rows.len(), 2 * 3 * 2, "{rows:?}");
    for row in rows {
        assert!(row["error"].is_null(), "{row}");
        // One round in each of two worker processes.
        assert_eq!(row["rates"].as_array().unwrap().len(), 2, "{row}");
        assert!(row["checked"].as_u64().unwrap() > 0, "{row}");
        assert_eq!(row["at_load"].as_array().unwrap().len(), 2, "{row}");
        assert!(row["efficiency"]["value"].as_f64().unwrap() > 0.0, "{row}");
    }
    // Each runtime's tenants: compiled, their cost measured (RSS is readable on Linux).
    let tenants = file["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 2, "{tenants:?}");
    for row in tenants {
        assert!(row["error"].is_null(), "{row}");
        assert_eq!(row["cost"]["tenants"], 3, "{row}");
        assert!(row["cost"]["compile_ns"].as_f64().unwrap() > 0.0, "{row}");
        if cfg!(target_os = "linux") {
            assert!(row["cost"]["with_instance_kib"].is_number(), "{row}");
        }
    }
}

#[test]
fn a_wrong_answer_under_load_is_an_error_row_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    quick_load(dir.path(), &["--inject-fault", "wasmi=wrong-under-load"])
        .code(3)
        .stdout(contains("ERROR"));
    let file = read_json(&dir.path().join("load.json"));
    for row in file["rows"].as_array().unwrap() {
        let error = row["error"].as_str();
        if row["runtime"] == "wasmi" {
            let error = error.unwrap_or_else(|| panic!("no error: {row}"));
            assert!(
                error.contains("output differs") && error.contains("event"),
                "{error}"
            );
        } else {
            assert!(error.is_none(), "{row}");
        }
    }
}

#[test]
fn a_slow_event_in_a_worker_reaches_its_rows_tail_latency() {
    let dir = tempfile::tempdir().unwrap();
    quick_load(dir.path(), &["--inject-fault", "wasmi=slow-event"]).success();
    let file = read_json(&dir.path().join("load.json"));
    let pause_ns = runner::fault::SLOW_EVENT_PAUSE.as_nanos() as f64;
    // One thread: every event due after the stall waits for it, in every host model.
    let single: Vec<&serde_json::Value> = file["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["runtime"] == "wasmi" && row["threads"] == 1)
        .collect();
    assert_eq!(single.len(), HostModel::ALL.len());
    for row in single {
        let at_load = row["at_load"].as_array().unwrap();
        assert!(!at_load.is_empty(), "{row}");
        for at in at_load {
            for tail in ["p99_ns", "p999_ns"] {
                let ns = at["latency"][tail].as_f64().unwrap();
                assert!(ns >= pause_ns / 2.0, "{tail}: {at}");
            }
        }
    }
}

/// A user's module under load: the same options as `compare --module`, every sampled output
/// checked against the runtime's first call, tenants made of the module.
#[test]
fn a_users_module_serves_events_in_every_host_model() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("fib.wasm");
    std::fs::write(&module, wat::parse_str(common::FIB).unwrap()).unwrap();
    plugbench()
        .args(["load", "--runtime", "wasmtime", "--runtime", "wasmi"])
        .args(one_launch_of_two_rounds("0.05", "0.1"))
        .args(["--tenants", "3", "--module"])
        .arg(&module)
        .args(["--invoke", "fib", "--arg", "40", "--json"])
        .arg(dir.path().join("load.json"))
        .assert()
        .success()
        .stdout(contains("fib.wasm"));
    let file = read_json(&dir.path().join("load.json"));
    let rows = file["rows"].as_array().unwrap();
    // Two runtimes (a module has no native row without --native), three models, two counts.
    assert_eq!(rows.len(), 2 * 3 * 2, "{rows:?}");
    for row in rows {
        assert!(row["error"].is_null(), "{row}");
        assert!(row["checked"].as_u64().unwrap() > 0, "{row}");
    }
    assert_eq!(file["tenants"].as_array().unwrap().len(), 2);
    assert_eq!(file["settings"]["kernel"], "fib.wasm");
    assert_eq!(file["settings"]["launches"], 1);
}

#[test]
fn load_refuses_a_module_flag_without_a_module() {
    plugbench()
        .args(["load", "--invoke", "fib"])
        .assert()
        .code(1)
        .stderr(contains("--invoke applies to a module of your own"));
}

/// `compare --load`: the load measurement in the results file, its section, chart and
/// situations in the report.
#[test]
fn compare_with_load_reports_the_host_under_load() {
    let dir = tempfile::tempdir().unwrap();
    plugbench()
        .args([
            "compare",
            "--runtime",
            "wasmi",
            "--kernel",
            "echo",
            "--size",
            "10",
        ])
        .args(["--budget", "1", "--no-phases", "--load", "webhook@10"])
        .args([
            "--load-rounds",
            "2",
            "--load-sample",
            "0.03",
            "--load-open-sample",
            "0.05",
        ])
        .arg("--json")
        .arg(dir.path().join("r.json"))
        .arg("--markdown")
        .arg(dir.path().join("r.md"))
        .arg("--csv")
        .arg(dir.path().join("r.csv"))
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("r-load.csv")).unwrap();
    assert!(csv.starts_with("kernel,size,runtime"), "{csv}");
    assert!(csv.contains("webhook,10,wasmi,false,tenants,"), "{csv}");
    let run = read_json(&dir.path().join("r.json"));
    let load = run["load"].as_array().unwrap();
    assert_eq!(load.len(), 1);
    assert_eq!(load[0]["settings"]["kernel"], "webhook");
    assert!(!load[0]["rows"].as_array().unwrap().is_empty());
    let report = read_report(&dir.path().join("r.md"));
    assert!(report.contains("## Under load"), "{report}");
    assert!(report.contains("plugbench-load-webhook-10.svg"));
    assert!(
        report.contains("**For a busy server with pooled instances**: wasmi"),
        "{report}"
    );
    assert!(dir.path().join("plugbench-load-webhook-10.svg").exists());
}

/// `load --sandbox`: each guard a runtime offers serves events too, and its cost per event
/// against the runtime without it is in the report.
#[test]
fn guards_serve_events_under_load_and_their_cost_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    plugbench()
        .args([
            "load",
            "--runtime",
            "wasmi",
            "--sandbox",
            "--model",
            "pooled",
        ])
        .args(one_launch_of_two_rounds("0.03", "0.05"))
        .arg("--json")
        .arg(dir.path().join("load.json"))
        .arg("--markdown")
        .arg(dir.path().join("load.md"))
        .assert()
        .success();
    let file = read_json(&dir.path().join("load.json"));
    let rows = file["rows"].as_array().unwrap();
    let guarded: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["runtime"].as_str().unwrap().starts_with("wasmi+"))
        .collect();
    assert!(!guarded.is_empty(), "{rows:?}");
    for row in guarded {
        assert!(row["error"].is_null(), "{row}");
        assert!(row["checked"].as_u64().unwrap() > 0, "{row}");
    }
    // What the machine was doing, and the verdict on it first in the report.
    let others = file["environment"]["activity"]["others_during"]
        .as_f64()
        .unwrap();
    assert!((0.0..=1.0).contains(&others), "{others}");
    assert_eq!(file["schema"], 3);
    let report = std::fs::read_to_string(dir.path().join("load.md")).unwrap();
    assert!(report.contains("**Machine: "), "{report}");
    assert!(report.contains("Sandbox guards under load"), "{report}");
    assert!(report.contains("| wasmi   | fuel "), "{report}");
}
