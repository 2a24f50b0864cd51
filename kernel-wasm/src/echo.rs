//! `echo`: the input bytes come back unchanged. Almost no work, so its time per call is the
//! cost of crossing the host/guest boundary with a payload: copying in, calling, copying out.

use crate::KernelError;

pub fn echo(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    out.extend_from_slice(input);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn echo_returns_its_input() {
        let mut out = vec![0u8];
        super::echo(b"plugin", &mut out).unwrap();
        assert_eq!(out, b"\0plugin");
    }
}
