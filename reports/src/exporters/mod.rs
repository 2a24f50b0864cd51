//! One trait, one exporter per format (table, markdown, JSON, CSV).

mod csv;
pub(crate) use csv::csv_text;
mod json;
mod markdown;
pub(crate) mod table;

pub use self::csv::Csv;
pub use self::json::Json;
pub use self::markdown::{markdown_files, Markdown};
pub use self::table::Table;

use crate::analysis::Analysis;
use crate::Run;

pub trait Exporter {
    /// Renders an analysed run with what is derived from it (derived once for every format).
    fn render_with(&self, run: &Run, analysis: &Analysis) -> String;

    /// Derives and renders, for one format alone.
    fn render(&self, run: &Run) -> String {
        self.render_with(run, &Analysis::of(run))
    }
}
