//! Any core module, called by export name with numbers: what `plugbench fuzz` runs (and what a
//! user's own numeric export needs). Unlike the kernel path, nothing about the module is
//! assumed: it imports nothing, and the caller names each export and passes its arguments.

use crate::{RuntimeError, Value};

/// A compiled module, ready to be instantiated.
pub trait AnyModule: Send + Sync {
    /// A fresh instance; a start function runs here.
    fn instantiate(&self) -> Result<Box<dyn AnyInstance>, RuntimeError>;

    /// Saves the compiled code (loaded back by [`crate::Runtime::load`]).
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        Err(RuntimeError::Unsupported)
    }
}

/// A live instance of any module.
pub trait AnyInstance {
    /// Calls the exported function `export` with `args`; its results in order.
    fn invoke(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, RuntimeError>;
    /// The value of the exported numeric global `export` (`None` if there is none).
    fn global(&mut self, export: &str) -> Option<Value>;
    /// Size in bytes and [`digest`] of the exported memory `export` (`None` if there is none).
    fn memory(&mut self, export: &str) -> Option<(u64, u64)>;
}

/// FNV-1a of `bytes`: the same in every process and version, so memories of two runtimes (or
/// of a run and its replay) compare by digest.
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The error for a value a runtime gives back that has no [`Value`] (a reference, a vector).
pub fn not_a_number(what: impl std::fmt::Debug) -> RuntimeError {
    RuntimeError::Call(format!("result is not a number: {what:?}"))
}

/// The function an export names, looked up on the first call and kept for the next ones, as a
/// host keeps its function handles (a lookup by name on every call would be timed with it).
pub fn resolved<F: Clone>(
    slot: &mut Option<(String, F)>,
    export: &str,
    look_up: impl FnOnce() -> Result<F, RuntimeError>,
) -> Result<F, RuntimeError> {
    if let Some((name, func)) = slot.as_ref().filter(|(name, _)| name == export) {
        debug_assert_eq!(name, export);
        return Ok(func.clone());
    }
    let func = look_up()?;
    *slot = Some((export.to_string(), func.clone()));
    Ok(func)
}
