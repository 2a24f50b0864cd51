//! wasmer 7.4 with its LLVM compiler, its defaults: `wasmer-llvm`'s minimal host, a binary of
//! its own as the worker is (LLVM's C++ libraries are initialised in every binary linking them).

#[path = "../wasmer_host.rs"]
mod host;

fn engine() -> wasmer::Engine {
    wasmer::sys::EngineBuilder::new(wasmer_compiler_llvm::LLVM::default()).into()
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
