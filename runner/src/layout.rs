//! The worker's side of [`HeapLayout`]: before the runtime allocates anything, a worker leaks
//! one block, so that everything the runtime allocates after it lands that many bytes further.

use std::hash::BuildHasher;

use plugbench_data::{HeapLayout, HEAP_OFFSET_SPAN, HEAP_OFFSET_STEP};

/// The bytes this worker shifts its heap by: the run's fixed offset, or its own random one.
pub fn offset_for(layout: HeapLayout) -> u32 {
    match layout {
        HeapLayout::Fixed(bytes) => bytes,
        HeapLayout::Unshifted => 0,
        HeapLayout::Random => random_offset(),
    }
}

/// A multiple of [`HEAP_OFFSET_STEP`] below [`HEAP_OFFSET_SPAN`], from the process's own
/// random hash keys (the operating system's randomness).
fn random_offset() -> u32 {
    let draw = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
    let steps = u64::from(HEAP_OFFSET_SPAN / HEAP_OFFSET_STEP);
    (draw % steps) as u32 * HEAP_OFFSET_STEP
}

/// Leaks a block of `bytes` (none for 0): it is never freed, so nothing reuses its place.
pub fn shift_heap(bytes: u32) {
    if bytes > 0 {
        std::mem::forget(std::hint::black_box(Vec::<u8>::with_capacity(
            bytes as usize,
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_offsets_are_steps_below_a_page_and_differ() {
        let offsets: std::collections::BTreeSet<u32> =
            (0..64).map(|_| offset_for(HeapLayout::Random)).collect();
        assert!(offsets
            .iter()
            .all(|o| o % HEAP_OFFSET_STEP == 0 && *o < HEAP_OFFSET_SPAN));
        // 64 draws from 256 values: a single value would mean the draw is not random.
        assert!(offsets.len() > 8, "{offsets:?}");
        assert_eq!(offset_for(HeapLayout::Fixed(112)), 112);
    }
}
