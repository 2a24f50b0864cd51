//! Results in, reports out: the analysis that derives every statistic from raw samples, and
//! exporters for the terminal, markdown, JSON and CSV (the results file is `plugbench-data`'s).

pub mod analysis;
pub mod chart;
pub mod choose;
pub mod diff;
pub mod exporters;
pub mod format;
pub mod gap;
pub mod instructions;
pub mod interface;
pub mod load;
mod load_chart;
mod load_csv;
mod load_guards;
mod load_situations;
pub mod merge;
pub mod overview;
pub mod proposals;
mod row;
mod rows;
pub mod sandbox;
pub mod steadiness;
pub mod sweep;
pub mod upgrade;
pub mod write;

pub use analysis::{analyze, Analysis};
pub use exporters::{markdown_files, Csv, Exporter, Json, Markdown, Table};
pub use model::*;
/// The results file this crate renders (it lives in `plugbench-data`, shared with the
/// measuring side).
pub use plugbench_data::schema as model;
pub use plugbench_data::{GuestBuild, NativeBuild, Phase};
pub use row::{PhaseResult, PhaseStats, Row, Run};

/// What every report of an interrupted run says first.
pub const INTERRUPTED_NOTICE: &str = "Interrupted (SIGINT or SIGTERM): these are the figures \
    measured until then; workloads not reached are missing and the last one may have fewer rounds.";

/// The items (names, scenarios) in the order they first appear, each once.
pub(crate) fn first_seen<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen: Vec<T> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}
