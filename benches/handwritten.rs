//! A fully connected ReLU network trained by hand: forward, backward and update written out
//! with preallocated buffers and the same matrix-product routine as autograd
//! ([`autograd::backend::gemm::gemm`]). Nothing here allocates after construction.
//!
//! It is the yardstick for "what does the autograd framework cost": the bench `train_step`
//! runs one step of this and one step of the `nn` + `optim` equivalent on the same batch.

use autograd::backend::elementwise::{for_each_divided, Divisible};
use autograd::backend::gemm::gemm;
use ndarray::{Array, Array1, Array2, ArrayView2, Axis, Dimension, ShapeBuilder, Zip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One layer's parameters, gradients and SGD-momentum velocity; `weight` is `[out, in]`.
struct Layer {
    weight: Array2<f32>,
    bias: Array1<f32>,
    grad_weight: Array2<f32>,
    grad_bias: Array1<f32>,
    velocity_weight: Array2<f32>,
    velocity_bias: Array1<f32>,
}

/// An MLP with ReLU between layers and softmax cross-entropy on top.
pub struct Mlp {
    layers: Vec<Layer>,
    /// `activations[0]` is the input batch, `activations[i + 1]` the output of layer `i`.
    activations: Vec<Array2<f32>>,
    /// `∂L/∂(output of layer i)`.
    deltas: Vec<Array2<f32>>,
}

impl Mlp {
    /// Weights as PyTorch's default `nn.Linear`: U(−1/√in, 1/√in).
    pub fn new(sizes: &[usize], batch: usize, seed: u64) -> Mlp {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let layers = sizes
            .windows(2)
            .map(|pair| {
                let (inputs, outputs) = (pair[0], pair[1]);
                let bound = 1.0 / (inputs as f32).sqrt();
                Layer {
                    weight: Array2::from_shape_simple_fn((outputs, inputs), || {
                        rng.random_range(-bound..bound)
                    }),
                    bias: Array1::from_shape_simple_fn(outputs, || rng.random_range(-bound..bound)),
                    grad_weight: Array2::zeros((outputs, inputs)),
                    grad_bias: Array1::zeros(outputs),
                    velocity_weight: Array2::zeros((outputs, inputs)),
                    velocity_bias: Array1::zeros(outputs),
                }
            })
            .collect();
        Mlp {
            layers,
            // The layouts autograd uses (`autograd::backend::gemm::Layout`): the input batch row-major as
            // it comes, layer outputs and their gradients column-major.
            activations: std::iter::once(Array2::zeros((batch, sizes[0])))
                .chain(sizes[1..].iter().map(|&n| Array2::zeros((batch, n).f())))
                .collect(),
            deltas: sizes[1..]
                .iter()
                .map(|&n| Array2::zeros((batch, n).f()))
                .collect(),
        }
    }

    /// One SGD-with-momentum step (PyTorch form: `v ← μv + g`, `w ← w − λv`); returns the loss.
    pub fn train_step(
        &mut self,
        x: &ArrayView2<f32>,
        labels: &[usize],
        lr: f32,
        momentum: f32,
    ) -> f32 {
        let depth = self.layers.len();
        self.activations[0].assign(x);
        // Forward: a_{i+1} = relu(a_i · W_iᵀ + b_i), no relu on the last layer.
        for (i, layer) in self.layers.iter().enumerate() {
            let (inputs, outputs) = self.activations.split_at_mut(i + 1);
            let out = &mut outputs[0];
            out.assign(&layer.bias.broadcast(out.raw_dim()).expect("bias row"));
            gemm(
                1.0,
                &inputs[i].view(),
                &layer.weight.t(),
                1.0,
                &mut out.view_mut(),
            );
            if i + 1 < depth {
                out.mapv_inplace(|v| v.max(0.0));
            }
        }
        // Softmax cross-entropy: δ_last = (softmax − onehot) / B.
        let batch = labels.len() as f32;
        let mut loss = 0.0;
        let logits = &self.activations[depth];
        let delta = &mut self.deltas[depth - 1];
        for ((row, mut d), &label) in logits.outer_iter().zip(delta.outer_iter_mut()).zip(labels) {
            let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            let sum: f32 = row.iter().map(|&v| (v - max).exp()).sum();
            loss += sum.ln() + max - row[label];
            Zip::from(&mut d)
                .and(&row)
                .for_each(|d, &v| *d = (v - max).exp() / sum / batch);
            d[label] -= 1.0 / batch;
        }
        // Backward: ∂W_i = δ_iᵀ·a_i, ∂b_i = Σ_rows δ_i, δ_{i−1} = (δ_i · W_i) ⊙ [a_i > 0].
        for i in (0..depth).rev() {
            let layer = &mut self.layers[i];
            let delta = &self.deltas[i];
            gemm(
                1.0,
                &delta.t(),
                &self.activations[i].view(),
                0.0,
                &mut layer.grad_weight.view_mut(),
            );
            layer.grad_bias.assign(&delta.sum_axis(Axis(0)));
            if i > 0 {
                let (before, after) = self.deltas.split_at_mut(i);
                let previous = &mut before[i - 1];
                gemm(
                    1.0,
                    &after[0].view(),
                    &layer.weight.view(),
                    0.0,
                    &mut previous.view_mut(),
                );
                Zip::from(previous)
                    .and(&self.activations[i])
                    .for_each(|d, &a| {
                        if a <= 0.0 {
                            *d = 0.0;
                        }
                    });
            }
        }
        // The updates cut into pieces over the threads, as the `optim` driver does.
        let runs = self
            .layers
            .iter_mut()
            .flat_map(|l| {
                [
                    MomentumRun::of(&mut l.weight, &mut l.velocity_weight, &l.grad_weight),
                    MomentumRun::of(&mut l.bias, &mut l.velocity_bias, &l.grad_bias),
                ]
            })
            .collect();
        for_each_divided(runs, |r: MomentumRun| r.step(lr, momentum));
        loss / batch
    }
}

/// The same run of elements of a weight, its velocity and its gradient.
struct MomentumRun<'a> {
    w: &'a mut [f32],
    v: &'a mut [f32],
    g: &'a [f32],
}

impl<'a> MomentumRun<'a> {
    fn of<D: Dimension>(
        w: &'a mut Array<f32, D>,
        v: &'a mut Array<f32, D>,
        g: &'a Array<f32, D>,
    ) -> Self {
        let contiguous = "weights, velocities and gradients are row-major";
        MomentumRun {
            w: w.as_slice_mut().expect(contiguous),
            v: v.as_slice_mut().expect(contiguous),
            g: g.as_slice().expect(contiguous),
        }
    }

    /// `v ← μv + g`, `w ← w − λv`.
    fn step(self, lr: f32, momentum: f32) {
        for ((w, v), &g) in self.w.iter_mut().zip(self.v.iter_mut()).zip(self.g) {
            *v = momentum * *v + g;
            *w -= lr * *v;
        }
    }
}

impl Divisible for MomentumRun<'_> {
    fn len(&self) -> usize {
        self.w.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (w, w_rest) = self.w.split_at_mut(mid);
        let (v, v_rest) = self.v.split_at_mut(mid);
        let (g, g_rest) = self.g.split_at(mid);
        (
            MomentumRun { w, v, g },
            MomentumRun {
                w: w_rest,
                v: v_rest,
                g: g_rest,
            },
        )
    }
}
