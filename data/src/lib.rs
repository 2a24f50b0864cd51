//! plugbench's vocabulary, shared by the runtimes, the runner and the reports: what the code
//! branches on is one of these types, never a string. Each has its name in files and on the
//! command line (`serde`, [`std::fmt::Display`], [`std::str::FromStr`] agree) and a label for people.
//! The results file ([`schema`]) lives here too, so the measuring side writes it without
//! depending on the reporting side.

mod answer;
mod guard;
mod guest_build;
mod instructions;
mod layout;
pub mod load;
mod machine;
mod native_build;
mod pairing;
mod phase;
mod proposal;
pub mod schema;
mod sequence;
mod shape;
mod stop;
mod value;
mod words;

pub use answer::{Answer, Excerpt};
pub use guard::{Guard, GuardSupport};
pub use guest_build::GuestBuild;
pub use instructions::{InstructionRow, InstructionRun, LaunchCount, Measure};
pub use layout::{HeapLayout, HEAP_OFFSET_SPAN, HEAP_OFFSET_STEP};
pub use machine::MachineActivity;
pub use native_build::NativeBuild;
pub use pairing::{headline_ratio, paired, Pairs};
pub use phase::Phase;
pub use proposal::{Proposal, ProposalSupport, Support};
pub use schema::{
    ArtifactInfo, ComponentPair, EmbeddedEngine, Environment, Group, LinkedInfo, Memory,
    ModuleInfo, NativeLibraryInfo, RawSamples, RunFile, RuntimeResult, SandboxInfo, Settings,
    SimdInfo, Status, SCHEMA_VERSION,
};
pub use sequence::{Arg, BadCall, Sequence, Step};
pub use shape::ModuleShape;
pub use stop::StopReason;
pub use value::{Value, ValueType};
pub use words::UnknownName;
