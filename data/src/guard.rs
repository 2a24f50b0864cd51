//! Sandbox guards: what a plugin host switches on to bound untrusted code.

use crate::words::named;

/// A guard a runtime can run with. A runtime with one on is measured as its own variant
/// (`<runtime>+<guard>`), so the guard's cost is its time against the same runtime without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Guard {
    /// Count executed instructions (fuel, metering) so a call can be stopped after a budget.
    Fuel,
    /// Interrupt a call that runs past a deadline (epoch interruption, timeouts).
    Deadline,
    /// Cap the linear memory an instance may grow to.
    MemoryLimit,
}

named!("guard", Guard {
    Fuel => "fuel",
    Deadline => "deadline",
    MemoryLimit => "memory-limit",
});

impl Guard {
    /// What the guard does, for people.
    pub fn label(self) -> &'static str {
        match self {
            Guard::Fuel => "fuel / instruction metering",
            Guard::Deadline => "deadline / epoch interruption",
            Guard::MemoryLimit => "memory limit",
        }
    }

    /// The name of `runtime` with this guard on.
    pub fn variant_of(self, runtime: &str) -> String {
        format!("{runtime}+{self}")
    }

    /// Splits a variant name into its runtime and guard (`None` for a runtime without one): how
    /// files before schema 10, whose rows had no typed guard, are read (`reports::upgrade`).
    pub fn split(name: &str) -> (&str, Option<Guard>) {
        match name.rsplit_once('+') {
            Some((runtime, guard)) => match guard.parse() {
                Ok(guard) => (runtime, Some(guard)),
                Err(_) => (name, None),
            },
            None => (name, None),
        }
    }
}

/// Whether a runtime offers a guard: how it is switched on, or why it is not there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "support", rename_all = "snake_case")]
pub enum GuardSupport {
    Offered { how: String },
    NotOffered { why: String },
}

impl GuardSupport {
    pub fn offered(how: impl Into<String>) -> Self {
        GuardSupport::Offered { how: how.into() }
    }

    pub fn not_offered(why: impl Into<String>) -> Self {
        GuardSupport::NotOffered { why: why.into() }
    }

    pub fn is_offered(&self) -> bool {
        matches!(self, GuardSupport::Offered { .. })
    }

    /// How it is offered, or why not, in words.
    pub fn text(&self) -> &str {
        match self {
            GuardSupport::Offered { how } => how,
            GuardSupport::NotOffered { why } => why,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_everywhere() {
        for &guard in Guard::ALL {
            assert_eq!(guard.as_str().parse::<Guard>(), Ok(guard));
            let json = serde_json::to_string(&guard).unwrap();
            assert_eq!(json, format!("\"{guard}\""));
            assert_eq!(serde_json::from_str::<Guard>(&json).unwrap(), guard);
        }
        let err = "gas".parse::<Guard>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown guard `gas`; known: fuel, deadline, memory-limit"
        );
    }

    #[test]
    fn a_variant_name_splits_into_runtime_and_guard() {
        assert_eq!(Guard::MemoryLimit.variant_of("wasmi"), "wasmi+memory-limit");
        assert_eq!(
            Guard::split("wasmer-cranelift+fuel"),
            ("wasmer-cranelift", Some(Guard::Fuel))
        );
        assert_eq!(Guard::split("wasmtime"), ("wasmtime", None));
        assert_eq!(Guard::split("odd+name"), ("odd+name", None));
    }
}
