//! How an op plugs into the graph: the [`Op`] trait and [`Tensor::from_op`].
//!
//! Every op file (`ops/relu.rs`, `ops/matmul.rs`, …) does the same two things:
//! 1. a method on [`Tensor`] computes the forward value with ndarray and calls
//!    [`Tensor::from_op`] with the inputs and a small struct implementing [`Op`];
//! 2. that struct's [`Op::backward`] turns `∂L/∂output` into `∂L/∂input` for each input.
//!
//! Adding an op is one new file and one `mod` line. A complete example, `square`
//! (`y = x²`, so `∂L/∂x = ∂L/∂y · 2x`):
//!
//! ```
//! use autograd::{ArrayD, Op, Tensor};
//!
//! struct Square;
//! impl Op for Square {
//!     fn name(&self) -> &'static str { "square" }
//!     fn backward(&self, inputs: &[Tensor], _output: &ArrayD<f32>, grad: ArrayD<f32>)
//!         -> Vec<Option<ArrayD<f32>>> {
//!         let x = inputs[0].value();
//!         vec![Some(grad * &*x * 2.0)]
//!     }
//! }
//!
//! fn square(x: &Tensor) -> Tensor {
//!     let value = x.value().mapv(|v| v * v);
//!     Tensor::from_op(value, &[x], Square)
//! }
//!
//! let x = Tensor::from_vec(vec![3.0], &[1]).unwrap().requires_grad();
//! square(&x).sum().backward();
//! assert_eq!(x.grad().unwrap()[[0]], 6.0);
//! ```

use ndarray::ArrayD;

use crate::anomaly;
use crate::no_grad::is_grad_enabled;
use crate::tensor::Tensor;

/// The backward half of an op: how to push a gradient from the output to the inputs.
pub trait Op {
    /// A short name shown in graph printouts and error messages (`"matmul"`, `"relu"`).
    fn name(&self) -> &'static str;

    /// Given `grad = ∂L/∂output` (same shape as the output, owned so it can be reused in place),
    /// returns `∂L/∂input_i` for each input, in the order the inputs were recorded, each with
    /// exactly that input's shape. An entry may be `None` when that input does not need a
    /// gradient (`!inputs[i].needs_grad()`), to skip the work.
    fn backward(
        &self,
        inputs: &[Tensor],
        output: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>>;
}

/// What a non-leaf node remembers: the op that made it and the tensors it was made from.
pub(crate) struct GradFn {
    pub(crate) op: Box<dyn Op>,
    pub(crate) inputs: Vec<Tensor>,
}

impl Tensor {
    /// Records the result of an op: `value` computed from `inputs`, differentiated by `op`.
    ///
    /// The node joins the graph only when gradients are enabled (see [`crate::no_grad`]) and
    /// some input needs a gradient; otherwise the result is a plain leaf and nothing is kept.
    /// In anomaly mode a non-finite value stops the run here, naming the op.
    pub fn from_op(value: ArrayD<f32>, inputs: &[&Tensor], op: impl Op + 'static) -> Tensor {
        if anomaly::is_enabled() {
            anomaly::check_forward(op.name(), inputs, &value);
        }
        let track = is_grad_enabled() && inputs.iter().any(|t| t.needs_grad());
        if !track {
            return Tensor::from_array(value);
        }
        let grad_fn = GradFn {
            op: Box::new(op),
            inputs: inputs.iter().map(|&t| t.clone()).collect(),
        };
        Tensor::new_node(value, true, Some(grad_fn))
    }

    /// The tensors this one was computed from (empty for leaves and released graphs).
    pub fn inputs(&self) -> Vec<Tensor> {
        self.0
            .grad_fn
            .borrow()
            .as_ref()
            .map(|f| f.inputs.clone())
            .unwrap_or_default()
    }
}
