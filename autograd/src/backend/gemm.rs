//! The one place where matrix products are computed: `C ← α·A·B + β·C`.
//!
//! Every op that multiplies matrices (`matmul`, `linear`, and their backward passes) calls
//! [`gemm()`] or [`product`], so the backend is chosen here and nowhere else:
//! - with the `gemm` feature (default), the `gemm` crate (which picks AVX2 or AVX-512 kernels
//!   when the program starts), cut into one piece per thread when the product is large enough;
//! - without it, ndarray's `general_mat_mul`, which calls `matrixmultiply`'s sgemm.
//!
//! Both take any strides, so transposed operands are views, never copies. The two backends sum
//! in different orders, so their results agree to rounding, not bit for bit; likewise a product
//! cut into more pieces may round differently from the same product in fewer (see
//! [`crate::backend`]).

use ndarray::{
    Array2, ArrayBase, ArrayD, ArrayView2, ArrayViewMut2, Data, Dimension, Ix2, ShapeBuilder,
};

/// How a product's result is laid out in memory.
///
/// Forward products write **column-major** results, and a gradient is laid out like the value
/// it is the gradient of. Why: the `gemm` crate's kernels produce column-major blocks, so for a
/// row-major `Y = X·Wᵀ` it computes `Yᵀ = W·Xᵀ` instead, which makes the weight `W` a row-major
/// left operand that it must transpose while packing, every step. Written column-major, `Y`
/// needs no such transpose: only the (smaller) batch of activations is packed
/// (`cargo bench -p benches --bench matmul` runs each product both ways). Gradients follow
/// their values so that
/// optimizer updates and gradient sums walk the value, gradient and state arrays in the same
/// memory order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// C order: the last index varies fastest.
    RowMajor,
    /// Fortran order: the first index varies fastest.
    ColumnMajor,
}

impl Layout {
    /// The layout of `array`: column-major if it is stored in Fortran order (and not also in C
    /// order, as a single row or column is), else row-major.
    pub fn of<S: Data<Elem = f32>, D: Dimension>(array: &ArrayBase<S, D>) -> Layout {
        if !array.is_standard_layout() && array.t().is_standard_layout() {
            Layout::ColumnMajor
        } else {
            Layout::RowMajor
        }
    }
}

/// Views a tensor value as a matrix; `what` names it in the panic message of a value that is
/// not 2-D (`"matmul"`, `"linear: weight"`).
pub(crate) fn as_matrix<'a>(what: &str, value: &'a ArrayD<f32>) -> ArrayView2<'a, f32> {
    value
        .view()
        .into_dimensionality::<Ix2>()
        .unwrap_or_else(|_| {
            panic!(
                "{what}: expected a 2-D tensor, got shape {:?}",
                value.shape()
            )
        })
}

/// `a · b` into a new `[m, n]` array laid out as `layout`.
pub fn product(a: &ArrayView2<f32>, b: &ArrayView2<f32>, layout: Layout) -> Array2<f32> {
    let shape = (a.nrows(), b.ncols()).set_f(layout == Layout::ColumnMajor);
    if cfg!(feature = "gemm") && a.ncols() > 0 {
        // With β = 0 the `gemm` crate writes every element of C without reading it, so the
        // output need not be zeroed first.
        let mut c = Array2::<f32>::uninit(shape);
        // SAFETY: `MaybeUninit<f32>` has the layout of `f32`, and the product below overwrites
        // every element (m·n of them, k > 0) before `assume_init`.
        let mut view = unsafe { c.view_mut().assume_init() };
        gemm(1.0, a, b, 0.0, &mut view);
        return unsafe { c.assume_init() };
    }
    let mut c = Array2::zeros(shape);
    gemm(1.0, a, b, 0.0, &mut c.view_mut());
    c
}

/// The fewest multiply-adds worth a piece of a product: below it, handing the piece to a worker
/// costs more than computing it here.
#[cfg(feature = "gemm")]
const MIN_WORK_PER_PIECE: usize = 1 << 19;

/// `c ← alpha·a·b + beta·c` for `a: [m, k]`, `b: [k, n]`, `c: [m, n]` (any strides).
///
/// # Panics
/// If the shapes do not fit (callers check first and name their op).
pub fn gemm(
    alpha: f32,
    a: &ArrayView2<f32>,
    b: &ArrayView2<f32>,
    beta: f32,
    c: &mut ArrayViewMut2<f32>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "gemm: [{m}, {k}]·{:?} into {:?}",
        b.dim(),
        c.dim()
    );
    backend(alpha, a, b, beta, c);
}

/// Cuts a large product into one piece per thread, along the rows of `C` when it is taller
/// than wide, else along its columns; each piece is an ordinary single-threaded product of
/// sub-views, so no piece waits on another.
///
/// Why not the `gemm` crate's own threading: it hands the threads many small blocks with a
/// barrier each, which at batch sizes of 32–512 costs more than the blocks (README, "where
/// the speed comes from").
#[cfg(feature = "gemm")]
fn backend(
    alpha: f32,
    a: &ArrayView2<f32>,
    b: &ArrayView2<f32>,
    beta: f32,
    c: &mut ArrayViewMut2<f32>,
) {
    use ndarray::{s, Axis};
    let (m, k) = a.dim();
    let n = b.ncols();
    let by_rows = m >= n;
    let length = if by_rows { m } else { n };
    // At most one piece per 16 rows or columns (one AVX-512 register of f32).
    let pieces = super::pieces_for(m * n * k, MIN_WORK_PER_PIECE).min(length.div_ceil(16));
    if pieces < 2 {
        return serial(alpha, a, b, beta, c);
    }
    let cuts = super::boundaries(length, pieces, 16);
    let axis = if by_rows { Axis(0) } else { Axis(1) };
    let mut parts = Vec::with_capacity(pieces);
    let mut rest = c.view_mut();
    for piece in cuts.windows(2) {
        let (lo, hi) = (piece[0], piece[1]);
        let (part, tail) = rest.split_at(axis, hi - lo);
        rest = tail;
        let (a_part, b_part) = if by_rows {
            (a.slice(s![lo..hi, ..]), b.view())
        } else {
            (a.view(), b.slice(s![.., lo..hi]))
        };
        parts.push((a_part, b_part, part));
    }
    super::pool::run_each(parts, |(a, b, mut c)| serial(alpha, &a, &b, beta, &mut c));
}

/// One product on the calling thread, through the `gemm` crate.
#[cfg(feature = "gemm")]
fn serial(
    alpha: f32,
    a: &ArrayView2<f32>,
    b: &ArrayView2<f32>,
    beta: f32,
    c: &mut ArrayViewMut2<f32>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        // An empty sum: C ← β·C, and with β = 0 C is not read (it may hold anything).
        c.map_inplace(|x| *x = if beta == 0.0 { 0.0 } else { *x * beta });
        return;
    }
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the pointers and strides describe the three live ndarray views, whose shapes
    // were checked by `gemm`; `c` is borrowed mutably, so it aliases neither `a` nor `b`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            beta != 0.0, // read C only when it contributes
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,  // gemm's alpha scales the old C
            alpha, // gemm's beta scales the product
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(not(feature = "gemm"))]
fn backend(
    alpha: f32,
    a: &ArrayView2<f32>,
    b: &ArrayView2<f32>,
    beta: f32,
    c: &mut ArrayViewMut2<f32>,
) {
    ndarray::linalg::general_mat_mul(alpha, a, b, beta, c);
}

#[cfg(test)]
mod tests {
    use ndarray::{s, Array2, ShapeBuilder};

    use super::{product, Layout};

    #[test]
    fn layout_of_names_the_memory_order() {
        let c_order = Array2::<f32>::zeros((3, 4));
        let f_order = Array2::<f32>::zeros((3, 4).f());
        assert_eq!(Layout::of(&c_order), Layout::RowMajor);
        assert_eq!(Layout::of(&f_order), Layout::ColumnMajor);
        assert_eq!(Layout::of(&c_order.t()), Layout::ColumnMajor);
        // One row is both; a strided view is neither: both count as row-major.
        assert_eq!(
            Layout::of(&Array2::<f32>::zeros((1, 4).f())),
            Layout::RowMajor
        );
        assert_eq!(Layout::of(&c_order.slice(s![.., ..;2])), Layout::RowMajor);
    }

    #[test]
    fn product_is_laid_out_as_asked_with_the_same_values() {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
        let a = Array2::from_shape_vec((2, 2), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let b = Array2::from_shape_vec((2, 2), vec![5.0, 6.0, 7.0, 8.0]).unwrap();
        let expected = Array2::from_shape_vec((2, 2), vec![19.0, 22.0, 43.0, 50.0]).unwrap();
        for layout in [Layout::RowMajor, Layout::ColumnMajor] {
            let c = product(&a.view(), &b.view(), layout);
            assert_eq!(c, expected);
            assert_eq!(Layout::of(&c), layout);
        }
    }

    #[test]
    fn matches_a_naive_triple_loop_for_every_layout() {
        // Sizes past the split threshold too: 256·160·256 multiply-adds make up to 20 pieces.
        for &(m, k, n) in &[(3, 4, 5), (1, 7, 1), (256, 160, 256)] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 - 5.0);
            let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 5 + j * 2) % 13) as f32 - 6.0);
            let b_fortran = {
                let mut f = Array2::zeros((k, n).f());
                f.assign(&b);
                f
            };
            let mut expected = Array2::<f32>::from_elem((m, n), 1.0);
            for i in 0..m {
                for j in 0..n {
                    let dot: f32 = (0..k).map(|p| a[[i, p]] * b[[p, j]]).sum();
                    expected[[i, j]] = 2.0 * dot + 0.5 * 1.0;
                }
            }
            for b_view in [b.view(), b_fortran.view(), b.t().t()] {
                let mut c = Array2::<f32>::from_elem((m, n), 1.0);
                super::gemm(2.0, &a.view(), &b_view, 0.5, &mut c.view_mut());
                assert_eq!(c, expected, "[{m}, {k}]·[{k}, {n}]");
            }
        }
    }

    #[test]
    fn every_thread_count_agrees_with_one_thread() {
        use crate::backend::with_threads;
        // Tall (split by rows) and wide (split by columns) products of W1's and W3's sizes.
        for &(m, k, n) in &[(784, 64, 512), (64, 512, 784), (512, 1024, 1024)] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 11.0);
            let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 5 + j * 2) % 13) as f32 / 13.0);
            let one = with_threads(1, || product(&a.view(), &b.view(), Layout::ColumnMajor));
            for threads in 2..=8 {
                let many = with_threads(threads, || {
                    product(&a.view(), &b.view(), Layout::ColumnMajor)
                });
                let again = with_threads(threads, || {
                    product(&a.view(), &b.view(), Layout::ColumnMajor)
                });
                assert_eq!(many, again, "{threads} threads: not the same bits twice");
                // Sums of k products of values in [0, 1): agreement to f32 rounding.
                let worst = (&many - &one).iter().fold(0.0f32, |w, d| w.max(d.abs()));
                assert!(
                    worst <= 1e-6 * k as f32,
                    "[{m}, {k}]·[{k}, {n}], {threads} threads: {worst}"
                );
            }
        }
    }
}
