//! What machine and build produced the numbers.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use plugbench_data::{
    ArtifactInfo, ComponentPair, EmbeddedEngine, Environment, NativeBuild, NativeLibraryInfo,
    SandboxInfo, SimdInfo,
};
use runtimes::GuestFormat;

pub fn collect() -> Environment {
    let catalog = crate::catalog::catalog();
    let declarations = catalog.declarations();
    Environment {
        cpu: cpu_model(),
        cores: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        os: os_description(),
        rustc: env!("PLUGBENCH_RUSTC").to_string(),
        build_profile: builds(catalog),
        started_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        timer_overhead_ns: timer_overhead_ns(),
        modules: Vec::new(),
        proposals: Vec::new(),
        // Watched over the measurement itself (`machine::watch`), not here.
        activity: None,
        artifacts: artifacts(),
        sandbox: declarations
            .sandbox_support()
            .into_iter()
            .map(|s| SandboxInfo {
                runtime: s.runtime,
                guard: s.guard,
                variant: s.variant,
                support: s.support,
            })
            .collect(),
        simd: declarations
            .simd_support()
            .into_iter()
            .map(|(runtime, support)| SimdInfo {
                runtime,
                variant: support.clone().ok(),
                why_not: support.err(),
            })
            .collect(),
        shared_module: declarations.shared_support(),
        components: declarations
            .component_pairs()
            .into_iter()
            .map(|(core, component)| ComponentPair { core, component })
            .collect(),
        embedded_engines: runtimes::EMBEDDED_ENGINES
            .iter()
            .filter(|e| catalog.info(e.runtime).is_ok() && catalog.info(e.engine).is_ok())
            .map(|e| EmbeddedEngine {
                runtime: e.runtime.into(),
                engine: e.engine.into(),
            })
            .collect(),
        native_libraries: catalog
            .entries()
            .into_iter()
            .filter_map(|e| match catalog.info(&e.name).ok()?.guest {
                GuestFormat::NativeLibrary { build } => Some(NativeLibraryInfo {
                    runtime: e.name,
                    build,
                }),
                _ => None,
            })
            .collect(),
    }
}

/// The runner's build, then each distinct worker build and the workers built so: a measurement
/// build gives the interpreters' workers and the compilers' different LTO.
fn builds(catalog: &crate::catalog::Catalog) -> String {
    let runner = env!("PLUGBENCH_PROFILE");
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (binary, build) in catalog.builds() {
        let name = binary.trim_start_matches("plugbench-worker-");
        match groups.iter_mut().find(|(b, _)| *b == build) {
            Some((_, names)) => names.push(name),
            None => groups.push((build, vec![name])),
        }
    }
    match groups.as_slice() {
        [(build, _)] if *build == runner => runner.to_string(),
        _ => {
            let workers: Vec<String> = groups
                .iter()
                .map(|(build, names)| format!("{}: {build}", names.join(", ")))
                .collect();
            format!("plugbench {runner}; workers {}", workers.join("; "))
        }
    }
}

/// Whether `fingerprint` is one of the kernel builds this plugbench carries.
pub fn own_build(fingerprint: &str) -> bool {
    static OWN: OnceLock<Vec<String>> = OnceLock::new();
    OWN.get_or_init(|| artifacts().into_iter().map(|a| a.fingerprint).collect())
        .iter()
        .any(|own| own == fingerprint)
}

/// Every build a run may load, fingerprinted so readers can check which bytes ran: each
/// kernel's own builds, then the builds that carry every kernel (listed once, with no kernel).
fn artifacts() -> Vec<ArtifactInfo> {
    let info = |kernel: &str, format: GuestFormat, bytes: &[u8]| ArtifactInfo {
        kernel: kernel.to_string(),
        format: format.label().to_string(),
        bytes: bytes.len(),
        fingerprint: kernel_embed::fingerprint(bytes),
    };
    let own = kernel_embed::KERNELS
        .iter()
        .flat_map(|k| ARTIFACT_FORMATS.map(|f| (k, f)))
        .filter(|(k, f)| f.available(k))
        .map(|(k, f)| info(k.name, f, f.artifact(k)));
    let any_kernel = &kernel_embed::KERNELS[0];
    let shared = SHARED_FORMATS.map(|f| info("", f, f.artifact(any_kernel)));
    own.chain(shared).collect()
}

/// The builds with every kernel in one module: the same bytes whichever kernel runs.
const SHARED_FORMATS: [GuestFormat; 2] =
    [GuestFormat::CoreModuleShared, GuestFormat::PdkPluginShared];

/// Each kernel's own builds.
const ARTIFACT_FORMATS: [GuestFormat; 7] = [
    GuestFormat::CoreModule,
    GuestFormat::PdkPlugin,
    GuestFormat::Component,
    GuestFormat::CoreModuleSimd,
    GuestFormat::NativeLibrary {
        build: NativeBuild::Default,
    },
    GuestFormat::NativeLibrary {
        build: NativeBuild::NotVectorized,
    },
    GuestFormat::NativeLibrary {
        build: NativeBuild::X86_64V3,
    },
];

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn os_description() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|s| s.trim().to_string());
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p}, Linux {k}"),
        (Some(p), None) => p,
        (None, Some(k)) => format!("Linux {k}"),
        (None, None) => std::env::consts::OS.to_string(),
    }
}

/// Median cost of one timed empty sample (an `Instant::now()` pair), the fixed overhead
/// every warm sample carries.
pub fn timer_overhead_ns() -> f64 {
    let mut costs: Vec<f64> = (0..2001)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(start.elapsed().as_nanos() as f64)
        })
        .collect();
    costs.sort_by(f64::total_cmp);
    costs[costs.len() / 2]
}
