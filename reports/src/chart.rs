//! SVG charts for the markdown report (plotters): time per call against size, log-log.

use plotters::prelude::*;

use crate::format::duration;
use crate::sweep::Sweep;

/// File name of a sweep's chart, next to the markdown report that embeds it.
pub fn sweep_file_name(kernel: &str) -> String {
    format!("plugbench-sweep-{kernel}.svg")
}

/// Every chart the markdown report of `run` embeds: (file name, SVG or why it failed).
pub fn report_charts(run: &crate::model::RunFile) -> Vec<(String, Result<String, String>)> {
    crate::sweep::sweeps(run)
        .iter()
        .map(|s| (sweep_file_name(&s.kernel), sweep_svg(s)))
        .collect()
}

/// Time per call (median) against input size for every runtime, both axes logarithmic.
pub fn sweep_svg(sweep: &Sweep) -> Result<String, String> {
    let points: Vec<Vec<(f64, f64)>> = sweep.lines.iter().map(|l| l.points(&sweep.sizes)).collect();
    let all = points.iter().flatten();
    let (x_min, x_max) = bounds(all.clone().map(|p| p.0)).ok_or("no points to draw")?;
    let (y_min, y_max) = bounds(all.map(|p| p.1)).ok_or("no points to draw")?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{}: time per call against size (log-log)", sweep.kernel),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(
                (x_min / 1.5..x_max * 1.5).log_scale(),
                (y_min / 2.0..y_max * 2.0).log_scale(),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("input size")
            .y_desc("time per call")
            .y_label_formatter(&|y| duration(*y))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (line, pts)) in sweep.lines.iter().zip(&points).enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let style = if line.baseline {
                color.stroke_width(3)
            } else {
                color.stroke_width(2)
            };
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), style))
                .map_err(|e| e.to_string())?
                .label(line.runtime.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
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
