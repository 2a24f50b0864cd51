//! The kernels as an Extism plugin. The body is the shared kernel; extism-pdk's `Json`
//! does the same serde_json (de)serialization the other builds do.

use extism_pdk::{plugin_fn, FnResult, Json};

/// The seed kernel (`pairwise-json`), in the seed post's exact signature.
#[plugin_fn]
pub fn run(Json(x): Json<Vec<i64>>) -> FnResult<Json<Vec<i64>>> {
    Ok(Json(crate::pairwise::pairwise(&x)))
}
