//! The measurement schedule: prepare every subject, warm up, then paired rounds (every
//! subject takes one warm sample per round, in a freshly shuffled order) until every
//! ratio's interval is within the target or the budget is spent, then rounds of the other
//! phases, then memory.

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reports::{phase, RuntimeResult, Status};
use stats::paired_median_ratio;

use crate::progress::Progress;
use crate::subject::{PhaseSample, Subject};

#[derive(Debug, Clone)]
pub struct Plan {
    pub budget: Duration,
    pub target_precision: f64,
    pub min_rounds: usize,
    pub max_rounds: usize,
    pub seed: u64,
    pub min_sample_ns: f64,
    /// Share of the budget kept for compile/instantiate/... rounds (0 skips them).
    pub phase_share: f64,
    pub min_phase_rounds: usize,
    pub max_phase_rounds: usize,
    /// Warm-up time per subject before any recorded sample.
    pub warmup: Duration,
}

pub struct Outcome {
    pub results: Vec<RuntimeResult>,
    pub rounds: usize,
    pub stop_reason: String,
    pub elapsed: Duration,
}

/// Output mismatches make the whole row an error, wherever they are found.
const MISMATCH: &str = "output differs from native";

struct Slot {
    subject: Box<dyn Subject>,
    result: RuntimeResult,
}

impl Slot {
    fn ok(&self) -> bool {
        self.result.status == Status::Ok
    }

    fn fail(&mut self, message: String) {
        self.result.status = Status::Error;
        if message.contains(MISMATCH) {
            self.result.verified = false;
        }
        self.result.error.get_or_insert(message);
    }
}

pub fn measure(
    subjects: Vec<Box<dyn Subject>>,
    kernel: &str,
    size: usize,
    plan: &Plan,
    progress: &Progress,
) -> Outcome {
    let start = Instant::now();
    let mut slots: Vec<Slot> = subjects
        .into_iter()
        .map(|s| prepare(s, kernel, size, plan))
        .collect();
    warm_up(&mut slots, plan);
    let (rounds, stop_reason) = warm_rounds(&mut slots, plan, start, progress);
    if plan.phase_share > 0.0 {
        phase_rounds(&mut slots, plan, start, progress);
    }
    for slot in slots.iter_mut().filter(|s| s.subject.alive()) {
        slot.result.memory.peak_rss_kib = slot.subject.peak_rss_kib();
    }
    Outcome {
        results: slots.into_iter().map(|s| s.result).collect(),
        rounds,
        stop_reason,
        elapsed: start.elapsed(),
    }
}

fn prepare(mut subject: Box<dyn Subject>, kernel: &str, size: usize, plan: &Plan) -> Slot {
    let name = subject.name().to_string();
    let mut result = RuntimeResult::failed(&name, kernel, size, String::new());
    match subject.prepare() {
        Ok(ready) => {
            result.status = Status::Ok;
            result.error = None;
            result.verified = true;
            result.baseline = ready.baseline;
            result.crate_name = ready.crate_name;
            result.crate_version = ready.crate_version;
            result.config = ready.config;
            result.guest = ready.guest;
            result.first_call_ns = Some(ready.first_call_ns);
            result.batch = (plan.min_sample_ns / ready.call_estimate_ns.max(1.0))
                .ceil()
                .max(1.0) as u64;
        }
        Err(e) => result.error = Some(e),
    }
    let mut slot = Slot { subject, result };
    if let Some(e) = slot.result.error.clone() {
        slot.fail(e);
    }
    slot
}

fn warm_up(slots: &mut [Slot], plan: &Plan) {
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        let begun = Instant::now();
        while begun.elapsed() < plan.warmup {
            if let Err(e) = slot.subject.warm(slot.result.batch) {
                slot.fail(e);
                break;
            }
        }
    }
}

/// Worst (largest) relative half-width over the ratios still being measured; 0 if none.
fn worst_precision(slots: &[Slot]) -> Option<(f64, String)> {
    let base = slots.iter().find(|s| s.result.baseline && s.ok())?;
    let mut worst = (0.0, String::new());
    for slot in slots.iter().filter(|s| s.ok() && !s.result.baseline) {
        let (mine, theirs) = reports::analysis::paired(&slot.result, &base.result);
        let precision = paired_median_ratio(&mine, &theirs)
            .map(|r| r.precision)
            .unwrap_or(f64::INFINITY);
        if !(precision <= worst.0) {
            worst = (precision, slot.result.runtime.clone());
        }
    }
    Some(worst)
}

fn warm_rounds(
    slots: &mut [Slot],
    plan: &Plan,
    start: Instant,
    progress: &Progress,
) -> (usize, String) {
    let deadline = plan.budget.mul_f64(1.0 - plan.phase_share);
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let mut round = 0;
    loop {
        let mut order: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].ok()).collect();
        if order.is_empty() {
            return (round, "no runtime left to measure".into());
        }
        order.shuffle(&mut rng);
        for i in order {
            let slot = &mut slots[i];
            match slot.subject.warm(slot.result.batch) {
                Ok(ns) => {
                    slot.result.raw.warm_ns.push(ns / slot.result.batch as f64);
                    slot.result.raw.warm_rounds.push(round);
                }
                Err(e) => slot.fail(e),
            }
        }
        round += 1;
        let Some((worst, who)) = worst_precision(slots) else {
            return (round, "the native baseline failed".into());
        };
        progress.update(
            start.elapsed(),
            format!(
                "warm round {round} · widest ratio CI ±{:.2}% ({who})",
                worst * 100.0
            ),
        );
        if round >= plan.min_rounds && worst <= plan.target_precision {
            return (round, "precision reached".into());
        }
        if start.elapsed() >= deadline {
            return (round, "budget exhausted".into());
        }
        if round >= plan.max_rounds {
            return (round, "max rounds reached".into());
        }
    }
}

fn phase_rounds(slots: &mut [Slot], plan: &Plan, start: Instant, progress: &Progress) {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x9e37_79b9);
    for round in 0..plan.max_phase_rounds {
        if round >= plan.min_phase_rounds && start.elapsed() >= plan.budget {
            break;
        }
        let mut order: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].ok()).collect();
        order.shuffle(&mut rng);
        for i in order {
            let slot = &mut slots[i];
            for &name in &phase::ALL {
                let raw = &slot.result.raw;
                if !slot.ok()
                    || raw.unsupported.iter().any(|p| p == name)
                    || raw.phase_errors.contains_key(name)
                {
                    continue;
                }
                progress.update(
                    start.elapsed(),
                    format!(
                        "phase round {} · {} {}",
                        round + 1,
                        slot.result.runtime,
                        phase::label(name)
                    ),
                );
                match slot.subject.phase(name) {
                    Ok(PhaseSample::Ns(ns)) => slot
                        .result
                        .raw
                        .phases_ns
                        .entry(name.into())
                        .or_default()
                        .push(ns),
                    Ok(PhaseSample::Unsupported) => slot.result.raw.unsupported.push(name.into()),
                    Err(e) => {
                        if !slot.subject.alive() || e.contains(MISMATCH) {
                            slot.fail(format!("{}: {e}", phase::label(name)));
                        }
                        slot.result.raw.phase_errors.insert(name.into(), e);
                    }
                }
            }
        }
    }
}
