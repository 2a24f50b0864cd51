//! The worker of the wasmtime extism embeds, run directly, for `plugbench` (see
//! `runner::worker_main`).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(runtime_wasmtime43::configurations()))
}
