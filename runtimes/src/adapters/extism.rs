//! extism (on its own bundled wasmtime), loading the extism-pdk build of the kernel.

use extism::{CompiledPlugin, Manifest, Plugin, PluginBuilder, UserData, ValType, Wasm};

use crate::{
    Compiled, Configuration, Guard, GuardSupport, GuestFormat, Instance, Program, Runtime,
    RuntimeError, RuntimeInfo, WasiSetup, DEADLINE, FUEL,
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

/// extism's builder with this project's settings, the guard, WASI where the plugin imports it,
/// and the host API every plugin imports (`extism:host/user.host_mix`, `i64 -> i64`, see
/// `kernel_embed::host_mix`).
fn builder<'a>(
    bytes: &'a [u8],
    sandbox: Option<Guard>,
    wasi: Option<&WasiSetup>,
) -> PluginBuilder<'a> {
    let dirs = wasi.map(|w| w.dirs.as_slice()).unwrap_or_default();
    let needs_manifest =
        matches!(sandbox, Some(Guard::Deadline | Guard::MemoryLimit)) || !dirs.is_empty();
    // Timeouts, memory caps and allowed paths are manifest settings; otherwise the bytes go in
    // as they are, as a plugin host loading a plugin file does.
    let builder = if needs_manifest {
        let mut manifest = Manifest::new([Wasm::data(bytes.to_vec())]);
        match sandbox {
            Some(Guard::Deadline) => manifest = manifest.with_timeout(DEADLINE),
            Some(Guard::MemoryLimit) => {
                manifest = manifest.with_memory_max(crate::MEMORY_LIMIT_PAGES)
            }
            None | Some(Guard::Fuel) => {}
        }
        // extism's allowed paths are its WASI preopens; a host path starting `ro:` is read-only.
        for dir in dirs {
            let host = dir.host.display();
            let host = match dir.writable {
                true => host.to_string(),
                false => format!("ro:{host}"),
            };
            manifest = manifest.with_allowed_path(host, &dir.guest);
        }
        PluginBuilder::new(manifest)
    } else {
        PluginBuilder::new(bytes)
    };
    let builder = match sandbox {
        Some(Guard::Fuel) => builder.with_fuel_limit(FUEL),
        _ => builder,
    };
    builder.with_wasi(wasi.is_some()).with_function(
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

/// The export a program calls and the WASI it gets, or why extism cannot run it.
fn plugin_call(program: &Program) -> Result<(&str, Option<&WasiSetup>), RuntimeError> {
    match program {
        Program::Kernel(kernel) => Ok((kernel.export, None)),
        Program::ExtismPlugin { export, wasi } => Ok((export, wasi.as_ref())),
        _ => Err(RuntimeError::Unsupported),
    }
}

/// extism's WASI context has preopens only: no arguments, environment or stdin (its
/// `CurrentPlugin::new` builds the context with none), and its stdout and stderr are dropped.
fn wasi_support(setup: &WasiSetup) -> Result<(), String> {
    if !setup.args.is_empty() || !setup.env.is_empty() {
        return Err(
            "extism's WASI gives a plugin no arguments or environment variables (only --dir, as \
             its allowed paths)"
                .into(),
        );
    }
    Ok(())
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
                "wasmtime {} inside (epoch interruption always on), WASI only for a plugin that imports it (preopens only), compilation cache off (extism turns it on by default; on only for `compile (cached)`){guard}",
                env!("PLUGBENCH_DEP_EXTISM__WASMTIME")
            ),
            guest: GuestFormat::PdkPlugin,
            supports_artifacts: false,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        match program {
            Program::ExtismPlugin {
                wasi: Some(setup), ..
            } => wasi_support(setup),
            other => self.info().guest.hosts(other),
        }
    }

    /// extism builds its wasmtime engine inside `compile`, so engine setup is part of this
    /// phase. With `cache`: extism's default, wasmtime's disk cache, pointed at that directory
    /// so a run never reads a cache from an earlier run or from the user's home.
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        let (export, wasi) = plugin_call(program)?;
        let builder = builder(bytes, self.0, wasi);
        let builder = match cache {
            None => builder.with_cache_disabled(),
            Some(dir) => builder.with_cache_config(cache_config(dir)?),
        };
        let compiled = builder.compile().map_err(RuntimeError::compile)?;
        Ok(Box::new(ExModule {
            compiled,
            export: export.to_string(),
        }))
    }
}

/// wasmtime's cache configuration file for a cache in `dir`, written once.
fn cache_config(dir: &std::path::Path) -> Result<std::path::PathBuf, RuntimeError> {
    let config = dir.join("wasmtime-cache.toml");
    if !config.exists() {
        let toml = format!("[cache]\ndirectory = {:?}\n", dir.join("store"));
        std::fs::write(&config, toml).map_err(RuntimeError::setup)?;
    }
    Ok(config)
}

struct ExModule {
    compiled: CompiledPlugin,
    export: String,
}

impl Compiled for ExModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let plugin =
            Plugin::new_from_compiled(&self.compiled).map_err(RuntimeError::instantiate)?;
        Ok(Box::new(ExInstance {
            plugin,
            export: self.export.clone(),
        }))
    }
}

struct ExInstance {
    plugin: Plugin,
    export: String,
}

impl Instance for ExInstance {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        self.plugin
            .call::<&[u8], &[u8]>(&self.export, input)
            .map(<[u8]>::to_vec)
            .map_err(RuntimeError::call)
    }
}
