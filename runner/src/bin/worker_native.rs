//! The native worker: native's runtimes alone, for `plugbench` (see `runner::worker_main`).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(runtime_native::configurations()))
}
