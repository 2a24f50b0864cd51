//! Comparing the runtimes' answers on one module: the majority behaviour, who differs from
//! it, and whether the difference is one this project has explained.

use std::collections::BTreeMap;

use super::answer::{Answer, Behaviour};
use super::plan::Plan;
use runtimes::Symptom;

/// The runtimes (by position) whose behaviour differs from the majority's. Time-outs and
/// crashes are not behaviours and are counted apart. With no strict majority every
/// runtime that has a behaviour is listed against the most common one.
pub fn dissenters(answers: &[Answer]) -> Vec<usize> {
    let Some(majority) = majority(answers) else {
        return Vec::new();
    };
    answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.behaviour().is_some_and(|b| b != majority))
        .map(|(i, _)| i)
        .collect()
}

/// The most common behaviour (of equals, the last in behaviour order).
fn majority(answers: &[Answer]) -> Option<Behaviour> {
    let mut counts: BTreeMap<Behaviour, usize> = BTreeMap::new();
    for b in answers.iter().filter_map(Answer::behaviour) {
        *counts.entry(b).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(behaviour, _)| behaviour)
}

/// Does `answer` show `symptom` (on a module with this plan, where the others' majority
/// rejected it or not)?
fn shows(symptom: Symptom, answer: &Answer, plan: &Plan, others_rejected: bool) -> bool {
    match symptom {
        Symptom::RejectsWith(text) => {
            matches!(answer, Answer::Rejected { message } if message.contains(text))
        }
        Symptom::CrashesWith(text) => {
            matches!(answer, Answer::Crashed { how } if how.contains(text))
        }
        Symptom::DiffersWithReferenceLocals => {
            matches!(answer, Answer::Ran { .. }) && plan.reference_locals
        }
        Symptom::AcceptsInvalid => {
            others_rejected && !matches!(answer, Answer::Rejected { .. } | Answer::Crashed { .. })
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
) -> Option<String> {
    let crashed: Vec<usize> = (0..answers.len())
        .filter(|&i| matches!(answers[i], Answer::Crashed { .. }))
        .collect();
    if dissenters.is_empty() && crashed.is_empty() {
        return None;
    }
    let known = runtimes::known_differences();
    let others_rejected = majority(answers) == Some(Behaviour::Rejected);
    let mut reasons: Vec<&str> = Vec::new();
    for i in dissenters.iter().copied().chain(crashed) {
        let (_, known) = known.iter().find(|(runtime, k)| {
            *runtime == names[i] && shows(k.symptom, &answers[i], plan, others_rejected)
        })?;
        if !reasons.contains(&known.why) {
            reasons.push(known.why);
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
        assert_eq!(dissenters(&answers), [2, 3]);
        let rejections = [
            Answer::Rejected {
                message: "a".into(),
            },
            Answer::Rejected {
                message: "b".into(),
            },
        ];
        assert!(dissenters(&rejections).is_empty());
    }

    #[test]
    fn a_trap_differs_from_a_result() {
        let trapped = Answer::Ran {
            calls: vec![CallResult::Trapped("unreachable".into())],
            state: State::default(),
        };
        assert_eq!(dissenters(&[ran(0), ran(0), trapped]), [2]);
    }
}
