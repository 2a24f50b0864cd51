//! How much slower (or faster) a runtime is than native, with its uncertainty.
//!
//! The primary estimate is paired: both were sampled in the same round, so per-round
//! log ratios cancel slow drift of the machine. Their mean, back-transformed, is the
//! geometric-mean ratio; a Student-t interval on the logs gives its 95% interval and a
//! paired t-test its p-value. The unpaired ratio of means (delta method, Welch degrees of
//! freedom) and Welch's t-test are kept for comparison and for runs without pairing.

use serde::{Deserialize, Serialize};

use crate::summary::sample_variance;
use crate::t::{t_critical, t_two_sided_p};

/// A ratio runtime / native with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatioEstimate {
    pub value: f64,
    pub ci95: [f64; 2],
    /// Two-sided p-value for "no difference from native".
    pub p_value: f64,
    /// Relative half-width of the interval: the larger of hi/value - 1 and 1 - lo/value.
    pub precision: f64,
    /// Number of pairs (paired) or the smaller sample count (unpaired).
    pub n: usize,
    pub method: String,
}

/// Welch's unequal-variance t-test of mean(a) vs mean(b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WelchTest {
    pub t: f64,
    pub df: f64,
    pub p_value: f64,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn precision(value: f64, ci: [f64; 2]) -> f64 {
    (ci[1] / value - 1.0).max(1.0 - ci[0] / value)
}

/// Paired estimate from per-round samples: `runtime[i]` and `native[i]` come from round i.
/// `None` with fewer than two pairs or a non-positive time.
pub fn paired_log_ratio(runtime: &[f64], native: &[f64]) -> Option<RatioEstimate> {
    let n = runtime.len().min(native.len());
    if n < 2 || runtime[..n].iter().chain(&native[..n]).any(|&x| !(x > 0.0)) {
        return None;
    }
    let logs: Vec<f64> = runtime[..n].iter().zip(&native[..n]).map(|(r, b)| (r / b).ln()).collect();
    let m = mean(&logs);
    let se = (sample_variance(&logs, m) / n as f64).sqrt();
    let df = (n - 1) as f64;
    let half = t_critical(df, 0.95) * se;
    let value = m.exp();
    let ci95 = [(m - half).exp(), (m + half).exp()];
    let p_value = if se == 0.0 { if m == 0.0 { 1.0 } else { 0.0 } } else { t_two_sided_p(m / se, df) };
    Some(RatioEstimate {
        value,
        ci95,
        p_value,
        precision: precision(value, ci95),
        n,
        method: "paired: geometric mean of per-round ratios, t interval on logs".into(),
    })
}

/// Unpaired ratio of means mean(a)/mean(b); interval by the delta method on the log ratio
/// with Welch-Satterthwaite degrees of freedom; p-value from Welch's t-test.
pub fn unpaired_ratio(a: &[f64], b: &[f64]) -> Option<RatioEstimate> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a), mean(b));
    if !(ma > 0.0 && mb > 0.0) {
        return None;
    }
    let va = sample_variance(a, ma) / (a.len() as f64 * ma * ma);
    let vb = sample_variance(b, mb) / (b.len() as f64 * mb * mb);
    let df = welch_df(va, a.len(), vb, b.len());
    let half = t_critical(df, 0.95) * (va + vb).sqrt();
    let value = ma / mb;
    let ci95 = if va + vb == 0.0 { [value, value] } else { [value * (-half).exp(), value * half.exp()] };
    Some(RatioEstimate {
        value,
        ci95,
        p_value: welch_t_test(a, b)?.p_value,
        precision: precision(value, ci95),
        n: a.len().min(b.len()),
        method: "unpaired: ratio of means, delta-method interval, Welch's t-test".into(),
    })
}

/// Welch-Satterthwaite degrees of freedom for two variance-of-mean terms.
fn welch_df(va: f64, na: usize, vb: f64, nb: usize) -> f64 {
    let denom = va * va / (na - 1) as f64 + vb * vb / (nb - 1) as f64;
    if denom == 0.0 {
        (na + nb - 2) as f64
    } else {
        (va + vb).powi(2) / denom
    }
}

/// Welch's t-test; `None` below two samples on either side.
pub fn welch_t_test(a: &[f64], b: &[f64]) -> Option<WelchTest> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a), mean(b));
    let va = sample_variance(a, ma) / a.len() as f64;
    let vb = sample_variance(b, mb) / b.len() as f64;
    let df = welch_df(va, a.len(), vb, b.len());
    let t = if va + vb == 0.0 {
        if ma == mb { 0.0 } else { f64::INFINITY.copysign(ma - mb) }
    } else {
        (ma - mb) / (va + vb).sqrt()
    };
    Some(WelchTest { t, df, p_value: t_two_sided_p(t, df) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn welch_matches_scipy() {
        // scipy.stats.ttest_ind(a, b, equal_var=False)
        let a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
        let b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
        let w = welch_t_test(&a, &b).unwrap();
        assert!(close(w.t, WELCH_T, 1e-9), "{w:?}");
        assert!(close(w.df, WELCH_DF, 1e-9), "{w:?}");
        assert!(close(w.p_value, WELCH_P, 1e-7), "{w:?}");
    }

    #[test]
    fn paired_ratio_of_known_pairs() {
        // Logs of the ratios are ln(1.1), ln(1.2), ln(1.0), ln(1.1): mean and sd by hand
        // (numpy), t(3, .975) = 3.182446305284263.
        let native = [10.0, 20.0, 30.0, 40.0];
        let runtime = [11.0, 24.0, 30.0, 44.0];
        let r = paired_log_ratio(&runtime, &native).unwrap();
        assert!(close(r.value, PAIRED_VALUE, 1e-12), "{r:?}");
        assert!(close(r.ci95[0], PAIRED_LO, 1e-9) && close(r.ci95[1], PAIRED_HI, 1e-9), "{r:?}");
        assert!(close(r.p_value, PAIRED_P, 1e-7), "{r:?}");
        assert_eq!(r.n, 4);
        assert!(close(r.precision, PAIRED_HI / PAIRED_VALUE - 1.0, 1e-9));
    }

    #[test]
    fn paired_ratio_cancels_drift_that_unpaired_cannot() {
        // The machine slows down 1% per round; the runtime is always exactly 1.5x native.
        let native: Vec<f64> = (0..40).map(|i| 100.0 * 1.01f64.powi(i)).collect();
        let runtime: Vec<f64> = native.iter().map(|x| x * 1.5).collect();
        let paired = paired_log_ratio(&runtime, &native).unwrap();
        let unpaired = unpaired_ratio(&runtime, &native).unwrap();
        assert!(close(paired.value, 1.5, 1e-12));
        assert!(paired.precision < 1e-9, "{paired:?}");
        assert!(close(unpaired.value, 1.5, 1e-12));
        assert!(unpaired.precision > 0.05, "drift widens the unpaired interval: {unpaired:?}");
    }

    #[test]
    fn unpaired_ratio_of_known_samples() {
        let a = [2.0, 4.0, 6.0];
        let b = [1.0, 2.0, 3.0];
        let r = unpaired_ratio(&a, &b).unwrap();
        // mean 4 / mean 2; va = 4/(3*16) = 1/12, vb = 1/(3*4) = 1/12, df = (1/6)^2/(2*(1/144)/2) = 4
        // half = t(4, .975) * sqrt(1/6) = 2.7764451051977987 * 0.408248290463863
        let half = 2.776_445_105_197_793_4 * (1.0f64 / 6.0).sqrt();
        assert!(close(r.value, 2.0, 1e-12));
        assert!(close(r.ci95[0], 2.0 * (-half).exp(), 1e-9) && close(r.ci95[1], 2.0 * half.exp(), 1e-9));
    }

    #[test]
    fn degenerate_inputs() {
        assert!(paired_log_ratio(&[1.0], &[1.0]).is_none());
        assert!(paired_log_ratio(&[1.0, 0.0], &[1.0, 1.0]).is_none());
        let same = paired_log_ratio(&[2.0, 4.0], &[1.0, 2.0]).unwrap();
        assert_eq!((same.value, same.ci95, same.p_value), (2.0, [2.0, 2.0], 0.0));
        assert!(welch_t_test(&[1.0], &[1.0, 2.0]).is_none());
    }

    // Reference values computed with scipy 1.x / numpy (see the test comments).
    const WELCH_T: f64 = -2.455_356_398_286_006;
    const WELCH_DF: f64 = 24.988_529_290_231_416;
    const WELCH_P: f64 = 0.021_378_001_462_866_992;
    // scipy.stats.ttest_1samp(log ratios, 0) for the p-value.
    const PAIRED_VALUE: f64 = 1.097_720_195_000_240_2;
    const PAIRED_LO: f64 = 0.975_051_965_804_824;
    const PAIRED_HI: f64 = 1.235_820_929_315_031;
    const PAIRED_P: f64 = 0.087_402_616_029_737_77;
}
