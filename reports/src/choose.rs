//! "Choosing a runtime": which runtime wins each plugin-host scenario in this run, by how
//! much, and after how many calls a runtime that compiles overtakes the one that starts
//! fastest. Everything is derived from the run's measurements; nothing names a runtime.

use serde::Serialize;
use stats::{break_even, BreakEven};

use crate::{Phase, PhaseResult, Row, Run};

/// How a scenario's figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Nanoseconds,
    Kibibytes,
}

/// A way a plugin host uses a runtime, each decided by one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Instantiate a compiled module and call it once, per event.
    InstancePerEvent,
    /// Compile from bytes and call once, per event.
    LoadPerEvent,
    /// Call one instance many times.
    LongLivedInstance,
    /// Keep many instances alive at once.
    ManyInstances,
    /// Memory is the constraint.
    MemoryConstrained,
}

impl Scenario {
    /// Its name in the report and the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::InstancePerEvent => "short-lived instance per event",
            Scenario::LoadPerEvent => "plugin loaded from bytes per event",
            Scenario::LongLivedInstance => "many calls on one long-lived instance",
            Scenario::ManyInstances => "many live instances (one per tenant or event)",
            Scenario::MemoryConstrained => "memory-constrained host",
        }
    }

    /// What it compares, in words.
    pub fn measure(self) -> &'static str {
        match self {
            Scenario::InstancePerEvent => {
                "instantiate + first call on the fresh instance (module compiled once, up front)"
            }
            Scenario::LoadPerEvent => "cold start: bytes to first result, no cache",
            Scenario::LongLivedInstance => "warm call (mean) of this kernel",
            Scenario::ManyInstances => "resident memory per extra live instance",
            Scenario::MemoryConstrained => "peak RSS of the runtime's worker process",
        }
    }

    fn unit(self) -> Unit {
        match self {
            Scenario::ManyInstances | Scenario::MemoryConstrained => Unit::Kibibytes,
            _ => Unit::Nanoseconds,
        }
    }
}

impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The winner of one scenario and the runner-up it is compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub scenario: Scenario,
    /// What was compared, in words.
    pub measure: &'static str,
    pub unit: Unit,
    /// (runtime, figure), best first; lower is better.
    pub ranking: Vec<(String, f64)>,
    /// Half-width of the 95% interval of each figure in `ranking` (0 where the figure is a
    /// single reading, as memory is).
    pub spread: Vec<f64>,
    /// Figures within this fraction of the best tie it: [`TIE`], or wider for times measured
    /// on an unsteady machine ([`Choice::on_machine`]).
    pub tie: f64,
}

/// Figures within this fraction of the best are a tie: no winner is named among them.
pub const TIE: f64 = 0.005;

impl Choice {
    pub fn winner(&self) -> &(String, f64) {
        &self.ranking[0]
    }

    /// The same choice judged on a machine whose times are only good to within `tie`: times
    /// within it of the best tie (memory figures do not move with the machine's load).
    pub fn on_machine(self, tie: f64) -> Self {
        match self.unit {
            Unit::Nanoseconds => Choice {
                tie: tie.max(self.tie),
                ..self
            },
            Unit::Kibibytes => self,
        }
    }

    /// The runtimes whose figure ties the best one (the winner first): within [`Choice::tie`] of it,
    /// or with a 95% interval that overlaps the best one's, so the run cannot tell them apart.
    pub fn tied(&self) -> Vec<&str> {
        let best = self.ranking[0].1;
        let best_high = best + self.spread[0];
        self.ranking
            .iter()
            .zip(&self.spread)
            .take_while(|((_, x), half)| *x <= best * (1.0 + self.tie) || x - *half <= best_high)
            .map(|((name, _), _)| name.as_str())
            .collect()
    }

    /// The best runtime that does not tie the winner, if there is one.
    pub fn runner_up(&self) -> Option<&(String, f64)> {
        self.ranking.get(self.tied().len())
    }

    /// How many times better the winner is than the runner-up, if there is one.
    pub fn margin(&self) -> Option<f64> {
        self.runner_up().map(|(_, x)| x / self.ranking[0].1)
    }
}

fn mean(r: &Row, phase: Phase) -> Option<f64> {
    measured(r, phase).map(|(m, _)| m)
}

/// A phase's mean and the half-width of its 95% interval (0 when it has none).
fn measured(r: &Row, phase: Phase) -> Option<(f64, f64)> {
    match r.phases.get(&phase)? {
        PhaseResult::Measured(s) => Some((s.mean_ns, half_width(s.ci95_ns))),
        _ => None,
    }
}

fn half_width(ci: [f64; 2]) -> f64 {
    let half = (ci[1] - ci[0]) / 2.0;
    if half.is_finite() {
        half
    } else {
        0.0
    }
}

/// Wasm runtimes with a result (native code is what they are compared to, not a choice; the
/// baseline runtime of a user's module is one).
fn candidates(run: &Run) -> impl Iterator<Item = &Row> {
    run.results.iter().filter(|r| r.is_ok() && r.is_choice())
}

fn ranked(
    run: &Run,
    scenario: Scenario,
    figure: impl Fn(&Row) -> Option<(f64, f64)>,
) -> Option<Choice> {
    let mut ranked: Vec<(String, f64, f64)> = candidates(run)
        .filter_map(|r| {
            figure(r)
                .filter(|(x, _)| *x > 0.0)
                .map(|(x, half)| (r.runtime.clone(), x, half))
        })
        .collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    (!ranked.is_empty()).then(|| Choice {
        scenario,
        measure: scenario.measure(),
        unit: scenario.unit(),
        spread: ranked.iter().map(|r| r.2).collect(),
        ranking: ranked.into_iter().map(|(name, x, _)| (name, x)).collect(),
        tie: TIE,
    })
}

/// One choice per scenario this run has the figures for.
pub fn choices(run: &Run) -> Vec<Choice> {
    let warm = |r: &Row| r.warm.as_ref().map(|w| (w.mean_ns, half_width(w.ci95_ns)));
    // Single readings: no interval.
    let reading = |x: Option<f64>| x.map(|x| (x, 0.0));
    [
        ranked(
            run,
            Scenario::InstancePerEvent,
            // Half-widths add: a conservative interval for the sum.
            |r| {
                let (a, ha) = measured(r, Phase::Instantiate)?;
                let (b, hb) = measured(r, Phase::FirstCall)?;
                Some((a + b, ha + hb))
            },
        ),
        ranked(run, Scenario::LoadPerEvent, |r| {
            measured(r, Phase::ColdStart)
        }),
        ranked(run, Scenario::LongLivedInstance, warm),
        ranked(run, Scenario::ManyInstances, |r| {
            reading(r.memory.per_instance_kib)
        }),
        ranked(run, Scenario::MemoryConstrained, |r| {
            reading(r.memory.peak_rss_kib.map(|k| k as f64))
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The plugin-host situations a reader asks about, each answered from the workload that
/// represents it (kernel, and whether its smallest or largest size), by one scenario.
pub const SITUATIONS: [Situation; 5] = [
    Situation {
        question: "a short-lived instance per event (a realistic plugin task)",
        kernel: "webhook",
        largest: false,
        scenario: Scenario::InstancePerEvent,
    },
    Situation {
        question: "a long-running compute plugin",
        kernel: "pairwise-json",
        largest: true,
        scenario: Scenario::LongLivedInstance,
    },
    Situation {
        question: "a call-heavy plugin (many small calls into the guest)",
        kernel: "echo",
        largest: false,
        scenario: Scenario::LongLivedInstance,
    },
    Situation {
        question: "a plugin that calls the host API often",
        kernel: "host-calls",
        largest: true,
        scenario: Scenario::LongLivedInstance,
    },
    Situation {
        question: "a memory-constrained host",
        kernel: "pairwise-json",
        largest: true,
        scenario: Scenario::MemoryConstrained,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    pub question: &'static str,
    pub kernel: &'static str,
    /// Answered at the kernel's largest measured size, else its smallest.
    pub largest: bool,
    pub scenario: Scenario,
}

/// Each situation whose workload this run measured, with its choice at that workload's size.
pub fn situations(views: &[Run]) -> Vec<(Situation, usize, Choice)> {
    SITUATIONS
        .iter()
        .filter_map(|s| {
            let sizes = views.iter().filter(|v| v.group().kernel == s.kernel);
            let view = if s.largest {
                sizes.max_by_key(|v| v.group().size)
            } else {
                sizes.min_by_key(|v| v.group().size)
            }?;
            let choice = choices(view)
                .into_iter()
                .find(|c| c.scenario == s.scenario)?;
            Some((*s, view.group().size, choice))
        })
        .collect()
}

/// A compiling runtime against the runtime that is ready soonest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overtake {
    pub runtime: String,
    /// compile + instantiate, ns.
    pub fixed_ns: f64,
    pub per_call_ns: f64,
    pub result: BreakEven,
}

/// Break-even of every runtime against the one with the smallest compile + instantiate
/// (typically the interpreter), using the warm mean as the per-call cost. Returns the
/// reference runtime's name and one entry per other runtime.
pub fn break_evens(run: &Run) -> Option<(String, Vec<Overtake>)> {
    let costs: Vec<(String, f64, f64)> = candidates(run)
        .filter_map(|r| {
            let fixed = mean(r, Phase::Compile)? + mean(r, Phase::Instantiate)?;
            Some((r.runtime.clone(), fixed, r.warm.as_ref()?.mean_ns))
        })
        .collect();
    let reference = costs.iter().min_by(|a, b| a.1.total_cmp(&b.1))?.clone();
    let others = costs
        .iter()
        .filter(|c| c.0 != reference.0)
        .map(|(name, fixed, per_call)| Overtake {
            runtime: name.clone(),
            fixed_ns: *fixed,
            per_call_ns: *per_call,
            result: break_even(*fixed, *per_call, reference.1, reference.2),
        })
        .collect();
    Some((reference.0, others))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::phase_stats;

    fn choice(unit: Unit) -> Choice {
        Choice {
            scenario: Scenario::LongLivedInstance,
            measure: "",
            unit,
            ranking: vec![
                ("a".into(), 100.0),
                ("b".into(), 105.0),
                ("c".into(), 130.0),
            ],
            spread: vec![0.0; 3],
            tie: TIE,
        }
    }

    #[test]
    fn an_unsteady_machine_ties_times_within_its_noise_but_not_memory() {
        assert_eq!(choice(Unit::Nanoseconds).tied(), ["a"]);
        let widened = choice(Unit::Nanoseconds).on_machine(0.10);
        assert_eq!(widened.tied(), ["a", "b"]);
        assert_eq!(widened.margin(), Some(1.3));
        assert_eq!(choice(Unit::Kibibytes).on_machine(0.10).tied(), ["a"]);
    }
    use crate::{Environment, Group, Run, Settings, Status, SCHEMA_VERSION};

    const MS: f64 = 1e6;

    /// A measured runtime: (compile, instantiate, first call, cold start, warm) in ms, RSS in KiB.
    fn runtime(name: &str, ms: [f64; 5], rss_kib: u64) -> Row {
        let mut r = Row::unanalysed(crate::RuntimeResult::failed(name, "k", 10, String::new()));
        r.status = Status::Ok;
        r.error = None;
        let names = [
            Phase::Compile,
            Phase::Instantiate,
            Phase::FirstCall,
            Phase::ColdStart,
        ];
        for (&phase, value) in names.iter().zip(ms) {
            let stats = phase_stats(&[value * MS]).unwrap();
            r.phases.insert(phase, PhaseResult::Measured(stats));
        }
        r.warm = phase_stats(&[ms[4] * MS]);
        r.memory.peak_rss_kib = Some(rss_kib);
        r
    }

    pub(crate) fn run(results: Vec<Row>) -> Run {
        let mut native = runtime("native", [0.0, 0.0, 1.0, 1.0, 1.0], 1);
        native.baseline = true;
        native.native = true;
        let mut all = vec![native];
        all.extend(results);
        Run {
            interrupted: false,
            schema: SCHEMA_VERSION,
            tool: "test".into(),
            environment: Environment::default(),
            settings: Settings {
                input_seed: 0,
                seed: 0,
                budget_s: 1.0,
                target_precision: 0.01,
                min_rounds: 1,
                max_rounds: 1,
                launches: 1,
                max_launches: 1,
                baseline_processes: 1,
                heap_layout: Default::default(),
                min_sample_ns: 1.0,
                phase_timeout_s: 1.0,
                runtimes: vec![],
                baseline: None,
                elapsed_s: 1.0,
            },
            groups: vec![Group {
                kernel: "k".into(),
                size: 10,
                rounds: 1,
                stop_reason: Default::default(),
                elapsed_s: 1.0,
                answer: None,
            }],
            results: all,
            load: Vec::new(),
            instructions: None,
        }
    }

    fn winners(run: &Run) -> Vec<(&'static str, String)> {
        choices(run)
            .into_iter()
            .map(|c| (c.scenario.name(), c.winner().0.clone()))
            .collect()
    }

    #[test]
    fn each_scenario_goes_to_the_runtime_with_the_best_figure() {
        // "jit": slow to compile, fast per call, big; "interp": ready at once, slow, small.
        let mut jit = runtime("jit", [80.0, 0.05, 5.0, 85.0, 50.0], 30_000);
        let mut interp = runtime("interp", [1.0, 0.1, 40.0, 41.0, 500.0], 8_000);
        jit.memory.per_instance_kib = Some(300.0);
        interp.memory.per_instance_kib = Some(1200.0);
        let run = run(vec![jit, interp]);
        assert_eq!(
            winners(&run),
            [
                ("short-lived instance per event", "jit".to_string()),
                ("plugin loaded from bytes per event", "interp".to_string()),
                ("many calls on one long-lived instance", "jit".to_string()),
                (
                    "many live instances (one per tenant or event)",
                    "jit".to_string()
                ),
                ("memory-constrained host", "interp".to_string()),
            ]
        );
        let long = &choices(&run)[2];
        assert!((long.margin().unwrap() - 10.0).abs() < 1e-12);
        // The baseline is never a candidate.
        assert!(choices(&run)
            .iter()
            .all(|c| c.ranking.iter().all(|(n, _)| n != "native")));

        // Break-even against the runtime ready soonest (interp: 1.1 ms): the jit costs
        // 78.95 ms more up front and saves 450 ms per call, so it is ahead at the first call.
        let (reference, overtakes) = break_evens(&run).unwrap();
        assert_eq!(reference, "interp");
        assert_eq!(overtakes.len(), 1);
        assert_eq!(overtakes[0].result, BreakEven::AfterCalls(1));
    }

    #[test]
    fn the_winner_changes_when_the_numbers_do() {
        // Same runtimes, but now the jit's calls are barely faster and its instance slower.
        let jit = runtime("jit", [80.0, 3.0, 30.0, 110.0, 39.0], 30_000);
        let interp = runtime("interp", [1.0, 0.1, 40.0, 41.0, 40.0], 40_000);
        let run = run(vec![jit, interp]);
        assert_eq!(
            winners(&run),
            [
                ("short-lived instance per event", "jit".to_string()),
                ("plugin loaded from bytes per event", "interp".to_string()),
                ("many calls on one long-lived instance", "jit".to_string()),
                ("memory-constrained host", "jit".to_string()),
            ]
        );
        // 81.9 ms more up front, 1 ms saved per call: cheaper from call 82 on.
        let (_, overtakes) = break_evens(&run).unwrap();
        assert_eq!(overtakes[0].result, BreakEven::AfterCalls(82));

        let slower = runtime("jit", [80.0, 3.0, 30.0, 110.0, 41.0], 30_000);
        let interp = runtime("interp", [1.0, 0.1, 40.0, 41.0, 40.0], 40_000);
        let run = super::tests::run(vec![slower, interp]);
        assert_eq!(winners(&run)[2].1, "interp");
        assert_eq!(break_evens(&run).unwrap().1[0].result, BreakEven::Never);
    }

    #[test]
    fn equal_figures_are_a_tie_and_the_margin_is_to_the_next_one() {
        let mut a = runtime("a", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        let mut b = runtime("b", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        let mut c = runtime("c", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        a.memory.per_instance_kib = Some(44.0);
        b.memory.per_instance_kib = Some(44.0);
        c.memory.per_instance_kib = Some(1148.0);
        let run = run(vec![c, b, a]);
        let picks = choices(&run);
        let instances = picks
            .iter()
            .find(|c| c.scenario == Scenario::ManyInstances)
            .unwrap();
        let mut tied = instances.tied();
        tied.sort();
        assert_eq!(tied, ["a", "b"]);
        assert_eq!(instances.runner_up().unwrap().0, "c");
        assert!((instances.margin().unwrap() - 1148.0 / 44.0).abs() < 1e-12);
        // Everything tied on the warm time: no runner-up, no margin.
        let warm = picks
            .iter()
            .find(|c| c.scenario == Scenario::LongLivedInstance)
            .unwrap();
        assert_eq!(warm.tied().len(), 3);
        assert!(warm.runner_up().is_none() && warm.margin().is_none());
    }

    #[test]
    fn situations_are_answered_at_the_size_that_represents_them() {
        let view = |kernel: &str, size: usize, jit_warm: f64| {
            let jit = runtime("jit", [80.0, 0.05, 5.0, 85.0, jit_warm], 30_000);
            let interp = runtime("interp", [1.0, 0.1, 40.0, 41.0, 10.0], 8_000);
            let mut v = run(vec![jit, interp]);
            v.groups[0].kernel = kernel.into();
            v.groups[0].size = size;
            v
        };
        // At the largest size of the seed kernel the jit's calls are faster; at the smallest
        // they are not. The long-running situation is read at the largest size.
        let views = vec![
            view("pairwise-json", 10, 20.0),
            view("pairwise-json", 1000, 5.0),
        ];
        let picks = situations(&views);
        let long = picks
            .iter()
            .find(|(s, _, _)| s.question.contains("long-running"))
            .unwrap();
        assert_eq!(long.1, 1000);
        assert_eq!(long.2.winner().0, "jit");
        let memory = picks
            .iter()
            .find(|(s, _, _)| s.question.contains("memory"))
            .unwrap();
        assert_eq!(memory.2.winner().0, "interp");
        // Kernels this run did not measure give no answer rather than a guess.
        assert!(picks.iter().all(|(s, _, _)| s.kernel == "pairwise-json"));
        let small = situations(&[view("pairwise-json", 10, 20.0)]);
        assert_eq!(small[0].2.winner().0, "interp");
    }

    #[test]
    fn overlapping_intervals_are_a_tie_and_separate_ones_are_not() {
        let mut a = runtime("a", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        let mut b = runtime("b", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        let mut c = runtime("c", [1.0, 1.0, 1.0, 1.0, 1.0], 100);
        // Warm means 12, 15, 31; half-widths t(2) * 2 / sqrt(3) = 4.97 for a and b, 2.48 for c:
        // b's interval [10.0, 20.0] overlaps a's [7.0, 17.0]; c's [28.5, 33.5] does not.
        a.warm = phase_stats(&[10.0, 12.0, 14.0]);
        b.warm = phase_stats(&[13.0, 15.0, 17.0]);
        c.warm = phase_stats(&[30.0, 31.0, 32.0]);
        let run = run(vec![c, b, a]);
        let warm = choices(&run)
            .into_iter()
            .find(|c| c.scenario == Scenario::LongLivedInstance)
            .unwrap();
        assert_eq!(warm.tied(), ["a", "b"]);
        assert_eq!(warm.runner_up().unwrap().0, "c");
        assert!((warm.margin().unwrap() - 31.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn failed_rows_and_missing_phases_are_left_out() {
        let mut broken = runtime("broken", [0.1, 0.01, 0.1, 0.1, 0.1], 1);
        broken.status = Status::Error;
        let mut partial = runtime("partial", [2.0, 0.1, 3.0, 4.0, 5.0], 100);
        partial.phases.remove(&Phase::ColdStart);
        let full = runtime("full", [9.0, 0.9, 9.0, 9.0, 9.0], 900);
        let run = run(vec![broken, partial, full]);
        let cs = choices(&run);
        assert!(cs
            .iter()
            .all(|c| c.ranking.iter().all(|(n, _)| n != "broken")));
        let cold = cs
            .iter()
            .find(|c| c.scenario == Scenario::LoadPerEvent)
            .unwrap();
        assert_eq!(cold.ranking.len(), 1);
        assert_eq!(cold.winner().0, "full");
        assert!(cold.margin().is_none());
    }
}
