//! A WASI benchmark in the Sightglass convention: it reads its input by a path relative to its
//! working directory (`./default.input`, from a directory preopened as `.`), and marks the work
//! to time with the `bench.start` and `bench.end` imports. Built by `scripts/build-examples` for
//! wasm32-wasip1 (a core module) and for wasm32-wasip2 (a component, as Sightglass builds its
//! component benchmarks); measured with
//! `plugbench compare --module target/examples/bench-words.wasm --dir BENCH_DIR::.`.

use std::collections::HashMap;
use std::process::ExitCode;

/// The host's timer marks: core imports for wasm32-wasip1, the WIT interface `bench` for a
/// component (wasm32-wasip2); a native build (the workspace builds every member for the host)
/// has no host to call.
#[cfg(all(target_os = "wasi", not(target_env = "p2")))]
mod marks {
    #[link(wasm_import_module = "bench")]
    extern "C" {
        fn start();
        fn end();
    }
    pub fn start_timing() {
        // SAFETY: imports without arguments or results, provided by the benchmark host.
        unsafe { start() }
    }
    pub fn end_timing() {
        // SAFETY: as above.
        unsafe { end() }
    }
}

#[cfg(all(target_os = "wasi", target_env = "p2"))]
mod marks {
    wit_bindgen::generate!({ path: "wit", world: "bench-words" });
    pub fn start_timing() {
        bench::start()
    }
    pub fn end_timing() {
        bench::end()
    }
}

#[cfg(not(target_os = "wasi"))]
mod marks {
    pub fn start_timing() {}
    pub fn end_timing() {}
}

/// Distinct words and the most frequent one.
fn summary(text: &str) -> String {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    let top = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(w, n)| format!("{w} ({n})"))
        .unwrap_or_else(|| "-".into());
    format!("{} distinct words, most frequent: {top}", counts.len())
}

fn main() -> ExitCode {
    let text = match std::fs::read_to_string("./default.input") {
        Ok(text) => text,
        Err(e) => {
            eprintln!("./default.input: {e}");
            return ExitCode::from(1);
        }
    };
    marks::start_timing();
    let result = summary(&text);
    marks::end_timing();
    println!("{result}");
    ExitCode::SUCCESS
}
