//! The wasmer-llvm worker: wasmer with its LLVM compiler, for `plugbench` (see
//! `runner::worker_main`).

fn main() -> std::process::ExitCode {
    runner::worker_main::run(runtimes::Registry::new(vec![runtime_wasmer_llvm::llvm()]))
}
