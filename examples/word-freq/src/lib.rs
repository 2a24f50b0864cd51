//! A text filter plugin: UTF-8 text in, its ten most frequent words out, one `count word` per
//! line. The same function is built twice by `scripts/build-examples`: with plugbench's byte ABI
//! (feature `byte-abi`, hosted by every core-module runtime) and as an extism plugin (feature
//! `extism`), so the two plugin styles can be compared on the same code; and natively (feature
//! `native`, the native byte ABI) as the baseline they are compared with.

use std::collections::HashMap;

#[cfg(feature = "byte-abi")]
mod byte_abi;
#[cfg(feature = "extism")]
mod extism;
#[cfg(feature = "native")]
mod native;

/// The ten most frequent words (lower-cased, letters and digits), most frequent first, ties
/// alphabetical.
pub fn word_freq(text: &str) -> String {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_default() += 1;
    }
    let mut ranked: Vec<(String, u32)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
        .iter()
        .take(10)
        .map(|(word, n)| format!("{n} {word}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranks_by_count_then_word() {
        let out = super::word_freq("The cat and the hat. THE end, and");
        assert_eq!(out, "3 the\n2 and\n1 cat\n1 end\n1 hat\n");
    }
}
