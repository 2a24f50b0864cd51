//! What a user's module is, read from its bytes with wasmparser: its imports, its exports with
//! their signatures, and the [`ModuleShape`] that decides how it is called.

use plugbench_data::{ModuleShape, ValueType};
use wasmparser::{
    Encoding, ExternalKind, FuncType, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

use super::types;

/// Import module of the byte ABI's host function (`kernel_wasm::core_abi`).
const PLUGBENCH_HOST: (&str, &str) = ("plugbench", "host_mix");
const WASI_P1: &str = "wasi_snapshot_preview1";
const EXTISM_KERNEL: &str = "extism:host/env";
const BENCH: &str = "bench";
/// What the old ABI's imports start with (module `env`).
const OLD_EXTISM_PREFIX: &str = "extism_";
const EXTISM_VERSION_HINT: &str = "1.x";

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub name: String,
    pub kind: &'static str,
    /// Parameter and result types of a function whose values are all numbers.
    pub signature: Option<(Vec<ValueType>, Vec<ValueType>)>,
    /// The signature in words, for any function.
    pub signature_text: String,
}

/// A module that plugbench can call, and what it is.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub shape: ModuleShape,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// The proposals beyond WebAssembly 1.0 it needs.
    pub proposals: Vec<plugbench_data::Proposal>,
    /// A component's WIT world, as text.
    pub wit: Option<String>,
}

/// Why a file is not a module plugbench can call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotCallable {
    #[error("not a WebAssembly module (it does not start with `\\0asm`)")]
    NotWasm,
    #[error("no host here meets these imports of the component: {} (the `-component` configurations provide WASI 0.2, `wasi:*@0.2.*`, and `host-mix`)", .0.join(", "))]
    UnmetComponentImports(Vec<String>),
    #[error(
        "a component, which --link does not apply to: a component carries the modules it links"
    )]
    ComponentLinked,
    #[error("not a valid module: {0}")]
    Invalid(String),
    #[error("no host here can satisfy its imports: {} (a module that provides them can be linked with --link NAME=PATH.wasm)", .0.join(", "))]
    UnmetImports(Vec<String>),
    #[error("an extism plugin for the ABI before extism 1.0 (it imports `env.{0}`); extism {EXTISM_VERSION_HINT} hosts plugins that import `extism:host/env`: rebuild it with a current extism PDK")]
    OldExtismAbi(String),
}

impl Inspection {
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }

    /// It imports WASI preview 1 (a WASI program, or a plugin built for wasm32-wasip1).
    pub fn imports_wasi(&self) -> bool {
        self.imports.iter().any(|i| i.module == WASI_P1)
    }

    pub fn functions(&self) -> impl Iterator<Item = &Export> {
        self.exports.iter().filter(|e| e.kind == "func")
    }
}

/// Reads and validates `bytes` (every proposal wasmparser knows: whether a runtime has it is
/// that runtime's answer, in its row): a module to call, whose imports some host here meets,
/// the modules in `linked` (`--link`) among them.
pub fn inspect(bytes: &[u8], linked: &[&str]) -> Result<Inspection, NotCallable> {
    if bytes.starts_with(b"\0asm") && Parser::is_component(bytes) {
        if !linked.is_empty() {
            return Err(NotCallable::ComponentLinked);
        }
        return super::component::inspect(bytes);
    }
    let (imports, exports) = read_valid(bytes)?;
    let shape = shape(&imports, &exports, linked)?;
    Ok(Inspection {
        shape,
        imports,
        exports,
        proposals: crate::proposals::needed(bytes),
        wit: None,
    })
}

/// A module linked to another (`--link`): valid, and importing only WASI and the modules in
/// `linked` (those linked before it); its shape is what it would be called as on its own.
pub fn inspect_any(bytes: &[u8], linked: &[&str]) -> Result<Inspection, NotCallable> {
    let (imports, exports) = read_valid(bytes)?;
    let unmet: Vec<String> = imports
        .iter()
        .filter(|i| i.module != WASI_P1 && !linked.contains(&i.module.as_str()))
        .map(Import::text)
        .collect();
    if !unmet.is_empty() {
        return Err(NotCallable::UnmetImports(unmet));
    }
    let without_linked: Vec<Import> = imports
        .iter()
        .filter(|i| !linked.contains(&i.module.as_str()))
        .cloned()
        .collect();
    Ok(Inspection {
        shape: shape(&without_linked, &exports, &[]).unwrap_or(ModuleShape::Numeric),
        imports,
        exports,
        proposals: crate::proposals::needed(bytes),
        wit: None,
    })
}

/// The imports and exports of a valid core module.
fn read_valid(bytes: &[u8]) -> Result<Read, NotCallable> {
    if !bytes.starts_with(b"\0asm") {
        return Err(NotCallable::NotWasm);
    }
    if Parser::is_component(bytes) {
        return Err(NotCallable::ComponentLinked);
    }
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| NotCallable::Invalid(e.to_string()))?;
    read(bytes).map_err(|e| NotCallable::Invalid(e.to_string()))
}

impl Import {
    /// `module.name (kind)`.
    pub fn text(&self) -> String {
        if self.name.is_empty() {
            // A component's import has one name.
            return format!("{} ({})", self.module, self.kind);
        }
        format!("{}.{} ({})", self.module, self.name, self.kind)
    }
}

fn shape(
    imports: &[Import],
    exports: &[Export],
    linked: &[&str],
) -> Result<ModuleShape, NotCallable> {
    if let Some(old) = imports
        .iter()
        .find(|i| i.module == "env" && i.name.starts_with(OLD_EXTISM_PREFIX))
    {
        return Err(NotCallable::OldExtismAbi(old.name.clone()));
    }
    let from = |module: &str| imports.iter().any(|i| i.module == module);
    let exports_fn = |name: &str| exports.iter().any(|e| e.kind == "func" && e.name == name);
    let unmet: Vec<String> = imports
        .iter()
        .filter(|i| {
            ![WASI_P1, EXTISM_KERNEL, BENCH].contains(&i.module.as_str())
                && (i.module.as_str(), i.name.as_str()) != PLUGBENCH_HOST
                && !linked.contains(&i.module.as_str())
        })
        .map(Import::text)
        .collect();
    if !unmet.is_empty() {
        return Err(NotCallable::UnmetImports(unmet));
    }
    let only_linked = imports.iter().all(|i| linked.contains(&i.module.as_str()));
    Ok(if from(EXTISM_KERNEL) {
        ModuleShape::ExtismPlugin
    } else if from(BENCH) {
        ModuleShape::SightglassBench
    } else if from(WASI_P1) && exports_fn("_start") {
        ModuleShape::WasiCommand
    } else if from(WASI_P1) {
        ModuleShape::WasiReactor
    } else if exports_fn("alloc") && exports.iter().any(|e| e.kind == "memory") {
        ModuleShape::ByteAbi
    } else if only_linked {
        ModuleShape::Numeric
    } else {
        // Imports only the byte ABI's host function but lacks `alloc`.
        return Err(NotCallable::UnmetImports(vec![
            "none, but it imports `plugbench.host_mix` without exporting the byte ABI's `alloc` and memory".into(),
        ]));
    })
}

type Read = (Vec<Import>, Vec<Export>);

fn read(bytes: &[u8]) -> Result<Read, wasmparser::BinaryReaderError> {
    let mut signatures: Vec<Option<FuncType>> = Vec::new();
    let mut function_types: Vec<u32> = Vec::new();
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::Version {
                encoding: Encoding::Component,
                ..
            } => break,
            Payload::TypeSection(section) => signatures.extend(types::function_types(section)?),
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import?;
                    function_types.extend(types::imported_function(import.ty));
                    imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind: type_ref_kind(import.ty),
                    });
                }
            }
            Payload::FunctionSection(funcs) => {
                for ty in funcs {
                    function_types.push(ty?);
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export?;
                    let signature =
                        matches!(export.kind, ExternalKind::Func | ExternalKind::FuncExact)
                            .then(|| function_types.get(export.index as usize))
                            .flatten()
                            .and_then(|&ty| signatures.get(ty as usize)?.as_ref());
                    exports.push(Export {
                        name: export.name.to_string(),
                        kind: external_kind(export.kind),
                        signature: signature.and_then(|f| {
                            Some((types::numbers(f.params())?, types::numbers(f.results())?))
                        }),
                        signature_text: signature.map(signature_text).unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

fn signature_text(func: &FuncType) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(func.params()), list(func.results()))
}

fn type_ref_kind(ty: TypeRef) -> &'static str {
    match ty {
        TypeRef::Func(_) | TypeRef::FuncExact(_) => "func",
        TypeRef::Table(_) => "table",
        TypeRef::Memory(_) => "memory",
        TypeRef::Global(_) => "global",
        TypeRef::Tag(_) => "tag",
    }
}

fn external_kind(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(wat: &str) -> Result<ModuleShape, NotCallable> {
        inspect(&wat::parse_str(wat).unwrap(), &[]).map(|i| i.shape)
    }

    #[test]
    fn shapes_are_read_from_imports_and_exports() {
        let numeric = r#"(module (func (export "fib") (param i32) (result i64) i64.const 0))"#;
        assert_eq!(shape_of(numeric), Ok(ModuleShape::Numeric));
        let bytes = r#"(module (memory (export "memory") 1)
            (func (export "alloc") (param i32) (result i32) i32.const 0)
            (func (export "run") (param i32 i32) (result i64) i64.const 0))"#;
        assert_eq!(shape_of(bytes), Ok(ModuleShape::ByteAbi));
        let wasi = r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
            (func (export "_start")))"#;
        assert_eq!(shape_of(wasi), Ok(ModuleShape::WasiCommand));
        let extism = r#"(module (import "extism:host/env" "input_length" (func (result i64)))
            (func (export "greet") (result i32) i32.const 0))"#;
        assert_eq!(shape_of(extism), Ok(ModuleShape::ExtismPlugin));
        let bench = r#"(module (import "bench" "start" (func)) (import "bench" "end" (func))
            (func (export "_start")))"#;
        assert_eq!(shape_of(bench), Ok(ModuleShape::SightglassBench));
    }

    #[test]
    fn what_cannot_be_called_says_why() {
        let env =
            r#"(module (import "env" "log" (func (param i32))) (import "env" "mem" (memory 1)))"#;
        assert_eq!(
            shape_of(env),
            Err(NotCallable::UnmetImports(vec![
                "env.log (func)".into(),
                "env.mem (memory)".into()
            ]))
        );
        assert_eq!(inspect(b"hello", &[]).unwrap_err(), NotCallable::NotWasm);
        let truncated = &wat::parse_str(r#"(module (func (export "f")))"#).unwrap()[..12];
        assert!(matches!(
            inspect(truncated, &[]),
            Err(NotCallable::Invalid(_))
        ));
        let component = wat::parse_str("(component)").unwrap();
        assert_eq!(
            inspect(&component, &["lib"]).unwrap_err(),
            NotCallable::ComponentLinked
        );
        // A component of the pre-standard binary version (0xa), as older toolchains wrote.
        let mut old = component.clone();
        old[4] = 0x0a;
        assert!(matches!(inspect(&old, &[]), Err(NotCallable::Invalid(_))));
    }

    /// Modules of proposals beyond Wasm 2.0, as other compilers emit them (GC from Kotlin or
    /// Dart, exceptions from C++, memory64, several memories): read whole, never a panic.
    #[test]
    fn modules_of_every_proposal_are_read() {
        let gc = r#"(module
            (type $point (struct (field i32) (field i32)))
            (type $bytes (array (mut i8)))
            (func (export "x") (param i32) (result i32)
              (struct.get $point 0 (struct.new $point (local.get 0) (i32.const 2))))
            (func (export "make") (result (ref $bytes)) (array.new_default $bytes (i32.const 4))))"#;
        let m = inspect(&wat::parse_str(gc).unwrap(), &[]).unwrap();
        assert_eq!(m.shape, ModuleShape::Numeric);
        let x = m.export("x").unwrap();
        assert_eq!(
            x.signature,
            Some((vec![ValueType::I32], vec![ValueType::I32]))
        );
        let make = m.export("make").unwrap();
        assert_eq!(make.signature, None);
        assert!(
            make.signature_text.contains("ref"),
            "{}",
            make.signature_text
        );
        for wat in [
            r#"(module (tag $e (param i32))
                (func (export "f") (result i32)
                  (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 7))) (i32.const 0))))"#,
            r#"(module (memory i64 1) (func (export "f") (result i64) (i64.load (i64.const 0))))"#,
            r#"(module (memory $a 1) (memory $b 1)
                (func (export "f") (result i32) (i32.load $b (i32.const 0))))"#,
        ] {
            let m = inspect(&wat::parse_str(wat).unwrap(), &[]).unwrap();
            assert!(m.export("f").unwrap().signature.is_some(), "{wat}");
        }
    }

    #[test]
    fn imports_from_a_linked_module_are_met_by_it() {
        let wat = r#"(module (import "host" "clock" (func (result i64)))
            (func (export "run") (result i64) i64.const 0))"#;
        let bytes = wat::parse_str(wat).unwrap();
        assert!(matches!(
            inspect(&bytes, &[]),
            Err(NotCallable::UnmetImports(_))
        ));
        assert_eq!(
            inspect(&bytes, &["host"]).unwrap().shape,
            ModuleShape::Numeric
        );
        // A linked module may import WASI and the modules linked before it, nothing else.
        let link = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                (import "base" "f" (func)) (func (export "clock") (result i64) i64.const 1))"#,
        )
        .unwrap();
        assert!(inspect_any(&link, &["base"]).is_ok());
        assert_eq!(
            inspect_any(&link, &[]).unwrap_err(),
            NotCallable::UnmetImports(vec!["base.f (func)".into()])
        );
    }

    #[test]
    fn numeric_signatures_are_typed() {
        let m = inspect(
            &wat::parse_str(
                r#"(module (func (export "f") (param i32 f64) (result i64) i64.const 0)
            (func (export "g") (param externref)))"#,
            )
            .unwrap(),
            &[],
        )
        .unwrap();
        let f = m.export("f").unwrap();
        assert_eq!(
            f.signature,
            Some((vec![ValueType::I32, ValueType::F64], vec![ValueType::I64]))
        );
        assert_eq!(f.signature_text, "(i32, f64) -> (i64)");
        assert_eq!(m.export("g").unwrap().signature, None);
    }
}
