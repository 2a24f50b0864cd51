//! Two runtimes' warm samples paired by the round they were taken in, and the ratio quoted from
//! them: what the measurement's stopping rule and every report's ratio share.

use std::collections::BTreeMap;

use stats::{paired_launch_ratio, paired_median_ratio, RatioEstimate};

use crate::RuntimeResult;

/// Samples of `a` and `b` taken in the same rounds, in round order, with the launch each
/// round belongs to (0 for files written before launches were recorded).
pub struct Pairs {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub launch: Vec<usize>,
}

/// Where `b` took several samples in a round (the baseline runs in several processes), the
/// round's value is their median.
pub fn paired(a: &RuntimeResult, b: &RuntimeResult) -> Pairs {
    let mut samples: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for (&round, &ns) in b.raw.warm_rounds.iter().zip(&b.raw.warm_ns) {
        samples.entry(round).or_default().push(ns);
    }
    let by_round: BTreeMap<usize, f64> = samples
        .into_iter()
        .map(|(round, mut ns)| {
            ns.sort_by(f64::total_cmp);
            (round, stats::percentile(&ns, 50.0))
        })
        .collect();
    let mut pairs = Pairs {
        a: Vec::new(),
        b: Vec::new(),
        launch: Vec::new(),
    };
    for (i, (round, &x)) in a.raw.warm_rounds.iter().zip(&a.raw.warm_ns).enumerate() {
        if let Some(&y) = by_round.get(round) {
            pairs.a.push(x);
            pairs.b.push(y);
            pairs
                .launch
                .push(a.raw.warm_launches.get(i).copied().unwrap_or(0));
        }
    }
    pairs
}

/// The ratio to quote: across worker launches when the run had several (so differences
/// between processes are in the interval), else the median of per-round ratios.
pub fn headline_ratio(pairs: &Pairs) -> Option<RatioEstimate> {
    paired_launch_ratio(&pairs.a, &pairs.b, &pairs.launch)
        .or_else(|| paired_median_ratio(&pairs.a, &pairs.b))
}
