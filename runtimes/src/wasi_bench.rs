//! The Sightglass-style benchmark markers every WASI adapter provides (`bench.start`,
//! `bench.end`): the time between them is the program's own measured region.

use std::time::Instant;

/// The Sightglass-style markers: when `bench.start` was called, and the time to `bench.end`.
#[derive(Default)]
pub struct Bench {
    started: Option<Instant>,
    pub ns: Option<f64>,
}

impl Bench {
    pub fn start(&mut self) {
        self.started = Some(Instant::now());
    }
    pub fn end(&mut self) {
        if let Some(started) = self.started.take() {
            self.ns = Some(started.elapsed().as_nanos() as f64);
        }
    }
}
