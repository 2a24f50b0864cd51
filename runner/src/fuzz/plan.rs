//! What to do with a module once it is instantiated, decided once for every runtime: which
//! exports to call with which arguments, and which globals and memories to read afterwards.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use runtimes::{Value, ValueType};
use serde::{Deserialize, Serialize};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType};

use crate::module::types::{function_types, imported_function, number, numbers};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub calls: Vec<Call>,
    /// Exported globals of a number type.
    pub globals: Vec<String>,
    pub memories: Vec<String>,
    /// A function declares a local of a reference type (a known runtime difference depends on it).
    #[serde(default)]
    pub reference_locals: bool,
}

impl Plan {
    /// One call of `export`, with no arguments, and nothing read afterwards.
    pub fn call(export: &str) -> Plan {
        Plan {
            calls: vec![Call {
                export: export.into(),
                args: Vec::new(),
            }],
            ..Plan::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub export: String,
    pub args: Vec<Value>,
}

/// A function's numeric signature; `None` where a parameter or result is not a number
/// (such a function is not called: its arguments cannot be written down).
type Signature = Option<(Vec<ValueType>, usize)>;

/// The plan for `bytes`: every exported function with a numeric signature, called once in
/// export order with arguments drawn from `seed`. A module that does not parse gets an empty plan.
pub fn plan(bytes: &[u8], seed: u64) -> Plan {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let Some(module) = read(bytes) else {
        return Plan::default();
    };
    let calls = module
        .function_exports
        .into_iter()
        .filter_map(|(export, func)| {
            let ty = *module.function_types.get(func as usize)?;
            let (params, _) = module.signatures.get(ty as usize)?.as_ref()?;
            Some(Call {
                export,
                args: params.iter().map(|&t| argument(t, &mut rng)).collect(),
            })
        })
        .collect();
    Plan {
        calls,
        globals: module.numeric_globals,
        memories: module.memories,
        reference_locals: module.reference_locals,
    }
}

#[derive(Default)]
struct Exports {
    signatures: Vec<Signature>,
    /// The type index of every function, imported ones first.
    function_types: Vec<u32>,
    global_is_number: Vec<bool>,
    function_exports: Vec<(String, u32)>,
    numeric_globals: Vec<String>,
    memories: Vec<String>,
    reference_locals: bool,
}

/// Types, functions and exports, read without validating; `None` if the bytes do not parse.
fn read(bytes: &[u8]) -> Option<Exports> {
    let mut e = Exports::default();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            Payload::TypeSection(section) => {
                let types = function_types(section).ok()?;
                e.signatures.extend(
                    types
                        .iter()
                        .map(|ty| ty.as_ref().and_then(|f| numeric(f.params(), f.results()))),
                );
            }
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let ty = import.ok()?.ty;
                    e.function_types.extend(imported_function(ty));
                    if let TypeRef::Global(g) = ty {
                        e.global_is_number.push(is_number(g.content_type));
                    }
                }
            }
            Payload::FunctionSection(funcs) => {
                for ty in funcs {
                    e.function_types.push(ty.ok()?);
                }
            }
            Payload::GlobalSection(globals) => {
                for g in globals {
                    e.global_is_number.push(is_number(g.ok()?.ty.content_type));
                }
            }
            Payload::ExportSection(exports) => {
                for export in exports {
                    let export = export.ok()?;
                    let name = export.name.to_string();
                    match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            e.function_exports.push((name, export.index))
                        }
                        ExternalKind::Memory => e.memories.push(name),
                        ExternalKind::Global
                            if e.global_is_number.get(export.index as usize) == Some(&true) =>
                        {
                            e.numeric_globals.push(name)
                        }
                        _ => {}
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                for local in body.get_locals_reader().ok()? {
                    e.reference_locals |= local.ok()?.1.is_reference_type();
                }
            }
            _ => {}
        }
    }
    Some(e)
}

fn numeric(params: &[ValType], results: &[ValType]) -> Signature {
    let all_results = results.iter().all(|&t| number(t).is_some());
    Some((numbers(params)?, results.len())).filter(|_| all_results)
}

fn is_number(t: ValType) -> bool {
    number(t).is_some()
}

/// An argument: an edge value (zero, one, minus one, extremes, NaN, infinities) half of the
/// time, random bits otherwise.
fn argument(ty: ValueType, rng: &mut ChaCha8Rng) -> Value {
    let edge = rng.random_bool(0.5);
    match ty {
        ValueType::I32 if edge => {
            Value::I32([0, 1, -1, i32::MIN, i32::MAX][rng.random_range(0..5)])
        }
        ValueType::I32 => Value::I32(rng.random()),
        ValueType::I64 if edge => {
            Value::I64([0, 1, -1, i64::MIN, i64::MAX][rng.random_range(0..5)])
        }
        ValueType::I64 => Value::I64(rng.random()),
        ValueType::F32 if edge => {
            let edges = [
                0.0f32,
                -0.0,
                1.0,
                f32::NAN,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::MIN_POSITIVE,
            ];
            Value::F32(edges[rng.random_range(0..edges.len())].to_bits())
        }
        ValueType::F32 => Value::F32(rng.random()),
        ValueType::F64 if edge => {
            let edges = [
                0.0f64,
                -0.0,
                1.0,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MIN_POSITIVE,
            ];
            Value::F64(edges[rng.random_range(0..edges.len())].to_bits())
        }
        ValueType::F64 => Value::F64(rng.random()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_exports_are_called_and_others_are_not() {
        let bytes = wat::parse_str(
            r#"(module
                 (memory (export "mem") 1)
                 (global (export "g") (mut i64) (i64.const 5))
                 (global (export "r") funcref (ref.null func))
                 (func (export "add") (param i32 f64) (result i64) i64.const 0)
                 (func (export "takes_ref") (param externref))
                 (func (export "none")))"#,
        )
        .unwrap();
        let plan = plan(&bytes, 1);
        let called: Vec<&str> = plan.calls.iter().map(|c| c.export.as_str()).collect();
        assert_eq!(called, ["add", "none"]);
        let types: Vec<ValueType> = plan.calls[0].args.iter().map(|a| a.ty()).collect();
        assert_eq!(types, [ValueType::I32, ValueType::F64]);
        assert_eq!(plan.globals, ["g"]);
        assert_eq!(plan.memories, ["mem"]);
        assert!(!plan.reference_locals);
        assert_eq!(
            plan,
            super::plan(&bytes, 1),
            "the same seed, the same arguments"
        );
    }

    #[test]
    fn a_gc_module_s_numeric_exports_are_still_called() {
        let bytes = wat::parse_str(
            r#"(module
                 (type $point (struct (field i32)))
                 (func (export "make") (result (ref $point)) (struct.new $point (i32.const 1)))
                 (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
        )
        .unwrap();
        let called: Vec<String> = plan(&bytes, 1)
            .calls
            .into_iter()
            .map(|c| c.export)
            .collect();
        assert_eq!(called, ["add"]);
    }

    #[test]
    fn bytes_that_do_not_parse_get_nothing_to_call() {
        assert_eq!(plan(b"\0asm\x01\0\0\0\x01\xff", 1), Plan::default());
    }
}
