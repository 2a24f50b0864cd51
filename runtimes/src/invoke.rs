//! A numeric export of any module as a [`Compiled`]: the call takes no input bytes, invokes
//! the export with fixed arguments, and gives back its results as text, so every phase the
//! byte-ABI kernels go through (compile, instantiate, first call, cold start, warm calls)
//! measures a user's numeric export the same way.

use crate::{AnyInstance, AnyModule, Compiled, Instance, RuntimeError, Value, ValueType};

/// What to call on each instance.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Invocation {
    pub export: String,
    pub args: Vec<Value>,
    /// The export's result types (what a native build of it returns).
    pub results: Vec<ValueType>,
}

/// A compiled module called as `invocation` says (a [`crate::Program::Invocation`] on a runtime
/// that hosts any core module).
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

/// The results [`results_text`] wrote, read back (`None` for text it did not write).
pub fn results_from_text(text: &str) -> Option<Vec<Value>> {
    text.lines().map(value_from_text).collect()
}

/// One line of [`results_text`]: `5:i32`, `-1:i64`, `1.5:f32 (0x3fc00000)` (floats by their bits).
fn value_from_text(line: &str) -> Option<Value> {
    let (number, rest) = line.split_once(':')?;
    let bits = || rest.split_once("(0x")?.1.strip_suffix(')');
    Some(match rest.split(' ').next()? {
        "i32" => Value::I32(number.parse().ok()?),
        "i64" => Value::I64(number.parse().ok()?),
        "f32" => Value::F32(u32::from_str_radix(bits()?, 16).ok()?),
        "f64" => Value::F64(u64::from_str_radix(bits()?, 16).ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_read_back_as_written() {
        let values = vec![
            Value::I32(-5),
            Value::I64(832040),
            Value::F32(f32::NAN.to_bits() | 1),
            Value::F64((-0.0f64).to_bits()),
        ];
        assert_eq!(results_from_text(&results_text(&values)), Some(values));
        assert_eq!(results_from_text(""), Some(Vec::new()));
        assert_eq!(results_from_text("hello"), None);
    }
}
