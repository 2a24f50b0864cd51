//! WebAssembly proposals beyond the first version, as compilers other than Rust's emit them
//! (GC from Kotlin, Dart, OCaml and Java; exceptions from C++ and Swift; memory64 and several
//! memories from 64-bit toolchains), and what a runtime did with a module that needs one.

use serde::{Deserialize, Serialize};

use crate::words::named;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proposal {
    SignExtension,
    SaturatingFloatToInt,
    MultiValue,
    BulkMemory,
    ReferenceTypes,
    Simd,
    RelaxedSimd,
    TailCall,
    ExtendedConst,
    Threads,
    Exceptions,
    LegacyExceptions,
    FunctionReferences,
    Gc,
    Memory64,
    MultiMemory,
    WideArithmetic,
    CustomPageSizes,
}

named!("proposal", Proposal {
    SignExtension => "sign-extension",
    SaturatingFloatToInt => "saturating-float-to-int",
    MultiValue => "multi-value",
    BulkMemory => "bulk-memory",
    ReferenceTypes => "reference-types",
    Simd => "simd",
    RelaxedSimd => "relaxed-simd",
    TailCall => "tail-call",
    ExtendedConst => "extended-const",
    Threads => "threads",
    Exceptions => "exceptions",
    LegacyExceptions => "legacy-exceptions",
    FunctionReferences => "function-references",
    Gc => "gc",
    Memory64 => "memory64",
    MultiMemory => "multi-memory",
    WideArithmetic => "wide-arithmetic",
    CustomPageSizes => "custom-page-sizes",
});

impl Proposal {
    /// Part of WebAssembly 2.0 (every runtime here is expected to run it).
    pub fn in_wasm_2(self) -> bool {
        matches!(
            self,
            Proposal::SignExtension
                | Proposal::SaturatingFloatToInt
                | Proposal::MultiValue
                | Proposal::BulkMemory
                | Proposal::ReferenceTypes
                | Proposal::Simd
        )
    }
}

/// What one runtime did with the probe module of one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Support {
    /// Compiled, instantiated and returned the expected value.
    Runs,
    /// Refused at compile (validation), with its message.
    Rejected { message: String },
    /// Compiled, but instantiating failed.
    NotInstantiated { message: String },
    /// Ran, and trapped.
    Trapped { message: String },
    /// Ran, and returned something else.
    WrongResult { got: String },
    /// The worker process died, or did not answer in time.
    Crashed { how: String },
    /// Not tried: the runtime runs its own plugin format only.
    NotProbed { why: String },
}

impl Support {
    /// A word for a table cell.
    pub fn label(&self) -> &'static str {
        match self {
            Support::Runs => "runs",
            Support::Rejected { .. } => "rejected",
            Support::NotInstantiated { .. } => "not instantiated",
            Support::Trapped { .. } => "trapped",
            Support::WrongResult { .. } => "WRONG RESULT",
            Support::Crashed { .. } => "CRASHED",
            Support::NotProbed { .. } => "not probed",
        }
    }

    /// Why, where it did not run.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Support::Runs => None,
            Support::Rejected { message }
            | Support::NotInstantiated { message }
            | Support::Trapped { message } => Some(message),
            Support::WrongResult { got } => Some(got),
            Support::Crashed { how } | Support::NotProbed { why: how } => Some(how),
        }
    }
}

/// One runtime's answer to one proposal, measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalSupport {
    pub runtime: String,
    pub proposal: Proposal,
    #[serde(flatten)]
    pub support: Support,
}
