//! The phases a plugin host goes through, measured apart.

use crate::words::named;

/// A measured phase other than warm calls (which are measured in paired rounds). Declared in
/// report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Bytes to a module, with no cache of any kind.
    Compile,
    /// A fresh instance of a compiled module.
    Instantiate,
    /// The first call on a fresh instance.
    FirstCall,
    /// Bytes to the first call's answer: compile + instantiate + call.
    ColdStart,
    /// Saving the compiled module as an artifact.
    Serialize,
    /// Loading a saved artifact instead of compiling.
    LoadArtifact,
    /// Compile with the runtime's own cache on, after one compile that filled it.
    CompileCached,
    /// A call sequence's setup call, on a fresh instance (`--setup`).
    Setup,
    /// A call sequence's teardown call, after its setup and one timed call (`--teardown`).
    Teardown,
}

named!("phase", Phase {
    Compile => "compile",
    Instantiate => "instantiate",
    FirstCall => "first_call",
    ColdStart => "cold_start",
    Serialize => "serialize",
    LoadArtifact => "load_artifact",
    CompileCached => "compile_cached",
    Setup => "setup",
    Teardown => "teardown",
});

impl Phase {
    /// The phase's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Instantiate => "instantiate",
            Phase::FirstCall => "first call",
            Phase::ColdStart => "cold start",
            Phase::Serialize => "serialize",
            Phase::LoadArtifact => "load artifact",
            Phase::CompileCached => "compile (cached)",
            Phase::Setup => "setup",
            Phase::Teardown => "teardown",
        }
    }

    /// A step of a call sequence's lifecycle: only a module measured with one has it, so a
    /// report shows it only where some row measured it.
    pub fn is_lifecycle(self) -> bool {
        matches!(self, Phase::Setup | Phase::Teardown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_has_one_name_and_a_label() {
        for &phase in Phase::ALL {
            assert_eq!(phase.to_string().parse::<Phase>(), Ok(phase));
            assert!(!phase.label().is_empty());
        }
        assert_eq!(Phase::ALL.len(), 9);
        assert_eq!(
            serde_json::to_string(&Phase::CompileCached).unwrap(),
            "\"compile_cached\""
        );
    }
}
