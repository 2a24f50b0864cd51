//! wasmi 0.31 (the one wasm_component_layer runs on), its default configuration: the
//! `wasmi-0.31` configuration's minimal host.

extern crate wasmi031 as wasmi;

#[path = "../wasmi_host.rs"]
mod host;

use wasmi::{Instance, Linker, Module, Store};

fn start(linker: &Linker<()>, store: &mut Store<()>, module: &Module) -> Instance {
    linker
        .instantiate(&mut *store, module)
        .and_then(|pre| pre.start(&mut *store))
        .unwrap()
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
