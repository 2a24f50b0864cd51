//! The wasmi 0.31 worker: wasmi 0.31 and the component layer over it, for `plugbench` (see
//! `runner::worker_main`).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(runtime_wasmi031::configurations()))
}
