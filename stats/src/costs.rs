//! Costs a plugin host pays once versus per call, and when one runtime overtakes another.

use serde::{Deserialize, Serialize};

/// When a runtime with a one-off cost `fixed` and a per-call cost `per_call` becomes cheaper
/// in total than another: `fixed + n * per_call < other_fixed + n * other_per_call`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "calls", rename_all = "snake_case")]
pub enum BreakEven {
    /// No dearer up front: ahead before any call is made (and for good unless it is dearer
    /// per call, in which case the other runtime's break-even says when it falls behind).
    FromStart,
    /// The smallest number of calls at which it is strictly cheaper in total.
    AfterCalls(u64),
    /// Never cheaper: it costs more up front and at least as much per call.
    Never,
}

/// The break-even of `(fixed, per_call)` against `(other_fixed, other_per_call)`, all in the
/// same unit. The crossing is at `(fixed - other_fixed) / (other_per_call - per_call)` calls;
/// the smallest whole number of calls past it is returned.
pub fn break_even(fixed: f64, per_call: f64, other_fixed: f64, other_per_call: f64) -> BreakEven {
    let extra_up_front = fixed - other_fixed;
    let saved_per_call = other_per_call - per_call;
    if extra_up_front <= 0.0 && saved_per_call >= 0.0 {
        return BreakEven::FromStart;
    }
    if saved_per_call <= 0.0 {
        // Cheaper up front but dearer per call: it stays ahead only for a while, which is
        // the other runtime's break-even, not this one's.
        return if extra_up_front <= 0.0 {
            BreakEven::FromStart
        } else {
            BreakEven::Never
        };
    }
    BreakEven::AfterCalls((extra_up_front / saved_per_call).floor() as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_even_of_known_costs() {
        // A compiler: 80 ms up front, 50 ms per call; an interpreter: 1 ms up front, 500 ms
        // per call. (80 - 1) / (500 - 50) = 0.1756 calls: ahead once the first call is made.
        assert_eq!(break_even(80.0, 50.0, 1.0, 500.0), BreakEven::AfterCalls(1));
        // 100 up front vs 10; 1 vs 4 per call: crossing at 90 / 3 = 30 calls exactly, so
        // it is cheaper from call 31 (at 30 both cost 130).
        assert_eq!(break_even(100.0, 1.0, 10.0, 4.0), BreakEven::AfterCalls(31));
        assert_eq!(break_even(100.0, 1.0, 10.0, 3.5), BreakEven::AfterCalls(37));
        assert_eq!(break_even(5.0, 1.0, 10.0, 4.0), BreakEven::FromStart);
        assert_eq!(break_even(100.0, 4.0, 10.0, 4.0), BreakEven::Never);
        assert_eq!(break_even(100.0, 5.0, 10.0, 4.0), BreakEven::Never);
        assert_eq!(break_even(5.0, 5.0, 10.0, 4.0), BreakEven::FromStart);
    }
}
