//! wasmtime 48, Cranelift, its defaults: the `wasmtime` configuration's minimal host.

#[path = "../wasmtime_host.rs"]
mod host;

fn main() {
    minimal_hosts::run::<host::Host>();
}
