//! "Choosing a runtime" under load: the busy server with an instance per event or pooled
//! instances, the most tenants per GiB, the lowest p99 at 80% load. Each is answered from a
//! load measurement at its most threads that are not oversubscribed, among the Wasm runtimes.

use plugbench_data::load::{HostModel, LoadFile, LoadRow, TenantCost};

use crate::choose::TIE;
use crate::format::{duration, throughput};

/// The load at which the tail-latency situation is answered.
const TAIL_LOAD: f64 = 0.8;

/// One line per situation this measurement answers (markdown list items), for the first
/// measurement in `files`.
pub fn situations(files: &[LoadFile]) -> Vec<String> {
    let Some(file) = files.first() else {
        return Vec::new();
    };
    let s = &file.settings;
    let at = format!("Measured on `{}` at size {} under load.", s.kernel, s.size);
    [
        busiest(file, HostModel::InstancePerEvent)
            .map(|a| ("a busy server with an instance per event", a)),
        busiest(file, HostModel::Pooled).map(|a| ("a busy server with pooled instances", a)),
        most_tenants(file).map(|a| ("the most tenants per GiB", a)),
        lowest_tail(file).map(|a| ("the lowest p99 at 80% load", a)),
    ]
    .into_iter()
    .flatten()
    .map(|(question, answer)| format!("- **For {question}**: {answer}. {at}\n"))
    .collect()
}

/// The most threads measured that the machine has cores for.
fn threads(file: &LoadFile) -> Option<u32> {
    file.rows
        .iter()
        .filter(|r| !r.oversubscribed)
        .map(|r| r.threads)
        .max()
}

/// A runtime configuration a user picks: not native, not a guarded variant (`--sandbox`).
fn is_choice(file: &LoadFile, runtime: &str, native: bool) -> bool {
    let guarded = file
        .environment
        .sandbox
        .iter()
        .any(|s| s.variant.as_deref() == Some(runtime));
    !native && !guarded
}

/// Wasm rows of `model` at the situation's thread count, with figures.
fn candidates(file: &LoadFile, model: Option<HostModel>) -> Vec<&LoadRow> {
    let threads = threads(file);
    file.rows
        .iter()
        .filter(|r| is_choice(file, &r.runtime, r.native))
        .filter(|r| r.is_ok() && Some(r.threads) == threads)
        .filter(|r| model.is_none_or(|m| r.model == m))
        .collect()
}

/// The most events/s; a runtime ties the best when their 95% intervals overlap.
fn busiest(file: &LoadFile, model: HostModel) -> Option<String> {
    let mut ranked: Vec<(&str, stats::Summary)> = candidates(file, Some(model))
        .into_iter()
        .filter_map(|r| Some((r.runtime.as_str(), r.throughput.clone()?)))
        .collect();
    ranked.sort_by(|a, b| b.1.mean.total_cmp(&a.1.mean));
    let (_, figure) = ranked.first()?.clone();
    let tied = ranked
        .iter()
        .take_while(|(_, t)| t.ci95[1] >= figure.ci95[0] || t.mean >= figure.mean * (1.0 - TIE))
        .count();
    let names: Vec<&str> = ranked[..tied].iter().map(|(n, _)| *n).collect();
    let next = ranked.get(tied).map_or(String::new(), |(name, t)| {
        format!(
            "; next {name} ({}), {:.2}x",
            throughput(t.mean),
            figure.mean / t.mean
        )
    });
    let threads = threads(file)?;
    Some(format!(
        "{} ({} events/s on {threads} threads{next})",
        names.join(" = "),
        throughput(figure.mean).trim_end_matches("/s")
    ))
}

/// Tenants below which memory per tenant is not steady enough to name a winner: with 8, a
/// compiled runtime's figure spread from 164 to 499 KiB over five runs, with 16 from 382 to
/// 516 (docs/method.md, "A host under load").
pub const STEADY_TENANTS: u32 = 16;

/// The most tenants whose compiled modules fit in 1 GiB (a single reading each: ties within
/// 0.5%), from a measurement of at least [`STEADY_TENANTS`] tenants.
fn most_tenants(file: &LoadFile) -> Option<String> {
    let mut ranked: Vec<(&str, f64, f64)> = file
        .tenants
        .iter()
        .filter(|t| is_choice(file, &t.runtime, t.native) && t.error.is_none())
        .filter_map(|t| {
            let cost = t.cost.filter(|c| c.tenants >= STEADY_TENANTS)?;
            let kib = cost.compiled_kib?;
            Some((t.runtime.as_str(), TenantCost::per_gib(Some(kib))?, kib))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let &(_, best, kib) = ranked.first()?;
    let tied = ranked
        .iter()
        .take_while(|(_, n, _)| *n >= best * (1.0 - TIE))
        .count();
    let names: Vec<&str> = ranked[..tied].iter().map(|(n, _, _)| *n).collect();
    let next = ranked.get(tied).map_or(String::new(), |(name, n, _)| {
        format!("; next {name} ({n:.0}), {:.2}x", best / n)
    });
    Some(format!(
        "{} ({best:.0} tenants per GiB, {kib:.0} KiB each{next})",
        names.join(" = ")
    ))
}

/// The lowest p99 at 80% of a runtime's own maximum, each runtime in its best host model (a
/// single sample each: ties within 0.5%).
fn lowest_tail(file: &LoadFile) -> Option<String> {
    let mut best_of: Vec<(&str, HostModel, f64)> = Vec::new();
    for row in candidates(file, None) {
        let Some(p99) = row
            .at_load
            .iter()
            .find(|a| (a.load - TAIL_LOAD).abs() < 1e-9 && a.latency.events >= 100)
            .map(|a| a.latency.p99_ns)
        else {
            continue;
        };
        match best_of.iter_mut().find(|(name, _, _)| *name == row.runtime) {
            Some(entry) if p99 < entry.2 => *entry = (entry.0, row.model, p99),
            Some(_) => {}
            None => best_of.push((row.runtime.as_str(), row.model, p99)),
        }
    }
    best_of.sort_by(|a, b| a.2.total_cmp(&b.2));
    let &(_, model, best) = best_of.first()?;
    let tied = best_of
        .iter()
        .take_while(|(_, _, p)| *p <= best * (1.0 + TIE))
        .count();
    let names: Vec<&str> = best_of[..tied].iter().map(|(n, _, _)| *n).collect();
    let next = best_of.get(tied).map_or(String::new(), |(name, m, p)| {
        format!("; next {name} ({}, {m}), {:.2}x", duration(*p), p / best)
    });
    Some(format!(
        "{} ({}, {model}, one fixed-rate sample{next})",
        names.join(" = "),
        duration(best)
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use plugbench_data::load::{LatencyAtLoad, LoadSettings, Percentiles, TenantRow};

    fn percentiles(p99_ns: f64, events: u64) -> Percentiles {
        Percentiles {
            events,
            p50_ns: p99_ns / 2.0,
            p99_ns,
            p999_ns: p99_ns * 2.0,
            max_ns: p99_ns * 3.0,
        }
    }

    fn row(runtime: &str, model: HostModel, threads: u32, rates: &[f64], p99_ns: f64) -> LoadRow {
        LoadRow {
            runtime: runtime.into(),
            native: runtime == "native",
            model,
            threads,
            oversubscribed: threads > 2,
            error: None,
            rates: rates.to_vec(),
            throughput: stats::Summary::of(rates),
            efficiency: None,
            service: Some(percentiles(p99_ns, 5000)),
            at_load: vec![LatencyAtLoad {
                load: TAIL_LOAD,
                offered_per_s: 1.0,
                achieved_per_s: 1.0,
                latency: percentiles(p99_ns, 5000),
            }],
            events: 5000,
            checked: 100,
        }
    }

    fn tenant(runtime: &str, kib: f64) -> TenantRow {
        TenantRow {
            runtime: runtime.into(),
            native: runtime == "native",
            error: None,
            cost: Some(TenantCost {
                tenants: STEADY_TENANTS,
                compiled_kib: Some(kib),
                with_instance_kib: Some(kib * 2.0),
                compile_ns: 1e6,
            }),
        }
    }

    /// native beats every runtime and is never named; `jit` is fastest at 2 threads, `interp`
    /// at 4 (oversubscribed on this file's 2 cores, so not the answer).
    pub(crate) fn file() -> LoadFile {
        use HostModel::*;
        LoadFile {
            schema: 2,
            tool: "test".into(),
            environment: Default::default(),
            settings: LoadSettings {
                kernel: "webhook".into(),
                size: 10,
                input_seed: 1,
                threads: vec![1, 2, 4],
                cores: 2,
                launches: 1,
                rounds: 3,
                sample_ms: 50,
                open_sample_ms: 100,
                loads: vec![TAIL_LOAD],
                tenants: 4,
                elapsed_s: 1.0,
            },
            rows: vec![
                row("native", Pooled, 2, &[1e6, 1.01e6, 0.99e6], 1e3),
                row("jit", Pooled, 2, &[1e5, 1.01e5, 0.99e5], 3e4),
                row("interp", Pooled, 2, &[1e4, 1.01e4, 0.99e4], 2e4),
                row("interp", Pooled, 4, &[1e7, 1.01e7, 0.99e7], 1e2),
                row("jit", InstancePerEvent, 2, &[2e4, 2.02e4, 1.98e4], 5e4),
                row("interp", InstancePerEvent, 2, &[5e3, 5.05e3, 4.95e3], 4e4),
            ],
            tenants: vec![
                tenant("native", 1.0),
                tenant("jit", 512.0),
                tenant("interp", 256.0),
            ],
        }
    }

    #[test]
    fn each_situation_is_answered_among_the_wasm_runtimes_at_the_most_cores() {
        let lines = situations(&[file()]);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(
            lines[0]
                .contains("instance per event**: jit (20000 events/s on 2 threads; next interp"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].contains("pooled instances**: jit (100000 events/s"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("10.00x"), "{}", lines[1]);
        assert!(
            lines[2].contains(
                "per GiB**: interp (4096 tenants per GiB, 256 KiB each; next jit (2048), 2.00x"
            ),
            "{}",
            lines[2]
        );
        // interp's best model has the lowest p99: 20 µs pooled against jit's 30 µs.
        assert!(
            lines[3].contains("80% load**: interp (20.00 µs, pooled"),
            "{}",
            lines[3]
        );
        assert!(lines.iter().all(|l| !l.contains("native")), "{lines:?}");
    }

    #[test]
    fn too_few_tenants_name_no_winner_for_memory() {
        let mut f = file();
        for t in &mut f.tenants {
            t.cost.as_mut().unwrap().tenants = STEADY_TENANTS / 2;
        }
        let lines = situations(&[f]);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| !l.contains("per GiB")), "{lines:?}");
    }

    #[test]
    fn overlapping_intervals_tie() {
        let mut f = file();
        f.rows[2] = row("interp", HostModel::Pooled, 2, &[0.9e5, 1.1e5, 1.0e5], 2e4);
        let lines = situations(&[f]);
        assert!(
            lines[1].contains("jit = interp") || lines[1].contains("interp = jit"),
            "{}",
            lines[1]
        );
    }
}
