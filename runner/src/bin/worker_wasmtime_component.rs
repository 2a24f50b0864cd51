//! The wasmtime component worker: wasmtime's configurations hosting components, for `plugbench`
//! (see `runner::worker_main`). A binary of its own because the component model changes
//! wasmtime's build (docs/calibration.md, "WASI built in").

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(
        runtime_wasmtime::component_configurations(),
    ))
}
