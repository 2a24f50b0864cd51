//! What every minimal host shares: the workload from its arguments, the process's resident
//! memory, and the figures a plugbench worker reports, measured the same way (see
//! `runner/src/memory.rs`): RSS once the engine exists, peak RSS after the calls, and what 16
//! more live instances add (two rounds, the first discarded, free heap trimmed before each).

pub mod against;

use kernel_embed::Kernel;

/// A host embedding one engine: only what a plugin host needs to run the kernel.
pub trait Embedding {
    type Module;
    type Instance;
    /// The engine, created as the worker's runtime creates it.
    fn new() -> Self;
    fn compile(&self, kernel: &Kernel) -> Self::Module;
    fn instantiate(&self, module: &Self::Module) -> Self::Instance;
    /// One call of the kernel: input bytes in, output bytes (status byte stripped) out.
    fn call(&self, instance: &mut Self::Instance, export: &str, input: &[u8]) -> Vec<u8>;
}

/// The import module of WASI preview 1: a host offers WASI to a module that imports it.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// Instances kept alive at once (the worker's `INSTANCES`).
const INSTANCES: usize = 16;
/// Input size of each extra instance's call (the worker's `INSTANCE_INPUT_SIZE`).
const INSTANCE_INPUT_SIZE: usize = 16;
/// Calls on the workload's input: the worker's two preparation calls and then some.
const CALLS: usize = 5;

/// Runs `E` on the kernel and size given as arguments (`KERNEL SIZE SEED`) and prints its
/// figures as one JSON line: `{"idle_rss_kib":..,"idle_file_kib":..,"peak_rss_kib":..,
/// "instance_kib":..}`.
pub fn run<E: Embedding>() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, size, seed] = args.as_slice() else {
        panic!("usage: minimal-host-<engine> KERNEL SIZE SEED");
    };
    let kernel = kernel_embed::kernel(name).unwrap_or_else(|| panic!("no kernel `{name}`"));
    // The input and the expected output first, as a worker has them before its engine exists:
    // its idle figure then counts the engine, not the order of the work.
    let input = (kernel.make_input)(size.parse().unwrap(), seed.parse().unwrap());
    let mut expected = Vec::new();
    (kernel.native)(&input, &mut expected).expect("the native kernel");
    let engine = E::new();
    let idle = status_kib("VmRSS:");
    let idle_file = status_kib("RssFile:");
    let module = engine.compile(kernel);
    let mut instance = engine.instantiate(&module);
    for _ in 0..CALLS {
        let output = engine.call(&mut instance, kernel.export, &input);
        (kernel.verify)(&expected, &output).expect("the guest's output");
    }
    let peak = status_kib("VmHWM:");
    let small = (kernel.make_input)(INSTANCE_INPUT_SIZE, seed.parse().unwrap());
    let growth = || {
        release_free_heap();
        let before = status_kib("VmRSS:");
        let live: Vec<E::Instance> = (0..INSTANCES)
            .map(|_| {
                let mut instance = engine.instantiate(&module);
                engine.call(&mut instance, kernel.export, &small);
                instance
            })
            .collect();
        let after = status_kib("VmRSS:");
        drop(live);
        after.saturating_sub(before) as f64 / INSTANCES as f64
    };
    growth();
    let instance_kib = growth();
    drop(instance);
    println!(
        "{{\"idle_rss_kib\":{idle},\"idle_file_kib\":{idle_file},\"peak_rss_kib\":{peak},\"instance_kib\":{instance_kib}}}"
    );
}

/// A `kB` field of /proc/self/status.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with(field)).expect(field);
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn release_free_heap() {
    // SAFETY: malloc_trim only returns unused heap memory to the OS; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The byte ABI's output: `(ptr << 32) | len`, a status byte first (0 for success).
pub fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}
