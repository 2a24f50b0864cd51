//! A WebAssembly number as it crosses the host boundary: what a caller passes to an export and
//! what it gets back. Floats are kept as their bits, so two runtimes' answers compare exactly
//! (NaN payloads included) and a file round-trips them without loss.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    I32(i32),
    I64(i64),
    /// The bits of an `f32`.
    F32(u32),
    /// The bits of an `f64`.
    F64(u64),
}

/// The type of a [`Value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    I32,
    I64,
    F32,
    F64,
}

impl Value {
    pub fn ty(self) -> ValueType {
        match self {
            Value::I32(_) => ValueType::I32,
            Value::I64(_) => ValueType::I64,
            Value::F32(_) => ValueType::F32,
            Value::F64(_) => ValueType::F64,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "{v}:i32"),
            Value::I64(v) => write!(f, "{v}:i64"),
            Value::F32(bits) => write!(f, "{:?}:f32 (0x{bits:08x})", f32::from_bits(bits)),
            Value::F64(bits) => write!(f, "{:?}:f64 (0x{bits:016x})", f64::from_bits(bits)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_payload_survives_a_file() {
        let nan = Value::F32(0x7fc0_0001);
        let text = serde_json::to_string(&nan).unwrap();
        assert_eq!(text, r#"{"f32":2143289345}"#);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), nan);
        assert_ne!(Value::F32(0x7fc0_0000), nan);
    }
}
