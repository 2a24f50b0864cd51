use plugbench_data::Phase;
use serde::Serialize;

use super::Exporter;
use crate::analysis::Analysis;
use crate::{PhaseResult, Row, Run};

/// One row per runtime and workload, warm statistics and phase means, for spreadsheets.
pub struct Csv;

/// A CSV row; its field names are the header. One `*_ns` column per [`Phase`] (a test holds
/// the two lists together).
#[derive(Serialize)]
struct CsvRow<'a> {
    runtime: &'a str,
    configuration: &'a str,
    guard: &'static str,
    guest_build: &'static str,
    kernel: &'a str,
    size: usize,
    status: &'static str,
    verified: bool,
    baseline: bool,
    mean_ns: Option<f64>,
    median_ns: Option<f64>,
    p90_ns: Option<f64>,
    p99_ns: Option<f64>,
    stddev_ns: Option<f64>,
    ci95_lo_ns: Option<f64>,
    ci95_hi_ns: Option<f64>,
    samples: Option<usize>,
    throughput_per_s: Option<f64>,
    ratio: Option<f64>,
    ratio_ci95_lo: Option<f64>,
    ratio_ci95_hi: Option<f64>,
    p_value: Option<f64>,
    compile_ns: Option<f64>,
    instantiate_ns: Option<f64>,
    first_call_ns: Option<f64>,
    cold_start_ns: Option<f64>,
    serialize_ns: Option<f64>,
    load_artifact_ns: Option<f64>,
    compile_cached_ns: Option<f64>,
    setup_ns: Option<f64>,
    teardown_ns: Option<f64>,
    idle_rss_kib: Option<u64>,
    idle_file_kib: Option<u64>,
    peak_rss_kib: Option<u64>,
    per_instance_kib: Option<f64>,
    artifact_bytes: Option<u64>,
    error: &'a str,
}

impl<'a> CsvRow<'a> {
    fn of(r: &'a Row) -> Self {
        let w = r.warm.as_ref();
        let ratio = r.ratio_to_native.as_ref();
        let phase = |phase: Phase| match r.phases.get(&phase) {
            Some(PhaseResult::Measured(s)) => Some(s.mean_ns),
            _ => None,
        };
        CsvRow {
            runtime: &r.runtime,
            configuration: &r.configuration,
            guard: r.guard.map_or("", |g| g.as_str()),
            guest_build: r.guest_build.map_or("", |b| b.as_str()),
            kernel: &r.kernel,
            size: r.size,
            status: if r.is_ok() { "ok" } else { "error" },
            verified: r.verified,
            baseline: r.baseline,
            mean_ns: w.map(|w| w.mean_ns),
            median_ns: w.map(|w| w.median_ns),
            p90_ns: w.map(|w| w.p90_ns),
            p99_ns: w.map(|w| w.p99_ns),
            stddev_ns: w.map(|w| w.stddev_ns),
            ci95_lo_ns: w.map(|w| w.ci95_ns[0]),
            ci95_hi_ns: w.map(|w| w.ci95_ns[1]),
            samples: w.map(|w| w.samples),
            throughput_per_s: w.map(|w| w.throughput_per_s),
            ratio: ratio.map(|q| q.value),
            ratio_ci95_lo: ratio.map(|q| q.ci95[0]),
            ratio_ci95_hi: ratio.map(|q| q.ci95[1]),
            p_value: ratio.map(|q| q.p_value),
            compile_ns: phase(Phase::Compile),
            instantiate_ns: phase(Phase::Instantiate),
            first_call_ns: phase(Phase::FirstCall),
            cold_start_ns: phase(Phase::ColdStart),
            serialize_ns: phase(Phase::Serialize),
            load_artifact_ns: phase(Phase::LoadArtifact),
            compile_cached_ns: phase(Phase::CompileCached),
            setup_ns: phase(Phase::Setup),
            teardown_ns: phase(Phase::Teardown),
            idle_rss_kib: r.memory.idle_rss_kib,
            idle_file_kib: r.memory.idle_file_kib,
            peak_rss_kib: r.memory.peak_rss_kib,
            per_instance_kib: r.memory.per_instance_kib,
            artifact_bytes: r.memory.artifact_bytes,
            error: r.error.as_deref().unwrap_or(""),
        }
    }
}

impl Exporter for Csv {
    fn render_with(&self, run: &Run, _: &Analysis) -> String {
        csv_text(run.results.iter().map(CsvRow::of))
    }
}

/// Rows of a `#[derive(Serialize)]` struct as CSV text, its field names the header.
pub(crate) fn csv_text<T: serde::Serialize>(rows: impl IntoIterator<Item = T>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .serialize(row)
            .expect("a row of numbers and strings serializes");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("every field is UTF-8")
}
