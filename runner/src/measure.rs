//! The measurement schedule: prepare every subject, warm up, then paired rounds (every
//! subject takes one warm sample per round, in a freshly shuffled order) until every
//! ratio's interval is within the target or the budget is spent, then rounds of the other
//! phases, then memory.
//!
//! The warm rounds are split over several launches: at each launch every subject is started
//! afresh (a new worker process, hence new addresses for code, heap and stack) and warmed up
//! again. A process's layout can shift its speed by a few percent for its whole life, which
//! no number of rounds inside it averages out; launches make that visible in the interval.

use std::time::{Duration, Instant};

use plugbench_data::Phase;
use plugbench_data::{RuntimeResult, Status};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::interrupt;
use crate::progress::Progress;
use crate::protocol::OutputSummary;
use crate::subject::{PhaseSample, Subject};

#[derive(Debug, Clone)]
pub struct Plan {
    pub budget: Duration,
    pub target_precision: f64,
    pub min_rounds: usize,
    pub max_rounds: usize,
    /// Worker launches over the warm rounds (1 keeps one process per subject throughout).
    pub launches: usize,
    pub seed: u64,
    pub min_sample_ns: f64,
    /// Share of the budget kept for compile/instantiate/... rounds (0 skips them).
    pub phase_share: f64,
    pub min_phase_rounds: usize,
    pub max_phase_rounds: usize,
    /// Warm-up time per subject before any recorded sample.
    pub warmup: Duration,
    /// The runtime every ratio is relative to when there is no native build (a user's
    /// module); `None` takes the fastest.
    pub baseline: Option<String>,
}

pub struct Outcome {
    pub results: Vec<RuntimeResult>,
    pub rounds: usize,
    pub stop_reason: String,
    pub elapsed: Duration,
}

/// Stop reason of a measurement cut short by SIGINT or SIGTERM.
pub const INTERRUPTED: &str = "interrupted";

/// Output mismatches make the whole row an error, wherever they are found.
const MISMATCH: &str = "output differs from";

struct Slot {
    subject: Box<dyn Subject>,
    result: RuntimeResult,
    /// A user's module: the first launch's output, which every launch must give again.
    output: Option<OutputSummary>,
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
    agree_on_output(&mut slots, plan.baseline.as_deref());
    let (rounds, stop_reason) = warm_rounds(&mut slots, plan, start, progress);
    if plan.phase_share > 0.0 && !interrupt::requested() {
        phase_rounds(&mut slots, plan, start, progress);
    }
    let alive = |s: &&mut Slot| s.subject.alive() && !interrupt::requested();
    for slot in slots.iter_mut().filter(alive) {
        if let Some(memory) = slot.subject.memory() {
            slot.result.memory = memory;
        }
    }
    Outcome {
        results: slots.into_iter().map(|s| s.result).collect(),
        rounds,
        stop_reason,
        elapsed: start.elapsed(),
    }
}

/// Starts every live subject afresh for the next launch and warms it up again.
fn relaunch(slots: &mut [Slot], plan: &Plan) {
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        match slot.subject.relaunch().and_then(|_| slot.subject.prepare()) {
            Ok(ready) => {
                slot.result.raw.worker_pids.push(ready.pid);
                let again = match (&ready.output, &slot.output) {
                    (Some(now), Some(before)) => now.matches(before),
                    _ => Ok(()),
                };
                if let Err(e) = again {
                    slot.fail(format!("{MISMATCH} its first launch's: {e}"));
                }
            }
            Err(e) => slot.fail(format!("relaunch: {e}")),
        }
    }
    warm_up(slots, plan);
}

fn prepare(mut subject: Box<dyn Subject>, kernel: &str, size: usize, plan: &Plan) -> Slot {
    let name = subject.name().to_string();
    let mut result = RuntimeResult::failed(&name, kernel, size, String::new());
    let mut ready_output = None;
    match subject.prepare() {
        Ok(ready) => {
            ready_output = ready.output.clone();
            result.status = Status::Ok;
            result.error = None;
            result.verified = true;
            result.native = ready.native;
            result.baseline = ready.baseline || plan.baseline.as_deref() == Some(name.as_str());
            result.crate_name = ready.crate_name;
            result.crate_version = ready.crate_version;
            result.config = ready.config;
            result.guest = ready.guest;
            result.first_call_ns = Some(ready.first_call_ns);
            result.raw.worker_pids.push(ready.pid);
            result.batch = (plan.min_sample_ns / ready.call_estimate_ns.max(1.0))
                .ceil()
                .max(1.0) as u64;
        }
        Err(e) => result.error = Some(e),
    }
    let mut slot = Slot {
        subject,
        result,
        output: ready_output,
    };
    if let Some(e) = slot.result.error.clone() {
        slot.fail(e);
    }
    slot
}

/// A user's module: every runtime's output must equal the reference's: the named baseline's,
/// else the one most runtimes gave (the earliest runtime's among equals). A runtime that
/// differs is an error row naming the first difference.
fn agree_on_output(slots: &mut [Slot], baseline: Option<&str>) {
    let answered = |s: &&Slot| s.ok() && s.output.is_some();
    let named = slots
        .iter()
        .filter(answered)
        .find(|s| Some(s.result.runtime.as_str()) == baseline);
    let majority = || {
        slots.iter().filter(answered).max_by_key(|s| {
            let same = slots
                .iter()
                .filter(|o| o.ok() && o.output == s.output)
                .count();
            // Among equal counts, max_by_key keeps the last: rank earlier runtimes higher.
            let position = slots.iter().position(|o| std::ptr::eq(o, *s)).unwrap_or(0);
            (same, usize::MAX - position)
        })
    };
    let Some(reference) = named.or_else(majority) else {
        return;
    };
    let (who, expected) = (
        reference.result.runtime.clone(),
        reference.output.clone().expect("answered"),
    );
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        if let Some(Err(e)) = slot.output.as_ref().map(|o| o.matches(&expected)) {
            slot.fail(format!("{MISMATCH} {who}'s ({}): {e}", expected.preview()));
        }
    }
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

/// The slot every ratio is relative to: the baseline, or, where none was named (a user's
/// module), the fastest so far by median warm time.
fn base_slot(slots: &[Slot]) -> Option<&Slot> {
    if let Some(base) = slots.iter().find(|s| s.result.baseline) {
        return base.ok().then_some(base);
    }
    slots
        .iter()
        .filter(|s| s.ok() && !s.result.raw.warm_ns.is_empty())
        .min_by(|a, b| median_warm(&a.result).total_cmp(&median_warm(&b.result)))
}

/// Median warm time per call, NaN without samples.
pub fn median_warm(result: &RuntimeResult) -> f64 {
    if result.raw.warm_ns.is_empty() {
        return f64::NAN;
    }
    let mut sorted = result.raw.warm_ns.clone();
    sorted.sort_by(f64::total_cmp);
    stats::percentile(&sorted, 50.0)
}

/// Worst (largest) relative half-width of the headline ratios; `None` without a baseline.
fn worst_precision(slots: &[Slot]) -> Option<(f64, String)> {
    let base = base_slot(slots)?;
    let mut worst = (0.0, String::new());
    for slot in slots.iter().filter(|s| s.ok() && !std::ptr::eq(*s, base)) {
        let pairs = plugbench_data::paired(&slot.result, &base.result);
        let precision = plugbench_data::headline_ratio(&pairs)
            .map(|r| r.precision)
            .unwrap_or(f64::INFINITY);
        // A NaN precision (no ratio yet) counts as the widest.
        if precision.is_nan() || precision > worst.0 {
            worst = (precision, slot.result.runtime.clone());
        }
    }
    Some(worst)
}

/// Rounds of one warm sample per live subject, launch after launch. Each launch has an
/// equal share of the warm budget and of `max_rounds` (its restart and warm-up included) and
/// at least `MIN_ROUNDS_PER_LAUNCH` rounds; the precision target is checked after each round once
/// every launch has run, or after each round of the only launch.
fn warm_rounds(
    slots: &mut [Slot],
    plan: &Plan,
    start: Instant,
    progress: &Progress,
) -> (usize, String) {
    let warm_budget = plan.budget.mul_f64(1.0 - plan.phase_share);
    let launches = plan.launches.max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let rounds_per_launch = plan.max_rounds.div_ceil(launches);
    let mut round = 0;
    for launch in 0..launches {
        if launch == 0 {
            warm_up(slots, plan);
        } else {
            progress.update(
                start.elapsed(),
                format!("launch {}/{launches}: restarting workers", launch + 1),
            );
            relaunch(slots, plan);
        }
        let launch_end = warm_budget.mul_f64((launch + 1) as f64 / launches as f64);
        let mut rounds_in_launch = 0;
        loop {
            if interrupt::requested() {
                return (round, INTERRUPTED.into());
            }
            let mut order: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].ok()).collect();
            if order.is_empty() {
                return (round, "no runtime left to measure".into());
            }
            order.shuffle(&mut rng);
            for i in order {
                let slot = &mut slots[i];
                match slot.subject.warm(slot.result.batch) {
                    Ok(ns) => {
                        let raw = &mut slot.result.raw;
                        raw.warm_ns.push(ns / slot.result.batch as f64);
                        raw.warm_rounds.push(round);
                        raw.warm_launches.push(launch);
                    }
                    Err(e) => slot.fail(e),
                }
            }
            round += 1;
            rounds_in_launch += 1;
            let Some((worst, who)) = worst_precision(slots) else {
                return (round, "the baseline failed".into());
            };
            progress.update(
                start.elapsed(),
                format!(
                    "launch {}/{launches} · warm round {round} · widest ratio CI ±{:.2}% ({who})",
                    launch + 1,
                    worst * 100.0
                ),
            );
            let last_launch = launch + 1 == launches;
            if last_launch && round >= plan.min_rounds && worst <= plan.target_precision {
                return (round, "precision reached".into());
            }
            if round >= plan.max_rounds {
                return (round, "max rounds reached".into());
            }
            if rounds_in_launch >= rounds_per_launch
                || (rounds_in_launch >= MIN_ROUNDS_PER_LAUNCH && start.elapsed() >= launch_end)
            {
                break;
            }
        }
    }
    (round, "budget exhausted".into())
}

/// Fewest rounds a launch contributes, so its median means something.
const MIN_ROUNDS_PER_LAUNCH: usize = 3;

fn phase_rounds(slots: &mut [Slot], plan: &Plan, start: Instant, progress: &Progress) {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x9e37_79b9);
    for round in 0..plan.max_phase_rounds {
        if interrupt::requested()
            || (round >= plan.min_phase_rounds && start.elapsed() >= plan.budget)
        {
            break;
        }
        let mut order: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].ok()).collect();
        order.shuffle(&mut rng);
        for i in order {
            let slot = &mut slots[i];
            for &phase in Phase::ALL {
                let name = phase.as_str();
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
                        phase.label()
                    ),
                );
                match slot.subject.phase(phase) {
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
                            slot.fail(format!("{}: {e}", phase.label()));
                        }
                        slot.result.raw.phase_errors.insert(name.into(), e);
                    }
                }
            }
        }
    }
}
