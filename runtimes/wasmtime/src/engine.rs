//! A wasmtime runtime in one of the configurations a plugin host picks between. Written
//! against the wasmtime API that this crate's and `runtime-wasmtime43`'s versions share: that
//! crate compiles this file against the wasmtime extism embeds (`#[path]`), so two versions
//! run the same host code. The crate that includes it provides `crate::build_note()`, what
//! its build adds to the configuration's description.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, Linker, Memory, Module,
    PoolingAllocationConfig, Store, StoreLimits, StoreLimitsBuilder, Strategy, TypedFunc, Val,
};

use runtimes::core_abi::{self, CoreAbi};
use runtimes::program::{compile_links, core_program, link_error, Code};
use runtimes::{
    AnyInstance, AnyModule, Compiled, Guard, GuestFormat, Instance, Program, Runtime, RuntimeError,
    RuntimeInfo, Value, FUEL, MEMORY_LIMIT_BYTES,
};

/// What each store carries: the memory limits, consulted only when the guard is on.
struct HostState {
    limits: StoreLimits,
}

/// Which wasmtime a host embeds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Cranelift,
    Winch,
    Pulley,
    /// Cranelift with instances from a pool of preallocated slots.
    Pooling,
    /// Cranelift for a host that cannot install signal handlers or reserve virtual memory
    /// (embedded, or a process whose runtime owns the signals): every memory access and
    /// division is checked in the generated code.
    NoSignals,
}

/// Slots of the pooling allocator: more than any measurement here keeps alive at once.
const POOL_SLOTS: u32 = 128;

impl Flavor {
    pub(crate) fn description(self) -> String {
        match self {
            Flavor::Cranelift => "Cranelift, opt-level speed, parallel compilation".into(),
            Flavor::Winch => "Winch baseline compiler (single pass, no optimisation)".into(),
            Flavor::Pulley => "Pulley interpreter (Cranelift compiles to Pulley bytecode; no native code at run time)".into(),
            Flavor::Pooling => format!("Cranelift with the pooling instance allocator ({POOL_SLOTS} preallocated slots, default limits)"),
            Flavor::NoSignals => "Cranelift without signal handlers or virtual-memory reservation (signals_based_traps false, memory_reservation 0, memory_guard_size 0): bounds and traps checked in code, memory moves when it grows".into(),
        }
    }

    fn apply(self, config: &mut Config) -> Result<(), RuntimeError> {
        match self {
            Flavor::Cranelift => {}
            Flavor::Winch => {
                config.strategy(Strategy::Winch);
            }
            Flavor::Pulley => {
                config.target(PULLEY_TARGET).map_err(RuntimeError::setup)?;
            }
            Flavor::Pooling => {
                let mut pool = PoolingAllocationConfig::new();
                pool.total_core_instances(POOL_SLOTS)
                    .total_memories(POOL_SLOTS)
                    .total_tables(POOL_SLOTS);
                config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
            }
            Flavor::NoSignals => {
                config
                    .signals_based_traps(false)
                    .memory_reservation(0)
                    .memory_guard_size(0);
            }
        }
        Ok(())
    }
}

/// Pulley's target for a 64-bit little-endian host.
const PULLEY_TARGET: &str = "pulley64";

pub struct Wasmtime {
    flavor: Flavor,
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
    /// An engine with wasmtime's disk cache in a given directory, made on first use so its
    /// setup is not part of any timed compile.
    cached_engine: RefCell<Option<(PathBuf, Engine, Linker<HostState>)>>,
}

/// The guards every flavor offers, and how.
pub fn guards() -> Vec<(Guard, runtimes::GuardSupport)> {
    use runtimes::GuardSupport;
    vec![
        (
            Guard::Fuel,
            GuardSupport::offered("Config::consume_fuel + Store::set_fuel"),
        ),
        (
            Guard::Deadline,
            GuardSupport::offered("Config::epoch_interruption + Store::set_epoch_deadline"),
        ),
        (
            Guard::MemoryLimit,
            GuardSupport::offered(format!(
                "StoreLimits via Store::limiter ({})",
                runtimes::memory_limit_text()
            )),
        ),
    ]
}

/// The host API every instance imports, made once per engine like a plugin host would.
fn host_linker(engine: &Engine) -> Result<Linker<HostState>, RuntimeError> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            core_abi::HOST_MODULE,
            core_abi::HOST_MIX,
            kernel_embed::host_mix,
        )
        .map_err(RuntimeError::setup)?;
    Ok(linker)
}

impl Wasmtime {
    pub fn new(flavor: Flavor, sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        let engine = Engine::new(&Self::config(flavor, sandbox)?).map_err(RuntimeError::setup)?;
        Ok(Self {
            flavor,
            sandbox,
            linker: host_linker(&engine)?,
            engine,
            cached_engine: RefCell::new(None),
        })
    }

    /// Defaults on purpose (Cranelift, opt-level speed, parallel compilation) plus the guard's
    /// code generation. The disk cache is off unless configured, so every `compile` starts from the bytes.
    pub(crate) fn config(flavor: Flavor, sandbox: Option<Guard>) -> Result<Config, RuntimeError> {
        let mut config = Config::new();
        flavor.apply(&mut config)?;
        match sandbox {
            Some(Guard::Fuel) => {
                config.consume_fuel(true);
            }
            Some(Guard::Deadline) => {
                config.epoch_interruption(true);
            }
            None | Some(Guard::MemoryLimit) => {}
        }
        Ok(config)
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Module, RuntimeError> {
        // SAFETY: the artifact was produced by `serialize` on this engine in this process.
        unsafe { Module::deserialize(&self.engine, artifact) }.map_err(RuntimeError::compile)
    }

    fn engine_with_cache(&self, dir: &Path) -> Result<(Engine, Linker<HostState>), RuntimeError> {
        let mut slot = self.cached_engine.borrow_mut();
        if let Some((_, engine, linker)) = slot.as_ref().filter(|(d, _, _)| d == dir) {
            return Ok((engine.clone(), linker.clone()));
        }
        let mut cache = CacheConfig::new();
        cache.with_directory(dir);
        let cache = Cache::new(cache).map_err(RuntimeError::setup)?;
        let mut config = Self::config(self.flavor, self.sandbox)?;
        config.cache(Some(cache));
        let engine = Engine::new(&config).map_err(RuntimeError::setup)?;
        let linker = host_linker(&engine)?;
        *slot = Some((dir.to_path_buf(), engine.clone(), linker.clone()));
        Ok((engine, linker))
    }

    fn code(&self, module: Module) -> WtCode {
        WtCode {
            sandbox: self.sandbox,
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            module,
            links: Vec::new(),
        }
    }

    /// `bytes` compiled by this runtime's engine, or by the one with the cache in `cache`.
    fn compile_code(&self, bytes: &[u8], cache: Option<&Path>) -> Result<WtCode, RuntimeError> {
        let (engine, linker) = match cache {
            Some(dir) => self.engine_with_cache(dir)?,
            None => (self.engine.clone(), self.linker.clone()),
        };
        let module = Module::new(&engine, bytes).map_err(RuntimeError::compile)?;
        Ok(WtCode {
            sandbox: self.sandbox,
            engine,
            linker,
            module,
            links: Vec::new(),
        })
    }
}

impl Runtime for Wasmtime {
    fn info(&self) -> RuntimeInfo {
        let guard = guard_words(self.sandbox);
        RuntimeInfo {
            crate_name: "wasmtime".into(),
            crate_version: env!("PLUGBENCH_DEP_WASMTIME").into(),
            config: format!(
                "{}, compilation cache off (on only for `compile (cached)`){}{guard}",
                self.flavor.description(),
                crate::build_note()
            ),
            guest: GuestFormat::CoreModule,
            supports_artifacts: true,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        match program.unlinked().0 {
            Program::Wasi(_) => crate::wasi_built_in(),
            other => self.info().guest.hosts(other),
        }
    }

    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        core_program(program, self.compile_code(bytes, cache)?)
    }

    fn load(&self, program: &Program, artifact: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        core_program(program, self.code(self.deserialize(artifact)?))
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        Ok(Box::new(self.compile_code(bytes, None)?))
    }
}

/// What a guard adds to a configuration's description.
pub(crate) fn guard_words(sandbox: Option<Guard>) -> String {
    match sandbox {
        None => String::new(),
        Some(Guard::Fuel) => "; fuel metering on (consume_fuel), fuel never runs out here".into(),
        Some(Guard::Deadline) => "; epoch interruption on, deadline never reached here".into(),
        Some(Guard::MemoryLimit) => format!(
            "; StoreLimits: linear memory capped at {} per instance",
            runtimes::memory_limit_text()
        ),
    }
}

/// A store holding `state` (made with the memory limits), with `sandbox` switched on.
pub(crate) fn guarded_store<T: 'static>(
    engine: &Engine,
    sandbox: Option<Guard>,
    state: impl FnOnce(StoreLimits) -> T,
    limits: fn(&mut T) -> &mut StoreLimits,
) -> Result<Store<T>, RuntimeError> {
    let memory = StoreLimitsBuilder::new()
        .memory_size(MEMORY_LIMIT_BYTES)
        .build();
    let mut store = Store::new(engine, state(memory));
    match sandbox {
        Some(Guard::Fuel) => store.set_fuel(FUEL).map_err(RuntimeError::instantiate)?,
        // Ticks beyond the current epoch; nothing advances the epoch, so only the checks run.
        Some(Guard::Deadline) => store.set_epoch_deadline(u64::MAX / 2),
        Some(Guard::MemoryLimit) => store.limiter(move |s| limits(s)),
        None => {}
    }
    Ok(store)
}

/// A compiled module with the engine and guard it runs under.
struct WtCode {
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
    module: Module,
    /// The modules it imports from, by import module name (`--link`).
    links: Vec<(String, Module)>,
}

impl WtCode {
    /// A store with the guard switched on, and the module instantiated in it.
    fn start(&self) -> Result<(Store<HostState>, wasmtime::Instance), RuntimeError> {
        let mut store = guarded_store(
            &self.engine,
            self.sandbox,
            |limits| HostState { limits },
            |s| &mut s.limits,
        )?;
        let instance = instantiate_linked(&self.linker, &mut store, &self.links, &self.module)?;
        Ok((store, instance))
    }

    /// The module's artifact; a module with linked modules has none (it would not hold them).
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        if !self.links.is_empty() {
            return Err(RuntimeError::Unsupported);
        }
        self.module.serialize().map_err(RuntimeError::compile)
    }
}

/// `module` instantiated in `store` after the modules it imports from, each defined under its
/// import module name in a copy of `linker` (a reactor's `_initialize` run first).
pub(crate) fn instantiate_linked<T: 'static>(
    linker: &Linker<T>,
    store: &mut Store<T>,
    links: &[(String, Module)],
    module: &Module,
) -> Result<wasmtime::Instance, RuntimeError> {
    if links.is_empty() {
        return linker
            .instantiate(&mut *store, module)
            .map_err(RuntimeError::instantiate);
    }
    let mut linker = linker.clone();
    for (name, link) in links {
        let failed = |e: wasmtime::Error| link_error(name, e, RuntimeError::Instantiate);
        let instance = linker.instantiate(&mut *store, link).map_err(failed)?;
        if let Some(init) = instance.get_func(&mut *store, "_initialize") {
            init.call(&mut *store, &[], &mut []).map_err(failed)?;
        }
        linker
            .instance(&mut *store, name, instance)
            .map_err(failed)?;
    }
    linker
        .instantiate(&mut *store, module)
        .map_err(RuntimeError::instantiate)
}

struct WtModule {
    code: WtCode,
    export: String,
}

impl Compiled for WtModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let (mut store, instance) = self.code.start()?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| RuntimeError::Instantiate("module exports no `memory`".into()))?;
        let alloc = instance
            .get_typed_func(&mut store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .get_typed_func(&mut store, &self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(WtInstanceState {
            store,
            memory,
            alloc,
            run,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.code.serialize()
    }
}

struct WtInstanceState {
    store: Store<HostState>,
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

impl Code for WtCode {
    fn byte_abi(self, export: String) -> Box<dyn Compiled> {
        Box::new(WtModule { code: self, export })
    }

    #[cfg(feature = "wasi")]
    fn wasi(self) -> Result<Box<dyn runtimes::WasiProgram>, RuntimeError> {
        crate::wasi::wasi_program(self.engine, self.module, self.sandbox, self.links)
    }

    fn link(self, links: &[runtimes::Link]) -> Result<Self, RuntimeError> {
        Ok(WtCode {
            links: compile_links(links, |bytes| Module::new(&self.engine, bytes))?,
            ..self
        })
    }
}

impl AnyModule for WtCode {
    fn instantiate(&self) -> Result<Box<dyn AnyInstance>, RuntimeError> {
        let (store, instance) = self.start()?;
        Ok(Box::new(WtAnyInstance {
            store,
            instance,
            func: None,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        WtCode::serialize(self)
    }
}

struct WtAnyInstance {
    store: Store<HostState>,
    instance: wasmtime::Instance,
    /// The last export called, with its number of results.
    func: Option<(String, (wasmtime::Func, usize))>,
}

pub(crate) fn to_val(value: &Value) -> Val {
    match *value {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(bits) => Val::F32(bits),
        Value::F64(bits) => Val::F64(bits),
    }
}

pub(crate) fn from_val(val: &Val) -> Option<Value> {
    match *val {
        Val::I32(v) => Some(Value::I32(v)),
        Val::I64(v) => Some(Value::I64(v)),
        Val::F32(bits) => Some(Value::F32(bits)),
        Val::F64(bits) => Some(Value::F64(bits)),
        _ => None,
    }
}

impl AnyInstance for WtAnyInstance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, RuntimeError> {
        let (instance, store) = (self.instance, &mut self.store);
        let (func, results) = runtimes::resolved(&mut self.func, export, || {
            let func = instance
                .get_func(&mut *store, export)
                .ok_or_else(|| RuntimeError::Call(format!("no exported function `{export}`")))?;
            Ok((func, func.ty(&*store).results().len()))
        })?;
        let mut out = vec![Val::I32(0); results];
        let args: Vec<Val> = args.iter().map(to_val).collect();
        func.call(&mut self.store, &args, &mut out)
            .map_err(RuntimeError::call)?;
        out.iter()
            .map(|v| from_val(v).ok_or_else(|| runtimes::not_a_number(v)))
            .collect()
    }

    fn global(&mut self, export: &str) -> Option<Value> {
        let global = self.instance.get_global(&mut self.store, export)?;
        from_val(&global.get(&mut self.store))
    }

    fn memory(&mut self, export: &str) -> Option<(u64, u64)> {
        let memory = self.instance.get_memory(&mut self.store, export)?;
        let data = memory.data(&self.store);
        Some((data.len() as u64, runtimes::digest(data)))
    }
}
