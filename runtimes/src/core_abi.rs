//! Host side of the core-module ABI (see `kernel_wasm::core_abi`), shared by every runtime
//! that loads the plain core module, so each adapter only supplies memory access and calls.

use kernel_embed::{CORE_STATUS_ERR, CORE_STATUS_OK};

use crate::RuntimeError;

/// Import module and name of the host API the core module's `host-calls` kernel calls
/// (`kernel_embed::host_mix`); every instance is given it, whichever kernel runs.
pub const HOST_MODULE: &str = "plugbench";
pub const HOST_MIX: &str = "host_mix";

/// The four primitives an adapter provides over its own instance type.
pub trait CoreAbi {
    fn alloc(&mut self, len: u32) -> Result<u32, RuntimeError>;
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), RuntimeError>;
    fn run(&mut self, ptr: u32, len: u32) -> Result<u64, RuntimeError>;
    fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, RuntimeError>;
}

/// One kernel call: input into guest memory, run, output (without its status byte) out.
pub fn call(instance: &mut impl CoreAbi, input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
    let len = u32::try_from(input.len())
        .map_err(|_| RuntimeError::Call(format!("input of {} bytes exceeds 4 GiB", input.len())))?;
    let ptr = instance.alloc(len)?;
    instance.write(ptr, input)?;
    let packed = instance.run(ptr, len)?;
    let (out_ptr, out_len) = ((packed >> 32) as u32, packed as u32);
    if out_len == 0 {
        return Err(RuntimeError::Call(
            "kernel returned an empty output (no status byte)".into(),
        ));
    }
    match instance.read(out_ptr, 1)?[0] {
        CORE_STATUS_OK => instance.read(out_ptr + 1, out_len - 1),
        CORE_STATUS_ERR => {
            let message = instance.read(out_ptr + 1, out_len - 1)?;
            Err(RuntimeError::Guest(
                String::from_utf8_lossy(&message).into_owned(),
            ))
        }
        other => Err(RuntimeError::Call(format!(
            "unknown status byte {other} in kernel output"
        ))),
    }
}

/// An error unless `ptr..ptr + len` lies inside a memory of `memory_len` bytes. For runtimes
/// whose own read clamps a range to the memory instead of refusing it (wasmer's
/// `copy_range_to_vec` does), and so that no buffer is allocated for a bogus length.
pub fn check_range(memory_len: u64, ptr: u32, len: u32) -> Result<(), RuntimeError> {
    if u64::from(ptr) + u64::from(len) <= memory_len {
        Ok(())
    } else {
        Err(RuntimeError::Call(format!(
            "output {ptr}+{len} is outside guest memory ({memory_len} bytes)"
        )))
    }
}

/// Bounds-checked copy out of a linear memory slice.
pub fn copy_out(memory: &[u8], ptr: u32, len: u32) -> Result<Vec<u8>, RuntimeError> {
    check_range(memory.len() as u64, ptr, len)?;
    let start = ptr as usize;
    Ok(memory[start..start + len as usize].to_vec())
}

/// Bounds-checked copy into a linear memory slice.
pub fn copy_in(memory: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), RuntimeError> {
    let start = ptr as usize;
    memory
        .get_mut(start..start + bytes.len())
        .ok_or_else(|| {
            RuntimeError::Call(format!(
                "input {ptr}+{} is outside guest memory",
                bytes.len()
            ))
        })?
        .copy_from_slice(bytes);
    Ok(())
}
