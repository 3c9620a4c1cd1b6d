//! Broadcasting, NumPy/PyTorch style, and its backward: summing a gradient back to a shape.
//!
//! Two shapes broadcast when, aligned at their last axes, each pair of sizes is equal or one of
//! them is 1 (a missing leading axis counts as 1). `[4, 3] + [3]` adds the row to every row;
//! `[4, 1] + [1, 3]` gives `[4, 3]`.
//!
//! In the backward pass every input that was stretched must get the **sum** of the gradient
//! over the copies it was stretched into. [`sum_to_shape`] is that one helper, shared by every
//! element-wise op.

use ndarray::{ArrayD, Axis};

/// The shape two operands broadcast to.
///
/// # Panics
/// If the shapes do not broadcast; the message names the op and both shapes.
#[track_caller]
pub fn broadcast_shape(op: &str, a: &[usize], b: &[usize]) -> Vec<usize> {
    let ndim = a.len().max(b.len());
    let size_at = |shape: &[usize], axis: usize| -> usize {
        // axis counted in the broadcast shape; missing leading axes have size 1
        (axis + shape.len())
            .checked_sub(ndim)
            .map_or(1, |i| shape[i])
    };
    // A loop rather than an iterator: a panic inside a closure would point here, not at the
    // caller's line (`#[track_caller]` does not reach into closures).
    let mut shape = Vec::with_capacity(ndim);
    for axis in 0..ndim {
        shape.push(match (size_at(a, axis), size_at(b, axis)) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => panic!("{op}: shapes {a:?} and {b:?} cannot be broadcast together"),
        });
    }
    shape
}

/// Sums `grad` over the axes along which an operand of shape `shape` was broadcast, so the
/// result has exactly `shape`. Returns `grad` itself, without copying, when no axis was.
pub fn sum_to_shape(grad: ArrayD<f32>, shape: &[usize]) -> ArrayD<f32> {
    if grad.shape() == shape {
        return grad;
    }
    let mut grad = grad;
    // Leading axes the operand did not have at all.
    while grad.ndim() > shape.len() {
        grad = grad.sum_axis(Axis(0));
    }
    // Axes where the operand had size 1.
    for (axis, &size) in shape.iter().enumerate() {
        if size == 1 && grad.shape()[axis] != 1 {
            grad = grad.sum_axis(Axis(axis)).insert_axis(Axis(axis));
        }
    }
    grad
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr2, ArrayD, IxDyn};

    #[test]
    fn shapes_broadcast_like_numpy() {
        assert_eq!(broadcast_shape("add", &[4, 3], &[3]), vec![4, 3]);
        assert_eq!(broadcast_shape("add", &[4, 1], &[1, 3]), vec![4, 3]);
        assert_eq!(broadcast_shape("add", &[], &[2, 2]), vec![2, 2]);
    }

    #[test]
    #[should_panic(expected = "add: shapes [4, 3] and [2] cannot be broadcast together")]
    fn mismatch_names_op_and_shapes() {
        broadcast_shape("add", &[4, 3], &[2]);
    }

    #[test]
    fn sums_back_to_row_column_and_scalar() {
        // grad of ones [2, 3]: a row [3] received 2 copies, a column [2, 1] 3 copies.
        let g = ArrayD::from_elem(IxDyn(&[2, 3]), 1.0f32);
        assert_eq!(
            sum_to_shape(g.clone(), &[3]).into_raw_vec_and_offset().0,
            vec![2.0, 2.0, 2.0]
        );
        assert_eq!(
            sum_to_shape(g.clone(), &[2, 1]).into_raw_vec_and_offset().0,
            vec![3.0, 3.0]
        );
        assert_eq!(
            sum_to_shape(g.clone(), &[]).into_raw_vec_and_offset().0,
            vec![6.0]
        );
        let m = arr2(&[[1.0f32, 2.0], [3.0, 4.0]]).into_dyn();
        assert_eq!(sum_to_shape(m.clone(), &[2, 2]), m);
    }
}
