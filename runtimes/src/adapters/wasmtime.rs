//! wasmtime (Cranelift), loading the plain core module.

use kernel_embed::Kernel;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use wasmtime::{
    Cache, CacheConfig, Config, Engine, Instance as WtInstance, Memory, Module, Store, TypedFunc,
};

use crate::core_abi::{self, CoreAbi};
use crate::{Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo};

pub struct Wasmtime {
    engine: Engine,
    /// An engine with wasmtime's disk cache in a given directory, made on first use so its
    /// setup is not part of any timed compile.
    cached_engine: RefCell<Option<(PathBuf, Engine)>>,
}

impl Wasmtime {
    pub fn new() -> Result<Self, RuntimeError> {
        // Defaults on purpose (Cranelift, opt-level speed, parallel compilation). The disk
        // cache is off unless configured, so every `compile` starts from the bytes.
        let engine = Engine::new(&Config::new()).map_err(RuntimeError::setup)?;
        Ok(Self {
            engine,
            cached_engine: RefCell::new(None),
        })
    }

    fn engine_with_cache(&self, dir: &Path) -> Result<Engine, RuntimeError> {
        let mut slot = self.cached_engine.borrow_mut();
        if let Some((_, engine)) = slot.as_ref().filter(|(d, _)| d == dir) {
            return Ok(engine.clone());
        }
        let mut cache = CacheConfig::new();
        cache.with_directory(dir);
        let cache = Cache::new(cache).map_err(RuntimeError::setup)?;
        let mut config = Config::new();
        config.cache(Some(cache));
        let engine = Engine::new(&config).map_err(RuntimeError::setup)?;
        *slot = Some((dir.to_path_buf(), engine.clone()));
        Ok(engine)
    }

    fn compiled(&self, kernel: &Kernel, module: Module) -> Box<dyn Compiled> {
        Box::new(WtModule {
            engine: self.engine.clone(),
            module,
            export: kernel.export,
        })
    }
}

impl Runtime for Wasmtime {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            name: "wasmtime",
            crate_name: "wasmtime",
            crate_version: env!("PLUGBENCH_DEP_WASMTIME"),
            config: "Cranelift, opt-level speed, parallel compilation, compilation cache off (on only for `compile (cached)`)".into(),
            guest: GuestFormat::CoreModule,
            supports_artifacts: true,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let module = Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?;
        Ok(self.compiled(kernel, module))
    }

    fn compile_cached(
        &self,
        kernel: &Kernel,
        bytes: &[u8],
        cache_dir: &Path,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        let engine = self.engine_with_cache(cache_dir)?;
        let module = Module::new(&engine, bytes).map_err(RuntimeError::compile)?;
        Ok(Box::new(WtModule {
            engine,
            module,
            export: kernel.export,
        }))
    }

    fn load_artifact(
        &self,
        kernel: &Kernel,
        artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        // SAFETY: the artifact was produced by `serialize` on this engine in this process.
        let module = unsafe { Module::deserialize(&self.engine, artifact) }
            .map_err(RuntimeError::compile)?;
        Ok(self.compiled(kernel, module))
    }
}

struct WtModule {
    engine: Engine,
    module: Module,
    export: &'static str,
}

impl Compiled for WtModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let mut store = Store::new(&self.engine, ());
        let instance =
            WtInstance::new(&mut store, &self.module, &[]).map_err(RuntimeError::instantiate)?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| RuntimeError::Instantiate("module exports no `memory`".into()))?;
        let alloc = instance
            .get_typed_func(&mut store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .get_typed_func(&mut store, self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(WtInstanceState {
            store,
            memory,
            alloc,
            run,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.module.serialize().map_err(RuntimeError::compile)
    }
}

struct WtInstanceState {
    store: Store<()>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    run: TypedFunc<(u32, u32), u64>,
}

impl CoreAbi for WtInstanceState {
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

impl Instance for WtInstanceState {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}
