//! Faults a worker can be told to inject (hidden `--inject-fault` flag), so tests can prove
//! that a broken or hostile module, a crash, a hang or a wrong answer becomes an error row and
//! never a timing or a lost report.

use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Compile garbage instead of the kernel's bytes.
    BadModule,
    /// `abort()` the worker when it reaches this request (`prepare`, `warm` or a phase name).
    AbortAt(String),
    /// Stop answering at this request.
    HangAt(String),
    /// Write 32 MiB without a line break to stderr, then to stdout, at this request (a
    /// runtime that floods its output).
    FloodAt(String),
    /// Corrupt every output before it is checked against native.
    WrongOutput,
    /// Load a hostile module (the core ABI's exports, misbehaving) instead of the kernel.
    Hostile(Hostile),
    /// Report the fingerprint of another kernel build than the one compiled, as a worker
    /// built apart from plugbench with another guest would.
    ForeignBuild,
    /// Corrupt every output checked under load, and only those: a runtime that answers right
    /// alone and wrongly with several threads.
    WrongUnderLoad,
    /// At a fixed arrival rate, host thread 0 stalls for [`SLOW_EVENT_PAUSE`] in its event
    /// number [`SLOW_EVENT`] (proves that the latency figures show a stalled event; the
    /// closed-loop samples, which set the rate, are left alone).
    SlowEvent,
}

/// The event `slow-event` stalls, and for how long.
pub const SLOW_EVENT: u64 = 50;
pub const SLOW_EVENT_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// What a hostile module's kernel export does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Executes `unreachable`.
    Trap,
    /// Recurses without end.
    StackOverflow,
    /// Grows its memory until the runtime refuses, then traps (as an allocator would abort).
    GrowMemory,
    /// Loops forever.
    EndlessLoop,
    /// Claims an output of 4 GiB.
    HugeOutput,
}

impl Hostile {
    const NAMES: [(Hostile, &'static str); 5] = [
        (Hostile::Trap, "trap"),
        (Hostile::StackOverflow, "stack-overflow"),
        (Hostile::GrowMemory, "grow-memory"),
        (Hostile::EndlessLoop, "endless-loop"),
        (Hostile::HugeOutput, "huge-output"),
    ];

    /// The body of the kernel export, `(param i32 i32) (result i64)`.
    fn body(self) -> &'static str {
        match self {
            Hostile::Trap => "unreachable",
            Hostile::StackOverflow => "i32.const 0 call $recurse drop i64.const 0",
            Hostile::GrowMemory => {
                "(loop $more (br_if $more (i32.ne (memory.grow (i32.const 1024)) (i32.const -1)))) unreachable"
            }
            Hostile::EndlessLoop => "(loop $forever (br $forever)) i64.const 0",
            Hostile::HugeOutput => "i64.const 0xffffffff",
        }
    }

    /// A core module with the byte ABI's exports whose kernel `export` misbehaves.
    pub fn module(self, export: &str) -> Vec<u8> {
        let text = format!(
            r#"(module
                 (memory (export "memory") 1)
                 (func (export "alloc") (param i32) (result i32) i32.const 16)
                 (func (export "dealloc") (param i32 i32))
                 (func $recurse (param i32) (result i32)
                   local.get 0 i32.const 1 i32.add call $recurse)
                 (func (export "{export}") (param i32 i32) (result i64) {}))"#,
            self.body()
        );
        wat::parse_str(text).expect("the hostile modules are valid text")
    }
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('@') {
            Some(("abort", at)) => Ok(Fault::AbortAt(at.into())),
            Some(("hang", at)) => Ok(Fault::HangAt(at.into())),
            Some(("flood", at)) => Ok(Fault::FloodAt(at.into())),
            None if s == "bad-module" => Ok(Fault::BadModule),
            None if s == "wrong-output" => Ok(Fault::WrongOutput),
            None if s == "foreign-build" => Ok(Fault::ForeignBuild),
            None if s == "slow-event" => Ok(Fault::SlowEvent),
            None if s == "wrong-under-load" => Ok(Fault::WrongUnderLoad),
            None => match Hostile::NAMES.iter().find(|(_, name)| *name == s) {
                Some(&(hostile, _)) => Ok(Fault::Hostile(hostile)),
                None => Err(format!(
                    "unknown fault `{s}` (bad-module, wrong-output, wrong-under-load, foreign-build, slow-event, abort@STEP, hang@STEP, flood@STEP, {})",
                    Hostile::NAMES.map(|(_, n)| n).join(", ")
                )),
            },
            _ => Err(format!("unknown fault `{s}`")),
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
            Some(Fault::FloodAt(at)) if at == step => {
                use std::io::Write;
                // On the heap: a 1 MiB array on the stack made every worker's stack frame for
                // this function 1 MiB, touched page by page on entry, and every runtime's idle
                // RSS 1 MiB higher than a host embedding it (docs/calibration.md).
                let block = vec![b'x'; 1 << 20];
                for _ in 0..32 {
                    let _ = std::io::stderr().write_all(&block);
                }
                for _ in 0..32 {
                    let _ = std::io::stdout().write_all(&block);
                }
            }
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
