//! wasmer 7.4 with the compiler named by `PLUGBENCH_WASMER_COMPILER` (`cranelift` or
//! `singlepass`), its defaults: the minimal host of `wasmer-cranelift` and `wasmer-singlepass`.

#[path = "../wasmer_host.rs"]
mod host;

fn engine() -> wasmer::Engine {
    let compiler = std::env::var("PLUGBENCH_WASMER_COMPILER").unwrap_or_default();
    match compiler.as_str() {
        "cranelift" => wasmer::sys::Cranelift::default().into(),
        "singlepass" => wasmer::sys::Singlepass::default().into(),
        other => panic!("PLUGBENCH_WASMER_COMPILER: `{other}` is not cranelift or singlepass"),
    }
}

fn main() {
    minimal_hosts::run::<host::Host>();
}
