//! One trait, one exporter per format (table, markdown, JSON, CSV).

mod csv;
mod json;
mod markdown;
mod table;

pub use self::csv::Csv;
pub use self::json::Json;
pub use self::markdown::Markdown;
pub use self::table::Table;

use crate::model::RunFile;

pub trait Exporter {
    fn render(&self, run: &RunFile) -> String;
}
