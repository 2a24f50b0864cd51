//! A user's component, read with wasmparser and wit-component: its top-level imports and
//! exports, its WIT world as text, and whether a host here meets its imports (WASI 0.2, the
//! kernels' `host-mix` and Sightglass's `bench` markers, which the `-component` configurations
//! provide). Anything else is refused before measuring, each import named.

use plugbench_data::ModuleShape;
use wasmparser::{
    ComponentExternalKind, ComponentTypeRef, Parser, Payload, Validator, WasmFeatures,
};

use super::inspect::{Export, Import, Inspection, NotCallable};

/// The export a WASI 0.2 command runs.
const CLI_RUN: &str = "wasi:cli/run@0.2";
/// WASI 0.2's interfaces, which wasmtime-wasi provides.
const WASI_P2: &str = "wasi:";
const WASI_P2_VERSION: &str = "@0.2.";
/// The kernels' host function, as their components import it.
const HOST_MIX: &str = "host-mix";
/// Sightglass's benchmark markers (an interface of `start` and `end`), as its components import
/// them.
const BENCH: &str = "bench";

/// Reads and validates a component; what no host here can run is an error naming why.
pub fn inspect(bytes: &[u8]) -> Result<Inspection, NotCallable> {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| NotCallable::Invalid(e.to_string()))?;
    let (imports, exports) = read(bytes).map_err(|e| NotCallable::Invalid(e.to_string()))?;
    let unmet: Vec<String> = imports
        .iter()
        .filter(|i| !provided(&i.module))
        .map(|i| format!("{} ({})", i.module, i.kind))
        .collect();
    if !unmet.is_empty() {
        return Err(NotCallable::UnmetComponentImports(unmet));
    }
    let command = exports.iter().any(|e| e.name.starts_with(CLI_RUN));
    let marked = imports.iter().any(|i| i.module == BENCH);
    Ok(Inspection {
        shape: match (command, marked) {
            (true, true) => ModuleShape::SightglassComponent,
            (true, false) => ModuleShape::ComponentCommand,
            (false, _) => ModuleShape::Component,
        },
        imports,
        exports,
        proposals: Vec::new(),
        wit: world(bytes),
    })
}

/// Whether a `-component` configuration meets an import of this name.
fn provided(name: &str) -> bool {
    name == HOST_MIX
        || name == BENCH
        || (name.starts_with(WASI_P2) && name.contains(WASI_P2_VERSION))
}

/// The component's own top-level imports and exports (not those of the modules and components
/// nested in it).
fn read(bytes: &[u8]) -> Result<(Vec<Import>, Vec<Export>), wasmparser::BinaryReaderError> {
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            Payload::ComponentImportSection(section) if depth == 1 => {
                for import in section {
                    let import = import?;
                    imports.push(Import {
                        module: import.name.name.to_string(),
                        name: String::new(),
                        kind: type_kind(import.ty),
                    });
                }
            }
            Payload::ComponentExportSection(section) if depth == 1 => {
                for export in section {
                    let export = export?;
                    exports.push(Export {
                        name: export.name.name.to_string(),
                        kind: export_kind(export.kind),
                        signature: None,
                        signature_text: String::new(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

fn type_kind(ty: ComponentTypeRef) -> &'static str {
    match ty {
        ComponentTypeRef::Func(_) => "func",
        ComponentTypeRef::Instance(_) => "instance",
        ComponentTypeRef::Module(_) => "module",
        ComponentTypeRef::Component(_) => "component",
        ComponentTypeRef::Value(_) => "value",
        ComponentTypeRef::Type(_) => "type",
    }
}

fn export_kind(kind: ComponentExternalKind) -> &'static str {
    match kind {
        ComponentExternalKind::Func => "func",
        ComponentExternalKind::Instance => "instance",
        ComponentExternalKind::Module => "module",
        ComponentExternalKind::Component => "component",
        ComponentExternalKind::Value => "value",
        ComponentExternalKind::Type => "type",
    }
}

/// The component's WIT world as text (its own package: the world with what it imports and
/// exports), if wit-component can decode it.
fn world(bytes: &[u8]) -> Option<String> {
    let decoded = wit_component::decode(bytes).ok()?;
    let resolve = decoded.resolve();
    let package = decoded.package();
    let mut printer = wit_component::WitPrinter::default();
    printer.print(resolve, package, &[]).ok()?;
    Some(printer.output.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasi_0_2_and_host_mix_are_provided_and_nothing_else() {
        assert!(provided("wasi:cli/environment@0.2.3"));
        assert!(provided("host-mix"));
        assert!(provided("bench"));
        assert!(
            !provided("wasi:cli/environment@0.3.0"),
            "WASI 0.3 is not hosted"
        );
        assert!(!provided("acme:plugins/log@1.0.0"));
    }

    #[test]
    fn an_import_no_host_meets_is_named() {
        let component = wat::parse_str(
            r#"(component
                 (import "acme:plugins/log@1.0.0" (instance))
                 (import "host-mix" (func (param "v" s64) (result s64))))"#,
        )
        .unwrap();
        let err = inspect(&component).unwrap_err();
        assert_eq!(
            err,
            NotCallable::UnmetComponentImports(vec!["acme:plugins/log@1.0.0 (instance)".into()])
        );
    }

    #[test]
    fn a_component_without_wasi_cli_run_has_its_functions_called() {
        let empty = wat::parse_str("(component)").unwrap();
        assert_eq!(inspect(&empty).unwrap().shape, ModuleShape::Component);
    }
}
