//! Optimizer paths over the contour lines of a surface, as a PNG, an SVG or an animated GIF.

use std::fmt;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::clabel;
use super::coincide;
use super::contour::{ContourLine, Grid};
use super::legend::{Entry, Legend};
use super::{color_of, register_fonts, without_sharp_turns, LineStyle};
use crate::surfaces::{Surface, View};

/// Picture size in pixels, without its legend: small enough to commit, large enough to read.
/// The legend column is added on the right, as wide as its text needs (at most
/// [`LEGEND_WIDTH`]`.0`).
pub const SIZE: (u32, u32) = (640, 480);

/// Animated GIF size in pixels, without its legend: every frame is stored whole, so a smaller
/// frame keeps the file small enough to commit. The legend column (at most
/// [`LEGEND_WIDTH`]`.1`) is added on the right.
pub const GIF_SIZE: (u32, u32) = (400, 300);

/// The widest legend column of a picture and of a GIF, in pixels; longer labels wrap.
pub const LEGEND_WIDTH: (u32, u32) = (250, 190);

/// A failure to draw or write a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotError {
    /// The file being written.
    pub path: PathBuf,
    /// What went wrong (from plotters or the file system).
    pub message: String,
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw {}: {}", self.path.display(), self.message)
    }
}

/// A failed step of the atomic write (create, sync, rename), naming the file.
impl From<atomic_file::WriteError> for PlotError {
    fn from(e: atomic_file::WriteError) -> Self {
        let message = e.to_string();
        PlotError {
            path: e.path,
            message,
        }
    }
}

impl std::error::Error for PlotError {}

/// One path to draw: its legend label and its points.
#[derive(Debug, Clone, Copy)]
pub struct Track<'a> {
    /// Legend text, e.g. `"momentum λ=0.01 μ=0.9"`.
    pub label: &'a str,
    /// The colour key: the optimizer's name (`"sgd"`, `"adam"`, …).
    pub optimizer: &'a str,
    /// The points, start first.
    pub points: &'a [[f32; 2]],
}

/// Contour-line colour of level `k` of `n`: light blue-grey for low levels to light orange for
/// high ones, pale enough that the paths stand out.
fn level_color(k: usize, n: usize) -> RGBColor {
    let t = if n > 1 {
        k as f64 / (n - 1) as f64
    } else {
        0.5
    };
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(90.0, 225.0), lerp(130.0, 150.0), lerp(200.0, 90.0))
}

/// The plot window: the surface's view, grown to hold every path (by at most half its size on
/// each side; a path that flies further is cut where it leaves the window).
pub fn window(surface: Surface, paths: &[Track<'_>]) -> View {
    let [[x0, x1], [y0, y1]] = surface.view();
    let (w, h) = (x1 - x0, y1 - y0);
    let limit = [[x0 - w / 2.0, x1 + w / 2.0], [y0 - h / 2.0, y1 + h / 2.0]];
    let mut view = surface.view();
    for p in paths.iter().flat_map(|p| p.points.iter()) {
        for d in 0..2 {
            let v = p[d] as f64;
            if v.is_finite() && v >= limit[d][0] && v <= limit[d][1] {
                view[d][0] = view[d][0].min(v);
                view[d][1] = view[d][1].max(v);
            }
        }
    }
    view
}

/// Fonts and sizes of one kind of picture (a still, or the smaller frames of a GIF).
#[derive(Debug, Clone, Copy)]
struct Look {
    /// The picture without its legend.
    size: (u32, u32),
    /// The widest legend column.
    legend_width: u32,
    title: u32,
    ticks: u32,
    legend: u32,
    levels: u32,
}

const STILL: Look = Look {
    size: SIZE,
    legend_width: LEGEND_WIDTH.0,
    title: 18,
    ticks: 13,
    legend: 12,
    levels: 10,
};

const FRAME: Look = Look {
    size: GIF_SIZE,
    legend_width: LEGEND_WIDTH.1,
    title: 14,
    ticks: 11,
    legend: 10,
    levels: 9,
};

/// Draws the contours of `surface` with their values, its minima, and each path with its
/// start point, and the legend in a column to the right, into a PNG, or an SVG when `path`
/// ends in `.svg`. Paths that coincide (see [`super::coincide`]) are drawn dashed over each
/// other and their legend entries say so.
///
/// # Errors
/// [`PlotError`] when the file cannot be written.
pub fn draw(
    surface: Surface,
    paths: &[Track<'_>],
    title: &str,
    path: &Path,
) -> Result<(), PlotError> {
    register_fonts();
    let err = |e: String| PlotError {
        path: path.to_path_buf(),
        message: e,
    };
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let scene = Scene::new(surface, paths);
    let size = scene.size(STILL);
    // Plotters writes the temporary file itself; it takes the final name only when complete.
    atomic_file::write_with(path, |tmp| {
        if is_svg {
            let root = SVGBackend::new(tmp, size).into_drawing_area();
            scene.draw(&root, title, usize::MAX, STILL).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        } else {
            let root = BitMapBackend::new(tmp, size).into_drawing_area();
            scene.draw(&root, title, usize::MAX, STILL).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
    })
}

/// Draws the same picture as an animated GIF of [`GIF_SIZE`] (and its legend): `frames`
/// frames, the paths growing step by step.
///
/// # Errors
/// [`PlotError`] when the file cannot be written.
pub fn draw_gif(
    surface: Surface,
    paths: &[Track<'_>],
    title: &str,
    path: &Path,
    frames: usize,
) -> Result<(), PlotError> {
    register_fonts();
    let err = |e: String| PlotError {
        path: path.to_path_buf(),
        message: e,
    };
    let scene = Scene::new(surface, paths);
    let steps = paths
        .iter()
        .map(|p| p.points.len())
        .max()
        .unwrap_or(1)
        .saturating_sub(1)
        .max(1);
    let frames = frames.clamp(1, steps);
    atomic_file::write_with(path, |tmp| {
        let root = BitMapBackend::gif(tmp, scene.size(FRAME), 80)
            .map_err(|e| err(e.to_string()))?
            .into_drawing_area();
        for k in 1..=frames {
            let upto = (k * steps).div_ceil(frames);
            scene.draw(&root, title, upto, FRAME).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        Ok(())
    })
}

/// Everything that does not change between frames: window, contour lines, paths and how
/// they coincide.
struct Scene<'a> {
    surface: Surface,
    view: View,
    levels: Vec<f64>,
    lines: Vec<ContourLine>,
    paths: &'a [Track<'a>],
    /// Each path's points up to where it first leaves the window: what is drawn.
    shown: Vec<Vec<(f64, f64)>>,
    /// Each path's style and legend note.
    styles: Vec<(LineStyle, Option<String>)>,
}

impl<'a> Scene<'a> {
    fn new(surface: Surface, paths: &'a [Track<'a>]) -> Scene<'a> {
        let view = window(surface, paths);
        let grid = Grid::sample(|x, y| surface.eval_f64(x, y), view, 240, 180);
        let levels = grid.nice_levels(16);
        let lines = grid.lines(&levels);
        let [[x0, x1], [y0, y1]] = view;
        let inside = |p: &[f32; 2]| {
            let (x, y) = (p[0] as f64, p[1] as f64);
            x.is_finite() && y.is_finite() && x >= x0 && x <= x1 && y >= y0 && y <= y1
        };
        let shown: Vec<Vec<(f64, f64)>> = (paths.iter())
            .map(|p| {
                (p.points.iter().take_while(|q| inside(q)))
                    .map(|q| (q[0] as f64, q[1] as f64))
                    .collect()
            })
            .collect();
        let unit: Vec<Vec<(f64, f64)>> = (shown.iter())
            .map(|s| {
                let unit = |&(x, y): &(f64, f64)| ((x - x0) / (x1 - x0), (y - y0) / (y1 - y0));
                s.iter().map(unit).collect()
            })
            .collect();
        // A path is named by its optimizer, or by its whole label where two share one.
        let name = |i: usize| {
            let p = &paths[i];
            let shared = paths.iter().filter(|q| q.optimizer == p.optimizer).count() > 1;
            if shared {
                p.label
            } else {
                p.optimizer
            }
        };
        let styles = coincide::coincidences(&unit, coincide::TOLERANCE)
            .into_iter()
            .map(|c| {
                let note = c.note.map(|(other, how)| how.note("path", name(other)));
                (LineStyle::over(c.depth), note)
            })
            .collect();
        Scene {
            surface,
            view,
            levels,
            lines,
            paths,
            shown,
            styles,
        }
    }

    fn legend(&self, look: Look) -> Legend {
        Legend {
            entries: (self.paths.iter().zip(&self.styles))
                .map(|(p, (style, note))| Entry {
                    text: p.label.to_string(),
                    note: note.clone(),
                    color: color_of(p.optimizer),
                    style: *style,
                    line: true,
                    marker: false,
                    band: false,
                })
                .collect(),
            font: look.legend,
        }
    }

    /// The whole picture's size: the plot's, and the legend column's width.
    fn size(&self, look: Look) -> (u32, u32) {
        let legend = self.legend(look).width(look.legend_width);
        let gap = if legend > 0 { 12 } else { 0 };
        (look.size.0 + legend + gap, look.size.1)
    }

    /// Draws the picture with each path cut after point `upto`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
        upto: usize,
        look: Look,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let legend = self.legend(look);
        let legend_width = legend.width(look.legend_width);
        let body = root.titled(title, ("sans-serif", look.title)).map_err(e)?;
        let (area, _) = body.split_horizontally(look.size.0);
        let [[x0, x1], [y0, y1]] = self.view;
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x")
            .y_desc("y")
            .label_style(("sans-serif", look.ticks))
            .axis_desc_style(("sans-serif", look.ticks + 1))
            .draw()
            .map_err(e)?;

        let n = self.levels.len();
        chart
            .draw_series(self.lines.iter().flat_map(|line| {
                (line.segments.iter()).map(move |&(a, b)| {
                    PathElement::new(vec![(a[0], a[1]), (b[0], b[1])], level_color(line.level, n))
                })
            }))
            .map_err(e)?;
        // The values, on white boxes that cut their line (as matplotlib's clabel), under the
        // paths: a label never hides a path (see clabel.rs).
        let to_px = |p: (f64, f64)| chart.backend_coord(&p);
        let minima = self
            .surface
            .minima()
            .iter()
            .map(|m| vec![to_px((m[0], m[1]))]);
        let data: Vec<Vec<(i32, i32)>> = (self.shown.iter())
            .map(|s| s.iter().map(|&p| to_px(p)).collect())
            .chain(minima)
            .collect();
        let area = chart.plotting_area().get_pixel_range();
        for label in clabel::place(&self.lines, &self.levels, look.levels, &to_px, area, &data) {
            let (l, t, r, b) = label.rect;
            root.draw(&Rectangle::new([(l, t), (r, b)], WHITE.filled()))
                .map_err(e)?;
            let c = level_color(label.level, n);
            let dark = RGBColor(c.0 / 2, c.1 / 2, c.2 / 2);
            let style = TextStyle::from(("sans-serif", look.levels).into_font())
                .color(&dark)
                .pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(label.text, ((l + r) / 2, (t + b) / 2), style))
                .map_err(e)?;
        }

        for m in self.surface.minima() {
            chart
                .draw_series(std::iter::once(Cross::new(
                    (m[0], m[1]),
                    6,
                    BLACK.stroke_width(2),
                )))
                .map_err(e)?;
        }

        for ((p, shown), (style, _)) in self.paths.iter().zip(&self.shown).zip(&self.styles) {
            let color = color_of(p.optimizer);
            let shown: Vec<(f64, f64)> =
                shown.iter().take(upto.saturating_add(1)).copied().collect();
            let stroke = color.stroke_width(2);
            let to_px = |p: (f64, f64)| chart.backend_coord(&p);
            for piece in without_sharp_turns(&shown, to_px) {
                match style.dashes() {
                    None => chart.draw_series(LineSeries::new(piece, stroke)),
                    Some((on, off)) => {
                        chart.draw_series(DashedLineSeries::new(piece, on, off, stroke))
                    }
                }
                .map_err(e)?;
            }
            if let (Some(&first), Some(&last)) = (shown.first(), shown.last()) {
                chart
                    .draw_series([
                        Circle::new(first, 4, color.filled()),
                        Circle::new(last, 3, color.filled()),
                    ])
                    .map_err(e)?;
            }
        }
        let (px, py) = chart.plotting_area().get_pixel_range();
        legend.draw(root, (px.end + 12, py.start), legend_width)
    }
}
