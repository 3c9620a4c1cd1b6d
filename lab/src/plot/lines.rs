//! Line charts (loss against step, accuracy against epoch, the claims' measures against the
//! step, the benchmark's medians with their quartile bands), and the smoothing of noisy
//! curves.

use std::fmt;
use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::coincide;
use super::legend::{text_width, Entry, Legend};
use super::ticks::{log_grid, log_ticks};
use super::{nth_color, register_fonts, without_sharp_turns};
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

/// How a series' line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineStyle {
    /// An unbroken line.
    #[default]
    Solid,
    /// Dashes of 8 pixels, gaps of 5.
    Dashed,
    /// Dots of 2 pixels, gaps of 4.
    Dotted,
}

impl LineStyle {
    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub(crate) fn dashes(self) -> Option<(u32, u32)> {
        match self {
            LineStyle::Solid => None,
            LineStyle::Dashed => Some((8, 5)),
            LineStyle::Dotted => Some((2, 4)),
        }
    }

    /// The style of a line drawn over `depth` lines it coincides with: solid over none,
    /// dashed over one, dotted over two or more (see [`super::coincide`]).
    pub(crate) fn over(depth: usize) -> LineStyle {
        match depth {
            0 => LineStyle::Solid,
            1 => LineStyle::Dashed,
            _ => LineStyle::Dotted,
        }
    }
}

/// One line of a [`LinePlot`], with its legend entry.
///
/// ```
/// use lab::plot::{LineStyle, Series};
/// let s = Series::new("adam λ=0.001", vec![(1.0, 2.3), (2.0, 1.1)]);
/// assert_eq!(s.style, LineStyle::Solid);
/// assert!(s.color.is_none() && s.band.is_empty() && !s.markers && !s.scatter);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend entry; an empty name has none (one seed's line among many).
    pub name: String,
    /// `(x, y)` points in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Line colour, usually the optimizer's ([`color_of`](super::color_of)); `None` takes the
    /// palette's colour for the line's position ([`nth_color`]).
    pub color: Option<RGBColor>,
    /// A shaded band under the line, in the line's colour, light: `(x, low, high)` per point
    /// (the seeds' quartiles). Drawn before every line, so under all of them.
    pub band: Vec<(f64, f64, f64)>,
    /// Solid, dashed or dotted.
    pub style: LineStyle,
    /// Dots on the points (for a series of few points, or to tell coinciding lines apart).
    pub markers: bool,
    /// Only dots, no line (a scatter: one point per seed).
    pub scatter: bool,
    /// A ring around each point (a chosen value among the others).
    pub rings: bool,
}

impl Series {
    /// A solid line in the palette's colour for its position, without band or dots.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            ..Series::default()
        }
    }
}

/// A chart of several lines sharing axes, with the legend in a column to the right of the
/// plotting area (it never covers data).
///
/// Lines that a reader could not tell apart (within [`coincide::TOLERANCE`] of the plotting
/// area everywhere, see [`super::coincide`]) stay visible: a solid line drawn over another is
/// drawn dashed (dotted over two), and its legend entry says which line it coincides with.
///
/// ```
/// use lab::plot::{LinePlot, Series};
/// let plot = LinePlot {
///     title: "loss".into(),
///     log_y: true,
///     series: vec![Series::new("sgd λ=0.1", vec![(1.0, 2.0), (2.0, 0.5)])],
///     hlines: vec![(0.3, "target".into())],
///     ..Default::default()
/// };
/// assert_eq!(plot.size, (900, 540));
/// # let dir = std::env::temp_dir().join(format!("lineplot-doc-{}", std::process::id()));
/// plot.draw(&dir.join("loss.svg")).unwrap();
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
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
    /// The lines, in legend order (and drawing order: later lines over earlier ones).
    pub series: Vec<Series>,
    /// Size in pixels, legend column included.
    pub size: (u32, u32),
    /// Lower end of the y axis (points below it are left out, bands cut there); `None` fits
    /// the data.
    pub y_min: Option<f64>,
    /// Marks each point of every series with a dot (for short series, e.g. one point per
    /// epoch).
    pub markers: bool,
    /// The legend column ends level with the bottom of the plotting area (for rising curves,
    /// whose labels are read at their right end) instead of starting at its top.
    pub legend_bottom: bool,
    /// Logarithmic x axis (all x must then be positive; others are dropped).
    pub log_x: bool,
    /// Horizontal reference lines with a label drawn at their right end (a target accuracy).
    pub hlines: Vec<(f64, String)>,
    /// Vertical reference lines with a label (a chosen learning rate), drawn above the
    /// plotting area at the line's top.
    pub vlines: Vec<(f64, String)>,
}

impl Default for LinePlot {
    /// Title and labels empty, no series, 900 × 540 pixels, every flag false, nothing else.
    fn default() -> LinePlot {
        LinePlot {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            log_y: false,
            series: Vec::new(),
            size: (900, 540),
            y_min: None,
            markers: false,
            legend_bottom: false,
            log_x: false,
            hlines: Vec::new(),
            vlines: Vec::new(),
        }
    }
}

/// Colour of the reference lines and their labels.
const REFERENCE: RGBColor = RGBColor(70, 70, 70);
/// Font size of tick labels, reference labels and the legend.
const SMALL: u32 = 13;

/// An axis in drawing units: maps a value to `[0, 1]` along the axis (after the log, if any).
#[derive(Debug, Clone, Copy)]
struct Axis {
    low: f64,
    high: f64,
    log: bool,
}

impl Axis {
    fn unit(&self, v: f64) -> f64 {
        if self.log {
            (v.ln() - self.low.ln()) / (self.high.ln() - self.low.ln())
        } else {
            (v - self.low) / (self.high - self.low)
        }
    }
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
        let (x, y) = self
            .axes()
            .ok_or_else(|| err(&"no finite points to plot"))?;
        let svg = path.extension().is_some_and(|e| e == "svg");
        // Plotters writes the file itself, to the temporary path, whose extension is the
        // target's, as its PNG encoder needs.
        let drawn = if svg {
            let root = SVGBackend::new(tmp, self.size).into_drawing_area();
            self.draw_on(&root, x, y)
        } else {
            let root = BitMapBackend::new(tmp, self.size).into_drawing_area();
            self.draw_on(&root, x, y)
        };
        drawn.map_err(|e| err(&e))
    }

    /// Finite, positive on a log axis, and not below `y_min`.
    fn usable(&self, x: f64, y: f64) -> bool {
        self.usable_x(x) && self.usable_y(y)
    }

    fn usable_x(&self, x: f64) -> bool {
        x.is_finite() && (!self.log_x || x > 0.0)
    }

    fn usable_y(&self, y: f64) -> bool {
        y.is_finite() && (!self.log_y || y > 0.0) && self.y_min.is_none_or(|low| y >= low)
    }

    /// The points of `s` that can be drawn.
    fn drawn_points(&self, s: &Series) -> Vec<(f64, f64)> {
        (s.points.iter().copied())
            .filter(|&(x, y)| self.usable(x, y))
            .collect()
    }

    /// The band of `s` that can be drawn: points outside a log axis's domain dropped, lows
    /// raised to `y_min`.
    fn drawn_band(&self, s: &Series) -> Vec<(f64, f64, f64)> {
        let floor = self.y_min.unwrap_or(f64::NEG_INFINITY);
        (s.band.iter())
            .map(|&(x, low, high)| (x, low.max(floor), high))
            .filter(|&(x, low, high)| self.usable(x, low) && self.usable(x, high))
            .collect()
    }

    /// The x and y axes: the range of every point, band and reference line, with a little
    /// room above and below the data; `None` when there is nothing to draw.
    fn axes(&self) -> Option<(Axis, Axis)> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for s in &self.series {
            for (x, y) in self.drawn_points(s) {
                xs.push(x);
                ys.push(y);
            }
            for (x, low, high) in self.drawn_band(s) {
                xs.push(x);
                ys.extend([low, high]);
            }
        }
        if xs.is_empty() {
            return None;
        }
        xs.extend(
            self.vlines
                .iter()
                .map(|l| l.0)
                .filter(|&x| self.usable_x(x)),
        );
        ys.extend(
            self.hlines
                .iter()
                .map(|l| l.0)
                .filter(|&y| self.usable_y(y)),
        );
        let span = |v: &[f64]| {
            let low = v.iter().copied().fold(f64::INFINITY, f64::min);
            (low, v.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        };
        let (x0, mut x1) = span(&xs);
        let (mut y0, mut y1) = span(&ys);
        if x0 == x1 {
            x1 = if self.log_x { x0 * 10.0 } else { x0 + 1.0 };
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
        let x = Axis {
            low: x0,
            high: x1,
            log: self.log_x,
        };
        let y = Axis {
            low: y0,
            high: y1,
            log: self.log_y,
        };
        Some((x, y))
    }

    /// How each series is drawn (its style after [`coincide`]) and the note its legend entry
    /// carries.
    fn styles(&self, x: Axis, y: Axis) -> Vec<(LineStyle, Option<String>)> {
        let unit: Vec<Vec<(f64, f64)>> = (self.series.iter())
            .map(|s| {
                if s.scatter {
                    return Vec::new(); // dots, not a line: nothing to hide
                }
                let points = self.drawn_points(s).into_iter();
                points.map(|(a, b)| (x.unit(a), y.unit(b))).collect()
            })
            .collect();
        let found = coincide::coincidences(&unit, coincide::TOLERANCE);
        (self.series.iter().zip(found))
            .map(|(s, c)| {
                let style = match s.style {
                    LineStyle::Solid => LineStyle::over(c.depth),
                    other => other,
                };
                let note = c.note.map(|(other, how)| {
                    let other = match self.series[other].name.as_str() {
                        "" => format!("line {}", other + 1),
                        name => name.to_string(),
                    };
                    how.note("line", &other)
                });
                (style, note)
            })
            .collect()
    }

    fn draw_on<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: Axis,
        y: Axis,
    ) -> Result<(), String> {
        let (xr, yr) = (x.low..x.high, y.low..y.high);
        match (self.log_x, self.log_y) {
            (false, false) => self.chart(root, xr, yr, x, y),
            (true, false) => self.chart(root, xr.log_scale(), yr, x, y),
            (false, true) => self.chart(root, xr, yr.log_scale(), x, y),
            (true, true) => self.chart(root, xr.log_scale(), yr.log_scale(), x, y),
        }
    }

    /// Draws the chart: title, then the plotting area on the left and the legend column on
    /// the right. A log axis gets its labels from [`log_ticks`] (plotters would label only
    /// the powers of ten) and light grid lines at 1 to 9 times them.
    fn chart<DB, X, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x_coord: X,
        y_coord: Y,
        x: Axis,
        y: Axis,
    ) -> Result<(), String>
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let e = |e: &dyn fmt::Display| e.to_string();
        root.fill(&WHITE).map_err(|x| e(&x))?;
        let body = if self.title.is_empty() {
            root.clone()
        } else {
            // A long title (an optimizer's full settings) shrinks rather than runs off the edges.
            let width = root.dim_in_pixel().0 as f64;
            let fits = width / (0.55 * self.title.chars().count() as f64);
            root.titled(&self.title, ("sans-serif", fits.clamp(12.0, 22.0)))
                .map_err(|x| e(&x))?
        };
        let styles = self.styles(x, y);
        let legend = Legend {
            // A series without a name (one seed's line of many) has no entry.
            entries: (self.series.iter().zip(&styles).enumerate())
                .filter(|(_, (s, _))| !s.name.is_empty())
                .map(|(i, (s, (style, note)))| Entry {
                    text: s.name.clone(),
                    note: note.clone(),
                    color: s.color.unwrap_or_else(|| nth_color(i)),
                    style: *style,
                    line: !s.scatter,
                    marker: self.markers || s.markers || s.scatter,
                    band: !s.band.is_empty(),
                })
                .collect(),
            font: SMALL,
        };
        let width = root.dim_in_pixel().0;
        let legend_width = legend.width(width * 2 / 5);
        let label_width = (self.hlines.iter())
            .map(|(_, text)| text_width(text, SMALL - 1) + 8)
            .max()
            .unwrap_or(0);
        let right = legend_width + label_width + 8;
        let (area, _) = body.split_horizontally(width.saturating_sub(right).max(width / 3));
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_top(if self.vlines.is_empty() { 12 } else { 30 })
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(x_coord, y_coord)
            .map_err(|x| e(&x))?;
        let mut mesh = chart.configure_mesh();
        if self.log_x {
            mesh.disable_x_mesh().x_labels(0);
        }
        if self.log_y {
            mesh.disable_y_mesh().y_labels(0);
        }
        mesh.x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", 16))
            .label_style(("sans-serif", SMALL))
            // A log axis's labels are drawn below, at the values of `log_ticks`.
            .x_label_formatter(&|v| label_of(*v, x))
            .y_label_formatter(&|v| label_of(*v, y))
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(|x| e(&x))?;
        let (px, py) = chart.plotting_area().get_pixel_range();
        let grid = |light: bool| {
            if light {
                RGBColor(238, 238, 238)
            } else {
                RGBColor(215, 215, 215)
            }
        };
        // The log axes' grid lines and labels.
        let tick = TextStyle::from(("sans-serif", SMALL).into_font());
        if self.log_x {
            for (v, light) in log_lines(x) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        [(v, y.low), (v, y.high)],
                        grid(light),
                    )))
                    .map_err(|x| e(&x))?;
            }
            for v in log_ticks(x.low, x.high) {
                let (at, _) = chart.backend_coord(&(v, y.low));
                let style = tick.pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(tidy(v), (at, py.end + 6), style))
                    .map_err(|x| e(&x))?;
            }
        }
        if self.log_y {
            for (v, light) in log_lines(y) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        [(x.low, v), (x.high, v)],
                        grid(light),
                    )))
                    .map_err(|x| e(&x))?;
            }
            for v in log_ticks(y.low, y.high) {
                let (_, at) = chart.backend_coord(&(x.low, v));
                let style = tick.pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(tidy(v), (px.start - 6, at), style))
                    .map_err(|x| e(&x))?;
            }
        }
        // Reference lines under the data, their labels outside the plotting area.
        let reference = REFERENCE.mix(0.8).stroke_width(1);
        let label = TextStyle::from(("sans-serif", SMALL - 1).into_font()).color(&REFERENCE);
        for (v, text) in self.hlines.iter().filter(|l| self.usable_y(l.0)) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    [(x.low, *v), (x.high, *v)],
                    reference,
                )))
                .map_err(|x| e(&x))?;
            let (_, at) = chart.backend_coord(&(x.high, *v));
            let style = label.pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(text.as_str(), (px.end + 6, at), style))
                .map_err(|x| e(&x))?;
        }
        for (v, text) in self.vlines.iter().filter(|l| self.usable_x(l.0)) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    [(*v, y.low), (*v, y.high)],
                    reference,
                )))
                .map_err(|x| e(&x))?;
            let (at, _) = chart.backend_coord(&(*v, y.high));
            let style = label.pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw(&Text::new(text.as_str(), (at, py.start - 4), style))
                .map_err(|x| e(&x))?;
        }
        // Bands first, under every line; then the lines in order, then their dots.
        let color = |i: usize| self.series[i].color.unwrap_or_else(|| nth_color(i));
        for (i, s) in self.series.iter().enumerate() {
            let band = self.drawn_band(s);
            if band.len() < 2 {
                continue;
            }
            let outline: Vec<(f64, f64)> = (band.iter().map(|&(x, _, high)| (x, high)))
                .chain(band.iter().rev().map(|&(x, low, _)| (x, low)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    color(i).mix(0.2).filled(),
                )))
                .map_err(|x| e(&x))?;
        }
        for (i, (s, (style, _))) in self.series.iter().zip(&styles).enumerate() {
            let points = self.drawn_points(s);
            let stroke = color(i).stroke_width(2);
            if !s.scatter {
                let to_px = |p: (f64, f64)| chart.backend_coord(&p);
                for piece in without_sharp_turns(&points, to_px) {
                    match style.dashes() {
                        None => chart.draw_series(LineSeries::new(piece, stroke)),
                        Some((on, off)) => {
                            chart.draw_series(DashedLineSeries::new(piece, on, off, stroke))
                        }
                    }
                    .map_err(|x| e(&x))?;
                }
            }
            if self.markers || s.markers || s.scatter {
                let dot = color(i).filled();
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, dot)))
                    .map_err(|x| e(&x))?;
            }
            if s.rings {
                let ring = color(i).stroke_width(2);
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 8, ring)))
                    .map_err(|x| e(&x))?;
            }
        }
        let top = if self.legend_bottom {
            (py.end - legend.height(legend_width)).max(py.start)
        } else {
            py.start
        };
        legend.draw(root, (px.end + label_width as i32 + 10, top), legend_width)?;
        root.present().map_err(|x| e(&x))
    }
}

/// The label plotters' tick at `v` gets on `axis`: none on a log axis (those are drawn at
/// [`log_ticks`]), and 0 for a value that is zero but for round-off (plotters' 0 on an axis
/// from −1 to 1 can be −2e-16).
fn label_of(v: f64, axis: Axis) -> String {
    if axis.log {
        String::new()
    } else if v.abs() < (axis.high - axis.low) * 1e-9 {
        "0".to_string()
    } else {
        tidy(v)
    }
}

/// The grid lines of a log axis: `(value, light)`, light for the unlabelled ones.
fn log_lines(axis: Axis) -> Vec<(f64, bool)> {
    let labelled = log_ticks(axis.low, axis.high);
    let light = log_grid(axis.low, axis.high)
        .into_iter()
        .filter(|v| !labelled.iter().any(|l| (l / v - 1.0).abs() < 1e-9));
    light
        .map(|v| (v, true))
        .chain(labelled.iter().map(|&v| (v, false)))
        .collect()
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
