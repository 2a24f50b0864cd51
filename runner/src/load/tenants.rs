//! The `tenants` host model's modules: the workload's module made distinct for each tenant,
//! compiled once and kept, and what each costs in memory and compile time.

use std::time::Instant;

use plugbench_data::load::TenantCost;
use runtimes::{Compiled, Instance, RuntimeError};

use crate::failure::Failure;
use crate::memory;

/// The name of the custom section that makes each tenant's module its own.
const SECTION: &str = "plugbench-tenant";

/// `module` with a custom section naming tenant `index` appended: the same code, but other
/// bytes, so that no cache keyed by the module (an engine's, the OS's page cache of a file)
/// can share one tenant's compiled code with another's. Bytes that are not a Wasm module
/// (native code) are every tenant's as they are.
pub fn distinct(module: &[u8], index: u32) -> Vec<u8> {
    let mut bytes = module.to_vec();
    if !module.starts_with(b"\0asm") {
        return bytes;
    }
    let payload = format!("tenant {index}");
    let mut section = Vec::new();
    leb128(&mut section, SECTION.len() as u64);
    section.extend_from_slice(SECTION.as_bytes());
    section.extend_from_slice(payload.as_bytes());
    bytes.push(0); // custom section id
    leb128(&mut bytes, section.len() as u64);
    bytes.extend_from_slice(&section);
    bytes
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Compiles `count` tenants with `compile`, each instantiated and called once on `input` with
/// its output checked; the modules are kept, the instances dropped. Memory per tenant is the
/// slope over the second half: what the tenants after the first half added. The first half
/// pays the one-off costs, and grows the allocator arenas of the compiler's own threads to
/// what a compile needs, which the second half's compiles then reuse (counting from the first
/// tenant, those arenas' growth put 474 to 915 KiB on a compiled runtime's tenants in runs of
/// 4 and 8: docs/calibration.md).
/// Measured on the caller's thread (a worker's main thread, where RSS figures are exact:
/// `memory`).
pub fn build(
    count: u32,
    compile: &dyn Fn(u32) -> Result<Box<dyn Compiled>, RuntimeError>,
    input: &[u8],
    check: &dyn Fn(&[u8]) -> Result<(), Failure>,
) -> Result<(Vec<Box<dyn Compiled>>, TenantCost), Failure> {
    let named = |index: u32| move |e: Failure| e.during(format!("tenant {index}"));
    let half = (count / 2).max(1);
    let mut modules = Vec::with_capacity(count as usize);
    let mut compile_ns = 0.0;
    let mut before = None;
    for index in 0..count {
        let start = Instant::now();
        let module = compile(index).map_err(|e| named(index)(e.into()))?;
        compile_ns += start.elapsed().as_nanos() as f64;
        let output = module
            .instantiate()
            .and_then(|mut instance| instance.call(input))
            .map_err(|e| named(index)(e.into()))?;
        check(&output).map_err(named(index))?;
        modules.push(module);
        if index + 1 == half {
            before = settled_rss();
        }
    }
    let compiled = settled_rss();
    let (first, second) = modules.split_at(half as usize);
    // The first half's instances warm the instance allocator; the second half's are counted.
    let warm = live_instances(first, input).map_err(Failure::from)?;
    let start = settled_rss();
    let live = live_instances(second, input).map_err(Failure::from)?;
    let with_live = settled_rss();
    drop((warm, live));
    let counted = f64::from(count.saturating_sub(half).max(1));
    let slope = |from: Option<u64>, to: Option<u64>| {
        from.zip(to)
            .map(|(b, a)| a.saturating_sub(b) as f64 / counted)
    };
    let compiled_kib = slope(before, compiled);
    let instance_kib = slope(start, with_live);
    let cost = TenantCost {
        tenants: count,
        compiled_kib,
        with_instance_kib: compiled_kib.zip(instance_kib).map(|(c, i)| c + i),
        compile_ns: compile_ns / f64::from(count.max(1)),
    };
    Ok((modules, cost))
}

/// Resident memory once free heap memory went back to the kernel.
fn settled_rss() -> Option<u64> {
    memory::release_free_heap();
    memory::rss_kib()
}

/// An instance of each module, each called once.
fn live_instances(
    modules: &[Box<dyn Compiled>],
    input: &[u8],
) -> Result<Vec<Box<dyn Instance>>, RuntimeError> {
    modules
        .iter()
        .map(|module| {
            let mut instance = module.instantiate()?;
            instance.call(input)?;
            Ok(instance)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::distinct;

    #[test]
    fn each_tenant_gets_other_bytes_that_are_still_a_valid_module() {
        let module = wat::parse_str("(module (func (export \"f\")))").unwrap();
        let (a, b) = (distinct(&module, 0), distinct(&module, 1));
        assert_ne!(a, b);
        assert!(a.starts_with(&module));
        for bytes in [a, b] {
            wasmparser::validate(&bytes).unwrap();
        }
        assert_eq!(distinct(b"native", 3), b"native");
    }
}
