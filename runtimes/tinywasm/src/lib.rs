//! tinywasm, a small pure-Rust interpreter (no JIT, no unsafe), loading the plain core module.
//! It bounds a call through resumable execution: the host resumes it a slice of fuel or of
//! time at a time, and stops resuming when the budget is spent.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use tinywasm::types::WasmValue;
use tinywasm::{
    ExecProgress, FunctionTyped, HostFunction, Imports, Memory, Module, ModuleInstance, Store,
};

use runtimes::core_abi::{self, CoreAbi};
use runtimes::program::{compile_links, core_program, link_error, Code};
use runtimes::{
    AnyInstance, AnyModule, Compiled, Configuration, Guard, GuardSupport, GuestFormat, Instance,
    Program, Runtime, RuntimeError, RuntimeInfo, Symptom, Value, DEADLINE, FUEL,
};

/// Fuel given per resume under the fuel guard.
const FUEL_SLICE: u32 = 1 << 20;
/// Time given per resume under the deadline guard.
const TIME_SLICE: Duration = Duration::from_millis(10);

pub fn configurations() -> Vec<Configuration> {
    let guards = vec![
        (
            Guard::Fuel,
            GuardSupport::offered(format!(
                "Function::call_resumable + resume_with_fuel, {FUEL_SLICE} fuel per resume"
            )),
        ),
        (
            Guard::Deadline,
            GuardSupport::offered(format!(
                "Function::call_resumable + resume_with_time_budget, {} ms per resume",
                TIME_SLICE.as_millis()
            )),
        ),
        (
            Guard::MemoryLimit,
            GuardSupport::not_offered(
                "no cap on linear memory in its API (only the module's own maximum)",
            ),
        ),
    ];
    vec![Configuration::new("tinywasm", guards, TinyWasm::new)
        .runs_simd()
        // Found by `plugbench fuzz`: the modules it rejects pass wasmparser's validator and
        // every other runtime.
        .known(
            Symptom::RejectsWith(Cow::Borrowed("logical operand width mismatch")),
            "tinywasm 0.10 rejects a valid module ('logical operand width mismatch'): tinywasm bug",
        )
        // runner/tests/any_module.rs: tinywasm_reads_a_default_reference_local_as_not_null
        .known(
            Symptom::DiffersWithReferenceLocals,
            "tinywasm 0.10 reads a default reference local as not null (ref.is_null gives 0): tinywasm bug",
        )]
}

pub struct TinyWasm {
    guard: Option<Guard>,
}

impl TinyWasm {
    pub fn new(guard: Option<Guard>) -> Result<Self, RuntimeError> {
        if guard == Some(Guard::MemoryLimit) {
            return Err(RuntimeError::Unsupported);
        }
        Ok(Self { guard })
    }
}

impl Runtime for TinyWasm {
    fn info(&self) -> RuntimeInfo {
        let guard = match self.guard {
            Some(Guard::Fuel) => format!(
                "; resumed {FUEL_SLICE} fuel at a time, {FUEL} in all (never exhausted here)"
            ),
            Some(Guard::Deadline) => format!(
                "; resumed {} ms at a time, deadline {} s (never reached here)",
                TIME_SLICE.as_millis(),
                DEADLINE.as_secs()
            ),
            None | Some(Guard::MemoryLimit) => String::new(),
        };
        RuntimeInfo {
            crate_name: "tinywasm".into(),
            crate_version: env!("PLUGBENCH_DEP_TINYWASM").into(),
            config: format!("interpreter, default engine{guard}"),
            guest: GuestFormat::CoreModule,
            supports_artifacts: false,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        let (_, links) = program.unlinked();
        match links.iter().find(|l| l.imports_wasi) {
            Some(link) => Err(format!(
                "it has no WASI for the linked module `{}`, which imports it",
                link.name
            )),
            None => self.info().guest.hosts(program),
        }
    }

    /// tinywasm has no compilation cache.
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        if cache.is_some() {
            return Err(RuntimeError::Unsupported);
        }
        core_program(program, self.parse(bytes)?)
    }

    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyModule>, RuntimeError> {
        Ok(Box::new(self.parse(bytes)?))
    }
}

impl TinyWasm {
    fn parse(&self, bytes: &[u8]) -> Result<TwCode, RuntimeError> {
        let module = tinywasm::parse_bytes(bytes).map_err(RuntimeError::compile)?;
        Ok(TwCode {
            module,
            guard: self.guard,
            links: Vec::new(),
        })
    }
}

/// A store with the host API, and the code's module instantiated in it after the modules it
/// imports from, each linked under its import module name (a reactor's `_initialize` run first).
fn start(code: &TwCode) -> Result<(Store, ModuleInstance), RuntimeError> {
    let mut store = Store::default();
    // A host function belongs to a store, so each instance gets its own.
    let host_mix = HostFunction::from(&mut store, |_ctx, v: i64| Ok(kernel_embed::host_mix(v)));
    let mut imports = Imports::new();
    imports.define(core_abi::HOST_MODULE, core_abi::HOST_MIX, host_mix);
    for (name, link) in &code.links {
        let failed = |e: tinywasm::Error| link_error(name, e, RuntimeError::Instantiate);
        let instance =
            ModuleInstance::instantiate(&mut store, link, Some(imports.clone())).map_err(failed)?;
        if let Ok(init) = instance.func_untyped(&store, "_initialize") {
            init.call(&mut store, &[]).map_err(failed)?;
        }
        imports.link_module(name, instance).map_err(failed)?;
    }
    let instance = ModuleInstance::instantiate(&mut store, &code.module, Some(imports))
        .map_err(RuntimeError::instantiate)?;
    Ok((store, instance))
}

/// A parsed module with the guard its byte-ABI calls run under.
struct TwCode {
    module: Module,
    guard: Option<Guard>,
    /// The modules it imports from, by import module name (`--link`).
    links: Vec<(String, Module)>,
}

impl Code for TwCode {
    fn byte_abi(self, export: String) -> Box<dyn Compiled> {
        Box::new(TwModule { code: self, export })
    }

    fn link(self, links: &[runtimes::Link]) -> Result<Self, RuntimeError> {
        let links = compile_links(links, tinywasm::parse_bytes)?;
        Ok(TwCode { links, ..self })
    }
}

struct TwModule {
    code: TwCode,
    export: String,
}

impl Compiled for TwModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let (store, instance) = start(&self.code)?;
        let memory = instance
            .memory("memory")
            .map_err(RuntimeError::instantiate)?;
        let alloc = instance
            .func(&store, "alloc")
            .map_err(RuntimeError::instantiate)?;
        let run = instance
            .func(&store, &self.export)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(TwInstance {
            store,
            memory,
            alloc,
            run,
            guard: self.code.guard,
        }))
    }
}

struct TwInstance {
    store: Store,
    memory: Memory,
    alloc: FunctionTyped<i32, i32>,
    run: FunctionTyped<(i32, i32), i64>,
    guard: Option<Guard>,
}

impl TwInstance {
    /// The kernel call, resumed slice by slice under a guard until done or out of budget.
    fn run_guarded(&mut self, args: (i32, i32)) -> Result<i64, RuntimeError> {
        let guard = self.guard;
        let mut call = self
            .run
            .call_resumable(&mut self.store, args)
            .map_err(RuntimeError::call)?;
        let start = Instant::now();
        let mut fuel_spent = 0u64;
        loop {
            let progress = match guard {
                Some(Guard::Fuel) => call.resume_with_fuel(FUEL_SLICE),
                _ => call.resume_with_time_budget(TIME_SLICE),
            }
            .map_err(RuntimeError::call)?;
            if let ExecProgress::Completed(out) = progress {
                return Ok(out);
            }
            let out_of_budget = match guard {
                Some(Guard::Fuel) => {
                    fuel_spent += u64::from(FUEL_SLICE);
                    fuel_spent >= FUEL
                }
                _ => start.elapsed() >= DEADLINE,
            };
            if out_of_budget {
                return Err(RuntimeError::Call("the guard's budget ran out".into()));
            }
        }
    }
}

impl CoreAbi for TwInstance {
    fn alloc(&mut self, len: u32) -> Result<u32, RuntimeError> {
        self.alloc
            .call(&mut self.store, len as i32)
            .map(|ptr| ptr as u32)
            .map_err(RuntimeError::call)
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), RuntimeError> {
        self.memory
            .copy_from_slice(&mut self.store, ptr as usize, bytes)
            .map_err(RuntimeError::call)
    }
    fn run(&mut self, ptr: u32, len: u32) -> Result<u64, RuntimeError> {
        let args = (ptr as i32, len as i32);
        let packed = match self.guard {
            None | Some(Guard::MemoryLimit) => self
                .run
                .call(&mut self.store, args)
                .map_err(RuntimeError::call)?,
            Some(Guard::Fuel) | Some(Guard::Deadline) => self.run_guarded(args)?,
        };
        Ok(packed as u64)
    }
    fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, RuntimeError> {
        let size = self.memory.len(&self.store).map_err(RuntimeError::call)?;
        core_abi::check_range(size as u64, ptr, len)?;
        self.memory
            .read_vec(&self.store, ptr as usize, len as usize)
            .map_err(RuntimeError::call)
    }
}

impl Instance for TwInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        core_abi::call(self, input)
    }
}

/// Any module: tinywasm has no untyped resumable call, so a guard does not bound these calls
/// and an endless guest is stopped by the caller (the fuzzer's time limit kills the worker).
impl AnyModule for TwCode {
    fn instantiate(&self) -> Result<Box<dyn AnyInstance>, RuntimeError> {
        let (store, instance) = start(self)?;
        Ok(Box::new(TwAnyInstance {
            store,
            instance,
            func: None,
        }))
    }
}

struct TwAnyInstance {
    store: Store,
    instance: ModuleInstance,
    /// The last export called.
    func: Option<(String, tinywasm::Function)>,
}

fn to_wasm(value: &Value) -> WasmValue {
    match *value {
        Value::I32(v) => WasmValue::I32(v),
        Value::I64(v) => WasmValue::I64(v),
        Value::F32(bits) => WasmValue::F32(f32::from_bits(bits)),
        Value::F64(bits) => WasmValue::F64(f64::from_bits(bits)),
    }
}

fn from_wasm(value: &WasmValue) -> Option<Value> {
    match *value {
        WasmValue::I32(v) => Some(Value::I32(v)),
        WasmValue::I64(v) => Some(Value::I64(v)),
        WasmValue::F32(v) => Some(Value::F32(v.to_bits())),
        WasmValue::F64(v) => Some(Value::F64(v.to_bits())),
        _ => None,
    }
}

impl AnyInstance for TwAnyInstance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, RuntimeError> {
        let (instance, store) = (&self.instance, &self.store);
        let func = runtimes::resolved(&mut self.func, export, || {
            instance
                .func_untyped(store, export)
                .map_err(RuntimeError::call)
        })?;
        let args: Vec<WasmValue> = args.iter().map(to_wasm).collect();
        let results = func
            .call(&mut self.store, &args)
            .map_err(RuntimeError::call)?;
        results
            .iter()
            .map(|v| from_wasm(v).ok_or_else(|| runtimes::not_a_number(v)))
            .collect()
    }

    fn global(&mut self, export: &str) -> Option<Value> {
        from_wasm(&self.instance.global_get(&self.store, export).ok()?)
    }

    fn memory(&mut self, export: &str) -> Option<(u64, u64)> {
        let memory = self.instance.memory(export).ok()?;
        let len = memory.len(&self.store).ok()?;
        let bytes = memory.read_vec(&self.store, 0, len).ok()?;
        Some((len as u64, runtimes::digest(&bytes)))
    }
}
