//! The load measurement's schedule: every runtime's worker serves closed-loop samples for every
//! host model and thread count, the runtimes interleaved round by round (a slow spell of the
//! machine then falls on all of them), then fixed-rate samples at fractions of each cell's
//! measured maximum for its latency.

use std::time::Duration;

use plugbench_data::load::{
    Arrival, HostModel, LatencyAtLoad, LoadRow, LoadSample, TenantCost, TenantRow,
};

use crate::failure::Failure;
use crate::load::figures::{self, Cell};
use crate::subject::{LoadRequest, Subject};

/// What to measure, validated (`crate::load::request` makes it from the command line).
#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub models: Vec<HostModel>,
    pub threads: Vec<u32>,
    pub cores: u32,
    /// Worker processes of each runtime, one after the other, each serving `rounds` rounds: the
    /// interval then spans what differs between processes (memory layout, code placement).
    pub launches: u32,
    /// Closed-loop rounds in each launch.
    pub rounds: u32,
    pub sample: Duration,
    pub open_sample: Duration,
    /// Fractions of the measured maximum offered at a fixed rate.
    pub loads: Vec<f64>,
    /// Distinct modules in the `tenants` model.
    pub tenants: u32,
}

impl LoadPlan {
    /// The tenants to compile in every worker, if the `tenants` model is measured.
    fn tenant_count(&self) -> Option<u32> {
        self.models
            .contains(&HostModel::Tenants)
            .then_some(self.tenants)
    }
}

/// What the measurement gave: a row per runtime, model and thread count, and each runtime's
/// tenant costs.
pub struct Measured {
    pub rows: Vec<LoadRow>,
    pub tenants: Vec<TenantRow>,
}

/// A runtime to measure: its name and its worker (or why it has none).
pub struct LoadSubject {
    pub name: String,
    pub subject: Result<Box<dyn Subject>, Failure>,
}

/// A runtime's worker once prepared, or why it has none.
type Worker = Result<Box<dyn Subject>, String>;

/// Prepares every subject, runs the rounds and the fixed-rate samples, and gives a row per
/// runtime, model and thread count (a failure is that row's error; nothing stops the others).
pub fn measure(subjects: Vec<LoadSubject>, plan: &LoadPlan, progress: &dyn Fn(String)) -> Measured {
    let names: Vec<String> = subjects.iter().map(|s| s.name.clone()).collect();
    let (mut workers, natives) = prepare(subjects);
    let costs = compile_tenants(&mut workers, &names, plan, progress);
    let mut cells = cells(&workers, plan);
    for cell in cells.iter_mut().filter(|c| c.model == HostModel::Tenants) {
        if let Some(Err(why)) = &costs[cell.runtime] {
            cell.error.get_or_insert_with(|| why.clone());
        }
    }
    let total = plan.launches * plan.rounds;
    // A signal (compare's handler) ends the measurement with what it has.
    for round in (0..total).take_while(|_| !crate::interrupt::requested()) {
        if round > 0 && round % plan.rounds == 0 {
            progress(format!(
                "load: launch {}/{}",
                round / plan.rounds + 1,
                plan.launches
            ));
            relaunch(&mut workers, plan);
        }
        progress(format!("load: round {}/{total}", round + 1));
        closed_round(&mut workers, &mut cells, plan, round as usize);
    }
    for &load in plan
        .loads
        .iter()
        .take_while(|_| !crate::interrupt::requested())
    {
        progress(format!(
            "load: latency at {:.0}% of each maximum",
            load * 100.0
        ));
        at_fixed_rate(&mut workers, &mut cells, plan, load);
    }
    let tenants = plan
        .tenant_count()
        .map_or_else(Vec::new, |_| tenant_rows(&names, &natives, costs));
    let rows = figures::rows(&cells, &names, &natives, plan.cores);
    Measured { rows, tenants }
}

/// Every worker replaced by a fresh process, prepared again with its tenants; one that cannot
/// be is the error of its cells from then on.
fn relaunch(workers: &mut [Worker], plan: &LoadPlan) {
    for worker in workers.iter_mut() {
        if let Ok(subject) = worker {
            if let Err(why) = restart(subject.as_mut(), plan) {
                *worker = Err(why);
            }
        }
    }
}

/// A subject's process started again, prepared, its tenants compiled.
fn restart(subject: &mut dyn Subject, plan: &LoadPlan) -> Result<(), String> {
    subject
        .relaunch()
        .and_then(|()| subject.prepare_again())
        .and_then(|_| match plan.tenant_count() {
            Some(count) => subject.tenants(count).map(drop),
            None => Ok(()),
        })
        .map_err(|f| format!("the worker could not be started again: {}", f.message))
}

/// Each worker's tenants compiled (when the plan has the model), or why they could not be.
fn compile_tenants(
    workers: &mut [Worker],
    names: &[String],
    plan: &LoadPlan,
    progress: &dyn Fn(String),
) -> Vec<Option<Result<TenantCost, String>>> {
    workers
        .iter_mut()
        .zip(names)
        .map(|(worker, name)| {
            let count = plan.tenant_count()?;
            let subject = worker.as_mut().ok()?;
            progress(format!("load: compiling {count} tenants on {name}"));
            Some(subject.tenants(count).map_err(|f| f.message))
        })
        .collect()
}

fn tenant_rows(
    names: &[String],
    natives: &[bool],
    costs: Vec<Option<Result<TenantCost, String>>>,
) -> Vec<TenantRow> {
    names
        .iter()
        .zip(natives)
        .zip(costs)
        .map(|((name, &native), cost)| {
            let cost = cost.unwrap_or_else(|| Err("the worker did not start".into()));
            TenantRow {
                runtime: name.clone(),
                native,
                error: cost.as_ref().err().cloned(),
                cost: cost.ok(),
            }
        })
        .collect()
}

/// Each subject prepared (compiled, first call checked), and whether it is native code.
fn prepare(subjects: Vec<LoadSubject>) -> (Vec<Worker>, Vec<bool>) {
    subjects
        .into_iter()
        .map(|s| {
            let prepared = s
                .subject
                .and_then(|mut w| w.prepare().map(|ready| (w, ready)));
            let native = prepared.as_ref().is_ok_and(|(_, ready)| ready.native);
            (prepared.map(|(w, _)| w).map_err(|f| f.message), native)
        })
        .unzip()
}

/// One closed-loop sample of every cell still without an error. Each round starts with
/// another runtime, so that none always follows the same one.
fn closed_round(workers: &mut [Worker], cells: &mut [Cell], plan: &LoadPlan, round: usize) {
    let count = workers.len();
    for runtime in (0..count).map(|i| (i + round) % count) {
        let own = cells
            .iter_mut()
            .filter(|c| c.runtime == runtime && c.error.is_none());
        for cell in own {
            let request = closed(cell, plan);
            if let Some(s) = sample(&mut workers[runtime], cell, &request, plan) {
                cell.add(&s);
            }
        }
    }
}

/// One fixed-rate sample of every cell still without an error, at `load` of its maximum.
fn at_fixed_rate(workers: &mut [Worker], cells: &mut [Cell], plan: &LoadPlan, load: f64) {
    for cell in cells.iter_mut().filter(|c| c.error.is_none()) {
        let request = open(cell, plan, load);
        if let Some(s) = sample(&mut workers[cell.runtime], cell, &request, plan) {
            cell.at_load.push(LatencyAtLoad {
                load,
                offered_per_s: offered(&request),
                achieved_per_s: s.events_per_s(),
                latency: figures::percentiles(&s.latency),
            });
            cell.events += s.events;
            cell.checked += s.checked;
        }
    }
}

/// A cell per runtime, model and thread count; a runtime that did not start has its failure in
/// every one of its cells.
fn cells(workers: &[Worker], plan: &LoadPlan) -> Vec<Cell> {
    let mut cells = Vec::new();
    for (runtime, worker) in workers.iter().enumerate() {
        for &model in &plan.models {
            for &threads in &plan.threads {
                let error = worker.as_ref().err().cloned();
                cells.push(Cell::new(runtime, model, threads, error));
            }
        }
    }
    cells
}

fn closed(cell: &Cell, plan: &LoadPlan) -> LoadRequest {
    LoadRequest {
        model: cell.model,
        threads: cell.threads,
        duration: plan.sample,
        arrival: Arrival::Closed,
    }
}

/// A fixed rate at `load` of the cell's mean closed-loop rate.
fn open(cell: &Cell, plan: &LoadPlan, load: f64) -> LoadRequest {
    let maximum = cell.rates.iter().sum::<f64>() / cell.rates.len().max(1) as f64;
    LoadRequest {
        model: cell.model,
        threads: cell.threads,
        duration: plan.open_sample,
        arrival: Arrival::Open {
            events_per_s: (maximum * load).max(1.0),
        },
    }
}

fn offered(request: &LoadRequest) -> f64 {
    match request.arrival {
        Arrival::Open { events_per_s } => events_per_s,
        Arrival::Closed => f64::NAN,
    }
}

/// One sample from the cell's worker; a failure becomes the cell's error, and a worker that
/// died is replaced (prepared again, its tenants compiled again) for the cells after it.
fn sample(
    worker: &mut Worker,
    cell: &mut Cell,
    request: &LoadRequest,
    plan: &LoadPlan,
) -> Option<LoadSample> {
    let subject = match worker {
        Ok(subject) => subject,
        Err(why) => {
            cell.error = Some(why.clone());
            return None;
        }
    };
    match subject.load(request) {
        Ok(sample) => Some(sample),
        Err(failure) => {
            cell.error = Some(failure.message);
            if !subject.alive() {
                if let Err(why) = restart(subject.as_mut(), plan) {
                    *worker = Err(why);
                }
            }
            None
        }
    }
}
