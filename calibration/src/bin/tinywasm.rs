//! tinywasm 0.10, its default engine: the `tinywasm` configuration's minimal host.

use kernel_embed::Kernel;
use minimal_hosts::{unpack, Embedding};
use tinywasm::{HostFunction, Imports, Module, ModuleInstance, Store};

struct Host;

impl Embedding for Host {
    type Module = Module;
    type Instance = (Store, ModuleInstance);

    fn new() -> Self {
        Host
    }

    fn compile(&self, kernel: &Kernel) -> Module {
        tinywasm::parse_bytes(kernel_embed::core_module(kernel)).unwrap()
    }

    fn instantiate(&self, module: &Module) -> Self::Instance {
        let mut store = Store::default();
        let host_mix = HostFunction::from(&mut store, |_ctx, v: i64| Ok(kernel_embed::host_mix(v)));
        let mut imports = Imports::new();
        imports.define("plugbench", "host_mix", host_mix);
        let instance = ModuleInstance::instantiate(&mut store, module, Some(imports)).unwrap();
        (store, instance)
    }

    fn call(&self, (store, instance): &mut Self::Instance, export: &str, input: &[u8]) -> Vec<u8> {
        let memory = instance.memory("memory").unwrap();
        let alloc = instance.func::<i32, i32>(store, "alloc").unwrap();
        let run = instance.func::<(i32, i32), i64>(store, export).unwrap();
        let ptr = alloc.call(store, input.len() as i32).unwrap();
        memory.copy_from_slice(store, ptr as usize, input).unwrap();
        let packed = run.call(store, (ptr, input.len() as i32)).unwrap();
        let (out, len) = unpack(packed as u64);
        let bytes = memory.read_vec(store, out as usize, len as usize).unwrap();
        assert_eq!(bytes[0], 0, "the kernel failed");
        bytes[1..].to_vec()
    }
}

fn main() {
    minimal_hosts::run::<Host>();
}
