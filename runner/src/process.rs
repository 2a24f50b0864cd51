//! A worker process driven over pipes: one line out, one line back, with a time limit per
//! exchange and a cap on what the worker may write, so a runtime that hangs, dies or floods
//! its output costs plugbench one error and never its memory or its run.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Longest answer line a worker may send; a longer one ends the worker.
pub const MAX_LINE_BYTES: usize = 16 << 20;
/// Longest stderr line kept for an error message (the rest of the line is dropped).
const MAX_STDERR_LINE_BYTES: usize = 2000;
const STDERR_LINES_KEPT: usize = 8;

/// Why an exchange with a worker process failed; the process is gone after any of these.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProcessError {
    #[error("could not start worker: {0}")]
    Spawn(String),
    #[error("worker is no longer running")]
    Gone,
    #[error(
        "worker wrote more than {} MiB without a line break during {step} (output flood) and was killed",
        MAX_LINE_BYTES >> 20
    )]
    Flooded { step: String },
    #[error("timed out after {seconds:.0} s during {step}: the worker gave no answer and was killed{stderr}")]
    TimedOut {
        step: String,
        seconds: f64,
        /// `; worker stderr: ...`, or empty.
        stderr: String,
    },
    #[error("worker {how} during {step}{stderr}")]
    Died {
        step: String,
        /// "exited with status 1", "was killed by signal 6 (SIGABRT)", "closed its output".
        how: String,
        stderr: String,
    },
}

/// A program a worker runs under, with its own arguments before the worker's command line and
/// the environment it adds.
#[derive(Debug, Clone)]
pub struct Wrapper {
    pub program: std::path::PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, std::path::PathBuf)>,
}

/// What the stdout reader passes on.
enum Line {
    Text(String),
    /// The worker wrote more than [`MAX_LINE_BYTES`] without a line break.
    Flooded,
}

pub struct WorkerProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Line>,
    stderr_tail: Arc<Mutex<StderrTail>>,
    timeout: Duration,
    dead: bool,
}

impl WorkerProcess {
    /// Starts `exe args...` in its own process group: a Ctrl-C at the terminal reaches
    /// plugbench only, which then ends its workers itself.
    pub fn spawn(exe: &Path, args: &[String], timeout: Duration) -> Result<Self, ProcessError> {
        Self::spawn_under(None, exe, args, timeout)
    }

    /// [`Self::spawn`], the worker run by `wrapper` (valgrind) where there is one.
    pub fn spawn_under(
        wrapper: Option<&Wrapper>,
        exe: &Path,
        args: &[String],
        timeout: Duration,
    ) -> Result<Self, ProcessError> {
        let mut command = match wrapper {
            Some(w) => {
                let mut command = Command::new(&w.program);
                command.args(&w.args).arg(exe).envs(w.env.iter().cloned());
                command
            }
            None => Command::new(exe),
        };
        let mut child = command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| ProcessError::Spawn(e.to_string()))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || forward_lines(BufReader::new(stdout), tx));
        let stderr_tail = Arc::new(Mutex::new(StderrTail::default()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::spawn(move || keep_tail(BufReader::new(stderr), &tail));
        Ok(Self {
            child,
            stdin,
            lines,
            stderr_tail,
            timeout,
            dead: false,
        })
    }

    pub fn alive(&self) -> bool {
        !self.dead
    }

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sends `line` and waits for the answer line; `step` names the request in errors.
    pub fn exchange(&mut self, line: &str, step: &str) -> Result<String, ProcessError> {
        if self.dead {
            return Err(ProcessError::Gone);
        }
        let sent = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|_| self.stdin.write_all(b"\n"))
            .and_then(|_| self.stdin.flush());
        if sent.is_err() {
            return Err(self.died(step));
        }
        self.answer(step)
    }

    /// The next line the worker sends without being asked (its greeting).
    pub fn answer(&mut self, step: &str) -> Result<String, ProcessError> {
        let step = step.to_string();
        match self.lines.recv_timeout(self.timeout) {
            Ok(Line::Text(line)) => Ok(line),
            Ok(Line::Flooded) => {
                self.kill();
                Err(ProcessError::Flooded { step })
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.died(&step)),
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                Err(ProcessError::TimedOut {
                    step,
                    seconds: self.timeout.as_secs_f64(),
                    stderr: self.stderr_note(),
                })
            }
        }
    }

    fn kill(&mut self) {
        self.dead = true;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn died(&mut self, step: &str) -> ProcessError {
        self.dead = true;
        let status = match self.child.try_wait() {
            Ok(Some(status)) => Some(status),
            _ => {
                std::thread::sleep(Duration::from_millis(100));
                self.child.try_wait().ok().flatten()
            }
        };
        let how = match status {
            Some(status) => describe_exit(status),
            None => "closed its output".into(),
        };
        ProcessError::Died {
            step: step.to_string(),
            how,
            stderr: self.stderr_note(),
        }
    }

    fn stderr_note(&self) -> String {
        // Give the stderr reader a moment to collect the dying words.
        std::thread::sleep(Duration::from_millis(50));
        let tail = self.stderr_tail.lock().unwrap();
        let text: Vec<&str> = tail
            .panic
            .iter()
            .chain(tail.last.iter().filter(|l| Some(*l) != tail.panic.as_ref()))
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if text.is_empty() {
            String::new()
        } else {
            format!("; worker stderr: {}", text.join(" | "))
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Passes each stdout line on, or [`Line::Flooded`] once a line outgrows the cap.
fn forward_lines(mut out: impl BufRead, tx: mpsc::Sender<Line>) {
    loop {
        let mut line = Vec::new();
        let read = (&mut out)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) if line.last() != Some(&b'\n') && line.len() > MAX_LINE_BYTES => {
                let _ = tx.send(Line::Flooded);
                return;
            }
            Ok(_) => {
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                if tx.send(Line::Text(text)).is_err() {
                    return;
                }
            }
        }
    }
}

/// What a worker said on stderr that an error message should quote.
#[derive(Default)]
struct StderrTail {
    /// A Rust panic's location and message (a backtrace after it would push it out of `last`).
    panic: Option<String>,
    last: VecDeque<String>,
}

/// Keeps the last few stderr lines (and a panic's), each cut to a readable length; reads
/// everything, so a worker that floods stderr never blocks on a full pipe.
fn keep_tail(mut err: impl BufRead, tail: &Mutex<StderrTail>) {
    let mut line = Vec::new();
    loop {
        line.clear();
        let mut kept = (&mut err).take(MAX_STDERR_LINE_BYTES as u64);
        match kept.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') && skip_line(&mut err).is_err() {
            return;
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        let mut tail = tail.lock().unwrap();
        let after_panic_line = tail
            .panic
            .as_ref()
            .is_some_and(|p| !p.contains('\n') && p.ends_with(':'));
        if after_panic_line {
            // The panic message is the line after "panicked at FILE:LINE:COL:".
            let panic = tail.panic.take().unwrap_or_default();
            tail.panic = Some(format!("{panic} {text}"));
        } else if tail.panic.is_none() && text.contains("panicked at") {
            tail.panic = Some(text.clone());
        }
        if tail.last.len() == STDERR_LINES_KEPT {
            tail.last.pop_front();
        }
        tail.last.push_back(text);
    }
}

/// Reads past the next line break, a buffer at a time (never holding the line).
fn skip_line(r: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                r.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

pub fn describe_exit(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("was killed by signal {signal} ({})", signal_name(signal)),
        (Some(code), _) => format!("exited with code {code}"),
        _ => format!("ended ({status})"),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal",
    }
}

/// The worker's side of the protocol: answers go out on what was its stdout, and its stdout
/// from then on is its stderr. A runtime or guest that prints (a WASI guest whose host passes
/// stdio through, as extism's does with `EXTISM_ENABLE_WASI_OUTPUT`, or an engine's debug
/// output) then lands in the stderr tail a failure shows, instead of in the middle of an
/// answer line.
pub fn protocol_output() -> std::io::Result<std::fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let stdout = std::io::stdout().as_raw_fd();
    let stderr = std::io::stderr().as_raw_fd();
    // SAFETY: dup and dup2 on the process's own standard descriptors, before any other thread
    // of the worker writes to them; the duplicate is owned by the returned File alone.
    unsafe {
        let protocol = libc::dup(stdout);
        if protocol < 0 || libc::dup2(stderr, stdout) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(std::fs::File::from_raw_fd(protocol))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker whose answer line never ends (the protocol channel flooded) is cut off at the
    /// cap, not read into memory without end.
    #[test]
    fn a_line_past_the_cap_is_a_flood() {
        let (tx, rx) = mpsc::channel();
        let mut text = b"{\"kind\":\"unsupported\"}\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
        forward_lines(std::io::Cursor::new(text), tx);
        let lines: Vec<Line> = rx.iter().collect();
        assert!(matches!(&lines[..], [Line::Text(t), Line::Flooded] if t.contains("unsupported")));
    }
}
