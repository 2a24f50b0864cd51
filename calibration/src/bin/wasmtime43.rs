//! wasmtime 43 (the one extism embeds), Cranelift, its defaults: `wasmtime-43`'s minimal host.

extern crate wasmtime43 as wasmtime;

#[path = "../wasmtime_host.rs"]
mod host;

/// No WASI: `wasmtime-43`'s worker has no WASI layer either.
mod wasi_layer {
    pub fn run_command(_: &wasmtime::Engine, _: &wasmtime::Module) {
        panic!("wasmtime-43 hosts no WASI program");
    }
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
