//! The registry. Each adapter declares its configurations and the guards each offers
//! ([`Configuration`]); every runtime made from them (the guarded variants, the gap
//! measurement's other guest builds) and every table (guards, SIMD, defaults, known
//! differences) is derived here from the declarations alone ([`Declarations`]), so a worker,
//! which makes the runtimes, and the runner, which links no engine and reads each worker's
//! declarations ([`Description`]), derive the same names.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::guest_build::OtherBuild;
use crate::GuestBuild;
use crate::{Guard, GuardSupport, KnownDifference, Runtime, RuntimeError, RuntimeInfo, Symptom};

type Make = Arc<dyn Fn(Option<Guard>) -> Result<Box<dyn Runtime>, RuntimeError> + Send + Sync>;

/// One configuration of a runtime as a user would pick it, as its adapter declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    /// Its name on the command line and in reports.
    pub name: String,
    /// The reference every ratio is relative to (native code).
    pub baseline: bool,
    /// Every guard, offered (how) or not (why).
    pub guards: Vec<(Guard, GuardSupport)>,
    /// Whether it runs the guest built with Wasm SIMD (`<name>-simd`), or why not.
    pub simd: Result<(), String>,
    /// In a comparison unless told otherwise (the gap measurement's extra native builds are not).
    pub default: bool,
    /// How it is known to differ from the other runtimes on some modules.
    pub known: Vec<KnownDifference>,
    /// It runs components, with the engine and settings of this core-module configuration:
    /// the pair the "Plugin interface" section compares.
    #[serde(default)]
    pub component_of: Option<String>,
    /// A core-module configuration that is here as its component configuration's pair (an
    /// engine version a component layer needs): measured with the "Plugin interface" section,
    /// not picked by a comparison otherwise.
    #[serde(default)]
    pub interface_reference: bool,
}

/// A declared configuration with the function that makes its runtime, given the guard to
/// switch on (only guards it offers are asked for).
#[derive(Clone)]
pub struct Configuration {
    pub declared: Declared,
    make: Make,
}

impl Configuration {
    pub fn new<R: Runtime + 'static>(
        name: &str,
        guards: Vec<(Guard, GuardSupport)>,
        make: impl Fn(Option<Guard>) -> Result<R, RuntimeError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            declared: Declared {
                name: name.to_string(),
                baseline: false,
                guards,
                simd: Err("it does not load core modules".into()),
                default: true,
                known: Vec::new(),
                component_of: None,
                interface_reference: false,
            },
            make: Arc::new(move |guard| make(guard).map(|r| Box::new(r) as Box<dyn Runtime>)),
        }
    }

    /// It also runs the guest built with Wasm SIMD.
    pub fn runs_simd(mut self) -> Self {
        self.declared.simd = Ok(());
        self
    }

    /// It does not run the SIMD guest, for this reason.
    pub fn no_simd(mut self, why: &str) -> Self {
        self.declared.simd = Err(why.to_string());
        self
    }

    /// It is known to differ from the other runtimes this way.
    pub fn known(mut self, symptom: Symptom, why: &'static str) -> Self {
        self.declared.known.push(KnownDifference {
            symptom,
            why: why.into(),
        });
        self
    }

    /// It runs components with the same engine and settings as core-module configuration
    /// `core`.
    pub fn component_of(mut self, core: &str) -> Self {
        self.declared.component_of = Some(core.to_string());
        self.declared.simd = Err("it runs components".into());
        self
    }

    /// The core-module pair of a component configuration, measured only with it (or when
    /// asked for by name).
    pub fn interface_reference(mut self) -> Self {
        self.declared.default = false;
        self.declared.interface_reference = true;
        self
    }

    /// Measured only when asked for by name (or by the gap measurement).
    pub fn not_default(mut self) -> Self {
        self.declared.default = false;
        self
    }

    /// The native baseline: no guards.
    pub fn baseline<R: Runtime + 'static>(
        name: &str,
        make: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        let mut configuration = Self::new(name, Vec::new(), move |_| Ok(make()));
        configuration.declared.baseline = true;
        configuration
    }
}

/// A runtime made from a configuration: with or without a guard, and with the guest build
/// it loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `wasmtime`, or `wasmtime+fuel` with a guard on, or `wasmtime-simd` for another build.
    pub name: String,
    /// The configuration it is made from.
    pub configuration: String,
    pub guard: Option<Guard>,
    pub baseline: bool,
    /// A gap variant: the configuration given another build of the guest.
    pub build: Option<GuestBuild>,
}

/// Whether a runtime offers a guard, and how.
#[derive(Debug, Clone)]
pub struct SandboxSupport {
    pub runtime: String,
    pub guard: Guard,
    /// The runtime that measures it, if the guard is offered.
    pub variant: Option<String>,
    pub support: GuardSupport,
}

/// The name of a configuration's SIMD-guest variant.
pub fn simd_variant(configuration: &str) -> String {
    format!("{configuration}-simd")
}

/// The name of a configuration's variant with every kernel in one module.
pub fn shared_variant(configuration: &str) -> String {
    format!("{configuration}-shared")
}

/// Configurations, in report order, and everything derived from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declarations(pub Vec<Declared>);

impl Declarations {
    /// A Wasm runtime as a user would pick it: not the baseline, not one of the gap
    /// measurement's extra native builds.
    fn wasm_picks(&self) -> impl Iterator<Item = &Declared> {
        self.0.iter().filter(|c| c.default && !c.baseline)
    }

    /// Every runtime: each configuration as users get it, then its guarded variants, then the
    /// gap measurement's variants with other guest builds.
    pub fn entries(&self) -> Vec<Entry> {
        let entry =
            |c: &Declared, name: String, guard: Option<Guard>, build: Option<GuestBuild>| Entry {
                name,
                configuration: c.name.clone(),
                guard,
                baseline: c.baseline && guard.is_none() && build.is_none(),
                build,
            };
        let plain = self.0.iter().map(|c| entry(c, c.name.clone(), None, None));
        let guarded = self.0.iter().flat_map(|c| {
            c.guards
                .iter()
                .filter(|(_, support)| support.is_offered())
                .map(move |&(guard, _)| entry(c, guard.variant_of(&c.name), Some(guard), None))
        });
        let simd = self
            .0
            .iter()
            .filter(|c| c.simd.is_ok())
            .map(|c| entry(c, simd_variant(&c.name), None, Some(GuestBuild::Simd)));
        let shared = self
            .wasm_picks()
            .map(|c| entry(c, shared_variant(&c.name), None, Some(GuestBuild::Shared)));
        plain.chain(guarded).chain(simd).chain(shared).collect()
    }

    pub fn names(&self) -> Vec<String> {
        self.entries().into_iter().map(|e| e.name).collect()
    }

    /// The runtimes a comparison runs unless told otherwise: every one without a guard.
    pub fn default_names(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|c| c.default)
            .map(|c| c.name.clone())
            .collect()
    }

    /// The runtime every ratio is relative to, if it is declared.
    pub fn baseline_name(&self) -> Option<String> {
        self.0.iter().find(|c| c.baseline).map(|c| c.name.clone())
    }

    /// The configurations that are not in a comparison by default (the extra native builds).
    pub fn extra_names(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|c| !c.default && c.component_of.is_none() && !c.interface_reference)
            .map(|c| c.name.clone())
            .collect()
    }

    /// Every configuration's answer to the SIMD guest: the variant that runs it, or why not.
    pub fn simd_support(&self) -> Vec<(String, Result<String, String>)> {
        self.wasm_picks()
            .map(|c| {
                let variant = c.simd.clone().map(|()| simd_variant(&c.name));
                (c.name.clone(), variant)
            })
            .collect()
    }

    /// Every configuration that runs components, with the core-module configuration it pairs
    /// with.
    pub fn component_pairs(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|c| Some((c.component_of.clone()?, c.name.clone())))
            .collect()
    }

    /// The component configurations of the `selected` core-module configurations that are not
    /// selected already: what the "Plugin interface" section adds to a comparison.
    pub fn interface_variants(&self, selected: &[String]) -> Vec<String> {
        self.component_pairs()
            .into_iter()
            .filter(|(core, component)| selected.contains(core) && !selected.contains(component))
            .map(|(_, component)| component)
            .collect()
    }

    /// The pairs whose core-module configuration is here only for its component (an interface
    /// reference) and not selected: each pair's core, then its component.
    pub fn interface_references(&self, selected: &[String]) -> Vec<String> {
        self.component_pairs()
            .into_iter()
            .filter(|(core, _)| self.is_interface_reference(core) && !selected.contains(core))
            .flat_map(|(core, component)| [core, component])
            .filter(|name| !selected.contains(name))
            .collect()
    }

    /// Whether `name` is a core-module configuration here only for its component's pair.
    pub fn is_interface_reference(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|c| c.name == name && c.interface_reference)
    }

    /// Every configuration's variant that loads every kernel in one module.
    pub fn shared_support(&self) -> Vec<(String, String)> {
        self.wasm_picks()
            .map(|c| (c.name.clone(), shared_variant(&c.name)))
            .collect()
    }

    /// What the gap measurement adds to a comparison of `selected`: the extra native builds
    /// `built_here` says this host has, the SIMD-guest variant of each selected configuration
    /// that runs one, and each one's variant with every kernel in one module.
    pub fn gap_variants(
        &self,
        selected: &[String],
        built_here: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let is_selected = |configuration: &str| selected.iter().any(|s| s == configuration);
        let extra = self.extra_names().into_iter().filter(|n| built_here(n));
        let simd = self
            .simd_support()
            .into_iter()
            .filter(|(configuration, _)| is_selected(configuration))
            .filter_map(|(_, variant)| variant.ok());
        let shared = self
            .shared_support()
            .into_iter()
            .filter(|(configuration, _)| is_selected(configuration))
            .map(|(_, variant)| variant);
        extra
            .chain(simd)
            .chain(shared)
            .filter(|v| !selected.contains(v))
            .collect()
    }

    /// Is `name` one of the gap measurement's rows (not a runtime a user picks)?
    pub fn is_gap_variant(&self, name: &str) -> bool {
        let extra = self.extra_names();
        self.entries().into_iter().any(|e| {
            e.name == name
                && (e.build.is_some()
                    || extra.contains(&e.configuration)
                    || self.is_interface_reference(&e.configuration))
        })
    }

    /// Every guard of every configuration: offered and measured by a variant, or why not.
    pub fn sandbox_support(&self) -> Vec<SandboxSupport> {
        self.0
            .iter()
            .flat_map(|c| {
                c.guards.iter().map(move |(guard, support)| SandboxSupport {
                    runtime: c.name.clone(),
                    guard: *guard,
                    variant: support.is_offered().then(|| guard.variant_of(&c.name)),
                    support: support.clone(),
                })
            })
            .collect()
    }

    /// Every configuration's known differences, by configuration name.
    pub fn known_differences(&self) -> Vec<(String, KnownDifference)> {
        self.0
            .iter()
            .flat_map(|c| c.known.iter().map(move |k| (c.name.clone(), k.clone())))
            .collect()
    }
}

/// What a worker says of itself (`<worker> describe`): its configurations, and each runtime
/// made from them with what it says about itself (or why it could not be made).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Description {
    pub configurations: Declarations,
    pub runtimes: Vec<(Entry, Result<RuntimeInfo, String>)>,
    /// The cargo profile the worker binary was built with and its settings (workers of one
    /// measurement build differ: docs/calibration.md, "Build time").
    #[serde(default)]
    pub build: String,
}

/// The configurations a worker makes runtimes of.
#[derive(Clone, Default)]
pub struct Registry {
    configurations: Vec<Configuration>,
}

impl Registry {
    pub fn new(configurations: Vec<Configuration>) -> Self {
        Self { configurations }
    }

    pub fn declarations(&self) -> Declarations {
        Declarations(
            self.configurations
                .iter()
                .map(|c| c.declared.clone())
                .collect(),
        )
    }

    /// Creates the runtime called `name`, or says which names exist.
    pub fn create(&self, name: &str) -> Result<Box<dyn Runtime>, RuntimeError> {
        let declarations = self.declarations();
        let entry = declarations
            .entries()
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                RuntimeError::Setup(format!(
                    "unknown runtime `{name}`; here: {}",
                    declarations.names().join(", ")
                ))
            })?;
        let configuration = self
            .configurations
            .iter()
            .find(|c| c.declared.name == entry.configuration)
            .expect("every entry is made from a configuration");
        let runtime = (configuration.make)(entry.guard)?;
        Ok(match entry.build {
            Some(build) => Box::new(OtherBuild(runtime, build)),
            None => runtime,
        })
    }

    /// Every runtime, with what it says about itself.
    pub fn describe(&self) -> Description {
        let configurations = self.declarations();
        let runtimes = configurations
            .entries()
            .into_iter()
            .map(|entry| {
                let info = self
                    .create(&entry.name)
                    .map(|rt| rt.info())
                    .map_err(|e| e.to_string());
                (entry, info)
            })
            .collect();
        Description {
            configurations,
            runtimes,
            build: String::new(),
        }
    }
}

/// The worker binaries, in report order: each links one engine and makes the runtimes its
/// adapter crate declares (`runner/src/bin/`). `plugbench` finds them beside itself.
pub const WORKERS: &[Worker] = &[
    Worker {
        binary: "plugbench-worker-native",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmtime",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmtime-component",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmtime43",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmer",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmer-llvm",
        how_to_build: "needs LLVM 22: run `bash scripts/install-packages`, then build with \
                       `--features wasmer-llvm`",
        optional: true,
    },
    Worker {
        binary: "plugbench-worker-wasmi",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-wasmi031",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-tinywasm",
        how_to_build: "built with plugbench",
        optional: false,
    },
    Worker {
        binary: "plugbench-worker-extism",
        how_to_build: "built with plugbench",
        optional: false,
    },
];

/// Runtimes built on an engine that a configuration of its own runs directly, with the same
/// build and on the same module: extism on the wasmtime it embeds (`runtime-wasmtime43` is
/// held to extism's version). The gap section splits such a runtime's ratio at its engine.
pub const EMBEDDED_ENGINES: &[Embeds] = &[Embeds {
    runtime: "extism",
    engine: "wasmtime-43",
}];

/// `runtime` runs on the engine that configuration `engine` runs directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Embeds {
    pub runtime: &'static str,
    pub engine: &'static str,
}

/// A worker binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worker {
    pub binary: &'static str,
    /// What builds it, for the message when it is missing.
    pub how_to_build: &'static str,
    /// Left out of a build on purpose (it needs a system library): missing, it is noted, not
    /// an error.
    pub optional: bool,
}
