//! The kernel as a one-kernel native shared library (`kernel_wasm::native_library`), loaded
//! with `dlopen`: the native rows of the gap measurement. Built the way the Wasm modules are
//! (one kernel per library, the host build's profile), once with the compiler's defaults and
//! once without auto-vectorization, so the report can say how much of the gap to native is
//! vectorization and how much is the build.

use std::path::PathBuf;
use std::sync::Arc;

use kernel_embed::Kernel;

use kernel_embed::{CORE_STATUS_ERR, CORE_STATUS_OK};

use crate::{Compiled, Configuration, GuestFormat, Instance, Runtime, RuntimeError, RuntimeInfo};

type KernelFn = unsafe extern "C" fn(*const u8, usize, *mut usize) -> *const u8;

pub fn configurations() -> Vec<Configuration> {
    let library = |name, vectorized| {
        Configuration::new(name, Vec::new(), move |_| Ok(NativeLibrary { vectorized }))
            .not_default()
    };
    vec![
        library("native-library", true),
        library("native-library-scalar", false),
    ]
}

pub struct NativeLibrary {
    vectorized: bool,
}

impl Runtime for NativeLibrary {
    fn info(&self) -> RuntimeInfo {
        let how = if self.vectorized {
            "the compiler's defaults"
        } else {
            "-C no-vectorize-loops -C no-vectorize-slp"
        };
        RuntimeInfo {
            crate_name: "rustc",
            crate_version: "host build",
            config: format!("one-kernel shared library loaded with dlopen, {how}"),
            guest: GuestFormat::NativeLibrary {
                vectorized: self.vectorized,
            },
            supports_artifacts: false,
        }
    }

    /// Writes the library to a file and loads it.
    fn compile(&self, _kernel: &Kernel, bytes: &[u8]) -> Result<Box<dyn Compiled>, RuntimeError> {
        let file = tempfile::Builder::new()
            .prefix("plugbench-kernel-")
            .suffix(".so")
            .tempfile()
            .map_err(RuntimeError::setup)?;
        std::fs::write(file.path(), bytes).map_err(RuntimeError::setup)?;
        let path: PathBuf = file.path().to_path_buf();
        // SAFETY: the library is kernel-wasm built by this project's build script; its
        // initialisers only set up Rust's runtime.
        let library = unsafe { libloading::Library::new(&path) }.map_err(RuntimeError::compile)?;
        // SAFETY: the symbol has this signature (`kernel_wasm::native_library`).
        let run: KernelFn = *unsafe { library.get::<KernelFn>(b"plugbench_kernel\0") }
            .map_err(RuntimeError::compile)?;
        // Never unloaded: a Rust library's thread-local destructors must outlive the thread.
        std::mem::forget(library);
        Ok(Box::new(Loaded(Arc::new(run))))
    }
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
