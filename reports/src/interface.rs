//! The "Plugin interface" section: the same kernel source behind the three interfaces a plugin
//! host picks between — plugbench's byte ABI (a core module), a component with a typed WIT
//! interface, an extism plugin — measured in the same rounds. Per (kernel, size): each engine
//! configuration's component against its core module, paired by round, with compile and
//! instantiate; extism against the wasmtime it embeds; and from `echo`'s sweep what each
//! interface costs per call and per byte passed.

use stats::RatioEstimate;

use crate::analysis::{headline_ratio, paired};
use crate::{Phase, PhaseResult, Row, Run};

/// The kernel whose sweep gives the cost per byte: its work is one copy of its input.
pub const PER_BYTE_KERNEL: &str = "echo";

/// One (kernel, size) with at least one component row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InterfaceTable {
    pub kernel: String,
    pub size: usize,
    pub rows: Vec<InterfaceRow>,
    /// The extism plugin against native and against the wasmtime it embeds, if both ran.
    pub plugin: Option<PluginCell>,
}

/// A core-module configuration and the same configuration running the component.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InterfaceRow {
    pub core: String,
    pub component: String,
    pub core_vs_native: Option<RatioEstimate>,
    pub component_vs_native: Option<RatioEstimate>,
    /// Above 1: a call through the component is that much slower, paired by round.
    pub component_vs_core: Option<RatioEstimate>,
    pub compile: Option<Spread>,
    pub instantiate: Option<Spread>,
}

/// The extism plugin's figures beside the core module on its own wasmtime.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PluginCell {
    pub runtime: String,
    pub engine: String,
    pub vs_native: Option<RatioEstimate>,
    pub engine_vs_native: Option<RatioEstimate>,
    /// Above 1: the plugin is that much slower than the core module on the same engine.
    pub over_engine: Option<RatioEstimate>,
}

/// A figure and the bounds of its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spread {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// What one interface costs on `echo`: per call at the smallest size, and per byte between the
/// smallest and the largest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PerByte {
    pub runtime: String,
    pub interface: &'static str,
    pub sizes: (usize, usize),
    /// Mean per call at the smallest size.
    pub per_call_ns: Spread,
    /// The slope of the mean per call between the two sizes.
    pub per_byte_ns: Spread,
}

/// Every (kernel, size) of the run with component rows.
pub fn interface_tables(run: &Run) -> Vec<InterfaceTable> {
    if run.environment.components.is_empty() {
        return Vec::new();
    }
    run.views()
        .iter()
        .filter_map(|view| table(run, view))
        .collect()
}

fn table(run: &Run, view: &Run) -> Option<InterfaceTable> {
    let find = |name: &str| view.results.iter().find(|r| r.runtime == name && r.is_ok());
    let rows: Vec<InterfaceRow> = run
        .environment
        .components
        .iter()
        .filter_map(|pair| Some((find(&pair.core)?, find(&pair.component)?)))
        .map(|(core, component)| InterfaceRow {
            core: core.runtime.clone(),
            component: component.runtime.clone(),
            core_vs_native: core.ratio_to_native.clone(),
            component_vs_native: component.ratio_to_native.clone(),
            component_vs_core: headline_ratio(&paired(component, core)),
            compile: phase_ratio(component, core, Phase::Compile),
            instantiate: phase_ratio(component, core, Phase::Instantiate),
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let plugin = run
        .environment
        .embedded_engines
        .iter()
        .find_map(|e| Some((find(&e.runtime)?, find(&e.engine)?)))
        .map(|(plugin, engine)| PluginCell {
            runtime: plugin.runtime.clone(),
            engine: engine.runtime.clone(),
            vs_native: plugin.ratio_to_native.clone(),
            engine_vs_native: engine.ratio_to_native.clone(),
            over_engine: headline_ratio(&paired(plugin, engine)),
        });
    Some(InterfaceTable {
        kernel: view.group().kernel.clone(),
        size: view.group().size,
        rows,
        plugin,
    })
}

/// `a`'s mean time in `phase` over `b`'s, with the interval of the two means' intervals
/// (the phases are not paired by round).
fn phase_ratio(a: &Row, b: &Row, phase: Phase) -> Option<Spread> {
    ratio_of_means(measured(a, phase)?, measured(b, phase)?)
}

/// `a` over `b` with the bounds of both intervals; none when `b`'s reaches zero (the ratio is
/// then unbounded). A time is never negative, so a mean's interval starts at zero at the
/// lowest (a few widely spread samples give a normal interval below it).
fn ratio_of_means(a: Spread, b: Spread) -> Option<Spread> {
    (b.low > 0.0).then(|| Spread {
        value: a.value / b.value,
        low: a.low.max(0.0) / b.high,
        high: a.high / b.low,
    })
}

fn measured(row: &Row, phase: Phase) -> Option<Spread> {
    match row.phases.get(&phase)? {
        PhaseResult::Measured(stats) => Some(Spread {
            value: stats.mean_ns,
            low: stats.ci95_ns[0],
            high: stats.ci95_ns[1],
        }),
        _ => None,
    }
}

fn warm(row: &Row) -> Option<Spread> {
    row.warm.as_ref().map(|w| Spread {
        value: w.mean_ns,
        low: w.ci95_ns[0],
        high: w.ci95_ns[1],
    })
}

/// Each interface's cost per call and per byte on [`PER_BYTE_KERNEL`], for every runtime of a
/// component pair and the extism plugin with its engine; none without two sizes of it.
pub fn per_byte(run: &Run) -> Vec<PerByte> {
    let views: Vec<Run> = run
        .views()
        .into_iter()
        .filter(|v| v.group().kernel == PER_BYTE_KERNEL)
        .collect();
    let smallest = views.iter().min_by_key(|v| v.group().size);
    let largest = views.iter().max_by_key(|v| v.group().size);
    let (Some(small), Some(large)) = (smallest, largest) else {
        return Vec::new();
    };
    let (from, to) = (small.group().size, large.group().size);
    if from == to || run.environment.components.is_empty() {
        return Vec::new();
    }
    let mut named: Vec<(String, &'static str)> = Vec::new();
    for pair in &run.environment.components {
        named.push((pair.core.clone(), "byte ABI core module"));
        named.push((pair.component.clone(), "component"));
    }
    for e in &run.environment.embedded_engines {
        named.push((e.engine.clone(), "byte ABI core module"));
        named.push((e.runtime.clone(), "extism plugin"));
    }
    let bytes = (to - from) as f64;
    named
        .into_iter()
        .filter_map(|(runtime, interface)| {
            let at = |view: &Run| {
                let row = view
                    .results
                    .iter()
                    .find(|r| r.runtime == runtime && r.is_ok())?;
                warm(row)
            };
            let (small, large) = (at(small)?, at(large)?);
            Some(PerByte {
                runtime,
                interface,
                sizes: (from, to),
                per_call_ns: small,
                per_byte_ns: Spread {
                    value: (large.value - small.value) / bytes,
                    low: (large.low - small.high) / bytes,
                    high: (large.high - small.low) / bytes,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ComponentPair, RunFile, RuntimeResult, Status};

    /// A row measured in the same 8 rounds as every other, `ns` per call with a little noise.
    fn measured(name: &str, size: usize, ns: f64) -> RuntimeResult {
        let mut r = RuntimeResult::failed(name, "echo", size, String::new());
        r.status = Status::Ok;
        for round in 0..8 {
            r.raw.warm_ns.push(ns * (1.0 + 0.001 * (round % 3) as f64));
            r.raw.warm_rounds.push(round);
            r.raw.warm_launches.push(round / 4);
        }
        r
    }

    fn run(results: Vec<RuntimeResult>, sizes: &[usize]) -> Run {
        let shell = crate::choose::tests::run(vec![]);
        let mut environment = shell.environment;
        environment.components = vec![ComponentPair {
            core: "engine".into(),
            component: "engine-component".into(),
        }];
        let groups = sizes
            .iter()
            .map(|&size| {
                let mut g = shell.groups[0].clone();
                (g.kernel, g.size) = ("echo".into(), size);
                g
            })
            .collect();
        crate::analyze(RunFile {
            schema: shell.schema,
            tool: shell.tool,
            interrupted: false,
            environment,
            settings: shell.settings,
            groups,
            results,
            load: Vec::new(),
            instructions: None,
        })
    }

    fn native(size: usize, ns: f64) -> RuntimeResult {
        let mut r = measured("native", size, ns);
        (r.baseline, r.native) = (true, true);
        r
    }

    #[test]
    fn a_ratio_of_means_is_never_negative_and_unbounded_over_zero() {
        let spread = |value, low, high| Spread { value, low, high };
        let ratio = ratio_of_means(spread(2.0, -1.0, 5.0), spread(1.0, 0.5, 2.0)).unwrap();
        assert_eq!((ratio.value, ratio.low, ratio.high), (2.0, 0.0, 10.0));
        assert!(ratio_of_means(spread(2.0, 1.0, 3.0), spread(1.0, 0.0, 2.0)).is_none());
    }

    #[test]
    fn a_component_is_paired_with_its_core_module_and_priced_per_byte() {
        let results = vec![
            native(10, 100.0),
            measured("engine", 10, 200.0),
            measured("engine-component", 10, 500.0),
            native(1010, 150.0),
            measured("engine", 1010, 300.0),
            measured("engine-component", 1010, 2500.0),
        ];
        let run = run(results, &[10, 1010]);
        let tables = interface_tables(&run);
        assert_eq!(tables.len(), 2);
        let row = &tables[0].rows[0];
        assert_eq!(
            (row.core.as_str(), row.component.as_str()),
            ("engine", "engine-component")
        );
        let value = |r: &Option<RatioEstimate>| r.as_ref().unwrap().value;
        assert!((value(&row.component_vs_core) - 2.5).abs() < 1e-9);
        assert!((value(&row.core_vs_native) - 2.0).abs() < 1e-9);
        assert!(tables[0].plugin.is_none());
        let costs = per_byte(&run);
        let component = costs.iter().find(|c| c.interface == "component").unwrap();
        // (2500 - 500) ns over 1000 bytes, the noise aside.
        assert!(
            (component.per_byte_ns.value - 2.0).abs() < 0.01,
            "{component:?}"
        );
        assert!(component.per_byte_ns.low <= component.per_byte_ns.value);
        assert!(component.per_byte_ns.high >= component.per_byte_ns.value);
        let core = costs.iter().find(|c| c.runtime == "engine").unwrap();
        assert!((core.per_byte_ns.value - 0.1).abs() < 0.01, "{core:?}");
    }

    #[test]
    fn a_run_without_components_has_no_section() {
        let mut run = run(
            vec![native(10, 100.0), measured("engine", 10, 200.0)],
            &[10],
        );
        assert!(
            interface_tables(&run).is_empty(),
            "the component did not run"
        );
        run.environment.components.clear();
        assert!(interface_tables(&run).is_empty());
        assert!(per_byte(&run).is_empty());
    }
}
