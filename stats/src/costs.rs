//! Costs a plugin host pays once versus per call, and how they trade off.

use serde::{Deserialize, Serialize};

/// When a runtime with a one-off cost `fixed` and a per-call cost `per_call` becomes cheaper
/// in total than another: `fixed + n * per_call < other_fixed + n * other_per_call`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "calls", rename_all = "snake_case")]
pub enum BreakEven {
    /// No dearer up front and no dearer per call: ahead before any call is made.
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

/// Least-squares line through `(ln x, ln y)`: `y ~ exp(intercept) * x^slope`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerFit {
    pub slope: f64,
    pub intercept: f64,
    /// Coefficient of determination on the log scale.
    pub r2: f64,
}

/// Fits `y = a * x^b` on a log-log scale. `None` with fewer than two distinct positive `x`
/// or any non-positive value.
pub fn power_fit(points: &[(f64, f64)]) -> Option<PowerFit> {
    if points.iter().any(|&(x, y)| !(x > 0.0 && y > 0.0)) {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let mx = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let syy: f64 = logs.iter().map(|p| (p.1 - my).powi(2)).sum();
    if logs.len() < 2 || sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let r2 = if syy == 0.0 {
        1.0
    } else {
        sxy * sxy / (sxx * syy)
    };
    Some(PowerFit {
        slope,
        intercept: my - slope * mx,
        r2,
    })
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

    #[test]
    fn power_fit_recovers_known_exponents() {
        let quadratic: Vec<(f64, f64)> = [10.0, 100.0, 1000.0]
            .iter()
            .map(|&n| (n, 3.0 * n * n))
            .collect();
        let fit = power_fit(&quadratic).unwrap();
        assert!((fit.slope - 2.0).abs() < 1e-12 && (fit.r2 - 1.0).abs() < 1e-12);
        assert!((fit.intercept - 3f64.ln()).abs() < 1e-9);
        // (1, 1), (10, 10), (100, 1000): logs (0, 0), (ln10, ln10), (2 ln10, 3 ln10):
        // slope 1.5, r2 = (sxy^2)/(sxx syy) = (3)^2 / (2 * 4.6667) = 0.9643 (in ln10^2 units).
        let fit = power_fit(&[(1.0, 1.0), (10.0, 10.0), (100.0, 1000.0)]).unwrap();
        assert!((fit.slope - 1.5).abs() < 1e-12, "{fit:?}");
        assert!((fit.r2 - 9.0 / (2.0 * 14.0 / 3.0)).abs() < 1e-12, "{fit:?}");
        assert!(power_fit(&[(10.0, 1.0)]).is_none());
        assert!(power_fit(&[(10.0, 1.0), (10.0, 2.0)]).is_none());
        assert!(power_fit(&[(0.0, 1.0), (10.0, 2.0)]).is_none());
    }
}
