//! Sandbox guards under load (`plugbench load --sandbox`): what each guard costs per event
//! against the same runtime without it, in each host model and at each thread count.

use plugbench_data::load::{LoadFile, LoadRow};
use plugbench_data::Guard;

use crate::format::ratio_value;

/// A guarded row and the unguarded row it is compared with.
struct Pair<'a> {
    guarded: &'a LoadRow,
    plain: &'a LoadRow,
    runtime: &'a str,
    guard: Guard,
}

/// Guarded rows with their unguarded runtime's row of the same model and thread count.
fn pairs(file: &LoadFile) -> Vec<Pair<'_>> {
    let guard_of = |name: &str| {
        file.environment
            .sandbox
            .iter()
            .find(|s| s.variant.as_deref() == Some(name))
            .map(|s| (s.runtime.as_str(), s.guard))
    };
    file.rows
        .iter()
        .filter_map(|guarded| {
            let (runtime, guard) = guard_of(&guarded.runtime)?;
            let plain = file.rows.iter().find(|r| {
                r.runtime == runtime && r.model == guarded.model && r.threads == guarded.threads
            })?;
            Some(Pair {
                guarded,
                plain,
                runtime,
                guard,
            })
        })
        .collect()
}

/// Time per event with the guard against without it, paired by round (the rounds interleave
/// every runtime, so a round's two samples saw the same machine), with its 95% interval.
fn cost(pair: &Pair) -> Option<stats::RatioEstimate> {
    if !(pair.guarded.is_ok() && pair.plain.is_ok()) {
        return None;
    }
    // Time per event is 1 / rate: guarded time over plain time is plain rate over guarded rate.
    stats::paired_log_ratio(&pair.plain.rates, &pair.guarded.rates)
}

/// The table with its note; empty when no guard was measured.
pub fn table(file: &LoadFile, preset: &str) -> String {
    let pairs = pairs(file);
    if pairs.is_empty() {
        return String::new();
    }
    let mut t = crate::load::new_table(
        preset,
        [
            "runtime",
            "guard",
            "host model",
            "threads",
            "time per event vs without [95% CI]",
        ],
    );
    for pair in &pairs {
        let figure = match (&pair.guarded.error, cost(pair)) {
            (Some(error), _) => format!("ERROR: {error}"),
            (None, Some(r)) => format!(
                "{}x [{}-{}]",
                ratio_value(r.value),
                ratio_value(r.ci95[0]),
                ratio_value(r.ci95[1])
            ),
            (None, None) => "n/a (the unguarded row failed)".into(),
        };
        t.add_row([
            pair.runtime.to_string(),
            pair.guard.to_string(),
            pair.guarded.model.to_string(),
            pair.guarded.threads.to_string(),
            figure,
        ]);
    }
    format!(
        "Sandbox guards under load: each guarded runtime's time per event (1 / events/s) against \
         the same runtime without the guard, in the same host model and thread count, paired by \
         round (1.10x = 10% more time per event).\n\n{t}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugbench_data::{GuardSupport, SandboxInfo};

    #[test]
    fn a_guard_costs_its_rate_against_the_same_runtime_without_it() {
        let mut file = crate::load_situations::tests::file();
        let mut guarded = file.rows[1].clone();
        guarded.runtime = "jit+fuel".into();
        // Each round half the events of the unguarded `jit`: twice the time per event.
        guarded.rates = file.rows[1].rates.iter().map(|r| r / 2.0).collect();
        file.rows.push(guarded);
        file.environment.sandbox.push(SandboxInfo {
            runtime: "jit".into(),
            guard: Guard::Fuel,
            variant: Some("jit+fuel".into()),
            support: GuardSupport::Offered { how: "fuel".into() },
        });
        let text = table(&file, comfy_table::presets::ASCII_MARKDOWN);
        assert!(
            text.contains("| jit     | fuel  | pooled     | 2       | 2.000x"),
            "{text}"
        );
        assert!(table(&crate::load_situations::tests::file(), "").is_empty());
    }
}
