//! The measurement schedule: prepare every subject, warm up, then paired rounds (every
//! subject takes one warm sample per round, in a freshly shuffled order) until every
//! ratio's interval is within the target or the budget is spent, then rounds of the other
//! phases, then memory.
//!
//! The warm rounds are split over several launches: at each launch every subject is started
//! afresh (a new worker process, hence new addresses for code, heap and stack) and warmed up
//! again. A process's layout can shift its speed by a few percent for its whole life, which
//! no number of rounds inside it averages out; launches make that visible in the interval.
//! Where the first launches leave a ratio wider than the target, that runtime and the
//! baseline get further launches while the budget lasts (docs/method.md, "Worker launches").

use std::time::{Duration, Instant};

use plugbench_data::{Answer, Phase};
use plugbench_data::{RuntimeResult, Status, StopReason};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::failure::Failure;
use crate::interrupt;
use crate::progress::Progress;
use crate::protocol::OutputSummary;
use crate::subject::{PhaseSample, Readiness, Subject};

#[derive(Debug, Clone)]
pub struct Plan {
    pub budget: Duration,
    pub target_precision: f64,
    pub min_rounds: usize,
    pub max_rounds: usize,
    /// Worker launches over the warm rounds for every subject (1 keeps one process per
    /// subject throughout).
    pub launches: usize,
    /// Launches at most: with 2 or more `launches`, subjects whose ratio is still wider than
    /// the target, and the baseline, get further launches while the budget lasts.
    pub max_launches: usize,
    /// Worker processes of the baseline in each launch: each round samples every one, and a
    /// ratio pairs a round with the median of the baseline's samples in it.
    pub baseline_processes: usize,
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
    /// A user's module: the output the runtimes agreed on.
    pub answer: Option<Answer>,
    pub rounds: usize,
    pub stop_reason: StopReason,
    pub elapsed: Duration,
}

struct Slot {
    subject: Box<dyn Subject>,
    /// The baseline's further processes (see [`start_replicas`]).
    replicas: Vec<Box<dyn Subject>>,
    result: RuntimeResult,
    /// A user's module: the first launch's output, which every launch must give again.
    output: Option<OutputSummary>,
    /// The calls of the latest launch's preparation (the first call and the one that
    /// estimated a call's time), which count towards its warm-up.
    prepare_calls: Duration,
    /// Expected time of one warm sample (a batch of calls).
    sample_ns: f64,
    /// The first launch's call that sized the batches, which a relaunch does not repeat.
    estimate_call: Duration,
}

impl Slot {
    fn ok(&self) -> bool {
        self.result.status == Status::Ok
    }

    /// Fewest samples this subject takes in each launch: enough for a median that a stall
    /// cannot move, where a stall is a sizeable part of a sample.
    fn launch_floor(&self) -> usize {
        if self.sample_ns >= LONG_SAMPLE_NS {
            1
        } else {
            MIN_ROUNDS_PER_LAUNCH
        }
    }

    /// What a launch costs this subject at least: its preparation's calls and its floor of
    /// samples.
    fn launch_cost(&self) -> Duration {
        let floor = self.sample_ns * self.launch_floor() as f64;
        self.prepare_calls + Duration::from_nanos(floor as u64)
    }

    fn ready(&mut self, ready: &Readiness) {
        self.prepare_calls =
            Duration::from_nanos((ready.first_call_ns + ready.call_estimate_ns) as u64);
        self.record_worker(ready);
    }

    fn record_worker(&mut self, ready: &Readiness) {
        self.result.raw.worker_pids.push(ready.pid);
        self.result.raw.heap_offsets.push(ready.heap_offset);
    }

    /// Process `process` is started and prepared again: it must give the first launch's output.
    fn ready_again(&mut self, process: usize, ready: &Readiness) {
        if process == 0 {
            self.ready(ready);
        } else {
            self.record_worker(ready);
        }
        let again = match (&ready.output, &self.output) {
            (Some(now), Some(before)) => now.matches(before),
            _ => Ok(()),
        };
        if let Err(e) = again {
            self.fail(Failure::mismatch(format!("its first launch's: {e}")));
        }
    }

    fn processes(&self) -> usize {
        1 + self.replicas.len()
    }

    /// The subject's `process`-th process; the first is the one phases and memory come from.
    fn process(&mut self, process: usize) -> &mut dyn Subject {
        match process {
            0 => self.subject.as_mut(),
            p => self.replicas[p - 1].as_mut(),
        }
    }

    /// The row becomes an error (its first failure is the one it shows); a wrong output,
    /// wherever it is found, also makes it not verified.
    fn fail(&mut self, failure: Failure) {
        self.result.status = Status::Error;
        if failure.is_mismatch() {
            self.result.verified = false;
        }
        self.result.error.get_or_insert(failure.message);
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
    let answer = agree_on_output(&mut slots, plan.baseline.as_deref());
    start_replicas(&mut slots, plan);
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
        answer,
        rounds,
        stop_reason,
        elapsed: start.elapsed(),
    }
}

/// Starts the taking-part subjects afresh for the next launch and warms them up again.
fn relaunch(slots: &mut [Slot], taking_part: &[usize], plan: &Plan) {
    for &i in taking_part {
        let slot = &mut slots[i];
        for p in 0..slot.processes() {
            if !slot.ok() {
                break;
            }
            let process = slot.process(p);
            match process.relaunch().and_then(|_| process.prepare_again()) {
                Ok(ready) => slot.ready_again(p, &ready),
                Err(e) => slot.fail(e.during("relaunch")),
            }
        }
    }
    warm_up(slots, taking_part, plan);
}

/// The baseline's further processes, started and prepared beside its first. The baseline's
/// time is in every ratio, so one of its processes that runs slow for its whole life would move
/// every ratio of its launch; with three, each round's median outvotes it (docs/method.md,
/// "Worker launches"). A runtime's own processes stay one per launch: their differences belong
/// in its interval.
fn start_replicas(slots: &mut [Slot], plan: &Plan) {
    let Some(slot) = slots.iter_mut().find(|s| s.ok() && s.result.baseline) else {
        return;
    };
    while slot.ok() && slot.processes() < plan.baseline_processes {
        let Some(spawned) = slot.subject.replica() else {
            return;
        };
        match spawned.and_then(|mut r| r.prepare_again().map(|ready| (r, ready))) {
            Ok((replica, ready)) => {
                slot.replicas.push(replica);
                slot.ready_again(slot.replicas.len(), &ready);
            }
            Err(e) => slot.fail(e.during("start of a further process")),
        }
    }
}

/// `row` with what the catalog says of its runtime: the worker that runs it, and the
/// configuration, guard and guest build it is made from.
pub(crate) fn described(row: RuntimeResult) -> RuntimeResult {
    let catalog = crate::catalog::catalog();
    let Some(entry) = catalog.entry(&row.runtime) else {
        return row;
    };
    RuntimeResult {
        worker: catalog
            .worker_binary(&row.runtime)
            .unwrap_or_default()
            .into(),
        configuration: entry.configuration.clone(),
        guard: entry.guard,
        guest_build: entry.build,
        ..row
    }
}

fn prepare(mut subject: Box<dyn Subject>, kernel: &str, size: usize, plan: &Plan) -> Slot {
    let name = subject.name().to_string();
    let prepared = subject.prepare();
    let mut slot = Slot {
        subject,
        replicas: Vec::new(),
        result: described(RuntimeResult::failed(&name, kernel, size, String::new())),
        output: None,
        prepare_calls: Duration::ZERO,
        sample_ns: 0.0,
        estimate_call: Duration::ZERO,
    };
    let ready = match prepared {
        Ok(ready) => ready,
        Err(e) => {
            slot.result.error = None;
            slot.fail(e);
            return slot;
        }
    };
    slot.ready(&ready);
    slot.estimate_call = Duration::from_nanos(ready.call_estimate_ns as u64);
    let batch = (plan.min_sample_ns / ready.call_estimate_ns.max(1.0))
        .ceil()
        .max(1.0) as u64;
    slot.sample_ns = ready.call_estimate_ns * batch as f64;
    let result = &mut slot.result;
    result.status = Status::Ok;
    result.error = None;
    result.verified = true;
    result.native = ready.native;
    result.baseline = ready.baseline || plan.baseline.as_deref() == Some(name.as_str());
    result.first_call_ns = Some(ready.first_call_ns);
    result.batch = batch;
    result.crate_name = ready.crate_name;
    result.crate_version = ready.crate_version;
    result.config = ready.config;
    result.guest = ready.guest;
    slot.output = ready.output;
    slot
}

/// A user's module: every runtime's output must equal the reference's: the named baseline's,
/// else the one most runtimes gave (the earliest runtime's among equals). A runtime that
/// differs is an error row naming the first difference. The reference's output is the answer.
fn agree_on_output(slots: &mut [Slot], baseline: Option<&str>) -> Option<Answer> {
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
    let reference = named.or_else(majority)?;
    let (who, expected) = (
        reference.result.runtime.clone(),
        reference.output.clone().expect("answered"),
    );
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        if let Some(Err(e)) = slot.output.as_ref().map(|o| o.matches(&expected)) {
            slot.fail(Failure::mismatch(format!(
                "{who}'s ({}): {e}",
                expected.preview()
            )));
        }
    }
    expected.answer.map(|answer| *answer)
}

fn warm_up(slots: &mut [Slot], taking_part: &[usize], plan: &Plan) {
    for &i in taking_part {
        let slot = &mut slots[i];
        let batch = slot.result.batch;
        for p in 0..slot.processes() {
            // The preparation's calls (the first call, and on a first launch the call that
            // sized the batch) were warm-up already.
            let begun = Instant::now();
            while slot.ok() && begun.elapsed() + slot.prepare_calls < plan.warmup {
                if let Err(e) = slot.process(p).warm(batch) {
                    slot.fail(e);
                }
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

/// Each live non-baseline subject's relative half-width of its headline ratio (infinite while
/// it has none), and the baseline's index; `None` without a baseline.
fn precisions(slots: &[Slot]) -> Option<(usize, Vec<(usize, f64)>)> {
    let base = base_slot(slots)?;
    let base_index = slots.iter().position(|s| std::ptr::eq(s, base))?;
    let widths = (0..slots.len())
        .filter(|&i| slots[i].ok() && i != base_index)
        .map(|i| {
            let pairs = plugbench_data::paired(&slots[i].result, &base.result);
            let precision = plugbench_data::headline_ratio(&pairs)
                .map(|r| r.precision)
                .filter(|p| !p.is_nan())
                .unwrap_or(f64::INFINITY);
            (i, precision)
        })
        .collect();
    Some((base_index, widths))
}

/// Worst (largest) relative half-width of the headline ratios and whose it is; `None`
/// without a baseline.
fn worst_precision(slots: &[Slot]) -> Option<(f64, String)> {
    let (_, widths) = precisions(slots)?;
    let worst = widths.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
    Some(worst.map_or((0.0, String::new()), |(i, p)| {
        (p, slots[i].result.runtime.clone())
    }))
}

/// The subjects a further launch takes, given the time it has: of those whose ratio is still
/// wider than the target, cheapest first, each whose launch cost fits its share of that time
/// (a restart buys an interpreter at a second per call nothing within a few seconds), and the
/// baseline they are paired with. Nothing when no ratio is wider or none fits.
fn further_launch(slots: &[Slot], target: f64, time: Duration) -> Vec<usize> {
    let Some((base, widths)) = precisions(slots) else {
        return Vec::new();
    };
    let mut wide: Vec<(usize, Duration)> = widths
        .into_iter()
        .filter(|&(_, p)| p > target)
        .map(|(i, _)| (i, slots[i].launch_cost()))
        .collect();
    wide.sort_by_key(|&(_, cost)| cost);
    let mut chosen = Vec::new();
    for (i, cost) in wide {
        // Its share: the launch's time over the subjects so far, itself and the baseline.
        if cost * (chosen.len() as u32 + 2) > time {
            break;
        }
        chosen.push(i);
    }
    if !chosen.is_empty() {
        chosen.push(base);
        chosen.sort_unstable();
    }
    chosen
}

/// How the warm budget and `max_rounds` are shared between launches. Each first launch gets
/// the same slice (its restart and warm-up included). Where further launches are allowed and
/// a launch's restart and warm-up cost no more than half a slice would be (see [`settle`]), the
/// first launches share half the budget and further launches have half a slice each: a ratio's
/// interval narrows with the number of launches more than with rounds in one.
///
/// [`settle`]: Schedule::settle
struct Schedule {
    warm_budget: Duration,
    slice: Duration,
    further_slice: Duration,
    rounds_per_launch: usize,
    first_launches: usize,
    max_launches: usize,
    max_rounds: usize,
}

impl Schedule {
    fn new(plan: &Plan) -> Self {
        let first_launches = plan.launches.max(1);
        // One launch has no interval over launches for further ones to narrow.
        let max_launches = if first_launches > 1 {
            plan.max_launches.max(first_launches)
        } else {
            1
        };
        let warm_budget = plan.budget.mul_f64(1.0 - plan.phase_share);
        let slice = warm_budget / first_launches as u32;
        Schedule {
            warm_budget,
            slice,
            further_slice: slice / 2,
            rounds_per_launch: plan.max_rounds.div_ceil(first_launches),
            first_launches,
            max_launches,
            max_rounds: plan.max_rounds,
        }
    }

    /// Once the first launch is ready: keep half the budget for further launches only where
    /// what a launch costs before its rounds (`overhead`: start, compile, first calls,
    /// warm-up) fits in half a slice. Where it does not (a short budget over many runtimes),
    /// halving the slices would leave the first launches no rounds beyond their floor.
    fn settle(&mut self, overhead: Duration) {
        let halves = 2 * self.first_launches;
        let half_slice = self.warm_budget / halves as u32;
        if self.max_launches > self.first_launches && overhead <= half_slice {
            self.slice = half_slice;
            self.further_slice = half_slice / 2;
            self.rounds_per_launch = self.max_rounds.div_ceil(halves);
        }
    }
}

/// Rounds of one warm sample per taking-part subject, launch after launch. The first
/// launches take every subject. After them, while the budget and `max_launches` allow,
/// further launches take only the subjects whose ratio is still wider than the target, and
/// the baseline: a ratio's interval is a t interval over launches, so only more launches
/// narrow what differences between processes add to it. The target is checked once the
/// first launches have run, after each round that completes a launch's minimum.
fn warm_rounds(
    slots: &mut [Slot],
    plan: &Plan,
    start: Instant,
    progress: &Progress,
) -> (usize, StopReason) {
    let mut schedule = Schedule::new(plan);
    let mut rounds = WarmRounds {
        plan,
        progress,
        start,
        rng: ChaCha8Rng::seed_from_u64(plan.seed),
        round: 0,
    };
    for launch in 0..schedule.max_launches {
        let launch_start = start.elapsed();
        let first = launch < schedule.first_launches;
        let (taking_part, time) = launch_subjects(slots, plan, &schedule, launch, launch_start);
        if taking_part.is_empty() && first {
            return (rounds.round, StopReason::NoRuntimeLeft);
        }
        if taking_part.is_empty() {
            break;
        }
        ready_launch(slots, &taking_part, launch, &mut schedule, &rounds);
        // A first launch's time is known once the first launch is ready (`settle`). Sampling
        // goes on for at least half the launch's time after its workers are ready, so a restart
        // that costs the whole slice does not leave the launch only its floor of samples.
        let ready = start.elapsed();
        let (time, planned_end) = if first {
            (schedule.slice, schedule.slice * (launch as u32 + 1))
        } else {
            (time, launch_start + time)
        };
        let launch_end = planned_end.max(ready + time / 2);
        let checking = launch + 1 >= schedule.first_launches;
        if let Some(stop) = rounds.launch(
            slots,
            &taking_part,
            launch,
            (time, launch_end),
            checking,
            &schedule,
        ) {
            return (rounds.round, stop);
        }
    }
    (rounds.round, StopReason::BudgetExhausted)
}

/// Readies a launch's workers: the first launch's are prepared already and only warm up (what
/// that took sets the schedule, see [`Schedule::settle`]); a later launch restarts them.
fn ready_launch(
    slots: &mut [Slot],
    taking_part: &[usize],
    launch: usize,
    schedule: &mut Schedule,
    rounds: &WarmRounds,
) {
    if launch == 0 {
        warm_up(slots, taking_part, rounds.plan);
        // A relaunch skips the call that sized the batches, which the first launch timed.
        let estimates: Duration = slots.iter().map(|s| s.estimate_call).sum();
        schedule.settle(rounds.start.elapsed().saturating_sub(estimates));
        return;
    }
    let what = format!(
        "launch {}: restarting {} workers",
        launch + 1,
        taking_part.len()
    );
    rounds.progress.update(rounds.start.elapsed(), what);
    relaunch(slots, taking_part, rounds.plan);
}

/// Who takes part in `launch`, and for how long: every subject still running in a first
/// launch; in a further one, those still wider than the target (and the baseline), for half a
/// first launch's time or what is left of the budget.
fn launch_subjects(
    slots: &[Slot],
    plan: &Plan,
    schedule: &Schedule,
    launch: usize,
    launch_start: Duration,
) -> (Vec<usize>, Duration) {
    if launch < schedule.first_launches {
        let all = (0..slots.len()).filter(|&i| slots[i].ok()).collect();
        return (all, schedule.slice);
    }
    let time = schedule
        .further_slice
        .min(schedule.warm_budget.saturating_sub(launch_start));
    (further_launch(slots, plan.target_precision, time), time)
}

/// The state of the warm rounds across launches.
struct WarmRounds<'a> {
    plan: &'a Plan,
    progress: &'a Progress,
    start: Instant,
    rng: ChaCha8Rng,
    round: usize,
}

impl WarmRounds<'_> {
    /// One round: each subject in `order` (shuffled here) takes a sample; the baseline one per
    /// process, as often as `order` names it.
    fn round(
        &mut self,
        slots: &mut [Slot],
        mut order: Vec<usize>,
        turns: &mut Turns,
        launch: usize,
    ) {
        order.shuffle(&mut self.rng);
        let mut sampled = vec![0; slots.len()];
        for i in order {
            turns.took(i, sample(&mut slots[i], sampled[i], self.round, launch));
            sampled[i] += 1;
        }
        self.round += 1;
    }

    /// One launch's rounds, until no subject but the baseline takes part any more, or the
    /// launch's share of rounds or of the budget is used (once every subject has its
    /// floor), or a reason to stop the warm rounds, returned.
    fn launch(
        &mut self,
        slots: &mut [Slot],
        taking_part: &[usize],
        launch: usize,
        (time, launch_end): (Duration, Duration),
        checking: bool,
        schedule: &Schedule,
    ) -> Option<StopReason> {
        let share = time / taking_part.len().max(1) as u32;
        let further = launch >= schedule.first_launches;
        let cap = further.then_some(FURTHER_LAUNCH_SAMPLES);
        let mut turns = Turns::new(slots.len(), share, cap.unwrap_or(usize::MAX));
        let mut rounds_in_launch = 0;
        loop {
            if interrupt::requested() {
                return Some(StopReason::Interrupted);
            }
            if !taking_part.iter().any(|&i| slots[i].ok()) {
                return Some(StopReason::NoRuntimeLeft);
            }
            let order = turns.order(slots, taking_part);
            if order.is_empty() {
                return None;
            }
            self.round(slots, order, &mut turns, launch);
            rounds_in_launch += 1;
            let Some((worst, who)) = worst_precision(slots) else {
                return Some(StopReason::BaselineFailed);
            };
            self.progress.update(
                self.start.elapsed(),
                format!(
                    "launch {} · warm round {} · widest ratio CI ±{:.2}% ({who})",
                    launch + 1,
                    self.round,
                    worst * 100.0
                ),
            );
            let floors_met = turns.floors_met(slots, taking_part);
            if checking
                && floors_met
                && self.round >= self.plan.min_rounds
                && worst <= self.plan.target_precision
            {
                return Some(StopReason::PrecisionReached);
            }
            if self.round >= self.plan.max_rounds {
                return Some(StopReason::MaxRounds);
            }
            if rounds_in_launch >= schedule.rounds_per_launch
                || (floors_met && self.start.elapsed() >= launch_end)
            {
                return None;
            }
        }
    }
}

/// Who takes part in a launch's next round: every subject until it has its floor of samples
/// and has used its share of the launch's time, so that a slow interpreter does not hold the
/// cheap subjects to its few rounds. Precision plays no part inside a launch (only in who
/// gets a further one), so a ratio is never cut short by an interval that is narrow for a
/// moment. The baseline takes part, with every one of its processes, whenever another subject
/// does: every ratio is paired with it by round.
struct Turns {
    taken: Vec<usize>,
    spent: Vec<Duration>,
    share: Duration,
    /// Samples of a subject in this launch at most.
    cap: usize,
}

impl Turns {
    fn new(subjects: usize, share: Duration, cap: usize) -> Self {
        Turns {
            taken: vec![0; subjects],
            spent: vec![Duration::ZERO; subjects],
            share,
            cap,
        }
    }

    fn order(&self, slots: &[Slot], taking_part: &[usize]) -> Vec<usize> {
        let live = taking_part.iter().copied().filter(|&i| slots[i].ok());
        let Some(base) =
            base_slot(slots).and_then(|b| slots.iter().position(|s| std::ptr::eq(s, b)))
        else {
            // No baseline sample yet (a user's module, whose baseline is the fastest).
            return live.collect();
        };
        let mut order: Vec<usize> = live
            .filter(|&i| i != base)
            .filter(|&i| self.taken[i] < slots[i].launch_floor() || self.spent[i] < self.share)
            .filter(|&i| self.taken[i] < self.cap)
            .collect();
        if !order.is_empty() && taking_part.contains(&base) && slots[base].ok() {
            // Each of the baseline's processes at a place of its own in the shuffled order.
            order.extend(std::iter::repeat_n(base, slots[base].processes()));
        }
        order
    }

    fn took(&mut self, i: usize, spent: Duration) {
        self.taken[i] += 1;
        self.spent[i] += spent;
    }

    fn floors_met(&self, slots: &[Slot], taking_part: &[usize]) -> bool {
        taking_part
            .iter()
            .all(|&i| !slots[i].ok() || self.taken[i] >= slots[i].launch_floor())
    }
}

/// One warm sample of `slot`'s `process` in `round` of `launch`; the time it took.
fn sample(slot: &mut Slot, process: usize, round: usize, launch: usize) -> Duration {
    let batch = slot.result.batch;
    match slot.process(process).warm(batch) {
        Ok(ns) => {
            let raw = &mut slot.result.raw;
            raw.warm_ns.push(ns / slot.result.batch as f64);
            raw.warm_rounds.push(round);
            raw.warm_launches.push(launch);
            Duration::from_nanos(ns as u64)
        }
        Err(e) => {
            slot.fail(e);
            Duration::ZERO
        }
    }
}

/// Samples of a subject in a further launch at most. A further launch is there to add a
/// process to the interval over launches, which more samples inside one process do not
/// narrow: ending it at ten (a median that four stalled samples cannot move) leaves the budget
/// to more launches.
const FURTHER_LAUNCH_SAMPLES: usize = 10;

/// Fewest samples of a subject in a launch, so its median means something.
const MIN_ROUNDS_PER_LAUNCH: usize = 3;

/// A sample this long is its launch's value alone: a stall of a millisecond moves it by
/// 1% at most, so no median of three is needed.
const LONG_SAMPLE_NS: f64 = 100e6;

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
                let raw = &slot.result.raw;
                if !slot.ok()
                    || raw.unsupported.contains(&phase)
                    || raw.phase_errors.contains_key(&phase)
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
                    Ok(PhaseSample::Ns(ns)) => {
                        slot.result.raw.phases_ns.entry(phase).or_default().push(ns)
                    }
                    Ok(PhaseSample::Unsupported) => slot.result.raw.unsupported.push(phase),
                    Err(e) => {
                        slot.result.raw.phase_errors.insert(phase, e.to_string());
                        if !slot.subject.alive() || e.is_mismatch() {
                            slot.fail(e.during(phase.label()));
                        }
                    }
                }
            }
        }
    }
}
