// A wasmi host, written against the API wasmi 2.0 and 0.31 share: each of the two binaries
// includes it with its own `wasmi` crate and its own `start` (0.31 instantiates in two steps).

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use wasmi::{Engine, Instance, Linker, Module, Store};

pub struct Host {
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
        let instance = crate::start(&self.linker, &mut store, module);
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
