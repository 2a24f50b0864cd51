//! Memory per live instance is real growth: positive, and larger for more instances.
//! Its own test binary without the test harness, so that it measures on the main thread as a
//! worker does (runner/Cargo.toml says why) and no other test allocates while RSS is read.

mod common;

use common::registry;
use runner::memory::instances_growth_kib;
use runtimes::{GuestFormat, Program, KERNELS};

fn main() {
    instance_memory_is_positive_and_grows_with_the_instance_count();
    println!("instance memory: positive and growing with the count on every runtime");
}

fn instance_memory_is_positive_and_grows_with_the_instance_count() {
    let kernel = &KERNELS[0];
    let input = (kernel.make_input)(runner::memory::INSTANCE_INPUT_SIZE, 1);
    for entry in registry::all() {
        let runtime = registry::create(&entry.name).unwrap();
        let info = runtime.info();
        // Native code has no instances (a native library's "instance" shares its one copy).
        if matches!(
            info.guest,
            GuestFormat::Native | GuestFormat::NativeLibrary { .. }
        ) {
            continue;
        }
        let compiled = runtime
            .compile(&Program::Kernel(kernel), info.guest.artifact(kernel), None)
            .unwrap();
        // A first reading after the compile holds one-off allocations (measured in CI: 4
        // instances of wasmi+fuel "added" 4540 KiB, 32 then 3996 KiB); it is discarded.
        instances_growth_kib(compiled.as_ref(), &input, 4).unwrap();
        let few = instances_growth_kib(compiled.as_ref(), &input, 4)
            .unwrap()
            .expect("RSS is readable on Linux");
        let many = instances_growth_kib(compiled.as_ref(), &input, 32)
            .unwrap()
            .expect("RSS is readable on Linux");
        // Printed, so that a failing run in CI shows every runtime's figures, not the first miss.
        println!(
            "{}: 4 instances added {few} KiB, 32 added {many} KiB",
            entry.name
        );
        assert!(few > 0, "{}: 4 instances added {few} KiB", entry.name);
        assert!(
            many > few,
            "{}: 32 instances added {many} KiB, 4 added {few} KiB",
            entry.name
        );
    }
}
