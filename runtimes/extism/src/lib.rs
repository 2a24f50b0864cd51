//! extism (on its own bundled wasmtime), loading the extism-pdk build of the kernel.

use extism::{CompiledPlugin, Manifest, Plugin, PluginBuilder, UserData, ValType, Wasm};

use runtimes::{
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
                runtimes::memory_limit_text()
            )),
        ),
    ];
    vec![Configuration::new("extism", guards, |g| Ok(Extism(g)))
        .no_simd("its guest is the extism-pdk plugin, built without SIMD here")]
}

/// A plugin as extism is asked to load it.
struct PluginCall<'a> {
    export: &'a str,
    /// Its WASI (for a plugin that imports it, or whose linked modules do).
    wasi: Option<&'a WasiSetup>,
    /// The modules it imports from (`--link`), loaded beside it under their names.
    links: &'a [runtimes::Link],
    /// A built-in kernel, which imports plugbench's host function.
    kernel: bool,
}

/// The plugin a program asks for, or why extism cannot run it.
fn plugin_call(program: &Program) -> Result<PluginCall<'_>, RuntimeError> {
    let (unlinked, links) = program.unlinked();
    let (export, wasi, kernel) = match unlinked {
        Program::Kernel(kernel) => (kernel.export, None, true),
        Program::ExtismPlugin { export, wasi } => (export.as_str(), wasi.as_ref(), false),
        _ => return Err(RuntimeError::Unsupported),
    };
    Ok(PluginCall {
        export,
        wasi,
        links,
        kernel,
    })
}

/// extism's builder with this project's settings, the guard, WASI where the plugin imports it,
/// and for a kernel the host API it imports (`extism:host/user.host_mix`, `i64 -> i64`, see
/// `kernel_embed::host_mix`).
fn builder<'a>(bytes: &'a [u8], sandbox: Option<Guard>, plugin: &PluginCall) -> PluginBuilder<'a> {
    let dirs = plugin.wasi.map(|w| w.dirs.as_slice()).unwrap_or_default();
    let needs_manifest = matches!(sandbox, Some(Guard::Deadline | Guard::MemoryLimit))
        || !dirs.is_empty()
        || !plugin.links.is_empty();
    // Timeouts, memory caps, allowed paths and linked modules are manifest settings; otherwise
    // the bytes go in as they are, as a plugin host loading a plugin file does.
    let builder = if needs_manifest {
        // Linked modules by their import module names; the plugin last, as extism's `main`.
        let modules = plugin
            .links
            .iter()
            .map(|link| Wasm::data(link.bytes.clone()).with_name(&link.name))
            .chain([Wasm::data(bytes.to_vec()).with_name("main")]);
        let mut manifest = Manifest::new(modules);
        match sandbox {
            Some(Guard::Deadline) => manifest = manifest.with_timeout(DEADLINE),
            Some(Guard::MemoryLimit) => {
                manifest = manifest.with_memory_max(runtimes::MEMORY_LIMIT_PAGES)
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
    let builder = builder.with_wasi(plugin.wasi.is_some());
    if !plugin.kernel {
        return builder;
    }
    builder.with_function(
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
            Some(Guard::MemoryLimit) => format!("; manifest memory max {} pages ({})", runtimes::MEMORY_LIMIT_PAGES, runtimes::memory_limit_text()),
        };
        RuntimeInfo {
            crate_name: "extism".into(),
            crate_version: env!("PLUGBENCH_DEP_EXTISM").into(),
            config: format!(
                "wasmtime {} inside (epoch interruption always on), WASI only for a plugin that imports it (preopens only), compilation cache off (extism turns it on by default; on only for `compile (cached)`){guard}",
                env!("PLUGBENCH_DEP_EXTISM__WASMTIME")
            ),
            guest: GuestFormat::PdkPlugin,
            supports_artifacts: false,
        }
    }

    fn hosts(&self, program: &Program) -> Result<(), String> {
        match program.unlinked().0 {
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
        let plugin = plugin_call(program)?;
        let builder = builder(bytes, self.0, &plugin);
        let builder = match cache {
            None => builder.with_cache_disabled(),
            Some(dir) => builder.with_cache_config(cache_config(dir)?),
        };
        let compiled = builder.compile().map_err(RuntimeError::compile)?;
        Ok(Box::new(ExModule {
            compiled,
            export: plugin.export.to_string(),
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
