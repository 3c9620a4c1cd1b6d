//! A chain of modules applied in order, PyTorch's `nn.Sequential`.
//!
//! Child `i` names its parameters under the prefix `"{i}."`, every layer counting — an
//! activation or a dropout takes an index even though it owns no tensor — so the names match
//! `torch.nn.Sequential(...).state_dict()` key for key.

use std::fmt;

use autograd::Tensor;

use crate::hooks::{self, ForwardCall, ForwardHookHandle, ForwardHooks};
use crate::linear::Linear;
use crate::module::Module;

/// Modules applied one after the other: `y = fₙ(… f₁(f₀(x)))`.
///
/// ```
/// use nn::{Linear, Module, ReLU, Sequential};
/// use rand::SeedableRng;
///
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let model = Sequential::new()
///     .add(Linear::new(4, 3, &mut rng))
///     .add(ReLU)
///     .add(Linear::new(3, 2, &mut rng));
/// let names: Vec<_> = model.parameters().iter().map(|p| p.name.clone()).collect();
/// assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
/// println!("{model}");
/// ```
#[derive(Default)]
pub struct Sequential {
    layers: Vec<Box<dyn Module>>,
    hooks: ForwardHooks,
}

impl Sequential {
    /// An empty chain (its forward is the identity).
    pub fn new() -> Sequential {
        Sequential::default()
    }

    /// Appends a layer, returning the chain (builder style).
    #[allow(clippy::should_implement_trait)] // a builder step, not `+`
    pub fn add(mut self, layer: impl Module + 'static) -> Sequential {
        self.layers.push(Box::new(layer));
        self
    }

    /// Appends an already boxed layer, e.g. from [`crate::Activation::module`].
    pub fn add_boxed(mut self, layer: Box<dyn Module>) -> Sequential {
        self.layers.push(layer);
        self
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Module>] {
        &self.layers
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// True for a chain with no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Calls `hook` after every layer's forward, with the layer, its input and its output (see
    /// [`crate::hooks`]); hooks run in the order registered.
    pub fn register_forward_hook(
        &self,
        hook: impl Fn(&ForwardCall) + 'static,
    ) -> ForwardHookHandle {
        hooks::register(&self.hooks, hook)
    }
}

impl Module for Sequential {
    /// Each layer in turn; a layer's shape panic names the line that called this `forward`
    /// (a plain loop, not an iterator closure, which would lose the caller's location).
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let mut y = x.clone();
        for (index, layer) in self.layers.iter().enumerate() {
            let input = y;
            y = layer.forward(&input);
            if !self.hooks.borrow().is_empty() {
                let call = ForwardCall {
                    index,
                    layer: layer.as_ref(),
                    input: &input,
                    output: &y,
                };
                hooks::run(&self.hooks, &call);
            }
        }
        y
    }

    fn visit_parameters(&self, prefix: &str, f: &mut dyn FnMut(&str, &Tensor)) {
        for (i, layer) in self.layers.iter().enumerate() {
            layer.visit_parameters(&format!("{prefix}{i}."), f);
        }
    }

    fn set_training(&mut self, training: bool) {
        for layer in &mut self.layers {
            layer.set_training(training);
        }
    }

    fn visit_linear(&self, f: &mut dyn FnMut(&Linear)) {
        for layer in &self.layers {
            layer.visit_linear(f);
        }
    }

    fn name(&self) -> String {
        "Sequential".into()
    }
}

/// PyTorch's `repr`, one line per layer, plus each layer's parameter shapes and counts and
/// the total:
///
/// ```text
/// Sequential(
///   (0): Linear(in_features=4, out_features=3, bias=True)  [weight [3, 4], bias [3]: 15 parameters]
///   (1): ReLU()
/// )
/// Total parameters: 15
/// ```
impl fmt::Display for Sequential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Sequential(")?;
        let mut total = 0;
        for (i, layer) in self.layers.iter().enumerate() {
            let (mut shapes, mut count) = (Vec::new(), 0);
            layer.visit_parameters("", &mut |name, t| {
                shapes.push(format!("{name} {:?}", t.shape()));
                count += t.len();
            });
            total += count;
            write!(f, "  ({i}): {}", layer.name())?;
            if !shapes.is_empty() {
                write!(f, "  [{}: {count} parameters]", shapes.join(", "))?;
            }
            writeln!(f)?;
        }
        writeln!(f, ")")?;
        write!(f, "Total parameters: {total}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dropout, ReLU};

    fn linear(w: &[f32], b: &[f32], out: usize, inp: usize) -> Linear {
        Linear::from_tensors(
            Tensor::from_vec(w.to_vec(), &[out, inp]).unwrap(),
            Some(Tensor::from_vec(b.to_vec(), &[out]).unwrap()),
        )
    }

    #[test]
    fn forward_chains_layers() {
        // h = relu([[1, -1], [2, 0]]·x + [0, -5]) for x = [3, 1]: relu([2, 1]) = [2, 1];
        // y = [1, 1]·h + 0.5 = 3.5.
        let model = Sequential::new()
            .add(linear(&[1.0, -1.0, 2.0, 0.0], &[0.0, -5.0], 2, 2))
            .add(ReLU)
            .add(linear(&[1.0, 1.0], &[0.5], 1, 2));
        let y = model.forward(&Tensor::from_vec(vec![3.0, 1.0], &[1, 2]).unwrap());
        assert_eq!(y.to_vec(), vec![3.5]);
    }

    #[test]
    fn names_nest_and_training_propagates() {
        let inner = Sequential::new()
            .add(Dropout::new(0.5, 0))
            .add(linear(&[1.0], &[0.0], 1, 1));
        let mut model = Sequential::new()
            .add(linear(&[1.0], &[0.0], 1, 1))
            .add(inner);
        let names: Vec<_> = model.parameters().iter().map(|p| p.name.clone()).collect();
        // As torch: Sequential(Linear, Sequential(Dropout, Linear)) → 0.*, 1.1.*.
        assert_eq!(names, ["0.weight", "0.bias", "1.1.weight", "1.1.bias"]);
        model.set_training(false);
        let x = Tensor::ones(&[1, 1]);
        assert_eq!(model.forward(&x).to_vec(), vec![1.0]);
    }

    #[test]
    fn display_lists_layers_shapes_and_total() {
        let model = Sequential::new()
            .add(linear(&[0.0; 6], &[0.0; 3], 3, 2))
            .add(ReLU);
        let text = model.to_string();
        assert_eq!(
            text,
            "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)  \
             [weight [3, 2], bias [3]: 9 parameters]\n  (1): ReLU()\n)\nTotal parameters: 9"
        );
    }
}
