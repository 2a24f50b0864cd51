// The build script of every adapter crate (each names this file as its `build`): reads the
// workspace Cargo.lock and exposes the exact resolved version of each direct dependency of the
// crate being built (and of their direct dependencies) as compile-time env vars, so an adapter
// can report the crate version it was really built with.
//
// `PLUGBENCH_DEP_<DEP>` = version of DEP; `PLUGBENCH_DEP_<DEP>__<SUB>` = version of DEP's SUB.

use std::collections::HashMap;
use std::path::PathBuf;

struct Package {
    version: String,
    deps: Vec<String>,
}

fn main() {
    let lock = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let Ok(text) = std::fs::read_to_string(&lock) else {
        return;
    };
    let packages = parse_lock(&text);
    let by_name = |name: &str, version: Option<&str>| -> Option<&Package> {
        packages
            .get(name)?
            .iter()
            .find(|p| version.is_none_or(|v| p.version == v))
    };
    let package = std::env::var("CARGO_PKG_NAME").unwrap();
    let Some(me) = by_name(&package, None) else {
        return;
    };
    for dep in &me.deps {
        let (name, version) = split_dep(dep);
        let Some(pkg) = by_name(name, version) else {
            continue;
        };
        println!(
            "cargo:rustc-env=PLUGBENCH_DEP_{}={}",
            env_key(name),
            pkg.version
        );
        for sub in &pkg.deps {
            let (sub_name, sub_version) = split_dep(sub);
            if let Some(sub_pkg) = by_name(sub_name, sub_version) {
                println!(
                    "cargo:rustc-env=PLUGBENCH_DEP_{}__{}={}",
                    env_key(name),
                    env_key(sub_name),
                    sub_pkg.version
                );
            }
        }
    }
}

/// A lockfile dependency entry is `name` or `name version` (or `name version (source)`).
fn split_dep(entry: &str) -> (&str, Option<&str>) {
    let mut parts = entry.split_whitespace();
    (parts.next().unwrap_or(""), parts.next())
}

fn env_key(name: &str) -> String {
    name.replace('-', "_").to_uppercase()
}

fn parse_lock(text: &str) -> HashMap<String, Vec<Package>> {
    let mut out: HashMap<String, Vec<Package>> = HashMap::new();
    for block in text.split("[[package]]").skip(1) {
        let mut name = None;
        let mut version = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines().map(str::trim) {
            if let Some(v) = line.strip_prefix("name = ") {
                name = Some(v.trim_matches('"').to_string());
            } else if let Some(v) = line.strip_prefix("version = ") {
                version = Some(v.trim_matches('"').to_string());
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line.starts_with(']') {
                in_deps = false;
            } else if in_deps {
                deps.push(line.trim_end_matches(',').trim_matches('"').to_string());
            }
        }
        if let (Some(name), Some(version)) = (name, version) {
            out.entry(name).or_default().push(Package { version, deps });
        }
    }
    out
}
