//! Compiles `kernel-wasm` for wasm32 into this package's OUT_DIR, one module per kernel of the
//! catalog and form (core module, Extism plugin, component), so `cargo build` alone produces
//! every artifact the runner embeds; `artifacts.rs` there lists them for `include_bytes!`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// (kernel-wasm feature, file suffix) of each form a kernel is built in.
const FORMS: [(&str, &str); 2] = [("core-abi", "core"), ("extism-plugin", "extism")];

/// One build of kernel-wasm: for which target, with which feature and compiler flags.
struct Build<'a> {
    target: &'a str,
    feature: &'a str,
    /// `-C` flags, one per item (the host build's own flags never apply).
    flags: &'a [&'a str],
    /// `cdylib` file name cargo gives the result.
    output: &'a str,
}

const GUEST_SIMD_FLAGS: &[&str] = &["-Ctarget-feature=+simd128"];
const NO_VECTORIZE_FLAGS: &[&str] = &["-Cno-vectorize-loops", "-Cno-vectorize-slp"];
/// AVX2, BMI1/2, FMA and the rest of x86-64-v3: what `-C target-cpu=native` gives on most x86
/// servers of the last ten years, beside the portable default (x86-64, SSE2 only).
const X86_64_V3_FLAGS: &[&str] = &["-Ctarget-cpu=x86-64-v3"];

fn main() {
    let embed_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let kernel_dir = embed_dir.parent().unwrap().to_path_buf();
    let workspace_dir = kernel_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    watch(&kernel_dir, &workspace_dir);

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    ensure_wasm_target(&rustc);

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let profile = guest_profile(&out_dir);
    let mut listing = String::from(
        "/// (kernel, core module, Extism plugin) for every kernel of the catalog.\n\
         pub static ARTIFACTS: &[(&str, &[u8], &[u8])] = &[\n",
    );
    let builds_dir = shared_builds_dir(&out_dir);
    let builder = Builder {
        cargo: &cargo,
        kernel_dir: &kernel_dir,
        out_dir: &out_dir,
        builds_dir: &builds_dir,
        profile: &profile,
    };
    for kernel in kernel_wasm::catalog::KERNELS {
        let [core, plugin] = builder.every_form(kernel.name, kernel.name);
        listing.push_str(&format!(
            "    ({:?}, include_bytes!({:?}), include_bytes!({:?})),\n",
            kernel.name, core, plugin
        ));
    }
    listing.push_str("];\n");
    listing.push_str(&component_listing(&builder));
    listing.push_str(&gap_listing(&builder));
    listing.push_str(&shared_listing(&builder));
    std::fs::write(out_dir.join("artifacts.rs"), listing).expect("write artifacts.rs");
}

/// The guest builds depend on the kernel crate's sources and manifest and on the workspace's
/// dependency versions, none of which cargo sees as this package's inputs.
fn watch(kernel_dir: &Path, workspace_dir: &Path) {
    let inputs = [
        kernel_dir.join("src"),
        kernel_dir.join("wit"),
        kernel_dir.join("Cargo.toml"),
        kernel_dir.join("build.rs"),
        workspace_dir.join("Cargo.lock"),
        workspace_dir.join("Cargo.toml"),
    ];
    for input in inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
}

/// Each kernel as a component: the core module wit-bindgen makes from the kernel's world
/// (`wit/kernels.wit`), with the same target, profile and flags as the core module, made a
/// component by wit-component. It imports no WASI: the kernels are built for
/// wasm32-unknown-unknown, so no adapter is needed.
fn component_listing(builder: &Builder) -> String {
    let mut listing = String::from(
        "/// (kernel, component) for every kernel of the catalog.\n\
         pub static COMPONENTS: &[(&str, &[u8])] = &[\n",
    );
    for kernel in kernel_wasm::catalog::KERNELS {
        let build = Build {
            target: WASM_TARGET,
            feature: "component",
            flags: &[],
            output: "kernel_wasm.wasm",
        };
        let core = builder.build(
            kernel.name,
            &build,
            &format!("{}.component-core.wasm", kernel.name),
        );
        let module =
            std::fs::read(&core).unwrap_or_else(|e| panic!("read {}: {e}", core.display()));
        let component = wit_component::ComponentEncoder::default()
            .module(&module)
            .and_then(|encoder| encoder.validate(true).encode())
            .unwrap_or_else(|e| panic!("making kernel `{}` a component: {e:#}", kernel.name));
        let file = builder
            .out_dir
            .join(format!("{}.component.wasm", kernel.name));
        std::fs::write(&file, component)
            .unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        listing.push_str(&format!(
            "    ({:?}, include_bytes!({file:?})),\n",
            kernel.name
        ));
    }
    listing + "];\n"
}

/// The gap kernels' extra builds: the core module with Wasm SIMD, and the native shared library
/// with and without auto-vectorization and for x86-64-v3 (same profile as the host build).
fn gap_listing(builder: &Builder) -> String {
    let host = env::var("TARGET").expect("cargo sets TARGET for build scripts");
    let mut listing = String::from(
        "/// The extra builds of each gap kernel.\n\
         pub static GAP_ARTIFACTS: &[GapArtifacts] = &[\n",
    );
    for &kernel in kernel_wasm::catalog::GAP_KERNELS {
        let simd = Build {
            target: WASM_TARGET,
            feature: "core-abi",
            flags: GUEST_SIMD_FLAGS,
            output: "kernel_wasm.wasm",
        };
        let native = |flags| Build {
            target: &host,
            feature: "native-library",
            flags,
            output: "libkernel_wasm.so",
        };
        let files = [
            builder.build(kernel, &simd, &format!("{kernel}.core-simd.wasm")),
            builder.build(kernel, &native(&[]), &format!("{kernel}.native.so")),
            builder.build(
                kernel,
                &native(NO_VECTORIZE_FLAGS),
                &format!("{kernel}.native-novec.so"),
            ),
        ];
        // Only an x86-64 host has an x86-64-v3 build; elsewhere it is empty (not built).
        let v3 = if host.starts_with("x86_64") {
            let file = builder.build(
                kernel,
                &native(X86_64_V3_FLAGS),
                &format!("{kernel}.native-v3.so"),
            );
            format!("include_bytes!({file:?})")
        } else {
            "&[]".to_string()
        };
        listing.push_str(&format!(
            "    GapArtifacts {{ kernel: {kernel:?}, core_simd: include_bytes!({:?}), \
             native: include_bytes!({:?}), native_scalar: include_bytes!({:?}), native_v3: {v3} }},\n",
            files[0], files[1], files[2]
        ));
    }
    listing + "];\n"
}

/// Every kernel in one core module and in one Extism plugin, as the guest was built before it
/// was one module per kernel: the gap measurement shows what that build choice costs.
fn shared_listing(builder: &Builder) -> String {
    let every: Vec<&str> = kernel_wasm::catalog::KERNELS
        .iter()
        .map(|k| k.name)
        .collect();
    let [core, plugin] = builder.every_form(&every.join(","), "shared");
    format!(
        "/// Every kernel in one core module, and in one Extism plugin.\n\
         pub static SHARED_CORE: &[u8] = include_bytes!({core:?});\n\
         pub static SHARED_PLUGIN: &[u8] = include_bytes!({plugin:?});\n"
    )
}

struct Builder<'a> {
    cargo: &'a str,
    kernel_dir: &'a Path,
    out_dir: &'a Path,
    /// Where the inner cargo builds go (see `shared_builds_dir`).
    builds_dir: &'a Path,
    profile: &'a str,
}

impl Builder<'_> {
    /// `kernel`'s core module and Extism plugin, as `<out>/<stem>.<form>.wasm`.
    fn every_form(&self, kernel: &str, stem: &str) -> [PathBuf; 2] {
        FORMS.map(|(feature, suffix)| {
            let build = Build {
                target: WASM_TARGET,
                feature,
                flags: &[],
                output: "kernel_wasm.wasm",
            };
            self.build(kernel, &build, &format!("{stem}.{suffix}.wasm"))
        })
    }

    /// One `cargo rustc` of kernel-wasm as a cdylib exporting `kernel` (one catalog name, or
    /// several separated by commas), copied to `<out>/<file>`. Each target and set of flags
    /// gets its own target directory, so the builds do not invalidate each other.
    fn build(&self, kernel: &str, build: &Build, file: &str) -> PathBuf {
        let flags = build.flags.join("\x1f");
        let flavour = format!(
            "{}{}",
            build.target,
            build.flags.concat().replace(['-', '=', '+'], "_")
        );
        let target_dir = self.builds_dir.join(flavour);
        let file = self.out_dir.join(file);
        build_one(self, kernel, build, &flags, &target_dir);
        let built = target_dir
            .join(build.target)
            .join(self.profile)
            .join(build.output);
        std::fs::copy(&built, &file).unwrap_or_else(|e| panic!("copy {}: {e}", built.display()));
        file
    }
}

fn build_one(b: &Builder, kernel: &str, build: &Build, flags: &str, target_dir: &Path) {
    let mut cmd = Command::new(b.cargo);
    cmd.args([
        "rustc",
        "--lib",
        "--crate-type",
        "cdylib",
        "--profile",
        b.profile,
    ])
    .args(["--locked", "--no-default-features"])
    .args(["--target", build.target, "--features", build.feature])
    .arg("--manifest-path")
    .arg(b.kernel_dir.join("Cargo.toml"))
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
    cmd.env("CARGO_ENCODED_RUSTFLAGS", flags);
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", b.cargo));
    assert!(
        status.success(),
        "building kernel `{kernel}` for {} with feature `{}` and flags {:?} failed",
        build.target,
        build.feature,
        build.flags
    );
}

/// `<target>/kernel-builds`: one place for the guest builds of every build of this package.
/// Cargo runs this script once per way the workspace is built (`cargo clippy` and `cargo test`
/// each get their own OUT_DIR), and a private directory each would compile every kernel twice
/// and keep two copies on disk (about 235 MB and a few minutes each). The inner cargo locks the
/// directory while it builds and rebuilds only what changed, so sharing it is safe. Cargo marks
/// its target directory with CACHEDIR.TAG; without one (an unusual layout) OUT_DIR is used.
fn shared_builds_dir(out_dir: &Path) -> PathBuf {
    let target = out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file());
    target.unwrap_or(out_dir).join("kernel-builds")
}

/// The cargo profile for the Wasm builds: the host build's own profile, so the guest gets
/// the same optimisation settings as the native baseline (fat LTO included), except that a
/// debug host build still embeds an optimised guest (`release`), and that the compiled
/// runtimes' workers of the measurement build (`release-thin`, thin LTO for their host code
/// only) embed the same guest as every other worker of it (`release-lto`): every runtime of a
/// run must load the same bytes.
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
        "release-thin" => "release-lto".into(),
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
