use super::Exporter;
use crate::model::RunFile;

pub struct Json;

impl Exporter for Json {
    fn render(&self, run: &RunFile) -> String {
        let mut text = serde_json::to_string_pretty(run).expect("the model serializes");
        text.push('\n');
        text
    }
}
