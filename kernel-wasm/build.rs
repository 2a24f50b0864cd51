//! A Wasm build of this crate exports one kernel: `PLUGBENCH_GUEST_KERNEL` (a catalog name, set
//! by `kernel-wasm/embed/build.rs`) becomes `cfg(guest_kernel = "...")`, which selects it.
//! Several names separated by commas build one module carrying each of them (the gap
//! measurement's shared build).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(guest_kernel, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(guest_kernel_chosen)");
    println!("cargo::rerun-if-env-changed=PLUGBENCH_GUEST_KERNEL");
    if let Ok(kernel) = std::env::var("PLUGBENCH_GUEST_KERNEL") {
        println!("cargo::rustc-cfg=guest_kernel_chosen");
        for kernel in kernel.split(',') {
            println!("cargo::rustc-cfg=guest_kernel=\"{kernel}\"");
        }
    }
}
