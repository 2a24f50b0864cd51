//! A user's module's output as a person checks it: typed by the program that gave it (numbers,
//! bytes, or a WASI run's exit code and streams), bytes with their SHA-256.

use plugbench_data::{Answer, Excerpt};
use runtimes::Program;
use sha2::{Digest, Sha256};

/// What `output`, the output of one call of `program`, says.
pub fn answer(program: &Program, output: &[u8]) -> Answer {
    let typed = match program.unlinked().0 {
        Program::Invocation(_) | Program::Sequence(_) => std::str::from_utf8(output)
            .ok()
            .and_then(runtimes::results_from_text)
            .map(|values| Answer::Values { values }),
        Program::Wasi(_) | Program::ComponentCommand(_) => runtimes::outcome_from_bytes(output)
            .map(|o| Answer::Program {
                exit_code: o.exit_code,
                results: o.results,
                stdout: excerpt(&o.stdout),
                stderr: excerpt(&o.stderr),
            }),
        Program::Kernel(_)
        | Program::ComponentCall { .. }
        | Program::ByteAbi { .. }
        | Program::ExtismPlugin { .. }
        | Program::Linked { .. } => None,
    };
    typed.unwrap_or_else(|| Answer::Bytes {
        output: excerpt(output),
    })
}

fn excerpt(bytes: &[u8]) -> Excerpt {
    Excerpt {
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", Sha256::digest(bytes)),
        preview: Excerpt::preview_of(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtimes::{Invocation, Value, WasiOutcome, WasiSetup};

    #[test]
    fn each_program_s_output_is_typed() {
        let invocation = Program::Invocation(Invocation {
            export: "fib".into(),
            args: vec![Value::I32(30)],
            results: Vec::new(),
        });
        let output = runtimes::results_text(&[Value::I64(832040)]);
        assert_eq!(answer(&invocation, output.as_bytes()).text(), "832040:i64");
        let run = WasiOutcome {
            stdout: b"hello\n".to_vec(),
            ..WasiOutcome::default()
        };
        let wasi = answer(
            &Program::Wasi(WasiSetup::default()),
            &runtimes::outcome_bytes(&run),
        );
        assert_eq!(
            wasi.text(),
            "exit code 0; stdout 6 bytes, SHA-256 \
             5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03: \"hello\"; stderr empty"
        );
        let bytes = answer(
            &Program::ByteAbi {
                export: "run".into(),
            },
            b"{}",
        );
        assert!(matches!(bytes, Answer::Bytes { output } if output.bytes == 2));
    }
}
