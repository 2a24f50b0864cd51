//! wasmer 7.4 with the compiler named by `PLUGBENCH_WASMER_COMPILER` (`cranelift` or
//! `singlepass`), its defaults: the minimal host of `wasmer-cranelift` and `wasmer-singlepass`.

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use wasmer::{imports, Engine, Function, Instance, Memory, Module, Store, TypedFunction};

struct Host {
    engine: Engine,
}

impl Embedding for Host {
    type Module = Module;
    type Instance = (Store, Instance);

    fn new() -> Self {
        let compiler = std::env::var("PLUGBENCH_WASMER_COMPILER").unwrap_or_default();
        let engine = match compiler.as_str() {
            "cranelift" => wasmer::sys::Cranelift::default().into(),
            "singlepass" => wasmer::sys::Singlepass::default().into(),
            other => panic!("PLUGBENCH_WASMER_COMPILER: `{other}` is not cranelift or singlepass"),
        };
        Host { engine }
    }

    fn compile(&self, kernel: &Kernel) -> Module {
        Module::new(&self.engine, kernel_embed::core_module(kernel)).unwrap()
    }

    fn instantiate(&self, module: &Module) -> Self::Instance {
        let mut store = Store::new(self.engine.clone());
        let host_mix = Function::new_typed(&mut store, kernel_embed::host_mix);
        let imports = imports! { "plugbench" => { "host_mix" => host_mix } };
        let instance = Instance::new(&mut store, module, &imports).unwrap();
        (store, instance)
    }

    fn call(&self, (store, instance): &mut Self::Instance, export: &str, input: &[u8]) -> Vec<u8> {
        let memory: Memory = instance.exports.get_memory("memory").unwrap().clone();
        let alloc: TypedFunction<u32, u32> = instance
            .exports
            .get_typed_function(&*store, "alloc")
            .unwrap();
        let run: TypedFunction<(u32, u32), u64> = instance
            .exports
            .get_typed_function(&*store, export)
            .unwrap();
        let ptr = alloc.call(&mut *store, input.len() as u32).unwrap();
        memory.view(&*store).write(u64::from(ptr), input).unwrap();
        let (out, len) = unpack(run.call(&mut *store, ptr, input.len() as u32).unwrap());
        let mut bytes = vec![0; len as usize];
        memory
            .view(&*store)
            .read(u64::from(out), &mut bytes)
            .unwrap();
        assert_eq!(bytes[0], 0, "the kernel failed");
        bytes.split_off(1)
    }
}

fn main() {
    minimal_hosts::run::<Host>();
}
