//! `host-calls`: a plugin that calls its host's API once per input value. Each call's result
//! feeds the next, so no runtime can batch or reorder them; the time per call is dominated
//! by the guest-to-host transition of the runtime's host-function API.

use crate::KernelError;

/// The host function every host provides under the import `plugbench.host_mix`
/// (`extism:host/user.host_mix` for the extism plugin): `i64` in, `i64` out. Cheap on
/// purpose, so the transition, not the function, is what gets measured.
pub fn host_mix(v: i64) -> i64 {
    v.wrapping_mul(0x2545_F491_4F6C_DD1D).rotate_left(17) ^ 0x5bd1_e995
}

/// Raw little-endian `i64` values in; for each value the host is called with the value plus
/// the previous result; every result is appended to the output (little-endian `i64`).
pub fn host_calls(
    input: &[u8],
    out: &mut Vec<u8>,
    host: &mut dyn FnMut(i64) -> i64,
) -> Result<(), KernelError> {
    if !input.len().is_multiple_of(8) {
        return Err(KernelError(format!(
            "input is {} bytes, not a whole number of little-endian i64 values",
            input.len()
        )));
    }
    out.reserve(input.len());
    let mut previous = 0i64;
    for chunk in input.chunks_exact(8) {
        let v = i64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        previous = step(previous, v, host);
        out.extend_from_slice(&previous.to_le_bytes());
    }
    Ok(())
}

/// The same chain over typed values (the component's `list<s64>`).
pub fn chain(values: &[i64], host: &mut dyn FnMut(i64) -> i64) -> Vec<i64> {
    let mut previous = 0i64;
    values
        .iter()
        .map(|&v| {
            previous = step(previous, v, host);
            previous
        })
        .collect()
}

/// One call of the host: the value plus the previous result.
#[inline(always)]
fn step(previous: i64, v: i64, host: &mut dyn FnMut(i64) -> i64) -> i64 {
    host(v.wrapping_add(previous))
}

/// The native build: the host API is a function pointer the compiler cannot see through,
/// as it would be behind a plugin interface, so every call is a real indirect call.
pub fn host_calls_native(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    let host: fn(i64) -> i64 = std::hint::black_box(host_mix);
    host_calls(input, out, &mut |v| host(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_sees_the_previous_result() {
        let input: Vec<u8> = [1i64, 2].iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut seen = Vec::new();
        let mut out = Vec::new();
        host_calls(&input, &mut out, &mut |v| {
            seen.push(v);
            v * 10
        })
        .unwrap();
        assert_eq!(seen, vec![1, 12]);
        let results: Vec<i64> = out
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(results, vec![10, 120]);
        assert!(host_calls(&[0; 7], &mut Vec::new(), &mut |v| v).is_err());
    }

    #[test]
    fn native_build_calls_host_mix() {
        let input = 5i64.to_le_bytes();
        let mut out = Vec::new();
        host_calls_native(&input, &mut out).unwrap();
        assert_eq!(out, host_mix(5).to_le_bytes());
    }
}
