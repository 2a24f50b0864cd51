//! wasmer 7.4 with the compiler of the bin that includes this file (its `engine()`): the
//! minimal host of every wasmer configuration.

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use wasmer::{imports, Engine, Function, Instance, Memory, Module, Store, TypedFunction};

pub struct Host {
    engine: Engine,
}

impl Embedding for Host {
    type Module = Module;
    type Instance = (Store, Instance);

    fn new() -> Self {
        Host {
            engine: crate::engine(),
        }
    }

    fn compile(&self, kernel: &Kernel) -> Module {
        let module = Module::new(&self.engine, kernel_embed::core_module(kernel)).unwrap();
        if module
            .imports()
            .any(|i| i.module() == minimal_hosts::WASI_MODULE)
        {
            wasi_layer::run_command(&self.engine, &module);
        }
        module
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

/// WASI through wasmer-wasix, for a module that imports it (no kernel does), as the worker's
/// adapter offers it in a build with its WASI layer: on a tokio runtime, as wasmer-wasix needs.
mod wasi_layer {
    use wasmer::{Engine, Module};

    #[cfg(feature = "wasi")]
    pub fn run_command(engine: &Engine, module: &Module) {
        use std::sync::Arc;
        use wasmer_wasix::runtime::task_manager::tokio::TokioTaskManager;
        use wasmer_wasix::runtime::PluggableRuntime;
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let _inside = tokio.enter();
        let mut runtime =
            PluggableRuntime::new(Arc::new(TokioTaskManager::new(tokio.handle().clone())));
        runtime.set_engine(engine.clone());
        let mut store = wasmer::Store::new(engine.clone());
        let (instance, _env) = wasmer_wasix::WasiEnv::builder("plugin")
            .runtime(Arc::new(runtime))
            .instantiate(module.clone(), &mut store)
            .unwrap();
        let start = instance.exports.get_function("_start").unwrap();
        start.call(&mut store, &[]).unwrap();
    }

    #[cfg(not(feature = "wasi"))]
    pub fn run_command(_: &Engine, _: &Module) {
        panic!("this minimal host is built without WASI");
    }
}
