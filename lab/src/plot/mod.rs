//! Every picture of the programs, drawn with plotters: optimizer paths over the contour lines of
//! a surface (PNG, SVG or animated GIF) and line charts (loss against step, accuracy against
//! epoch, the claims' measures), all in one palette.
//!
//! Text is drawn with the DejaVu Sans font compiled into the program ([`register_fonts`]), so
//! pictures look the same on every machine and no system font is needed.
//!
//! Files: `palette.rs` (a colour per optimizer, the same in every picture), `paths.rs` (paths
//! over contours, and their GIF), `contour.rs` (the contour lines, by marching squares),
//! `lines.rs` (line charts and the smoothing of noisy curves), `raster.rs` (an SVG picture, such
//! as autograd's graph, as PNG).

use std::sync::Once;

use plotters::style::FontStyle;

pub mod contour;
mod lines;
mod palette;
mod paths;
mod raster;

pub use lines::{log_ticks, smooth, tidy, LinePlot, Series};
pub use palette::{color_of, nth_color, PALETTE};
pub use paths::{draw, draw_gif, window, PlotError, Track, GIF_SIZE, SIZE};
pub use raster::svg_to_png;

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
