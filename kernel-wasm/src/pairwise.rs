//! The seed kernel: `Vec<i64>` in, an O(n^2) loop, `Vec<i64>` out, JSON on both sides.

use crate::KernelError;

/// The loop from the seed post, kept as written (including its quirks: the first
/// element of each output is `a * b`, the rest add `b`), because that is what was measured.
pub fn pairwise(x: &[i64]) -> Vec<i64> {
    let mut values = Vec::new();
    for (idx, a) in x.iter().enumerate() {
        for b in x.iter() {
            if values.len() > idx {
                values[idx] += b;
            } else {
                values.push(a * b);
            }
        }
    }
    values
}

/// JSON array of integers in, JSON array of integers out: the work every build does per call.
pub fn pairwise_json(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    let x: Vec<i64> = serde_json::from_slice(input)
        .map_err(|e| KernelError(format!("input is not a JSON array of i64: {e}")))?;
    let values = pairwise(&x);
    serde_json::to_writer(out, &values).map_err(|e| KernelError(format!("serialize output: {e}")))
}

/// The same computation with raw little-endian `i64` bytes in and out: next to
/// [`pairwise_json`] it shows what share of a call the JSON (de)serialization is.
pub fn pairwise_raw(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    if !input.len().is_multiple_of(8) {
        return Err(KernelError(format!(
            "input is {} bytes, not a whole number of little-endian i64 values",
            input.len()
        )));
    }
    let x: Vec<i64> = input
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().expect("8-byte chunk")))
        .collect();
    out.reserve(input.len());
    for v in pairwise(&x) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_matches_json() {
        let raw: Vec<u8> = [2i64, 3, 4].iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = Vec::new();
        pairwise_raw(&raw, &mut out).unwrap();
        let expected: Vec<u8> = [11i64, 13, 15]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(out, expected);
        let err = pairwise_raw(&[1, 2, 3], &mut Vec::new()).unwrap_err();
        assert!(err.0.contains("not a whole number"), "{err}");
    }

    #[test]
    fn matches_hand_computed_values() {
        // Output i is x[i] * x[0] + x[1] + ... + x[n-1]:
        // 2*2 + 3 + 4 = 11; 3*2 + 3 + 4 = 13; 4*2 + 3 + 4 = 15
        assert_eq!(pairwise(&[2, 3, 4]), vec![11, 13, 15]);
        assert_eq!(pairwise(&[-5]), vec![25]);
        assert_eq!(pairwise(&[]), Vec::<i64>::new());
    }

    #[test]
    fn json_round_trip() {
        let mut out = Vec::new();
        pairwise_json(b"[2,3,4]", &mut out).unwrap();
        assert_eq!(out, b"[11,13,15]");
    }

    #[test]
    fn bad_json_is_an_error() {
        let err = pairwise_json(b"{not json", &mut Vec::new()).unwrap_err();
        assert!(err.0.contains("not a JSON array"), "{err}");
    }
}
