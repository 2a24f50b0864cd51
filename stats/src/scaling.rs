//! How time per call grows with input size: a power-law fit on log-log axes, and the size
//! from which the work, rather than the fixed cost of a call, is most of a call.

use serde::{Deserialize, Serialize};

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
    if points.len() < 2 || points.iter().any(|&(x, y)| !(x > 0.0 && y > 0.0)) {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let mx = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let syy: f64 = logs.iter().map(|p| (p.1 - my).powi(2)).sum();
    if sxx == 0.0 {
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

/// Where per-call overhead stops dominating, from `(size, time per call)` points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "size", rename_all = "snake_case")]
pub enum Crossover {
    /// The size at which a call costs twice what it costs at the smallest size measured
    /// (interpolated on log-log axes between the two measured sizes around it).
    At(f64),
    /// Even the largest size measured costs less than twice the smallest: the fixed part
    /// of a call dominates over the whole sweep.
    Beyond(f64),
}

/// The time at the smallest size bounds the fixed per-call cost from above, so from the
/// size at which a call costs twice that, the size-dependent work is at least half of it.
/// Points need not be sorted; `None` with fewer than two sizes or a non-positive value.
pub fn overhead_crossover(points: &[(f64, f64)]) -> Option<Crossover> {
    let mut sorted: Vec<(f64, f64)> = points.to_vec();
    if sorted.len() < 2 || sorted.iter().any(|&(x, y)| !(x > 0.0 && y > 0.0)) {
        return None;
    }
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let target = 2.0 * sorted[0].1;
    for pair in sorted.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if y1 >= target {
            let f = (target.ln() - y0.ln()) / (y1.ln() - y0.ln());
            return Some(Crossover::At((x0.ln() + f * (x1.ln() - x0.ln())).exp()));
        }
    }
    Some(Crossover::Beyond(sorted[sorted.len() - 1].0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_fit_recovers_known_exponents() {
        let quadratic: Vec<(f64, f64)> = [10.0, 100.0, 1000.0]
            .iter()
            .map(|&n| (n, 3.0 * n * n))
            .collect();
        let fit = power_fit(&quadratic).unwrap();
        assert!((fit.slope - 2.0).abs() < 1e-12 && (fit.r2 - 1.0).abs() < 1e-12);
        assert!((fit.intercept - 3f64.ln()).abs() < 1e-9);
        // logs (0, 0), (L, L), (2L, 3L) with L = ln 10: sxx = 2L², sxy = 3L², syy = 14L²/3,
        // so slope 1.5 and r2 = 9 / (2 * 14/3).
        let fit = power_fit(&[(1.0, 1.0), (10.0, 10.0), (100.0, 1000.0)]).unwrap();
        assert!((fit.slope - 1.5).abs() < 1e-12, "{fit:?}");
        assert!((fit.r2 - 9.0 / (2.0 * 14.0 / 3.0)).abs() < 1e-12, "{fit:?}");
        assert!(power_fit(&[(10.0, 1.0)]).is_none());
        assert!(power_fit(&[(10.0, 1.0), (10.0, 2.0)]).is_none());
        assert!(power_fit(&[(0.0, 1.0), (10.0, 2.0)]).is_none());
    }

    #[test]
    fn crossover_interpolates_on_log_axes() {
        // 2 x 100 = 200 lies between 150 (size 100) and 600 (size 1000): a fraction
        // ln(4/3) / ln 4 of the way on the log axis, so size 100 * 10^(ln(4/3)/ln 4).
        let c = overhead_crossover(&[(1000.0, 600.0), (10.0, 100.0), (100.0, 150.0)]).unwrap();
        let expected = 100.0 * 10f64.powf((4.0f64 / 3.0).ln() / 4f64.ln());
        match c {
            Crossover::At(x) => assert!((x - expected).abs() < 1e-9, "{x} vs {expected}"),
            other => panic!("{other:?}"),
        }
        // Exactly twice at a measured size: that size (up to rounding in exp/ln).
        match overhead_crossover(&[(10.0, 100.0), (100.0, 200.0)]) {
            Some(Crossover::At(x)) => assert!((x - 100.0).abs() < 1e-9, "{x}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            overhead_crossover(&[(10.0, 100.0), (1000.0, 190.0)]),
            Some(Crossover::Beyond(1000.0))
        );
        assert_eq!(overhead_crossover(&[(10.0, 100.0)]), None);
    }
}
