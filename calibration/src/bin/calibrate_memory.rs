//! `calibrate-memory WORKERS HOSTS [SIZE]`: each worker's memory figures (from `plugbench` and
//! its workers in WORKERS) against its minimal host's (in HOSTS), as a markdown table; fails if
//! any figure is more than 1 MiB from the host's. `scripts/calibrate-memory` runs it on the
//! measurement build.

use std::path::PathBuf;
use std::process::ExitCode;

use minimal_hosts::against;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (workers, hosts, size) = match args.as_slice() {
        [w, h] => (w, h, "7000"),
        [w, h, size] => (w, h, size.as_str()),
        _ => {
            eprintln!("usage: calibrate-memory WORKERS_DIR HOSTS_DIR [SIZE]");
            return ExitCode::from(2);
        }
    };
    let Ok(size) = size.parse() else {
        eprintln!("SIZE: `{size}` is not a number");
        return ExitCode::from(2);
    };
    let rows = against::compare(&PathBuf::from(workers), &PathBuf::from(hosts), size);
    print!("{}", against::table(&rows));
    let misses: Vec<String> = rows
        .iter()
        .flat_map(|row| row.misses(against::TOLERANCE_KIB))
        .collect();
    if misses.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "beyond {} KiB:\n{}",
            against::TOLERANCE_KIB,
            misses.join("\n")
        );
        ExitCode::from(1)
    }
}
