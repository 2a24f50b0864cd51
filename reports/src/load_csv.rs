//! A load measurement for spreadsheets: one row per kernel, runtime, host model and thread
//! count, with the tenants' costs on each of the runtime's rows.

use plugbench_data::load::{LoadFile, LoadRow, TenantCost};
use serde::Serialize;

/// A CSV row; its field names are the header.
#[derive(Serialize)]
struct CsvRow<'a> {
    kernel: &'a str,
    size: usize,
    runtime: &'a str,
    native: bool,
    model: &'static str,
    threads: u32,
    oversubscribed: bool,
    error: Option<&'a str>,
    events_per_s: Option<f64>,
    events_per_s_ci95_lo: Option<f64>,
    events_per_s_ci95_hi: Option<f64>,
    efficiency: Option<f64>,
    efficiency_ci95_lo: Option<f64>,
    efficiency_ci95_hi: Option<f64>,
    service_p50_ns: Option<f64>,
    service_p99_ns: Option<f64>,
    service_p999_ns: Option<f64>,
    p99_at_50pct_ns: Option<f64>,
    p99_at_80pct_ns: Option<f64>,
    events: u64,
    checked: u64,
    tenant_compiled_kib: Option<f64>,
    tenant_with_instance_kib: Option<f64>,
    tenant_compile_ns: Option<f64>,
}

/// Every row of every measurement.
pub fn csv(files: &[LoadFile]) -> String {
    crate::exporters::csv_text(files.iter().flat_map(|file| {
        file.rows.iter().map(move |row| {
            let cost = file
                .tenants
                .iter()
                .find(|t| t.runtime == row.runtime)
                .and_then(|t| t.cost);
            csv_row(file, row, cost)
        })
    }))
}

fn csv_row<'a>(file: &'a LoadFile, row: &'a LoadRow, cost: Option<TenantCost>) -> CsvRow<'a> {
    let at = |load: f64| {
        row.at_load
            .iter()
            .find(|a| (a.load - load).abs() < 1e-9)
            .map(|a| a.latency.p99_ns)
    };
    CsvRow {
        kernel: &file.settings.kernel,
        size: file.settings.size,
        runtime: &row.runtime,
        native: row.native,
        model: row.model.as_str(),
        threads: row.threads,
        oversubscribed: row.oversubscribed,
        error: row.error.as_deref(),
        events_per_s: row.throughput.as_ref().map(|t| t.mean),
        events_per_s_ci95_lo: row.throughput.as_ref().map(|t| t.ci95[0]),
        events_per_s_ci95_hi: row.throughput.as_ref().map(|t| t.ci95[1]),
        efficiency: row.efficiency.map(|e| e.value),
        efficiency_ci95_lo: row.efficiency.map(|e| e.ci95[0]),
        efficiency_ci95_hi: row.efficiency.map(|e| e.ci95[1]),
        service_p50_ns: row.service.map(|p| p.p50_ns),
        service_p99_ns: row.service.map(|p| p.p99_ns),
        service_p999_ns: row.service.map(|p| p.p999_ns),
        p99_at_50pct_ns: at(0.5),
        p99_at_80pct_ns: at(0.8),
        events: row.events,
        checked: row.checked,
        tenant_compiled_kib: cost.and_then(|c| c.compiled_kib),
        tenant_with_instance_kib: cost.and_then(|c| c.with_instance_kib),
        tenant_compile_ns: cost.map(|c| c.compile_ns),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_row_per_runtime_model_and_thread_count_with_its_tenants() {
        let file = crate::load_situations::tests::file();
        let text = super::csv(std::slice::from_ref(&file));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + file.rows.len(), "{text}");
        assert!(lines[0].starts_with("kernel,size,runtime,native,model,threads"));
        assert!(
            lines[2].starts_with("webhook,10,jit,false,pooled,2,false,,"),
            "{}",
            lines[2]
        );
        assert!(
            lines[2].ends_with(",512.0,1024.0,1000000.0"),
            "{}",
            lines[2]
        );
    }
}
