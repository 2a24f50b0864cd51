//! The wasmer worker: wasmer with its Cranelift and Singlepass compilers, for `plugbench` (see
//! `runner::worker_main`). LLVM has a worker of its own: this one names only these two
//! compilers, so none of LLVM's code is in it even in a build with wasmer's `llvm` feature.

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(vec![
        runtime_wasmer::cranelift(),
        runtime_wasmer::singlepass(),
    ]))
}
