//! `plugbench diff OLD NEW`: per runtime and phase, did the time change significantly?
//! Runs are independent, so the comparison is unpaired: ratio of means new/old with a
//! delta-method 95% interval and Welch's t-test.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use stats::{unpaired_ratio, RatioEstimate};

use crate::format::{duration, p_value, ratio};
use crate::{Phase, RunFile, RuntimeResult};

#[derive(Debug, Clone)]
pub struct DiffRow {
    pub runtime: String,
    /// The phase compared; `None` for warm calls.
    pub phase: Option<Phase>,
    pub old_mean_ns: f64,
    pub new_mean_ns: f64,
    pub change: RatioEstimate,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Faster,
    Slower,
    NoChange,
}

impl Verdict {
    fn of(r: &RatioEstimate) -> Self {
        if r.ci95[1] < 1.0 {
            Verdict::Faster
        } else if r.ci95[0] > 1.0 {
            Verdict::Slower
        } else {
            Verdict::NoChange
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::NoChange => "no significant change",
        }
    }
}

fn samples(r: &RuntimeResult, phase: Option<Phase>) -> &[f64] {
    match phase {
        None => &r.raw.warm_ns,
        Some(phase) => r
            .raw
            .phases_ns
            .get(&phase)
            .map(Vec::as_slice)
            .unwrap_or(&[]),
    }
}

pub fn diff(old: &RunFile, new: &RunFile) -> Vec<DiffRow> {
    let mut rows = Vec::new();
    // A multi-group file names the workload in each row; a single-group one need not.
    let multi = new.is_multi_group() || old.is_multi_group();
    for n in new.results.iter().filter(|r| r.is_ok()) {
        let Some(o) = old.results.iter().find(|o| {
            o.is_ok()
                && o.runtime == n.runtime
                && ((o.kernel == n.kernel && o.size == n.size) || !multi)
        }) else {
            continue;
        };
        let runtime = if multi {
            format!("{} ({} @ {})", n.runtime, n.kernel, n.size)
        } else {
            n.runtime.clone()
        };
        let phases = std::iter::once(None).chain(Phase::ALL.iter().copied().map(Some));
        for phase in phases {
            let (a, b) = (samples(n, phase), samples(o, phase));
            let Some(change) = unpaired_ratio(a, b) else {
                continue;
            };
            rows.push(DiffRow {
                runtime: runtime.clone(),
                phase,
                old_mean_ns: b.iter().sum::<f64>() / b.len() as f64,
                new_mean_ns: a.iter().sum::<f64>() / a.len() as f64,
                verdict: Verdict::of(&change),
                change,
            });
        }
    }
    rows
}

pub fn render(rows: &[DiffRow]) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "Runtime",
            "Phase",
            "Old",
            "New",
            "New/old [95% CI]",
            "p-value",
            "Verdict",
        ]);
    for r in rows {
        table.add_row([
            r.runtime.clone(),
            r.phase.map_or("warm", Phase::label).to_string(),
            duration(r.old_mean_ns),
            duration(r.new_mean_ns),
            ratio(&r.change),
            p_value(r.change.p_value),
            r.verdict.label().to_string(),
        ]);
    }
    table.to_string()
}
