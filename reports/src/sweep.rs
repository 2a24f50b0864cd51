//! The size sweep: for each kernel measured at several sizes, time per call against size for
//! every runtime, the fitted scaling, and where per-call overhead stops dominating.

use stats::{overhead_crossover, power_fit, Crossover, PowerFit};

use crate::Run;

/// One kernel across its sizes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sweep {
    pub kernel: String,
    /// What the ratios are relative to: `native`, or a user's module's baseline runtime.
    pub baseline_name: String,
    /// Ascending.
    pub sizes: Vec<usize>,
    pub lines: Vec<SweepLine>,
}

/// One runtime's figures at each of [`Sweep::sizes`] (`None` where its row failed).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SweepLine {
    pub runtime: String,
    pub baseline: bool,
    /// Median warm time per call, ns.
    pub per_call_ns: Vec<Option<f64>>,
    /// The headline ratio to native at each size.
    pub ratio: Vec<Option<f64>>,
    /// Over the sizes with a figure.
    pub fit: Option<PowerFit>,
    pub crossover: Option<Crossover>,
}

impl SweepLine {
    pub fn points(&self, sizes: &[usize]) -> Vec<(f64, f64)> {
        sizes
            .iter()
            .zip(&self.per_call_ns)
            .filter_map(|(&n, t)| t.map(|t| (n as f64, t)))
            .collect()
    }
}

/// Every kernel this run measured at two or more sizes, in run order.
pub fn sweeps(run: &Run) -> Vec<Sweep> {
    let groups = &run.groups;
    let mut kernels: Vec<&str> = Vec::new();
    for g in groups {
        if !kernels.contains(&g.kernel.as_str()) {
            kernels.push(&g.kernel);
        }
    }
    kernels
        .into_iter()
        .filter_map(|kernel| {
            let mut sizes: Vec<usize> = groups
                .iter()
                .filter(|g| g.kernel == kernel)
                .map(|g| g.size)
                .collect();
            sizes.sort_unstable();
            sizes.dedup();
            (sizes.len() >= 2).then(|| sweep(run, kernel, sizes))
        })
        .collect()
}

fn sweep(run: &Run, kernel: &str, sizes: Vec<usize>) -> Sweep {
    let mut runtimes: Vec<(&str, bool)> = Vec::new();
    // Sandboxed variants are measured at one size only; their cost has its own section.
    for r in run
        .results
        .iter()
        .filter(|r| r.kernel == kernel && (r.is_choice() || r.native) && !r.gap_variant)
    {
        if !runtimes.iter().any(|(n, _)| *n == r.runtime) {
            runtimes.push((&r.runtime, r.baseline));
        }
    }
    let lines: Vec<SweepLine> = runtimes
        .into_iter()
        .map(|(runtime, baseline)| {
            let at = |size: usize| {
                run.results
                    .iter()
                    .find(|r| r.kernel == kernel && r.size == size && r.runtime == runtime)
                    .filter(|r| r.is_ok())
            };
            let mut line = SweepLine {
                runtime: runtime.to_string(),
                baseline,
                per_call_ns: sizes
                    .iter()
                    .map(|&n| at(n).and_then(|r| r.warm.as_ref()).map(|w| w.median_ns))
                    .collect(),
                ratio: sizes
                    .iter()
                    .map(|&n| {
                        at(n)
                            .and_then(|r| r.ratio_to_native.as_ref())
                            .map(|q| q.value)
                    })
                    .collect(),
                fit: None,
                crossover: None,
            };
            let points = line.points(&sizes);
            line.fit = power_fit(&points);
            line.crossover = overhead_crossover(&points);
            line
        })
        .collect();
    let baseline_name = lines
        .iter()
        .find(|l| l.baseline)
        .map(|l| l.runtime.clone())
        .unwrap_or_else(|| "native".into());
    Sweep {
        kernel: kernel.to_string(),
        baseline_name,
        sizes,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::phase_stats;
    use crate::{Group, Row, Status};

    fn result(runtime: &str, size: usize, per_call_ns: f64) -> Row {
        let mut r = Row::unanalysed(crate::RuntimeResult::failed(
            runtime,
            "k",
            size,
            String::new(),
        ));
        r.status = Status::Ok;
        r.warm = phase_stats(&[per_call_ns]);
        r
    }

    #[test]
    fn a_quadratic_runtime_scales_as_two_and_a_flat_one_never_crosses() {
        let mut run = crate::choose::tests::run(vec![]);
        run.results.clear();
        run.groups = [10, 100, 1000]
            .iter()
            .map(|&size| Group {
                kernel: "k".into(),
                size,
                rounds: 1,
                stop_reason: Default::default(),
                elapsed_s: 1.0,
                answer: None,
            })
            .collect();
        for n in [1000usize, 10, 100] {
            let n2 = (n * n) as f64;
            run.results.push(result("square", n, 5.0 * n2));
            run.results
                .push(result("flat", n, 1000.0 + n as f64 / 100.0));
        }
        let sweeps = sweeps(&run);
        assert_eq!(sweeps.len(), 1);
        let s = &sweeps[0];
        assert_eq!(s.sizes, vec![10, 100, 1000]);
        let square = &s.lines[0];
        assert_eq!(square.runtime, "square");
        assert_eq!(
            square.per_call_ns,
            vec![Some(500.0), Some(50_000.0), Some(5e6)]
        );
        assert!((square.fit.unwrap().slope - 2.0).abs() < 1e-9);
        // 2 x 500 = 1000 is reached between 10 and 100: at 10 * sqrt(2).
        match square.crossover {
            Some(Crossover::At(x)) => assert!((x - 10.0 * 2f64.sqrt()).abs() < 1e-9, "{x}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.lines[1].crossover, Some(Crossover::Beyond(1000.0)));
    }

    #[test]
    fn one_size_is_no_sweep() {
        let run = crate::choose::tests::run(vec![]);
        assert!(sweeps(&run).is_empty());
    }
}
