//! Where each worker process's heap starts. Where a runtime's hot data lands relative to a
//! page moves some runtimes' speed by 10% or more (docs/calibration.md): a fixed layout would
//! make one of those speeds look like the runtime's, with an interval that cannot show it.

use serde::{Deserialize, Serialize};

/// Offsets are multiples of this (the allocator's alignment) ...
pub const HEAP_OFFSET_STEP: u32 = 16;
/// ... below this (a page: where data lands within a page is what differs).
pub const HEAP_OFFSET_SPAN: u32 = 4096;

/// How the workers of a run shift their heap before the runtime allocates anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeapLayout {
    /// Files from before workers shifted their heap: every process of a binary had the same
    /// layout.
    #[default]
    Unshifted,
    /// Each worker process shifts it by its own random offset, so launches sample layouts.
    Random,
    /// Every worker shifts it by this many bytes (`--heap-offset`, to reproduce one layout).
    Fixed(u32),
}

impl HeapLayout {
    /// How the report's method paragraph names it.
    pub fn describe(self) -> String {
        match self {
            HeapLayout::Unshifted => "the same heap layout in every worker".to_string(),
            HeapLayout::Random => format!(
                "each worker's heap shifted by its own random offset below {HEAP_OFFSET_SPAN} \
                 bytes, so that launches sample memory layouts"
            ),
            HeapLayout::Fixed(bytes) => format!("every worker's heap shifted by {bytes} bytes"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_read_back_as_written_and_older_files_read_as_unshifted() {
        for layout in [HeapLayout::Random, HeapLayout::Fixed(112)] {
            let text = serde_json::to_string(&layout).unwrap();
            assert_eq!(serde_json::from_str::<HeapLayout>(&text).unwrap(), layout);
        }
        assert_eq!(
            serde_json::to_string(&HeapLayout::Random).unwrap(),
            "\"random\""
        );
        assert_eq!(HeapLayout::default(), HeapLayout::Unshifted);
    }
}
