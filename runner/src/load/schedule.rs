//! The load measurement's schedule: every runtime's worker serves closed-loop samples for every
//! host model and thread count, the runtimes interleaved round by round (a slow spell of the
//! machine then falls on all of them), then fixed-rate samples at fractions of each cell's
//! measured maximum for its latency.

use std::time::Duration;

use hdrhistogram::Histogram;
use plugbench_data::load::{Arrival, HostModel, LatencyAtLoad, LoadRow, LoadSample};

use crate::failure::Failure;
use crate::load::figures;
use crate::subject::{LoadRequest, Subject};

/// What to measure, validated (`crate::load::request` makes it from the command line).
#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub models: Vec<HostModel>,
    pub threads: Vec<u32>,
    pub cores: u32,
    pub rounds: u32,
    pub sample: Duration,
    pub open_sample: Duration,
    /// Fractions of the measured maximum offered at a fixed rate.
    pub loads: Vec<f64>,
}

/// One runtime, one model, one thread count: what its samples gave so far.
struct Cell {
    runtime: usize,
    model: HostModel,
    threads: u32,
    error: Option<String>,
    rates: Vec<f64>,
    service: Histogram<u64>,
    events: u64,
    checked: u64,
    at_load: Vec<LatencyAtLoad>,
}

impl Cell {
    fn add(&mut self, sample: &LoadSample) {
        self.rates.push(sample.events_per_s());
        figures::record(&mut self.service, &sample.latency);
        self.events += sample.events;
        self.checked += sample.checked;
    }
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
pub fn measure(
    subjects: Vec<LoadSubject>,
    plan: &LoadPlan,
    progress: &dyn Fn(String),
) -> Vec<LoadRow> {
    let names: Vec<String> = subjects.iter().map(|s| s.name.clone()).collect();
    let (mut workers, natives) = prepare(subjects);
    let mut cells = cells(&workers, plan);
    for round in 0..plan.rounds {
        progress(format!("load: round {}/{}", round + 1, plan.rounds));
        closed_round(&mut workers, &mut cells, plan, round as usize);
    }
    for &load in &plan.loads {
        progress(format!(
            "load: latency at {:.0}% of each maximum",
            load * 100.0
        ));
        at_fixed_rate(&mut workers, &mut cells, plan, load);
    }
    figures::rows(cells.into_iter().map(|c| figures::CellFigures {
        runtime: names[c.runtime].clone(),
        native: natives[c.runtime],
        model: c.model,
        threads: c.threads,
        oversubscribed: c.threads > plan.cores,
        error: c.error,
        rates: c.rates,
        service: c.service,
        events: c.events,
        checked: c.checked,
        at_load: c.at_load,
    }))
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
            if let Some(s) = sample(&mut workers[runtime], cell, &request) {
                cell.add(&s);
            }
        }
    }
}

/// One fixed-rate sample of every cell still without an error, at `load` of its maximum.
fn at_fixed_rate(workers: &mut [Worker], cells: &mut [Cell], plan: &LoadPlan, load: f64) {
    for cell in cells.iter_mut().filter(|c| c.error.is_none()) {
        let request = open(cell, plan, load);
        if let Some(s) = sample(&mut workers[cell.runtime], cell, &request) {
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
                cells.push(Cell {
                    runtime,
                    model,
                    threads,
                    error: worker.as_ref().err().cloned(),
                    rates: Vec::new(),
                    service: figures::histogram(),
                    events: 0,
                    checked: 0,
                    at_load: Vec::new(),
                });
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
/// died is replaced (prepared again) for the cells after it.
fn sample(worker: &mut Worker, cell: &mut Cell, request: &LoadRequest) -> Option<LoadSample> {
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
                let again = subject.relaunch().and_then(|()| subject.prepare_again());
                if let Err(f) = again {
                    *worker = Err(format!(
                        "the worker could not be started again: {}",
                        f.message
                    ));
                }
            }
            None
        }
    }
}
