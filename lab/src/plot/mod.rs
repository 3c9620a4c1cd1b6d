//! Every picture of the programs, drawn with plotters: optimizer paths over the contour lines of
//! a surface (PNG, SVG or animated GIF) and line charts (loss against step, accuracy against
//! epoch, the claims' measures), all in one palette.
//!
//! Every picture stands on its own: its legend (a column right of the plotting area, never
//! over the data) names each line's optimizer settings; lines that coincide are drawn dashed
//! and their legend says so; log axes carry at least three labelled ticks; contour lines carry
//! their values.
//!
//! Text is drawn with the DejaVu Sans font compiled into the program ([`register_fonts`]), so
//! pictures look the same on every machine and no system font is needed.
//!
//! Files: `palette.rs` (a colour per optimizer, the same in every picture), `paths.rs` (paths
//! over contours, and their GIF), `contour.rs` (the contour lines, by marching squares),
//! `clabel.rs` (where each contour line's value is written), `lines.rs` (line charts and the
//! smoothing of noisy curves), `legend.rs` (the legend column), `coincide.rs` (which lines
//! hide which), `ticks.rs` (round tick values and contour levels), `raster.rs` (an SVG
//! picture, such as autograd's graph, as PNG).

use std::sync::Once;

use plotters::style::FontStyle;

mod clabel;
pub mod coincide;
pub mod contour;
mod legend;
mod lines;
mod palette;
mod paths;
mod raster;
mod ticks;

pub use lines::{smooth, tidy, LinePlot, LineStyle, Series};
pub use palette::{color_of, nth_color, PALETTE};
pub use paths::{draw, draw_gif, window, PlotError, Track, GIF_SIZE, LEGEND_WIDTH, SIZE};
pub use raster::svg_to_png;
pub use ticks::{linear_ticks, log_grid, log_ticks, MAX_LOG_TICKS, MIN_TICKS};

/// `points` cut into pieces at every turn of more than 120° (in pixels, `to_px`), each piece
/// to be drawn as its own line.
///
/// A thick line drawn by plotters' bitmap backend joins its segments with mitres, and at a
/// turn that nearly doubles back (a zig-zag, a noisy curve) the mitre is a spike many times
/// the line's width: the line would seem to go where the data never went. Pieces have no
/// sharp joins.
pub(crate) fn without_sharp_turns<T: Copy>(
    points: &[T],
    to_px: impl Fn(T) -> (i32, i32),
) -> Vec<Vec<T>> {
    let mut pieces: Vec<Vec<T>> = Vec::new();
    let mut piece: Vec<T> = Vec::new();
    let mut last: Option<((i32, i32), (i64, i64))> = None; // last pixel, and direction into it
    for &p in points {
        let at = to_px(p);
        if let Some((from, into)) = last {
            let out = ((at.0 - from.0) as i64, (at.1 - from.1) as i64);
            if out == (0, 0) {
                continue; // on the same pixel: nothing to draw
            }
            // A turn of more than 120°: cos < −1/2.
            let dot = (into.0 * out.0 + into.1 * out.1) as f64;
            let norms = ((into.0.pow(2) + into.1.pow(2)) as f64
                * (out.0.pow(2) + out.1.pow(2)) as f64)
                .sqrt();
            if dot < -0.5 * norms {
                let corner = *piece.last().expect("a piece holds the last point");
                pieces.push(std::mem::replace(&mut piece, vec![corner]));
            }
            last = Some((at, out));
        } else {
            last = Some((at, (0, 0)));
        }
        piece.push(p);
    }
    pieces.push(piece);
    pieces
}

/// Registers DejaVu Sans as plotters' `sans-serif` family (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
            (FontStyle::Italic, dejavu::sans::oblique()),
        ] {
            // The bytes are a valid TrueType font shipped inside the `dejavu` crate.
            plotters::style::register_font("sans-serif", style, bytes)
                .unwrap_or_else(|_| panic!("the DejaVu font bundled in the dejavu crate is valid"));
        }
    });
}
