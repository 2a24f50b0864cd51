//! The report's chart at a glance: each runtime's headline ratio to native, with its 95%
//! interval as whiskers, on the headline workloads (each kernel at its largest size).

use crate::Run;

/// One runtime on one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioPoint {
    pub runtime: String,
    /// `kernel @ size`.
    pub workload: String,
    pub value: f64,
    pub ci95: [f64; 2],
}

/// The headline ratios of every runtime (guarded variants aside) on each kernel's largest size,
/// in the run's order.
pub fn headline_ratios(run: &Run) -> Vec<RatioPoint> {
    let groups = &run.groups;
    let largest = |kernel: &str| {
        groups
            .iter()
            .filter(|g| g.kernel == kernel)
            .map(|g| g.size)
            .max()
    };
    run.results
        .iter()
        .filter(|r| r.is_ok() && !r.baseline && r.is_choice())
        .filter(|r| largest(&r.kernel) == Some(r.size))
        .filter_map(|r| {
            let ratio = r.ratio_to_native.as_ref()?;
            Some(RatioPoint {
                runtime: r.runtime.clone(),
                workload: format!("{} @ {}", r.kernel, r.size),
                value: ratio.value,
                ci95: ratio.ci95,
            })
        })
        .collect()
}
