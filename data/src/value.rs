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

impl Value {
    /// `text` as a value of type `ty`, the way a command line gives it (`35`, `-1`, `2.5`,
    /// `nan`, `inf`; integers also as `0x` hex).
    pub fn parse(ty: ValueType, text: &str) -> Result<Value, String> {
        let bad = |e: &dyn std::fmt::Display| format!("`{text}` is not an {}: {e}", ty.as_str());
        let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
        Ok(match (ty, hex) {
            (ValueType::I32, Some(h)) => {
                Value::I32(u32::from_str_radix(h, 16).map_err(|e| bad(&e))? as i32)
            }
            (ValueType::I64, Some(h)) => {
                Value::I64(u64::from_str_radix(h, 16).map_err(|e| bad(&e))? as i64)
            }
            (ValueType::I32, None) => Value::I32(text.parse().map_err(|e| bad(&e))?),
            (ValueType::I64, None) => Value::I64(text.parse().map_err(|e| bad(&e))?),
            (ValueType::F32, _) => Value::F32(text.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
            (ValueType::F64, _) => Value::F64(text.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        })
    }
}

impl ValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::I32 => "i32",
            ValueType::I64 => "i64",
            ValueType::F32 => "f32",
            ValueType::F64 => "f64",
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

    #[test]
    fn command_line_values_take_the_parameter_type() {
        assert_eq!(Value::parse(ValueType::I32, "35"), Ok(Value::I32(35)));
        assert_eq!(
            Value::parse(ValueType::I32, "0xffffffff"),
            Ok(Value::I32(-1))
        );
        assert_eq!(Value::parse(ValueType::I64, "-7"), Ok(Value::I64(-7)));
        assert_eq!(
            Value::parse(ValueType::F64, "2.5"),
            Ok(Value::F64(2.5f64.to_bits()))
        );
        let err = Value::parse(ValueType::I32, "2.5").unwrap_err();
        assert!(err.contains("`2.5` is not an i32"), "{err}");
    }
}
