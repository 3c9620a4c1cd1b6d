//! The fully connected layer: `y = x · Wᵀ + b`, PyTorch's `nn.Linear`.
//!
//! Shapes as in PyTorch: `x: [B, in]`, `W: [out, in]`, `b: [out]`, `y: [B, out]`. Storing `W`
//! as `[out, in]` (rather than `[in, out]`) is what lets a checkpoint load straight into
//! `torch.nn.Linear`.
//!
//! ## Default initialization
//! `nn.Linear.reset_parameters` calls `kaiming_uniform_(W, a=√5)` and draws the bias from
//! `U(−1/√in, 1/√in)`. Kaiming-uniform with the leaky-ReLU gain of slope `a` is
//!
//! ```text
//!   gain  = √(2 / (1 + a²)) = √(2 / (1 + 5)) = 1/√3
//!   bound = gain · √(3 / fan_in) = (1/√3) · √3 / √in = 1/√in
//! ```
//!
//! so both `W` and `b` are `U(−1/√in, 1/√in)`, which is what [`Linear::new`] draws.

use autograd::Tensor;
use rand::Rng;

use crate::init;
use crate::module::Module;

/// A fully connected layer `y = x · Wᵀ + b`.
///
/// ```
/// use autograd::Tensor;
/// use nn::{Linear, Module};
/// use rand::SeedableRng;
///
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let layer = Linear::new(3, 2, &mut rng);
/// assert_eq!(layer.weight.shape(), vec![2, 3]);
/// let y = layer.forward(&Tensor::zeros(&[5, 3]));
/// assert_eq!(y.shape(), vec![5, 2]);
/// ```
#[derive(Debug, Clone)]
pub struct Linear {
    /// `[out, in]`, as PyTorch stores it.
    pub weight: Tensor,
    /// `[out]`, or `None` for a layer without bias.
    pub bias: Option<Tensor>,
}

impl Linear {
    /// A layer from `in_features` to `out_features` with PyTorch's default initialization:
    /// `W` and `b` both `U(−1/√in, 1/√in)` (see the module docs for why). `W` is drawn first,
    /// then `b`, so the same seed gives the same layer.
    ///
    /// # Panics
    /// If either size is 0.
    #[track_caller]
    pub fn new<R: Rng + ?Sized>(in_features: usize, out_features: usize, rng: &mut R) -> Linear {
        assert!(
            in_features > 0 && out_features > 0,
            "Linear::new: sizes must be positive, got in_features={in_features}, out_features={out_features}"
        );
        let weight = Tensor::zeros(&[out_features, in_features]).requires_grad();
        let bias = Tensor::zeros(&[out_features]).requires_grad();
        let layer = Linear {
            weight,
            bias: Some(bias),
        };
        layer.reset_parameters(rng);
        layer
    }

    /// A layer from given tensors (`weight: [out, in]`, `bias: [out]`), marked as needing
    /// gradients.
    ///
    /// # Panics
    /// If `weight` is not 2-D, or `bias` is not `[out]` (the message names both shapes), or a
    /// tensor was made by an op rather than being a leaf.
    #[track_caller]
    pub fn from_tensors(weight: Tensor, bias: Option<Tensor>) -> Linear {
        let w = weight.shape();
        assert!(
            w.len() == 2,
            "Linear::from_tensors: weight must be [out, in], got {w:?}"
        );
        if let Some(b) = &bias {
            assert!(
                b.shape() == [w[0]],
                "Linear::from_tensors: bias must be [{}] for weight {w:?}, got {:?}",
                w[0],
                b.shape()
            );
        }
        weight.set_requires_grad(true);
        if let Some(b) = &bias {
            b.set_requires_grad(true);
        }
        Linear { weight, bias }
    }

    /// Input size (`in_features`).
    pub fn in_features(&self) -> usize {
        self.weight.shape()[1]
    }

    /// Output size (`out_features`).
    pub fn out_features(&self) -> usize {
        self.weight.shape()[0]
    }

    /// Redraws `W` and `b` from `U(−1/√in, 1/√in)`, PyTorch's `reset_parameters`.
    pub fn reset_parameters<R: Rng + ?Sized>(&self, rng: &mut R) {
        let bound = 1.0 / (self.in_features() as f32).sqrt();
        init::uniform(&self.weight, -bound, bound, rng);
        if let Some(b) = &self.bias {
            init::uniform(b, -bound, bound, rng);
        }
    }
}

impl Module for Linear {
    /// `x · Wᵀ + b` for `x: [B, in]`, giving `[B, out]`.
    ///
    /// # Panics
    /// If `x` is not `[B, in]`; the message names the layer's sizes and `x`'s shape.
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let shape = x.shape();
        if shape.len() != 2 || shape[1] != self.in_features() {
            panic!(
                "{}: expected input [batch, {}], got {shape:?}",
                self.name(),
                self.in_features()
            );
        }
        // The one place the product is computed: the fused op avoids copying Wᵀ and the
        // separate bias-add node of `x.matmul(&W.transpose()) + b`.
        x.linear(&self.weight, self.bias.as_ref())
    }

    fn visit_parameters(&self, prefix: &str, f: &mut dyn FnMut(&str, &Tensor)) {
        f(&format!("{prefix}weight"), &self.weight);
        if let Some(b) = &self.bias {
            f(&format!("{prefix}bias"), b);
        }
    }

    fn visit_linear(&self, f: &mut dyn FnMut(&Linear)) {
        f(self)
    }

    fn name(&self) -> String {
        format!(
            "Linear(in_features={}, out_features={}, bias={})",
            self.in_features(),
            self.out_features(),
            if self.bias.is_some() { "True" } else { "False" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autograd::{gradcheck, GradCheck};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn tensor(data: &[f32], shape: &[usize]) -> Tensor {
        Tensor::from_vec(data.to_vec(), shape).unwrap()
    }

    #[test]
    fn forward_by_hand() {
        // W = [[1, 2], [3, 4], [-1, 0]], b = [0.5, -1, 2], x = [[1, 1], [2, -1]]:
        // row 0: [1+2, 3+4, -1+0] + b = [3.5, 6, 1];  row 1: [2-2, 6-4, -2+0] + b = [0.5, 1, 0].
        let layer = Linear::from_tensors(
            tensor(&[1.0, 2.0, 3.0, 4.0, -1.0, 0.0], &[3, 2]),
            Some(tensor(&[0.5, -1.0, 2.0], &[3])),
        );
        let y = layer.forward(&tensor(&[1.0, 1.0, 2.0, -1.0], &[2, 2]));
        assert_eq!(y.shape(), vec![2, 3]);
        assert_eq!(y.to_vec(), vec![3.5, 6.0, 1.0, 0.5, 1.0, 0.0]);
        let no_bias = Linear::from_tensors(tensor(&[1.0, 2.0, 3.0, 4.0, -1.0, 0.0], &[3, 2]), None);
        assert_eq!(
            no_bias.forward(&tensor(&[1.0, 1.0], &[1, 2])).to_vec(),
            vec![3.0, 7.0, -1.0]
        );
    }

    #[test]
    fn gradient_by_hand() {
        // L = Σ y: ∂L/∂W[o, i] = Σ_b x[b, i] = [1+2, 1-1] = [3, 0] per row; ∂L/∂b = B = 2.
        let layer = Linear::from_tensors(
            tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]),
            Some(tensor(&[0.0, 0.0], &[2])),
        );
        layer
            .forward(&tensor(&[1.0, 1.0, 2.0, -1.0], &[2, 2]))
            .sum()
            .backward();
        assert_eq!(
            layer
                .weight
                .grad()
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![3.0, 0.0, 3.0, 0.0]
        );
        assert_eq!(
            layer
                .bias
                .as_ref()
                .unwrap()
                .grad()
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![2.0, 2.0]
        );
    }

    #[test]
    fn gradcheck_weight_bias_and_input() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let layer = Linear::new(4, 3, &mut rng);
        let x = Tensor::randn(&[5, 4], 0.0, 1.0, &mut rng).requires_grad();
        let inputs = [x, layer.weight.clone(), layer.bias.clone().unwrap()];
        let worst = gradcheck(
            |t| Linear::from_tensors(t[1].clone(), Some(t[2].clone())).forward(&t[0]),
            &inputs,
            GradCheck::default(),
        )
        .unwrap();
        assert!(worst < 1e-2, "worst difference {worst}");
    }

    #[test]
    fn default_init_matches_pytorch_bounds() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let layer = Linear::new(400, 300, &mut rng);
        let bound = 1.0 / 400f32.sqrt(); // 0.05
        let w = layer.weight.to_vec();
        assert!(
            w.iter().all(|v| v.abs() <= bound),
            "a weight is outside ±{bound}"
        );
        let n = w.len() as f64;
        let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
        let std = (w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        // U(−a, a) has std a/√3 = 0.05/1.732 = 0.028868.
        let expected = bound as f64 / 3f64.sqrt();
        assert!(
            (std - expected).abs() < 0.05 * expected,
            "std {std} vs {expected}"
        );
        assert!(mean.abs() < 0.001, "mean {mean}");
        let b = layer.bias.as_ref().unwrap().to_vec();
        assert!(b.iter().all(|v| v.abs() <= bound));
        // Same seed, same layer; another seed, another layer.
        let again = Linear::new(400, 300, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(again.weight.to_vec(), w);
        assert_eq!(again.bias.unwrap().to_vec(), b);
        let other = Linear::new(400, 300, &mut ChaCha8Rng::seed_from_u64(2));
        assert_ne!(other.weight.to_vec(), w);
    }

    #[test]
    fn parameters_are_named_as_pytorch() {
        let layer = Linear::new(3, 2, &mut ChaCha8Rng::seed_from_u64(0));
        let names: Vec<_> = layer.parameters().iter().map(|p| p.name.clone()).collect();
        assert_eq!(names, ["weight", "bias"]);
        assert_eq!(
            layer.name(),
            "Linear(in_features=3, out_features=2, bias=True)"
        );
    }

    #[test]
    #[should_panic(
        expected = "Linear(in_features=3, out_features=2, bias=True): expected input [batch, 3], got [4, 5]"
    )]
    fn wrong_input_names_layer_and_shape() {
        Linear::new(3, 2, &mut ChaCha8Rng::seed_from_u64(0)).forward(&Tensor::zeros(&[4, 5]));
    }
}
