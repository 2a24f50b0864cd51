//! The wasmer worker: wasmer with its Cranelift and Singlepass compilers, for `plugbench` (see
//! `runner::worker_main`). LLVM has a worker of its own, so that this one carries none of it.

use runtime_wasmer::Compiler;

fn main() -> std::process::ExitCode {
    let compilers = [Compiler::Cranelift, Compiler::Singlepass];
    runner::worker_main::run(runtimes::Registry::new(runtime_wasmer::configurations_of(
        &compilers,
    )))
}
