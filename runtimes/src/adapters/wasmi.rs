//! wasmi, the interpreter, loading the plain core module.

use kernel_embed::Kernel;
use wasmi::{Config, Engine, Linker, Memory, Module, Store, TypedFunc};

use crate::core_abi::{self, CoreAbi};
use crate::{Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo};

pub struct Wasmi {
    engine: Engine,
}

impl Wasmi {
    pub fn new() -> Result<Self, RuntimeError> {
        // Defaults on purpose: what a user gets. Lazy translation means `compile` validates
        // and the first call of each function pays for its translation.
        Ok(Self {
            engine: Engine::new(&Config::default()),
        })
    }
}

impl Runtime for Wasmi {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            name: "wasmi",
            crate_name: "wasmi",
            crate_version: env!("PLUGBENCH_DEP_WASMI"),
            config: "interpreter, default config (lazy translation: validated at compile, translated on first use)"
                .into(),
            guest: GuestFormat::CoreModule,
            supports_artifacts: false,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let module = Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?;
        Ok(Box::new(WiModule {
            engine: self.engine.clone(),
            module,
            export: kernel.export,
        }))
    }
}

struct WiModule {
    engine: Engine,
    module: Module,
    export: &'static str,
}

impl Compiled for WiModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let mut store = Store::new(&self.engine, ());
        let instance = Linker::<()>::new(&self.engine)
            .instantiate_and_start(&mut store, &self.module)
            .map_err(RuntimeError::instantiate)?;
        let memory = instance
            .get_memory(&store, "memory")
            .ok_or_else(|| RuntimeError::Instantiate("module exports no `memory`".into()))?;
        let alloc = instance
            .get_typed_func(&store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .get_typed_func(&store, self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(WiInstance {
            store,
            memory,
            alloc,
            run,
        }))
    }
}

struct WiInstance {
    store: Store<()>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    run: TypedFunc<(u32, u32), u64>,
}

impl CoreAbi for WiInstance {
    fn alloc(&mut self, len: u32) -> Result<u32, RuntimeError> {
        self.alloc
            .call(&mut self.store, len)
            .map_err(RuntimeError::call)
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), RuntimeError> {
        core_abi::copy_in(self.memory.data_mut(&mut self.store), ptr, bytes)
    }
    fn run(&mut self, ptr: u32, len: u32) -> Result<u64, RuntimeError> {
        self.run
            .call(&mut self.store, (ptr, len))
            .map_err(RuntimeError::call)
    }
    fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, RuntimeError> {
        core_abi::copy_out(self.memory.data(&self.store), ptr, len)
    }
}

impl Instance for WiInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}
