//! Why a measurement stopped taking samples.

use crate::words::named;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StopReason {
    /// Every ratio's interval reached the precision target.
    PrecisionReached,
    /// The time budget ran out first.
    #[default]
    BudgetExhausted,
    /// `--max-rounds` was reached.
    MaxRounds,
    /// Every runtime failed.
    NoRuntimeLeft,
    /// The baseline failed, so no ratio can be formed.
    BaselineFailed,
    /// SIGINT or SIGTERM.
    Interrupted,
    /// Nothing was timed: only instructions were counted (`--measure instructions`).
    NotTimed,
}

// The names are the sentences files have always carried, so older files still read.
named!("stop reason", StopReason {
    PrecisionReached => "precision reached",
    BudgetExhausted => "budget exhausted",
    MaxRounds => "max rounds reached",
    NoRuntimeLeft => "no runtime left to measure",
    BaselineFailed => "the baseline failed",
    Interrupted => "interrupted",
    NotTimed => "not timed (instructions counted only)",
} aliases {
    // Written until the baseline could be a runtime (schema 3).
    "the native baseline failed" => BaselineFailed,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_read_as_older_files_wrote_them() {
        let reason: StopReason = serde_json::from_str("\"budget exhausted\"").unwrap();
        assert_eq!(reason, StopReason::BudgetExhausted);
        let reason: StopReason = serde_json::from_str("\"the native baseline failed\"").unwrap();
        assert_eq!(reason, StopReason::BaselineFailed);
        for &r in StopReason::ALL {
            assert_eq!(r.to_string().parse::<StopReason>(), Ok(r));
        }
    }
}
