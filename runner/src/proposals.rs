//! Which WebAssembly proposals each runtime configuration runs, measured rather than read from
//! documentation: a small module that needs the proposal, and whose `run` returns 42 only if
//! the proposal works as specified, is compiled, instantiated and called on each runtime in its
//! own worker process (the fuzzer's), so a runtime that crashes on one is a row of the table,
//! never a crash of plugbench.

use std::time::Duration;

use anyhow::{Context, Result};
use plugbench_data::{Proposal, ProposalSupport, Support};
use runtimes::Value;
use wasmparser::{Validator, WasmFeatures};

use crate::fuzz::{self, Answer, CallResult};

/// What every probe's `run` returns when the proposal works.
const EXPECTED: Value = Value::I32(42);

/// A module that needs `proposal` and nothing beyond WebAssembly 1.0 otherwise (but the
/// proposals it builds on: GC on function references, relaxed SIMD on SIMD).
fn probe_text(proposal: Proposal) -> &'static str {
    match proposal {
        Proposal::SignExtension => {
            r#"(module (func (export "run") (result i32)
                 (i32.add (i32.extend8_s (i32.const 0xff)) (i32.const 43))))"#
        }
        Proposal::SaturatingFloatToInt => {
            r#"(module (func (export "run") (result i32)
                 (i32.sub (i32.trunc_sat_f32_u (f32.const 1e20)) (i32.const -43))))"#
        }
        Proposal::MultiValue => {
            r#"(module (func $two (result i32 i32) (i32.const 40) (i32.const 2))
                 (func (export "run") (result i32) (call $two) (i32.add)))"#
        }
        Proposal::BulkMemory => {
            r#"(module (memory 1)
                 (func (export "run") (result i32)
                   (memory.fill (i32.const 8) (i32.const 42) (i32.const 4))
                   (memory.copy (i32.const 0) (i32.const 8) (i32.const 4))
                   (i32.load8_u (i32.const 3))))"#
        }
        Proposal::ReferenceTypes => {
            r#"(module (table $t 1 externref)
                 (func (export "run") (result i32)
                   (i32.add (i32.mul (ref.is_null (table.get $t (i32.const 0))) (i32.const 41))
                            (table.grow $t (ref.null extern) (i32.const 1)))))"#
        }
        Proposal::Simd => {
            r#"(module (func (export "run") (result i32)
                 (i32x4.extract_lane 2
                   (i32x4.add (i32x4.splat (i32.const 40)) (v128.const i32x4 0 0 2 0)))))"#
        }
        Proposal::RelaxedSimd => {
            r#"(module (func (export "run") (result i32)
                 (i32x4.extract_lane 0
                   (i32x4.relaxed_laneselect (i32x4.splat (i32.const 42)) (i32x4.splat (i32.const 7))
                     (v128.const i32x4 -1 -1 -1 -1)))))"#
        }
        Proposal::TailCall => {
            r#"(module (func $down (param i32) (result i32)
                   (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 42))
                     (else (return_call $down (i32.sub (local.get 0) (i32.const 1))))))
                 (func (export "run") (result i32) (call $down (i32.const 1000000))))"#
        }
        Proposal::ExtendedConst => {
            r#"(module (global $g i32 (i32.add (i32.const 40) (i32.mul (i32.const 1) (i32.const 2))))
                 (func (export "run") (result i32) (global.get $g)))"#
        }
        Proposal::Threads => {
            r#"(module (memory 1 1 shared)
                 (func (export "run") (result i32)
                   (i32.atomic.store (i32.const 0) (i32.const 40))
                   (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 2)))
                   (i32.atomic.load (i32.const 0))))"#
        }
        Proposal::Exceptions => {
            r#"(module (tag $e (param i32))
                 (func (export "run") (result i32)
                   (block $caught (result i32)
                     (try_table (catch $e $caught) (throw $e (i32.const 42)))
                     (i32.const 0))))"#
        }
        Proposal::LegacyExceptions => {
            r#"(module (tag $e (param i32))
                 (func (export "run") (result i32)
                   try (result i32)
                     i32.const 42
                     throw $e
                   catch $e
                   end))"#
        }
        Proposal::FunctionReferences => {
            r#"(module (type $f (func (result i32)))
                 (func $answer (type $f) (i32.const 42))
                 (elem declare func $answer)
                 (func (export "run") (result i32) (call_ref $f (ref.func $answer))))"#
        }
        Proposal::Gc => {
            r#"(module (type $pair (struct (field i32) (field (mut i32))))
                 (func (export "run") (result i32) (local $p (ref $pair))
                   (local.set $p (struct.new $pair (i32.const 40) (i32.const 0)))
                   (struct.set $pair 1 (local.get $p) (i32.const 2))
                   (i32.add (struct.get $pair 0 (local.get $p)) (struct.get $pair 1 (local.get $p)))))"#
        }
        Proposal::Memory64 => {
            r#"(module (memory i64 1)
                 (func (export "run") (result i32)
                   (i64.store (i64.const 65528) (i64.const 42))
                   (i32.wrap_i64 (i64.load (i64.const 65528)))))"#
        }
        Proposal::MultiMemory => {
            r#"(module (memory $a 1) (memory $b 1)
                 (func (export "run") (result i32)
                   (i32.store $b (i32.const 0) (i32.const 42))
                   (i32.add (i32.load $a (i32.const 0)) (i32.load $b (i32.const 0)))))"#
        }
        Proposal::WideArithmetic => {
            r#"(module (func (export "run") (result i32) (local $low i64) (local $high i64)
                 (i64.add128 (i64.const -1) (i64.const 0) (i64.const 1) (i64.const 41))
                 (local.set $high) (local.set $low)
                 (i32.wrap_i64 (i64.add (local.get $high) (local.get $low)))))"#
        }
        Proposal::CustomPageSizes => {
            r#"(module (memory 4 (pagesize 1))
                 (func (export "run") (result i32)
                   (i32.store8 (i32.const 3) (i32.const 38))
                   (i32.add (i32.load8_u (i32.const 3)) (memory.size))))"#
        }
    }
}

/// The flag that turns `proposal` on in wasmparser's validator.
fn flag(proposal: Proposal) -> WasmFeatures {
    match proposal {
        Proposal::SignExtension => WasmFeatures::SIGN_EXTENSION,
        Proposal::SaturatingFloatToInt => WasmFeatures::SATURATING_FLOAT_TO_INT,
        Proposal::MultiValue => WasmFeatures::MULTI_VALUE,
        Proposal::BulkMemory => WasmFeatures::BULK_MEMORY,
        Proposal::ReferenceTypes => WasmFeatures::REFERENCE_TYPES,
        Proposal::Simd => WasmFeatures::SIMD,
        Proposal::RelaxedSimd => WasmFeatures::RELAXED_SIMD,
        Proposal::TailCall => WasmFeatures::TAIL_CALL,
        Proposal::ExtendedConst => WasmFeatures::EXTENDED_CONST,
        Proposal::Threads => WasmFeatures::THREADS,
        Proposal::Exceptions => WasmFeatures::EXCEPTIONS,
        Proposal::LegacyExceptions => WasmFeatures::LEGACY_EXCEPTIONS,
        Proposal::FunctionReferences => WasmFeatures::FUNCTION_REFERENCES,
        Proposal::Gc => WasmFeatures::GC,
        Proposal::Memory64 => WasmFeatures::MEMORY64,
        Proposal::MultiMemory => WasmFeatures::MULTI_MEMORY,
        Proposal::WideArithmetic => WasmFeatures::WIDE_ARITHMETIC,
        Proposal::CustomPageSizes => WasmFeatures::CUSTOM_PAGE_SIZES,
    }
}

/// The proposals `bytes` needs: those without which it does not validate (a module that does
/// not validate at all needs none that can be named).
pub fn needed(bytes: &[u8]) -> Vec<Proposal> {
    let validates = |features| {
        Validator::new_with_features(features)
            .validate_all(bytes)
            .is_ok()
    };
    if !validates(WasmFeatures::all()) {
        return Vec::new();
    }
    Proposal::ALL
        .iter()
        .copied()
        .filter(|&p| !validates(WasmFeatures::all().difference(flag(p))))
        .collect()
}

/// Each of `runtimes` (configuration names) on each of `proposals`, each runtime in a worker
/// process of its own and all of them at once.
pub fn measure(
    runtimes: &[String],
    proposals: &[Proposal],
    timeout: Duration,
) -> Result<Vec<ProposalSupport>> {
    let dir = tempfile::tempdir().context("a directory for the probe modules")?;
    let mut jobs = Vec::new();
    for (case, &proposal) in proposals.iter().enumerate() {
        let bytes = wat::parse_str(probe_text(proposal))
            .with_context(|| format!("the probe module of {proposal}"))?;
        let module = dir.path().join(format!("{proposal}.wasm"));
        std::fs::write(&module, bytes).with_context(|| format!("write {}", module.display()))?;
        jobs.push(fuzz::Job {
            case: case as u64,
            module,
            plan: fuzz::Plan::call("run"),
        });
    }
    let answers = fuzz::probe_each(runtimes, &jobs, timeout);
    let mut table = Vec::new();
    for (runtime, answers) in runtimes.iter().zip(answers) {
        for (i, &proposal) in proposals.iter().enumerate() {
            let support = match &answers {
                Ok(answers) => support(&answers[i]),
                Err(why) => Support::NotProbed { why: why.clone() },
            };
            table.push(ProposalSupport {
                runtime: runtime.clone(),
                proposal,
                support,
            });
        }
    }
    Ok(table)
}

/// What a probe's answer says about its proposal.
fn support(answer: &Answer) -> Support {
    let message = |m: &str| m.lines().next().unwrap_or_default().to_string();
    match answer {
        Answer::Rejected { message: m } => Support::Rejected {
            message: message(m),
        },
        Answer::NotInstantiated { message: m } => Support::NotInstantiated {
            message: message(m),
        },
        Answer::Ran { calls, .. } => match calls.first() {
            Some(CallResult::Returned(values)) if values[..] == [EXPECTED] => Support::Runs,
            Some(CallResult::Returned(values)) => Support::WrongResult {
                got: runtimes::results_text(values)
                    .trim_end()
                    .replace('\n', ", "),
            },
            Some(CallResult::Trapped(m)) => Support::Trapped {
                message: message(m),
            },
            None => Support::WrongResult {
                got: "no call was made".into(),
            },
        },
        Answer::TimedOut { seconds } => Support::Crashed {
            how: format!("no answer within {seconds:.0} s"),
        },
        Answer::Crashed { how } => Support::Crashed { how: how.clone() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_probe_needs_its_proposal_and_validates_with_it() {
        for &proposal in Proposal::ALL {
            let bytes = wat::parse_str(probe_text(proposal)).unwrap();
            let needs = needed(&bytes);
            assert!(needs.contains(&proposal), "{proposal}: needs {needs:?}");
        }
    }

    #[test]
    fn a_plain_module_needs_nothing_and_a_gc_one_needs_gc() {
        let plain = wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 1))"#);
        assert_eq!(needed(&plain.unwrap()), []);
        let gc = wat::parse_str(probe_text(Proposal::Gc)).unwrap();
        assert!(needed(&gc).contains(&Proposal::Gc));
        assert_eq!(needed(b"\0asm\x01\0\0\0\x01"), []);
    }
}
