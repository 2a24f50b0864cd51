//! Compiles `kernel-wasm` for wasm32 into this package's OUT_DIR, one module per kernel of the
//! catalog and form (core module, Extism plugin), so `cargo build` alone produces every artifact
//! the runner embeds; `artifacts.rs` there lists them for `include_bytes!`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// (kernel-wasm feature, file suffix) of each form a kernel is built in.
const FORMS: [(&str, &str); 2] = [("core-abi", "core"), ("extism-plugin", "extism")];

fn main() {
    let embed_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let kernel_dir = embed_dir.parent().unwrap().to_path_buf();
    let workspace_dir = kernel_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    println!(
        "cargo:rerun-if-changed={}",
        kernel_dir.join("src").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        kernel_dir.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        kernel_dir.join("build.rs").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        workspace_dir.join("Cargo.lock").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        workspace_dir.join("Cargo.toml").display()
    );

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    ensure_wasm_target(&rustc);

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = out_dir.join("wasm-target");
    let profile = guest_profile(&out_dir);
    let mut listing = String::from(
        "/// (kernel, core module, Extism plugin) for every kernel of the catalog.\n\
         pub static ARTIFACTS: &[(&str, &[u8], &[u8])] = &[\n",
    );
    for kernel in kernel_wasm::catalog::KERNELS {
        let [core, plugin] = FORMS.map(|(feature, suffix)| {
            let file = out_dir.join(format!("{}.{suffix}.wasm", kernel.name));
            build_guest(
                &cargo,
                &kernel_dir,
                &target_dir,
                &profile,
                kernel.name,
                feature,
                &file,
            );
            file
        });
        listing.push_str(&format!(
            "    ({:?}, include_bytes!({:?}), include_bytes!({:?})),\n",
            kernel.name, core, plugin
        ));
    }
    listing.push_str("];\n");
    std::fs::write(out_dir.join("artifacts.rs"), listing).expect("write artifacts.rs");
}

/// One `cargo rustc` of kernel-wasm as a cdylib for wasm32 exporting `kernel` in the form `feature`,
/// copied to `file`.
fn build_guest(
    cargo: &str,
    kernel_dir: &Path,
    target_dir: &Path,
    profile: &str,
    kernel: &str,
    feature: &str,
    file: &Path,
) {
    let mut cmd = Command::new(cargo);
    cmd.args([
        "rustc",
        "--lib",
        "--crate-type",
        "cdylib",
        "--profile",
        profile,
    ])
    .args(["--locked", "--no-default-features"])
    .args(["--target", WASM_TARGET, "--features", feature])
    .arg("--manifest-path")
    .arg(kernel_dir.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(target_dir)
    .env("PLUGBENCH_GUEST_KERNEL", kernel);
    // The host build's flags and wrappers are not meant for the wasm32 build.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_LLVM_COV",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not start {cargo}: {e}"));
    assert!(
        status.success(),
        "building kernel `{kernel}` for {WASM_TARGET} with feature `{feature}` failed"
    );
    let built = target_dir
        .join(WASM_TARGET)
        .join(profile)
        .join("kernel_wasm.wasm");
    std::fs::copy(&built, file).unwrap_or_else(|e| panic!("copy {}: {e}", built.display()));
}

/// The cargo profile for the Wasm builds: the host build's own profile, so the guest gets
/// the same optimisation settings as the native baseline (fat LTO included), except that a
/// debug host build still embeds an optimised guest (`release`).
fn guest_profile(out_dir: &Path) -> String {
    // OUT_DIR is <target>/<profile>/build/<pkg>/out; the profile is not otherwise visible.
    let parts: Vec<String> = out_dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let host = parts
        .iter()
        .rposition(|p| p == "build")
        .and_then(|i| i.checked_sub(1))
        .map(|i| parts[i].clone())
        .unwrap_or_default();
    match host.as_str() {
        "" | "debug" | "release" => "release".into(),
        custom => custom.into(),
    }
}

fn ensure_wasm_target(rustc: &str) {
    if target_installed(rustc) {
        return;
    }
    let toolchain = env::var("RUSTUP_TOOLCHAIN").ok();
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", WASM_TARGET]);
    if let Some(toolchain) = &toolchain {
        cmd.args(["--toolchain", toolchain]);
    }
    println!("cargo:warning=installing the {WASM_TARGET} target with rustup");
    let installed = cmd.status().map(|s| s.success()).unwrap_or(false);
    if !installed || !target_installed(rustc) {
        let toolchain = toolchain
            .map(|t| format!(" --toolchain {t}"))
            .unwrap_or_default();
        panic!(
            "the {WASM_TARGET} target is missing and `rustup` could not install it; run:\n    \
             rustup target add {WASM_TARGET}{toolchain}"
        );
    }
}

fn target_installed(rustc: &str) -> bool {
    let Ok(output) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .join("lib")
        .is_dir()
}
