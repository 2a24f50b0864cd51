// A wasmtime host, written against the API wasmtime 48 and 43 share: each of the two binaries
// includes it with its own `wasmtime` crate and its own `wasi_layer` (the one for 43 is empty,
// as `wasmtime-43`'s worker has no WASI layer).

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use wasmtime::{Config, Engine, Instance, Linker, Module, Store};

pub struct Host {
    engine: Engine,
    linker: Linker<()>,
}

impl Embedding for Host {
    type Module = Module;
    type Instance = (Store<()>, Instance);

    fn new() -> Self {
        let engine = Engine::new(&Config::new()).unwrap();
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("plugbench", "host_mix", kernel_embed::host_mix)
            .unwrap();
        Host { engine, linker }
    }

    fn compile(&self, kernel: &Kernel) -> Module {
        let module = Module::new(&self.engine, kernel_embed::core_module(kernel)).unwrap();
        if module
            .imports()
            .any(|i| i.module() == minimal_hosts::WASI_MODULE)
        {
            crate::wasi_layer::run_command(&self.engine, &module);
        }
        module
    }

    fn instantiate(&self, module: &Module) -> (Store<()>, Instance) {
        let mut store = Store::new(&self.engine, ());
        let instance = self.linker.instantiate(&mut store, module).unwrap();
        (store, instance)
    }

    fn call(&self, (store, instance): &mut Self::Instance, export: &str, input: &[u8]) -> Vec<u8> {
        let memory = instance.get_memory(&mut *store, "memory").unwrap();
        let alloc = instance
            .get_typed_func::<u32, u32>(&mut *store, "alloc")
            .unwrap();
        let run = instance
            .get_typed_func::<(u32, u32), u64>(&mut *store, export)
            .unwrap();
        let ptr = alloc.call(&mut *store, input.len() as u32).unwrap();
        memory.write(&mut *store, ptr as usize, input).unwrap();
        let (out, len) = unpack(run.call(&mut *store, (ptr, input.len() as u32)).unwrap());
        let bytes = &memory.data(&*store)[out as usize..(out + len) as usize];
        assert_eq!(bytes[0], 0, "the kernel failed");
        bytes[1..].to_vec()
    }
}
