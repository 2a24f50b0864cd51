//! What kind of module a user brings, read from its imports and exports: it decides how the
//! module is called and which runtimes can host it.

use crate::words::named;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModuleShape {
    /// A core module that imports nothing: exports called by name with numbers
    /// (`--invoke NAME --arg 35`).
    Numeric,
    /// plugbench's byte ABI (`alloc` and a `run`-style export over linear memory), bytes in
    /// and out (`--invoke NAME --input FILE`); it may import the ABI's `plugbench.host_mix`.
    ByteAbi,
    /// An extism plugin: imports from `extism:host/env`.
    ExtismPlugin,
    /// A WASI preview 1 program with `_start`.
    WasiCommand,
    /// A WASI library with `_initialize` and exported functions.
    WasiReactor,
    /// A Sightglass-style benchmark: `bench.start` / `bench.end` beside WASI.
    SightglassBench,
    /// A component whose exported functions are called with typed values
    /// (`--invoke 'name(args)'`, written in the WAVE format).
    Component,
    /// A component that exports `wasi:cli/run` (a WASI 0.2 command).
    ComponentCommand,
    /// A Sightglass benchmark as a component: a WASI 0.2 command importing the `bench`
    /// interface (`start`, `end`).
    SightglassComponent,
}

named!("module shape", ModuleShape {
    Numeric => "numeric",
    ByteAbi => "byte-abi",
    ExtismPlugin => "extism-plugin",
    WasiCommand => "wasi-command",
    WasiReactor => "wasi-reactor",
    SightglassBench => "sightglass-bench",
    Component => "component",
    ComponentCommand => "component-command",
    SightglassComponent => "sightglass-component",
});

impl ModuleShape {
    /// What it is, in words.
    pub fn label(self) -> &'static str {
        match self {
            ModuleShape::Numeric => "core module with numeric exports",
            ModuleShape::ByteAbi => "core module with plugbench's byte ABI",
            ModuleShape::ExtismPlugin => "extism plugin",
            ModuleShape::WasiCommand => "WASI preview 1 program",
            ModuleShape::WasiReactor => "WASI preview 1 reactor",
            ModuleShape::SightglassBench => "Sightglass-style benchmark",
            ModuleShape::Component => "component with exported functions",
            ModuleShape::ComponentCommand => {
                "WASI 0.2 command (a component exporting wasi:cli/run)"
            }
            ModuleShape::SightglassComponent => {
                "Sightglass benchmark component (wasi:cli/run with bench.start/end)"
            }
        }
    }

    /// A component (of any kind).
    pub fn is_component(self) -> bool {
        matches!(
            self,
            ModuleShape::Component
                | ModuleShape::ComponentCommand
                | ModuleShape::SightglassComponent
        )
    }

    /// A program started with arguments, environment, directories and stdin: a WASI preview
    /// 1 command or benchmark, or a WASI 0.2 command or benchmark.
    pub fn is_command(self) -> bool {
        matches!(
            self,
            ModuleShape::WasiCommand
                | ModuleShape::SightglassBench
                | ModuleShape::ComponentCommand
                | ModuleShape::SightglassComponent
        )
    }

    /// A program that marks its own timed region (`bench.start` to `bench.end`).
    pub fn marks_region(self) -> bool {
        matches!(
            self,
            ModuleShape::SightglassBench | ModuleShape::SightglassComponent
        )
    }

    /// A WASI preview 1 program (of any kind).
    pub fn is_wasi(self) -> bool {
        matches!(
            self,
            ModuleShape::WasiCommand | ModuleShape::WasiReactor | ModuleShape::SightglassBench
        )
    }

    /// Called with bytes in and bytes out (else with numbers).
    pub fn takes_bytes(self) -> bool {
        matches!(self, ModuleShape::ByteAbi | ModuleShape::ExtismPlugin)
    }
}
