//! One worker binary per engine: each links its own engine and no other (read from the panic
//! locations every crate leaves in a binary: `/<crate>-<version>/src/...`), `plugbench` links
//! none, and a worker that is missing is an error row naming the binary, not a crash.

mod common;

use std::path::{Path, PathBuf};

use common::{read_json, result};

/// Each binary and the engines whose code it must (and only it may) hold. wasmtime 43 is the
/// one extism embeds: an engine of its own beside wasmtime 48.
const ENGINES: [(&str, &[&str]); 11] = [
    ("plugbench", &[]),
    ("plugbench-worker-native", &[]),
    ("plugbench-worker-wasmtime", &["/wasmtime-48."]),
    // wasmtime 48 again, built with the component model.
    ("plugbench-worker-wasmtime-component", &["/wasmtime-48."]),
    ("plugbench-worker-wasmtime43", &["/wasmtime-43."]),
    ("plugbench-worker-wasmer", &["/wasmer-7."]),
    // Its LLVM compiler, which the Cranelift and Singlepass worker does not name.
    (
        "plugbench-worker-wasmer-llvm",
        &["/wasmer-7.", "/wasmer-compiler-llvm-7."],
    ),
    ("plugbench-worker-wasmi", &["/wasmi-2."]),
    // wasmi 0.31 with the component layer over it.
    (
        "plugbench-worker-wasmi031",
        &["/wasmi-0.31.", "/wasm_component_layer-0."],
    ),
    ("plugbench-worker-tinywasm", &["/tinywasm-0."]),
    ("plugbench-worker-extism", &["/extism-1.", "/wasmtime-43."]),
];

fn binaries_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_plugbench"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_worker_links_its_own_engine_and_no_other() {
    let every_marker: Vec<&str> = ENGINES
        .iter()
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    for (binary, own) in ENGINES {
        let path = binaries_dir().join(binary);
        if !path.exists() && binary.ends_with("llvm") {
            continue; // built only with --features wasmer-llvm
        }
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{binary}: {e}"));
        let holds = |marker: &str| bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
        for marker in &every_marker {
            assert_eq!(
                holds(marker),
                own.contains(marker),
                "{binary} and the code of {marker}"
            );
        }
    }
}

#[test]
fn a_missing_worker_is_an_error_row_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (binary, _) in ENGINES {
        let from = binaries_dir().join(binary);
        if binary != "plugbench-worker-wasmi" && from.exists() {
            std::fs::copy(&from, dir.path().join(binary)).unwrap();
        }
    }
    let copied = dir.path().join("plugbench");
    let listed = assert_cmd::Command::new(&copied)
        .arg("list")
        .assert()
        .success();
    let listed = String::from_utf8_lossy(&listed.get_output().stdout).to_string();
    assert!(
        listed.contains("not here: plugbench-worker-wasmi: worker binary"),
        "{listed}"
    );
    let json = dir.path().join("run.json");
    assert_cmd::Command::new(&copied)
        .args([
            "compare", "--kernel", "echo", "--size", "10", "--budget", "2",
        ])
        .args(["--no-phases", "--launches", "1", "--runtime", "wasmtime"])
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    // Asked for by name, its runtimes are unknown here, and the error says why.
    assert_cmd::Command::new(&copied)
        .args(["compare", "--runtime", "wasmi", "--budget", "1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("plugbench-worker-wasmi"));
    // By default, the missing worker is a row of its own.
    assert_cmd::Command::new(&copied)
        .args([
            "compare", "--kernel", "echo", "--size", "10", "--budget", "2",
        ])
        .args(["--no-phases", "--launches", "1"])
        .arg("--json")
        .arg(&json)
        .assert()
        .code(3);
    let run = read_json(&json);
    let row = result(&run, "plugbench-worker-wasmi");
    assert_eq!(row["status"], "error");
    assert!(
        row["error"].as_str().unwrap().contains("is missing"),
        "{row}"
    );
    let measured = result(&run, "wasmtime");
    assert_eq!(measured["status"], "ok");
    assert_eq!(measured["worker"], "plugbench-worker-wasmtime");
    let idle = measured["memory"]["idle_rss_kib"].as_u64().unwrap();
    let from_files = measured["memory"]["idle_file_kib"].as_u64().unwrap();
    // A worker's code is mapped from its binary, and it allocates too.
    assert!(0 < from_files && from_files < idle, "{measured}");
}
