//! The one place where matrix products are computed: `C ← α·A·B + β·C`.
//!
//! Every op that multiplies matrices (`matmul`, `linear`, and their backward passes) calls
//! [`gemm()`], so the backend is chosen here and nowhere else:
//! - with the `gemm` feature (default), the `gemm` crate, split over the rayon thread pool
//!   when the product is large enough to pay for it (threads: `RAYON_NUM_THREADS`, default all
//!   cores);
//! - without it, ndarray's `general_mat_mul`, which calls `matrixmultiply`'s sgemm.
//!
//! Both take any strides, so transposed operands are views, never copies. The two backends sum
//! in different orders, so their results agree to rounding, not bit for bit. A split product
//! can round differently from the same product in one piece (the kernels block by size), so
//! results are bit-identical from run to run for a given backend and thread count, and agree
//! to rounding across thread counts.

use ndarray::{ArrayView2, ArrayViewMut2};

/// Products with fewer multiply-adds than this run on one thread: below it, waking a second
/// thread costs more than it saves (measured: `32×784×128` is faster on one core).
#[cfg(feature = "gemm")]
const PARALLEL_MIN_WORK: usize = 8 << 20;

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

/// Splits a large product in two halves computed side by side, one per core: along the rows
/// of `C` when it is taller than wide, else along its columns. Each half is an ordinary
/// single-threaded product of sub-views.
///
/// Why not the `gemm` crate's own threading: measured on one W1 epoch (batch 64, products of
/// 17–26 M multiply-adds), one thread took 1.16 s, the crate's `Parallelism::Rayon(2)` 1.33 s,
/// and these halves 0.82 s; on W3 (batch 512) 2.84 s, 1.89 s and 1.75 s. The crate hands the
/// threads many small pieces with a barrier each, and at these sizes waking threads costs more
/// than the pieces; one `rayon::join` per product costs one wake-up.
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
    if rayon::current_num_threads() < 2 || m * n * k < PARALLEL_MIN_WORK {
        return serial(alpha, a, b, beta, c);
    }
    // Halves on a multiple of 16 (one AVX-512 register of f32) keep the kernels' edges aligned.
    let half = |len: usize| (len / 2).next_multiple_of(16).min(len);
    if m >= n {
        let (a_top, a_bottom) = a.view().split_at(Axis(0), half(m));
        let (mut c_top, mut c_bottom) = c.view_mut().split_at(Axis(0), half(m));
        rayon::join(
            || serial(alpha, &a_top, b, beta, &mut c_top),
            || serial(alpha, &a_bottom, b, beta, &mut c_bottom),
        );
    } else {
        let (b_left, b_right) = (b.slice(s![.., ..half(n)]), b.slice(s![.., half(n)..]));
        let (mut c_left, mut c_right) = c.view_mut().split_at(Axis(1), half(n));
        rayon::join(
            || serial(alpha, a, &b_left, beta, &mut c_left),
            || serial(alpha, a, &b_right, beta, &mut c_right),
        );
    }
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
    use ndarray::{Array2, ShapeBuilder};

    #[test]
    fn matches_a_naive_triple_loop_for_every_layout() {
        // Sizes past the parallel threshold too: 256·256·160 multiply-adds > 8·2²⁰.
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
}
