//! The kernel catalog: each kernel's name, its export, its native function, how to make its
//! input and how to check an output. The Wasm builds of each kernel are made from this list
//! (`kernel-wasm/embed/build.rs`), one module per kernel.

use crate::ByteKernel;
use crate::KernelError;

/// One benchmark kernel.
#[derive(Clone, Copy)]
pub struct Kernel {
    pub name: &'static str,
    pub description: &'static str,
    /// Export name in both Wasm builds.
    pub export: &'static str,
    /// The natively compiled kernel: the baseline, and the reference every output is checked against.
    pub native: ByteKernel,
    /// Builds the input bytes for a given size and seed (deterministic).
    pub make_input: fn(size: usize, seed: u64) -> Vec<u8>,
    /// Compares an output with the native one value for value; `Err` says where they differ.
    pub verify: fn(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch>,
    /// How its component (`wit/kernels.wit`) types the input and output bytes.
    pub typed: Typed,
}

/// How a kernel's component types the bytes every other build passes: the host turns the
/// workload's input bytes into the argument, and the result back into the bytes that are
/// checked against native.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// JSON text: `string` in, `result<string, string>` out.
    Text,
    /// Little-endian `i64` values: `list<s64>` in and out.
    Integers,
    /// `list<u8>` in and out.
    Bytes,
}

impl Typed {
    /// The WIT signature, as `inspect` and the report show it.
    pub fn signature(self) -> &'static str {
        match self {
            Typed::Text => "func(string) -> result<string, string>",
            Typed::Integers => "func(list<s64>) -> list<s64>",
            Typed::Bytes => "func(list<u8>) -> list<u8>",
        }
    }
}

/// Where an output first differs from the reference, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch(pub String);

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Mismatch {}

impl From<String> for Mismatch {
    fn from(description: String) -> Self {
        Mismatch(description)
    }
}

fn mismatch(description: impl std::fmt::Display) -> Result<(), Mismatch> {
    Err(Mismatch(description.to_string()))
}

impl Kernel {
    /// The name its component exports it under (WIT names are kebab-case).
    pub fn component_export(&self) -> String {
        self.export.replace('_', "-")
    }

    /// The native output for this input: the reference for verification.
    pub fn expected_output(&self, input: &[u8]) -> Result<Vec<u8>, KernelError> {
        let mut out = Vec::new();
        (self.native)(input, &mut out)?;
        Ok(out)
    }
}

impl Kernel {
    /// The entry a runtime calls in a user's module (`--module`): its export, bytes checked
    /// for equality, and no native build.
    pub fn user_module(name: &'static str, export: &'static str) -> Kernel {
        Kernel {
            name,
            description: "a user's module",
            export,
            native: no_native_build,
            make_input: |_, _| Vec::new(),
            verify: same_bytes,
            typed: Typed::Bytes,
        }
    }
}

/// Equality, naming the first difference (the reference is not native code here).
pub fn same_bytes(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch> {
    let first = actual.iter().zip(expected).position(|(a, e)| a != e);
    match first {
        Some(i) => mismatch(format!(
            "first difference at byte {i}: {} where {} was expected",
            shown_byte(actual[i]),
            shown_byte(expected[i])
        )),
        None if actual.len() != expected.len() => mismatch(format!(
            "output has {} bytes where {} were expected (same up to the shorter)",
            actual.len(),
            expected.len()
        )),
        None => Ok(()),
    }
}

fn shown_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("{:?} ({b})", b as char)
    } else {
        format!("byte {b}")
    }
}

fn no_native_build(_input: &[u8], _out: &mut Vec<u8>) -> Result<(), KernelError> {
    Err(KernelError("a user's module has no native build".into()))
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel").field("name", &self.name).finish()
    }
}

/// The kernels whose gap to native the report decomposes: they are built also as a guest with
/// Wasm SIMD, and natively as one-kernel shared libraries with and without auto-vectorization.
pub const GAP_KERNELS: &[&str] = &["pairwise-json", "webhook"];

macro_rules! catalog {
    ($({
        name: $name:literal,
        export: $export:ident,
        guest: $guest:path,
        native: $native:path,
        description: $description:literal,
        input: $input:path,
        verify: $verify:path,
        typed: $typed:ident $(,)?
    })*) => {
        /// Every kernel (the list is `kernels!` in the crate root).
        pub const KERNELS: &[Kernel] = &[$(Kernel {
            name: $name,
            description: $description,
            export: stringify!($export),
            native: $native,
            make_input: $input,
            verify: $verify,
            typed: Typed::$typed,
        }),*];
    };
}

kernels!(catalog);

pub fn kernel(name: &str) -> Option<&'static Kernel> {
    KERNELS.iter().find(|k| k.name == name)
}

fn json_i64_input(size: usize, seed: u64) -> Vec<u8> {
    serde_json::to_vec(&crate::seeded_values(size, seed)).expect("Vec<i64> serializes")
}

fn verify_json_i64(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch> {
    if expected == actual {
        return Ok(());
    }
    let expected: Vec<i64> =
        serde_json::from_slice(expected).map_err(|e| format!("native output is not JSON: {e}"))?;
    let actual: Vec<i64> = serde_json::from_slice(actual).map_err(|e| {
        let shown = String::from_utf8_lossy(&actual[..actual.len().min(80)]).into_owned();
        format!("output is not a JSON array of i64 ({e}): {shown:?}")
    })?;
    if actual.len() != expected.len() {
        return mismatch(format!(
            "output has {} values, native has {}",
            actual.len(),
            expected.len()
        ));
    }
    match actual.iter().zip(&expected).position(|(a, e)| a != e) {
        Some(i) => mismatch(format!(
            "value {i} is {}, native gives {}",
            actual[i], expected[i]
        )),
        None => Ok(()),
    }
}

fn raw_i64_input(size: usize, seed: u64) -> Vec<u8> {
    crate::seeded_values(size, seed)
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

fn verify_raw_i64(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch> {
    if actual.len() != expected.len() {
        return mismatch(format!(
            "output has {} bytes, native has {}",
            actual.len(),
            expected.len()
        ));
    }
    let value = |b: &[u8], i: usize| i64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
    match (0..expected.len() / 8).find(|&i| value(actual, i) != value(expected, i)) {
        Some(i) => mismatch(format!(
            "value {i} is {}, native gives {}",
            value(actual, i),
            value(expected, i)
        )),
        None if actual == expected => Ok(()),
        None => mismatch("output differs from native in its trailing bytes"),
    }
}

fn seeded_bytes(size: usize, seed: u64) -> Vec<u8> {
    crate::seeded_values(size, seed)
        .iter()
        .map(|v| *v as u8)
        .collect()
}

fn verify_bytes(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch> {
    if actual.len() != expected.len() {
        return mismatch(format!(
            "output has {} bytes, native has {}",
            actual.len(),
            expected.len()
        ));
    }
    match actual.iter().zip(expected).position(|(a, e)| a != e) {
        Some(i) => mismatch(format!(
            "byte {i} is {}, native gives {}",
            actual[i], expected[i]
        )),
        None => Ok(()),
    }
}

const AUTHORS: [&str; 7] = ["ana", "bo", "chen", "dara", "eli", "fatou", "gus"];
const WORDS: [&str; 12] = [
    "fix",
    "add",
    "parser",
    "cache",
    "docs",
    "tests",
    "refactor",
    "limits",
    "\"quoted\"",
    "config",
    "über",
    "release",
];
const PATHS: [&str; 10] = [
    "src/lib.rs",
    "src/main.rs",
    "src/parser.rs",
    "src/cache.rs",
    "README.md",
    "Cargo.toml",
    "tests/api.rs",
    "docs/guide.md",
    "src/config/mod.rs",
    "benches/run.rs",
];

/// A push event with `size` commits, varied authors, messages (some with escapes and
/// non-ASCII text) and file lists, deterministic for `(size, seed)`.
fn push_event(size: usize, seed: u64) -> Vec<u8> {
    let values = crate::seeded_values(size * 6 + 1, seed);
    let pick = |i: usize, n: usize| values[i].unsigned_abs() as usize % n;
    let commits: Vec<serde_json::Value> = (0..size)
        .map(|c| {
            let v = c * 6;
            let words: Vec<&str> = (0..3 + pick(v, 9)).map(|w| WORDS[pick(v + w % 6, 12 - w % 3)]).collect();
            let files = |k: usize| -> Vec<&str> { (0..pick(v + k, 3)).map(|f| PATHS[pick(v + k + f, 10)]).collect() };
            serde_json::json!({
                "id": format!("{:016x}{:024x}", values[v + 1].unsigned_abs().wrapping_mul(0x9E37_79B9), c),
                "message": format!("{} #{c}\n\n{}", words.join(" "), words.join("\n")),
                "timestamp": format!("2026-11-{:02}T12:{:02}:00Z", 1 + c % 28, c % 60),
                "author": { "name": AUTHORS[pick(v + 2, AUTHORS.len())], "email": "dev@example.org" },
                "added": files(3),
                "removed": files(4),
                "modified": files(5),
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "ref": "refs/heads/main",
        "before": "0000000000000000000000000000000000000000",
        "repository": { "full_name": "acme/plugin-host", "private": false },
        "pusher": { "name": AUTHORS[pick(size * 6, AUTHORS.len())] },
        "commits": commits,
    }))
    .expect("a push event serializes")
}

/// Byte-for-byte comparison of text outputs; on a difference, shows both around it.
fn verify_text(expected: &[u8], actual: &[u8]) -> Result<(), Mismatch> {
    if expected == actual {
        return Ok(());
    }
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let around = |b: &[u8]| {
        String::from_utf8_lossy(&b[at.saturating_sub(20)..(at + 20).min(b.len())]).into_owned()
    };
    mismatch(format!(
        "output differs from native at byte {at}: {:?} where native has {:?} ({} bytes vs native {})",
        around(actual),
        around(expected),
        actual.len(),
        expected.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_reports_first_difference() {
        assert_eq!(verify_json_i64(b"[1,2,3]", b"[1, 2, 3]"), Ok(()));
        assert_eq!(
            verify_json_i64(b"[1,2,3]", b"[1,5,3]").unwrap_err().0,
            "value 1 is 5, native gives 2"
        );
        assert!(verify_json_i64(b"[1,2]", b"[1]")
            .unwrap_err()
            .0
            .contains("1 values"));
        assert!(verify_json_i64(b"[1]", b"oops")
            .unwrap_err()
            .0
            .contains("not a JSON array"));
    }

    #[test]
    fn every_kernel_accepts_its_own_input() {
        for k in KERNELS {
            let input = (k.make_input)(40, 3);
            let out = k
                .expected_output(&input)
                .unwrap_or_else(|e| panic!("{}: {e}", k.name));
            assert!(!out.is_empty(), "{}", k.name);
            assert_eq!((k.verify)(&out, &out), Ok(()), "{}", k.name);
        }
        let webhook = kernel("webhook").unwrap();
        let out = webhook
            .expected_output(&(webhook.make_input)(40, 3))
            .unwrap();
        let summary: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(summary["commits"], 40);
        assert!(summary["authors"].as_array().unwrap().len() > 1);
    }

    #[test]
    fn verify_text_shows_the_difference() {
        let err = verify_text(b"{\"a\":1}", b"{\"a\":2}").unwrap_err().0;
        assert!(err.contains("at byte 5"), "{err}");
    }

    #[test]
    fn inputs_are_deterministic() {
        let k = kernel("pairwise-json").unwrap();
        assert_eq!((k.make_input)(50, 7), (k.make_input)(50, 7));
        assert_ne!((k.make_input)(50, 7), (k.make_input)(50, 8));
    }
}
