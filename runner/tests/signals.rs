//! Ctrl-C or SIGTERM in the middle of `compare`: the workers stop, the reports hold what was
//! measured, marked interrupted, and an earlier report is replaced only by a complete one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn wait_with_limit(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("plugbench did not stop within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_signal_mid_run_writes_a_complete_report_marked_interrupted() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("run.json");
        let markdown = dir.path().join("report.md");
        std::fs::write(&json, "{\"earlier\": \"report\"}").unwrap();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("plugbench"))
            .args(["compare", "--runtime", "wasmi", "--kernel", "echo,webhook"])
            .args(["--size", "100", "--budget", "120", "--seed", "3"])
            .arg("--json")
            .arg(&json)
            .arg("--markdown")
            .arg(&markdown)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Long enough for the workers to start and take samples, far short of the budget.
        std::thread::sleep(Duration::from_secs(6));
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the signal"
        );
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = wait_with_limit(&mut child, Duration::from_secs(60));
        assert_eq!(status.code(), Some(130), "signal {signal}");

        let run: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(run["interrupted"], true);
        let results = run["results"].as_array().unwrap();
        // The first workload was under way: both rows are there, with the samples taken.
        assert!(results.iter().all(|r| r["kernel"] == "echo"), "{signal}");
        for runtime in ["native", "wasmi"] {
            let row = results.iter().find(|r| r["runtime"] == runtime).unwrap();
            assert!(
                !row["raw"]["warm_ns"].as_array().unwrap().is_empty(),
                "{runtime} has no samples"
            );
        }
        let report = std::fs::read_to_string(&markdown).unwrap();
        assert!(report.contains("Interrupted (SIGINT or SIGTERM)"));
        // No worker outlives plugbench.
        for pid in run["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["raw"]["worker_pids"].as_array().unwrap())
        {
            let alive = unsafe { libc::kill(pid.as_i64().unwrap() as i32, 0) } == 0;
            assert!(!alive, "worker {pid} still running");
        }
        // Nothing half-written beside the reports and their chart.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let finished = [".json", ".md", ".svg"];
        assert!(
            names
                .iter()
                .all(|n| finished.iter().any(|end| n.ends_with(end))),
            "{names:?}"
        );
    }
}
