//! The runtimes built into this binary, in report order: one line per adapter. Each adapter
//! declares its configurations and the guards each offers; everything else (names of the
//! guarded variants, the guard table, the defaults) is derived here.

use std::sync::Arc;

use crate::guest_build::{GuestBuild, OtherBuild};
use crate::{Guard, GuardSupport, KnownDifference, Runtime, RuntimeError, Symptom};

type Make = Arc<dyn Fn(Option<Guard>) -> Result<Box<dyn Runtime>, RuntimeError> + Send + Sync>;

/// One configuration of a runtime as a user would pick it, declared by its adapter.
#[derive(Clone)]
pub struct Configuration {
    /// Its name on the command line and in reports.
    pub name: &'static str,
    /// The reference every ratio is relative to (native code).
    pub baseline: bool,
    /// Every guard, offered (how) or not (why).
    pub guards: Vec<(Guard, GuardSupport)>,
    /// Whether it runs the guest built with Wasm SIMD (`<name>-simd`), or why not.
    pub simd: Result<(), &'static str>,
    /// In a comparison unless told otherwise (the gap measurement's extra native builds are not).
    pub default: bool,
    /// How it is known to differ from the other runtimes on some modules.
    pub known: Vec<KnownDifference>,
    make: Make,
}

impl Configuration {
    /// A configuration whose runtime is made by `make`, given the guard to switch on (only
    /// guards it offers are asked for).
    pub fn new<R: Runtime + 'static>(
        name: &'static str,
        guards: Vec<(Guard, GuardSupport)>,
        make: impl Fn(Option<Guard>) -> Result<R, RuntimeError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            baseline: false,
            guards,
            simd: Err("it does not load core modules"),
            default: true,
            known: Vec::new(),
            make: Arc::new(move |guard| make(guard).map(|r| Box::new(r) as Box<dyn Runtime>)),
        }
    }

    /// It also runs the guest built with Wasm SIMD.
    pub fn runs_simd(self) -> Self {
        Self {
            simd: Ok(()),
            ..self
        }
    }

    /// It does not run the SIMD guest, for this reason.
    pub fn no_simd(self, why: &'static str) -> Self {
        Self {
            simd: Err(why),
            ..self
        }
    }

    /// A Wasm runtime as a user would pick it: not the baseline, not one of the gap
    /// measurement's extra native builds.
    fn is_wasm_pick(&self) -> bool {
        self.default && !self.baseline
    }

    /// It is known to differ from the other runtimes this way.
    pub fn known(mut self, symptom: Symptom, why: &'static str) -> Self {
        self.known.push(KnownDifference { symptom, why });
        self
    }

    /// Measured only when asked for by name (or by the gap measurement).
    pub fn not_default(self) -> Self {
        Self {
            default: false,
            ..self
        }
    }

    /// The native baseline: no guards.
    pub fn baseline<R: Runtime + 'static>(
        name: &'static str,
        make: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        Self {
            baseline: true,
            ..Self::new(name, Vec::new(), move |_| Ok(make()))
        }
    }
}

/// Every configuration compiled in (each adapter behind its cargo feature), in report order.
fn configurations() -> Vec<Configuration> {
    #[allow(unused_imports)]
    use crate::adapters::*;
    #[allow(unused_mut)]
    let mut all: Vec<Configuration> = Vec::new();
    #[cfg(feature = "native")]
    all.extend(native::configurations());
    #[cfg(feature = "native")]
    all.extend(native_library::configurations());
    #[cfg(feature = "wasmtime")]
    all.extend(wasmtime::configurations());
    #[cfg(any(
        feature = "wasmer-cranelift",
        feature = "wasmer-singlepass",
        feature = "wasmer-llvm"
    ))]
    all.extend(wasmer::configurations());
    #[cfg(feature = "wasmi")]
    all.extend(wasmi::configurations());
    #[cfg(feature = "tinywasm")]
    all.extend(tinywasm::configurations());
    #[cfg(feature = "extism")]
    all.extend(extism::configurations());
    all
}

/// A runtime this binary can create: a configuration, with or without a guard.
#[derive(Clone)]
pub struct RuntimeEntry {
    /// `wasmtime`, or `wasmtime+fuel` with a guard on.
    pub name: String,
    /// The configuration it is made from.
    pub configuration: &'static str,
    pub guard: Option<Guard>,
    pub baseline: bool,
    /// A gap variant: the configuration given another build of the guest.
    pub build: Option<GuestBuild>,
    make: Make,
}

impl RuntimeEntry {
    pub fn create(&self) -> Result<Box<dyn Runtime>, RuntimeError> {
        let runtime = (self.make)(self.guard)?;
        Ok(match self.build {
            Some(build) => Box::new(OtherBuild(runtime, build)),
            None => runtime,
        })
    }
}

/// The name of a configuration's SIMD-guest variant.
pub fn simd_variant(configuration: &str) -> String {
    format!("{configuration}-simd")
}

/// The name of a configuration's variant with every kernel in one module.
pub fn shared_variant(configuration: &str) -> String {
    format!("{configuration}-shared")
}

/// Every runtime built in: each configuration as users get it, then its guarded variants,
/// then the gap measurement's variants with other guest builds.
pub fn all() -> Vec<RuntimeEntry> {
    let configurations = configurations();
    let plain = configurations.iter().map(|c| RuntimeEntry {
        name: c.name.to_string(),
        configuration: c.name,
        guard: None,
        baseline: c.baseline,
        build: None,
        make: Arc::clone(&c.make),
    });
    let guarded = configurations.iter().flat_map(|c| {
        c.guards
            .iter()
            .filter(|(_, support)| support.is_offered())
            .map(|&(guard, _)| RuntimeEntry {
                name: guard.variant_of(c.name),
                configuration: c.name,
                guard: Some(guard),
                baseline: false,
                build: None,
                make: Arc::clone(&c.make),
            })
    });
    let other_build = |c: &Configuration, build: GuestBuild, name: String| RuntimeEntry {
        name,
        configuration: c.name,
        guard: None,
        baseline: false,
        build: Some(build),
        make: Arc::clone(&c.make),
    };
    let simd = configurations
        .iter()
        .filter(|c| c.simd.is_ok())
        .map(|c| other_build(c, GuestBuild::Simd, simd_variant(c.name)));
    let shared = configurations
        .iter()
        .filter(|c| c.is_wasm_pick())
        .map(|c| other_build(c, GuestBuild::Shared, shared_variant(c.name)));
    plain.chain(guarded).chain(simd).chain(shared).collect()
}

/// Every configuration's answer to the SIMD guest: the variant that runs it, or why not.
pub fn simd_support() -> Vec<(&'static str, Result<String, &'static str>)> {
    configurations()
        .into_iter()
        .filter(|c| c.is_wasm_pick())
        .map(|c| (c.name, c.simd.map(|()| simd_variant(c.name))))
        .collect()
}

/// Every configuration's variant that loads every kernel in one module (each Wasm runtime has one).
pub fn shared_support() -> Vec<(&'static str, String)> {
    configurations()
        .into_iter()
        .filter(|c| c.is_wasm_pick())
        .map(|c| (c.name, shared_variant(c.name)))
        .collect()
}

/// What the gap measurement adds to a comparison of `selected`: the extra native builds, the
/// SIMD-guest variant of each selected configuration that runs one, and each one's variant
/// with every kernel in one module.
pub fn gap_variants(selected: &[String]) -> Vec<String> {
    let is_selected = |configuration: &str| selected.iter().any(|s| s == configuration);
    let extra = extra_names()
        .into_iter()
        .filter(|name| built_here(name))
        .map(String::from);
    let simd = simd_support()
        .into_iter()
        .filter(|(configuration, _)| is_selected(configuration))
        .filter_map(|(_, variant)| variant.ok());
    let shared = shared_support()
        .into_iter()
        .filter(|(configuration, _)| is_selected(configuration))
        .map(|(_, variant)| variant);
    extra
        .chain(simd)
        .chain(shared)
        .filter(|v| !selected.contains(v))
        .collect()
}

/// Whether the build a configuration loads exists on this host (the x86-64-v3 library is
/// built on x86-64 hosts only).
fn built_here(name: &str) -> bool {
    let Some(kernel) = kernel_embed::GAP_KERNELS
        .first()
        .and_then(|name| kernel_embed::kernel(name))
    else {
        return false;
    };
    create(name).is_ok_and(|runtime| runtime.info().guest.available(kernel))
}

/// Is `name` one of the gap measurement's rows (not a runtime a user picks)?
pub fn is_gap_variant(name: &str) -> bool {
    all()
        .into_iter()
        .any(|e| e.name == name && (e.build.is_some() || extra_names().contains(&e.configuration)))
}

/// The configurations that are not in a comparison by default (the extra native builds).
pub fn extra_names() -> Vec<&'static str> {
    configurations()
        .into_iter()
        .filter(|c| !c.default)
        .map(|c| c.name)
        .collect()
}

/// Whether a runtime offers a guard, and how.
#[derive(Debug, Clone)]
pub struct SandboxSupport {
    pub runtime: &'static str,
    pub guard: Guard,
    /// The registry entry that measures it, if the guard is offered.
    pub variant: Option<String>,
    pub support: GuardSupport,
}

/// Every guard of every runtime built in: offered and measured by a variant, or why not.
pub fn sandbox_support() -> Vec<SandboxSupport> {
    configurations()
        .into_iter()
        .flat_map(|c| {
            c.guards
                .into_iter()
                .map(move |(guard, support)| SandboxSupport {
                    runtime: c.name,
                    guard,
                    variant: support.is_offered().then(|| guard.variant_of(c.name)),
                    support,
                })
        })
        .collect()
}

pub fn names() -> Vec<String> {
    all().into_iter().map(|e| e.name).collect()
}

/// The runtimes a comparison runs unless told otherwise: every one without a sandbox guard.
pub fn default_names() -> Vec<String> {
    configurations()
        .iter()
        .filter(|c| c.default)
        .map(|c| c.name.to_string())
        .collect()
}

/// Creates the runtime called `name`, or says which names exist.
pub fn create(name: &str) -> Result<Box<dyn Runtime>, RuntimeError> {
    let entry = all().into_iter().find(|e| e.name == name).ok_or_else(|| {
        RuntimeError::Setup(format!(
            "unknown runtime `{name}`; built in: {}",
            names().join(", ")
        ))
    })?;
    entry.create()
}

/// The runtime every ratio is relative to, if it is built in.
pub fn baseline_name() -> Option<&'static str> {
    configurations()
        .into_iter()
        .find(|c| c.baseline)
        .map(|c| c.name)
}

/// Configurations this build leaves out, each with how to build it in.
// One push per optional configuration, each under its own cfg.
#[allow(clippy::vec_init_then_push)]
pub fn left_out() -> Vec<(&'static str, &'static str)> {
    #[allow(unused_mut)]
    let mut out = Vec::new();
    #[cfg(not(feature = "wasmer-llvm"))]
    out.push((
        "wasmer-llvm",
        "needs LLVM 22: run `bash scripts/install-llvm`, then build with `--features wasmer-llvm`",
    ));
    out
}

/// Every configuration's known differences, by configuration name.
pub fn known_differences() -> Vec<(&'static str, KnownDifference)> {
    configurations()
        .into_iter()
        .flat_map(|c| c.known.into_iter().map(move |k| (c.name, k)))
        .collect()
}
