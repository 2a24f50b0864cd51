//! What one runtime did with one module, and the part of it that runtimes must agree on.

use runtimes::{AnyInstance, Runtime, RuntimeError, Value};
use serde::{Deserialize, Serialize};

use super::plan::Plan;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Answer {
    /// Compiling (validating) the module failed.
    Rejected { message: String },
    /// Compiled, but instantiating failed or its start function trapped.
    NotInstantiated { message: String },
    /// Instantiated; every planned call made, then the state read.
    Ran {
        calls: Vec<CallResult>,
        state: State,
    },
    /// No answer within the time limit; the worker was killed and replaced.
    TimedOut { seconds: f64 },
    /// The worker process died (a crash of the runtime, or of the adapter around it).
    Crashed { how: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallResult {
    Returned(Vec<Value>),
    Trapped(String),
}

/// Exported globals and memories after the calls, in the plan's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub globals: Vec<Option<Value>>,
    /// Size in bytes and digest of each memory.
    pub memories: Vec<Option<(u64, u64)>>,
}

/// The observable behaviour runtimes are compared on: messages differ between runtimes by
/// design, so only the kind of failure counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Behaviour {
    Rejected,
    NotInstantiated,
    Ran {
        calls: Vec<Option<Vec<ValueKey>>>,
        globals: Vec<Option<ValueKey>>,
        memories: Vec<Option<(u64, u64)>>,
    },
}

/// A [`Value`] as an ordered key (its type and bits).
pub type ValueKey = (u8, u64);

fn key(v: &Value) -> ValueKey {
    match *v {
        Value::I32(x) => (0, x as u32 as u64),
        Value::I64(x) => (1, x as u64),
        Value::F32(bits) => (2, u64::from(bits)),
        Value::F64(bits) => (3, bits),
    }
}

impl Answer {
    /// The behaviour to compare; `None` for a time-out or crash, which are counted apart.
    pub fn behaviour(&self) -> Option<Behaviour> {
        match self {
            Answer::Rejected { .. } => Some(Behaviour::Rejected),
            Answer::NotInstantiated { .. } => Some(Behaviour::NotInstantiated),
            Answer::Ran { calls, state } => Some(Behaviour::Ran {
                calls: calls
                    .iter()
                    .map(|c| match c {
                        CallResult::Returned(values) => Some(values.iter().map(key).collect()),
                        CallResult::Trapped(_) => None,
                    })
                    .collect(),
                globals: state.globals.iter().map(|g| g.as_ref().map(key)).collect(),
                memories: state.memories.clone(),
            }),
            Answer::TimedOut { .. } | Answer::Crashed { .. } => None,
        }
    }

    /// Refused late: a runtime that validates each function on its first call met code it
    /// cannot run (wasmparser's validation errors end in the offending offset) in a call, or
    /// in the start function at instantiation.
    pub fn refused_late(&self) -> bool {
        let validation = |m: &str| m.contains("(at offset");
        match self {
            Answer::Ran { calls, .. } => calls
                .iter()
                .any(|c| matches!(c, CallResult::Trapped(m) if validation(m))),
            Answer::NotInstantiated { message } => validation(message),
            _ => false,
        }
    }

    /// A crash that is a panic in this project's own code: panic locations in the workspace's
    /// crates are relative paths (`runtimes/src/...`), a dependency's are absolute (the cargo
    /// registry's).
    pub fn is_own_panic(&self) -> bool {
        match self {
            Answer::Crashed { how } => how
                .split("panicked at ")
                .skip(1)
                .any(|at| !at.starts_with('/')),
            _ => false,
        }
    }

    /// One line for a table or a reproducer.
    pub fn summary(&self) -> String {
        match self {
            Answer::Rejected { message } => format!("rejected: {}", first_line(message)),
            Answer::NotInstantiated { message } => {
                format!("not instantiated: {}", first_line(message))
            }
            Answer::Ran { calls, .. } => {
                let traps = calls
                    .iter()
                    .filter(|c| matches!(c, CallResult::Trapped(_)))
                    .count();
                format!("ran {} call(s), {traps} trapped", calls.len())
            }
            Answer::TimedOut { seconds } => format!("timed out after {seconds:.0} s"),
            Answer::Crashed { how } => format!("crashed: {how}"),
        }
    }
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// Runs `plan` on `bytes` in `runtime`: compile, instantiate, each call on the same
/// instance (a trap does not end the run: the next call still happens), then the state.
pub fn probe(runtime: &dyn Runtime, bytes: &[u8], plan: &Plan) -> Answer {
    let module = match runtime.compile_any(bytes) {
        Ok(module) => module,
        Err(e) => {
            return Answer::Rejected {
                message: e.to_string(),
            }
        }
    };
    let mut instance = match module.instantiate() {
        Ok(instance) => instance,
        Err(e) => {
            return Answer::NotInstantiated {
                message: e.to_string(),
            }
        }
    };
    let calls = plan
        .calls
        .iter()
        .map(|call| match instance.invoke(&call.export, &call.args) {
            Ok(values) => CallResult::Returned(values),
            Err(e) => CallResult::Trapped(trap_message(e)),
        })
        .collect();
    Answer::Ran {
        calls,
        state: state(instance.as_mut(), plan),
    }
}

fn trap_message(e: RuntimeError) -> String {
    match e {
        RuntimeError::Call(message) => message,
        other => other.to_string(),
    }
}

fn state(instance: &mut dyn AnyInstance, plan: &Plan) -> State {
    State {
        globals: plan.globals.iter().map(|g| instance.global(g)).collect(),
        memories: plan.memories.iter().map(|m| instance.memory(m)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_this_project_is_told_from_one_in_a_runtime() {
        let crashed = |how: &str| Answer::Crashed { how: how.into() };
        let ours =
            crashed("signal 6; stderr: thread 'main' panicked at runner/src/fuzz/plan.rs:7:1: x");
        let theirs = crashed(
            "signal 6; stderr: thread 'main' panicked at /root/.cargo/registry/src/i/wasmi-2.0.0/src/a.rs:1:1:",
        );
        assert!(ours.is_own_panic());
        assert!(!theirs.is_own_panic());
        assert!(!crashed("killed by SIGSEGV").is_own_panic());
    }
}
