//! The kernel compiled natively, no engine: `native`'s minimal host.

use kernel_embed::Kernel;
use minimal_hosts::Embedding;

struct Host;

impl Embedding for Host {
    type Module = kernel_embed::NativeFn;
    type Instance = kernel_embed::NativeFn;

    fn new() -> Self {
        Host
    }
    fn compile(&self, kernel: &Kernel) -> Self::Module {
        kernel.native
    }
    fn instantiate(&self, module: &Self::Module) -> Self::Instance {
        *module
    }
    fn call(&self, run: &mut Self::Instance, _export: &str, input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        run(input, &mut out).unwrap();
        out
    }
}

fn main() {
    minimal_hosts::run::<Host>();
}
