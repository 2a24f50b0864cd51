//! A WASI benchmark in the Sightglass convention: it reads its input by a path relative to its
//! working directory (`./default.input`, from a directory preopened as `.`), and marks the work
//! to time with the `bench.start` and `bench.end` imports. Built for wasm32-wasip1 by
//! `scripts/build-examples`; measured with
//! `plugbench compare --module target/examples/bench-words.wasm --dir BENCH_DIR::.`.

use std::collections::HashMap;
use std::process::ExitCode;

/// The host's timer marks; a native build (the workspace builds every member for the host)
/// has no host to call.
#[cfg(target_os = "wasi")]
mod bench {
    #[link(wasm_import_module = "bench")]
    extern "C" {
        fn start();
        fn end();
    }
    pub fn mark_start() {
        // SAFETY: imports without arguments or results, provided by the benchmark host.
        unsafe { start() }
    }
    pub fn mark_end() {
        // SAFETY: as above.
        unsafe { end() }
    }
}

#[cfg(not(target_os = "wasi"))]
mod bench {
    pub fn mark_start() {}
    pub fn mark_end() {}
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
    bench::mark_start();
    let result = summary(&text);
    bench::mark_end();
    println!("{result}");
    ExitCode::SUCCESS
}
