//! `plugbench diff OLD NEW`: per runtime and phase, and under load per host model and thread
//! count, did the time change significantly? Runs are independent, so the comparison is
//! unpaired: ratio of means new/old with a delta-method 95% interval and Welch's t-test.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use stats::{unpaired_ratio, RatioEstimate};

use crate::format::{duration, p_value, ratio};
use crate::{Phase, RunFile, RuntimeResult};

#[derive(Debug, Clone)]
pub struct DiffRow {
    pub runtime: String,
    /// The phase compared; `None` for warm calls or a load row.
    pub phase: Option<Phase>,
    /// A load row's host model and threads: the time is the host's per event (1 / events/s).
    pub under_load: Option<String>,
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
                under_load: None,
                old_mean_ns: b.iter().sum::<f64>() / b.len() as f64,
                new_mean_ns: a.iter().sum::<f64>() / a.len() as f64,
                verdict: Verdict::of(&change),
                change,
            });
        }
    }
    rows.extend(load_rows(old, new));
    rows
}

/// Each load row of `new` with its match in `old` (same kernel, size, runtime, host model and
/// threads): time per event of the host, round by round.
fn load_rows(old: &RunFile, new: &RunFile) -> Vec<DiffRow> {
    let per_event = |rates: &[f64]| rates.iter().map(|r| 1e9 / r).collect::<Vec<f64>>();
    let mut rows = Vec::new();
    for file in &new.load {
        let (kernel, size) = (&file.settings.kernel, file.settings.size);
        let Some(before) = old
            .load
            .iter()
            .find(|f| &f.settings.kernel == kernel && f.settings.size == size)
        else {
            continue;
        };
        for n in file.rows.iter().filter(|r| r.is_ok()) {
            let Some(o) = before.rows.iter().find(|o| {
                o.is_ok() && o.runtime == n.runtime && o.model == n.model && o.threads == n.threads
            }) else {
                continue;
            };
            let (a, b) = (per_event(&n.rates), per_event(&o.rates));
            let Some(change) = unpaired_ratio(&a, &b) else {
                continue;
            };
            rows.push(DiffRow {
                runtime: format!("{} ({kernel} @ {size})", n.runtime),
                phase: None,
                under_load: Some(format!("under load: {}, {} threads", n.model, n.threads)),
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
            match (&r.under_load, r.phase) {
                (Some(load), _) => load.clone(),
                (None, phase) => phase.map_or("warm", Phase::label).to_string(),
            },
            duration(r.old_mean_ns),
            duration(r.new_mean_ns),
            ratio(&r.change),
            p_value(r.change.p_value),
            r.verdict.label().to_string(),
        ]);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_row_whose_rate_halved_is_slower() {
        let mut old = crate::choose::tests::run(Vec::new());
        old.load = vec![crate::load_situations::tests::file()];
        let mut new = old.clone();
        let jit = &mut new.load[0].rows[1];
        jit.rates = jit.rates.iter().map(|r| r / 2.0).collect();
        let rows = diff(
            &old.map_results(|r| r.result),
            &new.map_results(|r| r.result),
        );
        let load: Vec<&DiffRow> = rows.iter().filter(|r| r.under_load.is_some()).collect();
        assert_eq!(load.len(), 6, "{load:?}");
        let jit = load
            .iter()
            .find(|r| {
                r.runtime == "jit (webhook @ 10)"
                    && r.under_load.as_deref() == Some("under load: pooled, 2 threads")
            })
            .unwrap();
        assert_eq!(jit.verdict, Verdict::Slower, "{jit:?}");
        assert!((jit.change.value - 2.0).abs() < 0.01, "{jit:?}");
        assert!(render(&rows).contains("under load: pooled, 2 threads"));
    }
}
