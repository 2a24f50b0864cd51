//! extism (on its own bundled wasmtime), loading the extism-pdk build of the kernel.

use extism::{CompiledPlugin, Manifest, Plugin, PluginBuilder, UserData, ValType, Wasm};
use kernel_embed::Kernel;

use crate::{
    Compiled, Configuration, Guard, GuardSupport, GuestFormat, Instance, Runtime, RuntimeError,
    RuntimeInfo, DEADLINE, FUEL,
};

/// extism with one of its guards, or none.
pub struct Extism(pub Option<Guard>);

pub fn configurations() -> Vec<Configuration> {
    let guards = vec![
        (
            Guard::Fuel,
            GuardSupport::offered("PluginBuilder::with_fuel_limit"),
        ),
        (
            Guard::Deadline,
            GuardSupport::offered(
                "Manifest::with_timeout (epoch interruption is always on in extism)",
            ),
        ),
        (
            Guard::MemoryLimit,
            GuardSupport::offered(format!(
                "Manifest::with_memory_max ({})",
                crate::memory_limit_text()
            )),
        ),
    ];
    vec![Configuration::new("extism", guards, |g| Ok(Extism(g)))
        .no_simd("its guest is the extism-pdk plugin, built without SIMD here")]
}

/// extism's builder with this project's settings, the guard, and the host API every plugin
/// imports (`extism:host/user.host_mix`, `i64 -> i64`, see `kernel_embed::host_mix`).
fn builder(bytes: &[u8], sandbox: Option<Guard>) -> PluginBuilder<'_> {
    let builder = match sandbox {
        None => PluginBuilder::new(bytes),
        Some(Guard::Fuel) => PluginBuilder::new(bytes).with_fuel_limit(FUEL),
        // Timeouts and memory caps are manifest settings, so the bytes go in through one.
        Some(Guard::Deadline) => {
            PluginBuilder::new(Manifest::new([Wasm::data(bytes.to_vec())]).with_timeout(DEADLINE))
        }
        Some(Guard::MemoryLimit) => PluginBuilder::new(
            Manifest::new([Wasm::data(bytes.to_vec())]).with_memory_max(crate::MEMORY_LIMIT_PAGES),
        ),
    };
    builder.with_wasi(false).with_function(
        "host_mix",
        [ValType::I64],
        [ValType::I64],
        UserData::new(()),
        |_plugin, inputs, outputs, _data| {
            let v = inputs[0]
                .i64()
                .ok_or_else(|| extism::Error::msg("host_mix expects an i64"))?;
            outputs[0] = extism::Val::I64(kernel_embed::host_mix(v));
            Ok(())
        },
    )
}

impl Runtime for Extism {
    fn info(&self) -> RuntimeInfo {
        let guard = match self.0 {
            None => String::new(),
            Some(Guard::Fuel) => "; fuel limit set (with_fuel_limit), never exhausted here".into(),
            Some(Guard::Deadline) => format!("; manifest timeout {} s (extism's timer thread and epoch deadline), never reached here", DEADLINE.as_secs()),
            Some(Guard::MemoryLimit) => format!("; manifest memory max {} pages ({})", crate::MEMORY_LIMIT_PAGES, crate::memory_limit_text()),
        };
        RuntimeInfo {
            crate_name: "extism",
            crate_version: env!("PLUGBENCH_DEP_EXTISM"),
            config: format!(
                "wasmtime {} inside (epoch interruption always on), no WASI, compilation cache off (extism turns it on by default; on only for `compile (cached)`){guard}",
                env!("PLUGBENCH_DEP_EXTISM__WASMTIME")
            ),
            guest: GuestFormat::PdkPlugin,
            supports_artifacts: false,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        // extism builds its wasmtime engine inside `compile`, so engine setup is part of this phase.
        let compiled = builder(bytes, self.0)
            .with_cache_disabled()
            .compile()
            .map_err(RuntimeError::compile)?;
        Ok(Box::new(ExModule {
            compiled,
            export: kernel.export,
        }))
    }

    fn compile_cached(
        &self,
        kernel: &Kernel,
        bytes: &[u8],
        cache_dir: &std::path::Path,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        // extism's default: wasmtime's disk cache. Pointed at our own directory so a run
        // never reads a cache from an earlier run or from the user's home.
        let config = cache_dir.join("wasmtime-cache.toml");
        if !config.exists() {
            let toml = format!("[cache]\ndirectory = {:?}\n", cache_dir.join("store"));
            std::fs::write(&config, toml).map_err(RuntimeError::setup)?;
        }
        let compiled = builder(bytes, self.0)
            .with_cache_config(config)
            .compile()
            .map_err(RuntimeError::compile)?;
        Ok(Box::new(ExModule {
            compiled,
            export: kernel.export,
        }))
    }
}

struct ExModule {
    compiled: CompiledPlugin,
    export: &'static str,
}

impl Compiled for ExModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let plugin =
            Plugin::new_from_compiled(&self.compiled).map_err(RuntimeError::instantiate)?;
        Ok(Box::new(ExInstance {
            plugin,
            export: self.export,
        }))
    }
}

struct ExInstance {
    plugin: Plugin,
    export: &'static str,
}

impl Instance for ExInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        self.plugin
            .call::<&[u8], &[u8]>(self.export, input)
            .map(<[u8]>::to_vec)
            .map_err(RuntimeError::call)
    }
}
