//! wasmi 0.31 (the one wasm_component_layer runs on), its default configuration: the
//! `wasmi-0.31` configuration's minimal host.

extern crate wasmi031 as wasmi;

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use wasmi::{Engine, Instance, Linker, Module, Store};

struct Host {
    engine: Engine,
    linker: Linker<()>,
}

impl Embedding for Host {
    type Module = Module;
    type Instance = (Store<()>, Instance);

    fn new() -> Self {
        let engine = Engine::default();
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("plugbench", "host_mix", kernel_embed::host_mix)
            .unwrap();
        Host { engine, linker }
    }

    fn compile(&self, kernel: &Kernel) -> Module {
        Module::new(&self.engine, kernel_embed::core_module(kernel)).unwrap()
    }

    fn instantiate(&self, module: &Module) -> Self::Instance {
        let mut store = Store::new(&self.engine, ());
        let instance = self
            .linker
            .instantiate(&mut store, module)
            .and_then(|pre| pre.start(&mut store))
            .unwrap();
        (store, instance)
    }

    fn call(&self, (store, instance): &mut Self::Instance, export: &str, input: &[u8]) -> Vec<u8> {
        let memory = instance.get_memory(&*store, "memory").unwrap();
        let alloc = instance
            .get_typed_func::<u32, u32>(&*store, "alloc")
            .unwrap();
        let run = instance
            .get_typed_func::<(u32, u32), u64>(&*store, export)
            .unwrap();
        let ptr = alloc.call(&mut *store, input.len() as u32).unwrap();
        memory.write(&mut *store, ptr as usize, input).unwrap();
        let (out, len) = unpack(run.call(&mut *store, (ptr, input.len() as u32)).unwrap());
        let bytes = &memory.data(&*store)[out as usize..(out + len) as usize];
        assert_eq!(bytes[0], 0, "the kernel failed");
        bytes[1..].to_vec()
    }
}

fn main() {
    minimal_hosts::run::<Host>();
}
