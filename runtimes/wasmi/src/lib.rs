//! wasmi, the interpreter, loading the plain core module; optionally with a sandbox guard.

use std::borrow::Cow;
mod wasi;

use std::path::Path;

use wasmi::{
    CompilationMode, Config, Engine, Linker, Memory, Module, Store, StoreLimits,
    StoreLimitsBuilder, TypedFunc, Val, F32, F64,
};

use runtimes::core_abi::{self, CoreAbi};
use runtimes::program::{compile_links, core_program, link_error, Code};
use runtimes::{
    AnyInstance, AnyModule, Compiled, Configuration, Guard, GuardSupport, GuestFormat, Instance,
    Program, Runtime, RuntimeError, RuntimeInfo, Symptom, Value, FUEL, MEMORY_LIMIT_BYTES,
};

/// What each store carries: the memory limits, consulted only when the guard is on.
struct HostState {
    limits: StoreLimits,
}

/// When wasmi validates a function and turns it into its own bytecode.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// wasmi's default: `compile` validates, each function is translated on its first call.
    LazyTranslation,
    /// Everything validated and translated in `compile`.
    Eager,
    /// Each function validated and translated on its first call: the fastest start, but an
    /// invalid function is found only when it is called.
    Lazy,
}

impl Mode {
    fn description(self) -> &'static str {
        match self {
            Mode::LazyTranslation => "interpreter, default config (lazy translation: validated at compile, translated on first use)",
            Mode::Eager => "interpreter, eager translation (validated and translated at compile)",
            Mode::Lazy => "interpreter, lazy validation and translation (each function validated and translated on first use)",
        }
    }
}

/// wasmi is measured with its default features, and SIMD is not among them.
const NO_SIMD: &str =
    "SIMD is the wasmi crate's `simd` feature, not in its defaults (which plugbench measures)";

pub fn configurations() -> Vec<Configuration> {
    let guards = || {
        vec![
            (
                Guard::Fuel,
                GuardSupport::offered("Config::consume_fuel + Store::set_fuel"),
            ),
            (
                Guard::Deadline,
                GuardSupport::not_offered(
                    "no epoch or deadline interruption (fuel is the way to bound a call)",
                ),
            ),
            (
                Guard::MemoryLimit,
                GuardSupport::offered(format!(
                    "StoreLimits via Store::limiter ({})",
                    runtimes::memory_limit_text()
                )),
            ),
        ]
    };
    vec![
        Configuration::new("wasmi", guards(), |g| {
            Wasmi::new(Mode::LazyTranslation, g)
        })
        .no_simd(NO_SIMD),
        Configuration::new("wasmi-lazy", guards(), |g| Wasmi::new(Mode::Lazy, g))
            .no_simd(NO_SIMD)
            // runner/tests/any_module.rs: lazy_wasmi_compiles_an_invalid_function_it_never_calls
            .known(
                Symptom::AcceptsInvalid,
                "wasmi's lazy mode validates a function on its first call, so a module the others \
                 reject as invalid compiles, and runs while the invalid function is not called: \
                 by design (CompilationMode::Lazy)",
            ),
        Configuration::new("wasmi-eager", guards(), |g| {
            Wasmi::new(Mode::Eager, g)
        })
        .no_simd(NO_SIMD)
        // runner/tests/fuzz.rs: the_wasmi_translator_panic_is_known_and_still_there
        .known(
            Symptom::CrashesWith(Cow::Borrowed("wasmi-2.0.0/src/engine/translator/func/mod.rs:2583")),
            "wasmi 2.0.0 panics (unreachable!) translating a memory store of this valid module: \
             wasmi bug, a host would crash (lazy wasmi translates a function on its first call, \
             and this one is not called here)",
        ),
    ]
}

pub struct Wasmi {
    translation: Mode,
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
}

impl Wasmi {
    /// wasmi has no deadline interruption; fuel is how it bounds execution.
    pub fn new(translation: Mode, sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        if sandbox == Some(Guard::Deadline) {
            return Err(RuntimeError::Unsupported);
        }
        // Defaults on purpose, apart from the translation mode: what a user gets. With lazy
        // translation `compile` validates and the first call of each function pays for its
        // translation; with lazy validation that first call validates it too.
        let mut config = Config::default();
        config.compilation_mode(match translation {
            Mode::LazyTranslation => CompilationMode::LazyTranslation,
            Mode::Eager => CompilationMode::Eager,
            Mode::Lazy => CompilationMode::Lazy,
        });
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
            translation,
            sandbox,
            engine,
            linker,
        })
    }
}

impl Runtime for Wasmi {
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
            config: format!("{}{guard}", self.translation.description()),
            guest: GuestFormat::CoreModule,
            supports_artifacts: false,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        match program.unlinked().0 {
            Program::Wasi(setup) => Self::wasi_support_for(setup),
            other => self.info().guest.hosts(other),
        }
    }

    /// wasmi has no compilation cache (nor artifacts: it translates at load).
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        if cache.is_some() {
            return Err(RuntimeError::Unsupported);
        }
        core_program(program, self.code(bytes)?)
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        Ok(Box::new(self.code(bytes)?))
    }
}

impl Wasmi {
    fn code(&self, bytes: &[u8]) -> Result<WiCode, RuntimeError> {
        Ok(WiCode {
            sandbox: self.sandbox,
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            module: Module::new(&self.engine, bytes).map_err(RuntimeError::compile)?,
            links: Vec::new(),
        })
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
        Some(Guard::MemoryLimit) => store.limiter(move |s| limits(s)),
        None | Some(Guard::Deadline) => {}
    }
    Ok(store)
}

/// A compiled module with the engine and guard it runs under.
struct WiCode {
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<HostState>,
    module: Module,
    /// The modules it imports from, by import module name (`--link`).
    links: Vec<(String, Module)>,
}

impl WiCode {
    /// A store with the guard switched on, and the module instantiated (and started) in it.
    fn start(&self) -> Result<(Store<HostState>, wasmi::Instance), RuntimeError> {
        let mut store = guarded_store(
            &self.engine,
            self.sandbox,
            |limits| HostState { limits },
            |s| &mut s.limits,
        )?;
        let instance = instantiate_linked(&self.linker, &mut store, &self.links, &self.module)?;
        Ok((store, instance))
    }
}

/// `module` instantiated (and started) in `store` after the modules it imports from, each
/// defined under its import module name in a copy of `linker` (a reactor's `_initialize` run
/// first).
pub(crate) fn instantiate_linked<T: 'static>(
    linker: &Linker<T>,
    store: &mut Store<T>,
    links: &[(String, Module)],
    module: &Module,
) -> Result<wasmi::Instance, RuntimeError> {
    let mut linker = linker.clone();
    for (name, link) in links {
        let failed = |e: wasmi::Error| link_error(name, e, RuntimeError::Instantiate);
        let instance = linker
            .instantiate_and_start(&mut *store, link)
            .map_err(failed)?;
        if let Some(init) = instance.get_func(&*store, "_initialize") {
            init.call(&mut *store, &[], &mut []).map_err(failed)?;
        }
        linker
            .instance(&mut *store, name, instance)
            .map_err(failed)?;
    }
    linker
        .instantiate_and_start(&mut *store, module)
        .map_err(RuntimeError::instantiate)
}

struct WiModule {
    code: WiCode,
    export: String,
}

impl Compiled for WiModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let (store, instance) = self.code.start()?;
        let memory = instance
            .get_memory(&store, "memory")
            .ok_or_else(|| RuntimeError::Instantiate("module exports no `memory`".into()))?;
        let alloc = instance
            .get_typed_func(&store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .get_typed_func(&store, &self.export)
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

impl Code for WiCode {
    fn byte_abi(self, export: String) -> Box<dyn Compiled> {
        Box::new(WiModule { code: self, export })
    }

    fn wasi(self) -> Result<Box<dyn runtimes::WasiProgram>, RuntimeError> {
        crate::wasi::wasi_program(self.engine, self.module, self.sandbox, self.links)
    }

    fn link(self, links: &[runtimes::Link]) -> Result<Self, RuntimeError> {
        let links = compile_links(links, |bytes| Module::new(&self.engine, bytes))?;
        Ok(WiCode { links, ..self })
    }
}

impl AnyModule for WiCode {
    fn instantiate(&self) -> Result<Box<dyn AnyInstance>, RuntimeError> {
        let (store, instance) = self.start()?;
        Ok(Box::new(WiAnyInstance {
            store,
            instance,
            func: None,
        }))
    }
}

struct WiAnyInstance {
    store: Store<HostState>,
    instance: wasmi::Instance,
    /// The last export called, with its number of results.
    func: Option<(String, (wasmi::Func, usize))>,
}

pub(crate) fn to_val(value: &Value) -> Val {
    match *value {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(bits) => Val::F32(F32::from_bits(bits)),
        Value::F64(bits) => Val::F64(F64::from_bits(bits)),
    }
}

pub(crate) fn from_val(val: &Val) -> Option<Value> {
    match val {
        Val::I32(v) => Some(Value::I32(*v)),
        Val::I64(v) => Some(Value::I64(*v)),
        Val::F32(v) => Some(Value::F32(v.to_bits())),
        Val::F64(v) => Some(Value::F64(v.to_bits())),
        _ => None,
    }
}

impl AnyInstance for WiAnyInstance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, RuntimeError> {
        let (instance, store) = (self.instance, &self.store);
        let (func, results) = runtimes::resolved(&mut self.func, export, || {
            let func = instance
                .get_func(store, export)
                .ok_or_else(|| RuntimeError::Call(format!("no exported function `{export}`")))?;
            Ok((func, func.ty(store).results().len()))
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
        let global = self.instance.get_global(&self.store, export)?;
        from_val(&global.get(&self.store))
    }

    fn memory(&mut self, export: &str) -> Option<(u64, u64)> {
        let memory = self.instance.get_memory(&self.store, export)?;
        let data = memory.data(&self.store);
        Some((data.len() as u64, runtimes::digest(data)))
    }
}
