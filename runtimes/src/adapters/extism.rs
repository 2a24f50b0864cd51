//! extism (on its own bundled wasmtime), loading the extism-pdk build of the kernel.

use extism::{CompiledPlugin, Plugin, PluginBuilder};
use kernel_embed::Kernel;

use crate::{Compiled, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo};

pub struct Extism;

impl Runtime for Extism {
    fn info(&self) -> RuntimeInfo {
        RuntimeInfo {
            name: "extism",
            crate_name: "extism",
            crate_version: env!("PLUGBENCH_DEP_EXTISM"),
            config: format!(
                "wasmtime {} inside, no WASI, compilation cache off (extism turns it on by default; on only for `compile (cached)`)",
                env!("PLUGBENCH_DEP_EXTISM__WASMTIME")
            ),
            guest: GuestFormat::PdkPlugin,
            supports_artifacts: false,
        }
    }

    fn compile(&self, kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        // extism builds its wasmtime engine inside `compile`, so engine setup is part of this phase.
        let compiled = PluginBuilder::new(bytes)
            .with_wasi(false)
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
        let compiled = PluginBuilder::new(bytes)
            .with_wasi(false)
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
