//! Contour lines of a 2-D function by marching squares.
//!
//! The function is sampled on a regular grid; in each grid cell, a level `c` crosses the edges
//! whose two corner values lie on different sides of `c`, at the linearly interpolated point.
//! A cell has 0, 2 or 4 crossings: 2 make one segment; 4 (an ambiguous "saddle cell") make two,
//! paired by the value at the cell's centre.

use crate::surfaces::View;

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

    /// `count` levels spread over the sampled range: geometric when the function is positive
    /// somewhere and never negative (so the flat floor of a valley gets as many lines as its
    /// steep walls), even otherwise. The extreme values themselves are not levels.
    pub fn levels(&self, count: usize) -> Vec<f64> {
        let finite = || self.values.iter().copied().filter(|v| v.is_finite());
        let lo = finite().fold(f64::INFINITY, f64::min);
        let hi = finite().fold(f64::NEG_INFINITY, f64::max);
        if lo >= hi || count == 0 {
            return Vec::new();
        }
        if lo >= 0.0 {
            // Start a little above the floor: log(0) does not exist and lines hugging the
            // minimum say nothing.
            let floor = finite().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
            let (a, b) = (floor.max(hi * 1e-6).ln(), hi.ln());
            (1..=count)
                .map(|k| (a + (b - a) * k as f64 / (count + 1) as f64).exp())
                .collect()
        } else {
            (1..=count)
                .map(|k| lo + (hi - lo) * k as f64 / (count + 1) as f64)
                .collect()
        }
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
