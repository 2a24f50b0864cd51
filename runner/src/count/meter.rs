//! What a worker measures a region with: the clock, or callgrind's instruction count.

use runtimes::RuntimeError;

use super::callgrind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meter {
    /// Nanoseconds of wall-clock time.
    Clock,
    /// Instructions executed, on every thread (under callgrind only).
    Instructions,
}

impl Meter {
    /// Runs `region` and says what it cost in this meter's unit.
    pub fn measure<R>(self, region: impl FnOnce() -> R) -> Result<(R, f64), RuntimeError> {
        match self {
            Meter::Clock => {
                let start = std::time::Instant::now();
                let value = region();
                Ok((value, start.elapsed().as_nanos() as f64))
            }
            Meter::Instructions => callgrind::count(region)
                .map(|(value, count)| (value, count as f64))
                .map_err(RuntimeError::Setup),
        }
    }
}
