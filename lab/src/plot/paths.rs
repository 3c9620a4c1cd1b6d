//! Optimizer paths over the contour lines of a surface, as a PNG, an SVG or an animated GIF.

use std::fmt;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::contour::Grid;
use super::{color_of, register_fonts};
use crate::surfaces::{Surface, View};

/// Picture size in pixels: small enough to commit, large enough to read.
pub const SIZE: (u32, u32) = (640, 480);

/// Animated GIF size in pixels: every frame is stored whole, so a smaller frame keeps the file
/// small enough to commit.
pub const GIF_SIZE: (u32, u32) = (400, 300);

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

/// Draws the contours of `surface`, its minima, and each path with its start point and legend,
/// into a PNG, or an SVG when `path` ends in `.svg`.
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
    // Plotters writes the temporary file itself; it takes the final name only when complete.
    atomic_file::write_with(path, |tmp| {
        if is_svg {
            let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
            scene.draw(&root, title, usize::MAX).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        } else {
            let root = BitMapBackend::new(tmp, SIZE).into_drawing_area();
            scene.draw(&root, title, usize::MAX).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
    })
}

/// Draws the same picture as an animated GIF of [`GIF_SIZE`]: `frames` frames, the paths growing
/// step by step.
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
        let root = BitMapBackend::gif(tmp, GIF_SIZE, 80)
            .map_err(|e| err(e.to_string()))?
            .into_drawing_area();
        for k in 1..=frames {
            let upto = (k * steps).div_ceil(frames);
            scene.draw(&root, title, upto).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        Ok(())
    })
}

/// Everything that does not change between frames: window, contour segments, paths.
struct Scene<'a> {
    surface: Surface,
    view: View,
    levels: usize,
    segments: Vec<(usize, [f64; 2], [f64; 2])>,
    paths: &'a [Track<'a>],
}

impl<'a> Scene<'a> {
    fn new(surface: Surface, paths: &'a [Track<'a>]) -> Scene<'a> {
        let view = window(surface, paths);
        let grid = Grid::sample(|x, y| surface.eval_f64(x, y), view, 240, 180);
        let levels = grid.levels(24);
        let segments = grid.segments(&levels);
        Scene {
            surface,
            view,
            levels: levels.len(),
            segments,
            paths,
        }
    }

    /// Draws the picture with each path cut after point `upto`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
        upto: usize,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let [[x0, x1], [y0, y1]] = self.view;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 18))
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
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(e)?;

        chart
            .draw_series(self.segments.iter().map(|&(l, a, b)| {
                PathElement::new(
                    vec![(a[0], a[1]), (b[0], b[1])],
                    level_color(l, self.levels),
                )
            }))
            .map_err(e)?;

        for m in self.surface.minima() {
            chart
                .draw_series(std::iter::once(Cross::new(
                    (m[0], m[1]),
                    6,
                    BLACK.stroke_width(2),
                )))
                .map_err(e)?;
        }

        let inside = |p: &[f32; 2]| {
            let (x, y) = (p[0] as f64, p[1] as f64);
            x.is_finite() && y.is_finite() && x >= x0 && x <= x1 && y >= y0 && y <= y1
        };
        for p in self.paths {
            let color = color_of(p.optimizer);
            let shown: Vec<(f64, f64)> = p
                .points
                .iter()
                .take(upto.saturating_add(1))
                .take_while(|q| inside(q))
                .map(|q| (q[0] as f64, q[1] as f64))
                .collect();
            chart
                .draw_series(LineSeries::new(shown.clone(), color.stroke_width(2)))
                .map_err(e)?
                .label(p.label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                });
            if let (Some(&first), Some(&last)) = (shown.first(), shown.last()) {
                chart
                    .draw_series([
                        Circle::new(first, 4, color.filled()),
                        Circle::new(last, 3, color.filled()),
                    ])
                    .map_err(e)?;
            }
        }
        if !self.paths.is_empty() {
            chart
                .configure_series_labels()
                .position(match self.surface {
                    // Where these surfaces' standard paths leave the picture empty.
                    Surface::Saddle => SeriesLabelPosition::LowerLeft,
                    Surface::Booth => SeriesLabelPosition::LowerRight,
                    _ => SeriesLabelPosition::UpperRight,
                })
                .label_font(("sans-serif", 12))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.5))
                .draw()
                .map_err(e)?;
        }
        Ok(())
    }
}
