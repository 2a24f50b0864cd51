//! Human formatting of the figures, shared by every exporter so they agree to the digit.

use stats::RatioEstimate;

use crate::{PhaseResult, PhaseStats, Row};

/// A duration in the largest unit that keeps it >= 1, to four significant digits.
pub fn duration(ns: f64) -> String {
    if !ns.is_finite() {
        return "n/a".into();
    }
    let (value, unit) = in_unit(ns);
    format!("{} {unit}", four_digits(value))
}

/// A duration in nanoseconds as a value in the largest unit it reaches (s, ms, µs, ns).
pub fn in_unit(ns: f64) -> (f64, &'static str) {
    match ns.abs() {
        x if x >= 1e9 => (ns / 1e9, "s"),
        x if x >= 1e6 => (ns / 1e6, "ms"),
        x if x >= 1e3 => (ns / 1e3, "µs"),
        _ => (ns, "ns"),
    }
}

fn four_digits(v: f64) -> String {
    let decimals = match v.abs() {
        x if x >= 100.0 => 1,
        x if x >= 10.0 => 2,
        _ => 3,
    };
    format!("{v:.decimals$}")
}

/// Calls per second.
pub fn throughput(per_s: f64) -> String {
    match per_s {
        x if x >= 1000.0 => format!("{x:.0}/s"),
        x if x >= 10.0 => format!("{x:.1}/s"),
        x => format!("{x:.2}/s"),
    }
}

pub fn percent(fraction: f64) -> String {
    format!("{:.2}%", fraction * 100.0)
}

pub fn ratio_value(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// "1.073x [1.062-1.084]"
pub fn ratio(r: &RatioEstimate) -> String {
    format!(
        "{}x [{}-{}]",
        ratio_value(r.value),
        ratio_value(r.ci95[0]),
        ratio_value(r.ci95[1])
    )
}

pub fn p_value(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// "12.35 ms ± 0.41%" (mean and the relative half-width of its 95% interval).
pub fn mean_with_ci(stats: &PhaseStats) -> String {
    let half = (stats.ci95_ns[1] - stats.ci95_ns[0]) / 2.0 / stats.mean_ns;
    if half.is_finite() {
        format!("{} ± {}", duration(stats.mean_ns), percent(half))
    } else {
        duration(stats.mean_ns)
    }
}

pub fn phase_cell(phase: Option<&PhaseResult>) -> String {
    match phase {
        Some(PhaseResult::Measured(stats)) => mean_with_ci(stats),
        Some(PhaseResult::NotSupported) => "not supported".into(),
        Some(PhaseResult::Error { .. }) => "error".into(),
        Some(PhaseResult::NotMeasured) | None => "-".into(),
    }
}

/// The one plain sentence per runtime in the summary.
/// One runtime's result in a sentence; `base` names what its ratio is relative to.
pub fn sentence(r: &Row, base: &str) -> String {
    let name = &r.runtime;
    if let Some(error) = &r.error {
        return format!("{name}: ERROR, no timing reported: {error}");
    }
    if r.baseline {
        return match &r.warm {
            Some(w) => format!(
                "{name}: the baseline, {} per call ({})",
                duration(w.mean_ns),
                throughput(w.throughput_per_s)
            ),
            None => format!("{name}: the baseline, no samples"),
        };
    }
    let Some(ratio) = &r.ratio_to_native else {
        // A 95% interval needs 6 paired rounds with one launch, or 2 launches of 3.
        return format!(
            "{name}: no ratio to {base} (too few paired rounds for a 95% interval, or {base} failed)"
        );
    };
    let [lo, hi] = ratio.ci95;
    if lo > 1.0 {
        format!(
            "{name}: {}x slower than {base} [{}-{}, 95% CI]",
            ratio_value(ratio.value),
            ratio_value(lo),
            ratio_value(hi)
        )
    } else if hi < 1.0 {
        format!(
            "{name}: {}x faster than {base} [{}-{}, 95% CI]",
            ratio_value(1.0 / ratio.value),
            ratio_value(1.0 / hi),
            ratio_value(1.0 / lo)
        )
    } else {
        format!(
            "{name}: no significant difference from {base} ({}x [{}-{}, 95% CI])",
            ratio_value(ratio.value),
            ratio_value(lo),
            ratio_value(hi)
        )
    }
}

/// Flags a reader should see next to the numbers.
pub fn notes(r: &Row, target_precision: f64) -> String {
    let mut notes = Vec::new();
    if let Some(w) = &r.warm {
        let n = w.outliers.total();
        if n > 0 {
            notes.push(format!("{n} outlier{}", if n == 1 { "" } else { "s" }));
        }
        if r.noisy {
            notes.push(format!("noisy (CV {})", percent(w.cv)));
        }
    }
    if r.precision_met == Some(false) {
        if let Some(ratio) = &r.ratio_to_native {
            notes.push(format!(
                "precision ±{} missed target ±{}",
                percent(ratio.precision),
                percent(target_precision)
            ));
        }
    }
    // After the precision flag, which a narrow terminal column must not cut off.
    notes.extend(launches_apart(r));
    notes.join("; ")
}

/// "1 of 9 launches >5% from the median launch (+10.3%)": the processes behind a wide interval.
fn launches_apart(r: &Row) -> Option<String> {
    let apart: Vec<String> = r
        .launches
        .iter()
        .filter(|l| l.from_median.abs() > crate::analysis::LAUNCH_APART)
        .map(|l| format!("{:+.1}%", l.from_median * 100.0))
        .collect();
    (!apart.is_empty()).then(|| {
        format!(
            "{} of {} launches >{:.0}% from the median launch ({})",
            apart.len(),
            r.launches.len(),
            crate::analysis::LAUNCH_APART * 100.0,
            apart.join(", ")
        )
    })
}

/// What a reader of a user's module's workload is told beside its figures: the output every
/// verified runtime gave, whether an extism plugin ran with WASI, and the runtimes that could
/// not host the module, grouped by why.
pub fn module_notes(run: &crate::Run) -> Vec<String> {
    let group = run.group();
    let Some(module) = run.module(&group.kernel) else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    if let Some(answer) = &group.answer {
        notes.push(format!(
            "Output (every verified runtime's): {}",
            answer.text()
        ));
    }
    if module.shape == plugbench_data::ModuleShape::ExtismPlugin {
        notes.push(match module.imports_wasi {
            true => "It imports WASI: extism ran it with its WASI on (preopened --dir only: no \
                     arguments, environment or stdio)"
                .into(),
            false => "It imports no WASI: extism ran it with WASI off".into(),
        });
    }
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (runtime, why) in &module.not_hosted {
        match reasons.iter_mut().find(|(w, _)| w == why) {
            Some((_, runtimes)) => runtimes.push(runtime),
            None => reasons.push((why, vec![runtime])),
        }
    }
    for (why, runtimes) in reasons {
        notes.push(format!("Not hosted by {}: {why}", runtimes.join(", ")));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_unit() {
        assert_eq!(duration(206_000_000.0), "206.0 ms");
        assert_eq!(duration(12_345.0), "12.35 µs");
        assert_eq!(duration(1_234_567_890.0), "1.235 s");
        assert_eq!(duration(42.0), "42.00 ns");
        assert_eq!(duration(f64::NAN), "n/a");
    }

    #[test]
    fn throughputs_and_p_values() {
        assert_eq!(throughput(4.854), "4.85/s");
        assert_eq!(throughput(48.54), "48.5/s");
        assert_eq!(throughput(12345.6), "12346/s");
        assert_eq!(p_value(0.5), "0.5000");
        assert_eq!(p_value(1e-9), "<0.0001");
    }
}
