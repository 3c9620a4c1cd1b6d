//! The one palette of every picture: each optimizer keeps its colour from picture to picture
//! (paths over contours, loss and accuracy curves, the claims' charts), and lines that stand for
//! no optimizer take the same colours in order.

use plotters::style::RGBColor;

/// The colours, in the order of `optim::catalog::ALL` (the course's seven, then AdamW): red,
/// blue, green, orange, purple, cyan, black, brown.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(140, 86, 75),
];

/// The colour of a name that is in no catalog entry: grey.
const OTHER: RGBColor = RGBColor(127, 127, 127);

/// A fixed, distinct colour per optimizer (by name or alias), so that every picture uses the
/// same key: its position in the catalog picks the colour.
pub fn color_of(optimizer: &str) -> RGBColor {
    optim::catalog::ALL
        .iter()
        .position(|e| e.names().any(|n| n.eq_ignore_ascii_case(optimizer)))
        .map_or(OTHER, nth_color)
}

/// The colour of line `i` (from 0) of a chart whose lines are not optimizers: the palette in
/// order, starting over after the eighth.
pub fn nth_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}
