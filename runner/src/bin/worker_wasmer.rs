//! The wasmer worker: wasmer with its Cranelift and Singlepass compilers, for `plugbench` (see
//! `runner::worker_main`). LLVM has a worker of its own (`runtime-wasmer-llvm`, which only it
//! links).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(vec![
        runtime_wasmer::cranelift(),
        runtime_wasmer::singlepass(),
    ]))
}
