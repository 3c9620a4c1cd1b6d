//! The 2-D test functions of the trajectory pictures.
//!
//! Each function is written twice: once in autograd ops ([`Surface::eval`]), which is what the
//! optimizers see and differentiate, and once in plain `f64` ([`Surface::eval_f64`]), which draws
//! the contours and checks the first independently.
//!
//! | name         | f(x, y)                                                        | minimum                 |
//! |--------------|----------------------------------------------------------------|-------------------------|
//! | `beale`      | (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²       | f(3, 0.5) = 0           |
//! | `rosenbrock` | (1 − x)² + 100 (y − x²)²                                       | f(1, 1) = 0             |
//! | `saddle`     | x² − y²                                                        | none (saddle at (0, 0)) |
//! | `himmelblau` | (x² + y − 11)² + (x + y² − 7)²                                 | four, all 0, e.g. (3, 2)|
//! | `booth`      | (x + 2y − 7)² + (2x + y − 5)²                                  | f(1, 3) = 0             |
//! | `bowl`       | (x² + 10 y²) / 2                                               | f(0, 0) = 0             |
//! | `wells`      | x⁴/4 − 2x² + 1.6x + y²                                         | f(−2.176068, 0) = −7.346553 |
//! | `scaled-booth` | booth(x/8, y/8)                                              | f(8, 24) = 0            |
//!
//! `bowl` has curvature 1 along x and 10 along y, so gradient descent is stable for λ < 2/10.
//! `wells` is a tilted double well in x: a shallow local minimum at x = 1.757770 (f = −0.980432)
//! lies between a start on the right and the global minimum on the left; along y it is a plain
//! parabola, so a path started at y = 0 is the one-dimensional problem. `scaled-booth` is Booth
//! in coordinates w′ = 10·w, for testing which optimizers' paths follow a change of units.

use autograd::Tensor;

/// One of the named 2-D test functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Surface {
    /// Beale's function: a flat, curved valley with steep walls.
    Beale,
    /// Rosenbrock's banana: a narrow curved valley.
    Rosenbrock,
    /// `x² − y²`: a saddle point at the origin, unbounded below.
    Saddle,
    /// Himmelblau's function: four equal minima.
    Himmelblau,
    /// Booth's function: a tilted quadratic bowl, condition number 9.
    Booth,
    /// `(x² + 10 y²) / 2`: curvatures 1 and 10, stable gradient descent for λ < 0.2.
    Bowl,
    /// A tilted double well in x with a shallow local minimum, plus y².
    Wells,
    /// Booth in coordinates scaled by 8: `booth(x/8, y/8)`.
    ScaledBooth,
}

/// The factor `c` of [`Surface::ScaledBooth`]: its point `c·w` is Booth's point `w`.
pub const SCALE: f64 = 8.0;

/// The x- and y-ranges of a plot: `[[x_min, x_max], [y_min, y_max]]`.
pub type View = [[f64; 2]; 2];

impl Surface {
    /// All surfaces, in the order of the table above.
    pub const ALL: [Surface; 8] = [
        Surface::Beale,
        Surface::Rosenbrock,
        Surface::Saddle,
        Surface::Himmelblau,
        Surface::Booth,
        Surface::Bowl,
        Surface::Wells,
        Surface::ScaledBooth,
    ];

    /// The command-line name (`"beale"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Surface::Beale => "beale",
            Surface::Rosenbrock => "rosenbrock",
            Surface::Saddle => "saddle",
            Surface::Himmelblau => "himmelblau",
            Surface::Booth => "booth",
            Surface::Bowl => "bowl",
            Surface::Wells => "wells",
            Surface::ScaledBooth => "scaled-booth",
        }
    }

    /// The surface named `name`, if any.
    pub fn from_name(name: &str) -> Option<Surface> {
        Surface::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The function in autograd ops: `p` of shape `[2]` holds `(x, y)`; the result is a scalar
    /// (shape `[]`) whose backward pass leaves `∇f(x, y)` in `p.grad()`.
    ///
    /// # Panics
    /// If `p` does not have shape `[2]`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// use lab::surfaces::Surface;
    /// let p = Tensor::from_vec(vec![1.0, 3.0], &[2]).unwrap().requires_grad();
    /// let f = Surface::Booth.eval(&p);
    /// f.backward();
    /// assert_eq!(f.item(), 0.0); // (1, 3) is Booth's minimum
    /// assert_eq!(p.grad().unwrap().iter().copied().collect::<Vec<f32>>(), vec![0.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn eval(self, p: &Tensor) -> Tensor {
        assert_eq!(
            p.shape(),
            [2],
            "Surface::eval: the point must have shape [2], got {:?}",
            p.shape()
        );
        // Pick x and y out of p as scalars: view p as one row [1, 2] and gather a column.
        let row = p.reshape(&[1, 2]);
        let x = row.gather_rows(&[0]).sum();
        let y = row.gather_rows(&[1]).sum();
        let sq = |t: Tensor| &t * &t;
        match self {
            Surface::Beale => {
                let xy = &x * &y;
                let xy2 = &xy * &y;
                let xy3 = &xy2 * &y;
                sq(1.5 - &x + &xy) + sq(2.25 - &x + &xy2) + sq(2.625 - &x + &xy3)
            }
            Surface::Rosenbrock => sq(1.0 - &x) + 100.0 * sq(&y - &(&x * &x)),
            Surface::Saddle => &x * &x - &y * &y,
            Surface::Himmelblau => sq(&x * &x + &y - 11.0) + sq(&x + &y * &y - 7.0),
            Surface::Booth => sq(&x + &(2.0 * &y) - 7.0) + sq(2.0 * &x + &y - 5.0),
            Surface::Bowl => 0.5 * (&x * &x) + 5.0 * (&y * &y),
            Surface::Wells => {
                let x2 = &x * &x;
                0.25 * (&x2 * &x2) - 2.0 * &x2 + 1.6 * &x + &y * &y
            }
            Surface::ScaledBooth => {
                let (u, v) = (&x * (1.0 / SCALE as f32), &y * (1.0 / SCALE as f32));
                sq(&u + &(2.0 * &v) - 7.0) + sq(2.0 * &u + &v - 5.0)
            }
        }
    }

    /// The same function in plain `f64` arithmetic.
    pub fn eval_f64(self, x: f64, y: f64) -> f64 {
        match self {
            Surface::Beale => {
                (1.5 - x + x * y).powi(2)
                    + (2.25 - x + x * y * y).powi(2)
                    + (2.625 - x + x * y * y * y).powi(2)
            }
            Surface::Rosenbrock => (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            Surface::Saddle => x * x - y * y,
            Surface::Himmelblau => (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
            Surface::Booth => (x + 2.0 * y - 7.0).powi(2) + (2.0 * x + y - 5.0).powi(2),
            Surface::Bowl => 0.5 * x * x + 5.0 * y * y,
            Surface::Wells => x.powi(4) / 4.0 - 2.0 * x * x + 1.6 * x + y * y,
            Surface::ScaledBooth => Surface::Booth.eval_f64(x / SCALE, y / SCALE),
        }
    }

    /// The gradient `∇f(x, y)` written out by hand, in `f64` (for tests and the saddle analysis).
    pub fn grad_f64(self, x: f64, y: f64) -> [f64; 2] {
        match self {
            Surface::Beale => {
                let (a, b, c) = (
                    1.5 - x + x * y,
                    2.25 - x + x * y * y,
                    2.625 - x + x * y.powi(3),
                );
                [
                    2.0 * a * (y - 1.0) + 2.0 * b * (y * y - 1.0) + 2.0 * c * (y.powi(3) - 1.0),
                    2.0 * a * x + 2.0 * b * 2.0 * x * y + 2.0 * c * 3.0 * x * y * y,
                ]
            }
            Surface::Rosenbrock => [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ],
            Surface::Saddle => [2.0 * x, -2.0 * y],
            Surface::Himmelblau => {
                let (a, b) = (x * x + y - 11.0, x + y * y - 7.0);
                [4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b]
            }
            Surface::Booth => {
                let (a, b) = (x + 2.0 * y - 7.0, 2.0 * x + y - 5.0);
                [2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b]
            }
            Surface::Bowl => [x, 10.0 * y],
            Surface::Wells => [x.powi(3) - 4.0 * x + 1.6, 2.0 * y],
            Surface::ScaledBooth => {
                let [gx, gy] = Surface::Booth.grad_f64(x / SCALE, y / SCALE);
                [gx / SCALE, gy / SCALE]
            }
        }
    }

    /// The global minima (empty for the saddle, which has none).
    pub fn minima(self) -> &'static [[f64; 2]] {
        match self {
            Surface::Beale => &[[3.0, 0.5]],
            Surface::Rosenbrock => &[[1.0, 1.0]],
            Surface::Saddle => &[],
            // The three irrational ones to 6 decimals (Himmelblau 1972).
            Surface::Himmelblau => &[
                [3.0, 2.0],
                [-2.805118, 3.131312],
                [-3.779310, -3.283186],
                [3.584428, -1.848126],
            ],
            Surface::Booth => &[[1.0, 3.0]],
            Surface::Bowl => &[[0.0, 0.0]],
            // The left root of x³ − 4x + 1.6 = 0, to 6 decimals.
            Surface::Wells => &[[-2.176068, 0.0]],
            Surface::ScaledBooth => &[[SCALE, 3.0 * SCALE]],
        }
    }

    /// The local minima that are not global (the shallow well of `wells`; empty elsewhere).
    pub fn local_minima(self) -> &'static [[f64; 2]] {
        match self {
            Surface::Wells => &[[1.757770, 0.0]],
            _ => &[],
        }
    }

    /// The value at the minima (`None` for the saddle).
    pub fn min_value(self) -> Option<f64> {
        match self {
            Surface::Saddle => None,
            Surface::Wells => Some(-7.346553),
            _ => Some(0.0),
        }
    }

    /// The plot window used unless the paths leave it.
    pub fn view(self) -> View {
        match self {
            Surface::Beale => [[-1.0, 4.5], [-1.5, 2.0]],
            Surface::Rosenbrock => [[-2.0, 2.0], [-1.0, 3.0]],
            Surface::Saddle => [[-1.2, 1.2], [-1.2, 1.2]],
            Surface::Himmelblau => [[-5.0, 5.0], [-5.0, 5.0]],
            Surface::Booth => [[-5.0, 5.0], [-5.0, 5.0]],
            Surface::Bowl => [[-4.5, 4.5], [-1.5, 1.5]],
            Surface::Wells => [[-3.0, 3.5], [-1.0, 1.0]],
            Surface::ScaledBooth => [[-40.0, 40.0], [-40.0, 40.0]],
        }
    }

    /// A start point that shows the surface's character.
    pub fn default_start(self) -> [f32; 2] {
        match self {
            Surface::Beale => [1.0, 1.5],
            Surface::Rosenbrock => [-1.5, 2.0],
            Surface::Saddle => [1.0, 1e-3],
            Surface::Himmelblau => [0.0, 0.0],
            Surface::Booth => [-4.0, -4.0],
            Surface::Bowl => [-4.0, 1.0],
            Surface::Wells => [3.0, 0.5],
            Surface::ScaledBooth => [-32.0, -32.0],
        }
    }
}
