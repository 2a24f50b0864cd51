//! The main of every worker binary (`src/bin/`): one engine's runtimes, serving the runner
//! over stdin and stdout. A worker is started by `plugbench`, never by hand: it describes its
//! runtimes, says which of them can run a program, or serves one for `compare` or `fuzz`.

use std::process::ExitCode;

use anyhow::Result;
use plugbench_data::HeapLayout;
use runtimes::{Description, Program, Registry};

use crate::fault::Fault;
use crate::worker_call::WorkerCall;
use crate::workload::Workload;
use crate::{fuzz, layout, worker};

/// Runs the worker command line over `registry` (the engine's configurations).
pub fn run(registry: Registry) -> ExitCode {
    let outcome = WorkerCall::parse(std::env::args().skip(1))
        .map_err(anyhow::Error::msg)
        .and_then(|call| match call {
            WorkerCall::Describe => print_json(&Description {
                build: env!("PLUGBENCH_PROFILE").into(),
                ..registry.describe()
            }),
            WorkerCall::Hosts { program } => hosts(&registry, &program),
            WorkerCall::Serve {
                runtime,
                workload,
                fault,
                heap_offset,
            } => serve(registry, runtime, workload, fault, heap_offset),
            WorkerCall::Fuzz { runtime, fault } => fault_from(fault.as_deref())
                .and_then(|fault| fuzz::worker::serve(&registry, &runtime, fault)),
        });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Each runtime's answer to `program`: `Ok` or why not.
fn hosts(registry: &Registry, program: &Program) -> Result<()> {
    let answers: Vec<(String, Result<(), String>)> = registry
        .declarations()
        .entries()
        .into_iter()
        .map(|entry| {
            let answer = registry
                .create(&entry.name)
                .map_err(|e| e.to_string())
                .and_then(|rt| rt.hosts(program));
            (entry.name, answer)
        })
        .collect();
    print_json(&answers)
}

fn fault_from(text: Option<&str>) -> Result<Option<Fault>> {
    text.map(str::parse::<Fault>)
        .transpose()
        .map_err(anyhow::Error::msg)
}

fn serve(
    registry: Registry,
    runtime: String,
    workload: Workload,
    fault: Option<String>,
    heap_offset: Option<u32>,
) -> Result<()> {
    // First, so that everything the runtime allocates lands after the shift.
    let heap_offset = layout::offset_for(heap_offset.map_or(HeapLayout::Random, HeapLayout::Fixed));
    layout::shift_heap(heap_offset);
    worker::serve(worker::WorkerOptions {
        registry,
        runtime,
        workload,
        fault: fault_from(fault.as_deref())?,
        heap_offset,
    })
}
