//! wasmer with either of its compilers (Cranelift or Singlepass), loading the plain core module.

use kernel_embed::Kernel;
use wasmer::{imports, Engine, Instance as WmInstance, Memory, Module, Store, TypedFunction};

use crate::core_abi::{self, CoreAbi};
use crate::{Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo};

pub struct Wasmer {
    name: &'static str,
    config: &'static str,
    engine: Engine,
}

impl Wasmer {
    #[cfg(feature = "wasmer-cranelift")]
    pub fn cranelift() -> Result<Self, RuntimeError> {
        Ok(Self {
            name: "wasmer-cranelift",
            config: "Cranelift compiler, default settings (opt-level speed), no cache",
            engine: wasmer::sys::Cranelift::default().into(),
        })
    }

    #[cfg(feature = "wasmer-singlepass")]
    pub fn singlepass() -> Result<Self, RuntimeError> {
        Ok(Self {
            name: "wasmer-singlepass",
            config: "Singlepass compiler (linear-time code generation), no cache",
            engine: wasmer::sys::Singlepass::default().into(),
        })
    }

    fn compiled(&self, kernel: &Kernel, module: Module) -> Box<dyn Compiled> {
        Box::new(WmModule {
            engine: self.engine.clone(),
            module,
            export: kernel.export,
        })
    }
}

impl Runtime for Wasmer {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            name: self.name,
            crate_name: "wasmer",
            crate_version: env!("PLUGBENCH_DEP_WASMER"),
            config: self.config.into(),
            guest: GuestFormat::CoreModule,
            supports_artifacts: true,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let module = Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?;
        Ok(self.compiled(kernel, module))
    }

    fn load_artifact(
        &self,
        kernel: &Kernel,
        artifact: &[u8],
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        // SAFETY: the artifact was produced by `serialize` on this engine in this process.
        let module = unsafe { Module::deserialize(&self.engine, artifact.to_vec()) }
            .map_err(RuntimeError::compile)?;
        Ok(self.compiled(kernel, module))
    }
}

struct WmModule {
    engine: Engine,
    module: Module,
    export: &'static str,
}

impl Compiled for WmModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let mut store = Store::new(self.engine.clone());
        let instance = WmInstance::new(&mut store, &self.module, &imports! {})
            .map_err(RuntimeError::instantiate)?;
        let memory = instance
            .exports
            .get_memory("memory")
            .map_err(RuntimeError::instantiate)?
            .clone();
        let alloc = instance
            .exports
            .get_typed_function(&store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .exports
            .get_typed_function(&store, self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(WmInstanceState {
            store,
            memory,
            alloc,
            run,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.module
            .serialize()
            .map(|b| b.to_vec())
            .map_err(RuntimeError::compile)
    }
}

struct WmInstanceState {
    store: Store,
    memory: Memory,
    alloc: TypedFunction<u32, u32>,
    run: TypedFunction<(u32, u32), u64>,
}

impl CoreAbi for WmInstanceState {
    fn alloc(&mut self, len: u32) -> Result<u32, RuntimeError> {
        self.alloc
            .call(&mut self.store, len)
            .map_err(RuntimeError::call)
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), RuntimeError> {
        self.memory
            .view(&self.store)
            .write(u64::from(ptr), bytes)
            .map_err(RuntimeError::call)
    }
    fn run(&mut self, ptr: u32, len: u32) -> Result<u64, RuntimeError> {
        self.run
            .call(&mut self.store, ptr, len)
            .map_err(RuntimeError::call)
    }
    fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, RuntimeError> {
        let start = u64::from(ptr);
        self.memory
            .view(&self.store)
            .copy_range_to_vec(start..start + u64::from(len))
            .map_err(RuntimeError::call)
    }
}

impl Instance for WmInstanceState {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}
