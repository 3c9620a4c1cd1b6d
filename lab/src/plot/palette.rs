//! The one palette of every picture: each optimizer keeps its colour from picture to picture
//! (paths over contours, loss and accuracy curves, the claims' charts), and lines that stand for
//! no optimizer take the same colours in order.

use plotters::style::RGBColor;

/// The colours, in the order of `optim::Algorithm::NAMES` (the course's seven, then AdamW):
/// red, blue, green, orange, purple, cyan, black, brown.
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

/// The colour of a name that is no optimizer's: grey.
const OTHER: RGBColor = RGBColor(127, 127, 127);

/// A fixed, distinct colour per optimizer (by name or alias), so that every picture uses the
/// same key: its position in `optim::Algorithm::NAMES` picks the colour.
pub fn color_of(optimizer: &str) -> RGBColor {
    let name = optimizer.trim().to_ascii_lowercase();
    let name = (optim::Algorithm::ALIASES.iter())
        .find(|(alias, _)| *alias == name)
        .map_or(name.as_str(), |(_, of)| of);
    (optim::Algorithm::NAMES.iter())
        .position(|n| *n == name)
        .map_or(OTHER, nth_color)
}

/// The colour of line `i` (from 0) of a chart whose lines are not optimizers: the palette in
/// order, starting over after the eighth.
pub fn nth_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}
