//! Pure statistics for plugbench, kept apart from measurement and reporting so each
//! function can be tested against known values.
//!
//! - [`summary`]: location, spread, percentiles and the t interval of the mean.
//! - [`ratio`]: a runtime's time relative to native: paired (median of per-round ratios with
//!   an order-statistic interval; geometric mean with a t interval; across worker launches) and unpaired (ratio of
//!   means, delta method), with Welch's t-test.
//! - [`outliers`]: Tukey-fence classification (counted, never dropped).
//! - [`costs`]: break-even of one-off against per-call costs.
//! - [`scaling`]: power-law fit of time against size, and where per-call overhead stops dominating.

pub mod costs;
pub mod outliers;
pub mod ratio;
pub mod scaling;
pub mod summary;
mod t;

pub use costs::{break_even, BreakEven};
pub use outliers::{classify as classify_outliers, Outliers};
pub use ratio::{
    launch_medians, paired_launch_ratio, paired_log_ratio, paired_median_ratio, unpaired_ratio,
    welch_t_test, RatioEstimate, RatioMethod, WelchTest,
};
pub use scaling::{overhead_crossover, power_fit, Crossover, PowerFit};
pub use summary::{percentile, Summary};
pub use t::{t_critical, t_two_sided_p};

/// Above zero; false for NaN, which a negated `x > 0.0` would let through unnoticed by readers.
pub(crate) fn positive(x: f64) -> bool {
    x > 0.0
}
