//! A WASI program: lines, words, bytes and the most frequent word of stdin, or of each file
//! named as an argument (reached through `--dir`). Built for wasm32-wasip1 by
//! `scripts/build-examples`; measured with
//! `plugbench compare --module target/examples/text-stats.wasm --stdin FILE`.

use std::collections::HashMap;
use std::io::Read;
use std::process::ExitCode;

fn stats(name: &str, text: &str) -> String {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_default() += 1;
    }
    let top = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(w, n)| format!("{w} ({n})"))
        .unwrap_or_else(|| "-".into());
    format!(
        "{name}: {} lines, {} words, {} bytes, most frequent: {top}",
        text.lines().count(),
        text.split_whitespace().count(),
        text.len()
    )
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("stdin: {e}");
            return ExitCode::from(2);
        }
        println!("{}", stats("stdin", &text));
        return ExitCode::SUCCESS;
    }
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => println!("{}", stats(file, &text)),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
