//! wasmi 0.31 on the kernels' core modules (plugbench's byte ABI), with its default settings.

use std::path::Path;

use wasmi::{
    Config, Engine, Linker, Memory, Module, Store, StoreLimits, StoreLimitsBuilder, TypedFunc,
};

use runtimes::core_abi::{self, CoreAbi};
use runtimes::{
    Compiled, Guard, GuestFormat, Instance, Program, Runtime, RuntimeError, RuntimeInfo, FUEL,
    MEMORY_LIMIT_BYTES,
};

/// What each store carries: the memory limits, consulted only when the guard is on.
struct HostState {
    limits: StoreLimits,
}

pub struct OldWasmi {
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
}

impl OldWasmi {
    pub fn new(sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        if sandbox == Some(Guard::Deadline) {
            return Err(RuntimeError::Unsupported);
        }
        let mut config = Config::default();
        if sandbox == Some(Guard::Fuel) {
            config.consume_fuel(true);
        }
        let engine = Engine::new(&config);
        // The host API every instance imports, defined once like a plugin host would.
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                core_abi::HOST_MODULE,
                core_abi::HOST_MIX,
                kernel_embed::host_mix,
            )
            .map_err(RuntimeError::setup)?;
        Ok(Self {
            sandbox,
            engine,
            linker,
        })
    }
}

impl Runtime for OldWasmi {
    fn info(&self) -> RuntimeInfo {
        let guard = match self.sandbox {
            Some(Guard::Fuel) => "; fuel metering on, fuel never runs out here".into(),
            Some(Guard::MemoryLimit) => format!(
                "; StoreLimits: linear memory capped at {} per instance",
                runtimes::memory_limit_text()
            ),
            None | Some(Guard::Deadline) => String::new(),
        };
        RuntimeInfo {
            crate_name: "wasmi".into(),
            crate_version: env!("PLUGBENCH_DEP_WASMI").into(),
            config: format!(
                "interpreter, default config (validated and translated at compile): the version \
                 wasm_component_layer runs on{guard}"
            ),
            guest: GuestFormat::CoreModule,
            supports_artifacts: false,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        crate::kernel_of(program, None).map(drop)
    }

    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        let kernel = crate::kernel_of(program, cache).map_err(|_| RuntimeError::Unsupported)?;
        Ok(Box::new(OldModule {
            sandbox: self.sandbox,
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            module: Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?,
            export: kernel.export,
        }))
    }
}

struct OldModule {
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
    module: Module,
    export: &'static str,
}

impl Compiled for OldModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(MEMORY_LIMIT_BYTES)
            .build();
        let mut store = Store::new(&self.engine, HostState { limits });
        match self.sandbox {
            Some(Guard::Fuel) => store.add_fuel(FUEL).map_err(RuntimeError::instantiate)?,
            Some(Guard::MemoryLimit) => store.limiter(|s| &mut s.limits),
            None | Some(Guard::Deadline) => {}
        }
        let instance = self
            .linker
            .instantiate(&mut store, &self.module)
            .and_then(|pre| pre.start(&mut store))
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
        Ok(Box::new(OldInstance {
            store,
            memory,
            alloc,
            run,
        }))
    }
}

struct OldInstance {
    store: Store<HostState>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    run: TypedFunc<(u32, u32), u64>,
}

impl CoreAbi for OldInstance {
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

impl Instance for OldInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}
