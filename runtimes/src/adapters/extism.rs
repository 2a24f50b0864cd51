//! extism (on its own bundled wasmtime), loading the extism-pdk build of the kernel.

use extism::{CompiledPlugin, Manifest, Plugin, PluginBuilder, UserData, ValType, Wasm};
use kernel_embed::Kernel;

use crate::{
    Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo, Sandbox, DEADLINE, FUEL,
    MEMORY_LIMIT_BYTES,
};

/// extism with one of its guards, or none.
pub struct Extism(pub Sandbox);

/// extism's builder with this project's settings, the guard, and the host API every plugin
/// imports (`extism:host/user.host_mix`, `i64 -> i64`, see `kernel_embed::host_mix`).
fn builder(bytes: &[u8], sandbox: Sandbox) -> PluginBuilder<'_> {
    let builder = match sandbox {
        Sandbox::Off => PluginBuilder::new(bytes),
        Sandbox::Fuel => PluginBuilder::new(bytes).with_fuel_limit(FUEL),
        // Timeouts and memory caps are manifest settings, so the bytes go in through one.
        Sandbox::Deadline => {
            PluginBuilder::new(Manifest::new([Wasm::data(bytes.to_vec())]).with_timeout(DEADLINE))
        }
        Sandbox::MemoryLimit => PluginBuilder::new(
            Manifest::new([Wasm::data(bytes.to_vec())])
                .with_memory_max((MEMORY_LIMIT_BYTES / 65536) as u32),
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
        let (name, guard) = match self.0 {
            Sandbox::Off => ("extism", ""),
            Sandbox::Fuel => ("extism+fuel", "; fuel limit set (with_fuel_limit), never exhausted here"),
            Sandbox::Deadline => ("extism+deadline", "; manifest timeout 600 s (extism's timer thread and epoch deadline), never reached here"),
            Sandbox::MemoryLimit => ("extism+memory-limit", "; manifest memory max 4096 pages (256 MiB)"),
        };
        RuntimeInfo {
            name,
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
