//! Progress on stderr while measuring (indicatif draws nothing when stderr is not a terminal).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    /// Which part of a longer run this is (kernel and size), shown before every message.
    label: Option<String>,
}

impl Progress {
    /// A bar over the time budget, on stderr.
    pub fn stderr(budget: Duration, label: Option<String>) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(budget.as_millis() as u64),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Self { bar, label }
    }

    pub fn hidden() -> Self {
        Self {
            bar: ProgressBar::hidden(),
            label: None,
        }
    }

    pub fn update(&self, elapsed: Duration, message: String) {
        self.bar.set_position(elapsed.as_millis() as u64);
        match &self.label {
            Some(label) => self.bar.set_message(format!("{label} · {message}")),
            None => self.bar.set_message(message),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
