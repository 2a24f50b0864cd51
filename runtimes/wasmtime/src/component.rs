//! Components on wasmtime (`--features component`): every wasmtime configuration hosting the
//! built-in kernels' components (`kernel-wasm/wit/kernels.wit`), with the same engine settings
//! and guards as its core-module runtime. Its worker is built apart from the core-module one:
//! the component model makes wasmtime's core host calls dearer (docs/calibration.md, "WASI
//! built in"), and the core rows must not carry it.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use kernel_embed::{Kernel, Typed};
use wasmtime::component::{Component, Func, Linker, TypedFunc};
use wasmtime::{Cache, CacheConfig, Engine, Store, StoreLimits};

use runtimes::{
    Compiled, Guard, GuestFormat, Instance, Program, Runtime, RuntimeError, RuntimeInfo,
};

use crate::component_user::{user_linker, UserCode};
use crate::engine::{guarded_store, Flavor, Wasmtime};

/// What a component's store carries: the memory limits, consulted only when the guard is on.
pub(crate) struct ComponentState {
    limits: StoreLimits,
}

pub struct WasmtimeComponents {
    flavor: Flavor,
    sandbox: Option<Guard>,
    engine: Engine,
    linker: Linker<ComponentState>,
    /// An engine with wasmtime's disk cache in a given directory, made on first use.
    cached_engine: RefCell<Option<(PathBuf, Engine, Linker<ComponentState>)>>,
}

/// The host function the `host-calls` world imports, defined once per engine.
fn host_linker(engine: &Engine) -> Result<Linker<ComponentState>, RuntimeError> {
    let mut linker = Linker::new(engine);
    define_host_mix(&mut linker)?;
    Ok(linker)
}

/// `host-mix`, the kernels' host function, as the `host-calls` world imports it.
pub(crate) fn define_host_mix<T: 'static>(linker: &mut Linker<T>) -> Result<(), RuntimeError> {
    linker
        .root()
        .func_wrap("host-mix", |_, (v,): (i64,)| {
            Ok((kernel_embed::host_mix(v),))
        })
        .map_err(RuntimeError::setup)
}

impl WasmtimeComponents {
    pub fn new(flavor: Flavor, sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        let engine =
            Engine::new(&Wasmtime::config(flavor, sandbox)?).map_err(RuntimeError::setup)?;
        Ok(Self {
            flavor,
            sandbox,
            linker: host_linker(&engine)?,
            engine,
            cached_engine: RefCell::new(None),
        })
    }

    fn engine_with_cache(
        &self,
        dir: &Path,
    ) -> Result<(Engine, Linker<ComponentState>), RuntimeError> {
        let mut slot = self.cached_engine.borrow_mut();
        if let Some((_, engine, linker)) = slot.as_ref().filter(|(d, _, _)| d == dir) {
            return Ok((engine.clone(), linker.clone()));
        }
        let mut cache = CacheConfig::new();
        cache.with_directory(dir);
        let cache = Cache::new(cache).map_err(RuntimeError::setup)?;
        let mut config = Wasmtime::config(self.flavor, self.sandbox)?;
        config.cache(Some(cache));
        let engine = Engine::new(&config).map_err(RuntimeError::setup)?;
        let linker = host_linker(&engine)?;
        *slot = Some((dir.to_path_buf(), engine.clone(), linker.clone()));
        Ok((engine, linker))
    }

    fn code(
        &self,
        engine: Engine,
        linker: Linker<ComponentState>,
        component: Component,
    ) -> ComponentCode {
        ComponentCode {
            engine,
            linker,
            component,
            sandbox: self.sandbox,
        }
    }

    /// `program` as the component `code` runs it: a built-in kernel with its host function
    /// only, a user's component with WASI 0.2 too.
    fn program(
        &self,
        program: &Program,
        code: ComponentCode,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        let user = || -> Result<UserCode, RuntimeError> {
            Ok(UserCode {
                linker: user_linker(&code.engine)?,
                engine: code.engine.clone(),
                component: code.component.clone(),
                sandbox: code.sandbox,
            })
        };
        match program {
            Program::Kernel(kernel) => Ok(Box::new(KernelComponent { code, kernel })),
            Program::ComponentCall { call } => user()?.call(call.clone()),
            Program::ComponentCommand(setup) => Ok(runtimes::wasi_call(user()?.command(), setup)),
            _ => Err(RuntimeError::Unsupported),
        }
    }
}

impl Runtime for WasmtimeComponents {
    fn info(&self) -> RuntimeInfo {
        let guard = crate::engine::guard_words(self.sandbox);
        RuntimeInfo {
            crate_name: "wasmtime".into(),
            crate_version: env!("PLUGBENCH_DEP_WASMTIME").into(),
            config: format!(
                "{}, component model, compilation cache off (on only for `compile (cached)`){}{guard}",
                self.flavor.description(),
                crate::build_note()
            ),
            guest: GuestFormat::Component,
            supports_artifacts: true,
        }
    }

    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        let (engine, linker) = match cache {
            Some(dir) => self.engine_with_cache(dir)?,
            None => (self.engine.clone(), self.linker.clone()),
        };
        let component = Component::new(&engine, bytes).map_err(RuntimeError::compile)?;
        self.program(program, self.code(engine, linker, component))
    }

    fn load(&self, program: &Program, artifact: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        // SAFETY: the artifact was produced by `serialize` on this engine in this process.
        let component = unsafe { Component::deserialize(&self.engine, artifact) }
            .map_err(RuntimeError::compile)?;
        self.program(
            program,
            self.code(self.engine.clone(), self.linker.clone(), component),
        )
    }
}

/// A compiled component with the engine and guard it runs under.
struct ComponentCode {
    engine: Engine,
    linker: Linker<ComponentState>,
    component: Component,
    sandbox: Option<Guard>,
}

impl ComponentCode {
    fn start(
        &self,
    ) -> Result<(Store<ComponentState>, wasmtime::component::Instance), RuntimeError> {
        let mut store = guarded_store(
            &self.engine,
            self.sandbox,
            |limits| ComponentState { limits },
            |s| &mut s.limits,
        )?;
        let instance = self
            .linker
            .instantiate(&mut store, &self.component)
            .map_err(RuntimeError::instantiate)?;
        Ok((store, instance))
    }
}

/// A built-in kernel's component.
struct KernelComponent {
    code: ComponentCode,
    kernel: &'static Kernel,
}

/// The kernels' signatures (`kernel-wasm/wit/kernels.wit`). The parameters borrow the host's
/// data, as a host holding it typed passes it.
type TextFunc<'a> = TypedFunc<(&'a str,), (Result<String, String>,)>;
type IntegersFunc<'a> = TypedFunc<(&'a [i64],), (Vec<i64>,)>;
type BytesFunc<'a> = TypedFunc<(&'a [u8],), (Vec<u8>,)>;

impl Compiled for KernelComponent {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let (store, instance) = self.code.start()?;
        let mut store = store;
        let export = self.kernel.component_export();
        let func = instance
            .get_func(&mut store, export.as_str())
            .ok_or_else(|| RuntimeError::Instantiate(format!("component exports no `{export}`")))?;
        // Checked once here, like a host that looks its exports up once per instance.
        let checked = match self.kernel.typed {
            Typed::Text => func
                .typed::<(&str,), (Result<String, String>,)>(&store)
                .map(drop),
            Typed::Integers => func.typed::<(&[i64],), (Vec<i64>,)>(&store).map(drop),
            Typed::Bytes => func.typed::<(&[u8],), (Vec<u8>,)>(&store).map(drop),
        };
        checked.map_err(|e| {
            RuntimeError::Instantiate(format!(
                "`{export}` is not {}: {e:#}",
                self.kernel.typed.signature()
            ))
        })?;
        Ok(Box::new(KernelInstance {
            store,
            func,
            typed: self.kernel.typed,
            argument: TypedArgument::default(),
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.code
            .component
            .serialize()
            .map_err(RuntimeError::compile)
    }
}

struct KernelInstance {
    store: Store<ComponentState>,
    func: Func,
    typed: Typed,
    argument: TypedArgument,
}

/// The typed argument made from the last input buffer. A host whose data is typed passes it as
/// it is, and a byte-ABI host's serialising of its data is not timed either (the workload's
/// bytes are made before measuring): so the conversion from plugbench's bytes is made once per
/// buffer, not in every call. Every caller keeps one input buffer, unchanged, for the calls of
/// a workload; a buffer at another address or of another length is converted again.
#[derive(Default)]
struct TypedArgument {
    /// Address and length of the buffer it was made from.
    from: Option<(usize, usize)>,
    integers: Vec<i64>,
}

impl TypedArgument {
    fn integers(&mut self, input: &[u8]) -> Result<&[i64], RuntimeError> {
        let key = (input.as_ptr() as usize, input.len());
        if self.from != Some(key) {
            self.integers = runtimes::decode_integers(input)?;
            self.from = Some(key);
        }
        Ok(&self.integers)
    }
}

impl Instance for KernelInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        // SAFETY: `instantiate` checked the function against this signature; only the
        // parameters' lifetime differs.
        match self.typed {
            Typed::Text => {
                let text = std::str::from_utf8(input)
                    .map_err(|e| RuntimeError::Guest(format!("input is not UTF-8 text: {e}")))?;
                let func: TextFunc = unsafe { TypedFunc::new_unchecked(self.func) };
                let (result,) = func
                    .call(&mut self.store, (text,))
                    .map_err(RuntimeError::call)?;
                result.map(String::into_bytes).map_err(RuntimeError::Guest)
            }
            Typed::Integers => {
                let values = self.argument.integers(input)?;
                let func: IntegersFunc = unsafe { TypedFunc::new_unchecked(self.func) };
                let (out,) = func
                    .call(&mut self.store, (values,))
                    .map_err(RuntimeError::call)?;
                Ok(out.iter().flat_map(|v| v.to_le_bytes()).collect())
            }
            Typed::Bytes => {
                let func: BytesFunc = unsafe { TypedFunc::new_unchecked(self.func) };
                let (out,) = func
                    .call(&mut self.store, (input,))
                    .map_err(RuntimeError::call)?;
                Ok(out)
            }
        }
    }
}
