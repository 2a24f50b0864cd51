//! Any core module through [`runtimes::AnyModule`]: every runtime that hosts one passes
//! numbers in and out bit for bit, reads globals and memories, and reports traps as errors.
//! The last test pins down a runtime bug the fuzzer found, so its explanation stays honest.

mod common;

use common::registry;
use runtimes::{AnyInstance, RuntimeError, Value};

/// Every configuration (no guard) that can host any core module, with its name.
fn hosts() -> Vec<(String, Box<dyn runtimes::Runtime>)> {
    registry::all()
        .into_iter()
        .filter(|e| e.guard.is_none() && e.build.is_none())
        .map(|e| (e.name.clone(), registry::create(&e.name).unwrap()))
        .filter(|(_, rt)| {
            !matches!(
                rt.compile_any(b"\0asm\x01\0\0\0"),
                Err(RuntimeError::Unsupported)
            )
        })
        .collect()
}

fn instance(rt: &dyn runtimes::Runtime, text: &str) -> Box<dyn AnyInstance> {
    let bytes = wat::parse_str(text).unwrap();
    rt.compile_any(&bytes).unwrap().instantiate().unwrap()
}

const ECHO: &str = r#"(module
  (memory (export "mem") 1)
  (global (export "g") (mut i64) (i64.const 7))
  (func (export "echo") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    local.get 3 local.get 2 local.get 1 local.get 0)
  (func (export "store") (param i32) (i32.store (i32.const 8) (local.get 0)) (global.set 0 (i64.const -1)))
  (func (export "trap") unreachable))"#;

#[test]
fn numbers_cross_the_boundary_bit_for_bit() {
    let hosts = hosts();
    assert!(hosts.len() >= 5, "core-module runtimes: {}", hosts.len());
    let args = [
        Value::I32(i32::MIN),
        Value::I64(-2),
        Value::F32(0x7fc0_0001),           // a NaN with a payload
        Value::F64(0x8000_0000_0000_0000), // -0.0
    ];
    for (name, rt) in &hosts {
        let mut i = instance(rt.as_ref(), ECHO);
        let out = i
            .invoke("echo", &args)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let reversed: Vec<Value> = args.iter().rev().copied().collect();
        assert_eq!(out, reversed, "{name}");
    }
}

#[test]
fn state_is_read_and_traps_are_errors() {
    let mut digests = Vec::new();
    for (name, rt) in &hosts() {
        let mut i = instance(rt.as_ref(), ECHO);
        assert_eq!(i.global("g"), Some(Value::I64(7)), "{name}");
        i.invoke("store", &[Value::I32(0x0102_0304)]).unwrap();
        assert_eq!(i.global("g"), Some(Value::I64(-1)), "{name}");
        assert_eq!(i.global("missing"), None, "{name}");
        let (size, digest) = i
            .memory("mem")
            .unwrap_or_else(|| panic!("{name}: no memory"));
        assert_eq!(size, 65536, "{name}");
        digests.push(digest);
        assert!(
            matches!(i.invoke("trap", &[]), Err(RuntimeError::Call(_))),
            "{name}"
        );
        assert!(i.invoke("missing", &[]).is_err(), "{name}");
    }
    let mut page = vec![0u8; 65536];
    page[8..12].copy_from_slice(&0x0102_0304u32.to_le_bytes());
    assert!(digests.iter().all(|&d| d == runtimes::digest(&page)));
}

/// Found by `plugbench fuzz` (seed 1, case 700): a reference-typed local starts as null, so
/// `ref.is_null` of it is 1; tinywasm 0.10 answers 0. When this test fails, tinywasm was fixed
/// and the fuzzer's explanation for it (`runner/src/fuzz/verdict.rs`) must go.
#[test]
fn tinywasm_reads_a_default_reference_local_as_not_null() {
    let text =
        r#"(module (func (export "f") (result i32) (local externref) local.get 0 ref.is_null))"#;
    let bytes = wat::parse_str(text).unwrap();
    for (name, rt) in &hosts() {
        let Ok(module) = rt.compile_any(&bytes) else {
            // Winch has no reference types (see the test below).
            assert_eq!(name, "wasmtime-winch");
            continue;
        };
        let got = module.instantiate().unwrap().invoke("f", &[]).unwrap();
        let expected = if name == "tinywasm" { 0 } else { 1 };
        assert_eq!(got, [Value::I32(expected)], "{name}");
    }
}

/// wasmi's lazy mode validates a function when it is first called: a module with an invalid
/// function compiles and runs until that function is called; every other runtime rejects it.
/// The fuzzer explains lazy wasmi's acceptance of invalid modules with this.
#[test]
fn lazy_wasmi_compiles_an_invalid_function_it_never_calls() {
    let bytes = wat::parse_str(
        r#"(module
             (func (export "ok") (result i32) i32.const 1)
             (func (export "bad") (result i32) i64.const 1))"#,
    )
    .unwrap();
    for (name, rt) in &hosts() {
        let compiled = rt.compile_any(&bytes);
        if name != "wasmi-lazy" {
            assert!(
                matches!(compiled, Err(RuntimeError::Compile(_))),
                "{name} rejects it"
            );
            continue;
        }
        let mut instance = compiled.unwrap().instantiate().unwrap();
        assert_eq!(instance.invoke("ok", &[]).unwrap(), [Value::I32(1)]);
        assert!(
            instance.invoke("bad", &[]).is_err(),
            "validated on its call"
        );
    }
}

/// Winch in wasmtime 48 rejects any reference-typed value (wasmtime turns the GC types off
/// for it); the fuzzer explains its rejections with this.
#[test]
fn winch_rejects_reference_types() {
    let bytes = wat::parse_str(r#"(module (func (param externref)))"#).unwrap();
    for (name, rt) in &hosts() {
        let compiled = rt.compile_any(&bytes);
        match compiled {
            Err(RuntimeError::Compile(message)) if name == "wasmtime-winch" => {
                assert!(message.contains("gc types are disallowed"), "{message}")
            }
            other => assert!(other.is_ok(), "{name}"),
        }
    }
}
