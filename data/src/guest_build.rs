//! Which build of the guest a row loads, where it is not the configuration's own.

use crate::words::named;

/// Which other build of the guest a gap variant loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestBuild {
    /// The core module built with Wasm SIMD (`+simd128`).
    Simd,
    /// Every kernel in one module (or one plugin, for a runtime that loads plugins).
    Shared,
}

named!("guest build", GuestBuild {
    Simd => "simd",
    Shared => "shared",
});
