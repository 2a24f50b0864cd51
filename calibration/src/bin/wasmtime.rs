//! wasmtime 48, Cranelift, its defaults: the `wasmtime` configuration's minimal host.

#[path = "../wasmtime_host.rs"]
mod host;

/// WASI through wasmtime-wasi, for a module that imports it (no kernel does), as the worker's
/// adapter offers it in a build with its WASI layer.
mod wasi_layer {
    use wasmtime::{Engine, Module};

    #[cfg(feature = "wasi")]
    pub fn run_command(engine: &Engine, module: &Module) {
        use wasmtime::{Linker, Store};
        use wasmtime_wasi::p1::{self, WasiP1Ctx};
        let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
        p1::add_to_linker_sync(&mut linker, |ctx| ctx).unwrap();
        let context = wasmtime_wasi::WasiCtxBuilder::new()
            .inherit_stdio()
            .build_p1();
        let mut store = Store::new(engine, context);
        let instance = linker.instantiate(&mut store, module).unwrap();
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start");
        start.unwrap().call(&mut store, ()).unwrap();
    }

    #[cfg(not(feature = "wasi"))]
    pub fn run_command(_: &Engine, _: &Module) {
        panic!("this minimal host is built without WASI");
    }
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
