//! Student's t quantiles and p-values (statrs).

use statrs::distribution::{Continuous, ContinuousCDF, StudentsT};

/// Two-sided critical value: `P(|T| <= t) = level` for `df` degrees of freedom.
pub fn t_critical(df: f64, level: f64) -> f64 {
    if !crate::positive(df) {
        return f64::NAN;
    }
    let dist = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    let p = 0.5 + level / 2.0;
    // statrs' inverse is only good to ~1e-4 at large df; a few Newton steps on its
    // (accurate) cdf bring it to machine precision.
    let mut x = dist.inverse_cdf(p);
    for _ in 0..4 {
        x -= (dist.cdf(x) - p) / dist.pdf(x);
    }
    x
}

/// Two-sided p-value of a t statistic with `df` degrees of freedom.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || !crate::positive(df) {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let dist = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn critical_values_match_tables() {
        // Standard t-table values.
        assert!(close(t_critical(1.0, 0.95), 12.706_204_736, 1e-6));
        assert!(close(t_critical(10.0, 0.95), 2.228_138_852, 1e-6));
        assert!(close(t_critical(30.0, 0.95), 2.042_272_456, 1e-6));
        assert!(close(t_critical(1e6, 0.95), 1.959_966_356_814_107, 1e-9));
        assert!(close(
            t_critical(250.0, 0.95),
            1.969_498_393_421_153_2,
            1e-9
        ));
        assert!(t_critical(0.0, 0.95).is_nan());
    }

    #[test]
    fn p_values_match_tables() {
        assert!(close(t_two_sided_p(2.228_138_852, 10.0), 0.05, 1e-7));
        assert!(close(t_two_sided_p(-2.228_138_852, 10.0), 0.05, 1e-7));
        assert!(close(t_two_sided_p(0.0, 5.0), 1.0, 1e-12));
        assert_eq!(t_two_sided_p(f64::INFINITY, 5.0), 0.0);
    }
}
