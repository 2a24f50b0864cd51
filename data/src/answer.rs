//! What the runtimes answered on a user's module, kept so a person can see that their plugin
//! did the right thing: every row is checked against this answer, and the reports show it once
//! per workload.

use serde::{Deserialize, Serialize};

use crate::Value;

/// The output every verified runtime gave on one workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// A numeric export's results.
    Values { values: Vec<Value> },
    /// The bytes a byte-ABI export or an extism plugin returned.
    Bytes { output: Excerpt },
    /// A WASI program's run: how it ended, a reactor export's results, its two streams.
    Program {
        exit_code: i32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        results: Vec<Value>,
        stdout: Excerpt,
        stderr: Excerpt,
    },
}

/// Bytes as a person checks them: how many, their SHA-256, and their start as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
    /// The first [`Excerpt::PREVIEW_CHARS`] characters, control characters shown as spaces
    /// (invalid UTF-8 as U+FFFD), `…` where cut.
    pub preview: String,
}

impl Excerpt {
    pub const PREVIEW_CHARS: usize = 60;

    /// The preview of `bytes` (their SHA-256 is the caller's, which owns a hasher).
    pub fn preview_of(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let mut chars = text.chars();
        let shown: String = chars
            .by_ref()
            .take(Self::PREVIEW_CHARS)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let cut = chars.next().is_some();
        format!("{}{}", shown.trim_end(), if cut { "…" } else { "" })
    }

    /// `12 bytes, SHA-256 <hex>: "preview"`, or `empty`.
    pub fn text(&self) -> String {
        if self.bytes == 0 {
            return "empty".into();
        }
        format!(
            "{} bytes, SHA-256 {}: \"{}\"",
            self.bytes, self.sha256, self.preview
        )
    }
}

impl Answer {
    /// The answer in one line.
    pub fn text(&self) -> String {
        let values = |values: &[Value]| {
            values
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Answer::Values { values: v } if v.is_empty() => "no results".into(),
            Answer::Values { values: v } => values(v),
            Answer::Bytes { output } => output.text(),
            Answer::Program {
                exit_code,
                results,
                stdout,
                stderr,
            } => {
                let results = match results.is_empty() {
                    true => String::new(),
                    false => format!(", results {}", values(results)),
                };
                format!(
                    "exit code {exit_code}{results}; stdout {}; stderr {}",
                    stdout.text(),
                    stderr.text()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_cut_and_show_no_control_characters() {
        assert_eq!(Excerpt::preview_of(b"832040\n"), "832040");
        assert_eq!(Excerpt::preview_of(b"a\tb\nc"), "a b c");
        let long = "x".repeat(61);
        assert_eq!(
            Excerpt::preview_of(long.as_bytes()),
            format!("{}…", &long[..60])
        );
        assert_eq!(Excerpt::preview_of(&long.as_bytes()[..60]), &long[..60]);
    }

    #[test]
    fn answers_read_as_one_line() {
        let values = Answer::Values {
            values: vec![Value::I64(832040)],
        };
        assert_eq!(values.text(), "832040:i64");
        let empty = Excerpt {
            bytes: 0,
            sha256: String::new(),
            preview: String::new(),
        };
        let out = Excerpt {
            bytes: 3,
            sha256: "ab".into(),
            preview: "hi".into(),
        };
        let program = Answer::Program {
            exit_code: 0,
            results: Vec::new(),
            stdout: out,
            stderr: empty,
        };
        assert_eq!(
            program.text(),
            "exit code 0; stdout 3 bytes, SHA-256 ab: \"hi\"; stderr empty"
        );
    }
}
