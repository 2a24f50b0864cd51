//! Where the gap to native comes from: on the gap kernels, each runtime's guest against the
//! native baseline, against the same kernel as a one-kernel native library (built like the
//! guest), against that library without auto-vectorization and built for x86-64-v3, the guest
//! built with Wasm SIMD against the first two, and every kernel built into one module against
//! the guest's own one-kernel module. Every ratio is paired by round (all rows ran in the same
//! rounds).

use stats::RatioEstimate;

use crate::analysis::{headline_ratio, paired};
use crate::{GuestBuild, NativeBuild, Row, Run};

/// The decomposition for one (kernel, size).
#[derive(Debug, Clone)]
pub struct GapTable {
    pub kernel: String,
    pub size: usize,
    /// The one-kernel native library against the native baseline.
    pub library: Option<RatioEstimate>,
    /// The same library without auto-vectorization against the native baseline.
    pub library_scalar: Option<RatioEstimate>,
    /// The same library for x86-64-v3 against the native baseline (x86-64 hosts only).
    pub library_v3: Option<RatioEstimate>,
    pub rows: Vec<GapRow>,
}

#[derive(Debug, Clone)]
pub struct GapRow {
    pub runtime: String,
    pub guest: Ratios,
    /// The SIMD guest's ratios, or why this runtime does not run it.
    pub simd: Result<Ratios, String>,
    /// The guest with every kernel in one module, if it was measured.
    pub shared: Option<Shared>,
    /// For a runtime built on an engine measured on its own too: its ratio split there.
    pub engine: Option<EngineSplit>,
}

/// A runtime's ratio to native split at the engine it embeds: engine / native times
/// runtime / engine (what the runtime's own layer, its guest build and calling convention add).
#[derive(Debug, Clone, Default)]
pub struct EngineSplit {
    pub engine: String,
    pub engine_vs_native: Option<RatioEstimate>,
    /// Above 1: the runtime is that much slower than its engine run directly.
    pub over_engine: Option<RatioEstimate>,
}

/// The build with every kernel in one module against native and against the one-kernel guest.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    pub vs_native: Option<RatioEstimate>,
    /// Above 1: the shared build is that much slower than the kernel's own module.
    pub vs_own: Option<RatioEstimate>,
}

/// One guest build against each native build.
#[derive(Debug, Clone, Default)]
pub struct Ratios {
    pub vs_native: Option<RatioEstimate>,
    pub vs_library: Option<RatioEstimate>,
    pub vs_library_scalar: Option<RatioEstimate>,
    pub vs_library_v3: Option<RatioEstimate>,
}

/// The runtime names of the native libraries.
struct Libraries {
    default: String,
    scalar: String,
    /// Absent from runs on other hosts and from files written before there was one.
    v3: Option<String>,
}

/// A table for every (kernel, size) of the run that has the gap measurement's rows.
pub fn gap_tables(run: &Run) -> Vec<GapTable> {
    let named = |build: NativeBuild| {
        run.environment
            .native_libraries
            .iter()
            .find(|l| l.build == build)
            .map(|l| l.runtime.clone())
    };
    let (Some(default), Some(scalar)) = (
        named(NativeBuild::Default),
        named(NativeBuild::NotVectorized),
    ) else {
        return Vec::new();
    };
    let libraries = Libraries {
        default,
        scalar,
        v3: named(NativeBuild::X86_64V3),
    };
    run.views()
        .iter()
        .filter_map(|view| table(run, view, &libraries))
        .collect()
}

fn table(run: &Run, view: &Run, libraries: &Libraries) -> Option<GapTable> {
    let find = |name: &str| view.results.iter().find(|r| r.runtime == name && r.is_ok());
    let (library, scalar) = (find(&libraries.default)?, find(&libraries.scalar)?);
    let v3 = libraries.v3.as_deref().and_then(find);
    let ratios = |r: &Row| Ratios {
        vs_native: r.ratio_to_native.clone(),
        vs_library: headline_ratio(&paired(r, library)),
        vs_library_scalar: headline_ratio(&paired(r, scalar)),
        vs_library_v3: v3.and_then(|v3| headline_ratio(&paired(r, v3))),
    };
    let rows = view
        .results
        .iter()
        .filter(|r| r.is_ok() && !r.baseline && r.is_choice())
        .map(|r| {
            let built = |build: GuestBuild| {
                view.results.iter().find(|v| {
                    v.is_ok()
                        && v.configuration == r.runtime
                        && v.guest_build == Some(build)
                        && v.guard.is_none()
                })
            };
            let simd = match run.environment.simd.iter().find(|s| s.runtime == r.runtime) {
                Some(info) => match (&info.variant, &info.why_not) {
                    (Some(_), _) => built(GuestBuild::Simd)
                        .map(ratios)
                        .ok_or_else(|| "its SIMD guest failed or was not measured".to_string()),
                    (None, why) => Err(why.clone().unwrap_or_default()),
                },
                None => Err("not measured".into()),
            };
            let shared = built(GuestBuild::Shared).map(|shared| Shared {
                vs_native: shared.ratio_to_native.clone(),
                vs_own: headline_ratio(&paired(shared, r)),
            });
            let engine = run
                .environment
                .embedded_engines
                .iter()
                .find(|e| e.runtime == r.runtime)
                .and_then(|e| find(&e.engine))
                .map(|engine| EngineSplit {
                    engine: engine.runtime.clone(),
                    engine_vs_native: engine.ratio_to_native.clone(),
                    over_engine: headline_ratio(&paired(r, engine)),
                });
            GapRow {
                runtime: r.runtime.clone(),
                guest: ratios(r),
                simd,
                shared,
                engine,
            }
        })
        .collect();
    Some(GapTable {
        kernel: view.group().kernel.clone(),
        size: view.group().size,
        library: library.ratio_to_native.clone(),
        library_scalar: scalar.ratio_to_native.clone(),
        library_v3: v3.and_then(|v3| v3.ratio_to_native.clone()),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EmbeddedEngine, NativeLibraryInfo, RunFile, RuntimeResult, Status};

    /// A row measured in the same 8 rounds as every other, `ns` per call with a little noise.
    fn measured(name: &str, ns: f64) -> RuntimeResult {
        let mut r = RuntimeResult::failed(name, "k", 10, String::new());
        r.status = Status::Ok;
        for round in 0..8 {
            r.raw.warm_ns.push(ns * (1.0 + 0.001 * (round % 3) as f64));
            r.raw.warm_rounds.push(round);
            r.raw.warm_launches.push(round / 4);
        }
        r
    }

    #[test]
    fn a_runtime_on_an_engine_measured_alone_has_its_ratio_split_there() {
        let shell = crate::choose::tests::run(vec![]);
        let mut native = measured("native", 100.0);
        (native.baseline, native.native) = (true, true);
        let mut libraries = vec![measured("lib", 100.0), measured("lib-scalar", 100.0)];
        for library in &mut libraries {
            (library.native, library.gap_variant) = (true, true);
        }
        let mut environment = shell.environment;
        environment.native_libraries = vec![
            NativeLibraryInfo {
                runtime: "lib".into(),
                build: NativeBuild::Default,
            },
            NativeLibraryInfo {
                runtime: "lib-scalar".into(),
                build: NativeBuild::NotVectorized,
            },
        ];
        environment.embedded_engines = vec![EmbeddedEngine {
            runtime: "plugins".into(),
            engine: "engine".into(),
        }];
        let mut results = vec![
            native,
            measured("engine", 200.0),
            measured("plugins", 300.0),
        ];
        results.extend(libraries);
        let run = crate::analyze(RunFile {
            schema: shell.schema,
            tool: shell.tool,
            interrupted: false,
            environment,
            settings: shell.settings,
            groups: shell.groups,
            results,
            load: Vec::new(),
            instructions: None,
        });
        let rows = &gap_tables(&run)[0].rows;
        let row = |name: &str| rows.iter().find(|r| r.runtime == name).unwrap();
        let split = row("plugins").engine.as_ref().expect("split at its engine");
        assert_eq!(split.engine, "engine");
        let value = |r: &Option<RatioEstimate>| r.as_ref().unwrap().value;
        assert!((value(&split.engine_vs_native) - 2.0).abs() < 1e-9);
        assert!((value(&split.over_engine) - 1.5).abs() < 1e-9);
        assert!((value(&row("plugins").guest.vs_native) - 3.0).abs() < 1e-9);
        assert!(row("engine").engine.is_none());
    }
}
