//! Tukey's fences: samples beyond 1.5 IQR of the quartiles are mild outliers, beyond 3 IQR
//! severe. Outliers are counted and reported, never removed from the statistics.

use serde::{Deserialize, Serialize};

use crate::summary::percentile;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outliers {
    pub low_severe: usize,
    pub low_mild: usize,
    pub high_mild: usize,
    pub high_severe: usize,
}

impl Outliers {
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }
}

pub fn classify(samples: &[f64]) -> Outliers {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (percentile(&sorted, 25.0), percentile(&sorted, 75.0));
    let iqr = q3 - q1;
    let mut out = Outliers::default();
    for &x in samples {
        if x < q1 - 3.0 * iqr {
            out.low_severe += 1;
        } else if x < q1 - 1.5 * iqr {
            out.low_mild += 1;
        } else if x > q3 + 3.0 * iqr {
            out.high_severe += 1;
        } else if x > q3 + 1.5 * iqr {
            out.high_mild += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severe_beyond_three_iqr() {
        // 1..=8: q1 = 2.75, q3 = 6.25, IQR 3.5; severe above 16.75.
        let mut data: Vec<f64> = (1..=8).map(f64::from).collect();
        data.push(1000.0);
        // Adding one point moves the quartiles (q1 = 3, q3 = 7, IQR 4): 1000 > 19.
        assert_eq!(classify(&data).high_severe, 1);
    }

    #[test]
    fn fences_of_known_data() {
        // 1..=8 alone has no outliers. With 12, 17, -3, -8 added (numpy, type 7):
        // q1 = 1.75, q3 = 7.25, IQR 5.5; mild fences -6.5 / 15.5, severe -14.75 / 23.75.
        let mut data: Vec<f64> = (1..=8).map(f64::from).collect();
        data.extend([12.0, 17.0, -3.0, -8.0]);
        let base: Vec<f64> = (1..=8).map(f64::from).collect();
        assert_eq!(classify(&base).total(), 0);
        let o = classify(&data);
        assert_eq!(
            o,
            Outliers {
                low_severe: 0,
                low_mild: 1,
                high_mild: 1,
                high_severe: 0
            },
            "{o:?}"
        );
    }
}
