//! How the gap measurement's native library of a kernel is built.

use crate::words::named;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NativeBuild {
    /// The compiler's defaults (for x86-64: SSE2 only).
    Default,
    /// Without auto-vectorization (`-C no-vectorize-loops -C no-vectorize-slp`).
    NotVectorized,
    /// For x86-64-v3 (`-C target-cpu=x86-64-v3`: AVX2, BMI1/2, FMA, ...).
    X86_64V3,
}

named!("native build", NativeBuild {
    Default => "default",
    NotVectorized => "not vectorized",
    X86_64V3 => "x86-64-v3",
});

impl NativeBuild {
    /// The library's name for people, as a guest format.
    pub fn label(self) -> &'static str {
        match self {
            NativeBuild::Default => "native library",
            NativeBuild::NotVectorized => "native library, not vectorized",
            NativeBuild::X86_64V3 => "native library, x86-64-v3",
        }
    }
}
