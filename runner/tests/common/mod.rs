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

/// A numeric export (`fib`, i32 in, i64 out): a user's module every core-module runtime hosts.
pub const FIB: &str = r#"(module
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $t (i64.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $a)))"#;

/// A markdown report as a reader follows it: the file, then each page beside it that it links
/// to (a run of several workloads puts its figures there), in the order linked.
pub fn read_report(path: &Path) -> String {
    let summary = std::fs::read_to_string(path).unwrap();
    let dir = path.parent().unwrap();
    let mut pages: Vec<&str> = Vec::new();
    for link in summary.split("](").skip(1) {
        let target = link.split(')').next().unwrap();
        if target.ends_with(".md") && !target.contains('/') && !pages.contains(&target) {
            pages.push(target);
        }
    }
    let mut text = summary.clone();
    for page in pages {
        let page = std::fs::read_to_string(dir.join(page))
            .unwrap_or_else(|e| panic!("{page}, linked from {}: {e}", path.display()));
        text += &page;
    }
    text
}

/// An example built from `examples/` by `scripts/build-examples` (once per test binary).
pub fn example(file: &str) -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let status = std::process::Command::new("bash")
            .arg(root.join("scripts/build-examples"))
            .status()
            .expect("run scripts/build-examples");
        assert!(status.success(), "scripts/build-examples failed");
        root.join("target/examples")
    });
    dir.join(file)
}
