//! wasmer with its Cranelift and Singlepass compilers, loading the plain core module; optionally
//! with instruction metering (wasmer-middlewares) or a memory cap (tunables). Its LLVM compiler
//! is the crate `runtime-wasmer-llvm`, which configures this adapter with it.

use std::borrow::Cow;
#[cfg(feature = "wasi")]
mod wasi;

use std::path::Path;

use wasmer::{
    imports, Engine, Function, Instance as WmInstance, Memory, Module, Store, TypedFunction,
    Value as WmValue,
};

use runtimes::core_abi::{self, CoreAbi};
use runtimes::program::{compile_links, core_program, link_error, Code};
use std::ptr::NonNull;

use wasmer::sys::vm::{VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, NativeEngineExt, Tunables};
use wasmer::{MemoryError, MemoryStyle, MemoryType, Pages, TableStyle, TableType};

use runtimes::{
    AnyInstance, AnyModule, Compiled, Configuration, Guard, GuardSupport, GuestFormat, Instance,
    Program, Runtime, RuntimeError, RuntimeInfo, Symptom, Value, FUEL,
};

/// One of wasmer's compilers: its description and the function that makes its engine. A
/// worker names the compilers it offers by their functions (`cranelift()`, ...), so a binary
/// holds the code of those compilers only.
#[derive(Clone, Copy)]
pub struct Compiler {
    description: &'static str,
    engine: fn(metered: bool) -> Engine,
}

impl Compiler {
    /// A compiler of another crate (LLVM's): `engine` makes its engine, metered or not
    /// ([`with_metering`]).
    pub fn new(description: &'static str, engine: fn(metered: bool) -> Engine) -> Compiler {
        Compiler {
            description,
            engine,
        }
    }
}

/// Both compilers offer the same guards.
fn guards() -> Vec<(Guard, GuardSupport)> {
    vec![
        (
            Guard::Fuel,
            GuardSupport::offered("wasmer-middlewares Metering, pushed into the compiler config"),
        ),
        (
            Guard::Deadline,
            GuardSupport::not_offered(
                "no epoch or deadline interruption (metering is the way to bound a call)",
            ),
        ),
        (
            Guard::MemoryLimit,
            GuardSupport::offered(format!(
                "a custom Tunables (set on the engine) capping every memory's maximum at {}",
                runtimes::memory_limit_text()
            )),
        ),
    ]
}

/// Every compiler built in.
pub fn configurations() -> Vec<Configuration> {
    let all: Vec<fn() -> Configuration> = vec![
        #[cfg(feature = "cranelift")]
        cranelift,
        #[cfg(feature = "singlepass")]
        singlepass,
    ];
    all.into_iter()
        .map(|configuration| configuration())
        .collect()
}

/// `name` with `compiler`, each guard offered as every compiler offers it.
pub fn configuration(name: &'static str, compiler: Compiler) -> Configuration {
    Configuration::new(name, guards(), move |g| Wasmer::new(compiler, g))
}

#[cfg(feature = "cranelift")]
pub fn cranelift() -> Configuration {
    let compiler = Compiler {
        description: "Cranelift compiler, default settings (opt-level speed), no cache",
        engine: |metered| with_metering(wasmer::sys::Cranelift::default(), metered),
    };
    configuration("wasmer-cranelift", compiler)
        .runs_simd()
        .known(NO_EXNREF_TABLES.0, NO_EXNREF_TABLES.1)
        // runner/tests/fuzz.rs: wasmer_cranelift_crashes_on_a_module_with_exceptions_and_simd
        .known(
            Symptom::CrashesWith(Cow::Borrowed(
                "cranelift-frontend-0.135.0/src/frontend.rs:512",
            )),
            "wasmer 7.4's Cranelift panics (\"declared type of variable doesn't match type of \
             value\") translating a valid module with exceptions, SIMD and wide arithmetic: \
             wasmer bug, a host would crash",
        )
}

#[cfg(feature = "singlepass")]
pub fn singlepass() -> Configuration {
    let compiler = Compiler {
        description: "Singlepass compiler (linear-time code generation), no cache",
        engine: |metered| with_metering(wasmer::sys::Singlepass::default(), metered),
    };
    configuration("wasmer-singlepass", compiler)
        .no_simd("Singlepass has no Wasm SIMD (its compile says \"not yet implemented: V128...\")")
        // runner/tests/fuzz.rs: singlepass_crashes_on_a_v128_parameter
        .known(
            Symptom::CrashesWith(Cow::Borrowed(
                "wasmer-compiler-singlepass-7.4.2/src/codegen.rs:774",
            )),
            "wasmer 7.4's Singlepass panics (unimplemented!) compiling a call of a function \
             with a v128 parameter or result, instead of refusing the module as it refuses \
             SIMD instructions: wasmer bug, a host would crash",
        )
}

/// runner/tests/fuzz.rs: wasmer_cannot_instantiate_a_table_of_exception_references (Cranelift's
/// and LLVM's).
pub const NO_EXNREF_TABLES: (Symptom, &str) = (
    Symptom::NotInstantiatedWith(Cow::Borrowed(
        "tables of types other than funcref or externref",
    )),
    "wasmer 7.4 compiles a module with a table of exception references (its Cranelift and LLVM \
     run the exceptions proposal) but cannot instantiate it: limitation",
);

pub struct Wasmer {
    config: String,
    compiler: Compiler,
    metered: bool,
    engine: Engine,
}

/// wasmer's way to cap linear memory (it has no per-store setting): tunables that lower every
/// memory's maximum to the cap before the memory is created, so `memory.grow` past it fails.
struct LimitingTunables {
    base: BaseTunables,
    limit: Pages,
}

impl LimitingTunables {
    fn capped(&self, ty: &MemoryType) -> Result<MemoryType, MemoryError> {
        if ty.minimum > self.limit {
            return Err(MemoryError::MinimumMemoryTooLarge {
                min_requested: ty.minimum,
                max_allowed: self.limit,
            });
        }
        let mut capped = *ty;
        capped.maximum = Some(ty.maximum.map_or(self.limit, |m| m.min(self.limit)));
        Ok(capped)
    }
}

impl Tunables for LimitingTunables {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base
            .memory_style(&self.capped(memory).unwrap_or(*memory))
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        self.base.create_host_memory(&self.capped(ty)?, style)
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let capped = self.capped(ty)?;
        // SAFETY: forwarded unchanged from wasmer, which guarantees the location.
        unsafe {
            self.base
                .create_vm_memory(&capped, style, vm_definition_location)
        }
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.base.create_host_table(ty, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: forwarded unchanged from wasmer, which guarantees the location.
        unsafe { self.base.create_vm_table(ty, style, vm_definition_location) }
    }
}

impl Wasmer {
    /// wasmer offers metering (the `Fuel` guard) and memory caps through tunables; it has
    /// no deadline interruption.
    pub fn new(compiler: Compiler, sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        let (metered, limited) = match sandbox {
            None => (false, false),
            Some(Guard::Fuel) => (true, false),
            Some(Guard::MemoryLimit) => (false, true),
            Some(Guard::Deadline) => return Err(RuntimeError::Unsupported),
        };
        let guard = match sandbox {
            None => String::new(),
            Some(Guard::Fuel) => "; metering middleware (1 point per operator, never exhausted here), a fresh engine per compile because the middleware is per module".into(),
            Some(Guard::MemoryLimit) => format!(
                "; tunables cap every linear memory at {}",
                runtimes::memory_limit_text()
            ),
            Some(Guard::Deadline) => unreachable!("refused above"),
        };
        Ok(Self {
            config: format!(
                "{}{}{guard}",
                compiler.description,
                runtimes::wasi_build_note(
                    cfg!(feature = "wasi"),
                    "wasmer-wasix: experimental-async on"
                )
            ),
            compiler,
            metered,
            engine: Self::engine(compiler, metered, limited),
        })
    }

    fn engine(compiler: Compiler, metered: bool, limited: bool) -> Engine {
        let mut engine = (compiler.engine)(metered);
        if limited {
            engine.set_tunables(LimitingTunables {
                base: BaseTunables::new(),
                limit: Pages(runtimes::MEMORY_LIMIT_PAGES),
            });
        }
        engine
    }
}

impl Runtime for Wasmer {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            crate_name: "wasmer".into(),
            crate_version: env!("PLUGBENCH_DEP_WASMER").into(),
            config: self.config.clone(),
            guest: GuestFormat::CoreModule,
            // A metered artifact would need the engine of the compile that made it.
            supports_artifacts: !self.metered,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        let (unlinked, links) = program.unlinked();
        if let Some(link) = links.iter().find(|l| l.imports_wasi) {
            return Err(format!(
                "wasmer-wasix binds WASI to one instance's memory, so the linked module `{}`, \
                 which imports WASI, cannot use it",
                link.name
            ));
        }
        match unlinked {
            Program::Wasi(_) => runtimes::wasi_built_in(cfg!(feature = "wasi"), "wasmer-wasi"),
            other => self.info().guest.hosts(other),
        }
    }

    /// wasmer has no compilation cache of its own (a host saves artifacts itself).
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        if cache.is_some() {
            return Err(RuntimeError::Unsupported);
        }
        core_program(program, self.compile_code(bytes)?)
    }

    fn load(&self, program: &Program, artifact: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let code = WmCode {
            engine: self.engine.clone(),
            module: self.deserialize(artifact)?,
            metered: false,
            links: Vec::new(),
        };
        core_program(program, code)
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        Ok(Box::new(self.compile_code(bytes)?))
    }
}

impl Wasmer {
    fn compile_code(&self, bytes: &[u8]) -> Result<WmCode, RuntimeError> {
        let engine = self.compile_engine();
        let module = Module::new(&engine, bytes).map_err(RuntimeError::compile)?;
        Ok(WmCode {
            engine,
            module,
            metered: self.metered,
            links: Vec::new(),
        })
    }

    /// The engine for one compile: the metering middleware is per module, so a metered compile
    /// gets its own engine.
    fn compile_engine(&self) -> Engine {
        if self.metered {
            Self::engine(self.compiler, true, false)
        } else {
            self.engine.clone()
        }
    }

    /// A metered artifact would need the engine of the compile that made it.
    fn deserialize(&self, artifact: &[u8]) -> Result<Module, RuntimeError> {
        if self.metered {
            return Err(RuntimeError::Unsupported);
        }
        // SAFETY: the artifact was produced by `serialize` on this engine in this process.
        unsafe { Module::deserialize(&self.engine, artifact.to_vec()) }
            .map_err(RuntimeError::compile)
    }
}

/// The compiler's engine, with the metering middleware (1 point per operator) when asked.
pub fn with_metering<C>(mut config: C, metered: bool) -> Engine
where
    C: wasmer::sys::CompilerConfig + 'static,
{
    if metered {
        config.push_middleware(std::sync::Arc::new(wasmer_middlewares::Metering::new(
            FUEL,
            |_: &wasmer::wasmparser::Operator| 1,
        )));
    }
    wasmer::sys::EngineBuilder::new(config).into()
}

struct WmModule {
    code: WmCode,
    export: String,
}

/// A store with the host API, and the code's module instantiated in it (after its links).
fn start(code: &WmCode) -> Result<(Store, WmInstance), RuntimeError> {
    let mut store = Store::new(code.engine.clone());
    // wasmer's host functions belong to a store, so each instance gets its own.
    let host_mix = Function::new_typed(&mut store, kernel_embed::host_mix);
    let mut imports = imports! {
        core_abi::HOST_MODULE => { core_abi::HOST_MIX => host_mix },
    };
    let instance = instantiate_linked(&mut store, &mut imports, &code.links, &code.module)?;
    Ok((store, instance))
}

/// `module` instantiated after the modules it imports from, each instantiated with `imports`
/// and added to them under its import module name (a reactor's `_initialize` run first).
pub(crate) fn instantiate_linked(
    store: &mut Store,
    imports: &mut wasmer::Imports,
    links: &[(String, Module)],
    module: &Module,
) -> Result<WmInstance, RuntimeError> {
    for (name, link) in links {
        let failed =
            |e: &dyn std::fmt::Display| link_error(name, e.to_string(), RuntimeError::Instantiate);
        let instance = WmInstance::new(&mut *store, link, imports).map_err(|e| failed(&e))?;
        if let Ok(init) = instance.exports.get_function("_initialize") {
            init.call(&mut *store, &[]).map_err(|e| failed(&e))?;
        }
        imports.register_namespace(name, instance.exports.clone());
    }
    WmInstance::new(store, module, imports).map_err(RuntimeError::instantiate)
}

impl Compiled for WmModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let (store, instance) = start(&self.code)?;
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
            .get_typed_function(&store, &self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(WmInstanceState {
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
        let view = self.memory.view(&self.store);
        core_abi::check_range(view.data_size(), ptr, len)?;
        let mut out = vec![0; len as usize];
        view.read(u64::from(ptr), &mut out)
            .map_err(RuntimeError::call)?;
        Ok(out)
    }
}

impl Instance for WmInstanceState {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}

/// Any module, compiled (with the engine it needs).
struct WmCode {
    engine: Engine,
    module: Module,
    metered: bool,
    /// The modules it imports from, by import module name (`--link`).
    links: Vec<(String, Module)>,
}

impl Code for WmCode {
    fn byte_abi(self, export: String) -> Box<dyn Compiled> {
        Box::new(WmModule { code: self, export })
    }

    #[cfg(feature = "wasi")]
    fn wasi(self) -> Result<Box<dyn runtimes::WasiProgram>, RuntimeError> {
        crate::wasi::wasi_program(self.engine, self.module, self.metered, self.links)
    }

    fn link(self, links: &[runtimes::Link]) -> Result<Self, RuntimeError> {
        let links = compile_links(links, |bytes| Module::new(&self.engine, bytes))?;
        Ok(WmCode { links, ..self })
    }
}

impl AnyModule for WmCode {
    fn instantiate(&self) -> Result<Box<dyn AnyInstance>, RuntimeError> {
        let (store, instance) = start(self)?;
        Ok(Box::new(WmAnyInstance {
            store,
            instance,
            func: None,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        serialize(&self.module, self.metered || !self.links.is_empty())
    }
}

/// A metered module's artifact could only be loaded by the engine of the compile that made it;
/// a module with linked modules has none (it would not hold them).
pub(crate) fn serialize(module: &Module, unsaved: bool) -> Result<Vec<u8>, RuntimeError> {
    if unsaved {
        return Err(RuntimeError::Unsupported);
    }
    module
        .serialize()
        .map(|b| b.to_vec())
        .map_err(RuntimeError::compile)
}

struct WmAnyInstance {
    store: Store,
    instance: WmInstance,
    /// The last export called.
    func: Option<(String, wasmer::Function)>,
}

pub(crate) fn to_value(value: &Value) -> WmValue {
    match *value {
        Value::I32(v) => WmValue::I32(v),
        Value::I64(v) => WmValue::I64(v),
        Value::F32(bits) => WmValue::F32(f32::from_bits(bits)),
        Value::F64(bits) => WmValue::F64(f64::from_bits(bits)),
    }
}

pub(crate) fn from_value(value: &WmValue) -> Option<Value> {
    match *value {
        WmValue::I32(v) => Some(Value::I32(v)),
        WmValue::I64(v) => Some(Value::I64(v)),
        WmValue::F32(v) => Some(Value::F32(v.to_bits())),
        WmValue::F64(v) => Some(Value::F64(v.to_bits())),
        _ => None,
    }
}

impl AnyInstance for WmAnyInstance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, RuntimeError> {
        let exports = &self.instance.exports;
        let func = runtimes::resolved(&mut self.func, export, || {
            exports
                .get_function(export)
                .cloned()
                .map_err(RuntimeError::call)
        })?;
        let args: Vec<WmValue> = args.iter().map(to_value).collect();
        let results = func
            .call(&mut self.store, &args)
            .map_err(RuntimeError::call)?;
        results
            .iter()
            .map(|v| from_value(v).ok_or_else(|| runtimes::not_a_number(v)))
            .collect()
    }

    fn global(&mut self, export: &str) -> Option<Value> {
        let global = self.instance.exports.get_global(export).ok()?;
        from_value(&global.get(&mut self.store))
    }

    fn memory(&mut self, export: &str) -> Option<(u64, u64)> {
        let memory = self.instance.exports.get_memory(export).ok()?;
        let bytes = memory.view(&self.store).copy_to_vec().ok()?;
        Some((bytes.len() as u64, runtimes::digest(&bytes)))
    }
}
