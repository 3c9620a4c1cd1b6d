//! The legend of every picture: a column to the right of the plotting area, so that it never
//! covers data. Each entry shows its line as drawn (solid, dashed or dotted, with dots or a
//! band) and its text, wrapped to the column's width, with an optional note below in grey
//! ("same path as momentum").

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::LineStyle;

/// Width of the line sample at the left of each entry, in pixels.
const SWATCH: i32 = 26;
/// Space between the sample and the text, and around the column's content.
const GAP: i32 = 7;
/// Colour of the notes.
const NOTE: RGBColor = RGBColor(95, 95, 95);

/// One entry: how its line is drawn, and what it says.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The entry's text (a series' name, a path's label).
    pub text: String,
    /// A remark printed under it in grey, e.g. `same path as momentum`.
    pub note: Option<String>,
    /// The line's colour.
    pub color: RGBColor,
    /// The line's dashes.
    pub style: LineStyle,
    /// A line is drawn (false for a scatter).
    pub line: bool,
    /// Dots on the points.
    pub marker: bool,
    /// A shaded band under the line.
    pub band: bool,
}

/// A legend column: its entries and its font size.
#[derive(Debug, Clone)]
pub(crate) struct Legend {
    pub entries: Vec<Entry>,
    pub font: u32,
}

/// Width in pixels of `text` in the legend's font (an estimate from the font's advance widths
/// when the layout fails, which it does not for the bundled font).
pub(crate) fn text_width(text: &str, font: u32) -> u32 {
    super::register_fonts();
    ("sans-serif", font)
        .into_font()
        .box_size(text)
        .map_or(text.chars().count() as u32 * font * 6 / 10, |(w, _)| w)
}

/// `text` cut at spaces into lines of at most `max` pixels (a single word wider than that
/// stays whole).
fn wrap(text: &str, max: u32, font: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), font) <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

impl Legend {
    /// No entries: nothing to draw, no column.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each entry's lines of text, and whether each line belongs to the note, wrapped so that
    /// the column is at most `max_width` pixels wide.
    fn layout(&self, max_width: u32) -> Vec<Vec<(String, bool)>> {
        let room = max_width.saturating_sub((SWATCH + 3 * GAP) as u32).max(40);
        (self.entries.iter())
            .map(|e| {
                let text = wrap(&e.text, room, self.font)
                    .into_iter()
                    .map(|l| (l, false));
                let note = (e.note.iter()).flat_map(|n| wrap(n, room, self.font - 1));
                text.chain(note.map(|l| (l, true))).collect()
            })
            .collect()
    }

    fn line_height(&self) -> i32 {
        self.font as i32 + 5
    }

    /// The column's width: its widest line plus the sample and margins, at most `max_width`;
    /// 0 when there are no entries.
    pub fn width(&self, max_width: u32) -> u32 {
        if self.is_empty() {
            return 0;
        }
        let widest = (self.layout(max_width).iter().flatten())
            .map(|(l, note)| text_width(l, if *note { self.font - 1 } else { self.font }))
            .max()
            .unwrap_or(0);
        (widest + (SWATCH + 3 * GAP) as u32).min(max_width)
    }

    /// The column's height in pixels.
    pub fn height(&self, max_width: u32) -> i32 {
        let lines: usize = self.layout(max_width).iter().map(Vec::len).sum();
        lines as i32 * self.line_height() + (self.entries.len() as i32 - 1) * 4 + 2 * GAP
    }

    /// Draws the column with its top left corner at `(x, y)` of `root` (pixels), `width` wide
    /// (as [`Legend::width`] returned).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
        width: u32,
    ) -> Result<(), String> {
        if self.is_empty() {
            return Ok(());
        }
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let height = self.height(width);
        root.draw(&Rectangle::new(
            [(x, y), (x + width as i32, y + height)],
            RGBColor(170, 170, 170).stroke_width(1),
        ))
        .map_err(e)?;
        let lh = self.line_height();
        let mut top = y + GAP;
        for (entry, lines) in self.entries.iter().zip(self.layout(width)) {
            let mid = top + lh / 2;
            let (x0, x1) = (x + GAP, x + GAP + SWATCH);
            swatch(root, entry, (x0, x1), mid).map_err(e)?;
            for (k, (text, note)) in lines.iter().enumerate() {
                let (font, color) = if *note {
                    (self.font - 1, NOTE)
                } else {
                    (self.font, BLACK)
                };
                let style = TextStyle::from(("sans-serif", font).into_font())
                    .color(&color)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                let at = (x1 + GAP, top + k as i32 * lh + lh / 2);
                root.draw(&Text::new(text.as_str(), at, style)).map_err(e)?;
            }
            top += lines.len() as i32 * lh + 4;
        }
        Ok(())
    }
}

/// The sample of an entry's line between `x0` and `x1` at height `y`.
fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entry: &Entry,
    (x0, x1): (i32, i32),
    y: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let color = entry.color;
    if entry.band {
        root.draw(&Rectangle::new(
            [(x0, y - 6), (x1, y + 6)],
            color.mix(0.2).filled(),
        ))?;
    }
    if entry.line {
        let style = color.stroke_width(3);
        match entry.style.dashes() {
            None => root.draw(&PathElement::new(vec![(x0, y), (x1, y)], style))?,
            Some((on, off)) => {
                let mut a = x0;
                while a < x1 {
                    let b = (a + on as i32).min(x1);
                    root.draw(&PathElement::new(vec![(a, y), (b, y)], style))?;
                    a = b + off as i32;
                }
            }
        }
    }
    if entry.marker || !entry.line {
        root.draw(&Circle::new(((x0 + x1) / 2, y), 3, color.filled()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_wrap_at_spaces_within_the_width() {
        let lines = wrap("nesterov λ=0.003 μ=0.9 (same path as momentum)", 120, 12);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, 12) <= 120), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "nesterov λ=0.003 μ=0.9 (same path as momentum)"
        );
    }
}
