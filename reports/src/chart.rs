//! SVG charts for the markdown report (plotters): the ratio to native at a glance, and time
//! per call against size (log-log). Axis labels are written as a person would: sizes as 10,
//! 100, 1k; times and ratios with no more digits than the ticks need.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::first_seen;

use crate::analysis::Analysis;
use crate::overview::RatioPoint;
use crate::sweep::Sweep;

/// File name of the ratio overview chart, next to the markdown report that embeds it.
pub const OVERVIEW_FILE: &str = "plugbench-ratios.svg";

/// File name of a sweep's chart, next to the markdown report that embeds it.
pub fn sweep_file_name(kernel: &str) -> String {
    format!("plugbench-sweep-{kernel}.svg")
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("no {0} to draw")]
    Empty(&'static str),
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Every chart the markdown report of `run` embeds: (file name, SVG or why it failed).
pub fn report_charts(analysis: &Analysis) -> Vec<(String, Result<String, ChartError>)> {
    let ratios = &analysis.headline;
    let overview = (!ratios.is_empty()).then(|| (OVERVIEW_FILE.to_string(), overview_svg(ratios)));
    overview
        .into_iter()
        .chain(
            analysis
                .sweeps
                .iter()
                .map(|s| (sweep_file_name(&s.kernel), sweep_svg(s))),
        )
        .collect()
}

/// A size as people write it: 10, 100, 1k, 10k, 1.5M.
pub fn size_label(n: f64) -> String {
    match n {
        x if x >= 1e6 => format!("{}M", short(x / 1e6)),
        x if x >= 1e3 => format!("{}k", short(x / 1e3)),
        x => short(x),
    }
}

/// A duration with no more digits than a tick label needs (1 ms, 2.5 µs, 100 ns).
pub fn time_label(ns: f64) -> String {
    let (value, unit) = crate::format::in_unit(ns);
    format!("{} {unit}", short(value))
}

/// Up to two decimals, trailing zeros dropped: 1, 2.5, 0.25.
fn short(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Runtimes down the side, ratio to native (log) across, one dot per workload with its 95%
/// interval as whiskers.
pub fn overview_svg(points: &[RatioPoint]) -> Result<String, ChartError> {
    let runtimes = first_seen(points.iter().map(|p| p.runtime.as_str()));
    let workloads = first_seen(points.iter().map(|p| p.workload.as_str()));
    let (lo, hi) = bounds(points.iter().flat_map(|p| p.ci95))
        .map(|(lo, hi)| (lo.min(1.0), hi.max(1.0)))
        .ok_or(ChartError::Empty("ratios"))?;
    let rows = runtimes.len() as f64;
    let height = 120 + 34 * runtimes.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, height)).into_drawing_area();
        root.fill(&WHITE)?;
        // The legend gets its own column, so it never covers a point.
        let (plot, legend) = root.split_horizontally(800);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                "Ratio to native (95% interval), each kernel at its largest size",
                ("sans-serif", 17),
            )
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(150)
            .build_cartesian_2d((lo / 1.3..hi * 1.3).log_scale(), -0.5..rows - 0.5)?;
        draw_axes(&mut chart, &runtimes)?;
        let step = 0.6 / workloads.len().max(1) as f64;
        for (j, workload) in workloads.iter().enumerate() {
            let color = Palette99::pick(j).to_rgba();
            // Row i from the top is runtime i; each workload's dots sit a little apart in it.
            let offset = 0.3 - step * (j as f64 + 0.5);
            let row_of = |p: &RatioPoint| {
                let row = runtimes.iter().position(|r| *r == p.runtime).unwrap_or(0);
                rows - 1.0 - row as f64 + offset
            };
            let mine: Vec<(&RatioPoint, f64)> = points
                .iter()
                .filter(|p| p.workload == *workload)
                .map(|p| (p, row_of(p)))
                .collect();
            draw_ratios(&mut chart, &mine, color)?;
            legend_entry(&legend, j, workload, color)?;
        }
        root.present()?;
    }
    Ok(svg)
}

type RatioChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<LogCoord<f64>, RangedCoordf64>>;

/// The runtimes' names down the side (row i from the top is runtime i), the ratio across, and
/// a line at 1x.
fn draw_axes(chart: &mut RatioChart, runtimes: &[&str]) -> Result<(), ChartError> {
    let rows = runtimes.len() as f64;
    let name_of = |y: &f64| {
        let i = rows - 1.0 - y.round();
        if (y - y.round()).abs() < 1e-9 && i >= 0.0 && (i as usize) < runtimes.len() {
            runtimes[i as usize].to_string()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .y_labels(runtimes.len() * 2 + 1)
        .y_label_formatter(&name_of)
        .x_label_formatter(&|x| format!("{}x", short(*x)))
        .x_desc("times native's time per call (1x = native)")
        .disable_y_mesh()
        .draw()?;
    chart.draw_series(LineSeries::new(
        [(1.0, -0.5), (1.0, rows - 0.5)],
        BLACK.stroke_width(1),
    ))?;
    Ok(())
}

/// One workload's ratios at their rows: the 95% interval as whiskers, the ratio as a dot.
fn draw_ratios(
    chart: &mut RatioChart,
    points: &[(&RatioPoint, f64)],
    color: RGBAColor,
) -> Result<(), ChartError> {
    chart.draw_series(points.iter().map(|(p, y)| {
        PathElement::new(
            vec![(p.ci95[0], *y), (p.ci95[1], *y)],
            color.stroke_width(2),
        )
    }))?;
    chart.draw_series(
        points
            .iter()
            .map(|(p, y)| Circle::new((p.value, *y), 4, color.filled())),
    )?;
    Ok(())
}

/// The `j`th workload's dot and name in the legend column.
fn legend_entry(
    legend: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    j: usize,
    workload: &str,
    color: RGBAColor,
) -> Result<(), ChartError> {
    let y = 60 + 22 * j as i32;
    legend.draw(&Circle::new((12, y), 4, color.filled()))?;
    legend.draw(&Text::new(
        workload.to_string(),
        (22, y - 7),
        ("sans-serif", 13),
    ))?;
    Ok(())
}

/// Time per call (median) against input size for every runtime, both axes logarithmic.
pub fn sweep_svg(sweep: &Sweep) -> Result<String, ChartError> {
    let points: Vec<Vec<(f64, f64)>> = sweep.lines.iter().map(|l| l.points(&sweep.sizes)).collect();
    let all = points.iter().flatten();
    let (x_min, x_max) = bounds(all.clone().map(|p| p.0)).ok_or(ChartError::Empty("points"))?;
    let (y_min, y_max) = bounds(all.map(|p| p.1)).ok_or(ChartError::Empty("points"))?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 440)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{}: time per call against size (log-log)", sweep.kernel),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(
                (x_min / 1.5..x_max * 1.5).log_scale(),
                (y_min / 2.0..y_max * 2.0).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("input size")
            .y_desc("time per call")
            .x_label_formatter(&|x| size_label(*x))
            .y_label_formatter(&|y| time_label(*y))
            .draw()?;
        for (i, (line, pts)) in sweep.lines.iter().zip(&points).enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let style = if line.baseline {
                color.stroke_width(3)
            } else {
                color.stroke_width(2)
            };
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), style))?
                .label(line.runtime.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.filter(|v| *v > 0.0).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::SweepLine;

    #[test]
    fn axis_labels_read_as_people_write_them() {
        assert_eq!(size_label(10.0), "10");
        assert_eq!(size_label(1000.0), "1k");
        assert_eq!(size_label(7000.0), "7k");
        assert_eq!(size_label(1500.0), "1.5k");
        assert_eq!(size_label(2_000_000.0), "2M");
        assert_eq!(time_label(1e6), "1 ms");
        assert_eq!(time_label(2500.0), "2.5 µs");
        assert_eq!(time_label(100.0), "100 ns");
        assert_eq!(time_label(3e9), "3 s");
    }

    #[test]
    fn the_overview_has_every_runtime_and_workload() {
        let point = |runtime: &str, workload: &str, value: f64| RatioPoint {
            runtime: runtime.into(),
            workload: workload.into(),
            value,
            ci95: [value * 0.95, value * 1.05],
        };
        let svg = overview_svg(&[
            point("jit", "echo @ 10", 2.0),
            point("interp", "echo @ 10", 40.0),
            point("jit", "webhook @ 7000", 1.1),
        ])
        .unwrap();
        for text in ["jit", "interp", "echo @ 10", "webhook @ 7000"] {
            assert!(svg.contains(text), "{text}");
        }
        assert!(overview_svg(&[]).is_err());
    }

    #[test]
    fn every_runtime_is_in_the_legend() {
        let line = |name: &str, t: [f64; 2]| SweepLine {
            runtime: name.into(),
            baseline: name == "native",
            per_call_ns: t.iter().map(|&x| Some(x)).collect(),
            ratio: vec![None, None],
            fit: None,
            crossover: None,
        };
        let sweep = Sweep {
            kernel: "k".into(),
            baseline_name: "native".into(),
            sizes: vec![10, 1000],
            lines: vec![line("native", [100.0, 1e6]), line("interp", [900.0, 3e7])],
        };
        let svg = sweep_svg(&sweep).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("native") && svg.contains("interp"));
        let empty = Sweep {
            lines: vec![],
            ..sweep
        };
        assert!(sweep_svg(&empty).is_err());
    }
}
