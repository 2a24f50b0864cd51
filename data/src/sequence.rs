//! A call sequence: how a module with a lifecycle is measured (`--setup 'setup(10000000)'
//! --invoke 'run($setup)' --check 'len_primes($setup)' --teardown 'teardown($setup)'`). Only
//! the timed call is the warm figure; the check's results are the verified output.

use serde::{Deserialize, Serialize};

use crate::{Value, ValueType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    /// Called once per instance before the timed calls; its results are `$setup`.
    pub setup: Option<Step>,
    /// The timed call.
    pub run: Step,
    /// Called after the timed call; its results are the output checked (else the run's).
    pub check: Option<Step>,
    /// Called once when the instance is done.
    pub teardown: Option<Step>,
}

/// One call of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub export: String,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    Value(Value),
    /// The setup's result at this index (`$setup` is the first, `$setup.1` the second).
    Setup(usize),
}

/// Why a call's text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCall(pub String);

impl std::fmt::Display for BadCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Step {
    /// `name(arg, ...)` as written (numbers, `$setup`, `$setup.N`), each argument typed by
    /// `params` (the export's parameter types, `None` where the export has no numeric
    /// signature) and, for `$setup`, by `setup` (the setup's result types).
    pub fn parse(
        text: &str,
        params: impl Fn(&str) -> Option<Vec<ValueType>>,
        setup: Option<&[ValueType]>,
    ) -> Result<Step, BadCall> {
        let bad = |why: String| BadCall(format!("`{text}`: {why}"));
        let (export, rest) = text
            .trim()
            .split_once('(')
            .ok_or_else(|| bad("expected name(arguments)".into()))?;
        let inner = rest
            .strip_suffix(')')
            .ok_or_else(|| bad("expected a closing parenthesis".into()))?;
        let export = export.trim().to_string();
        let types = params(&export).ok_or_else(|| {
            bad(format!(
                "the module exports no function `{export}` that takes and returns numbers"
            ))
        })?;
        let written: Vec<&str> = match inner.trim() {
            "" => Vec::new(),
            inner => inner.split(',').map(str::trim).collect(),
        };
        if written.len() != types.len() {
            return Err(bad(format!(
                "`{export}` takes {} argument(s), {} given",
                types.len(),
                written.len()
            )));
        }
        let args = written
            .iter()
            .zip(&types)
            .map(|(&arg, &ty)| argument(arg, ty, setup).map_err(bad))
            .collect::<Result<_, _>>()?;
        Ok(Step { export, args })
    }

    /// The call as written.
    pub fn text(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Value(v) => v.to_string(),
                Arg::Setup(0) => "$setup".into(),
                Arg::Setup(i) => format!("$setup.{i}"),
            })
            .collect();
        format!("{}({})", self.export, args.join(", "))
    }
}

/// One argument of type `ty`: a number, or a result of the setup of that type.
fn argument(text: &str, ty: ValueType, setup: Option<&[ValueType]>) -> Result<Arg, String> {
    let Some(index) = text.strip_prefix("$setup") else {
        return Value::parse(ty, text).map(Arg::Value);
    };
    let index = match index.strip_prefix('.') {
        None if index.is_empty() => 0,
        Some(n) => n
            .parse()
            .map_err(|_| format!("`{text}`: not $setup or $setup.N"))?,
        None => return Err(format!("`{text}`: not $setup or $setup.N")),
    };
    let results = setup.ok_or_else(|| format!("`{text}` without --setup"))?;
    match results.get(index) {
        Some(&t) if t == ty => Ok(Arg::Setup(index)),
        Some(t) => Err(format!(
            "`{text}` is an {} where an {} is taken",
            t.as_str(),
            ty.as_str()
        )),
        None => Err(format!("the setup returns {} value(s)", results.len())),
    }
}

impl Sequence {
    /// The sequence as a command line would write it.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(setup) = &self.setup {
            parts.push(format!("setup {}", setup.text()));
        }
        parts.push(format!("timed {}", self.run.text()));
        if let Some(check) = &self.check {
            parts.push(format!("check {}", check.text()));
        }
        if let Some(teardown) = &self.teardown {
            parts.push(format!("teardown {}", teardown.text()));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(name: &str) -> Option<Vec<ValueType>> {
        match name {
            "setup" => Some(vec![ValueType::I32]),
            "run" | "len" => Some(vec![ValueType::I64]),
            _ => None,
        }
    }

    #[test]
    fn calls_are_read_with_their_types() {
        let setup = Step::parse("setup(10000000)", params, None).unwrap();
        assert_eq!(setup.args, [Arg::Value(Value::I32(10_000_000))]);
        let run = Step::parse("run($setup)", params, Some(&[ValueType::I64])).unwrap();
        assert_eq!(run.args, [Arg::Setup(0)]);
        assert_eq!(run.text(), "run($setup)");
    }

    #[test]
    fn calls_that_do_not_fit_are_refused_saying_why() {
        let setup = Some(&[ValueType::I32][..]);
        for (text, why) in [
            ("run", "expected name(arguments)"),
            ("run(1", "closing parenthesis"),
            ("nope(1)", "exports no function `nope`"),
            ("run(1, 2)", "takes 1 argument(s), 2 given"),
            ("run($setup)", "is an i32 where an i64 is taken"),
            ("run($setup.3)", "the setup returns 1 value(s)"),
            ("run(x)", "not an i64"),
        ] {
            let err = Step::parse(text, params, setup).unwrap_err().0;
            assert!(err.contains(why), "{text}: {err}");
        }
        let err = Step::parse("run($setup)", params, None).unwrap_err().0;
        assert!(err.contains("without --setup"), "{err}");
    }
}
