//! From a load measurement's samples to its figures: events per second with its interval,
//! the scaling efficiency against one thread (paired by round), latency percentiles.

use hdrhistogram::Histogram;
use plugbench_data::load::{Estimate, HostModel, LatencyAtLoad, LoadRow, LoadSample, Percentiles};

/// Latencies from 1 ns to an hour, three significant digits (as the worker records them).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds")
}

/// Adds a worker's (value, count) pairs to `into`.
pub fn record(into: &mut Histogram<u64>, recorded: &[(u64, u64)]) {
    for &(value, count) in recorded {
        into.saturating_record_n(value.max(1), count);
    }
}

/// Percentiles of a worker's (value, count) pairs.
pub fn percentiles(recorded: &[(u64, u64)]) -> Percentiles {
    let mut h = histogram();
    record(&mut h, recorded);
    percentiles_of(&h)
}

fn percentiles_of(h: &Histogram<u64>) -> Percentiles {
    let at = |q: f64| h.value_at_quantile(q) as f64;
    Percentiles {
        events: h.len(),
        p50_ns: at(0.5),
        p99_ns: at(0.99),
        p999_ns: at(0.999),
        max_ns: h.max() as f64,
    }
}

/// One runtime (by its index), model and thread count: what its samples gave so far.
pub struct Cell {
    pub runtime: usize,
    pub model: HostModel,
    pub threads: u32,
    pub error: Option<String>,
    pub rates: Vec<f64>,
    pub service: Histogram<u64>,
    pub events: u64,
    pub checked: u64,
    pub at_load: Vec<LatencyAtLoad>,
}

impl Cell {
    pub fn new(runtime: usize, model: HostModel, threads: u32, error: Option<String>) -> Cell {
        Cell {
            runtime,
            model,
            threads,
            error,
            rates: Vec::new(),
            service: histogram(),
            events: 0,
            checked: 0,
            at_load: Vec::new(),
        }
    }

    /// A closed-loop sample's figures.
    pub fn add(&mut self, sample: &LoadSample) {
        self.rates.push(sample.events_per_s());
        record(&mut self.service, &sample.latency);
        self.events += sample.events;
        self.checked += sample.checked;
    }
}

/// A row per cell, each with its efficiency against the same runtime and model on one thread;
/// `names[i]` and `natives[i]` are runtime i's.
pub fn rows(cells: &[Cell], names: &[String], natives: &[bool], cores: u32) -> Vec<LoadRow> {
    cells
        .iter()
        .map(|c| {
            let single = cells
                .iter()
                .find(|o| o.runtime == c.runtime && o.model == c.model && o.threads == 1);
            LoadRow {
                runtime: names[c.runtime].clone(),
                native: natives[c.runtime],
                model: c.model,
                threads: c.threads,
                oversubscribed: c.threads > cores,
                error: c.error.clone(),
                rates: c.rates.clone(),
                throughput: stats::Summary::of(&c.rates),
                efficiency: single.and_then(|one| efficiency(&c.rates, &one.rates, c.threads)),
                service: (!c.service.is_empty()).then(|| percentiles_of(&c.service)),
                at_load: c.at_load.clone(),
                events: c.events,
                checked: c.checked,
            }
        })
        .collect()
}

/// Events per second per thread against one thread's, paired by round: the geometric mean of
/// each round's `rate / (threads × single)`, with the t interval on the logs. 1 means every
/// thread served as many events as one thread alone.
pub fn efficiency(rates: &[f64], single: &[f64], threads: u32) -> Option<Estimate> {
    let n = rates.len().min(single.len());
    let scaled: Vec<f64> = single[..n].iter().map(|s| s * f64::from(threads)).collect();
    if threads == 1 {
        return (n > 0).then_some(Estimate {
            value: 1.0,
            ci95: [1.0, 1.0],
        });
    }
    let ratio = stats::paired_log_ratio(&rates[..n], &scaled)?;
    Some(Estimate {
        value: ratio.value,
        ci95: ratio.ci95,
    })
}

#[cfg(test)]
mod tests {
    use super::efficiency;

    #[test]
    fn efficiency_is_per_thread_rate_against_one_thread_paired_by_round() {
        // Round by round, two threads served 1.8x, 1.6x and 1.7x what one thread did.
        let single = [100.0, 200.0, 150.0];
        let double = [180.0, 320.0, 255.0];
        let e = efficiency(&double, &single, 2).unwrap();
        let geomean = (0.9f64 * 0.8 * 0.85).powf(1.0 / 3.0);
        assert!((e.value - geomean).abs() < 1e-12, "{e:?}");
        assert!(e.ci95[0] < e.value && e.value < e.ci95[1], "{e:?}");
        assert_eq!(efficiency(&single, &single, 1).unwrap().value, 1.0);
        assert!(efficiency(&[], &[], 2).is_none());
    }
}
