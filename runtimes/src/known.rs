//! Differences from the other runtimes that a configuration is known to have, declared by
//! its adapter: `plugbench fuzz` explains a disagreement with one of these instead of calling it
//! a finding. Each has a test that fails once the runtime changes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// What the runtime does differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    /// Refuses a module the others accept, with an error containing this text.
    RejectsWith(Cow<'static, str>),
    /// Its process dies, with this text in what it says (a panic's location).
    CrashesWith(Cow<'static, str>),
    /// Computes a different answer for modules that declare reference-typed locals.
    DiffersWithReferenceLocals,
    /// Compiles a module the others reject as invalid (it validates a function only when the
    /// function is first called).
    AcceptsInvalid,
    /// Compiles a module the others run, and then cannot instantiate it, with an error
    /// containing this text.
    NotInstantiatedWith(Cow<'static, str>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownDifference {
    pub symptom: Symptom,
    /// Why, and whether it is a limitation or a bug (and whose).
    pub why: Cow<'static, str>,
}
