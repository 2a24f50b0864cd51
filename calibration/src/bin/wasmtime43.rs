//! wasmtime 43 (the one extism embeds), Cranelift, its defaults: `wasmtime-43`'s minimal host.

extern crate wasmtime43 as wasmtime;

#[path = "../wasmtime_host.rs"]
mod host;

fn main() {
    minimal_hosts::run::<host::Host>();
}
