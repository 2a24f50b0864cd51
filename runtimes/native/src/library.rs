//! A native shared library loaded with `dlopen`: the kernel as a one-kernel library
//! (`kernel_wasm::native_library`, the native rows of the gap measurement: built the way the
//! Wasm modules are: with the compiler's defaults, without auto-vectorization, and for
//! x86-64-v3), or
//! a user's native build of their plugin (`compare --module ... --native LIB.so`), called by
//! the export's name with the native byte ABI or with numbers.

use std::path::PathBuf;
use std::sync::Arc;

use kernel_embed::{CORE_STATUS_ERR, CORE_STATUS_OK};

use runtimes::{
    Compiled, Configuration, GuestFormat, Instance, NativeBuild, Program, Runtime, RuntimeError,
    RuntimeInfo,
};

use crate::numeric;

type KernelFn = unsafe extern "C" fn(*const u8, usize, *mut usize) -> *const u8;

pub fn configurations() -> Vec<Configuration> {
    let library = |name, build| {
        Configuration::new(name, Vec::new(), move |_| Ok(NativeLibrary { build })).not_default()
    };
    vec![
        library("native-library", NativeBuild::Default),
        library("native-library-scalar", NativeBuild::NotVectorized),
        library("native-library-v3", NativeBuild::X86_64V3),
    ]
}

pub struct NativeLibrary {
    build: NativeBuild,
}

impl Runtime for NativeLibrary {
    fn info(&self) -> RuntimeInfo {
        let how = match self.build {
            NativeBuild::Default => "the compiler's defaults",
            NativeBuild::NotVectorized => "-C no-vectorize-loops -C no-vectorize-slp",
            NativeBuild::X86_64V3 => "-C target-cpu=x86-64-v3",
        };
        RuntimeInfo {
            crate_name: "rustc".into(),
            crate_version: "host build".into(),
            config: format!("one-kernel shared library loaded with dlopen, {how}"),
            guest: GuestFormat::NativeLibrary { build: self.build },
            supports_artifacts: false,
        }
    }

    /// Writes the library to a file and loads it (no cache: the host's dynamic loader).
    fn compile(
        &self,
        program: &Program,
        bytes: &[u8],
        cache: Option<&std::path::Path>,
    ) -> Result<Box<dyn Compiled>, RuntimeError> {
        if cache.is_some() {
            return Err(RuntimeError::Unsupported);
        }
        if let Some(why) = (self.build == NativeBuild::X86_64V3)
            .then(runtimes::lacks_x86_64_v3)
            .flatten()
        {
            return Err(RuntimeError::Compile(why));
        }
        let library = load(bytes)?;
        if let Program::Invocation(invocation) = program {
            return Ok(Box::new(numeric::NativeCall::new(library, invocation)?));
        }
        let export = program.byte_export().ok_or(RuntimeError::Unsupported)?;
        // SAFETY: a byte-ABI export has this signature (`kernel_wasm::native_library`,
        // docs/extending.md).
        let run: KernelFn = *unsafe { library.get::<KernelFn>(export.as_bytes()) }
            .map_err(RuntimeError::compile)?;
        Ok(Box::new(Loaded(Arc::new(run))))
    }
}

/// Writes the library to a file and loads it, never to be unloaded (a Rust library's
/// thread-local destructors must outlive the thread).
fn load(bytes: &[u8]) -> Result<&'static libloading::Library, RuntimeError> {
    let file = tempfile::Builder::new()
        .prefix("plugbench-native-")
        .suffix(".so")
        .tempfile()
        .map_err(RuntimeError::setup)?;
    std::fs::write(file.path(), bytes).map_err(RuntimeError::setup)?;
    let path: PathBuf = file.path().to_path_buf();
    // SAFETY: the library is the project's own kernel build or the user's native build of the
    // plugin they measure; loading it runs its initialisers, as their host would.
    let library = unsafe { libloading::Library::new(&path) }.map_err(RuntimeError::compile)?;
    Ok(Box::leak(Box::new(library)))
}

struct Loaded(Arc<KernelFn>);

impl Compiled for Loaded {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        Ok(Box::new(Loaded(Arc::clone(&self.0))))
    }
}

impl Instance for Loaded {
    fn call(&mut self, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        let mut len = 0usize;
        // SAFETY: `input` is readable for its length and `len` is writable; the output stays
        // valid until the next call on this thread, and is copied before that.
        let output = unsafe {
            let ptr = (self.0)(input.as_ptr(), input.len(), &mut len);
            std::slice::from_raw_parts(ptr, len).to_vec()
        };
        match output.split_first() {
            Some((&CORE_STATUS_OK, rest)) => Ok(rest.to_vec()),
            Some((&CORE_STATUS_ERR, message)) => Err(RuntimeError::Guest(
                String::from_utf8_lossy(message).into_owned(),
            )),
            _ => Err(RuntimeError::Call(
                "the library returned no status byte".into(),
            )),
        }
    }
}
