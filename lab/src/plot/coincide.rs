//! Lines a reader cannot tell apart: two paths (or two curves of a chart) that run within a
//! line's width of each other, so that the one drawn last would hide the other.
//!
//! "Coincide" is decided on the picture, not on the numbers: each line is put in the plotting
//! area's own units (0 to 1 across, 0 to 1 up, after any log scale), resampled every quarter
//! [`TOLERANCE`] along its length (so that a long straight step counts for its whole length),
//! and its ink is the set of cells, half a [`TOLERANCE`] wide, that it passes through. The
//! share of `a`'s cells next to one of `b`'s (within about [`TOLERANCE`]) is the share of `a`
//! that `b` would hide. Two paths along the same track at different speeds coincide; a path
//! that goes back and forth over the same stretch counts it once.
//!
//! - at least [`ALONG`] of `a` on `b`, and of `b` on `a`: the same line;
//! - at least [`ALONG`] of `a` on `b` only: `a` runs along `b` (which goes further);
//! - at least [`MOSTLY`] of one on the other: mostly along it (the saddle's SGD, which turns
//!   its corner more tightly than Momentum but is otherwise under it).

use std::collections::HashSet;

/// How close counts as "on top of each other", as a fraction of the plotting area's width
/// and height: 0.005 is 3 pixels of a 600-pixel chart, about the width of a drawn line.
pub const TOLERANCE: f64 = 0.005;

/// The share of a line's length that must lie on the other for it to run along it.
pub const ALONG: f64 = 0.98;

/// The share of a line's length that must lie on the other for it to run mostly along it.
pub const MOSTLY: f64 = 0.6;

/// How a line coincides with another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// Each lies along the other: the same path.
    Same,
    /// This one lies along the other, which goes further.
    Along,
    /// Most of this one (at least [`MOSTLY`] of its length) lies along the other.
    Mostly,
}

impl Overlap {
    /// The legend's note for a `noun` ("line", "path") coinciding with `other`'s.
    pub fn note(self, noun: &str, other: &str) -> String {
        match self {
            Overlap::Same => format!("same {noun} as {other}"),
            Overlap::Along => format!("along the {noun} of {other}"),
            Overlap::Mostly => format!("mostly along the {noun} of {other}"),
        }
    }
}

/// What the picture should do about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coincidence {
    /// How many lines drawn before this one it coincides with: 0 draws it solid, 1 dashed,
    /// 2 or more dotted, so that the lines under it show through the gaps.
    pub depth: usize,
    /// What its legend should say: the other line and how they coincide.
    pub note: Option<(usize, Overlap)>,
}

/// The ink of a line: the cells, half the tolerance wide, that its drawn line passes through.
/// A stretch traced twice (a path that comes back over itself, a zig-zag narrower than the
/// tolerance) counts once, as it does on the picture.
struct Ink {
    cells: HashSet<(i64, i64)>,
}

impl Ink {
    fn new(line: &[(f64, f64)], tol: f64) -> Ink {
        let size = tol / 2.0;
        let cell = |p: (f64, f64)| ((p.0 / size).floor() as i64, (p.1 / size).floor() as i64);
        Ink {
            cells: resampled(line, tol / 4.0).into_iter().map(cell).collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The share of this line's ink that lies on (within a cell of) `other`'s.
    fn share_on(&self, other: &Ink) -> f64 {
        let near = |&(i, j): &&(i64, i64)| {
            (i - 1..=i + 1).any(|a| (j - 1..=j + 1).any(|b| other.cells.contains(&(a, b))))
        };
        let on = self.cells.iter().filter(near).count();
        on as f64 / self.cells.len().max(1) as f64
    }
}

/// The points of `line` (the finite ones) with points added along every segment longer than
/// `gap`, so that consecutive points are at most `gap` apart.
fn resampled(line: &[(f64, f64)], gap: f64) -> Vec<(f64, f64)> {
    let finite: Vec<(f64, f64)> = (line.iter().copied())
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let mut out = Vec::with_capacity(finite.len());
    for w in finite.windows(2) {
        let (a, b) = (w[0], w[1]);
        let n = ((b.0 - a.0).hypot(b.1 - a.1) / gap).ceil().clamp(1.0, 1e6) as usize;
        out.extend((0..n).map(|k| {
            let t = k as f64 / n as f64;
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
        }));
    }
    out.extend(finite.last());
    out
}

/// The share of `a`'s ink that lies within about `tol` of the line `b` (0 for an empty `a`).
pub fn share_along(a: &[(f64, f64)], b: &[(f64, f64)], tol: f64) -> f64 {
    Ink::new(a, tol).share_on(&Ink::new(b, tol))
}

/// The coincidences of `lines` (drawn in this order), each a list of points in plotting-area
/// units.
pub fn coincidences(lines: &[Vec<(f64, f64)>], tol: f64) -> Vec<Coincidence> {
    let indexed: Vec<Ink> = lines.iter().map(|l| Ink::new(l, tol)).collect();
    let mut out = vec![Coincidence::default(); lines.len()];
    for j in 0..indexed.len() {
        for i in 0..j {
            if indexed[i].is_empty() || indexed[j].is_empty() {
                continue;
            }
            let i_on_j = indexed[i].share_on(&indexed[j]);
            let j_on_i = indexed[j].share_on(&indexed[i]);
            // The later line (j) is drawn over the earlier one: it is the one to dash. The
            // note goes on the line that lies on the other (the later one for the same path).
            let note = if i_on_j >= ALONG && j_on_i >= ALONG {
                (j, (i, Overlap::Same))
            } else if j_on_i >= ALONG {
                (j, (i, Overlap::Along))
            } else if i_on_j >= ALONG {
                (i, (j, Overlap::Along))
            } else if j_on_i.max(i_on_j) >= MOSTLY {
                if j_on_i >= i_on_j {
                    (j, (i, Overlap::Mostly))
                } else {
                    (i, (j, Overlap::Mostly))
                }
            } else {
                continue;
            };
            out[j].depth += 1;
            let slot = &mut out[note.0].note;
            if slot.is_none() {
                *slot = Some(note.1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        (0..=n)
            .map(|i| i as f64 / n as f64)
            .map(|x| (x, f(x)))
            .collect()
    }

    #[test]
    fn the_same_track_at_other_speeds_coincides() {
        let a = line(10, |x| x * x);
        let b = line(1000, |x| x * x); // the same curve, many more points
        let c = line(100, |x| x * x + 0.05);
        assert_eq!(share_along(&a, &b, TOLERANCE), 1.0);
        assert_eq!(share_along(&b, &a, TOLERANCE), 1.0);
        assert_eq!(share_along(&c, &a, TOLERANCE), 0.0);
        // Half of a straight line lies on it; half of the line lies on the half.
        let straight = line(1000, |x| x);
        let half: Vec<_> = straight[..=500].to_vec();
        assert_eq!(share_along(&half, &straight, TOLERANCE), 1.0);
        let share = share_along(&straight, &half, TOLERANCE);
        assert!((share - 0.5).abs() < 0.02, "{share}");
    }

    #[test]
    fn later_lines_are_dashed_and_named() {
        let a = line(50, |x| x);
        let b = line(50, |x| 1.0 - x);
        let c = line(20, |x| x);
        // Along y = x up to x = 1/2 only: along a, c and a again, not the same.
        let shorter: Vec<_> = line(20, |x| x)
            .iter()
            .map(|&(x, y)| (x / 2.0, y / 2.0))
            .collect();
        let got = coincidences(&[a.clone(), b, c, a, shorter], TOLERANCE);
        assert_eq!(got[0], Coincidence::default());
        assert_eq!(got[1], Coincidence::default());
        assert_eq!(got[2].depth, 1);
        assert_eq!(got[2].note, Some((0, Overlap::Same)));
        assert_eq!(got[3].depth, 2);
        assert_eq!(got[3].note, Some((0, Overlap::Same)));
        assert_eq!(got[4].depth, 3);
        assert_eq!(got[4].note, Some((0, Overlap::Along)));
    }

    #[test]
    fn a_long_step_counts_for_its_whole_length() {
        // Both paths visit (1, 0) and (0, 1); one goes there in one step along the diagonal,
        // the other through the corner (0, 0): only their ends coincide.
        let straight = vec![(1.0, 0.0), (0.0, 1.0)];
        let corner: Vec<_> = (0..=100)
            .map(|i| (1.0 - i as f64 / 100.0, 0.0))
            .chain((1..=100).map(|i| (0.0, i as f64 / 100.0)))
            .collect();
        assert!(share_along(&straight, &corner, TOLERANCE) < 0.05);
        let got = coincidences(&[corner, straight], TOLERANCE);
        assert_eq!(got[1], Coincidence::default());
    }

    #[test]
    fn mostly_along_counts_the_length_on_the_other() {
        let long = line(100, |x| x);
        // On y = x up to x = 0.7, then off it down to (0.85, 0.55): about 80% of its length
        // on the long line, which has 70% of its own on it.
        let bent: Vec<_> = (0..=85)
            .map(|i| i as f64 / 100.0)
            .map(|x| (x, if x <= 0.7 { x } else { 1.4 - x }))
            .collect();
        let got = coincidences(&[long, bent], TOLERANCE);
        assert_eq!(got[1].depth, 1);
        assert_eq!(got[1].note, Some((0, Overlap::Mostly)));
    }

    #[test]
    fn a_line_hidden_inside_a_later_one_carries_the_note() {
        // y = x up to 1/3, then the whole of y = x drawn over it.
        let short: Vec<_> = line(10, |x| x)
            .iter()
            .map(|&(x, y)| (x / 3.0, y / 3.0))
            .collect();
        let long = line(30, |x| x);
        let got = coincidences(&[short, long], TOLERANCE);
        assert_eq!(got[0].note, Some((1, Overlap::Along)));
        assert_eq!(got[1].depth, 1);
        assert_eq!(got[1].note, None);
    }
}
