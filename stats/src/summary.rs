//! Descriptive statistics of one set of timings.

use serde::{Deserialize, Serialize};

use crate::t::t_critical;

/// Summary of samples (any unit; plugbench uses nanoseconds per call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
    /// Sample standard deviation (n - 1).
    pub stddev: f64,
    /// 95% confidence interval of the mean (Student's t).
    pub ci95: [f64; 2],
    /// Coefficient of variation: stddev / mean.
    pub cv: f64,
}

impl Summary {
    /// `None` for an empty slice. With one sample, spread and interval are NaN.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() {
            return None;
        }
        let n = samples.len();
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mean = samples.iter().sum::<f64>() / n as f64;
        let stddev = sample_variance(samples, mean).sqrt();
        let half = t_critical((n - 1) as f64, 0.95) * stddev / (n as f64).sqrt();
        Some(Summary {
            n,
            mean,
            median: percentile(&sorted, 50.0),
            p90: percentile(&sorted, 90.0),
            p99: percentile(&sorted, 99.0),
            min: sorted[0],
            max: sorted[n - 1],
            stddev,
            ci95: [mean - half, mean + half],
            cv: stddev / mean,
        })
    }

    /// Half-width of the 95% interval relative to the mean.
    pub fn relative_half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0 / self.mean
    }
}

/// Unbiased sample variance (n - 1); NaN below two samples.
pub(crate) fn sample_variance(samples: &[f64], mean: f64) -> f64 {
    if samples.len() < 2 {
        return f64::NAN;
    }
    samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (samples.len() - 1) as f64
}

/// Percentile `p` (0..=100) of sorted data, linear interpolation between closest ranks
/// (the definition numpy and R type 7 use by default).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let rank = p / 100.0 * (n - 1) as f64;
            let lo = rank.floor() as usize;
            let hi = rank.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn summary_of_known_data() {
        // numpy: mean 5.5, std(ddof=1) 3.0276503540974917, percentile type 7:
        // median 5.5, p90 9.1, p99 9.91; t(9, .975) = 2.2621571627409915.
        let data: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let s = Summary::of(&data).unwrap();
        assert_eq!(s.n, 10);
        assert!(close(s.mean, 5.5));
        assert!(close(s.stddev, 3.027_650_354_097_491_7));
        assert!(close(s.median, 5.5));
        assert!(close(s.p90, 9.1));
        assert!(close(s.p99, 9.91));
        assert_eq!((s.min, s.max), (1.0, 10.0));
        let half = 2.262_157_162_740_991_5 * 3.027_650_354_097_491_7 / 10f64.sqrt();
        assert!(close(s.ci95[0], 5.5 - half) && close(s.ci95[1], 5.5 + half));
        assert!(close(s.cv, 3.027_650_354_097_491_7 / 5.5));
    }

    #[test]
    fn degenerate_inputs() {
        assert!(Summary::of(&[]).is_none());
        let one = Summary::of(&[4.0]).unwrap();
        assert_eq!((one.mean, one.median, one.p99), (4.0, 4.0, 4.0));
        assert!(one.stddev.is_nan());
        let same = Summary::of(&[2.0; 5]).unwrap();
        assert_eq!(same.stddev, 0.0);
        assert_eq!(same.ci95, [2.0, 2.0]);
    }

    #[test]
    fn percentile_interpolates() {
        let sorted = [10.0, 20.0, 30.0, 40.0];
        assert!(close(percentile(&sorted, 0.0), 10.0));
        assert!(close(percentile(&sorted, 50.0), 25.0));
        assert!(close(percentile(&sorted, 90.0), 37.0));
        assert!(close(percentile(&sorted, 100.0), 40.0));
    }
}
