use serde::Serialize;

use super::Exporter;
use crate::choose::{break_evens, choices, situations, Choice, Overtake};
use crate::model::RunFile;
use crate::sandbox::{guard_costs, GuardCost};
use crate::sweep::{sweeps, Sweep};

pub struct Json;

impl Exporter for Json {
    fn render(&self, run: &RunFile) -> String {
        let document = Document {
            run,
            derived: Derived::of(run),
        };
        let mut text = serde_json::to_string_pretty(&document).expect("the model serializes");
        text.push('\n');
        text
    }
}

/// The results file: the run (every raw sample and each row's figures) and what the reports
/// derive from it, so a reader of the JSON finds the report's answers without plugbench's
/// code. Reading a file back ignores `derived` and derives it again from the run.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    run: &'a RunFile,
    derived: Derived,
}

#[derive(Serialize)]
struct Derived {
    /// "Choosing a runtime": each situation this run answers, at its workload's size.
    situations: Vec<Answer>,
    /// Every scenario's ranking, per measured (kernel, size).
    choices: Vec<WorkloadChoices>,
    guard_costs: Vec<GuardCost>,
    sweeps: Vec<Sweep>,
}

#[derive(Serialize)]
struct Answer {
    question: &'static str,
    kernel: &'static str,
    size: usize,
    #[serde(flatten)]
    verdict: Verdict,
}

#[derive(Serialize)]
struct WorkloadChoices {
    kernel: String,
    size: usize,
    choices: Vec<Verdict>,
    /// After how many calls each compiling runtime overtakes the one ready soonest.
    #[serde(skip_serializing_if = "Option::is_none")]
    break_even: Option<BreakEvens>,
}

#[derive(Serialize)]
struct BreakEvens {
    /// The runtime ready soonest (least compile + instantiate).
    reference: String,
    others: Vec<Overtake>,
}

/// A scenario's ranking with the verdict the report states: who ties the best figure, the
/// runner-up and the winner's margin over it.
#[derive(Serialize)]
struct Verdict {
    #[serde(flatten)]
    choice: Choice,
    tied: Vec<String>,
    runner_up: Option<String>,
    margin: Option<f64>,
}

impl Verdict {
    fn of(choice: Choice) -> Self {
        Verdict {
            tied: choice.tied().into_iter().map(String::from).collect(),
            runner_up: choice.runner_up().map(|(name, _)| name.clone()),
            margin: choice.margin(),
            choice,
        }
    }
}

impl Derived {
    fn of(run: &RunFile) -> Self {
        let views = run.views();
        Derived {
            situations: situations(&views)
                .into_iter()
                .map(|(situation, size, choice)| Answer {
                    question: situation.question,
                    kernel: situation.kernel,
                    size,
                    verdict: Verdict::of(choice),
                })
                .collect(),
            choices: views
                .iter()
                .map(|view| WorkloadChoices {
                    kernel: view.settings.kernel.clone(),
                    size: view.settings.size,
                    choices: choices(view).into_iter().map(Verdict::of).collect(),
                    break_even: break_evens(view)
                        .map(|(reference, others)| BreakEvens { reference, others }),
                })
                .collect(),
            guard_costs: guard_costs(run),
            sweeps: sweeps(run),
        }
    }
}
