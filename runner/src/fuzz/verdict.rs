//! Comparing the runtimes' answers on one module: the majority behaviour, who differs from
//! it, and whether the difference is one this project has explained.

use std::collections::BTreeMap;

use super::answer::{Answer, Behaviour};
use super::plan::Plan;
use runtimes::Symptom;

/// What a runtime's refusal to compile a module says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejections {
    /// The modules use only proposals every runtime has: a refusal is a behaviour like any
    /// other, compared with the majority's.
    Compared,
    /// Every proposal is on, and a runtime may lack some by design: wasmparser (every
    /// proposal on) says whether the module is valid. A valid module refused (at compile, or
    /// late by a runtime that validates a function on its first call) is the runtime's missing
    /// proposal, counted and not compared; an invalid module run is a difference. A module
    /// with relaxed SIMD instructions (`deterministic` false) is not compared at all: their
    /// results are each engine's choice by the proposal's design.
    Capability { valid: bool, deterministic: bool },
}

/// The runtimes (by position) whose behaviour differs from the majority's. Time-outs and
/// crashes are not behaviours and are counted apart. With no strict majority every
/// runtime that has a behaviour is listed against the most common one.
pub fn dissenters(answers: &[Answer], rejections: Rejections) -> Vec<usize> {
    if let Rejections::Capability {
        deterministic: false,
        ..
    } = rejections
    {
        return Vec::new();
    }
    let refused = |a: &Answer| matches!(a, Answer::Rejected { .. }) || a.refused_late();
    let compared = |a: &Answer| match rejections {
        Rejections::Capability { valid: true, .. } => !refused(a),
        Rejections::Compared | Rejections::Capability { valid: false, .. } => true,
    };
    let majority = match rejections {
        Rejections::Capability { valid: false, .. } => Some(Behaviour::Rejected),
        _ => majority(answers.iter().filter(|a| compared(a))),
    };
    let Some(majority) = majority else {
        return Vec::new();
    };
    answers
        .iter()
        .enumerate()
        .filter(|(_, a)| compared(a) && a.behaviour().is_some_and(|b| b != majority))
        .map(|(i, _)| i)
        .collect()
}

/// The most common behaviour (of equals, the last in behaviour order).
fn majority<'a>(answers: impl Iterator<Item = &'a Answer>) -> Option<Behaviour> {
    let mut counts: BTreeMap<Behaviour, usize> = BTreeMap::new();
    for b in answers.filter_map(Answer::behaviour) {
        *counts.entry(b).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(behaviour, _)| behaviour)
}

/// Does `answer` show `symptom` (on a module with this plan, where the others' majority
/// rejected it or not)?
fn shows(symptom: &Symptom, answer: &Answer, plan: &Plan, others_rejected: bool) -> bool {
    match symptom {
        Symptom::RejectsWith(text) => {
            matches!(answer, Answer::Rejected { message } if message.contains(text.as_ref()))
        }
        Symptom::CrashesWith(text) => {
            matches!(answer, Answer::Crashed { how } if how.contains(text.as_ref()))
        }
        Symptom::DiffersWithReferenceLocals => {
            matches!(answer, Answer::Ran { .. }) && plan.reference_locals
        }
        Symptom::AcceptsInvalid => {
            others_rejected && !matches!(answer, Answer::Rejected { .. } | Answer::Crashed { .. })
        }
        Symptom::NotInstantiatedWith(text) => {
            matches!(answer, Answer::NotInstantiated { message } if message.contains(text.as_ref()))
        }
    }
}

/// Why the dissenters differ or crashed, when every one of them is a known difference;
/// `None` when any is not (that is a finding to look into: a runtime's bug or plugbench's).
pub fn explain(
    names: &[String],
    answers: &[Answer],
    dissenters: &[usize],
    plan: &Plan,
    rejections: Rejections,
) -> Option<String> {
    let crashed: Vec<usize> = (0..answers.len())
        .filter(|&i| matches!(answers[i], Answer::Crashed { .. }))
        .collect();
    if dissenters.is_empty() && crashed.is_empty() {
        return None;
    }
    let known = crate::catalog::catalog().known_differences();
    let others_rejected = match rejections {
        Rejections::Compared => majority(answers.iter()) == Some(Behaviour::Rejected),
        Rejections::Capability { valid, .. } => !valid,
    };
    let mut reasons: Vec<&str> = Vec::new();
    for i in dissenters.iter().copied().chain(crashed) {
        let (_, known) = known.iter().find(|(runtime, k)| {
            *runtime == names[i] && shows(&k.symptom, &answers[i], plan, others_rejected)
        })?;
        if !reasons.contains(&known.why.as_ref()) {
            reasons.push(&known.why);
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::answer::{CallResult, State};
    use runtimes::Value;

    fn ran(v: i32) -> Answer {
        Answer::Ran {
            calls: vec![CallResult::Returned(vec![Value::I32(v)])],
            state: State::default(),
        }
    }

    #[test]
    fn the_one_that_differs_is_named_and_messages_do_not_count() {
        let answers = [
            ran(1),
            ran(1),
            Answer::Rejected {
                message: "a".into(),
            },
            ran(2),
            Answer::TimedOut { seconds: 1.0 },
        ];
        assert_eq!(dissenters(&answers, Rejections::Compared), [2, 3]);
        let rejections = [
            Answer::Rejected {
                message: "a".into(),
            },
            Answer::Rejected {
                message: "b".into(),
            },
        ];
        assert!(dissenters(&rejections, Rejections::Compared).is_empty());
    }

    #[test]
    fn a_trap_differs_from_a_result() {
        let trapped = Answer::Ran {
            calls: vec![CallResult::Trapped("unreachable".into())],
            state: State::default(),
        };
        assert_eq!(
            dissenters(&[ran(0), ran(0), trapped], Rejections::Compared),
            [2]
        );
    }

    #[test]
    fn with_every_proposal_a_refusal_of_a_valid_module_is_not_a_difference() {
        let refused = || Answer::Rejected {
            message: "gc support is not enabled".into(),
        };
        let answers = [refused(), refused(), refused(), ran(1), ran(2), ran(1)];
        let valid = Rejections::Capability {
            valid: true,
            deterministic: true,
        };
        assert_eq!(dissenters(&answers, valid), [4]);
        // A runtime that validates each function on its first call refuses late: the same.
        let late = Answer::Ran {
            calls: vec![CallResult::Trapped(
                "threads support is not enabled (at offset 0x5a)".into(),
            )],
            state: State::default(),
        };
        assert!(dissenters(&[refused(), late, ran(1)], valid).is_empty());
        // An invalid module must be refused by all: whoever ran it differs.
        let invalid = Rejections::Capability {
            valid: false,
            deterministic: true,
        };
        assert_eq!(dissenters(&answers, invalid), [3, 4, 5]);
        // Relaxed SIMD results are each engine's choice: nothing to compare.
        let relaxed = Rejections::Capability {
            valid: true,
            deterministic: false,
        };
        assert!(dissenters(&answers, relaxed).is_empty());
    }
}
