//! The kernels as an Extism plugin. The body is the shared kernel; extism-pdk's `Json`
//! does the same serde_json (de)serialization the other builds do.

use extism_pdk::{plugin_fn, Error, FnResult, Json};

use crate::ByteKernel;

/// The seed kernel (`pairwise-json`), in the seed post's exact signature.
#[plugin_fn]
pub fn run(Json(x): Json<Vec<i64>>) -> FnResult<Json<Vec<i64>>> {
    Ok(Json(crate::pairwise::pairwise(&x)))
}

/// Bytes in, bytes out, for the kernels whose input is not JSON.
fn bytes(kernel: ByteKernel, input: Vec<u8>) -> FnResult<Vec<u8>> {
    let mut out = Vec::new();
    kernel(&input, &mut out).map_err(|e| Error::msg(e.0))?;
    Ok(out)
}

#[plugin_fn]
pub fn pairwise_raw(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::pairwise::pairwise_raw, input)
}

#[plugin_fn]
pub fn echo(input: Vec<u8>) -> FnResult<Vec<u8>> {
    bytes(crate::echo::echo, input)
}
