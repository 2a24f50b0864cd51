//! Faults a worker can be told to inject (hidden `--inject-fault` flag), so tests can prove
//! that a broken module, a crash, a hang or a wrong answer becomes an error row and never
//! a timing or a lost report.

use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Compile garbage instead of the kernel's bytes.
    BadModule,
    /// `abort()` the worker when it reaches this request (`prepare`, `warm` or a phase name).
    AbortAt(String),
    /// Stop answering at this request.
    HangAt(String),
    /// Corrupt every output before it is checked against native.
    WrongOutput,
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('@') {
            Some(("abort", at)) => Ok(Fault::AbortAt(at.into())),
            Some(("hang", at)) => Ok(Fault::HangAt(at.into())),
            None if s == "bad-module" => Ok(Fault::BadModule),
            None if s == "wrong-output" => Ok(Fault::WrongOutput),
            _ => Err(format!(
                "unknown fault `{s}` (bad-module, wrong-output, abort@STEP, hang@STEP)"
            )),
        }
    }
}

impl Fault {
    /// Acts on crash/hang faults when the worker reaches `step`.
    pub fn trigger(fault: Option<&Fault>, step: &str) {
        match fault {
            Some(Fault::AbortAt(at)) if at == step => std::process::abort(),
            Some(Fault::HangAt(at)) if at == step => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            _ => {}
        }
    }
}

/// `RUNTIME=FAULT` as given on the command line, checked; the fault is passed on as text.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    let (runtime, fault) = s.split_once('=').ok_or("expected RUNTIME=FAULT")?;
    fault.parse::<Fault>()?;
    Ok((runtime.to_string(), fault.to_string()))
}
