//! What each sandbox guard costs: a runtime with the guard on against the same runtime
//! without it, measured in the same rounds, so the ratio is paired like the ratio to native.

use plugbench_data::{Guard, GuardSupport};
use stats::{unpaired_ratio, RatioEstimate};

use crate::analysis::{headline_ratio, paired};
use crate::{Phase, Row, Run};

/// One guard of one runtime.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GuardCost {
    pub runtime: String,
    pub guard: Guard,
    #[serde(flatten)]
    pub support: GuardSupport,
    /// The variant measured, if the runtime offers the guard here.
    pub variant: Option<String>,
    /// Warm time with the guard over warm time without, paired by round.
    pub warm: Option<RatioEstimate>,
    /// Compile time with the guard over compile time without (unpaired).
    pub compile: Option<RatioEstimate>,
    /// Why there is no figure although the guard is offered.
    pub missing: Option<String>,
}

/// One entry per guard of every runtime in the run's environment, with costs where the run
/// measured both the runtime and its variant in the same (kernel, size).
pub fn guard_costs(run: &Run) -> Vec<GuardCost> {
    let views = run.views();
    run.environment
        .sandbox
        .iter()
        .map(|s| {
            let mut cost = GuardCost {
                runtime: s.runtime.clone(),
                guard: s.guard,
                support: s.support.clone(),
                variant: s.variant.clone(),
                warm: None,
                compile: None,
                missing: None,
            };
            if s.variant.is_none() {
                return cost;
            }
            let with_guard = |view: &'_ Run| -> Option<Row> {
                let found = view.results.iter().find(|r| {
                    r.configuration == s.runtime
                        && r.guard == Some(s.guard)
                        && r.guest_build.is_none()
                });
                found.cloned()
            };
            let without = |view: &'_ Run| -> Option<Row> {
                view.results
                    .iter()
                    .find(|r| r.runtime == s.runtime)
                    .cloned()
            };
            let measured = views
                .iter()
                .find_map(|v| Some((with_guard(v)?, without(v)?)));
            match measured {
                None => cost.missing = Some("not measured in this run".into()),
                Some((with, _)) if !with.is_ok() => {
                    cost.missing = Some(format!(
                        "failed: {}",
                        with.error.as_deref().unwrap_or("error")
                    ))
                }
                Some((_, without)) if !without.is_ok() => {
                    cost.missing = Some(format!("{} failed, nothing to compare with", s.runtime))
                }
                Some((with, without)) => {
                    cost.warm = headline_ratio(&paired(&with, &without));
                    let compile = |r: &Row| {
                        r.raw
                            .phases_ns
                            .get(&Phase::Compile)
                            .cloned()
                            .unwrap_or_default()
                    };
                    cost.compile = unpaired_ratio(&compile(&with), &compile(&without));
                }
            }
            cost
        })
        .collect()
}

/// Whether the run measured any variant at all (the report's sandbox section is shown then).
pub fn any_measured(run: &Run) -> bool {
    run.results.iter().any(|r| r.is_sandbox_variant())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SandboxInfo, Status};

    fn measured(name: &str, warm: &[f64]) -> Row {
        let mut r = Row::unanalysed(crate::RuntimeResult::failed(name, "k", 10, String::new()));
        r.status = Status::Ok;
        r.raw.warm_ns = warm.to_vec();
        r.raw.warm_rounds = (0..warm.len()).collect();
        r.raw.warm_launches = vec![0; warm.len()];
        r.raw
            .phases_ns
            .insert(Phase::Compile, vec![10.0, 10.0, 10.0]);
        r
    }

    #[test]
    fn a_guard_costs_its_paired_ratio_and_a_missing_guard_says_why() {
        let mut run = crate::choose::tests::run(vec![]);
        let base = [100.0, 200.0, 100.0, 150.0, 120.0, 160.0, 80.0, 100.0];
        let with: Vec<f64> = base.iter().map(|x| x * 1.25).collect();
        run.results.push(measured("rt", &base));
        let mut fuel = measured("rt+fuel", &with);
        fuel.configuration = "rt".into();
        fuel.guard = Some(Guard::Fuel);
        fuel.raw
            .phases_ns
            .insert(Phase::Compile, vec![20.0, 20.0, 20.0]);
        run.results.push(fuel);
        let info = |guard: Guard, support: GuardSupport| SandboxInfo {
            runtime: "rt".into(),
            guard,
            variant: support.is_offered().then(|| guard.variant_of("rt")),
            support,
        };
        let how = |how: &str| GuardSupport::Offered { how: how.into() };
        run.environment.sandbox = vec![
            info(Guard::Fuel, how("set_fuel")),
            info(
                Guard::Deadline,
                GuardSupport::NotOffered {
                    why: "no epochs".into(),
                },
            ),
            info(Guard::MemoryLimit, how("limiter")),
        ];
        let costs = guard_costs(&run);
        assert_eq!(costs.len(), 3);
        // Every round is exactly 1.25x: the paired ratio is 1.25 with no spread.
        let warm = costs[0].warm.as_ref().unwrap();
        assert!((warm.value - 1.25).abs() < 1e-12, "{warm:?}");
        assert!((costs[0].compile.as_ref().unwrap().value - 2.0).abs() < 1e-12);
        assert_eq!(costs[1].warm, None);
        assert_eq!(costs[1].missing, None);
        assert_eq!(
            costs[2].missing.as_deref(),
            Some("not measured in this run")
        );
        assert!(any_measured(&run));
    }
}
