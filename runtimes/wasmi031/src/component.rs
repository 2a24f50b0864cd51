//! The kernels' components on `wasm_component_layer` over wasmi 0.31 (through
//! `wasmi_runtime_layer`), with wasmi's default settings. The layer's typed calls take their
//! arguments by value, so a call passes an owned copy of the host's typed data: what a host of
//! this layer pays.

use std::path::Path;
use std::sync::Arc;

use anyhow::anyhow;
use kernel_embed::{Kernel, Typed};
use wasm_component_layer::{
    Component, Engine, Func, FuncType, Linker, Store, TypedFunc, Value, ValueType,
};

use runtimes::{
    Compiled, Guard, GuestFormat, Instance, Program, Runtime, RuntimeError, RuntimeInfo,
};

type LayerEngine = Engine<wasmi_runtime_layer::Engine>;
type LayerStore = Store<(), wasmi_runtime_layer::Engine>;

pub struct LayerComponents {
    engine: LayerEngine,
}

impl LayerComponents {
    pub fn new(sandbox: Option<Guard>) -> Result<Self, RuntimeError> {
        if sandbox.is_some() {
            return Err(RuntimeError::Unsupported);
        }
        let wasmi = wasmi::Engine::default();
        Ok(Self {
            engine: Engine::new(wasmi_runtime_layer::Engine::new(wasmi)),
        })
    }
}

impl Runtime for LayerComponents {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            crate_name: "wasm_component_layer".into(),
            crate_version: env!("PLUGBENCH_DEP_WASM_COMPONENT_LAYER").into(),
            config: format!(
                "component model on wasmi {} (wasmi_runtime_layer {}), wasmi's default config",
                env!("PLUGBENCH_DEP_WASMI"),
                env!("PLUGBENCH_DEP_WASMI_RUNTIME_LAYER")
            ),
            guest: GuestFormat::Component,
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
        let component = Component::new(&self.engine, bytes).map_err(RuntimeError::compile)?;
        Ok(Box::new(KernelComponent {
            engine: self.engine.clone(),
            component,
            kernel,
        }))
    }
}

struct KernelComponent {
    engine: LayerEngine,
    component: Component,
    kernel: &'static Kernel,
}

/// `host-mix`, the kernels' host function, as the `host-calls` world imports it.
fn host_mix(store: &mut LayerStore) -> Func {
    let ty = FuncType::new([ValueType::S64], [ValueType::S64]);
    Func::new(store, ty, |_, params, results| {
        let [Value::S64(v)] = params else {
            return Err(anyhow!("host-mix takes one s64, got {params:?}"));
        };
        results[0] = Value::S64(kernel_embed::host_mix(*v));
        Ok(())
    })
}

impl Compiled for KernelComponent {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let mut store = Store::new(&self.engine, ());
        let mut linker = Linker::default();
        let mix = host_mix(&mut store);
        linker
            .root_mut()
            .define_func("host-mix", mix)
            .map_err(RuntimeError::setup)?;
        let instance = linker
            .instantiate(&mut store, &self.component)
            .map_err(RuntimeError::instantiate)?;
        let export = self.kernel.component_export();
        let func =
            instance.exports().root().func(&export).ok_or_else(|| {
                RuntimeError::Instantiate(format!("component exports no `{export}`"))
            })?;
        let not = |e: anyhow::Error| {
            RuntimeError::Instantiate(format!(
                "`{export}` is not {}: {e:#}",
                self.kernel.typed.signature()
            ))
        };
        // Typed once here, like a host that looks its exports up once per instance.
        let call = match self.kernel.typed {
            Typed::Text => KernelFunc::Text(func.typed().map_err(not)?),
            Typed::Integers => KernelFunc::Integers(func.typed().map_err(not)?),
            Typed::Bytes => KernelFunc::Bytes(func.typed().map_err(not)?),
        };
        Ok(Box::new(KernelInstance {
            store,
            call,
            argument: TypedArgument::default(),
        }))
    }
}

/// The kernels' signatures (`kernel-wasm/wit/kernels.wit`).
enum KernelFunc {
    Text(TypedFunc<Arc<str>, Result<String, String>>),
    Integers(TypedFunc<Vec<i64>, Vec<i64>>),
    Bytes(TypedFunc<Vec<u8>, Vec<u8>>),
}

struct KernelInstance {
    store: LayerStore,
    call: KernelFunc,
    argument: TypedArgument,
}

/// The typed argument made from the last input buffer, as the wasmtime component host keeps
/// it (a host's data is typed already; only the copy the layer takes is in the call).
#[derive(Default)]
struct TypedArgument {
    /// Address and length of the buffer it was made from.
    from: Option<(usize, usize)>,
    text: Option<Arc<str>>,
    integers: Option<Vec<i64>>,
}

impl TypedArgument {
    /// Forgets what was made from another buffer.
    fn for_buffer(&mut self, input: &[u8]) {
        let key = (input.as_ptr() as usize, input.len());
        if self.from != Some(key) {
            *self = TypedArgument {
                from: Some(key),
                ..TypedArgument::default()
            };
        }
    }

    fn text(&mut self, input: &[u8]) -> Result<Arc<str>, RuntimeError> {
        self.for_buffer(input);
        if self.text.is_none() {
            let text = std::str::from_utf8(input)
                .map_err(|e| RuntimeError::Guest(format!("input is not UTF-8 text: {e}")))?;
            self.text = Some(text.into());
        }
        Ok(self.text.clone().expect("made above"))
    }

    fn integers(&mut self, input: &[u8]) -> Result<&[i64], RuntimeError> {
        self.for_buffer(input);
        if self.integers.is_none() {
            self.integers = Some(runtimes::decode_integers(input)?);
        }
        Ok(self.integers.as_deref().expect("made above"))
    }
}

impl Instance for KernelInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        match &self.call {
            KernelFunc::Text(func) => {
                let text = self.argument.text(input)?;
                let result = func
                    .call(&mut self.store, text)
                    .map_err(RuntimeError::call)?;
                result.map(String::into_bytes).map_err(RuntimeError::Guest)
            }
            KernelFunc::Integers(func) => {
                let values = self.argument.integers(input)?.to_vec();
                let out = func
                    .call(&mut self.store, values)
                    .map_err(RuntimeError::call)?;
                Ok(out.iter().flat_map(|v| v.to_le_bytes()).collect())
            }
            KernelFunc::Bytes(func) => func
                .call(&mut self.store, input.to_vec())
                .map_err(RuntimeError::call),
        }
    }
}
