//! How much slower (or faster) a runtime is than native, with its uncertainty.
//!
//! Estimates are paired where possible: runtime and native were sampled in the same
//! round, so per-round ratios cancel slow drift of the machine.
//!
//! - [`paired_median_ratio`] (the headline figure): the median of the per-round ratios,
//!   with a distribution-free 95% interval from order statistics (sign-test inversion) and
//!   a sign-test p-value. Robust to the short stalls a shared machine inflicts on a few
//!   samples, which would otherwise dominate a mean.
//! - [`paired_log_ratio`]: the geometric mean of per-round ratios, t interval on the logs.
//! - [`unpaired_ratio`] and [`welch_t_test`]: ratio of means and Welch's test, for
//!   comparison and for samples that were not taken in rounds.

use serde::{Deserialize, Serialize};

use crate::summary::sample_variance;
use crate::t::{t_critical, t_two_sided_p};

/// A ratio runtime / native with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioEstimate {
    pub value: f64,
    pub ci95: [f64; 2],
    /// Two-sided p-value for "no difference from native".
    pub p_value: f64,
    /// Relative half-width of the interval: the larger of hi/value - 1 and 1 - lo/value.
    pub precision: f64,
    /// Number of pairs (paired) or the smaller sample count (unpaired).
    pub n: usize,
    pub method: RatioMethod,
}

/// How a ratio and its interval were estimated. Written as its sentence, which is what files
/// have always carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioMethod {
    /// Median of per-round ratios, order-statistic interval, sign test.
    PairedMedian,
    /// Geometric mean of per-round ratios, t interval on the logs.
    PairedGeomean,
    /// Geometric mean of each worker launch's median ratio, t interval over launches.
    PairedLaunches { launches: usize },
    /// Ratio of means, delta-method interval, Welch's t-test.
    Unpaired,
}

impl std::fmt::Display for RatioMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RatioMethod::PairedMedian => f.write_str(
                "paired: median of per-round ratios, order-statistic interval, sign test",
            ),
            RatioMethod::PairedGeomean => {
                f.write_str("paired: geometric mean of per-round ratios, t interval on logs")
            }
            RatioMethod::PairedLaunches { launches } => write!(
                f,
                "paired per worker launch: geometric mean of {launches} launch medians of \
                 per-round ratios, t interval over launches"
            ),
            RatioMethod::Unpaired => {
                f.write_str("unpaired: ratio of means, delta-method interval, Welch's t-test")
            }
        }
    }
}

impl Serialize for RatioMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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

/// Median of per-round ratios `runtime[i] / native[i]` with a distribution-free 95%
/// interval: the order statistics `[r_(k), r_(n+1-k)]` where k is the largest index with
/// `2 P(B <= k-1) <= 0.05`, `B ~ Binomial(n, 1/2)`. p-value: two-sided sign test of
/// "ratio = 1". `None` with fewer than 6 pairs (no 95% interval exists) or non-positive times.
pub fn paired_median_ratio(runtime: &[f64], native: &[f64]) -> Option<RatioEstimate> {
    let n = runtime.len().min(native.len());
    if n < 6 || !all_positive(&runtime[..n], &native[..n]) {
        return None;
    }
    let mut ratios: Vec<f64> = runtime[..n]
        .iter()
        .zip(&native[..n])
        .map(|(r, b)| r / b)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let value = crate::summary::percentile(&ratios, 50.0);
    let k = order_statistic_rank(n, 0.05);
    let ci95 = [ratios[k - 1], ratios[n - k]];
    let above = ratios.iter().filter(|&&r| r > 1.0).count();
    let below = ratios.iter().filter(|&&r| r < 1.0).count();
    Some(RatioEstimate {
        value,
        ci95,
        p_value: sign_test_p(above, below),
        precision: precision(value, ci95),
        n,
        method: RatioMethod::PairedMedian,
    })
}

/// Largest k (1-based) such that `2 P(Binomial(n, 1/2) <= k - 1) <= alpha`.
fn order_statistic_rank(n: usize, alpha: f64) -> usize {
    let (mut lo, mut hi) = (1usize, n / 2 + 1);
    // Invariant: rank `lo` is valid; rank `hi` is not.
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if 2.0 * binomial_half_cdf(n, mid - 1) <= alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// `P(Binomial(n, 1/2) <= k)`.
fn binomial_half_cdf(n: usize, k: usize) -> f64 {
    use statrs::distribution::{Binomial, DiscreteCDF};
    Binomial::new(0.5, n as u64)
        .expect("valid binomial")
        .cdf(k as u64)
}

/// Two-sided sign test from the counts above and below 1 (ties dropped).
fn sign_test_p(above: usize, below: usize) -> f64 {
    let m = above + below;
    if m == 0 {
        return 1.0;
    }
    (2.0 * binomial_half_cdf(m, above.min(below))).min(1.0)
}

/// Paired estimate from per-round samples: `runtime[i]` and `native[i]` come from round i.
/// `None` with fewer than two pairs or a non-positive time.
pub fn paired_log_ratio(runtime: &[f64], native: &[f64]) -> Option<RatioEstimate> {
    let n = runtime.len().min(native.len());
    if n < 2 || !all_positive(&runtime[..n], &native[..n]) {
        return None;
    }
    let logs: Vec<f64> = runtime[..n]
        .iter()
        .zip(&native[..n])
        .map(|(r, b)| (r / b).ln())
        .collect();
    let m = mean(&logs);
    let se = (sample_variance(&logs, m) / n as f64).sqrt();
    let df = (n - 1) as f64;
    let half = t_critical(df, 0.95) * se;
    let value = m.exp();
    let ci95 = [(m - half).exp(), (m + half).exp()];
    let p_value = if se == 0.0 {
        if m == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        t_two_sided_p(m / se, df)
    };
    Some(RatioEstimate {
        value,
        ci95,
        p_value,
        precision: precision(value, ci95),
        n,
        method: RatioMethod::PairedGeomean,
    })
}

/// Paired estimate across worker launches: each launch (a fresh set of worker processes, so
/// fresh memory layout) gives the median of its per-round ratios; the estimate is their
/// geometric mean with a t interval over launches (df = launches - 1), so differences
/// between processes, which no number of rounds inside one process can average out, are
/// part of the interval. `launch[i]` is the launch of pair i. `None` below two launches.
pub fn paired_launch_ratio(
    runtime: &[f64],
    native: &[f64],
    launch: &[usize],
) -> Option<RatioEstimate> {
    let n = runtime.len().min(native.len()).min(launch.len());
    let logs: Vec<f64> = launch_medians(runtime, native, launch)?
        .into_iter()
        .map(|(_, ratio)| ratio.ln())
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let launches = logs.len();
    let m = mean(&logs);
    let se = (sample_variance(&logs, m) / launches as f64).sqrt();
    let df = (launches - 1) as f64;
    let half = t_critical(df, 0.95) * se;
    let value = m.exp();
    let ci95 = [(m - half).exp(), (m + half).exp()];
    let p_value = if se == 0.0 {
        if m == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        t_two_sided_p(m / se, df)
    };
    Some(RatioEstimate {
        value,
        ci95,
        p_value,
        precision: precision(value, ci95),
        n,
        method: RatioMethod::PairedLaunches { launches },
    })
}

/// Each launch's median of its per-round ratios `runtime[i] / native[i]`, in launch order:
/// what [`paired_launch_ratio`] averages. `None` on a non-positive time.
pub fn launch_medians(
    runtime: &[f64],
    native: &[f64],
    launch: &[usize],
) -> Option<Vec<(usize, f64)>> {
    let n = runtime.len().min(native.len()).min(launch.len());
    if !all_positive(&runtime[..n], &native[..n]) {
        return None;
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<f64>> = Default::default();
    for i in 0..n {
        groups
            .entry(launch[i])
            .or_default()
            .push(runtime[i] / native[i]);
    }
    Some(
        groups
            .into_iter()
            .map(|(launch, mut ratios)| {
                ratios.sort_by(f64::total_cmp);
                (launch, crate::summary::percentile(&ratios, 50.0))
            })
            .collect(),
    )
}

/// Unpaired ratio of means mean(a)/mean(b); interval by the delta method on the log ratio
/// with Welch-Satterthwaite degrees of freedom; p-value from Welch's t-test.
pub fn unpaired_ratio(a: &[f64], b: &[f64]) -> Option<RatioEstimate> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a), mean(b));
    if !(crate::positive(ma) && crate::positive(mb)) {
        return None;
    }
    let va = sample_variance(a, ma) / (a.len() as f64 * ma * ma);
    let vb = sample_variance(b, mb) / (b.len() as f64 * mb * mb);
    let df = welch_df(va, a.len(), vb, b.len());
    let half = t_critical(df, 0.95) * (va + vb).sqrt();
    let value = ma / mb;
    let ci95 = if va + vb == 0.0 {
        [value, value]
    } else {
        [value * (-half).exp(), value * half.exp()]
    };
    Some(RatioEstimate {
        value,
        ci95,
        p_value: welch_t_test(a, b)?.p_value,
        precision: precision(value, ci95),
        n: a.len().min(b.len()),
        method: RatioMethod::Unpaired,
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
        if ma == mb {
            0.0
        } else {
            f64::INFINITY.copysign(ma - mb)
        }
    } else {
        (ma - mb) / (va + vb).sqrt()
    };
    Some(WelchTest {
        t,
        df,
        p_value: t_two_sided_p(t, df),
    })
}

/// Every time of both sides is above zero (a NaN is not).
fn all_positive(a: &[f64], b: &[f64]) -> bool {
    a.iter().chain(b).all(|&x| crate::positive(x))
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
        let a = [
            27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7,
            21.4,
        ];
        let b = [
            27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5,
            24.4,
        ];
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
        assert!(
            close(r.ci95[0], PAIRED_LO, 1e-9) && close(r.ci95[1], PAIRED_HI, 1e-9),
            "{r:?}"
        );
        assert!(close(r.p_value, PAIRED_P, 1e-7), "{r:?}");
        assert_eq!(r.n, 4);
        assert!(close(r.precision, PAIRED_HI / PAIRED_VALUE - 1.0, 1e-9));
    }

    #[test]
    fn median_ratio_of_known_pairs() {
        // Ratios 1.0, 1.1, ..., 1.9 (n = 10): median 1.45; for n = 10 the 95% rank is k = 2
        // (2 P(B <= 1) = 0.0215 <= 0.05 < 2 P(B <= 2) = 0.109), so [r_(2), r_(9)] = [1.1, 1.8].
        // Sign test: 9 above 1, 0 below (the 1.0 is a tie): p = 2 * 0.5^9 = 0.00390625.
        let native = [10.0; 10];
        let runtime: Vec<f64> = (0..10).map(|i| 10.0 + i as f64).collect();
        let r = paired_median_ratio(&runtime, &native).unwrap();
        assert!(close(r.value, 1.45, 1e-12), "{r:?}");
        assert!(
            close(r.ci95[0], 1.1, 1e-12) && close(r.ci95[1], 1.8, 1e-12),
            "{r:?}"
        );
        assert!(close(r.p_value, 0.003_906_25, 1e-9), "{r:?}");
        assert_eq!(order_statistic_rank(10, 0.05), 2);
        // scipy.stats.binom.ppf-based ranks for larger n: n = 100 -> k = 40, n = 1000 -> k = 469.
        assert_eq!(order_statistic_rank(100, 0.05), 40);
        assert_eq!(order_statistic_rank(1000, 0.05), 469);
        assert!(paired_median_ratio(&[1.0; 5], &[1.0; 5]).is_none());
    }

    #[test]
    fn median_ratio_ignores_a_few_stalls_that_move_the_mean() {
        // Runtime is 2x native every round, but 3 of 40 native samples hit a 3x stall.
        let mut native = vec![100.0; 40];
        for i in [5, 17, 33] {
            native[i] = 300.0;
        }
        let runtime = vec![200.0; 40];
        let median = paired_median_ratio(&runtime, &native).unwrap();
        let geomean = paired_log_ratio(&runtime, &native).unwrap();
        assert_eq!(median.value, 2.0);
        assert_eq!(median.ci95, [2.0, 2.0]);
        assert!(
            geomean.value < 1.9 && geomean.precision > 0.05,
            "{geomean:?}"
        );
    }

    #[test]
    fn paired_ratio_cancels_drift_that_unpaired_cannot() {
        // The machine slows down 1% per round; the runtime is always exactly 1.5x native.
        let native: Vec<f64> = (0..40).map(|i| 100.0 * 1.01f64.powi(i)).collect();
        let runtime: Vec<f64> = native.iter().map(|x| x * 1.5).collect();
        let paired = paired_log_ratio(&runtime, &native).unwrap();
        let median = paired_median_ratio(&runtime, &native).unwrap();
        let unpaired = unpaired_ratio(&runtime, &native).unwrap();
        assert!(close(paired.value, 1.5, 1e-12));
        assert!(
            close(median.value, 1.5, 1e-12) && median.precision < 1e-9,
            "{median:?}"
        );
        assert!(paired.precision < 1e-9, "{paired:?}");
        assert!(close(unpaired.value, 1.5, 1e-12));
        assert!(
            unpaired.precision > 0.05,
            "drift widens the unpaired interval: {unpaired:?}"
        );
    }

    #[test]
    fn launch_ratio_of_known_launches() {
        // Three launches whose per-round ratio medians are 2.0, 2.2 and 1.9 (the 5.0 in
        // launch 1 is a stall the median ignores). Logs ln 2, ln 2.2, ln 1.9: numpy mean
        // and sd, t(2, .975) = 4.302652729749464; p from scipy.stats.ttest_1samp.
        let native = [10.0; 9];
        let runtime = [20.0, 19.0, 21.0, 22.0, 22.0, 50.0, 19.0, 19.0, 18.0];
        let launch = [0, 0, 0, 1, 1, 1, 2, 2, 2];
        let r = paired_launch_ratio(&runtime, &native, &launch).unwrap();
        assert!(close(r.value, LAUNCH_VALUE, 1e-12), "{r:?}");
        assert!(
            close(r.ci95[0], LAUNCH_LO, 1e-9) && close(r.ci95[1], LAUNCH_HI, 1e-9),
            "{r:?}"
        );
        assert!(close(r.p_value, LAUNCH_P, 1e-6), "{r:?}");
        assert_eq!(r.n, 9);
        let medians = launch_medians(&runtime, &native, &launch).unwrap();
        assert_eq!(medians, [(0, 2.0), (1, 2.2), (2, 1.9)]);
        // One launch has no between-launch spread to estimate.
        assert!(paired_launch_ratio(&runtime, &native, &[0; 9]).is_none());
    }

    #[test]
    fn launch_ratio_widens_when_launches_disagree_though_each_is_tight() {
        // Inside each launch the ratio never varies, so the pooled order-statistic interval
        // is as narrow as the launch-to-launch spread allows; only the launch interval
        // admits that a new process may land anywhere between 2.0 and 2.1.
        let native = [10.0; 40];
        let launch: Vec<usize> = (0..40).map(|i| i / 10).collect();
        let runtime: Vec<f64> = launch
            .iter()
            .map(|&l| if l % 2 == 0 { 20.0 } else { 21.0 })
            .collect();
        let launches = paired_launch_ratio(&runtime, &native, &launch).unwrap();
        assert!(
            launches.ci95[0] < 2.0 && launches.ci95[1] > 2.1,
            "{launches:?}"
        );
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
        assert!(
            close(r.ci95[0], 2.0 * (-half).exp(), 1e-9) && close(r.ci95[1], 2.0 * half.exp(), 1e-9)
        );
    }

    #[test]
    fn degenerate_inputs() {
        assert!(paired_log_ratio(&[1.0], &[1.0]).is_none());
        assert!(paired_log_ratio(&[1.0, 0.0], &[1.0, 1.0]).is_none());
        let same = paired_log_ratio(&[2.0, 4.0], &[1.0, 2.0]).unwrap();
        assert_eq!(
            (same.value, same.ci95, same.p_value),
            (2.0, [2.0, 2.0], 0.0)
        );
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
    const LAUNCH_VALUE: f64 = 2.029_560_923_261_375;
    const LAUNCH_LO: f64 = 1.687_102_039_285_113_5;
    const LAUNCH_HI: f64 = 2.441_534_326_504_036;
    const LAUNCH_P: f64 = 0.003_662_092_946_574_916;
    const PAIRED_P: f64 = 0.087_402_616_029_737_77;
}
