//! Each worker's memory figures against a minimal host that embeds only its engine and does the
//! same work. What one more live instance adds must match within 1 MiB. Idle and peak RSS are
//! higher in the worker by what its own code costs: about 2 MiB for a worker without a WASI
//! layer (native, wasmtime-43), up to 5.5 MiB with one (docs/calibration.md, "A worker per
//! engine"); a bound of 8 MiB leaves room for another machine's page cache and still fails for
//! a worker that carries LLVM (a wasmer worker holding it measured 23 MiB over its host).
//!
//! `PLUGBENCH_CALIBRATION_SIZE` sets the kernel's size (1000 here, to keep the interpreters
//! quick; docs/calibration.md has the table at 7000); the table is printed either way.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// How far a worker's per-instance figure may be from its minimal host's.
const INSTANCE_TOLERANCE_KIB: f64 = 1024.0;
/// How much more a worker's idle and peak RSS may be than its minimal host's: its own code.
const HARNESS_KIB: f64 = 8.0 * 1024.0;
const KERNEL: &str = "pairwise-json";
/// The seed `plugbench compare` uses by default.
const SEED: &str = "42";

/// Each runtime plugbench measures, and its minimal host (with the environment it needs).
const HOSTS: [(&str, &str, Option<&str>); 8] = [
    ("native", "minimal-host-native", None),
    ("wasmtime", "minimal-host-wasmtime", None),
    ("wasmtime-43", "minimal-host-wasmtime43", None),
    ("wasmer-cranelift", "minimal-host-wasmer", Some("cranelift")),
    (
        "wasmer-singlepass",
        "minimal-host-wasmer",
        Some("singlepass"),
    ),
    ("wasmi", "minimal-host-wasmi", None),
    ("tinywasm", "minimal-host-tinywasm", None),
    ("extism", "minimal-host-extism", None),
];

#[derive(Debug)]
struct Figures {
    idle: f64,
    peak: f64,
    instance: f64,
}

fn binaries() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_minimal-host-native"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn size() -> String {
    std::env::var("PLUGBENCH_CALIBRATION_SIZE").unwrap_or_else(|_| "1000".into())
}

fn minimal_host(binary: &str, compiler: Option<&str>) -> Figures {
    let mut command = Command::new(binaries().join(binary));
    command.args([KERNEL, &size(), SEED]);
    if let Some(compiler) = compiler {
        command.env("PLUGBENCH_WASMER_COMPILER", compiler);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{binary}: {output:?}");
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    Figures {
        idle: line["idle_rss_kib"].as_f64().unwrap(),
        peak: line["peak_rss_kib"].as_f64().unwrap(),
        instance: line["instance_kib"].as_f64().unwrap(),
    }
}

/// Every runtime's worker figures from one `plugbench compare` without phases (a worker then
/// creates the engine, compiles, instantiates and calls, as the minimal host does).
fn workers() -> Vec<(String, Figures)> {
    let plugbench = binaries().join("plugbench");
    assert!(
        plugbench.exists(),
        "{} is built with the workspace",
        plugbench.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let mut command = Command::new(&plugbench);
    command.args([
        "compare",
        "--kernel",
        KERNEL,
        "--size",
        &size(),
        "--input-seed",
        SEED,
    ]);
    command.args(["--no-phases", "--launches", "1", "--budget", "1"]);
    for (runtime, _, _) in HOSTS {
        command.args(["--runtime", runtime]);
    }
    let output = command.arg("--json").arg(&json).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let run: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let memory = &row["memory"];
            let kib = |field: &str| memory[field].as_f64().unwrap_or(f64::NAN);
            let figures = Figures {
                idle: kib("idle_rss_kib"),
                peak: kib("peak_rss_kib"),
                instance: kib("per_instance_kib"),
            };
            (row["runtime"].as_str().unwrap().to_string(), figures)
        })
        .collect()
}

#[test]
fn every_worker_reports_the_memory_of_a_host_with_only_its_engine() {
    let workers = workers();
    let mut misses = Vec::new();
    println!("runtime: idle / peak / per instance KiB, worker vs minimal host");
    for (runtime, binary, compiler) in HOSTS {
        let (_, worker) = workers
            .iter()
            .find(|(name, _)| name == runtime)
            .unwrap_or_else(|| panic!("no row for {runtime}"));
        let host = minimal_host(binary, compiler);
        println!(
            "{runtime}: {:.0} vs {:.0} / {:.0} vs {:.0} / {:.0} vs {:.0}",
            worker.idle, host.idle, worker.peak, host.peak, worker.instance, host.instance
        );
        let harness = 0.0..=HARNESS_KIB;
        let instance = -INSTANCE_TOLERANCE_KIB..=INSTANCE_TOLERANCE_KIB;
        for (what, w, h, within) in [
            ("idle RSS", worker.idle, host.idle, &harness),
            ("peak RSS", worker.peak, host.peak, &harness),
            ("per instance", worker.instance, host.instance, &instance),
        ] {
            if !within.contains(&(w - h)) {
                misses.push(format!(
                    "{runtime} {what}: worker {w:.0} KiB, minimal host {h:.0} KiB"
                ));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "beyond the bounds:\n{}",
        misses.join("\n")
    );
}
