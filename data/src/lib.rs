//! plugbench's vocabulary, shared by the runtimes, the runner and the reports: what the code
//! branches on is one of these types, never a string. Each has its name in files and on the
//! command line (`serde`, [`std::fmt::Display`], [`std::str::FromStr`] agree) and a label for people.

mod guard;
mod phase;
mod shape;
mod stop;
mod value;
mod words;

pub use guard::{Guard, GuardSupport};
pub use phase::Phase;
pub use shape::ModuleShape;
pub use stop::StopReason;
pub use value::{Value, ValueType};
pub use words::UnknownName;
