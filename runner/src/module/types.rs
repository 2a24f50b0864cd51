//! A module's function types as every reader here needs them, for modules of any proposal: a
//! type section may hold struct, array and continuation types (Wasm GC, stack switching) beside
//! function types, and functions may be imported with an exact type (custom descriptors). Each
//! reader indexes types and functions the way the binary does, so a non-function type keeps
//! its place instead of shifting the function types after it.

use plugbench_data::ValueType;
use wasmparser::{
    BinaryReaderError, CompositeInnerType, FuncType, TypeRef, TypeSectionReader, ValType,
};

/// Every type of a type section in index order: its function type, or `None` for a struct,
/// array or continuation type.
pub fn function_types(
    section: TypeSectionReader<'_>,
) -> Result<Vec<Option<FuncType>>, BinaryReaderError> {
    let mut types = Vec::new();
    for group in section {
        for sub in group?.into_types() {
            types.push(match sub.composite_type.inner {
                CompositeInnerType::Func(func) => Some(func),
                CompositeInnerType::Array(_)
                | CompositeInnerType::Struct(_)
                | CompositeInnerType::Cont(_) => None,
            });
        }
    }
    Ok(types)
}

/// The type index of an imported function (`None` for any other import).
pub fn imported_function(ty: TypeRef) -> Option<u32> {
    match ty {
        TypeRef::Func(index) | TypeRef::FuncExact(index) => Some(index),
        TypeRef::Table(_) | TypeRef::Memory(_) | TypeRef::Global(_) | TypeRef::Tag(_) => None,
    }
}

/// A number type as plugbench passes it; `None` for vectors and references.
pub fn number(t: ValType) -> Option<ValueType> {
    match t {
        ValType::I32 => Some(ValueType::I32),
        ValType::I64 => Some(ValueType::I64),
        ValType::F32 => Some(ValueType::F32),
        ValType::F64 => Some(ValueType::F64),
        ValType::V128 | ValType::Ref(_) => None,
    }
}

/// Every type a number, else `None`.
pub fn numbers(types: &[ValType]) -> Option<Vec<ValueType>> {
    types.iter().map(|&t| number(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{Parser, Payload};

    fn types_of(wat: &str) -> Vec<Option<FuncType>> {
        let bytes = wat::parse_str(wat).unwrap();
        let types = Parser::new(0)
            .parse_all(&bytes)
            .find_map(|p| match p.unwrap() {
                Payload::TypeSection(s) => Some(function_types(s).unwrap()),
                _ => None,
            })
            .unwrap();
        types
    }

    #[test]
    fn gc_types_keep_their_index_beside_function_types() {
        let types = types_of(
            r#"(module
                 (type $point (struct (field i32) (field i32)))
                 (type $bytes (array (mut i8)))
                 (rec (type $node (struct (field (ref null $node)))) (type $f (func (param i64) (result i32))))
                 (func (type $f) i32.const 0))"#,
        );
        assert_eq!(types.len(), 4);
        assert!(types[..3].iter().all(Option::is_none));
        let f = types[3].as_ref().unwrap();
        assert_eq!(numbers(f.params()), Some(vec![ValueType::I64]));
        assert_eq!(numbers(f.results()), Some(vec![ValueType::I32]));
    }
}
