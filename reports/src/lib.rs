//! Results in, reports out: the results model, the analysis that derives every statistic
//! from raw samples, and exporters for the terminal, markdown, JSON and CSV.

pub mod analysis;
pub mod chart;
pub mod choose;
pub mod diff;
pub mod exporters;
pub mod format;
pub mod model;
mod rows;
pub mod sandbox;
pub mod sweep;
pub mod write;

pub use analysis::analyze;
pub use exporters::{Csv, Exporter, Json, Markdown, Table};
pub use model::*;
