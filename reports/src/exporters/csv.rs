use super::Exporter;
use crate::model::{PhaseResult, RunFile};

/// One row per runtime, warm statistics and phase means, for spreadsheets.
pub struct Csv;

const HEADER: &str = "runtime,kernel,size,status,verified,mean_ns,median_ns,p90_ns,p99_ns,stddev_ns,ci95_lo_ns,\
ci95_hi_ns,samples,throughput_per_s,ratio,ratio_ci95_lo,ratio_ci95_hi,p_value,compile_ns,instantiate_ns,\
first_call_ns,cold_start_ns,serialize_ns,load_artifact_ns,peak_rss_kib,per_instance_kib,artifact_bytes,error";

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Exporter for Csv {
    fn render(&self, run: &RunFile) -> String {
        let mut out = String::from(HEADER);
        out.push('\n');
        for r in &run.results {
            let w = r.warm.as_ref();
            let ratio = r.ratio_to_native.as_ref();
            let phase = |name: &str| match r.phases.get(name) {
                Some(PhaseResult::Measured(s)) => Some(s.mean_ns),
                _ => None,
            };
            let fields = [
                quote(&r.runtime),
                quote(&r.kernel),
                r.size.to_string(),
                if r.is_ok() { "ok" } else { "error" }.into(),
                r.verified.to_string(),
                num(w.map(|w| w.mean_ns)),
                num(w.map(|w| w.median_ns)),
                num(w.map(|w| w.p90_ns)),
                num(w.map(|w| w.p99_ns)),
                num(w.map(|w| w.stddev_ns)),
                num(w.map(|w| w.ci95_ns[0])),
                num(w.map(|w| w.ci95_ns[1])),
                w.map(|w| w.samples.to_string()).unwrap_or_default(),
                num(w.map(|w| w.throughput_per_s)),
                num(ratio.map(|r| r.value)),
                num(ratio.map(|r| r.ci95[0])),
                num(ratio.map(|r| r.ci95[1])),
                num(ratio.map(|r| r.p_value)),
                num(phase("compile")),
                num(phase("instantiate")),
                num(phase("first_call")),
                num(phase("cold_start")),
                num(phase("serialize")),
                num(phase("load_artifact")),
                r.memory
                    .peak_rss_kib
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
                num(r.memory.per_instance_kib),
                r.memory
                    .artifact_bytes
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
                quote(r.error.as_deref().unwrap_or("")),
            ];
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}
