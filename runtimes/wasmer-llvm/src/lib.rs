//! wasmer with its LLVM compiler: the wasmer adapter (`runtime-wasmer`) configured with
//! `wasmer-compiler-llvm`, in a crate of its own so that no other binary links LLVM. Empty
//! without its `llvm` feature (LLVM 22 must be installed to build it).
#![cfg(feature = "llvm")]

use runtimes::Configuration;

pub fn llvm() -> Configuration {
    let compiler = runtime_wasmer::Compiler::new(
        "LLVM compiler, default settings (opt-level aggressive), no cache",
        |metered| runtime_wasmer::with_metering(wasmer_compiler_llvm::LLVM::default(), metered),
    );
    let (symptom, why) = runtime_wasmer::NO_EXNREF_TABLES;
    runtime_wasmer::configuration("wasmer-llvm", compiler)
        .runs_simd()
        .known(symptom, why)
}
