//! extism 1.30 loading the extism-pdk build, compilation cache off as in the worker: the
//! `extism` configuration's minimal host. extism creates its engine in `compile`, so the idle
//! figure is the process before it.

use extism::{CompiledPlugin, Plugin, PluginBuilder, UserData, ValType};
use kernel_embed::Kernel;
use minimal_hosts::Embedding;

struct Host;

impl Embedding for Host {
    type Module = CompiledPlugin;
    type Instance = Plugin;

    fn new() -> Self {
        Host
    }

    fn compile(&self, kernel: &Kernel) -> CompiledPlugin {
        PluginBuilder::new(kernel_embed::pdk_plugin(kernel))
            .with_wasi(false)
            .with_function(
                "host_mix",
                [ValType::I64],
                [ValType::I64],
                UserData::new(()),
                |_plugin, inputs, outputs, _data| {
                    outputs[0] = extism::Val::I64(kernel_embed::host_mix(inputs[0].unwrap_i64()));
                    Ok(())
                },
            )
            .with_cache_disabled()
            .compile()
            .unwrap()
    }

    fn instantiate(&self, module: &CompiledPlugin) -> Plugin {
        Plugin::new_from_compiled(module).unwrap()
    }

    fn call(&self, plugin: &mut Plugin, export: &str, input: &[u8]) -> Vec<u8> {
        plugin.call::<&[u8], &[u8]>(export, input).unwrap().to_vec()
    }
}

fn main() {
    minimal_hosts::run::<Host>();
}
