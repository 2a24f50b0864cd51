//! wasmi, the interpreter, loading the plain core module; optionally with a sandbox guard.

use kernel_embed::Kernel;
use wasmi::{
    Config, Engine, Linker, Memory, Module, Store, StoreLimits, StoreLimitsBuilder, TypedFunc,
};

use crate::core_abi::{self, CoreAbi};
use crate::{
    Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo, Sandbox, FUEL,
    MEMORY_LIMIT_BYTES,
};

/// What each store carries: the memory limits, consulted only when the guard is on.
struct HostState {
    limits: StoreLimits,
}

pub struct Wasmi {
    sandbox: Sandbox,
    engine: Engine,
    linker: Linker<HostState>,
}

impl Wasmi {
    /// wasmi has no deadline interruption; fuel is how it bounds execution.
    pub fn new(sandbox: Sandbox) -> Result<Self, RuntimeError> {
        if sandbox == Sandbox::Deadline {
            return Err(RuntimeError::Unsupported);
        }
        // Defaults on purpose: what a user gets. Lazy translation means `compile` validates
        // and the first call of each function pays for its translation.
        let mut config = Config::default();
        if sandbox == Sandbox::Fuel {
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

impl Runtime for Wasmi {
    fn info(&self) -> RuntimeInfo {
        let (name, guard) = match self.sandbox {
            Sandbox::Fuel => ("wasmi+fuel", "; fuel metering on, fuel never runs out here"),
            Sandbox::MemoryLimit => (
                "wasmi+memory-limit",
                "; StoreLimits: linear memory capped at 256 MiB per instance",
            ),
            Sandbox::Off | Sandbox::Deadline => ("wasmi", ""),
        };
        RuntimeInfo {
            name,
            crate_name: "wasmi",
            crate_version: env!("PLUGBENCH_DEP_WASMI"),
            config: format!("interpreter, default config (lazy translation: validated at compile, translated on first use){guard}"),
            guest: GuestFormat::CoreModule,
            supports_artifacts: false,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let module = Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?;
        Ok(Box::new(WiModule {
            sandbox: self.sandbox,
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            module,
            export: kernel.export,
        }))
    }
}

struct WiModule {
    sandbox: Sandbox,
    engine: Engine,
    linker: Linker<HostState>,
    module: Module,
    export: &'static str,
}

impl Compiled for WiModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(MEMORY_LIMIT_BYTES)
            .build();
        let mut store = Store::new(&self.engine, HostState { limits });
        match self.sandbox {
            Sandbox::Fuel => store.set_fuel(FUEL).map_err(RuntimeError::instantiate)?,
            Sandbox::MemoryLimit => store.limiter(|state| &mut state.limits),
            Sandbox::Off | Sandbox::Deadline => {}
        }
        let instance = self
            .linker
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
    store: Store<HostState>,
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
