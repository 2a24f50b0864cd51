//! A numeric export of any module as a [`Compiled`]: the call takes no input bytes, invokes
//! the export with fixed arguments, and gives back its results as text, so every phase the
//! byte-ABI kernels go through (compile, instantiate, first call, cold start, warm calls)
//! measures a user's numeric export the same way.

use crate::{AnyInstance, AnyModule, Compiled, Instance, RuntimeError, Value, ValueType};

/// What to call on each instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub export: String,
    pub args: Vec<Value>,
    /// The export's result types (what a native build of it returns).
    pub results: Vec<ValueType>,
}

/// A module compiled with [`crate::Runtime::compile_any`], called as `invocation` says (what
/// [`crate::Runtime::compile_invocation`] does for a runtime that hosts any core module).
pub fn invoked(module: Box<dyn AnyModule>, invocation: &Invocation) -> Box<dyn Compiled> {
    Box::new(Invoked {
        module,
        invocation: invocation.clone(),
    })
}

struct Invoked {
    module: Box<dyn AnyModule>,
    invocation: Invocation,
}

impl Compiled for Invoked {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        Ok(Box::new(InvokedInstance {
            instance: self.module.instantiate()?,
            invocation: self.invocation.clone(),
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.module.serialize()
    }
}

struct InvokedInstance {
    instance: Box<dyn AnyInstance>,
    invocation: Invocation,
}

impl Instance for InvokedInstance {
    /// The results, one `value:type` per line (floats with their bits, so outputs compare exactly).
    fn call(&mut self, _input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        let Invocation { export, args, .. } = &self.invocation;
        let results = self.instance.invoke(export, args)?;
        Ok(results_text(&results).into_bytes())
    }
}

/// Results as the output of a numeric call.
pub fn results_text(results: &[Value]) -> String {
    results.iter().map(|v| format!("{v}\n")).collect()
}
