//! The runtimes built into this binary, in report order. The only place besides the
//! adapters that knows which runtimes exist.

use crate::{Runtime, RuntimeError};

/// A runtime this binary can create.
#[derive(Clone, Copy)]
pub struct RuntimeEntry {
    pub name: &'static str,
    pub create: fn() -> Result<Box<dyn Runtime>, RuntimeError>,
}

fn boxed<R: Runtime + 'static>(
    r: Result<R, RuntimeError>,
) -> Result<Box<dyn Runtime>, RuntimeError> {
    r.map(|r| Box::new(r) as Box<dyn Runtime>)
}

/// Every runtime compiled in (each behind its cargo feature), the baseline first.
pub fn all() -> Vec<RuntimeEntry> {
    #[allow(unused_imports)]
    use crate::adapters::*;
    #[allow(unused_mut)]
    let mut entries: Vec<RuntimeEntry> = Vec::new();
    #[cfg(feature = "native")]
    entries.push(RuntimeEntry {
        name: "native",
        create: || boxed(Ok(native::Native)),
    });
    #[cfg(feature = "wasmtime")]
    entries.push(RuntimeEntry {
        name: "wasmtime",
        create: || boxed(wasmtime::Wasmtime::new()),
    });
    #[cfg(feature = "wasmer-cranelift")]
    entries.push(RuntimeEntry {
        name: "wasmer-cranelift",
        create: || boxed(wasmer::Wasmer::cranelift()),
    });
    #[cfg(feature = "wasmer-singlepass")]
    entries.push(RuntimeEntry {
        name: "wasmer-singlepass",
        create: || boxed(wasmer::Wasmer::singlepass()),
    });
    #[cfg(feature = "wasmi")]
    entries.push(RuntimeEntry {
        name: "wasmi",
        create: || boxed(wasmi::Wasmi::new()),
    });
    #[cfg(feature = "extism")]
    entries.push(RuntimeEntry {
        name: "extism",
        create: || boxed(Ok(extism::Extism)),
    });
    entries
}

pub fn names() -> Vec<&'static str> {
    all().iter().map(|e| e.name).collect()
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
