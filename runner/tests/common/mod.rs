#![allow(dead_code)] // each test binary uses some of the helpers
//! Helpers the integration tests share: the binary under test and reading what it wrote, and
//! every adapter's runtimes in this process.

pub mod registry;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

pub fn plugbench() -> Command {
    Command::cargo_bin("plugbench").unwrap()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn results(run: &Value) -> &Vec<Value> {
    run["results"].as_array().unwrap()
}

/// The result row of `runtime` (the only one: single-workload runs).
pub fn result<'a>(run: &'a Value, runtime: &str) -> &'a Value {
    results(run)
        .iter()
        .find(|r| r["runtime"] == runtime)
        .unwrap_or_else(|| panic!("no result for {runtime}"))
}
