//! Each worker's memory figures against a minimal host that embeds only its engine and does the
//! same work, in the test build (the WASI layers linked on both sides): idle RSS (what the
//! process allocated, and the pages mapped from files), peak RSS and what one more live instance
//! adds, each within `TEST_BUILD_TOLERANCE_KIB`, those counting pages mapped from files with a
//! share of the host's more (`minimal_hosts::against`). The measurement build, whose figures the
//! reports carry, is held to 1 MiB (and that share) by `scripts/calibrate-memory`.
//!
//! `PLUGBENCH_CALIBRATION_SIZE` sets the kernel's size (1000 here, to keep the interpreters
//! quick; docs/calibration.md has the table at 7000); the table is printed either way.

use std::path::Path;

use minimal_hosts::against;

#[test]
fn every_worker_reports_the_memory_of_a_host_with_only_its_engine() {
    let binaries = Path::new(env!("CARGO_BIN_EXE_minimal-host-native"))
        .parent()
        .unwrap();
    let size = std::env::var("PLUGBENCH_CALIBRATION_SIZE")
        .map(|s| s.parse().unwrap())
        .unwrap_or(1000);
    let rows = against::compare(binaries, binaries, size);
    println!("worker / minimal host, KiB\n{}", against::table(&rows));
    let misses: Vec<String> = rows
        .iter()
        .flat_map(|row| row.misses(against::TEST_BUILD_TOLERANCE_KIB))
        .collect();
    assert!(
        misses.is_empty(),
        "beyond {} KiB:\n{}",
        against::TEST_BUILD_TOLERANCE_KIB,
        misses.join("\n")
    );
}
