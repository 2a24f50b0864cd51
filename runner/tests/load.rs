//! The host under load: every adapter serves events on two threads in each host model with
//! every checked output right; a stalled event shows in the tail latency; `plugbench load`
//! end to end, a wrong answer under load an error row naming its event. Nothing here asserts
//! a speed.

mod common;

use std::time::Duration;

use common::{plugbench, read_json, registry};
use plugbench_data::load::{Arrival, HostModel, LoadSample, CHECK_EVERY};
use predicates::str::contains;
use runner::failure::Failure;
use runner::load::figures::percentiles;
use runner::load::host::{serve, LoadSpec, Stall};
use runtimes::{Compiled, GuestFormat, Program, KERNELS};

fn kernel() -> &'static runtimes::Kernel {
    &KERNELS[0]
}

/// `runtime` compiled for the first kernel, and the kernel's input at a small size.
fn compiled(runtime: &str) -> (Box<dyn Compiled>, Vec<u8>) {
    let runtime = registry::create(runtime).unwrap();
    let info = runtime.info();
    let compiled = runtime
        .compile(
            &Program::Kernel(kernel()),
            info.guest.artifact(kernel()),
            None,
        )
        .unwrap();
    (compiled, (kernel().make_input)(10, 1))
}

fn served(compiled: &dyn Compiled, input: &[u8], spec: &LoadSpec) -> Result<LoadSample, Failure> {
    let expected = kernel().expected_output(input).unwrap();
    let check = |output: &[u8]| {
        (kernel().verify)(&expected, output).map_err(|e| Failure::mismatch(format!("native: {e}")))
    };
    serve(compiled, input, &check, spec)
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
        let (compiled, input) = compiled(&entry.name);
        for &model in HostModel::ALL {
            let sample = served(compiled.as_ref(), &input, &spec(model, Arrival::Closed, 60))
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
        compiled.as_ref(),
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

/// A short run of the command on two runtimes: every row verified, the JSON written.
fn quick_load(dir: &std::path::Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    plugbench()
        .args([
            "load",
            "--runtime",
            "wasmi",
            "--threads",
            "1,2",
            "--rounds",
            "2",
            "--sample",
            "0.05",
            "--open-sample",
            "0.1",
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
    // wasmi and the native baseline, two models, two thread counts.
    assert_eq!(rows.len(), 2 * 2 * 2, "{rows:?}");
    for row in rows {
        assert!(row["error"].is_null(), "{row}");
        assert_eq!(row["rates"].as_array().unwrap().len(), 2, "{row}");
        assert!(row["checked"].as_u64().unwrap() > 0, "{row}");
        assert_eq!(row["at_load"].as_array().unwrap().len(), 2, "{row}");
        assert!(row["efficiency"]["value"].as_f64().unwrap() > 0.0, "{row}");
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
    for row in file["rows"].as_array().unwrap() {
        // One thread: every event due after the stall waits for it.
        if row["runtime"] == "wasmi" && row["threads"] == 1 {
            for at in row["at_load"].as_array().unwrap() {
                let p99 = at["latency"]["p99_ns"].as_f64().unwrap();
                assert!(p99 >= pause_ns / 2.0, "{at}");
            }
        }
    }
}
