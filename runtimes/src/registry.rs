//! The runtimes built into this binary, in report order. The only place besides the
//! adapters that knows which runtimes exist and which sandbox guards each one offers.

use crate::{Runtime, RuntimeError, Sandbox};

/// A runtime this binary can create.
#[derive(Clone, Copy)]
pub struct RuntimeEntry {
    pub name: &'static str,
    /// The guard this entry switches on; [`Sandbox::Off`] for the runtime as users get it.
    pub sandbox: Sandbox,
    pub create: fn() -> Result<Box<dyn Runtime>, RuntimeError>,
}

/// Whether a runtime offers a guard, and how.
#[derive(Debug, Clone, Copy)]
pub struct SandboxSupport {
    pub runtime: &'static str,
    pub guard: Sandbox,
    /// The registry entry that measures it, if this binary has one.
    pub variant: Option<&'static str>,
    /// How the runtime offers it, or why it does not.
    pub how: &'static str,
}

fn boxed<R: Runtime + 'static>(
    r: Result<R, RuntimeError>,
) -> Result<Box<dyn Runtime>, RuntimeError> {
    r.map(|r| Box::new(r) as Box<dyn Runtime>)
}

/// Every runtime compiled in (each behind its cargo feature), the baseline first, then the
/// sandboxed variants.
pub fn all() -> Vec<RuntimeEntry> {
    #[allow(unused_imports)]
    use crate::adapters::*;
    #[allow(unused_mut)]
    let mut entries: Vec<RuntimeEntry> = Vec::new();
    #[allow(unused_macros)]
    macro_rules! entry {
        ($name:expr, $sandbox:expr, $create:expr) => {
            entries.push(RuntimeEntry {
                name: $name,
                sandbox: $sandbox,
                create: || boxed($create),
            })
        };
    }
    #[cfg(feature = "native")]
    entry!("native", Sandbox::Off, Ok(native::Native));
    #[cfg(feature = "wasmtime")]
    entry!(
        "wasmtime",
        Sandbox::Off,
        wasmtime::Wasmtime::new(Sandbox::Off)
    );
    #[cfg(feature = "wasmer-cranelift")]
    entry!(
        "wasmer-cranelift",
        Sandbox::Off,
        wasmer::Wasmer::new(wasmer::Compiler::Cranelift, Sandbox::Off)
    );
    #[cfg(feature = "wasmer-singlepass")]
    entry!(
        "wasmer-singlepass",
        Sandbox::Off,
        wasmer::Wasmer::new(wasmer::Compiler::Singlepass, Sandbox::Off)
    );
    #[cfg(feature = "wasmi")]
    entry!("wasmi", Sandbox::Off, wasmi::Wasmi::new(Sandbox::Off));
    #[cfg(feature = "extism")]
    entry!("extism", Sandbox::Off, Ok(extism::Extism(Sandbox::Off)));

    #[cfg(feature = "wasmtime")]
    {
        entry!(
            "wasmtime+fuel",
            Sandbox::Fuel,
            wasmtime::Wasmtime::new(Sandbox::Fuel)
        );
        entry!(
            "wasmtime+deadline",
            Sandbox::Deadline,
            wasmtime::Wasmtime::new(Sandbox::Deadline)
        );
        entry!(
            "wasmtime+memory-limit",
            Sandbox::MemoryLimit,
            wasmtime::Wasmtime::new(Sandbox::MemoryLimit)
        );
    }
    #[cfg(feature = "wasmer-cranelift")]
    {
        entry!(
            "wasmer-cranelift+fuel",
            Sandbox::Fuel,
            wasmer::Wasmer::new(wasmer::Compiler::Cranelift, Sandbox::Fuel)
        );
        entry!(
            "wasmer-cranelift+memory-limit",
            Sandbox::MemoryLimit,
            wasmer::Wasmer::new(wasmer::Compiler::Cranelift, Sandbox::MemoryLimit)
        );
    }
    #[cfg(feature = "wasmer-singlepass")]
    {
        entry!(
            "wasmer-singlepass+fuel",
            Sandbox::Fuel,
            wasmer::Wasmer::new(wasmer::Compiler::Singlepass, Sandbox::Fuel)
        );
        entry!(
            "wasmer-singlepass+memory-limit",
            Sandbox::MemoryLimit,
            wasmer::Wasmer::new(wasmer::Compiler::Singlepass, Sandbox::MemoryLimit)
        );
    }
    #[cfg(feature = "wasmi")]
    {
        entry!(
            "wasmi+fuel",
            Sandbox::Fuel,
            wasmi::Wasmi::new(Sandbox::Fuel)
        );
        entry!(
            "wasmi+memory-limit",
            Sandbox::MemoryLimit,
            wasmi::Wasmi::new(Sandbox::MemoryLimit)
        );
    }
    #[cfg(feature = "extism")]
    {
        entry!(
            "extism+fuel",
            Sandbox::Fuel,
            Ok(extism::Extism(Sandbox::Fuel))
        );
        entry!(
            "extism+deadline",
            Sandbox::Deadline,
            Ok(extism::Extism(Sandbox::Deadline))
        );
        entry!(
            "extism+memory-limit",
            Sandbox::MemoryLimit,
            Ok(extism::Extism(Sandbox::MemoryLimit))
        );
    }
    entries
}

/// Every guard of every runtime built in: offered and measured by a variant, or why not.
pub fn sandbox_support() -> Vec<SandboxSupport> {
    const HOW: &[(&str, Sandbox, &str)] = &[
        (
            "wasmtime",
            Sandbox::Fuel,
            "Config::consume_fuel + Store::set_fuel",
        ),
        (
            "wasmtime",
            Sandbox::Deadline,
            "Config::epoch_interruption + Store::set_epoch_deadline",
        ),
        (
            "wasmtime",
            Sandbox::MemoryLimit,
            "StoreLimits via Store::limiter",
        ),
        (
            "wasmer-cranelift",
            Sandbox::Fuel,
            "wasmer-middlewares Metering, pushed into the compiler config",
        ),
        (
            "wasmer-cranelift",
            Sandbox::Deadline,
            "not offered: no epoch or deadline interruption (metering is the way to bound a call)",
        ),
        (
            "wasmer-cranelift",
            Sandbox::MemoryLimit,
            "a custom Tunables (set on the engine) capping every memory's maximum",
        ),
        (
            "wasmer-singlepass",
            Sandbox::Fuel,
            "wasmer-middlewares Metering, pushed into the compiler config",
        ),
        (
            "wasmer-singlepass",
            Sandbox::Deadline,
            "not offered: no epoch or deadline interruption (metering is the way to bound a call)",
        ),
        (
            "wasmer-singlepass",
            Sandbox::MemoryLimit,
            "a custom Tunables (set on the engine) capping every memory's maximum",
        ),
        (
            "wasmi",
            Sandbox::Fuel,
            "Config::consume_fuel + Store::set_fuel",
        ),
        (
            "wasmi",
            Sandbox::Deadline,
            "not offered: no epoch or deadline interruption (fuel is the way to bound a call)",
        ),
        (
            "wasmi",
            Sandbox::MemoryLimit,
            "StoreLimits via Store::limiter",
        ),
        ("extism", Sandbox::Fuel, "PluginBuilder::with_fuel_limit"),
        (
            "extism",
            Sandbox::Deadline,
            "Manifest::with_timeout (epoch interruption is always on in extism)",
        ),
        ("extism", Sandbox::MemoryLimit, "Manifest::with_memory_max"),
    ];
    let entries = all();
    HOW.iter()
        .filter(|(runtime, _, _)| entries.iter().any(|e| e.name == *runtime))
        .map(|&(runtime, guard, how)| SandboxSupport {
            runtime,
            guard,
            variant: entries
                .iter()
                .find(|e| {
                    e.sandbox == guard
                        && e.name
                            .strip_prefix(runtime)
                            .and_then(|r| r.strip_prefix('+'))
                            == Some(guard.suffix())
                })
                .map(|e| e.name),
            how,
        })
        .collect()
}

pub fn names() -> Vec<&'static str> {
    all().iter().map(|e| e.name).collect()
}

/// The runtimes a comparison runs unless told otherwise: every one without a sandbox guard.
pub fn default_names() -> Vec<&'static str> {
    all()
        .iter()
        .filter(|e| e.sandbox == Sandbox::Off)
        .map(|e| e.name)
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
    (entry.create)()
}

/// The runtime every ratio is relative to, if it is built in.
pub fn baseline_name() -> Option<&'static str> {
    #[cfg(feature = "native")]
    return Some("native");
    #[cfg(not(feature = "native"))]
    None
}
