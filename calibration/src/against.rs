//! Each worker's memory figures against its minimal host's: the workers from one `plugbench
//! compare` without phases (a worker then creates the engine, compiles, instantiates and calls,
//! as the minimal host does), each host run on its own. Used by the test (the test build) and by
//! `calibrate-memory` (the measurement build, `scripts/calibrate-memory`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// How far a worker's figures may be from its minimal host's in the measurement build: idle RSS
/// (what the process allocated, and the pages mapped from files), peak RSS and what one more
/// live instance adds; the two that count pages mapped from files with [`FILE_LAYOUT_SHARE`]
/// more.
pub const TOLERANCE_KIB: f64 = 1024.0;
/// Of the host's idle pages mapped from files, the share by which a worker's figures that count
/// such pages may differ beyond the tolerance. They are the code and read-only data the process
/// touched, and which pages those are moves with where the linker put the code: two builds of
/// the same source read wasmer-llvm's worker idle 0.4-0.9 and 2.2 MiB above its host's 32.3 MiB
/// (28.5-29.3 MiB of it the binary's code and data, touched by LLVM's static initialisers),
/// while what worker and host allocated differed by 0.1 MiB (docs/calibration.md, "A worker per engine"). A
/// second engine's initialisers, as LLVM's were in every worker of the one binary (about
/// 27 MiB), stay far beyond it.
pub const FILE_LAYOUT_SHARE: f64 = 0.10;
/// The same in the test build (`release`, no LTO, the WASI layers linked), where the runner's
/// own code in a worker spreads over more pages: measured 0.3-1.6 MiB above the host at peak
/// (docs/calibration.md, "A worker per engine"). A second engine's code in a worker is caught by
/// `runner/tests/workers.rs`, which reads the symbols.
pub const TEST_BUILD_TOLERANCE_KIB: f64 = 2048.0;
const KERNEL: &str = "pairwise-json";
/// Each side runs this often and keeps each figure's lowest: the peak RSS of an engine that
/// compiles on several threads moves between runs of the same binary by up to 2-4 MiB (a
/// thread's malloc arena), only ever upwards, so the lowest of three is each binary's own
/// (CI saw extism's worker at 26844 KiB against its host's 23028 once; here the two read
/// 23.5-25.3 and 24.0-24.4 MiB over three runs).
const RUNS: usize = 3;
/// The seed `plugbench compare` uses by default.
const SEED: &str = "42";

/// Each runtime plugbench measures, and its minimal host (with the environment it needs).
const HOSTS: [(&str, &str, Option<&str>); 10] = [
    ("native", "minimal-host-native", None),
    ("wasmtime", "minimal-host-wasmtime", None),
    ("wasmtime-43", "minimal-host-wasmtime43", None),
    ("wasmer-cranelift", "minimal-host-wasmer", Some("cranelift")),
    (
        "wasmer-singlepass",
        "minimal-host-wasmer",
        Some("singlepass"),
    ),
    ("wasmer-llvm", "minimal-host-wasmer-llvm", None),
    ("wasmi", "minimal-host-wasmi", None),
    ("wasmi-0.31", "minimal-host-wasmi031", None),
    ("tinywasm", "minimal-host-tinywasm", None),
    ("extism", "minimal-host-extism", None),
];

/// The host that needs LLVM 22 to build: left out where it was not built (with its worker).
const NEEDS_LLVM: &str = "minimal-host-wasmer-llvm";

/// The hosts in `hosts` to compare: every one of [`HOSTS`], but LLVM's where it was not built.
fn built(hosts: &Path) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    HOSTS
        .into_iter()
        .filter(|&(_, binary, _)| binary != NEEDS_LLVM || hosts.join(binary).exists())
        .collect()
}

/// KiB.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub idle: f64,
    /// Of `idle`, the pages mapped from files.
    pub idle_file: f64,
    pub peak: f64,
    pub instance: f64,
}

impl Figures {
    /// Each figure's lowest of the two, the idle pages from files with the idle figure they
    /// are part of; NaN (a figure not reported) wins, so it stays a miss.
    fn lowest(self, other: Figures) -> Figures {
        let low = |a: f64, b: f64| {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else {
                a.min(b)
            }
        };
        let idle_of = if other.idle < self.idle { other } else { self };
        Figures {
            idle: low(self.idle, other.idle),
            idle_file: if self.idle_file.is_nan() || other.idle_file.is_nan() {
                f64::NAN
            } else {
                idle_of.idle_file
            },
            peak: low(self.peak, other.peak),
            instance: low(self.instance, other.instance),
        }
    }
}

/// The lowest of [`RUNS`] readings of each figure.
fn lowest_of_runs(mut read: impl FnMut() -> Figures) -> Figures {
    (1..RUNS).fold(read(), |low, _| low.lowest(read()))
}

pub struct Row {
    pub runtime: &'static str,
    pub worker: Figures,
    pub host: Figures,
}

impl Row {
    /// Each figure further from the host's than `tolerance_kib` (those counting pages mapped
    /// from files: [`FILE_LAYOUT_SHARE`] of the host's idle ones more), in words.
    pub fn misses(&self, tolerance_kib: f64) -> Vec<String> {
        let (w, h) = (self.worker, self.host);
        let file_tolerance = tolerance_kib + FILE_LAYOUT_SHARE * h.idle_file;
        [
            (
                "idle RSS allocated",
                w.idle - w.idle_file,
                h.idle - h.idle_file,
                tolerance_kib,
            ),
            (
                "idle RSS mapped from files",
                w.idle_file,
                h.idle_file,
                file_tolerance,
            ),
            ("peak RSS", w.peak, h.peak, file_tolerance),
            ("per instance", w.instance, h.instance, tolerance_kib),
        ]
        .into_iter()
        .filter(|&(_, w, h, tolerance)| !within(w, h, tolerance))
        .map(|(what, w, h, _)| {
            let runtime = self.runtime;
            format!("{runtime} {what}: worker {w:.0} KiB, minimal host {h:.0} KiB")
        })
        .collect()
    }
}

/// Whether `a` is within `tolerance` of `b`; not if either is NaN (a figure not reported).
fn within(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

/// Every runtime's row: `plugbench` and its workers in `workers`, the hosts in `hosts`, the
/// kernel at `size`.
pub fn compare(workers: &Path, hosts: &Path, size: usize) -> Vec<Row> {
    let hosted = built(hosts);
    let runtimes: Vec<&str> = hosted.iter().map(|&(runtime, _, _)| runtime).collect();
    let runs: Vec<Vec<(String, Figures)>> = (0..RUNS)
        .map(|_| worker_figures(workers, &runtimes, size))
        .collect();
    hosted
        .into_iter()
        .map(|(runtime, binary, compiler)| {
            let mut of_runs = runs.iter().map(|measured| {
                measured
                    .iter()
                    .find(|(name, _)| name == runtime)
                    .map(|(_, figures)| *figures)
                    .unwrap_or_else(|| panic!("no row for {runtime}"))
            });
            Row {
                runtime,
                worker: lowest_of_runs(|| of_runs.next().expect("a run per reading")),
                host: lowest_of_runs(|| host_figures(&hosts.join(binary), compiler, size)),
            }
        })
        .collect()
}

/// The rows as a markdown table, KiB, worker against host.
pub fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| Runtime | idle | of it, from files | peak | per instance |\n|---|---|---|---|---|\n",
    );
    for row in rows {
        let (w, h) = (row.worker, row.host);
        text += &format!(
            "| {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {:.0} / {:.0} |\n",
            row.runtime,
            w.idle,
            h.idle,
            w.idle_file,
            h.idle_file,
            w.peak,
            h.peak,
            w.instance,
            h.instance
        );
    }
    text
}

fn host_figures(binary: &Path, compiler: Option<&str>, size: usize) -> Figures {
    let mut command = Command::new(binary);
    command.args([KERNEL, &size.to_string(), SEED]);
    if let Some(compiler) = compiler {
        command.env("PLUGBENCH_WASMER_COMPILER", compiler);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    assert!(output.status.success(), "{}: {output:?}", binary.display());
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    let kib = |field: &str| line[field].as_f64().unwrap();
    Figures {
        idle: kib("idle_rss_kib"),
        idle_file: kib("idle_file_kib"),
        peak: kib("peak_rss_kib"),
        instance: kib("instance_kib"),
    }
}

fn worker_figures(workers: &Path, runtimes: &[&str], size: usize) -> Vec<(String, Figures)> {
    let plugbench = workers.join("plugbench");
    assert!(plugbench.exists(), "{} is missing", plugbench.display());
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let mut command = Command::new(&plugbench);
    command.args(["compare", "--kernel", KERNEL, "--size", &size.to_string()]);
    command.args(["--input-seed", SEED]);
    command.args(["--no-phases", "--launches", "1", "--budget", "1"]);
    for runtime in runtimes {
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
                idle_file: kib("idle_file_kib"),
                peak: kib("peak_rss_kib"),
                instance: kib("per_instance_kib"),
            };
            (row["runtime"].as_str().unwrap().to_string(), figures)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(idle: f64, idle_file: f64, peak: f64) -> Figures {
        Figures {
            idle,
            idle_file,
            peak,
            instance: 60.0,
        }
    }

    fn row(worker: Figures, host: Figures) -> Row {
        Row {
            runtime: "engine",
            worker,
            host,
        }
    }

    #[test]
    fn the_code_pages_a_link_layout_moves_are_not_a_miss_but_a_second_engine_is() {
        let host = figures(33068.0, 30104.0, 59472.0);
        // CI's build of the LLVM worker read 2.2 MiB above its host idle, where the two
        // allocated the same within 0.1 MiB here: the rest is pages mapped from files.
        let relinked = figures(35292.0, 32328.0, 60540.0);
        assert!(row(relinked, host).misses(TOLERANCE_KIB).is_empty());
        // LLVM's static initialisers in a wasmtime worker, as in the one binary.
        let wasmtime_host = figures(5980.0, 5268.0, 19448.0);
        let with_llvm = figures(5980.0 + 27648.0, 5268.0 + 27648.0, 19448.0 + 27648.0);
        let misses = row(with_llvm, wasmtime_host).misses(TEST_BUILD_TOLERANCE_KIB);
        assert_eq!(misses.len(), 2, "{misses:?}");
        assert!(misses[0].starts_with("engine idle RSS mapped from files"));
    }

    #[test]
    fn memory_the_worker_allocated_beyond_its_host_is_a_miss() {
        let host = figures(5980.0, 5268.0, 19448.0);
        let allocating = figures(5980.0 + 1536.0, 5268.0, 19448.0);
        let misses = row(allocating, host).misses(TOLERANCE_KIB);
        assert_eq!(
            misses,
            ["engine idle RSS allocated: worker 2248 KiB, minimal host 712 KiB"]
        );
    }

    #[test]
    fn a_figure_not_reported_is_a_miss() {
        let host = figures(5980.0, 5268.0, 19448.0);
        let unreported = figures(5980.0, f64::NAN, 19448.0);
        assert_eq!(row(unreported, host).misses(TOLERANCE_KIB).len(), 2);
    }
}
