//! Line charts (loss against step, accuracy against epoch, the claims' measures against the
//! step), and the smoothing of noisy curves.

use std::fmt;
use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{nth_color, register_fonts};
use crate::report::{create_parent, ReportError};

/// Exponential moving average with bias correction (TensorBoard's smoothing): point `i` is
/// `Σ_j≤i α^(i−j) v_j · (1−α) / (1 − α^(i+1))`, so the first points are not pulled towards 0.
///
/// `alpha = 0` returns the values unchanged; `alpha` near 1 smooths strongly.
///
/// ```
/// use lab::plot::smooth;
/// assert_eq!(smooth(&[1.0, 1.0, 1.0], 0.9), vec![1.0, 1.0, 1.0]);
/// // (0.5·2 + 0.5·0) / (1 − 0.25) = 4/3 for the second point
/// let s = smooth(&[0.0, 2.0], 0.5);
/// assert!((s[1] - 4.0 / 3.0).abs() < 1e-12);
/// ```
pub fn smooth(values: &[f64], alpha: f64) -> Vec<f64> {
    let mut average = 0.0;
    let mut weight = 0.0; // 1 − αⁱ⁺¹, the total weight of the terms so far
    values
        .iter()
        .map(|&v| {
            average = alpha * average + (1.0 - alpha) * v;
            weight = alpha * weight + (1.0 - alpha);
            average / weight
        })
        .collect()
}

/// One line of a [`LinePlot`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// `(x, y)` points in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Line colour, usually the optimizer's ([`color_of`](super::color_of)); `None` takes the
    /// palette's colour for the line's position ([`nth_color`]).
    pub color: Option<RGBColor>,
}

/// A chart of several lines sharing axes.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title above the chart.
    pub title: String,
    /// Label of the x axis.
    pub x_label: String,
    /// Label of the y axis.
    pub y_label: String,
    /// Logarithmic y axis (all y must then be positive; others are dropped).
    pub log_y: bool,
    /// The lines, in legend order.
    pub series: Vec<Series>,
    /// Size in pixels.
    pub size: (u32, u32),
    /// Lower end of the y axis (points below it are left out); `None` fits the data.
    pub y_min: Option<f64>,
    /// Marks each point with a dot (for short series, e.g. one point per epoch).
    pub markers: bool,
    /// Legend in the lower right corner (for rising curves) instead of the upper right.
    pub legend_bottom: bool,
}

impl LinePlot {
    /// Draws the chart to `path`, atomically: SVG if the name ends in `.svg`, else the bitmap
    /// format of its extension (`.png`).
    ///
    /// # Errors
    /// [`ReportError`] naming `path` if there is nothing to draw or drawing/writing fails.
    pub fn draw(&self, path: &Path) -> Result<(), ReportError> {
        create_parent(path)?;
        atomic_file::write_with(path, |tmp| self.draw_at(tmp, path))
    }

    /// Draws the chart at `tmp`, not atomically, in the format of `path`'s extension; errors
    /// name `path`, the file the picture is for (`tmp` is a temporary file of a set of files
    /// written together, see [`atomic_file::write_set`]).
    ///
    /// # Errors
    /// As [`LinePlot::draw`].
    pub fn draw_at(&self, tmp: &Path, path: &Path) -> Result<(), ReportError> {
        register_fonts();
        let err = |e: &dyn fmt::Display| ReportError::new(path, e);
        let points = || self.series.iter().flat_map(|s| s.points.iter());
        let usable = |&&(x, y): &&(f64, f64)| self.usable(x, y);
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in points().filter(usable) {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        if x0 > x1 {
            return Err(err(&"no finite points to plot"));
        }
        if x0 == x1 {
            x1 = x0 + 1.0;
        }
        if let Some(low) = self.y_min {
            y0 = low;
            y1 = y1.max(low);
        }
        if self.log_y {
            // A little room above and below, in ratio.
            (y0, y1) = (y0 / 1.1, y1 * 1.1);
        } else {
            let pad = ((y1 - y0) * 0.05).max(1e-9);
            (y0, y1) = (if self.y_min.is_some() { y0 } else { y0 - pad }, y1 + pad);
        }
        let svg = path.extension().is_some_and(|e| e == "svg");
        // Plotters writes the file itself, to the temporary path, whose extension is the
        // target's, as its PNG encoder needs.
        let drawn = if svg {
            let root = SVGBackend::new(tmp, self.size).into_drawing_area();
            self.draw_on(&root, x0..x1, y0..y1)
        } else {
            let root = BitMapBackend::new(tmp, self.size).into_drawing_area();
            self.draw_on(&root, x0..x1, y0..y1)
        };
        drawn.map_err(|e| err(&e))
    }

    /// Finite, positive on a log axis, and not below `y_min`.
    fn usable(&self, x: f64, y: f64) -> bool {
        x.is_finite()
            && y.is_finite()
            && (!self.log_y || y > 0.0)
            && self.y_min.is_none_or(|low| y >= low)
    }

    fn draw_on<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: std::ops::Range<f64>,
        y: std::ops::Range<f64>,
    ) -> Result<(), String> {
        if self.log_y {
            let ticks = log_ticks(y.start, y.end);
            self.chart(root, x, y.log_scale(), &ticks)
        } else {
            self.chart(root, x, y, &[])
        }
    }

    /// Draws the chart; `y_ticks`, if not empty, replace plotters' y labels (which on a log
    /// axis are only the powers of ten) by labelled grid lines at these values.
    fn chart<DB, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: std::ops::Range<f64>,
        y: Y,
        y_ticks: &[f64],
    ) -> Result<(), String>
    where
        DB: DrawingBackend,
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let e = |e: &dyn fmt::Display| e.to_string();
        root.fill(&WHITE).map_err(|x| e(&x))?;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(x.clone(), y)
            .map_err(|x| e(&x))?;
        let custom = !y_ticks.is_empty();
        let y_format = |v: &f64| if custom { String::new() } else { tidy(*v) };
        let mut mesh = chart.configure_mesh();
        if custom {
            mesh.disable_y_mesh();
        }
        mesh.x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", 16))
            .label_style(("sans-serif", 13))
            .x_label_formatter(&|v| tidy(*v))
            .y_label_formatter(&y_format)
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(|x| e(&x))?;
        let label = TextStyle::from(("sans-serif", 13).into_font())
            .pos(Pos::new(HPos::Right, VPos::Center));
        for &v in y_ticks {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    [(x.start, v), (x.end, v)],
                    RGBColor(215, 215, 215),
                )))
                .map_err(|x| e(&x))?;
            let (px, py) = chart.backend_coord(&(x.start, v));
            root.draw(&Text::new(tidy(v), (px - 6, py), label.clone()))
                .map_err(|x| e(&x))?;
        }
        for (i, series) in self.series.iter().enumerate() {
            let color = series.color.unwrap_or_else(|| nth_color(i));
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .copied()
                .filter(|&(x, y)| self.usable(x, y))
                .collect();
            if self.markers {
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
                    .map_err(|x| e(&x))?;
            }
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(|x| e(&x))?
                .label(&series.name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(if self.legend_bottom {
                SeriesLabelPosition::LowerRight
            } else {
                SeriesLabelPosition::UpperRight
            })
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|x| e(&x))?;
        root.present().map_err(|x| e(&x))
    }
}

/// Tick values for a log axis over `[low, high]`: 1, 2 and 5 times the powers of ten.
///
/// ```
/// assert_eq!(lab::plot::log_ticks(0.04, 3.0), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
/// ```
pub fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) {
        return Vec::new();
    }
    let mut ticks = Vec::new();
    for decade in low.log10().floor() as i32..=high.log10().ceil() as i32 {
        for m in [1.0, 2.0, 5.0] {
            // Written as m / 10^k for negative decades so 0.1 prints as 0.1, not 0.10000000000000002.
            let v = if decade < 0 {
                m / 10f64.powi(-decade)
            } else {
                m * 10f64.powi(decade)
            };
            if (low..=high).contains(&v) {
                ticks.push(v);
            }
        }
    }
    ticks
}

/// A short axis label: `200`, `0.5`, `0.03`, `1e-5` — no `200.0` or `0.6000000001`.
pub fn tidy(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if v.abs() < 1e-3 || v.abs() >= 1e6 {
        return format!("{v:.0e}");
    }
    // Four significant digits, then drop trailing zeros.
    let decimals = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_labels_are_short() {
        assert_eq!(tidy(200.0), "200");
        assert_eq!(tidy(0.6000000001), "0.6");
        assert_eq!(tidy(0.03), "0.03");
        assert_eq!(tidy(97.25), "97.25");
        assert_eq!(tidy(1e-5), "1e-5");
        assert_eq!(tidy(0.0), "0");
    }

    #[test]
    fn smoothing_a_step_follows_the_hand_computed_average() {
        // α = 0.5 on [0, 0, 4]: averages 0, 0, 0.5·4 = 2 with weight 1 − 0.125 = 0.875 → 16/7.
        let s = smooth(&[0.0, 0.0, 4.0], 0.5);
        assert_eq!(s[..2], [0.0, 0.0]);
        assert!((s[2] - 16.0 / 7.0).abs() < 1e-12);
        assert_eq!(smooth(&[3.0, 5.0], 0.0), vec![3.0, 5.0]);
    }
}
