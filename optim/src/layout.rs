//! Memory layout: a rule walks a parameter, its gradient and its state buffers as one run of
//! elements in the same (row-major) order, whatever order each was built or loaded in.

use std::cell::Ref;

use ndarray::{ArrayD, ArrayView1};

/// Makes `a` row-major if it is not (a parameter or buffer built or loaded in another order,
/// e.g. the column-major result of a matrix product).
pub(crate) fn standard_layout(a: &mut ArrayD<f32>) {
    if !a.is_standard_layout() {
        *a = a.as_standard_layout().into_owned();
    }
}

/// A parameter's gradient as the tensor holds it, or a row-major copy when it is held in
/// another order (the gradient belongs to the graph, so it is not reordered in place).
pub(crate) enum Gradient<'a> {
    Borrowed(Ref<'a, ArrayD<f32>>),
    Copied(ArrayD<f32>),
}

impl<'a> Gradient<'a> {
    /// The gradient in row-major order: borrowed when it already is, else copied.
    pub(crate) fn row_major(g: Ref<'a, ArrayD<f32>>) -> Gradient<'a> {
        if g.is_standard_layout() {
            Gradient::Borrowed(g)
        } else {
            Gradient::Copied(g.as_standard_layout().into_owned())
        }
    }

    /// The elements as one run.
    pub(crate) fn flat(&self) -> ArrayView1<'_, f32> {
        let g = match self {
            Gradient::Borrowed(g) => &**g,
            Gradient::Copied(g) => g,
        };
        ArrayView1::from(g.as_slice().expect("row-major, checked when borrowed"))
    }
}
