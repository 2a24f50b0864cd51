use serde::Serialize;

use super::Exporter;
use crate::analysis::Analysis;
use crate::choose::{Choice, Overtake};
use crate::interface::{InterfaceTable, PerByte};
use crate::sandbox::GuardCost;
use crate::steadiness::Steadiness;
use crate::sweep::Sweep;
use crate::Run;

pub struct Json;

impl Exporter for Json {
    fn render_with(&self, run: &Run, analysis: &Analysis) -> String {
        let document = Document {
            run,
            derived: Derived::of(analysis),
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
    run: &'a Run,
    derived: Derived<'a>,
}

#[derive(Serialize)]
struct Derived<'a> {
    /// Whether the machine was steady enough for the figures, and why.
    steadiness: &'a Steadiness,
    /// "Choosing a runtime": each situation this run answers, at its workload's size.
    situations: Vec<Answer<'a>>,
    /// Every scenario's ranking, per measured (kernel, size).
    choices: Vec<WorkloadChoices<'a>>,
    guard_costs: &'a [GuardCost],
    sweeps: &'a [Sweep],
    /// "Plugin interface": component against core module per (kernel, size), and each
    /// interface's cost per call and per byte.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    interface: &'a [InterfaceTable],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    per_byte: &'a [PerByte],
}

#[derive(Serialize)]
struct Answer<'a> {
    question: &'static str,
    kernel: &'static str,
    size: usize,
    #[serde(flatten)]
    verdict: Verdict<'a>,
}

#[derive(Serialize)]
struct WorkloadChoices<'a> {
    kernel: &'a str,
    size: usize,
    choices: Vec<Verdict<'a>>,
    /// After how many calls each compiling runtime overtakes the one ready soonest.
    #[serde(skip_serializing_if = "Option::is_none")]
    break_even: Option<BreakEvens<'a>>,
}

#[derive(Serialize)]
struct BreakEvens<'a> {
    /// The runtime ready soonest (least compile + instantiate).
    reference: &'a str,
    others: &'a [Overtake],
}

/// A scenario's ranking with the verdict the report states: who ties the best figure, the
/// runner-up and the winner's margin over it.
#[derive(Serialize)]
struct Verdict<'a> {
    #[serde(flatten)]
    choice: &'a Choice,
    tied: Vec<&'a str>,
    runner_up: Option<&'a str>,
    margin: Option<f64>,
}

impl<'a> Verdict<'a> {
    fn of(choice: &'a Choice) -> Self {
        Verdict {
            tied: choice.tied(),
            runner_up: choice.runner_up().map(|(name, _)| name.as_str()),
            margin: choice.margin(),
            choice,
        }
    }
}

impl<'a> Derived<'a> {
    fn of(analysis: &'a Analysis) -> Self {
        Derived {
            steadiness: &analysis.steadiness,
            situations: analysis
                .situations
                .iter()
                .map(|(situation, size, choice)| Answer {
                    question: situation.question,
                    kernel: situation.kernel,
                    size: *size,
                    verdict: Verdict::of(choice),
                })
                .collect(),
            choices: analysis
                .workloads
                .iter()
                .map(|w| WorkloadChoices {
                    kernel: &w.run.group().kernel,
                    size: w.run.group().size,
                    choices: w.choices.iter().map(Verdict::of).collect(),
                    break_even: w
                        .break_even
                        .as_ref()
                        .map(|(reference, others)| BreakEvens { reference, others }),
                })
                .collect(),
            guard_costs: &analysis.guard_costs,
            sweeps: &analysis.sweeps,
            interface: &analysis.interface,
            per_byte: &analysis.per_byte,
        }
    }
}
