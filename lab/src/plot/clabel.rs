//! Where each contour line's value is written, as matplotlib's `clabel` does: on the line
//! itself (the label's white box cuts it), inside the plotting area, clear of the other
//! labels, and as far from the data (the paths, the minima) as the line allows. The paths are
//! drawn after the labels, so a label that cannot keep clear of them still hides none.
//!
//! A line too short to carry its label (under three label widths, in pixels) gets none.

use std::collections::VecDeque;
use std::ops::Range;

use super::contour::ContourLine;
use super::legend::text_width;
use super::tidy;

/// A contour line's value, placed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    /// The value, as the axes print numbers.
    pub text: String,
    /// The index of its level.
    pub level: usize,
    /// Left, top, right, bottom, in pixels.
    pub rect: (i32, i32, i32, i32),
}

/// Side of the cells the distance from the data is measured in, in pixels.
const CELL: i32 = 4;
/// Distances are counted up to this many cells; farther is as good.
const FAR: u32 = 12;

/// How far each cell of the plotting area lies from the data, in cells (up to [`FAR`]).
struct Clearance {
    x0: i32,
    y0: i32,
    w: i32,
    h: i32,
    dist: Vec<u32>,
}

impl Clearance {
    /// The distances from `data` (pixel polylines; a single point is a polyline too) over
    /// the plotting area `px` × `py`, by breadth-first search from the cells the data covers.
    fn new(data: &[Vec<(i32, i32)>], px: &Range<i32>, py: &Range<i32>) -> Clearance {
        let (w, h) = (
            (px.end - px.start) / CELL + 1,
            (py.end - py.start) / CELL + 1,
        );
        let mut c = Clearance {
            x0: px.start,
            y0: py.start,
            w,
            h,
            dist: vec![FAR; (w * h) as usize],
        };
        let mut queue = VecDeque::new();
        let mut mark = |c: &mut Clearance, p: (i32, i32)| {
            if let Some(k) = c.cell(p) {
                if c.dist[k] != 0 {
                    c.dist[k] = 0;
                    queue.push_back(k);
                }
            }
        };
        for line in data {
            if let Some(&first) = line.first() {
                mark(&mut c, first);
            }
            for pair in line.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let n = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) / 2).max(1);
                for k in 1..=n {
                    let t = k as f64 / n as f64;
                    let at = |u: i32, v: i32| u + ((v - u) as f64 * t) as i32;
                    mark(&mut c, (at(a.0, b.0), at(a.1, b.1)));
                }
            }
        }
        while let Some(k) = queue.pop_front() {
            let (i, j) = (k as i32 % w, k as i32 / w);
            for (a, b) in [(i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)] {
                if a >= 0 && b >= 0 && a < w && b < h {
                    let n = (b * w + a) as usize;
                    if c.dist[n] > c.dist[k] + 1 {
                        c.dist[n] = c.dist[k] + 1;
                        queue.push_back(n);
                    }
                }
            }
        }
        c
    }

    fn cell(&self, (x, y): (i32, i32)) -> Option<usize> {
        let (i, j) = ((x - self.x0) / CELL, (y - self.y0) / CELL);
        (i >= 0 && j >= 0 && i < self.w && j < self.h).then(|| (j * self.w + i) as usize)
    }

    /// The least distance from the data over the box `(l, t, r, b)`.
    fn of_box(&self, (l, t, r, b): (i32, i32, i32, i32)) -> u32 {
        let mut least = FAR;
        for y in (t..=b).step_by(CELL as usize) {
            for x in (l..=r).step_by(CELL as usize) {
                if let Some(k) = self.cell((x, y)) {
                    least = least.min(self.dist[k]);
                }
            }
        }
        least
    }
}

/// The labels of `lines` (whose levels are `levels`), in a font of `font` pixels: at most one
/// per line, at the midpoint of one of its segments (pixels by `to_px`) where the label's box
/// fits inside the plotting area `px` × `py` without touching another label, chosen to be
/// farthest from `data` (pixel polylines), then from the labels already placed.
pub(crate) fn place(
    lines: &[ContourLine],
    levels: &[f64],
    font: u32,
    to_px: &dyn Fn((f64, f64)) -> (i32, i32),
    (px, py): (Range<i32>, Range<i32>),
    data: &[Vec<(i32, i32)>],
) -> Vec<Label> {
    let clearance = Clearance::new(data, &px, &py);
    let mut placed: Vec<Label> = Vec::new();
    for line in lines {
        let text = tidy(levels[line.level]);
        let (tw, th) = (text_width(&text, font) as i32 + 4, font as i32 + 2);
        let pixels: Vec<((i32, i32), (i32, i32))> = (line.segments.iter())
            .map(|&(a, b)| (to_px((a[0], a[1])), to_px((b[0], b[1]))))
            .collect();
        let length: f64 = (pixels.iter())
            .map(|(a, b)| ((b.0 - a.0) as f64).hypot((b.1 - a.1) as f64))
            .sum();
        if length < 3.0 * tw as f64 {
            continue;
        }
        let inside = |&(l, t, r, b): &(i32, i32, i32, i32)| {
            l > px.start + 2 && r < px.end - 2 && t > py.start + 2 && b < py.end - 2
        };
        let clear = |&(l, t, r, b): &(i32, i32, i32, i32)| {
            (placed.iter()).all(|o| {
                let (ol, ot, or, ob) = o.rect;
                r + 6 < ol || or + 6 < l || b + 4 < ot || ob + 4 < t
            })
        };
        // How far from the other labels, in pixels (up to 120: beyond, all are as good).
        let spread = |&(l, t, _, _): &(i32, i32, i32, i32)| {
            (placed.iter())
                .map(|o| (o.rect.0 - l).abs().max((o.rect.1 - t).abs()))
                .min()
                .unwrap_or(i32::MAX)
                .min(120)
        };
        let stride = (pixels.len() / 80).max(1);
        let best = (pixels.iter().step_by(stride))
            .map(|(a, b)| ((a.0 + b.0) / 2, (a.1 + b.1) / 2))
            .map(|(x, y)| (x - tw / 2, y - th / 2, x + tw - tw / 2, y + th - th / 2))
            .filter(|rect| inside(rect) && clear(rect))
            .max_by_key(|rect| (clearance.of_box(*rect), spread(rect)));
        if let Some(rect) = best {
            placed.push(Label {
                text,
                level: line.level,
                rect,
            });
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_keeps_away_from_the_data_and_from_other_labels() {
        // Two horizontal contour lines across a 400 × 200 area, a path crossing the left half.
        let line = |level, y: f64| ContourLine {
            level,
            segments: (0..40)
                .map(|i| ([i as f64 * 10.0, y], [(i + 1) as f64 * 10.0, y]))
                .collect(),
        };
        let lines = [line(0, 100.0), line(1, 104.0)];
        let to_px = |(x, y): (f64, f64)| (x as i32, y as i32);
        // The path runs 10 pixels above the lines on the left, then down across them at x = 200.
        let path: Vec<(i32, i32)> = (0..=200)
            .map(|i| (i, 90))
            .chain((90..=200).map(|j| (200, j)))
            .collect();
        let labels = place(&lines, &[0.5, 2.0], 10, &to_px, (0..400, 0..200), &[path]);
        assert_eq!(labels.len(), 2);
        assert_eq!(labels[0].text, "0.5");
        let (l, _, _, _) = labels[0].rect;
        assert!(
            l > 230,
            "the first label sits right of the path: {:?}",
            labels[0].rect
        );
        // The second line is 4 pixels away: its label goes elsewhere along it, not on top.
        let (a, b) = (labels[0].rect, labels[1].rect);
        assert!(b.2 + 6 < a.0 || a.2 + 6 < b.0, "{a:?} {b:?}");
    }

    #[test]
    fn a_line_too_short_for_its_label_gets_none() {
        let short = ContourLine {
            level: 0,
            segments: vec![([10.0, 10.0], [20.0, 10.0])],
        };
        let to_px = |(x, y): (f64, f64)| (x as i32, y as i32);
        assert!(place(&[short], &[100.0], 10, &to_px, (0..400, 0..200), &[]).is_empty());
    }
}
