//! Records the compiler version and the cargo profile this binary was built with, so every
//! report states them.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PLUGBENCH_RUSTC={version}");

    // OUT_DIR is <target>/<profile>/build/<pkg>/out (or <target>/<triple>/<profile>/...);
    // the profile's name is not otherwise visible to a build script.
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let parts: Vec<&str> = out_dir.split(std::path::MAIN_SEPARATOR).collect();
    let profile = parts
        .iter()
        .position(|p| *p == "build")
        .and_then(|i| i.checked_sub(1))
        .map(|i| parts[i].to_string())
        .unwrap_or_else(|| std::env::var("PROFILE").unwrap_or_default());
    let opt_level = std::env::var("OPT_LEVEL").unwrap_or_default();
    let manifest =
        std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../Cargo.toml");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let section_name = match profile.as_str() {
        "debug" => "dev".to_string(),
        other => other.to_string(),
    };
    let mut settings = vec![format!("opt-level {opt_level}")];
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        settings.extend(profile_section(&text, &section_name));
    }
    println!(
        "cargo:rustc-env=PLUGBENCH_PROFILE={profile} ({})",
        settings.join(", ")
    );
}

/// The `key = value` lines of `[profile.<name>]`, except opt-level (reported from cargo).
fn profile_section(manifest: &str, name: &str) -> Vec<String> {
    let header = format!("[profile.{name}]");
    manifest
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| l.contains('=') && !l.starts_with('#') && !l.starts_with("opt-level"))
        .map(|l| l.replace('"', ""))
        .collect()
}
