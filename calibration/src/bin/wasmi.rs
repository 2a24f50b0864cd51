//! wasmi 2, its default configuration: the `wasmi` configuration's minimal host.

#[path = "../wasmi_host.rs"]
mod host;

use wasmi::{Instance, Linker, Module, Store};

fn start(linker: &Linker<()>, store: &mut Store<()>, module: &Module) -> Instance {
    linker.instantiate_and_start(store, module).unwrap()
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
