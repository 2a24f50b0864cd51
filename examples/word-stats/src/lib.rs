//! A plugin as a component: its WIT world (`wit/word-stats.wit`) types what the host passes.
//! Built for wasm32-wasip2 by `scripts/build-examples` (the target's linker makes the
//! component); measured with
//! `plugbench compare --module target/examples/word-stats.wasm --invoke 'count-words("a b c", 0)'`.

wit_bindgen::generate!({ path: "wit", world: "word-stats" });

struct Plugin;

impl Guest for Plugin {
    fn count_words(text: String, min_length: u32) -> u32 {
        text.split_whitespace()
            .filter(|w| w.chars().count() > min_length as usize)
            .count() as u32
    }

    fn histogram(values: Vec<i64>, buckets: u32) -> Vec<u32> {
        let mut counts = vec![0u32; buckets as usize];
        let (Some(&low), Some(&high)) = (values.iter().min(), values.iter().max()) else {
            return counts;
        };
        let width = ((high - low) as f64 / f64::from(buckets.max(1))).max(f64::MIN_POSITIVE);
        for v in values {
            let bucket = (((v - low) as f64 / width) as usize).min(counts.len().saturating_sub(1));
            if let Some(count) = counts.get_mut(bucket) {
                *count += 1;
            }
        }
        counts
    }

    fn fail() {
        panic!("the plugin failed on purpose");
    }

    fn spin() -> u64 {
        let mut n = 0u64;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

export!(Plugin);
