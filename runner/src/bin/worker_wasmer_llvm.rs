//! The wasmer-llvm worker: wasmer with its LLVM compiler, for `plugbench` (see
//! `runner::worker_main`).

use runtime_wasmer::Compiler;

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(runtime_wasmer::configurations_of(
        &[Compiler::Llvm],
    )))
}
