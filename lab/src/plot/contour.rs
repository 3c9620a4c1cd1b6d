//! Contour lines of a 2-D function by marching squares.
//!
//! The function is sampled on a regular grid; in each grid cell, a level `c` crosses the edges
//! whose two corner values lie on different sides of `c`, at the linearly interpolated point.
//! A cell has 0, 2 or 4 crossings: 2 make one segment; 4 (an ambiguous "saddle cell") make two,
//! paired by the value at the cell's centre.

use crate::surfaces::View;

/// One contour line: a level, and the segments of one connected piece of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContourLine {
    /// The level's index in the levels the line was traced for.
    pub level: usize,
    /// Its segments `(from, to)`, in no particular order along the line.
    pub segments: Vec<([f64; 2], [f64; 2])>,
}

/// Samples of a function on a regular grid.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The `nx` x-coordinates, increasing.
    pub xs: Vec<f64>,
    /// The `ny` y-coordinates, increasing.
    pub ys: Vec<f64>,
    /// `values[j * nx + i] = f(xs[i], ys[j])`.
    pub values: Vec<f64>,
}

impl Grid {
    /// Samples `f` on `nx × ny` points spanning `view` (corners included).
    ///
    /// # Panics
    /// If `nx < 2` or `ny < 2`.
    #[track_caller]
    pub fn sample(f: impl Fn(f64, f64) -> f64, view: View, nx: usize, ny: usize) -> Grid {
        assert!(
            nx >= 2 && ny >= 2,
            "Grid::sample: need at least 2×2 points, got {nx}×{ny}"
        );
        let axis = |[lo, hi]: [f64; 2], n: usize| -> Vec<f64> {
            (0..n)
                .map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64)
                .collect()
        };
        let (xs, ys) = (axis(view[0], nx), axis(view[1], ny));
        let values = ys
            .iter()
            .flat_map(|&y| xs.iter().map(move |&x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect();
        Grid { xs, ys, values }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.values[j * self.xs.len() + i]
    }

    /// The smallest and largest finite sample, when they differ.
    fn range(&self) -> Option<(f64, f64)> {
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        (lo < hi).then_some((lo, hi))
    }

    /// Where geometric levels start: a little above the smallest positive sample, since
    /// log(0) does not exist and lines hugging the minimum say nothing.
    fn log_floor(&self, hi: f64) -> f64 {
        let positive = self
            .values
            .iter()
            .copied()
            .filter(|&v| v.is_finite() && v > 0.0);
        positive.fold(f64::INFINITY, f64::min).max(hi * 1e-6)
    }

    /// `count` levels spread over the sampled range: geometric when the function is positive
    /// somewhere and never negative (so the flat floor of a valley gets as many lines as its
    /// steep walls), even otherwise. The extreme values themselves are not levels.
    pub fn levels(&self, count: usize) -> Vec<f64> {
        let Some((lo, hi)) = self.range().filter(|_| count > 0) else {
            return Vec::new();
        };
        if lo >= 0.0 {
            let (a, b) = (self.log_floor(hi).ln(), hi.ln());
            (1..=count)
                .map(|k| (a + (b - a) * k as f64 / (count + 1) as f64).exp())
                .collect()
        } else {
            (1..=count)
                .map(|k| lo + (hi - lo) * k as f64 / (count + 1) as f64)
                .collect()
        }
    }

    /// About `count` levels at round values (so that their labels read `0.5`, `20`, `1e-3`):
    /// 1 to 9, 1-2-5 or 1-3 times the powers of ten, or the powers of ten alone (whichever
    /// count is nearest `count`) when the
    /// function is positive somewhere and never negative, as [`Grid::levels`]; round linear
    /// steps otherwise. The extreme values themselves are not levels.
    ///
    /// ```
    /// use lab::plot::contour::Grid;
    /// let g = Grid::sample(|x, y| x * x + y * y, [[-3.0, 3.0], [-3.0, 3.0]], 61, 61);
    /// // Values from 0.01 (next to the minimum) to 18: six levels asked, 1 and 3 times the
    /// // powers of ten come nearest.
    /// assert_eq!(g.nice_levels(6), vec![0.03, 0.1, 0.3, 1.0, 3.0, 10.0]);
    /// ```
    pub fn nice_levels(&self, count: usize) -> Vec<f64> {
        let Some((lo, hi)) = self.range().filter(|_| count > 0) else {
            return Vec::new();
        };
        if lo >= 0.0 {
            super::ticks::levels(self.log_floor(hi), hi, count, true)
        } else {
            super::ticks::levels(lo, hi, count, false)
        }
    }

    /// The contour lines: the segments of [`Grid::segments`] joined where they share an end,
    /// one [`ContourLine`] per connected piece.
    pub fn lines(&self, levels: &[f64]) -> Vec<ContourLine> {
        let segments = self.segments(levels);
        // A crossing shared by two cells is computed in each from the same two corners, so
        // the two copies agree to round-off: a key a millionth of a cell wide joins them.
        let cell = |v: &[f64]| (v[v.len() - 1] - v[0]) / (v.len() - 1) as f64 * 1e-6;
        let (qx, qy) = (cell(&self.xs), cell(&self.ys));
        let key =
            |l: usize, p: [f64; 2]| (l, (p[0] / qx).round() as i64, (p[1] / qy).round() as i64);
        let mut parent: Vec<usize> = (0..segments.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut seen = std::collections::HashMap::new();
        for (i, &(l, a, b)) in segments.iter().enumerate() {
            for p in [a, b] {
                if let Some(&j) = seen.get(&key(l, p)) {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    parent[ri] = rj;
                } else {
                    seen.insert(key(l, p), i);
                }
            }
        }
        let mut groups: std::collections::BTreeMap<usize, ContourLine> = Default::default();
        for (i, &(level, a, b)) in segments.iter().enumerate() {
            let r = root(&mut parent, i);
            let line = groups.entry(r).or_insert_with(|| ContourLine {
                level,
                segments: Vec::new(),
            });
            line.segments.push((a, b));
        }
        groups.into_values().collect()
    }

    /// The contour segments of every level, as `(level index, from, to)`.
    pub fn segments(&self, levels: &[f64]) -> Vec<(usize, [f64; 2], [f64; 2])> {
        let mut out = Vec::new();
        for j in 0..self.ys.len() - 1 {
            for i in 0..self.xs.len() - 1 {
                // Corners counter-clockwise from bottom-left; edge k joins corner k and k+1.
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                let v = corners.map(|(a, b)| self.at(a, b));
                if v.iter().any(|v| !v.is_finite()) {
                    continue;
                }
                let p = corners.map(|(a, b)| [self.xs[a], self.ys[b]]);
                for (l, &c) in levels.iter().enumerate() {
                    let crossing = |k: usize| -> Option<[f64; 2]> {
                        let (a, b) = (k, (k + 1) % 4);
                        if (v[a] < c) == (v[b] < c) {
                            return None;
                        }
                        let t = (c - v[a]) / (v[b] - v[a]);
                        Some([
                            p[a][0] + t * (p[b][0] - p[a][0]),
                            p[a][1] + t * (p[b][1] - p[a][1]),
                        ])
                    };
                    let edges: Vec<(usize, [f64; 2])> =
                        (0..4).filter_map(|k| crossing(k).map(|q| (k, q))).collect();
                    match edges.as_slice() {
                        [(_, a), (_, b)] => out.push((l, *a, *b)),
                        [(_, e0), (_, e1), (_, e2), (_, e3)] => {
                            // Corner 0 lies between edges 3 and 0. If the centre is on corner 0's
                            // side, corner 0 joins the centre and corners 1 and 3 are cut off.
                            let centre = v.iter().sum::<f64>() / 4.0;
                            if (centre < c) == (v[0] < c) {
                                out.push((l, *e0, *e1));
                                out.push((l, *e2, *e3));
                            } else {
                                out.push((l, *e3, *e0));
                                out.push((l, *e1, *e2));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}
