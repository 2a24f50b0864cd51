//! The fuzzer's worker: one runtime in its own process, probing module after module (it stays
//! alive across modules; the fuzzer replaces it only after a crash or a time-out).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::answer::{probe, Answer, CallResult};
use super::plan::Plan;
use crate::fault::Fault;

/// The worker's first line: whether its runtime can host any core module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Greeting {
    Ready {
        crate_name: String,
        crate_version: String,
        config: String,
    },
    CannotHost {
        why: String,
    },
}

/// One module to probe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub case: u64,
    pub module: PathBuf,
    pub plan: Plan,
}

impl Job {
    /// The step a fault can be set for (`abort@case-3`).
    pub fn step(&self) -> String {
        format!("case-{}", self.case)
    }
}

/// Serves jobs from stdin until it closes.
pub fn serve(
    registry: &runtimes::Registry,
    runtime: &str,
    fault: Option<Fault>,
) -> anyhow::Result<()> {
    let mut stdout = std::io::BufWriter::new(crate::process::protocol_output()?);
    let runtime = match registry.create(runtime) {
        Ok(runtime) => runtime,
        Err(e) => return send(&mut stdout, &Greeting::CannotHost { why: e.to_string() }),
    };
    let info = runtime.info();
    let greeting = match runtime.compile_any(b"\0asm\x01\0\0\0") {
        Err(runtimes::RuntimeError::Unsupported) => Greeting::CannotHost {
            why: format!("it runs {}s only, not any core module", info.guest.label()),
        },
        _ => Greeting::Ready {
            crate_name: info.crate_name,
            crate_version: info.crate_version,
            config: info.config,
        },
    };
    send(&mut stdout, &greeting)?;
    for line in std::io::stdin().lock().lines() {
        let job: Job = serde_json::from_str(&line?)?;
        Fault::trigger(fault.as_ref(), &job.step());
        let answer = match std::fs::read(&job.module) {
            Ok(bytes) => probe(runtime.as_ref(), &bytes, &job.plan),
            Err(e) => anyhow::bail!("cannot read {}: {e}", job.module.display()),
        };
        send(&mut stdout, &corrupt(answer, fault.as_ref()))?;
    }
    Ok(())
}

fn send(out: &mut impl Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Under the wrong-output fault, every call's first result has its lowest bit flipped: a
/// test's stand-in for an adapter that converts values wrongly.
fn corrupt(mut answer: Answer, fault: Option<&Fault>) -> Answer {
    if fault == Some(&Fault::WrongOutput) {
        if let Answer::Ran { calls, .. } = &mut answer {
            for call in calls {
                if let CallResult::Returned(values) = call {
                    if let Some(value) = values.first_mut() {
                        *value = flip_low_bit(*value);
                    }
                }
            }
        }
    }
    answer
}

fn flip_low_bit(value: runtimes::Value) -> runtimes::Value {
    use runtimes::Value;
    match value {
        Value::I32(v) => Value::I32(v ^ 1),
        Value::I64(v) => Value::I64(v ^ 1),
        Value::F32(bits) => Value::F32(bits ^ 1),
        Value::F64(bits) => Value::F64(bits ^ 1),
    }
}
