//! The extism worker: extism's runtimes alone, for `plugbench` (see `runner::worker_main`).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(runtime_extism::configurations()))
}
