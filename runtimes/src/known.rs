//! Differences from the other runtimes that a configuration is known to have, declared by
//! its adapter: `plugbench fuzz` explains a disagreement with one of these instead of calling it
//! a finding. Each has a test that fails once the runtime changes.

/// What the runtime does differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symptom {
    /// Refuses a module the others accept, with an error containing this text.
    RejectsWith(&'static str),
    /// Its process dies, with this text in what it says (a panic's location).
    CrashesWith(&'static str),
    /// Computes a different answer for modules that declare reference-typed locals.
    DiffersWithReferenceLocals,
    /// Compiles a module the others reject as invalid (it validates a function only when the
    /// function is first called).
    AcceptsInvalid,
    /// Compiles a module the others run, and then cannot instantiate it, with an error
    /// containing this text.
    NotInstantiatedWith(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownDifference {
    pub symptom: Symptom,
    /// Why, and whether it is a limitation or a bug (and whose).
    pub why: &'static str,
}
