//! The main of every worker binary (`src/bin/`): one engine's runtimes, serving the runner
//! over stdin and stdout. A worker is started by `plugbench`, never by hand: it describes its
//! runtimes, says which of them can run a program, or serves one for `compare` or `fuzz`.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser};
use plugbench_data::HeapLayout;
use runtimes::{Program, Registry};

use crate::fault::Fault;
use crate::{fuzz, layout, worker};

#[derive(Debug, Parser)]
#[command(
    about = "One engine's runtimes for plugbench (started by plugbench, not by hand)",
    version
)]
enum WorkerCommand {
    /// Every runtime of this worker, its configuration and what it says about itself (JSON).
    Describe,
    /// Whether each runtime of this worker can run a program (`runtimes::Program` as JSON).
    Hosts {
        #[arg(long)]
        program: String,
    },
    /// Serve one runtime for `compare`.
    Serve(ServeArgs),
    /// Serve one runtime for `fuzz`.
    Fuzz(FuzzArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[arg(long)]
    runtime: String,
    /// The workload as JSON (`runner::workload::Workload`).
    #[arg(long)]
    workload: String,
    #[arg(long)]
    inject_fault: Option<String>,
    /// Bytes to shift the heap by; without it, a random offset.
    #[arg(long)]
    heap_offset: Option<u32>,
}

#[derive(Debug, Args)]
struct FuzzArgs {
    #[arg(long)]
    runtime: String,
    #[arg(long)]
    inject_fault: Option<String>,
}

/// Runs the worker command line over `registry` (the engine's configurations).
pub fn run(registry: Registry) -> ExitCode {
    let outcome = match WorkerCommand::parse() {
        WorkerCommand::Describe => print_json(&registry.describe()),
        WorkerCommand::Hosts { program } => hosts(&registry, &program),
        WorkerCommand::Serve(args) => serve(registry, args),
        WorkerCommand::Fuzz(args) => fault(args.inject_fault.as_deref())
            .and_then(|fault| fuzz::worker::serve(&registry, &args.runtime, fault)),
    };
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
fn hosts(registry: &Registry, program: &str) -> Result<()> {
    let program: Program = serde_json::from_str(program).context("the program to host")?;
    let answers: Vec<(String, Result<(), String>)> = registry
        .declarations()
        .entries()
        .into_iter()
        .map(|entry| {
            let answer = registry
                .create(&entry.name)
                .map_err(|e| e.to_string())
                .and_then(|rt| rt.hosts(&program));
            (entry.name, answer)
        })
        .collect();
    print_json(&answers)
}

fn fault(text: Option<&str>) -> Result<Option<Fault>> {
    text.map(str::parse::<Fault>)
        .transpose()
        .map_err(anyhow::Error::msg)
}

fn serve(registry: Registry, args: ServeArgs) -> Result<()> {
    // First, so that everything the runtime allocates lands after the shift.
    let heap_offset = layout::offset_for(
        args.heap_offset
            .map_or(HeapLayout::Random, HeapLayout::Fixed),
    );
    layout::shift_heap(heap_offset);
    let workload = serde_json::from_str(&args.workload).context("the worker's --workload")?;
    worker::serve(worker::WorkerOptions {
        registry,
        runtime: args.runtime,
        workload,
        fault: fault(args.inject_fault.as_deref())?,
        heap_offset,
    })
}
