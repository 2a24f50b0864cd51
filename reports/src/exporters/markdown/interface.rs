//! The "Plugin interface" section in markdown.

use comfy_table::presets::ASCII_MARKDOWN;

use crate::analysis::Analysis;
use crate::exporters::table::draw;
use crate::format::{duration, ratio, ratio_value};
use crate::interface::{InterfaceTable, PerByte, Spread, PER_BYTE_KERNEL};
use crate::rows::Grid;

const DASH: &str = "-";

pub(super) fn interface_section(analysis: &Analysis, h: &str) -> String {
    if analysis.interface.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Plugin interface\n\nThe same kernel source behind the three interfaces a plugin host \
         picks between, measured in the same rounds: plugbench's byte ABI (a core module: the host \
         copies bytes into the guest's memory and calls one export), a component whose WIT world \
         types the data as a plugin author would (`kernel-wasm/wit/kernels.wit`: the seed kernel's \
         JSON as `string`, `pairwise-raw`'s values as `list<s64>`, `echo`'s as `list<u8>`, \
         `webhook`'s event as `string`, `host-calls` importing `host-mix: func(s64) -> s64`), and \
         an extism plugin. Every build runs the same kernel function, with two differences a typed \
         interface brings: `pairwise-raw`'s component gets its values already decoded by the \
         canonical ABI (the core module decodes little-endian bytes in the guest), and the \
         host makes the typed argument from plugbench's input bytes once per input, outside the \
         timed call, as a host holding its data typed would; a `list<s64>` result is turned back \
         into bytes in the call (one pass over the output), to be checked against native. Each \
         component configuration runs on the engine and settings of the core-module \
         configuration it is paired with (the environment page names each one's crates and \
         guards); where \
         the component model changes an engine's build, the core modules run in a worker built \
         without it (it can make a core host call about 8% dearer, docs/calibration.md, \
         \"WASI built in\"). \
         Each ratio has its 95% interval; \"component / core module\" is paired by round, the \
         phases' ratios are of means with the bounds of both means' intervals.\n"
    );
    if !analysis.per_byte.is_empty() {
        md += &per_byte_text(&analysis.per_byte);
    }
    md += &format!("\n{h}# Per kernel and size\n\n");
    md += &draw(&grid(&analysis.interface), ASCII_MARKDOWN);
    md.push('\n');
    md
}

fn per_byte_text(costs: &[PerByte]) -> String {
    let (from, to) = costs[0].sizes;
    let mut text = format!(
        "\nWhat each interface costs on `{PER_BYTE_KERNEL}` (its work is one copy of its input): \
         the mean per call at {from} bytes, and per byte passed from {from} to {to} bytes (the \
         slope of the mean per call; the interval from both means' intervals).\n\n"
    );
    let header = ["Runtime", "Interface", "Per call", "Per byte"]
        .map(String::from)
        .to_vec();
    let rows = costs
        .iter()
        .map(|c| {
            vec![
                c.runtime.clone(),
                c.interface.to_string(),
                spread_duration(c.per_call_ns),
                spread_duration(c.per_byte_ns),
            ]
        })
        .collect();
    text += &draw(&Grid { header, rows }, ASCII_MARKDOWN);
    text.push('\n');
    let fell: Vec<&str> = costs
        .iter()
        .filter(|c| c.per_byte_ns.high < 0.0)
        .map(|c| c.runtime.as_str())
        .collect();
    if !fell.is_empty() {
        text += &format!(
            "\nA negative cost per byte ({}): the time per call fell as the input grew over this \
             range, so its fixed cost per call moved more than copying the bytes costs; read its \
             per-call figure, not a price per byte.\n",
            fell.join(", ")
        );
    }
    text
}

fn spread_duration(s: Spread) -> String {
    format!(
        "{} [{} to {}]",
        duration(s.value),
        duration(s.low),
        duration(s.high)
    )
}

fn spread_ratio(s: &Option<Spread>) -> String {
    s.map(|s| {
        format!(
            "{}x [{}-{}]",
            ratio_value(s.value),
            ratio_value(s.low),
            ratio_value(s.high)
        )
    })
    .unwrap_or_else(|| DASH.into())
}

fn grid(tables: &[InterfaceTable]) -> Grid {
    let header = [
        "Kernel",
        "Size",
        "Configuration",
        "Core module / native",
        "Component / native",
        "Component / core module",
        "Compile: component / core",
        "Instantiate: component / core",
        "Extism plugin / native",
        "Extism plugin / core module on its wasmtime",
    ]
    .map(String::from)
    .to_vec();
    let cell =
        |r: &Option<stats::RatioEstimate>| r.as_ref().map(ratio).unwrap_or_else(|| DASH.into());
    let mut rows = Vec::new();
    for t in tables {
        for (i, row) in t.rows.iter().enumerate() {
            // The plugin's figures once per (kernel, size).
            let (plugin, over_engine) = match (&t.plugin, i) {
                (Some(p), 0) => (
                    cell(&p.vs_native),
                    format!("{}: {}", p.engine, cell(&p.over_engine)),
                ),
                _ => (DASH.into(), DASH.into()),
            };
            rows.push(vec![
                format!("`{}`", t.kernel),
                t.size.to_string(),
                row.core.clone(),
                cell(&row.core_vs_native),
                cell(&row.component_vs_native),
                cell(&row.component_vs_core),
                spread_ratio(&row.compile),
                spread_ratio(&row.instantiate),
                plugin,
                over_engine,
            ]);
        }
    }
    Grid { header, rows }
}
