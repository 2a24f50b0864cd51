//! Where the gap to native comes from: on the gap kernels, each runtime's guest against the
//! native baseline, against the same kernel as a one-kernel native library (built like the
//! guest), against that library without auto-vectorization and built for x86-64-v3, the guest
//! built with Wasm SIMD against the first two, and every kernel built into one module against
//! the guest's own one-kernel module. Every ratio is paired by round (all rows ran in the same
//! rounds).

use stats::RatioEstimate;

use crate::analysis::{headline_ratio, paired};
use crate::{NativeBuild, Row, Run};

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
            let simd = match run.environment.simd.iter().find(|s| s.runtime == r.runtime) {
                Some(info) => match (&info.variant, &info.why_not) {
                    (Some(variant), _) => find(variant)
                        .map(ratios)
                        .ok_or_else(|| "its SIMD guest failed or was not measured".to_string()),
                    (None, why) => Err(why.clone().unwrap_or_default()),
                },
                None => Err("not measured".into()),
            };
            let shared = run
                .environment
                .shared_module
                .iter()
                .find(|(runtime, _)| *runtime == r.runtime)
                .and_then(|(_, variant)| find(variant))
                .map(|shared| Shared {
                    vs_native: shared.ratio_to_native.clone(),
                    vs_own: headline_ratio(&paired(shared, r)),
                });
            GapRow {
                runtime: r.runtime.clone(),
                guest: ratios(r),
                simd,
                shared,
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
