//! Why a request to a runtime failed: told by the worker, recorded by the scheduler. The cause
//! is typed because the scheduler branches on it (a wrong output also marks the row not
//! verified); the message is for people.

use serde::{Deserialize, Serialize};

use crate::process::ProcessError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The worker process could not start, died, hung, flooded its output or broke the protocol.
    Worker,
    /// The runtime failed the request: a compile or instantiate error, a trap, a build it cannot load.
    Runtime,
    /// The runtime's output differs from the reference.
    Mismatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub cause: Cause,
    pub message: String,
}

impl Failure {
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            cause: Cause::Runtime,
            message: message.into(),
        }
    }

    /// `against` names the reference and the first difference ("native: at byte 3 ...").
    pub fn mismatch(against: impl std::fmt::Display) -> Self {
        Failure {
            cause: Cause::Mismatch,
            message: format!("output differs from {against}"),
        }
    }

    pub fn worker(message: impl Into<String>) -> Self {
        Failure {
            cause: Cause::Worker,
            message: message.into(),
        }
    }

    /// The same failure with what was being done in front of its message.
    pub fn during(self, what: impl std::fmt::Display) -> Self {
        Failure {
            message: format!("{what}: {}", self.message),
            ..self
        }
    }

    pub fn is_mismatch(&self) -> bool {
        self.cause == Cause::Mismatch
    }
}

impl From<runtimes::RuntimeError> for Failure {
    fn from(e: runtimes::RuntimeError) -> Self {
        Failure::runtime(e.to_string())
    }
}

impl From<ProcessError> for Failure {
    fn from(e: ProcessError) -> Self {
        Failure::worker(e.to_string())
    }
}
