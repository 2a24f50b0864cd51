//! wasmi 0.31 and the component model over it: `wasm_component_layer`, a runtime-agnostic
//! component-model implementation, is the one way to host a component on wasmi that builds
//! here, and its newest release builds only against wasmi 0.31 (Cargo.toml says why). So the
//! pair is wasmi 0.31 on the kernels' core modules and the layer over that same wasmi on their
//! components: the "Plugin interface" section's component / core ratio then compares one wasmi
//! version with itself. The core configuration also puts an older wasmi beside wasmi 2.0.

mod component;
mod core;

use std::path::Path;

use kernel_embed::Kernel;
use runtimes::{Configuration, Guard, GuardSupport, Program};

/// The core-module configuration and its component pair.
pub const CORE: &str = "wasmi-0.31";
pub const COMPONENT: &str = "wasmi-0.31-component";

pub fn configurations() -> Vec<Configuration> {
    let core_guards = vec![
        (
            Guard::Fuel,
            GuardSupport::offered("Config::consume_fuel + Store::add_fuel"),
        ),
        (
            Guard::Deadline,
            GuardSupport::not_offered(
                "no epoch or deadline interruption (fuel is the way to bound a call)",
            ),
        ),
        (
            Guard::MemoryLimit,
            GuardSupport::offered(format!(
                "StoreLimits via Store::limiter ({})",
                runtimes::memory_limit_text()
            )),
        ),
    ];
    let hidden = "wasm_component_layer's store holds wasmi's and gives no way to reach it";
    let component_guards = vec![
        (Guard::Fuel, GuardSupport::not_offered(hidden)),
        (
            Guard::Deadline,
            GuardSupport::not_offered("wasmi has no epoch or deadline interruption"),
        ),
        (Guard::MemoryLimit, GuardSupport::not_offered(hidden)),
    ];
    vec![
        Configuration::new(CORE, core_guards, core::OldWasmi::new)
            .no_simd("SIMD is not in wasmi 0.31")
            .interface_reference(),
        Configuration::new(COMPONENT, component_guards, component::LayerComponents::new)
            .component_of(CORE)
            .not_default(),
    ]
}

/// The built-in kernel `program` runs, the only program both configurations take (and without
/// a compilation cache, which neither has); else why not.
fn kernel_of(program: &Program, cache: Option<&Path>) -> Result<&'static Kernel, String> {
    match (program, cache) {
        (Program::Kernel(kernel), None) => Ok(kernel),
        (Program::Kernel(_), Some(_)) => Err("no compilation cache".into()),
        _ => Err(
            "wasmi 0.31 is here for its component layer: it runs the built-in kernels only".into(),
        ),
    }
}
