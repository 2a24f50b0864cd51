//! The chart of a load measurement: events per second against host threads for every runtime,
//! one panel per host model, each point with its 95% interval.

use plotters::prelude::*;
use plugbench_data::load::{LoadFile, LoadRow};

use crate::chart::{size_label, ChartError};
use crate::first_seen;

/// The chart's file name, next to the markdown report that embeds it.
pub fn file_name(file: &LoadFile) -> String {
    format!(
        "plugbench-load-{}-{}.svg",
        file.settings.kernel, file.settings.size
    )
}

/// Events/s (log) against threads, a panel per host model, a line per runtime.
pub fn svg(file: &LoadFile) -> Result<String, ChartError> {
    let measured: Vec<&LoadRow> = file
        .rows
        .iter()
        .filter(|r| r.throughput.is_some())
        .collect();
    let models = first_seen(measured.iter().map(|r| r.model));
    let runtimes = first_seen(measured.iter().map(|r| r.runtime.as_str()));
    let low = measured
        .iter()
        .filter_map(|r| r.throughput.as_ref())
        .map(|t| t.ci95[0].max(t.mean / 10.0))
        .fold(f64::INFINITY, f64::min);
    let high = measured
        .iter()
        .filter_map(|r| r.throughput.as_ref())
        .map(|t| t.ci95[1])
        .fold(0.0, f64::max);
    if measured.is_empty() || !(low > 0.0 && high > low) {
        return Err(ChartError::Empty("events per second"));
    }
    let max_threads = measured.iter().map(|r| r.threads).max().unwrap_or(1) as f64;
    let mut svg = String::new();
    {
        let width = 120 + 330 * models.len() as u32 + 170;
        let root = SVGBackend::with_string(&mut svg, (width, 460)).into_drawing_area();
        root.fill(&WHITE)?;
        let (plots, legend) = root.split_horizontally(width - 170);
        let panels = plots.split_evenly((1, models.len()));
        for (panel, model) in panels.iter().zip(&models) {
            let mut chart = ChartBuilder::on(panel)
                .caption(model.as_str(), ("sans-serif", 16))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(64)
                .build_cartesian_2d(0.5..max_threads + 0.5, (low / 1.5..high * 1.5).log_scale())?;
            chart
                .configure_mesh()
                .x_desc("host threads")
                .y_desc("events/s")
                .x_labels(max_threads as usize + 1)
                .x_label_formatter(&|x| {
                    if (x - x.round()).abs() < 1e-9 && *x >= 1.0 {
                        format!("{x:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|y| size_label(*y))
                .draw()?;
            for (i, runtime) in runtimes.iter().enumerate() {
                let color = Palette99::pick(i).to_rgba();
                let mine: Vec<&&LoadRow> = measured
                    .iter()
                    .filter(|r| r.model == *model && r.runtime == *runtime)
                    .collect();
                draw_line(&mut chart, &mine, color)?;
            }
        }
        for (i, runtime) in runtimes.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let y = 40 + 20 * i as i32;
            legend.draw(&PathElement::new(
                vec![(8, y), (26, y)],
                color.stroke_width(2),
            ))?;
            legend.draw(&Text::new(
                runtime.to_string(),
                (32, y - 7),
                ("sans-serif", 13),
            ))?;
        }
        root.present()?;
    }
    Ok(svg)
}

type LoadChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, LogCoord<f64>>,
>;

/// One runtime's events/s at each thread count: a line through the means, whiskers for the
/// 95% intervals.
fn draw_line(
    chart: &mut LoadChart,
    rows: &[&&LoadRow],
    color: RGBAColor,
) -> Result<(), ChartError> {
    let points: Vec<(f64, f64, [f64; 2])> = rows
        .iter()
        .filter_map(|r| {
            let t = r.throughput.as_ref()?;
            Some((f64::from(r.threads), t.mean, t.ci95))
        })
        .collect();
    chart.draw_series(LineSeries::new(
        points.iter().map(|&(x, y, _)| (x, y)),
        color.stroke_width(2),
    ))?;
    chart.draw_series(points.iter().map(|&(x, y, ci)| {
        // An interval reaching below zero (few rounds, a wide spread) is drawn from a tenth of
        // the mean: the log axis has no zero.
        let bottom = ci[0].max(y / 10.0);
        PathElement::new(vec![(x, bottom), (x, ci[1])], color.stroke_width(1))
    }))?;
    chart.draw_series(
        points
            .iter()
            .map(|&(x, y, _)| Circle::new((x, y), 3, color.filled())),
    )?;
    Ok(())
}

/// The chart of each load measurement: (file name, SVG or why it failed).
pub fn charts(files: &[LoadFile]) -> Vec<(String, Result<String, ChartError>)> {
    files.iter().map(|f| (file_name(f), svg(f))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_panel_per_model_and_every_runtime() {
        let file = crate::load_situations::tests::file();
        let svg = svg(&file).unwrap();
        for text in [
            "pooled",
            "instance-per-event",
            "jit",
            "interp",
            "native",
            "host threads",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        assert_eq!(file_name(&file), "plugbench-load-webhook-10.svg");
    }
}
